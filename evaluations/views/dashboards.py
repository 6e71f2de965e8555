"""Dashboards of a project, a site and a programme, and the export of indicator values."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from programmes.models import AdopterSite, Programme, ScalingProject
from programmes.permissions import (
    can_manage_project,
    get_programme_for_user,
    get_project_for_participant,
    get_project_for_user,
)

from .. import exports
from ..access_fidelity import get_fidelity_site_for_user
from ..forms.dashboards import DashboardFilterForm, ExportFilterForm
from ..models import Indicator, IndicatorValue
from ..reports import funder_report
from ..selectors import dashboards as selectors
from ..selectors.aggregation import Scope


def _scope(form: DashboardFilterForm) -> Scope:
    date_from, date_to = form.range()
    return Scope(date_from=date_from, date_to=date_to,
                 include_submitted=form.includes_submitted)


def _filters_query(request) -> str:
    """The dashboard's filters, to carry them over to the export."""
    keep = {key: request.GET[key] for key in ("date_from", "date_to", "include_submitted")
            if request.GET.get(key)}
    return "&".join(f"{key}={value}" for key, value in keep.items())


@login_required
def project_dashboard(request, project_pk):
    # The project's readers (staff, funders, committee members, sponsors, the innovator):
    # adopters see their own sites' dashboards, not the project's.
    project = get_project_for_user(request.user, project_pk)
    form = DashboardFilterForm(request.GET, anchor=selectors.reporting_anchor([project]))
    scope = _scope(form)
    can_manage = can_manage_project(request.user, project)
    context = {
        "project": project,
        "tab": "evaluation",
        "subtab": "dashboard",
        "form": form,
        "scope": scope,
        "dashboard": selectors.project_dashboard(project, scope),
        "can_manage": can_manage,
        "can_see_programme": can_manage or Programme.objects.visible_to(request.user).filter(
            pk=project.programme_id).exists(),
        "filters_query": _filters_query(request),
    }
    return render(request, "evaluations/dashboards/project.html", context)


@login_required
def site_dashboard(request, site_pk):
    # The site's people, the project's readers and the site's sponsors; others get a 404.
    site = get_fidelity_site_for_user(request.user, site_pk)
    form = DashboardFilterForm(request.GET,
                               anchor=selectors.reporting_anchor([site.project_id]))
    scope = _scope(form)
    reads_project = ScalingProject.objects.visible_to(request.user).filter(
        pk=site.project_id).exists()
    context = {
        "site": site,
        "project": site.project,
        "form": form,
        "scope": scope,
        "dashboard": selectors.site_dashboard(site, scope),
        "reads_project": reads_project,
        "filters_query": _filters_query(request),
        "statuses": IndicatorValue.Status,
    }
    return render(request, "evaluations/dashboards/site.html", context)


@login_required
def programme_dashboard(request, programme_pk):
    # Staff, funders and the lead structure of the programme; each sees the projects it reads.
    programme = get_programme_for_user(request.user, programme_pk)
    projects = (ScalingProject.objects.visible_to(request.user).filter(programme=programme)
                .select_related("innovation").order_by("title", "pk"))
    form = DashboardFilterForm(request.GET, anchor=selectors.reporting_anchor(projects))
    scope = _scope(form)
    page = Paginator(projects, selectors.PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "form": form,
        "scope": scope,
        "page": page,
        "lines": selectors.programme_lines(list(page.object_list), scope),
        # The report of each of the programme's funders that the reader may read.
        "report_funders": funder_report.readable_funders(
            request.user, programme.funders.order_by("name", "pk")),
        "filters_query": _filters_query(request),
    }
    return render(request, "evaluations/dashboards/programme.html", context)


@login_required
def values_export(request, project_pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # Readers of the project export every site; the people of a site only their own sites.
    participation = get_project_for_participant(request.user, project_pk)
    project = participation.project
    sites = AdopterSite.objects.filter(project=project)
    if not participation.reads_project:
        sites = sites.filter(pk__in=[site.pk for site in participation.own_sites])
    form = ExportFilterForm(request.GET, sites=sites,
                            indicators=Indicator.objects.filter(project=project))
    values = IndicatorValue.objects.filter(report__site__in=sites.values("pk"))
    if form.is_bound and not form.is_valid():
        # A site or indicator one may not see is no filter at all: answer as for no rows.
        values = values.none()
    else:
        date_from, date_to = form.range()
        if date_from:
            values = values.filter(report__period__starts_on__gte=date_from)
        if date_to:
            values = values.filter(report__period__ends_on__lte=date_to)
        data = form.cleaned_data if form.is_bound else {}
        if data.get("site"):
            values = values.filter(report__site=data["site"])
        if data.get("indicator"):
            values = values.filter(indicator=data["indicator"])
        if data.get("status"):
            values = values.filter(status=data["status"])
    filename = f"valeurs-{project.pk}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return exports.csv_response(values, filename)
    return exports.xlsx_response(values, filename)
