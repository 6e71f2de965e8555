"""Reporting: the calendar of periods, each adopter's periods to report, the entry of a
site's values for a period with its evidence, and the review by the programme's staff."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.scoping import get_visible_or_404, require
from programmes.models import AdopterSite
from programmes.permissions import can_manage_project, get_project_for_user, is_site_member

from ..forms.reporting import (
    EvidenceForm,
    GeneratePeriodsForm,
    ReopenForm,
    ReportEntryForm,
    ReturnValueForm,
    ReviewFilterForm,
)
from ..models import Evidence, IndicatorValue, ReportingPeriod, SiteReport
from ..queries import reporting as queries
from ..services import reporting as services

Status = SiteReport.Status


# --- The calendar ----------------------------------------------------------------------------


@login_required
def period_list(request, project_pk):
    """The project's periods with how many site reports are in each status; staff generate
    the calendar (running it twice creates nothing more)."""
    project = get_project_for_user(request.user, project_pk)
    can_manage = can_manage_project(request.user, project)
    form = GeneratePeriodsForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            data = form.cleaned_data
            before = set(project.reporting_periods.values_list("pk", flat=True))
            try:
                periods = services.generate_periods(project, data["frequency"], data["start"],
                                                    data["end"], user=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                created = [period.label for period in periods if period.pk not in before]
                if created:
                    messages.success(request, ngettext(
                        "%(count)d period created: %(labels)s.",
                        "%(count)d periods created: %(labels)s.", len(created))
                        % {"count": len(created), "labels": ", ".join(created)})
                kept = len(periods) - len(created)
                if kept:
                    messages.info(request, ngettext(
                        "%(count)d period of this range already existed: unchanged.",
                        "%(count)d periods of this range already existed: unchanged.", kept)
                        % {"count": kept})
                return redirect("evaluations:period_list", project.pk)
        status = 400
    expected = queries.expected_site_count(project)
    page = Paginator(queries.periods_with_counts(project), queries.PERIOD_PAGE_SIZE).get_page(
        request.GET.get("page"))
    for period in page:
        period.missing_count = max(expected - period.report_count, 0) + period.draft_count
    context = {"project": project, "tab": "evaluation", "subtab": "reporting",
               "can_manage": can_manage, "form": form, "page": page,
               "expected_sites": expected}
    return render(request, "evaluations/reporting/period_list.html", context, status=status)


# --- My reports ------------------------------------------------------------------------------


@login_required
def my_reports(request):
    """For the people of adopter sites: each site's periods to report, then the last sent."""
    sites = queries.reporting_sites(request.user)
    context = {"site_rows": queries.my_periods(sites)}
    return render(request, "evaluations/reporting/my_reports.html", context)


# --- A site's report for a period ------------------------------------------------------------


@dataclass
class Access:
    site: AdopterSite
    period: ReportingPeriod
    can_manage: bool
    can_enter: bool


def _access(user, site_pk, period_pk) -> Access:
    """Whoever sees the site reads its reports; its people and the staff enter them."""
    site = get_visible_or_404(
        AdopterSite.objects.select_related("project__programme", "structure", "territory"),
        user, pk=site_pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, project_id=site.project_id)
    can_manage = can_manage_project(user, site.project)
    return Access(site, period, can_manage, can_manage or is_site_member(user, site))


def _access_to_report(user, report: SiteReport) -> Access:
    can_manage = can_manage_project(user, report.site.project)
    return Access(report.site, report.period, can_manage,
                  can_manage or is_site_member(user, report.site))


def _is_open(report: SiteReport | None, access: Access) -> bool:
    """Whether `access` may change the report's values now."""
    # A submitted report is read, returned or validated by the staff: nobody types in it.
    if report is None or report.is_locked or not access.can_enter:
        return False
    return report.status in (Status.DRAFT, Status.RETURNED)


def _rows(access: Access, report: SiteReport | None):
    is_open = _is_open(report, access)
    indicators = queries.report_indicators(access.site.project, access.period.frequency)
    return queries.entry_rows(indicators, report, access.site, access.period,
                              can_enter_site=access.can_enter and is_open,
                              can_manage=access.can_manage and is_open)


def _render_report(request, access: Access, report, *, form=None, return_forms=None,
                   reopen_form=None, evidence_form=None, review_errors=(), status=200):
    if form is None:
        form = ReportEntryForm(rows=_rows(access, report))
    return_forms = return_forms or {}
    can_review = (access.can_manage and report is not None
                  and report.status == Status.SUBMITTED)
    rows = list(form.bound_rows())
    for row in rows:
        row.return_form = None
        if (can_review and row.value is not None
                and row.value.status == IndicatorValue.Status.SUBMITTED):
            row.return_form = return_forms.get(row.value.pk) or ReturnValueForm(value=row.value)
    is_open = _is_open(report, access)
    context = {
        "project": access.site.project, "site": access.site, "period": access.period,
        "report": report, "form": form, "rows": rows, "is_open": is_open,
        "can_manage": access.can_manage, "can_enter": access.can_enter,
        "has_returned": any(row.value and row.value.status == IndicatorValue.Status.RETURNED
                            for row in rows),
        "reopen_form": reopen_form or ReopenForm(),
        "evidence_form": evidence_form or EvidenceForm(),
        "evidence": list(report.evidence.all()) if report else [],
        "review_errors": review_errors,
        "has_inputs": bool(form.fields),
    }
    return render(request, "evaluations/reporting/report_entry.html", context, status=status)


