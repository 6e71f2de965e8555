from smtplib import SMTPException

from celery import shared_task

from .models import Invitation
from .services.structures import send_invitation_email


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_invitation_email_task(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("structure", "invited_by").filter(
        pk=invitation_id
    ).first()
    if invitation is None:  # deleted since it was queued: nothing to send
        return
    send_invitation_email(invitation)


NOTIFICATION_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**NOTIFICATION_RETRY)
def send_notification_email_task(notification_id: int) -> None:
    from .services.notifications import send_notification_email

    send_notification_email(notification_id)


@shared_task
def send_notification_digests_task() -> int:
    """Queue one digest per person with items waiting (run daily by beat)."""
    from .services.notifications import people_with_digest_waiting

    people = list(people_with_digest_waiting().values_list("pk", flat=True))
    for pk in people:
        send_notification_digest_task.delay(pk)
    return len(people)


@shared_task(**NOTIFICATION_RETRY)
def send_notification_digest_task(user_id: int) -> int:
    from .models import User
    from .services.notifications import send_digest

    person = User.objects.filter(pk=user_id, is_active=True).first()
    return send_digest(person) if person else 0


# --- Events ------------------------------------------------------------------------------


@shared_task(**NOTIFICATION_RETRY)
def send_event_seat_offered_email_task(registration_id: int) -> None:
    from .models import EventRegistration
    from .services.events import send_seat_offered_email

    registration = (EventRegistration.objects.select_related("person", "event")
                    .filter(pk=registration_id).first())
    if registration is None:  # deleted since it was queued: nothing to send
        return
    send_seat_offered_email(registration)


@shared_task(**NOTIFICATION_RETRY)
def send_event_cancelled_emails_task(event_id: int) -> int:
    from .models import Event
    from .services.events import send_cancelled_emails

    event = Event.objects.filter(pk=event_id).first()
    return send_cancelled_emails(event) if event else 0


@shared_task(**NOTIFICATION_RETRY)
def send_event_changed_emails_task(event_id: int, version: int, changed: list[str]) -> int:
    from .models import Event
    from .services.events import send_changed_emails

    event = Event.objects.filter(pk=event_id).first()
    return send_changed_emails(event, version, changed) if event else 0
