"""The life of an import (`ImportJob`): uploaded → analysing → preview ready → confirmed →
importing → done, or failed (with the reason), or cancelled. Analysis and import run in Celery
tasks (essaimage.tasks), each first claiming the job in one conditional UPDATE, so that a task
delivered twice does the work once."""

import logging
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import ImportJob
from . import Analysis, Importer, Row, get_importer
from .reading import EXTENSIONS, UnreadableFile, formula_in, is_blank, read_table
from .values import fold_header

logger = logging.getLogger(__name__)

Status = ImportJob.Status

MAX_IMPORT_BYTES = 30 * 1024 * 1024
# Progress is written every this many rows.
PROGRESS_EVERY = 2000
IMPORT_SOFT_TIME_LIMIT = 600
IMPORT_TIME_LIMIT = 660
STALE_RUNNING_AFTER = timedelta(seconds=IMPORT_TIME_LIMIT + 60)
STALE_QUEUED_AFTER = timedelta(hours=1)
ERROR_LENGTH = 500

# Reasons of failure stored in English, shown translated (see `failure_reason`).
INTERRUPTED = gettext_noop("interrupted: the worker stopped")
NEVER_STARTED = gettext_noop("never started: no worker picked the import up")
TIMED_OUT = gettext_noop("stopped: the import took too long")
UNKNOWN_KIND = gettext_noop("this kind of import is no longer available")
NOT_ALLOWED = gettext_noop("you may no longer import this kind of data")
ERRORS_FOUND = gettext_noop("the file has errors: nothing was imported")
CHANGED = gettext_noop("the data changed since the preview and the file now has errors: "
                       "nothing was imported")
KNOWN_REASONS = {INTERRUPTED, NEVER_STARTED, TIMED_OUT, UNKNOWN_KIND, NOT_ALLOWED,
                 ERRORS_FOUND, CHANGED}


def failure_reason(job: ImportJob) -> str:
    """Why the job failed, in the reader's language when the reason is one of ours."""
    if job.error in KNOWN_REASONS:
        return _(job.error)
    return job.error


# --- Upload ------------------------------------------------------------------------------------


def check_spreadsheet(uploaded) -> None:
    """Refuse, next to the field, a file that is not a CSV or XLSX of a sensible size."""
    extension = PurePath(uploaded.name or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise ValidationError(
            _("Choose a CSV or XLSX file (this one is %(extension)s).")
            % {"extension": extension or _("(none)")}, code="file_type")
    if uploaded.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size),
               "limit": filesizeformat(MAX_IMPORT_BYTES)}, code="file_size")
    if not uploaded.size:
        raise ValidationError(_("The file is empty."), code="file_empty")


