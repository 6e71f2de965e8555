"""Who may see or change evaluations: one place, on top of the programmes' rules.

Reading starts from each QuerySet's `visible_to(user)`. The programme's staff run the
evaluation of their projects (indicators, periods, validation); the people of an adopter
structure enter the values of their own sites; nobody else writes.
"""

from django.http import Http404

from essaimage.scoping import get_visible_or_404, require
from programmes.models import AdopterSite, ScalingProject
from programmes.permissions import can_manage_project, is_site_member

from .models import EvaluationPlan, FidelityAssessment, Indicator, SiteReport


def can_manage_evaluation(user, project: ScalingProject) -> bool:
    """The programme's staff set up indicators, periods, targets, scales and questionnaires."""
    return can_manage_project(user, project)


def can_validate_values(user, project: ScalingProject) -> bool:
    """Only the programme's staff return or validate what sites report."""
    return can_manage_project(user, project)


def can_enter_values(user, site: AdopterSite) -> bool:
    """The people of the site's structure report for it; staff may key in values for it."""
    return is_site_member(user, site) or can_manage_project(user, site.project)


def can_enter_indicator(user, site: AdopterSite, indicator: Indicator) -> bool:
    """Indicators reported by staff are entered by staff only, even on a site's report."""
    if indicator.reported_by == Indicator.ReportedBy.STAFF:
        return can_manage_project(user, site.project)
    return can_enter_values(user, site)


def get_plan_for_user(user, pk, *, write=False) -> EvaluationPlan:
    """Return the evaluation plan if `user` may read it, or change it when `write` is set."""
    plan = get_visible_or_404(EvaluationPlan.objects.select_related("project__programme"),
                              user, pk=pk)
    if write:
        require(can_manage_evaluation(user, plan.project))
    return plan


def get_indicator_for_user(user, pk, *, write=False) -> Indicator:
    """Return the indicator to readers of its project and to the people of its sites, or to
    its staff when `write` is set."""
    indicator = get_visible_or_404(Indicator.objects.select_related("project__programme"),
                                   user, pk=pk)
    if write:
        require(can_manage_evaluation(user, indicator.project))
    return indicator


def get_report_for_user(user, pk, *, write=False) -> SiteReport:
    """Return a site's report if `user` may see the site, checking they may enter its values
    when `write` is set."""
    report = get_visible_or_404(
        SiteReport.objects.select_related("site__project__programme", "site__structure",
                                          "site__territory", "period"),
        user, pk=pk)
    if write:
        require(can_enter_values(user, report.site))
    return report


def get_assessment_for_user(user, pk, *, write=False) -> FidelityAssessment:
    """Return a fidelity assessment if `user` may see its site; the site's people and the staff
    may fill it in."""
    assessment = get_visible_or_404(
        FidelityAssessment.objects.select_related("site__project__programme", "site__structure"),
        user, pk=pk)
    if write:
        require(can_enter_values(user, assessment.site))
    return assessment


def get_site_for_reporting(user, pk) -> AdopterSite:
    """Return a site whose values `user` may enter; a 404 for those who do not see it."""
    site = (AdopterSite.objects.visible_to(user)
            .select_related("project__programme", "structure", "territory").filter(pk=pk).first())
    if site is None:
        raise Http404
    require(can_enter_values(user, site))
    return site
