"""PDF reports generated in the background: a registry of report kinds and the services that
request, render and retry them.

essaimage may not import the apps above it (evaluations, programmes...): each app registers
the reports it knows how to build, in its AppConfig.ready(), as it registers its tabs
(essaimage.navigation). A `ReportKind` says what the report is about (its subject model),
which template draws it, how to gather its data, and who may ask for it and read it. The
services here keep the state of each request in `ReportJob`, so that a report shows its
progress, can be retried when it failed, and is never generated twice at once.

Adding a report, in the app that knows its data (see evaluations/reports/committee_pack.py):

- a builder `(subject, params) -> dict` reading through the app's selectors, returning
  "report_title", "report_subtitle", "toc" [(anchor id, heading)] and its own keys;
- a template that {% extends "reports/base.html" %} and fills `content` (and perhaps `title`,
  `subtitle`); it may use, from {% load reports %}: `fr_typo` (French typography), `num`
  (numbers in the reader's locale), `chart_svg` (an evaluations.charts SVG ready for print),
  and include "reports/_indicator_table.html" (rows: IndicatorLine) and
  "reports/_missing.html" (message: what is missing). A <section class="chapter"> starts a
  new page; tables repeat their header on each page and keep rows whole;
- `register_report(ReportKind(...))` in the app's AppConfig.ready();
- `{% report_panel subject "key" %}` on the subject's page (it renders nothing for people who
  may not read the report, or when the kind is not registered).
"""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import ReportJob

logger = logging.getLogger(__name__)

Status = ReportJob.Status

# The task's limits (essaimage.tasks): past the soft one the render stops and the job fails
# with a reason; the hard one kills the worker process, and the sweep marks the job failed.
REPORT_SOFT_TIME_LIMIT = 180
REPORT_TIME_LIMIT = 210
# A job still running this long after it started has lost its worker.
STALE_RUNNING_AFTER = timedelta(seconds=REPORT_TIME_LIMIT + 60)
# A job nobody picked up in this time will not be: no worker is consuming the queue.
STALE_QUEUED_AFTER = timedelta(hours=1)

# Reasons of failure are stored in English and shown translated (see `failure_reason`).
INTERRUPTED = gettext_noop("interrupted: the worker stopped")
NEVER_STARTED = gettext_noop("never started: no worker picked the report up")
TIMED_OUT = gettext_noop("stopped: the report took too long to generate")
SUBJECT_GONE = gettext_noop("what the report is about no longer exists")
UNKNOWN_KIND = gettext_noop("this kind of report is no longer available")
KNOWN_REASONS = {INTERRUPTED, NEVER_STARTED, TIMED_OUT, SUBJECT_GONE, UNKNOWN_KIND}
ERROR_LENGTH = 500


@dataclass(frozen=True)
class ReportKind:
    """A kind of report, registered by the app that knows its data."""

    key: str  # "committee_pack", "project_report", "site_report", "funder_report"
    label: Promise  # a lazy translation
    subject_model: type  # Meeting, ScalingProject, AdopterSite, Structure...
    template: str  # a template that {% extends "reports/base.html" %}
    # (subject, params) -> dict: read-only, through the apps' selectors. It provides
    # "report_title", "report_subtitle" and "toc" (a list of (anchor id, heading)).
    build_context: Callable
    may_request: Callable  # (user, subject) -> bool
    may_read: Callable  # (user, subject) -> bool: who sees the history and downloads
    filename: Callable  # (subject, params) -> str, e.g. "copil-tapaj-2026-12-01.pdf"
    # (params) -> dict of JSON values, raising ValidationError on bad input; None: no params.
    clean_params: Callable | None = None


@dataclass(frozen=True)
class IndicatorLine:
    """A row of the shared indicator table (templates/reports/_indicator_table.html): the
    figures already written with their unit, in the reader's locale."""

    label: str
    value: str  # "" when missing
    target: str  # "" without a target
    progress: object = None  # a percentage (number) or None
    band: str = "none"  # on_track, watch, off_track, none
    band_label: str = ""
    note: str = ""  # e.g. "3 sites have not reported"
    bar: str = ""  # an SVG of the progress (evaluations.charts.percent_bar), if any


_kinds: dict[str, ReportKind] = {}


def register_report(kind: ReportKind) -> None:
    """Make `kind` available; registering the same key again replaces it (reloads)."""
    if not kind.key or len(kind.key) > ReportJob._meta.get_field("kind").max_length:
        raise ImproperlyConfigured(f"Invalid report key: {kind.key!r}")
    _kinds[kind.key] = kind


