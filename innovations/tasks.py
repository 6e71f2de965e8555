"""Background work for calls and reviews: e-mails, each sent at most once per recipient."""

from smtplib import SMTPException

from celery import shared_task

from .models import Application, ReviewAssignment
from .services.calls import send_decision_email
from .services.reviews import send_review_assigned_email

RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**RETRY)
def send_review_assigned_email_task(assignment_id: int) -> None:
    assignment = ReviewAssignment.objects.select_related(
        "reviewer", "college", "application__call"
    ).filter(pk=assignment_id).first()
    if assignment is None:  # withdrawn since it was queued: nothing to send
        return
    send_review_assigned_email(assignment)


@shared_task(**RETRY)
def send_decision_email_task(application_id: int) -> None:
    application = Application.objects.select_related(
        "call", "structure", "innovation"
    ).filter(pk=application_id).first()
    if application is None:
        return
    send_decision_email(application)
