"""Events: organising, seats and the waiting list, cancelling, reminders, attendance, report."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Event, EventRegistration, Notification
from communities.services import events as services
from essaimage.reminders import scan_reminders

from ..factories import EventFactory, EventRegistrationFactory, MembershipFactory
from .events_cast import *  # noqa: F401,F403
from .events_cast import later

pytestmark = pytest.mark.django_db

R = EventRegistration.Status


def fields(**overrides):
    data = {"title": "Webinaire : mobiliser les bénévoles", "kind": Event.Kind.WEBINAR,
            "description": "", "agenda": "", "starts_at": later(days=5),
            "ends_at": later(days=5, hours=2), "place": "", "link": "https://visio.example.org/a",
            "capacity": None}
    return data | overrides


def unmoved(event, **overrides):
    """The form's fields for a change that keeps the event's date, place and link."""
    return fields(starts_at=event.starts_at, ends_at=event.ends_at, place=event.place,
                  link=event.link, **overrides)


def codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def refused(code):
    """Expect a refusal with this code (messages are in the person's language)."""
    return pytest.raises(ValidationError, check=lambda error: code in
                         [e.code for e in error.error_list])


# --- Organising ----------------------------------------------------------------------------


def test_creating_an_event_notifies_everyone_of_its_spaces_but_the_organiser(
        alice, bob, ben, carol, pia, mathilde, cohort_a, cohort_b, oscar):
    event = services.create_event(by=alice, spaces=[cohort_a, cohort_b], **fields())

    assert set(event.spaces.all()) == {cohort_a, cohort_b}
    recipients = set(Notification.objects.filter(kind=Notification.Kind.NEW_EVENT)
                     .values_list("recipient__email", flat=True))
    # bob and ben through their structure, carol through hers, pia and mathilde named.
    assert recipients == {"bob@example.org", "ben@example.org", "carol@example.org",
                          "pia@example.org", "mathilde@example.org"}
    notification = Notification.objects.get(recipient=bob)
    assert "Webinaire : mobiliser les bénévoles" in notification.title
    assert notification.url == event.get_absolute_url()


def test_people_of_the_spaces_are_found_in_one_query(alice, cohort_a, cohort_b, bob_structure):
    from communities.selectors.events import people_of_spaces

    for _ in range(20):
        MembershipFactory(structure=bob_structure)
    with CaptureQueriesContext(connection) as queries:
        people = list(people_of_spaces([cohort_a.pk, cohort_b.pk]))
    assert len(queries.captured_queries) == 1
    assert len(people) == len({person.pk for person in people})  # nobody twice
    assert len(people) == 20 + 5  # 20 colleagues, bob, carol, alice, mathilde, pia


def test_a_person_who_left_the_structure_is_not_told(alice, bob, bob_structure, cohort_a):
    bob.memberships.filter(structure=bob_structure).delete()
    services.create_event(by=alice, spaces=[cohort_a], **fields())
    assert not Notification.objects.filter(recipient=bob).exists()


@pytest.mark.parametrize("overrides, field, code", [
    ({"ends_at": later(days=5, hours=-1)}, "ends_at", "ends_before_start"),
    ({"starts_at": later(hours=-2), "ends_at": later(hours=1)}, "starts_at", "start_in_past"),
    ({"capacity": 0}, "capacity", "capacity_too_small"),
    ({"capacity": -3}, "capacity", "capacity_too_small"),
    ({"place": "", "link": ""}, "place", "no_place"),
    ({"place": "   ", "link": ""}, "place", "no_place"),
])
def test_bad_events_are_refused(alice, cohort_a, overrides, field, code):
    with pytest.raises(ValidationError) as error:
        services.create_event(by=alice, spaces=[cohort_a], **fields(**overrides))
    assert code in codes(error.value)[field]
    assert not Event.objects.exists()
    assert not Notification.objects.exists()


def test_an_event_needs_a_space(alice, cohort_a):
    with pytest.raises(ValidationError) as error:
        services.create_event(by=alice, spaces=[], **fields())
    assert codes(error.value) == {"spaces": ["no_space"]}


def test_an_event_is_only_opened_to_spaces_one_moderates(mathilde, cohort_a, cohort_b):
    with pytest.raises(ValidationError) as error:
        services.create_event(by=mathilde, spaces=[cohort_a, cohort_b], **fields())
    assert codes(error.value) == {"spaces": ["space_not_moderated"]}


def test_update_keeps_the_spaces_the_editor_does_not_moderate(alice, mathilde, cohort_a,
                                                              cohort_b):
    event = EventFactory(organiser=alice, spaces=[cohort_a, cohort_b])
    services.update_event(event, by=mathilde, spaces=[cohort_a], **fields(title="Nouveau"))
    event.refresh_from_db()
    assert event.title == "Nouveau"
    assert set(event.spaces.all()) == {cohort_a, cohort_b}


def test_capacity_cannot_go_below_the_people_registered(alice, event, bob, ben):
    services.register(event, bob)
    services.register(event, ben)
    with pytest.raises(ValidationError) as error:
        services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                              **fields(capacity=1))
    assert codes(error.value) == {"capacity": ["capacity_below_registered"]}