def start_import(kind_key: str, uploaded, *, by) -> ImportJob:
    """Keep the file and queue its analysis; nothing is imported before the person confirms
    the preview."""
    importer = get_importer(kind_key)
    if importer is None:
        raise ValidationError({"kind": ValidationError(_("Choose what to import."),
                                                       code="unknown_kind")})
    if not importer.may_import(by):
        raise PermissionDenied
    try:
        check_spreadsheet(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    with transaction.atomic():
        job = ImportJob(kind=kind_key, author=by,
                        original_name=PurePath(uploaded.name).name[:255])
        job.file.save(PurePath(uploaded.name).name, uploaded, save=False)
        job.save()
        _queue("analyse", job)
    return job


def _queue(step: str, job: ImportJob) -> None:
    from ..tasks import analyse_import_task, run_import_task

    task = analyse_import_task if step == "analyse" else run_import_task
    # After the commit: until then the worker could not see the row.
    transaction.on_commit(lambda: task.delay(job.pk))


# --- Reading and analysing ----------------------------------------------------------------------


def _progress(job_id: int, *, in_transaction: bool = False):
    """A callback that notes how many rows are done: on the job's row during the analysis;
    in the cache during the import, whose transaction hides its own writes."""
    def note(done: int) -> None:
        if in_transaction:
            cache.set(progress_key(job_id), done, 3600)
        else:
            ImportJob.objects.filter(pk=job_id).update(rows_done=done)
    return note


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def rows_done(job: ImportJob) -> int:
    """How far the job is, counting an import in progress from the cache."""
    if job.status == Status.IMPORTING:
        return cache.get(progress_key(job.pk), job.rows_done)
    return job.rows_done


def map_headers(importer: Importer, headers: list[str], analysis: Analysis) -> dict | None:
    """{column key: position} for the file's headers; None when a required column is missing
    (every problem with the header is reported on line 1)."""
    positions = {}
    by_name = {}
    for column in importer.columns:
        for name in column.names():
            by_name[name] = column
    for position, header in enumerate(headers):
        name = fold_header(header)
        if not name:
            continue
        column = by_name.get(name)
        if column is None:
            analysis.error(1, None, header,
                           _("Unknown column “%(header)s”: use the template's headers.")
                           % {"header": header})
        elif column.key in positions:
            analysis.error(1, column.key, header,
                           _("This column appears twice in the header."))
        else:
            positions[column.key] = position
    missing = [column for column in importer.columns
               if column.required and column.key not in positions]
    for column in missing:
        analysis.error(1, column.key, "",
                       _("The required column “%(header)s” is missing from the header.")
                       % {"header": column.header})
    return None if missing else positions


def rows_of(table, positions: dict, analysis: Analysis) -> list[Row]:
    """The rows to analyse: blank lines skipped, cells that hold a formula refused."""
    rows = []
    for number, cells in table.rows:
        if is_blank(cells):
            analysis.skipped_blank += 1
            continue
        values = {key: cells[position] if position < len(cells) else None
                  for key, position in positions.items()}
        formulas = [key for key, value in values.items() if formula_in(value)]
        for key in formulas:
            analysis.error(number, key, values[key],
                           _("This cell holds a formula: type its value instead."))
        if not formulas:
            rows.append(Row(number, values))
    return rows


def analyse_file(importer: Importer, handle, filename: str, *, user,
                 progress=lambda done: None, on_total=lambda total: None) -> Analysis:
    """Read and analyse the file, writing nothing. UnreadableFile when it is no
    spreadsheet."""
    table = read_table(handle, filename)
    analysis = Analysis(importer.columns)
    positions = map_headers(importer, table.headers, analysis)
    if positions is None:
        return analysis
    rows = rows_of(table, positions, analysis)
    on_total(len(rows))
    importer.analyse(rows, user=user, analysis=analysis, progress=progress)
    return analysis


def claim(job_id: int, before: str, after: str, **fields) -> bool:
    """Move the job from `before` to `after`; only one caller ever wins."""
    return bool(ImportJob.objects.filter(pk=job_id, status=before).update(status=after,
                                                                          **fields))


def analyse_import(job_id: int) -> None:
    """Analyse an uploaded file into its preview: uploaded → analysing → preview ready, or
    failed with the reason. A job that is not uploaded is left alone."""
    if not claim(job_id, Status.UPLOADED, Status.ANALYSING, started_at=timezone.now()):
        return
    job = ImportJob.objects.select_related("author").get(pk=job_id)
    try:
        importer = _usable_importer(job)
        if importer is None:
            return
        # The reasons are stored as the author will read them, in their language.
        with job.file.open("rb") as handle, translation.override(_language(job.author)):
            analysis = analyse_file(
                importer, handle, job.original_name, user=job.author,
                progress=_progress(job.pk),
                on_total=lambda total: ImportJob.objects.filter(pk=job.pk).update(
                    rows_total=total))
        ImportJob.objects.filter(pk=job.pk, status=Status.ANALYSING).update(
            status=Status.PREVIEW_READY, to_create=len(analysis.creates),
            to_update=len(analysis.updates), error_count=analysis.error_count,
            report=analysis.as_report(), rows_done=F("rows_total"),
            analysed_at=timezone.now())
    except UnreadableFile as unreadable:
        _fail(job, Status.ANALYSING, unreadable.reason)
    except Exception as error:  # noqa: BLE001: any failure must end the job visibly
        _fail_on(job, Status.ANALYSING, error)


def _language(user) -> str:
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _usable_importer(job: ImportJob) -> Importer | None:
    importer = get_importer(job.kind)
    if importer is None:
        _fail(job, job.status, UNKNOWN_KIND)
        return None
    if job.author is None or not importer.may_import(job.author):
        _fail(job, job.status, NOT_ALLOWED)
        return None
    return importer


def _fail_on(job: ImportJob, status: str, error: Exception) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, SoftTimeLimitExceeded):
        _fail(job, status, TIMED_OUT)
    else:
        logger.exception("Import %s (%s) failed", job.pk, job.kind)
        _fail(job, status, f"{type(error).__name__}: {error}")


def _fail(job: ImportJob, status: str, reason: str, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk, status=status).update(
        status=Status.FAILED, error=reason[:ERROR_LENGTH], finished_at=timezone.now(),
        **fields)


