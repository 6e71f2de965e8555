"""Background work for programmes: e-mails, each sent at most once per recipient."""

from smtplib import SMTPException

from celery import shared_task

from .models import Registration

RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


# --- Training --------------------------------------------------------------------------------


@shared_task(**RETRY)
def send_seat_offered_email_task(registration_id: int) -> None:
    from .services.training import send_seat_offered_email

    registration = (Registration.objects
                    .select_related("person", "site__structure", "session__module__project")
                    .filter(pk=registration_id).first())
    if registration is None:  # deleted since it was queued: nothing to send
        return
    send_seat_offered_email(registration)