def get_kind(key: str) -> ReportKind | None:
    return _kinds.get(key)


def kinds_for(subject) -> list[ReportKind]:
    """The kinds of report about `subject`'s model, in registration order."""
    return [kind for kind in _kinds.values() if isinstance(subject, kind.subject_model)]


# --- Reading jobs -----------------------------------------------------------------------------


def canonical_params(params: dict | None) -> tuple[dict, str]:
    """The parameters as stored, and a key equal for equal parameters whatever their order."""
    params = dict(params or {})
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return json.loads(text), hashlib.sha256(text.encode()).hexdigest()


def jobs_about(kind_key: str, subject):
    """The jobs of one kind about `subject`, latest first, with their author."""
    return (ReportJob.objects.filter(kind=kind_key, subject_type=_content_type(subject),
                                     subject_id=subject.pk)
            .select_related("requested_by").order_by("-requested_at", "-pk"))


def latest_report(kind_key: str, subject, params: dict | None = None) -> ReportJob | None:
    """The latest ready report of that kind, subject and parameters, if there is one."""
    _params, key = canonical_params(params)
    return (jobs_about(kind_key, subject).filter(params_key=key, status=Status.READY)
            .exclude(file="").first())


def subject_of(job: ReportJob):
    """The job's subject, or None when it was deleted since."""
    model = job.subject_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=job.subject_id).first()


def failure_reason(job: ReportJob) -> str:
    """Why the job failed, in the reader's language when the reason is one of ours."""
    if job.error in KNOWN_REASONS:
        return _(job.error)
    return job.error


def _content_type(subject) -> ContentType:
    return ContentType.objects.get_for_model(subject, for_concrete_model=False)


# --- Requesting and retrying ------------------------------------------------------------------


def request_report(kind_key: str, subject, *, by, params: dict | None = None) -> ReportJob:
    """Queue the generation of a report and return its job at once; when the same report
    (kind, subject, parameters) is already queued or running, return that job instead: it is
    never generated twice at once. Who may ask is for the caller to check (kind.may_request)."""
    kind = _kinds.get(kind_key)
    if kind is None:
        raise ValidationError(_("This kind of report does not exist."), code="unknown_report")
    if not isinstance(subject, kind.subject_model) or subject.pk is None:
        raise ValidationError(_("This report is not about this kind of page."),
                              code="wrong_subject")
    if kind.clean_params is not None:
        params = kind.clean_params(params or {})
    elif params:
        raise ValidationError(_("This report takes no parameters."), code="no_params")
    params, params_key = canonical_params(params)
    content_type = _content_type(subject)
    in_progress = ReportJob.objects.filter(
        kind=kind_key, subject_type=content_type, subject_id=subject.pk, params_key=params_key,
        status__in=[Status.QUEUED, Status.RUNNING])
    with transaction.atomic():
        existing = in_progress.first()
        if existing is not None:
            return existing
        try:
            # A savepoint: two requests at the same instant meet the unique constraint.
            with transaction.atomic():
                job = ReportJob.objects.create(
                    kind=kind_key, subject_type=content_type, subject_id=subject.pk,
                    params=params, params_key=params_key, requested_by=by)
        except IntegrityError:
            existing = in_progress.first()
            if existing is None:
                raise
            return existing
        _queue(job)
    return job


def retry_report(job: ReportJob, *, by) -> ReportJob:
    """Queue a failed report again (the same job, one more attempt); when the same report
    was asked again in the meantime and is on its way, return that one."""
    if job.status != Status.FAILED:
        raise ValidationError(_("Only a report that failed can be retried."),
                              code="not_failed")
    with transaction.atomic():
        try:
            with transaction.atomic():
                updated = ReportJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
                    status=Status.QUEUED, error="", requested_by=by,
                    requested_at=timezone.now(), started_at=None, finished_at=None)
        except IntegrityError:
            other = ReportJob.objects.filter(
                kind=job.kind, subject_type=job.subject_type_id, subject_id=job.subject_id,
                params_key=job.params_key, status__in=[Status.QUEUED, Status.RUNNING]).first()
            if other is None:
                raise
            return other
        job.refresh_from_db()
        if updated:
            _queue(job)
    return job


def _queue(job: ReportJob) -> None:
    # After the commit: until then the worker could not see the row.
    from .tasks import generate_report_task

    transaction.on_commit(lambda: generate_report_task.delay(job.pk))


# --- Rendering --------------------------------------------------------------------------------