def test_more_seats_let_the_first_people_waiting_in(alice, event, bob, ben, pia, mathilde,
                                                    django_capture_on_commit_callbacks):
    for person in (bob, ben, pia, mathilde):
        services.register(event, person)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                              **unmoved(event, capacity=3))
    statuses = dict(event.registrations.values_list("person__email", "status"))
    assert statuses == {"bob@example.org": R.REGISTERED, "ben@example.org": R.REGISTERED,
                        "pia@example.org": R.REGISTERED, "mathilde@example.org": R.WAITING}
    assert [m.to for m in mail.outbox] == [["pia@example.org"]]


def test_a_new_date_means_a_new_reminder(alice, event, bob):
    registration = services.register(event, bob)
    EventRegistration.objects.filter(pk=registration.pk).update(reminded_at=timezone.now())
    services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                          **fields(starts_at=later(days=6), ends_at=later(days=6, hours=1)))
    registration.refresh_from_db()
    assert registration.reminded_at is None


def test_a_new_date_or_place_is_mailed_to_the_people_registered_and_waiting(
        alice, event, bob, ben, pia, mathilde, django_capture_on_commit_callbacks):
    for person in (bob, ben, pia):
        services.register(event, person)
    services.cancel_registration(services.register(event, mathilde))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                              **fields(starts_at=later(days=8), ends_at=later(days=8, hours=2),
                                       place="Tiers-lieu La Fabrique, Nevers",
                                       capacity=event.capacity))

    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "bob@example.org",
                                                    "pia@example.org"]
    message = mail.outbox[0]
    assert "Tiers-lieu La Fabrique, Nevers" in message.body
    filename, calendar, mimetype = message.attachments[0]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert mimetype == "text/calendar" and filename.endswith(".ics")
    assert f"SEQUENCE:{services.calendar_sequence(event)}" in calendar
    assert "Tiers-lieu La Fabrique" in calendar

    # The task delivered twice sends nothing more.
    from communities.tasks import send_event_changed_emails_task
    assert send_event_changed_emails_task(event.pk, services.calendar_sequence(event),
                                          ["place"]) == 0
    assert len(mail.outbox) == 3


def test_changing_the_title_or_seats_mails_nobody(alice, event, bob,
                                                  django_capture_on_commit_callbacks):
    services.register(event, bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                              **unmoved(event, title="Webinaire : les bénévoles",
                                        capacity=40))
    assert mail.outbox == []


