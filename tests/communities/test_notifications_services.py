"""Notifications: who gets one, in which language, and e-mails sent once, at once or in a daily
digest that never repeats an item."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from communities.models import Notification, NotificationPreference
from communities.services.notifications import (
    deliveries_for,
    mark_read,
    notify,
    people_with_digest_waiting,
    send_digest,
    send_notification_email,
    set_deliveries,
    unread_count,
)
from communities.tasks import (
    send_notification_digests_task,
    send_notification_email_task,
)

from ..factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

K = Notification.Kind
D = Notification.Delivery
# A msgid the French catalogue already holds, so that the language of each recipient shows.
TITLE = gettext_noop("Training: %(module)s")
FRENCH = "Formation\u00a0: Accueil"
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def tell(recipients, kind=K.REPLY, **extra):
    return notify(recipients, kind, title=TITLE, params={"module": "Accueil"}, **extra)


# --- Who is notified ---------------------------------------------------------------------------


def test_the_actor_is_never_notified_of_their_own_act(bob, carol):
    created = tell([bob, carol], actor=bob)
    assert [n.recipient for n in created] == [carol]


def test_inactive_people_and_duplicates_are_left_out(bob, carol):
    carol.is_active = False
    carol.save()
    created = tell([bob, bob, carol, None])
    assert [n.recipient for n in created] == [bob]


def test_each_recipient_reads_the_title_in_their_own_language(bob, carol):
    carol.language = "en"
    carol.save()
    titles = {n.recipient: n.title for n in tell([bob, carol])}
    assert titles == {bob: FRENCH, carol: "Training: Accueil"}


def test_an_unknown_kind_is_a_programming_error(bob):
    with pytest.raises(ValueError):
        notify([bob], "gossip", title=TITLE)
    assert not Notification.objects.exists()


def test_each_person_gets_the_delivery_they_chose_or_the_default(bob, carol):
    set_deliveries(carol, {K.REPLY: D.IN_APP})
    deliveries = {n.recipient: n.delivery for n in tell([bob, carol], K.REPLY)}
    assert deliveries == {bob: D.DIGEST, carol: D.IN_APP}


def test_once_unread_adds_nothing_while_an_item_for_the_same_address_waits(bob, carol):
    first = tell([bob], K.MEETING_PACK, url="/programmes/reunions/1/", once_unread=True)
    again = tell([bob, carol], K.MEETING_PACK, url="/programmes/reunions/1/", once_unread=True)
    assert len(first) == 1
    assert [n.recipient for n in again] == [carol]

    mark_read(bob)
    assert len(tell([bob], K.MEETING_PACK, url="/programmes/reunions/1/", once_unread=True)) == 1
    assert len(tell([bob], K.MEETING_PACK, url="/programmes/reunions/2/", once_unread=True)) == 1


# --- Preferences -------------------------------------------------------------------------------


def test_preferences_start_from_the_defaults_and_are_saved(bob):
    assert deliveries_for(bob)[K.MENTION] == D.IMMEDIATE
    set_deliveries(bob, {K.MENTION: D.DIGEST, K.REPLY: D.IN_APP})
    set_deliveries(bob, {K.MENTION: D.IN_APP})
    chosen = deliveries_for(bob)
    assert (chosen[K.MENTION], chosen[K.REPLY]) == (D.IN_APP, D.IN_APP)
    assert NotificationPreference.objects.filter(user=bob).count() == 2


@pytest.mark.parametrize("choices, key, code", [
    ({"gossip": D.IMMEDIATE, K.REPLY: D.IN_APP}, "gossip", "unknown_kind"),
    ({K.REPLY: "pigeon", K.MENTION: D.IN_APP}, K.REPLY, "unknown_delivery"),
])
def test_bad_preferences_are_refused_whole(bob, choices, key, code):
    with pytest.raises(ValidationError) as excinfo:
        set_deliveries(bob, choices)
    assert [error.code for error in excinfo.value.error_dict[key]] == [code]
    assert not NotificationPreference.objects.exists()


# --- Reading -----------------------------------------------------------------------------------


def test_marking_read_touches_only_ones_own_notifications(bob, carol):
    mine = NotificationFactory(recipient=bob)
    NotificationFactory(recipient=bob)
    theirs = NotificationFactory(recipient=carol)

    assert mark_read(bob, [mine.pk, theirs.pk]) == 1
    assert unread_count(bob) == 1
    assert unread_count(carol) == 1
    assert mark_read(bob) == 1
    assert unread_count(bob) == 0


# --- Immediate e-mails ---------------------------------------------------------------------------


def test_an_immediate_item_is_e_mailed_once_even_if_the_task_runs_twice(
        bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([bob], K.MENTION, url="/structures/", body="@bob tu as vu ?")
    assert len(mail.outbox) == 1
    send_notification_email_task.delay(notification.pk)
    send_notification_email_task(notification.pk)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    assert message.subject == "[Essaimage] Formation : Accueil"
    assert "/structures/" in message.body
    assert "/notifications/preferences/" in message.body


def test_a_failed_send_gives_the_item_back_and_the_retry_sends_it(bob):
    (notification,) = tell([bob], K.MENTION)
    with mock.patch(LOCMEM_SEND, side_effect=SMTPException("busy")):
        with pytest.raises(SMTPException):
            send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    assert send_notification_email(notification.pk) is True
    assert len(mail.outbox) == 1
    assert send_notification_email(notification.pk) is False


def test_nothing_leaves_for_someone_who_left_before_the_send(bob):
    (notification,) = tell([bob], K.MENTION)
    bob.is_active = False
    bob.save()
    assert send_notification_email(notification.pk) is False
    assert mail.outbox == []


# --- Digests -----------------------------------------------------------------------------------


def test_a_digest_gathers_every_waiting_item_once(bob, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell([bob, carol], K.REPLY)
        tell([bob], K.NEW_EVENT)
        tell([bob], K.HELPFUL_ANSWER)  # in the application only
    assert mail.outbox == []

    assert send_notification_digests_task() == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {bob.email, carol.email}
    assert by_person[bob.email].body.count(FRENCH) == 2
    assert by_person[carol.email].body.count(FRENCH) == 1

    mail.outbox.clear()
    assert send_notification_digests_task() == 0
    assert mail.outbox == []


def test_items_after_a_digest_go_in_the_next_one(bob):
    NotificationFactory(recipient=bob, delivery=D.DIGEST, title="Avant")
    assert send_digest(bob) == 1
    NotificationFactory(recipient=bob, delivery=D.DIGEST, title="Après")
    assert send_digest(bob) == 1

    assert len(mail.outbox) == 2
    assert "Avant" in mail.outbox[0].body and "Après" not in mail.outbox[0].body
    assert "Après" in mail.outbox[1].body and "Avant" not in mail.outbox[1].body


def test_items_read_in_the_application_are_not_e_mailed_in_the_digest(bob):
    read = NotificationFactory(recipient=bob, delivery=D.DIGEST, title="Déjà lu")
    mark_read(bob, [read.pk])
    assert send_digest(bob) == 0
    assert mail.outbox == []
    assert not people_with_digest_waiting().exists()


def test_a_failed_digest_is_sent_whole_by_the_retry(bob):
    NotificationFactory(recipient=bob, delivery=D.DIGEST, title="Un")
    NotificationFactory(recipient=bob, delivery=D.DIGEST, title="Deux")
    with mock.patch(LOCMEM_SEND, side_effect=SMTPException("busy")):
        with pytest.raises(SMTPException):
            send_digest(bob)
    assert list(people_with_digest_waiting()) == [bob]

    assert send_digest(bob) == 2
    assert "Un" in mail.outbox[0].body and "Deux" in mail.outbox[0].body


def test_in_app_items_are_never_e_mailed(bob, django_capture_on_commit_callbacks):
    set_deliveries(bob, {K.MENTION: D.IN_APP})
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([bob], K.MENTION)
    send_notification_email(notification.pk)
    send_notification_digests_task()
    assert mail.outbox == []


def test_a_person_who_left_gets_no_digest(bob):
    NotificationFactory(recipient=bob, delivery=D.DIGEST)
    other = UserFactory(is_active=False)
    NotificationFactory(recipient=other, delivery=D.DIGEST)
    bob.is_active = False
    bob.save()
    assert send_notification_digests_task() == 0
    assert mail.outbox == []