@login_required
def report_entry(request, site_pk, period_pk):
    access = _access(request.user, site_pk, period_pk)
    report = queries.report_for_page(access.site, access.period)
    if report is None and access.can_enter and access.period.starts_on <= timezone.localdate():
        # Opening the page of a period under way starts its draft, so that evidence can be
        # attached at once.
        services.open_report(access.site, access.period, request.user)
        report = queries.report_for_page(access.site, access.period)
    if request.method != "POST":
        return _render_report(request, access, report)

    require(access.can_enter)
    form = ReportEntryForm(request.POST, rows=_rows(access, report))
    if not form.is_valid():
        return _render_report(request, access, report, form=form, status=400)
    try:
        services.save_values(report, form.entries(), request.user)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _render_report(request, access, report, form=form, status=400)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Your draft is saved. You can come back to it until you "
                                    "submit it."))
        return redirect(request.path)
    try:
        services.submit_report(report, request.user)
    except ValidationError as error:
        report = queries.report_for_page(access.site, access.period)
        form = ReportEntryForm(request.POST, rows=_rows(access, report))
        form.is_valid()
        apply_service_errors(form, error)
        messages.warning(request, _("Your values are saved as a draft, but the report cannot "
                                    "be submitted yet."))
        return _render_report(request, access, report, form=form, status=400)
    messages.success(request, _("The report for %(period)s is submitted to the programme. "
                                "Thank you!") % {"period": access.period})
    if access.can_manage:
        return redirect(request.path)
    return redirect("evaluations:my_reports")


def _report_for(request, pk) -> tuple[SiteReport, Access]:
    report = get_visible_or_404(SiteReport.objects.select_related(
        "site__project__programme", "site__structure", "site__territory", "period"),
        request.user, pk=pk)
    return report, _access_to_report(request.user, report)


def _report_url(report: SiteReport, anchor: str = "") -> str:
    url = reverse("evaluations:report_entry", args=[report.site_id, report.period_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def value_return(request, pk):
    """Staff send one value back to the site with what needs revising."""
    value = get_visible_or_404(IndicatorValue.objects.select_related("report"), request.user,
                               pk=pk)
    report, access = _report_for(request, value.report_id)
    require(access.can_manage)
    form = ReturnValueForm(request.POST, value=value)
    if form.is_valid():
        try:
            services.return_value(value, request.user, form.cleaned_data["review_comment"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The value of “%(indicator)s” is returned to the site "
                                        "with your comment.") % {"indicator": value.indicator})
            return redirect(_report_url(report, f"row-{value.pk}"))
    report = queries.report_for_page(access.site, access.period)
    return _render_report(request, access, report, return_forms={value.pk: form}, status=400)


@login_required
@require_POST
def report_validate(request, pk):
    report, access = _report_for(request, pk)
    require(access.can_manage)
    try:
        services.validate_report(report, request.user)
    except ValidationError as error:
        report = queries.report_for_page(access.site, access.period)
        return _render_report(request, access, report, review_errors=error.messages,
                              status=400)
    messages.success(request, _("The report is validated: its values count and the period "
                                "is locked."))
    return redirect(_report_url(report))


@login_required
@require_POST
def report_reopen(request, pk):
    report, access = _report_for(request, pk)
    require(access.can_manage)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_report(report, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The period is reopened: the site can correct its "
                                        "values."))
            return redirect(_report_url(report))
    report = queries.report_for_page(access.site, access.period)
    return _render_report(request, access, report, reopen_form=form, status=400)


# --- Evidence --------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request, pk):
    report, access = _report_for(request, pk)
    require(access.can_enter)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The file is attached to the report."))
            return redirect(_report_url(report, "evidence"))
    report = queries.report_for_page(access.site, access.period)
    return _render_report(request, access, report, evidence_form=form, status=400)


def _evidence_for(request, pk) -> Evidence:
    evidence = (Evidence.objects.select_related("report")
                .filter(pk=pk, report__in=SiteReport.objects.visible_to(request.user)).first())
    if evidence is None:
        raise Http404
    return evidence


@login_required
def evidence_download(request, pk):
    # Whoever sees the site's report may read its evidence; the others learn nothing of it.
    return private_file_response(_evidence_for(request, pk).file)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = _evidence_for(request, pk)
    report, access = _report_for(request, evidence.report_id)
    require(access.can_enter)
    try:
        services.delete_evidence(evidence, user=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(_report_url(report, "evidence"))


# --- Review ----------------------------------------------------------------------------------


@login_required
def review_list(request, project_pk):
    """Reports waiting for validation, and those returned to their site, for the staff."""
    project = get_project_for_user(request.user, project_pk, write=True)
    filters = ReviewFilterForm(request.GET or None, project=project)
    period, status = None, ""
    if filters.is_valid():
        period, status = filters.cleaned_data["period"], filters.cleaned_data["status"]
    reports = queries.review_queue(project, period=period, status=status)
    page = Paginator(reports, queries.REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    query = query_without(request, "page")
    context = {"project": project, "tab": "evaluation", "subtab": "reporting",
               "filters": filters, "page": page, "query": query}
    return render(request, "evaluations/reporting/review_list.html", context)
