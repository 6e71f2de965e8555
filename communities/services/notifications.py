"""Notify people: one row per recipient in their language, then e-mail at once or in the
daily digest as each person chose for that kind. Every app calls `notify`; nothing else
writes notifications.

An item is e-mailed at most once: the send claims it by setting `emailed_at` in the same
UPDATE that checks it is still empty, so two workers (or a retry and a digest) cannot both
take it.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
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


def deliveries_for(user) -> dict[str, str]:
    """Each kind with the delivery the person chose, or the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in K.values}


def set_deliveries(user, choices: dict[str, str]) -> None:
    """Record the person's choices; an unknown kind or delivery is refused whole."""
    from django.core.exceptions import ValidationError

    errors = {kind: _("Unknown kind of notification.") for kind in choices if kind not in K.values}
    errors |= {kind: _("Choose one of the deliveries offered.")
               for kind, delivery in choices.items()
               if kind in K.values and delivery not in D.values}
    if errors:
        raise ValidationError(errors, code="invalid")
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery})


def notify(recipients: Iterable, kind: str, *, title: str, params: dict | None = None,
           url: str = "", body: str = "", actor=None) -> list[Notification]:
    """Tell `recipients` that something of `kind` happened.

    `title` is an untranslated message (mark it with gettext_noop) rendered with `params` in
    each recipient's language. The actor is never notified of their own act. E-mails leave
    after the surrounding transaction commits.
    """
    people = {person.pk: person for person in recipients
              if person is not None and person.is_active and person != actor}
    if not people:
        return []
    chosen = dict(((user_id, kind_), delivery) for user_id, kind_, delivery in
                  NotificationPreference.objects.filter(user__in=people, kind=kind)
                  .values_list("user", "kind", "delivery"))
    now = timezone.now()
    notifications = []
    for person in people.values():
        with translation.override(person.language or "fr"):
            rendered = _(title) % (params or {}) if params else _(title)
        notifications.append(Notification(
            recipient=person, kind=kind, title=rendered[:300], body=body, url=url,
            actor=actor, created_at=now,
            delivery=chosen.get((person.pk, kind), DEFAULT_DELIVERY[kind])))
    created = Notification.objects.bulk_create(notifications)
    immediate = [n.pk for n in created if n.delivery == D.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: _queue_immediate(immediate))
    return created


def _queue_immediate(notification_ids: list[int]) -> None:
    from ..tasks import send_notification_email_task

    for pk in notification_ids:
        send_notification_email_task.delay(pk)


def claim_for_email(queryset) -> list[int]:
    """Mark the not-yet-emailed rows of `queryset` as emailed; return the ids this call took."""
    with transaction.atomic():
        ids = list(queryset.filter(emailed_at__isnull=True)
                   .select_for_update(skip_locked=True).values_list("pk", flat=True))
        taken = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        taken.update(emailed_at=timezone.now())
    return ids


def release(notification_ids: list[int]) -> None:
    """Give items back when their e-mail failed, so that the retry sends them."""
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=None)


def send_notification_email(notification_id: int) -> bool:
    """Send one immediate notification by e-mail, once."""
    from essaimage.emails import absolute_url, send_templated_email

    taken = claim_for_email(Notification.objects.filter(pk=notification_id,
                                                        delivery=D.IMMEDIATE))
    if not taken:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    person = notification.recipient
    try:
        send_templated_email(
            "notification", to=[person.email], language=person.language or "fr",
            context={"person": person, "notification": notification,
                     "url": absolute_url(notification.url) if notification.url else "",
                     "preferences_url": absolute_url(_preferences_path())})
    except Exception:
        release(taken)
        raise
    return True


def people_with_digest_waiting():
    return (User.objects.filter(is_active=True, notifications__delivery=D.DIGEST,
                                notifications__emailed_at__isnull=True)
            .distinct().order_by("pk"))


def send_digest(person) -> int:
    """Send `person` one e-mail with every digest item not sent yet; return how many items.
    An item already in a digest is never in another."""
    from essaimage.emails import absolute_url, send_templated_email

    taken = claim_for_email(Notification.objects.filter(recipient=person, delivery=D.DIGEST))
    if not taken:
        return 0
    items = list(Notification.objects.filter(pk__in=taken).order_by("created_at", "pk"))
    try:
        send_templated_email(
            "notification_digest", to=[person.email], language=person.language or "fr",
            context={"person": person,
                     "items": [(item, absolute_url(item.url) if item.url else "")
                               for item in items],
                     "preferences_url": absolute_url(_preferences_path())})
    except Exception:
        release(taken)
        raise
    return len(items)


def _preferences_path() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("communities:notification_preferences")
    except NoReverseMatch:  # the page lives in the notifications part of the app
        return reverse("communities:profile")


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(Q(recipient=user), read_at__isnull=True).count()