def test_a_change_overtaken_by_another_is_mailed_once_in_its_latest_version(
        alice, event, bob, django_capture_on_commit_callbacks):
    from communities.tasks import send_event_changed_emails_task

    services.register(event, bob)
    mail.outbox.clear()
    services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                          **fields(place="Salle A"))
    first = services.calendar_sequence(event)
    services.update_event(event, by=alice, spaces=[*event.spaces.all()],
                          **fields(place="Salle B"))

    assert send_event_changed_emails_task(event.pk, first, ["place"]) == 0
    assert send_event_changed_emails_task(
        event.pk, services.calendar_sequence(event), ["place"]) == 1
    assert "Salle B" in mail.outbox[0].body and "Salle A" not in mail.outbox[0].body


def test_a_started_or_cancelled_event_cannot_be_changed(alice, started_event, event):
    with refused("event_started"):
        services.update_event(started_event, by=alice, spaces=[*started_event.spaces.all()],
                              **fields())
    services.cancel_event(event, by=alice, reason="Grève des trains")
    with refused("event_cancelled"):
        services.update_event(event, by=alice, spaces=[*event.spaces.all()], **fields())


# --- Registration and the waiting list -------------------------------------------------------


def test_registration_beyond_capacity_goes_on_the_waiting_list(event, bob, ben, pia):
    assert services.register(event, bob).status == R.REGISTERED
    assert services.register(event, ben).status == R.REGISTERED
    waiting = services.register(event, pia)
    assert waiting.status == R.WAITING
    from communities.selectors.events import waiting_position
    assert waiting_position(waiting) == 1


def test_no_capacity_means_no_limit(alice, cohort_a, bob, ben, pia):
    event = EventFactory(organiser=alice, spaces=[cohort_a], capacity=None)
    assert {services.register(event, p).status for p in (bob, ben, pia)} == {R.REGISTERED}


def test_registering_twice_is_refused(event, bob, ben, pia):
    services.register(event, bob)
    with refused("already_registered"):
        services.register(event, bob)
    services.register(event, ben)
    services.register(event, pia)
    with refused("already_waiting"):
        services.register(event, pia)
    assert event.registrations.count() == 3


def test_a_person_who_cancelled_comes_back_at_the_end_of_the_queue(event, bob, ben, pia,
                                                                   mathilde):
    services.register(event, bob)
    services.register(event, ben)
    services.register(event, pia)       # waiting, 1st
    mine = services.register(event, mathilde)  # waiting, 2nd
    services.cancel_registration(mine)
    mine = services.register(event, mathilde)
    assert mine.status == R.WAITING
    services.cancel_registration(event.registrations.get(person=pia))
    services.register(event, pia)
    from communities.selectors.events import waiting_position
    assert waiting_position(event.registrations.get(person=mathilde)) == 1
    assert waiting_position(event.registrations.get(person=pia)) == 2


@pytest.mark.parametrize("which, message", [("started_event", "event_started"),
                                            ("past_event", "event_started")])
def test_registration_is_closed_once_the_event_has_started(request, bob, which, message):
    event = request.getfixturevalue(which)
    with refused(message):
        services.register(event, bob)


def test_registration_is_closed_when_the_event_is_cancelled(alice, event, bob):
    services.cancel_event(event, by=alice, reason="Salle indisponible")
    with refused("event_cancelled"):
        services.register(event, bob)


def test_people_who_cannot_read_the_event_cannot_register(event, carol, oscar):
    for person in (carol, oscar):
        with pytest.raises(PermissionDenied):
            services.register(event, person)
    assert not event.registrations.exists()


def test_cancelling_twice_is_refused(event, bob):
    registration = services.register(event, bob)
    services.cancel_registration(registration)
    with refused("already_cancelled"):
        services.cancel_registration(registration)


