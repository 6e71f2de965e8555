from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions_task() -> None:
    # Safe to repeat: deleting expired sessions twice deletes nothing the second time.
    call_command("clearsessions")
