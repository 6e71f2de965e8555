"""Notify people: one row per recipient in their language, then e-mail at once or in the
daily digest as each person chose for that kind. Every app calls `notify`; nothing else
writes notifications.

An item is e-mailed at most once: the send claims it by setting `emailed_at` in the same
transaction that locks it, so two workers (or a retry and a digest) cannot both take it. A
send that fails gives its items back for the retry; a worker killed between the claim and the
send loses them, which we prefer to sending them twice.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Notification, NotificationPreference, User

K = Notification.Kind
D = Notification.Delivery

DEFAULT_DELIVERY = {
    K.MENTION: D.IMMEDIATE,
    K.REPLY: D.DIGEST,
    K.HELPFUL_ANSWER: D.IN_APP,
    K.VALUE_RETURNED: D.IMMEDIATE,
    K.NEW_EVENT: D.DIGEST,
    K.MEETING_PACK: D.IMMEDIATE,
}
TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


# --- Preferences -------------------------------------------------------------------------------


def deliveries_for(user) -> dict[str, str]:
    """Each kind with the delivery the person chose, or the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in K.values}


def set_deliveries(user, choices: dict[str, str]) -> None:
    """Record the person's choices, all or nothing: an unknown kind or delivery refuses the
    whole lot, keyed by kind."""
    errors = {}
    for kind, delivery in choices.items():
        if kind not in K.values:
            errors[kind] = ValidationError(_("Unknown kind of notification."),
                                           code="unknown_kind")
        elif delivery not in D.values:
            errors[kind] = ValidationError(_("Choose one of the deliveries offered."),
                                           code="unknown_delivery")
    if errors:
        raise ValidationError(errors)
    if not choices:
        return
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=kind, delivery=delivery)
         for kind, delivery in choices.items()],
        update_conflicts=True, unique_fields=["user", "kind"], update_fields=["delivery"])


# --- Notifying ---------------------------------------------------------------------------------


def notify(recipients: Iterable, kind: str, *, title: str, params: dict | None = None,
           url: str = "", body: str = "", actor=None,
           once_unread: bool = False) -> list[Notification]:
    """Tell `recipients` that something of `kind` happened.

    `title` is an untranslated message (mark it with gettext_noop) rendered with `params` in
    each recipient's language. The actor is never notified of their own act, nor inactive
    people. With `once_unread`, a person who still has an unread notification of this kind
    for this `url` gets no other (five documents added to a meeting pack make one item).
    E-mails leave after the surrounding transaction commits.
    """
    if kind not in K.values:
        raise ValueError(f"Unknown kind of notification: {kind!r}")
    actor_id = actor.pk if actor is not None else None
    people = {person.pk: person for person in recipients
              if person is not None and person.is_active and person.pk != actor_id}
    if once_unread and people:
        waiting = set(Notification.objects.filter(
            recipient__in=list(people), kind=kind, url=url, read_at__isnull=True,
        ).values_list("recipient", flat=True))
        people = {pk: person for pk, person in people.items() if pk not in waiting}
    if not people:
        return []
    chosen = dict(NotificationPreference.objects.filter(user__in=list(people), kind=kind)
                  .values_list("user", "delivery"))
    now = timezone.now()
    notifications = []
    for person in people.values():
        with translation.override(person.language or "fr"):
            rendered = _(title) % params if params else _(title)
        notifications.append(Notification(
            recipient=person, kind=kind, title=rendered[:TITLE_MAX_LENGTH], body=body, url=url,
            actor=actor, created_at=now,
            delivery=chosen.get(person.pk, DEFAULT_DELIVERY[kind])))
    created = Notification.objects.bulk_create(notifications)
    immediate = [n.pk for n in created if n.delivery == D.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: _queue_immediate(immediate))
    return created


def _queue_immediate(notification_ids: list[int]) -> None:
    from ..tasks import send_notification_email_task

    for pk in notification_ids:
        send_notification_email_task.delay(pk)


# --- E-mails -----------------------------------------------------------------------------------


def claim_for_email(queryset) -> list[int]:
    """Mark the not-yet-emailed rows of `queryset` as emailed; return the ids this call took."""
    with transaction.atomic():
        ids = list(queryset.filter(emailed_at__isnull=True)
                   .select_for_update(skip_locked=True, of=("self",))
                   .values_list("pk", flat=True))
        if ids:
            Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
    return ids


def release(notification_ids: list[int]) -> None:
    """Give items back when their e-mail failed, so that the retry sends them."""
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=None)


def send_notification_email(notification_id: int) -> bool:
    """Send one immediate notification by e-mail, once; False when there was nothing to send
    (already sent, or the person has left)."""
    from essaimage.emails import absolute_url, send_templated_email

    taken = claim_for_email(Notification.objects.filter(
        pk=notification_id, delivery=D.IMMEDIATE, recipient__is_active=True))
    if not taken:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    person = notification.recipient
    try:
        send_templated_email(
            "notification", to=[person.email], language=person.language or "fr",
            context={"person": person, "notification": notification,
                     "url": absolute_url(notification.url) if notification.url else "",
                     "preferences_url": absolute_url(preferences_path())})
    except Exception:
        release(taken)
        raise
    return True


def people_with_digest_waiting():
    """Active people with at least one digest item not sent yet."""
    waiting = Notification.objects.filter(recipient=OuterRef("pk"), delivery=D.DIGEST,
                                          emailed_at__isnull=True)
    return User.objects.filter(Exists(waiting), is_active=True).order_by("pk")


def send_digest(person) -> int:
    """Send `person` one e-mail with every digest item not sent yet; return how many items.

    An item already in a digest is never in another. Items the person has already read in
    the application are settled without being e-mailed: the digest tells what is new.
    """
    from essaimage.emails import absolute_url, send_templated_email

    taken = claim_for_email(Notification.objects.filter(recipient=person, delivery=D.DIGEST))
    if not taken:
        return 0
    items = list(Notification.objects.filter(pk__in=taken, read_at__isnull=True)
                 .order_by("created_at", "pk"))
    if not items:
        return 0
    try:
        send_templated_email(
            "notification_digest", to=[person.email], language=person.language or "fr",
            context={"person": person,
                     "items": [(item, absolute_url(item.url) if item.url else "")
                               for item in items],
                     "preferences_url": absolute_url(preferences_path())})
    except Exception:
        release(taken)
        raise
    return len(items)


def preferences_path() -> str:
    """Where a person chooses what comes by e-mail (linked from every notification e-mail)."""
    return reverse("communities:notification_preferences")


# --- Reading -----------------------------------------------------------------------------------


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all unread ones when no ids are given); another
    person's ids are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    """How many of the person's notifications are unread (0 for a visitor)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