def test_a_freed_seat_goes_to_the_first_person_waiting_who_is_told_once(
        event, bob, ben, pia, mathilde, django_capture_on_commit_callbacks):
    bob_registration = services.register(event, bob)
    services.register(event, ben)
    services.register(event, pia)
    services.register(event, mathilde)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(bob_registration)

    assert [r.person for r in promoted] == [pia]
    assert event.registrations.get(person=pia).status == R.REGISTERED
    assert event.registrations.get(person=mathilde).status == R.WAITING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pia@example.org"]
    assert event.title in mail.outbox[0].subject

    # The same task delivered a second time sends nothing more.
    from communities.tasks import send_event_seat_offered_email_task
    send_event_seat_offered_email_task(promoted[0].pk)
    assert len(mail.outbox) == 1


def test_leaving_the_waiting_list_frees_no_seat(event, bob, ben, pia, mathilde):
    services.register(event, bob)
    services.register(event, ben)
    pia_registration = services.register(event, pia)
    services.register(event, mathilde)
    assert services.cancel_registration(pia_registration) == []
    assert event.registrations.get(person=mathilde).status == R.WAITING


def test_cancelling_after_the_start_is_refused(started_event, bob):
    registration = EventRegistrationFactory(event=started_event, person=bob)
    with refused("event_started"):
        services.cancel_registration(registration)


# --- Cancelling the event ----------------------------------------------------------------


def test_cancelling_an_event_tells_the_people_registered_and_waiting(
        alice, event, bob, ben, pia, mathilde, django_capture_on_commit_callbacks):
    services.register(event, bob)
    services.register(event, ben)
    services.register(event, pia)
    services.cancel_registration(services.register(event, mathilde))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, by=alice, reason="La salle est fermée pour travaux.")
    event.refresh_from_db()
    assert event.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "bob@example.org",
                                                    "pia@example.org"]
    assert all("La salle est fermée pour travaux." in m.body for m in mail.outbox)

    # A second delivery of the task sends nothing more.
    from communities.tasks import send_event_cancelled_emails_task
    assert send_event_cancelled_emails_task(event.pk) == 0
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("reason, code", [("", "reason_required"), ("   ", "reason_required"),
                                          ("x" * 301, "reason_too_long")])
def test_cancelling_needs_a_reason(alice, event, reason, code):
    with pytest.raises(ValidationError) as error:
        services.cancel_event(event, by=alice, reason=reason)
    assert codes(error.value) == {"reason": [code]}
    event.refresh_from_db()
    assert not event.is_cancelled


def test_cancelling_an_event_twice_or_after_it_started_is_refused(alice, event, started_event):
    services.cancel_event(event, by=alice, reason="Intempéries")
    with refused("already_cancelled"):
        services.cancel_event(event, by=alice, reason="Encore")
    with refused("event_started"):
        services.cancel_event(started_event, by=alice, reason="Trop tard")


# --- Reminders (communities.reminders, sent by the platform's reminder scan) ----------------


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# On Wednesday 10 March 2027 at 18:00 in Paris; reminded on the 9th at 09:00 (08:00 UTC).
START, REMINDER_TIME = utc(2027, 3, 10, 17, 0), utc(2027, 3, 9, 8, 0)


@pytest.fixture
def tomorrow_event(alice, cohort_a, bob, ben, pia):
    event = EventFactory(title="Webinaire du lendemain", organiser=alice, spaces=[cohort_a],
                         starts_at=START, ends_at=START + timedelta(hours=1), place="",
                         link="https://visio.example.org/demain")
    for person in (bob, ben):
        EventRegistrationFactory(event=event, person=person)
    EventRegistrationFactory(event=event, person=pia, status=R.WAITING)
    return event


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return scan_reminders(now).by_kind.get("event", 0)

    return run


