"""Who may see or change evaluations: one place, on top of the programmes' rules.

Reading starts from each QuerySet's `visible_to(user)`. The programme's staff run the
evaluation of their projects (indicators, periods, validation); the people of an adopter
structure enter the values of their own sites; nobody else writes.
"""

from operator import attrgetter

from django.shortcuts import get_object_or_404

from essaimage.scoping import get_visible_or_404, require
from programmes.models import AdopterSite, ScalingProject
from programmes.permissions import can_manage_project, is_site_member

from .models import Indicator
from .models.base import readable_projects


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


def get_indicator_for_user(user, pk, *, write=False) -> Indicator:
    """Return the indicator to readers of its project and to the people of its sites, or to
    its staff when `write` is set."""
    indicator = get_visible_or_404(Indicator.objects.select_related("project__programme"),
                                   user, pk=pk)
    if write:
        require(can_manage_evaluation(user, indicator.project))
    return indicator


def get_in_readable_project_or_404(queryset, user, project: str, *, write=False, **lookup):
    """Return the object if `user` reads the project at the lookup path `project`, or runs it
    when `write` is set; a 404 for anyone who may not read it, as if it did not exist."""
    obj = get_object_or_404(queryset.filter(**{f"{project}__in": readable_projects(user)}),
                            **lookup)
    if write:
        require(can_manage_project(user, attrgetter(project.replace("__", "."))(obj)))
    return obj
