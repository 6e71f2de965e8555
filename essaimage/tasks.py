from smtplib import SMTPException

from celery import Task, shared_task
from django.core.management import call_command

from .models import ReportJob
from .reminders import note_error, scan_reminders, send_reminder
from .reports import (
    REPORT_SOFT_TIME_LIMIT,
    REPORT_TIME_LIMIT,
    render_report,
    stale_jobs_sweep,
)


@shared_task
def clear_expired_sessions_task() -> None:
    # Safe to repeat: deleting expired sessions twice deletes nothing the second time.
    call_command("clearsessions")


# --- Reports (essaimage.reports) ----------------------------------------------------------------


@shared_task(acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=REPORT_SOFT_TIME_LIMIT, time_limit=REPORT_TIME_LIMIT)
def generate_report_task(job_id: int) -> None:
    # Safe to repeat: rendering first claims the job (queued → running) in one conditional
    # UPDATE, so a second delivery of the same message finds it taken and does nothing.
    job = ReportJob.objects.filter(pk=job_id).select_related("requested_by").first()
    if job is not None:
        render_report(job)


@shared_task
def sweep_stale_reports_task() -> int:
    # Safe to repeat: only jobs still queued or running past their time change state.
    return stale_jobs_sweep()


# --- Reminders (essaimage.reminders) ------------------------------------------------------------


class ReminderSendTask(Task):
    """Keeps the last error of a send on its row; the last attempt's marks it failed."""

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        note_error(args[0] if args else kwargs["reminder_id"], exc, final=False)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        note_error(args[0] if args else kwargs["reminder_id"], exc, final=True)


@shared_task
def scan_reminders_task() -> int:
    # Safe to repeat, even twice at once: the sent-log's unique constraint lets each reminder
    # be queued by one scan only.
    return scan_reminders().queued


@shared_task(bind=True, base=ReminderSendTask,
             autoretry_for=(SMTPException, ConnectionError, TimeoutError),
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminder_task(self, reminder_id: int) -> str:
    # Safe to repeat: the send claims its row for this attempt in one conditional UPDATE.
    return send_reminder(reminder_id, attempt=self.request.retries)


# --- Imports (essaimage.imports) ----------------------------------------------------------------


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def analyse_import_task(job_id: int) -> None:
    # Safe to repeat: the analysis first claims the job (uploaded → analysing) in one
    # conditional UPDATE; a second delivery finds it taken and does nothing.
    from .imports.services import analyse_import

    analyse_import(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def run_import_task(job_id: int) -> None:
    # Safe to repeat: the import claims the job (confirmed → importing) the same way, and
    # writes everything in one transaction.
    from .imports.services import run_import

    run_import(job_id)


@shared_task
def sweep_stale_imports_task() -> int:
    # Safe to repeat: only jobs still analysing, importing or waiting past their time change.
    from .imports.services import stale_imports_sweep

    return stale_imports_sweep()
