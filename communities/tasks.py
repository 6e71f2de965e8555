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
