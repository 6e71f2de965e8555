"""What the indicator pages read: a project's framework by phase, the library, targets."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from ..models import (
    Disaggregation,
    EvaluationPhase,
    Indicator,
    IndicatorTarget,
    StandardIndicator,
)

LIBRARY_PAGE_SIZE = 25


@dataclass
class PhaseGroup:
    number: int
    label: str
    indicators: list


def framework(project, *, include_inactive: bool):
    """The project's indicators with their scale, breakdowns and project-level targets, in
    four queries whatever their number."""
    indicators = (Indicator.objects.filter(project=project)
                  .select_related("cost_avoided_line", "standard")
                  .prefetch_related(
                      "levels",
                      Prefetch("disaggregations",
                               queryset=Disaggregation.objects.prefetch_related("categories")),
                      Prefetch("targets", to_attr="project_targets",
                               queryset=IndicatorTarget.objects.filter(
                                   site__isnull=True, category__isnull=True)
                               .order_by("period_end")))
                  .order_by("phase", "position", "code"))
    if not include_inactive:
        indicators = indicators.filter(is_active=True)
    return indicators


def by_phase(indicators) -> list[PhaseGroup]:
    """The indicators grouped under the three evaluation phases, each with its latest
    project-level target."""
    groups = {number: PhaseGroup(number, label, [])
              for number, label in EvaluationPhase.Number.choices}
    for indicator in indicators:
        targets = getattr(indicator, "project_targets", [])
        indicator.latest_target = targets[-1] if targets else None
        groups[indicator.phase].indicators.append(indicator)
    return list(groups.values())


def library(search: str = ""):
    """The standard indicators, found by name, code or theme."""
    standards = (StandardIndicator.objects.filter(is_active=True)
                 .select_related("theme").prefetch_related("levels").order_by("code"))
    search = (search or "").strip()
    if search:
        standards = standards.filter(Q(name__icontains=search) | Q(code__icontains=search)
                                     | Q(theme__name__icontains=search)
                                     | Q(definition__icontains=search))
    return standards


def used_standards(project) -> set[int]:
    return set(Indicator.objects.filter(project=project, standard__isnull=False)
               .values_list("standard", flat=True))


def targets_of(indicator):
    """The indicator's targets, project-level first, then by site and category."""
    return (IndicatorTarget.objects.filter(indicator=indicator)
            .select_related("site__structure", "site__territory", "category")
            .order_by("period_end", "site__structure__name", "site_id", "category__position",
                      "category_id"))
