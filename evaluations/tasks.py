"""Background work for evaluations: e-mails, each sent at most once per recipient."""

from smtplib import SMTPException

from celery import shared_task

from .models import QuestionnaireAssignment

RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


# --- Questionnaires --------------------------------------------------------------------------


@shared_task(**RETRY)
def send_questionnaire_sent_email_task(assignment_id: int) -> None:
    from .services.questionnaires import send_questionnaire_sent_email

    assignment = (QuestionnaireAssignment.objects
                  .select_related("questionnaire__project", "site__structure", "site__territory",
                                  "peer_site__structure", "peer_site__territory", "person")
                  .filter(pk=assignment_id).first())
    if assignment is None:  # deleted since it was queued: nothing to send
        return
    send_questionnaire_sent_email(assignment)
