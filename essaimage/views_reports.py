"""Pages of the PDF reports: ask for one, follow its state, download it, retry it.

A report is asked for from the page of its subject (a meeting, a project...), where the panel
shows its state and history (`{% report_panel subject "kind" %}`). With htmx the panel
replaces itself and polls while a report is on its way; without JavaScript every action
redirects back to the page with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .files import private_file_response
from .models import ReportJob
from .reports import (
    download_name,
    get_kind,
    jobs_about,
    request_report,
    retry_report,
    subject_of,
)

HISTORY_SHOWN = 10


def _visible(model, user):
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()


def get_subject_for_user(user, kind_key: str, subject_pk: int, *, request: bool = False):
    """The kind and its subject when `user` may read that report (404 otherwise, so that the
    subject's existence stays hidden), and may ask for it when `request` is set (403)."""
    kind = get_kind(kind_key)
    if kind is None:
        raise Http404
    subject = get_object_or_404(_visible(kind.subject_model, user), pk=subject_pk)
    if not kind.may_read(user, subject):
        raise Http404
    if request and not kind.may_request(user, subject):
        raise PermissionDenied
    return kind, subject


def get_job_for_user(user, pk: int, *, retry: bool = False):
    """The job, its kind and its subject when `user` may read that report; retrying asks for
    the right to request it."""
    job = get_object_or_404(ReportJob.objects.select_related("requested_by", "subject_type"),
                            pk=pk)
    kind = get_kind(job.kind)
    subject = subject_of(job)
    if kind is None or subject is None or not kind.may_read(user, subject):
        raise Http404
    if retry and not kind.may_request(user, subject):
        raise PermissionDenied
    return job, kind, subject


def panel_context(request, kind_key: str, subject, *, notice: str = "") -> dict | None:
    """What the panel shows, or None when the reader may not read this report."""
    kind = get_kind(kind_key)
    user = request.user
    if kind is None or not isinstance(subject, kind.subject_model) or not kind.may_read(
            user, subject):
        return None
    jobs = list(jobs_about(kind.key, subject)[:HISTORY_SHOWN + 1])
    in_progress = [job for job in jobs if job.is_in_progress]
    history = [job for job in jobs if not job.is_in_progress][:HISTORY_SHOWN]
    return {
        "kind": kind,
        "subject": subject,
        "in_progress": in_progress,
        "history": history,
        "latest": history[0] if history else None,
        "can_request": kind.may_request(user, subject),
        "panel_id": f"report-panel-{kind.key}-{subject.pk}",
        "panel_url": reverse("reports:panel", args=[kind.key, subject.pk]),
        "request_url": reverse("reports:request", args=[kind.key, subject.pk]),
        # Forms in the panel send people back to the page that shows it.
        "next": (request.htmx.current_url_abs_path if request.htmx else None)
        or request.get_full_path(),
        "notice": notice,
    }


def _back_to(request, subject) -> str:
    """The page to go back to: the one the form was sent from when it is ours, or the
    subject's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    if hasattr(subject, "get_absolute_url"):
        return subject.get_absolute_url()
    return reverse("home")


def _panel_response(request, kind, subject, *, notice: str = ""):
    context = panel_context(request, kind.key, subject, notice=notice)
    if context is None:
        raise Http404
    return render(request, "reports/_panel_update.html", context)


def _answer(request, kind, subject, notice: str, level=messages.SUCCESS):
    """With htmx, the panel says it itself; otherwise back to the page, with a message."""
    if request.htmx:
        return _panel_response(request, kind, subject, notice=notice)
    messages.add_message(request, level, notice)
    return redirect(_back_to(request, subject))


def _change(request, kind, subject) -> str:
    """What a poll has to say: the report that was on its way is now ready, or failed."""
    if request.GET.get("was") not in (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING):
        return ""
    latest = jobs_about(kind.key, subject).values_list("status", flat=True).first()
    if latest in (None, ReportJob.Status.QUEUED, ReportJob.Status.RUNNING):
        return ""
    if latest == ReportJob.Status.READY:
        return _("The report is ready.")
    return _("The report could not be generated.")


@login_required
def panel(request, kind, subject_pk):
    """The panel alone: htmx polls it while a report is on its way; without JavaScript it is
    a small page that can be reloaded."""
    kind, subject = get_subject_for_user(request.user, kind, subject_pk)
    if request.htmx:
        return _panel_response(request, kind, subject, notice=_change(request, kind, subject))
    context = panel_context(request, kind.key, subject)
    context["back"] = _back_to(request, subject)
    return render(request, "reports/panel_page.html", context)


@login_required
@require_POST
def request_view(request, kind, subject_pk):
    kind, subject = get_subject_for_user(request.user, kind, subject_pk, request=True)
    in_progress = jobs_about(kind.key, subject).filter(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]).exists()
    try:
        job = request_report(kind.key, subject, by=request.user)
    except ValidationError as error:
        return _answer(request, kind, subject, " ".join(error.messages), messages.ERROR)
    job.refresh_from_db()  # without a separate worker, it was generated meanwhile
    if in_progress or job.status == ReportJob.Status.RUNNING:
        return _answer(request, kind, subject,
                       _("This report is already being prepared."), messages.INFO)
    if job.status == ReportJob.Status.READY:  # generated at once (no separate worker)
        return _answer(request, kind, subject, _("The report is ready."))
    if job.status == ReportJob.Status.FAILED:
        return _answer(request, kind, subject, _("The report could not be generated."),
                       messages.ERROR)
    return _answer(request, kind, subject,
                   _("The report is being prepared: it will appear here when it is ready."))


@login_required
@require_POST
def retry(request, pk):
    job, kind, subject = get_job_for_user(request.user, pk, retry=True)
    try:
        job = retry_report(job, by=request.user)
    except ValidationError as error:
        return _answer(request, kind, subject, " ".join(error.messages), messages.ERROR)
    job.refresh_from_db()
    if job.status == ReportJob.Status.READY:
        return _answer(request, kind, subject, _("The report is ready."))
    if job.status == ReportJob.Status.FAILED:
        return _answer(request, kind, subject, _("The report could not be generated."),
                       messages.ERROR)
    return _answer(request, kind, subject, _("The report is being prepared again."))


@login_required
def download(request, pk):
    job, _kind, _subject = get_job_for_user(request.user, pk)
    if job.status != ReportJob.Status.READY or not job.file:
        raise Http404
    response = private_file_response(job.file, filename=download_name(job))
    response["Content-Type"] = "application/pdf"
    return response
