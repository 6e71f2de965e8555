"""Pages of the spreadsheet imports: choose what to import and send a file, follow its
analysis, read the preview and its errors, confirm or cancel, see what was imported.

Only people who may run at least one importer reach these pages (403 otherwise); a job is
seen by its author only (404 for anyone else, admins included): it is the author who
confirms it, with their own rights."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .imports import get_importer, importers_for
from .imports.services import (
    cancel_import,
    confirm_import,
    failure_reason,
    rows_done,
    start_import,
)
from .imports.template_files import template_csv, template_xlsx
from .models import ImportJob

HISTORY_PER_PAGE = 20
ERRORS_PER_PAGE = 50


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What do you import?"))
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"),
                           help_text=gettext_lazy("CSV separated by ; or , (UTF-8 or Windows "
                                                  "encoding), or XLSX; at most 30 MB."))

    def __init__(self, *args, importers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(importer.key, importer.label) for importer in importers]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


def _importers_or_403(user):
    importers = importers_for(user)
    if not importers:
        raise PermissionDenied
    return importers


def get_import_for_user(user, pk) -> ImportJob:
    """The job when `user` uploaded it (404 otherwise, so that others' imports stay hidden)."""
    return get_object_or_404(ImportJob, pk=pk, author=user)


@login_required
def import_home(request):
    importers = _importers_or_403(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, importers=importers)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_import(form.cleaned_data["kind"], form.cleaned_data["file"],
                               by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(job)
    jobs = ImportJob.objects.filter(author=request.user).order_by("-created_at", "-pk")
    page = Paginator(jobs, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    labels = {importer.key: importer.label for importer in importers}
    for job in page:
        job.kind_label = labels.get(job.kind, job.kind)
    allowed = {importer.key: importer.allowed_values(request.user) for importer in importers}
    context = {"form": form, "importers": importers, "page": page, "allowed": allowed}
    return render(request, "imports/import_home.html", context)


@login_required
def template_download(request, kind, fmt):
    importer = get_importer(kind)
    if importer is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not importer.may_import(request.user):
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(template_csv(importer), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            template_xlsx(importer, request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{importer.template_name}.{fmt}"'
    return response


def _detail_context(job: ImportJob, request) -> dict:
    importer = get_importer(job.kind)
    report = job.report or {}
    errors = Paginator(report.get("errors", []), ERRORS_PER_PAGE).get_page(
        request.GET.get("page"))
    return {
        "job": job,
        "importer": importer,
        "kind_label": importer.label if importer else job.kind,
        "rows_done": rows_done(job),
        "errors": errors,
        "errors_kept": len(report.get("errors", [])),
        "creates": report.get("create", []),
        "updates": report.get("update", []),
        "skipped_blank": report.get("skipped_blank", 0),
        "failure": failure_reason(job) if job.status == ImportJob.Status.FAILED else "",
        "result_url": importer.result_url(job) if importer else "",
    }


@login_required
def import_detail(request, pk):
    job = get_import_for_user(request.user, pk)
    context = _detail_context(job, request)
    if request.htmx and request.GET.get("poll"):
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/import_detail.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    job = get_import_for_user(request.user, pk)
    try:
        queued = confirm_import(job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(job)
    job.refresh_from_db()
    if not queued and job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        messages.info(request, _("This import was already confirmed."))
    elif job.status == ImportJob.Status.DONE:
        messages.success(request, _("The import is done."))
    elif job.status == ImportJob.Status.FAILED:
        messages.error(request, _("The import failed: nothing was written."))
    else:
        messages.info(request, _("The import is under way: this page follows it."))
    return redirect(job)


@login_required
@require_POST
def import_cancel(request, pk):
    job = get_import_for_user(request.user, pk)
    if cancel_import(job, by=request.user):
        messages.success(request, _("The import was cancelled: nothing was written."))
    else:
        messages.error(request, _("This import can no longer be cancelled."))
    return redirect("imports:home")