# --- Confirming and importing -------------------------------------------------------------------


def confirm_import(job: ImportJob, *, by) -> bool:
    """Queue the import of a preview without errors; True when this call queued it (a
    second confirmation imports nothing more)."""
    if job.author_id != by.pk:
        raise PermissionDenied
    importer = get_importer(job.kind)
    if importer is None or not importer.may_import(by):
        raise PermissionDenied
    if job.status == Status.PREVIEW_READY and job.error_count:
        raise ValidationError(_("The preview has errors: correct the file and upload it "
                                "again."), code="has_errors")
    with transaction.atomic():
        confirmed = bool(ImportJob.objects.filter(
            pk=job.pk, status=Status.PREVIEW_READY, error_count=0).update(
            status=Status.CONFIRMED, confirmed_at=timezone.now()))
        if confirmed:
            _queue("import", job)
    return confirmed


def cancel_import(job: ImportJob, *, by) -> bool:
    """Drop an import that was not confirmed, and its file."""
    if job.author_id != by.pk:
        raise PermissionDenied
    cancelled = bool(ImportJob.objects.filter(
        pk=job.pk, status__in=[Status.UPLOADED, Status.PREVIEW_READY]).update(
        status=Status.CANCELLED, finished_at=timezone.now()))
    if cancelled and job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    return cancelled


class _Abort(Exception):
    def __init__(self, analysis: Analysis):
        self.analysis = analysis


def run_import(job_id: int) -> None:
    """Analyse the file again and write it in one transaction: confirmed → importing → done,
    or failed with nothing written. A job that is not confirmed is left alone."""
    if not claim(job_id, Status.CONFIRMED, Status.IMPORTING, started_at=timezone.now(),
                 rows_done=0):
        return
    job = ImportJob.objects.select_related("author").get(pk=job_id)
    try:
        importer = _usable_importer(job)
        if importer is None:
            return
        progress = _progress(job.pk, in_transaction=True)
        with transaction.atomic(), translation.override(_language(job.author)):
            with job.file.open("rb") as handle:
                analysis = analyse_file(importer, handle, job.original_name, user=job.author,
                                        progress=lambda done: progress(done // 2))
            if analysis.error_count:
                raise _Abort(analysis)
            total = len(analysis.creates) + len(analysis.updates)
            result = importer.apply(
                analysis, user=job.author,
                progress=lambda done: progress(job.rows_total // 2 + done * job.rows_total
                                               // max(2 * total, 1)))
        ImportJob.objects.filter(pk=job.pk, status=Status.IMPORTING).update(
            status=Status.DONE, to_create=len(analysis.creates),
            to_update=len(analysis.updates), error_count=0, rows_done=F("rows_total"),
            report={**analysis.as_report(), "result": result or {}},
            finished_at=timezone.now())
    except _Abort as abort:
        analysis = abort.analysis
        _fail(job, Status.IMPORTING, CHANGED, error_count=analysis.error_count,
              report=analysis.as_report())
    except UnreadableFile as unreadable:
        _fail(job, Status.IMPORTING, unreadable.reason)
    except Exception as error:  # noqa: BLE001: the transaction is rolled back; say why
        _fail_on(job, Status.IMPORTING, error)
    finally:
        cache.delete(progress_key(job_id))


# --- Stale jobs ---------------------------------------------------------------------------------


def stale_imports_sweep(now=None) -> int:
    """Mark failed the jobs whose worker died (analysing or importing for longer than the
    task may run) or that no worker took; returns how many were given up."""
    now = now or timezone.now()
    running = ImportJob.objects.filter(
        status__in=[Status.ANALYSING, Status.IMPORTING],
        started_at__lt=now - STALE_RUNNING_AFTER,
    ).update(status=Status.FAILED, error=INTERRUPTED, finished_at=now)
    waiting = ImportJob.objects.filter(
        status=Status.UPLOADED, created_at__lt=now - STALE_QUEUED_AFTER,
    ).update(status=Status.FAILED, error=NEVER_STARTED, finished_at=now)
    waiting += ImportJob.objects.filter(
        status=Status.CONFIRMED, confirmed_at__lt=now - STALE_QUEUED_AFTER,
    ).update(status=Status.FAILED, error=NEVER_STARTED, finished_at=now)
    if running or waiting:
        logger.warning("Gave up %d running and %d waiting import(s)", running, waiting)
    return running + waiting