def test_the_reminder_goes_once_to_each_person_registered_the_day_before(
        tomorrow_event, alice, cohort_a, mathilde, scan):
    later_event = EventFactory(organiser=alice, spaces=[cohort_a],
                               starts_at=START + timedelta(days=1),
                               ends_at=START + timedelta(days=1, hours=1))
    EventRegistrationFactory(event=later_event, person=mathilde)  # the day after: not yet
    cancelled = EventFactory(organiser=alice, spaces=[cohort_a], starts_at=START,
                             ends_at=START + timedelta(hours=1), is_cancelled=True)
    EventRegistrationFactory(event=cancelled, person=mathilde)

    assert scan(REMINDER_TIME - timedelta(seconds=1)) == 0
    assert scan(REMINDER_TIME) == 2
    scan(REMINDER_TIME + timedelta(minutes=15))

    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "bob@example.org"]
    message = mail.outbox[0]
    assert "Webinaire du lendemain" in message.subject
    assert "https://visio.example.org/demain" in message.body
    (filename, content, mimetype), = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    from icalendar import Calendar
    assert str(Calendar.from_ical(content).walk("VEVENT")[0]["SUMMARY"]) == \
        "Webinaire du lendemain"
    assert tomorrow_event.registrations.filter(reminded_at__isnull=False).count() == 2


def test_a_moved_event_is_reminded_again_and_a_cancelled_registration_is_not(
        tomorrow_event, bob, scan):
    scan(REMINDER_TIME)
    mail.outbox.clear()
    Event.objects.filter(pk=tomorrow_event.pk).update(starts_at=START + timedelta(days=2),
                                                      ends_at=START + timedelta(days=2, hours=1))
    EventRegistration.objects.filter(event=tomorrow_event, person=bob).update(
        status=R.CANCELLED)
    scan(REMINDER_TIME + timedelta(days=2))
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]


def test_a_registration_cancelled_after_the_reminder_was_queued_gets_nothing(
        tomorrow_event, bob):
    from essaimage.models import SentReminder
    from essaimage.reminders import send_reminder

    scan_reminders(REMINDER_TIME, queue=False)
    EventRegistration.objects.filter(event=tomorrow_event, person=bob).update(
        status=R.CANCELLED)
    reminder = SentReminder.objects.get(recipient_email="bob@example.org")
    assert send_reminder(reminder.pk) == SentReminder.Status.SKIPPED
    assert mail.outbox == []


# --- Attendance and report -----------------------------------------------------------------


def test_attendance_is_taken_once_the_event_has_started(alice, event, started_event, bob):
    registration = EventRegistrationFactory(event=event, person=bob)
    with refused("event_not_started"):
        services.record_attendance(event, attendance={registration.pk: True}, by=alice)

    present = EventRegistrationFactory(event=started_event, person=bob)
    services.record_attendance(started_event, attendance={present.pk: True}, by=alice)
    present.refresh_from_db()
    assert present.attended is True


def test_attendance_only_for_people_registered(alice, started_event, bob, ben):
    waiting = EventRegistrationFactory(event=started_event, person=ben, status=R.WAITING)
    with refused("not_registered"):
        services.record_attendance(started_event, attendance={waiting.pk: True}, by=alice)


def test_the_report_is_written_once_the_event_has_ended(alice, started_event, past_event):
    with refused("event_not_ended"):
        services.write_report(started_event, report="Trop tôt", by=alice)
    services.write_report(past_event, report="  Belle visite, **trois** sites.  ", by=alice)
    past_event.refresh_from_db()
    assert past_event.report == "Belle visite, **trois** sites."


@pytest.mark.parametrize("report, code", [("", "report_required"), ("  \n ", "report_required"),
                                          ("x" * 10_001, "report_too_long")])
def test_bad_reports_are_refused(alice, past_event, report, code):
    with pytest.raises(ValidationError) as error:
        services.write_report(past_event, report=report, by=alice)
    assert codes(error.value) == {"report": [code]}


def test_two_people_waiting_since_the_same_instant_keep_their_order(event, bob, ben):
    now = timezone.now()
    first = EventRegistrationFactory(event=event, person=bob, status=R.WAITING, registered_at=now)
    second = EventRegistrationFactory(event=event, person=ben, status=R.WAITING,
                                      registered_at=now)
    from communities.selectors.events import waiting_position
    assert (waiting_position(first), waiting_position(second)) == (1, 2)
