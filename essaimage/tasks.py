from celery import shared_task
from django.core.management import call_command

from .models import ReportJob
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