def claim(job_id: int) -> bool:
    """Move a queued job to running; only one caller ever wins, whatever runs at once."""
    return bool(ReportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1))


def render_report(job: ReportJob) -> None:
    """Generate the job's PDF and store it: queued → running → ready, or failed with the
    reason. A job that is not queued (already taken, ready or failed) is left alone."""
    if not claim(job.pk):
        return
    job.refresh_from_db()
    try:
        kind = _kinds.get(job.kind)
        if kind is None:
            _fail(job, UNKNOWN_KIND)
            return
        subject = subject_of(job)
        if subject is None:
            _fail(job, SUBJECT_GONE)
            return
        pdf, pages = render_pdf(kind, subject, job.params, job=job)
        _store(job, kind, subject, pdf, pages)
    except Exception as error:  # noqa: BLE001: any failure must end the job visibly
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(error, SoftTimeLimitExceeded):
            _fail(job, TIMED_OUT)
        else:
            logger.exception("Report %s (%s) failed", job.pk, job.kind)
            _fail(job, f"{type(error).__name__}: {error}")


def report_language(job: ReportJob | None) -> str:
    """Reports speak the language of the person who asked for them."""
    user = job.requested_by if job is not None else None
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_html(kind: ReportKind, subject, params: dict | None = None, *,
                job: ReportJob | None = None, language: str | None = None) -> str:
    """The report's HTML, as WeasyPrint will read it (also useful to look at in a browser),
    in `language` or the language of who asked for it."""
    params = dict(params or {})
    with translation.override(language or report_language(job)):
        context = {
            "report_title": str(kind.label),
            "report_subtitle": str(subject),
            "toc": [],
            **kind.build_context(subject, params),
        }
        context.update({
            "kind": kind,
            "subject": subject,
            "params": params,
            "job": job,
            "generated_at": timezone.localtime(),
            "author": job.requested_by if job is not None else None,
        })
        html = render_to_string(kind.template, context)
        if translation.get_language().startswith("fr"):
            from .templatetags.reports import french_typography_html

            html = french_typography_html(html)
        return html


def render_pdf(kind: ReportKind, subject, params: dict | None = None, *,
               job: ReportJob | None = None, language: str | None = None) -> tuple[bytes, int]:
    """The report as PDF bytes, with its number of pages (e.g. to attach to an e-mail in the
    recipient's `language`)."""
    from .pdf import html_to_pdf_with_pages

    html = render_html(kind, subject, params, job=job, language=language)
    return html_to_pdf_with_pages(html, base_url=settings.SITE_URL)


def _store(job: ReportJob, kind: ReportKind, subject, pdf: bytes, pages: int) -> None:
    filename = get_valid_filename(kind.filename(subject, job.params)) or "report.pdf"
    if not filename.lower().endswith(".pdf"):
        filename += ".pdf"
    # The job's id keeps names unique; downloads get the plain name (see the download view).
    job.file.save(f"{job.pk}-{filename}", ContentFile(pdf), save=False)
    done = ReportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.READY, file=job.file.name, size=len(pdf), pages=pages, error="",
        finished_at=timezone.now())
    if not done:
        # The sweep gave the job up meanwhile (and it may be queued again): drop the file.
        job.file.delete(save=False)


def _fail(job: ReportJob, reason: str) -> None:
    ReportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED, error=reason[:ERROR_LENGTH], finished_at=timezone.now())


def download_name(job: ReportJob) -> str:
    """The file's name without the job id the storage keeps it under."""
    name = job.file.name.rsplit("/", 1)[-1]
    prefix = f"{job.pk}-"
    return name[len(prefix):] if name.startswith(prefix) else name


# --- Stale jobs -------------------------------------------------------------------------------


def stale_jobs_sweep(older_than: timedelta | None = None,
                     queued_older_than: timedelta | None = None) -> int:
    """Mark failed, so that they can be retried, the jobs whose worker died: running for
    longer than the task may run, or queued for so long that no worker will take them.
    Returns how many were given up."""
    now = timezone.now()
    running = ReportJob.objects.filter(
        status=Status.RUNNING, started_at__lt=now - (older_than or STALE_RUNNING_AFTER)
    ).update(status=Status.FAILED, error=INTERRUPTED, finished_at=now)
    queued = ReportJob.objects.filter(
        status=Status.QUEUED,
        requested_at__lt=now - (queued_older_than or STALE_QUEUED_AFTER),
    ).update(status=Status.FAILED, error=NEVER_STARTED, finished_at=now)
    if running or queued:
        logger.warning("Gave up %d running and %d queued report(s)", running, queued)
    return running + queued
