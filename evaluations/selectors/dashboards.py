"""Reads for the dashboards: a project's, a site's and a programme's figures, gathered in a
fixed number of queries on top of the aggregation (selectors/aggregation.py) and of the
fidelity selectors. Charts are drawn here so that templates only place them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programmes.models import AdopterSite, ScalingProject

from .. import charts
from ..models import (
    EvaluationPhase,
    FidelityRating,
    FidelityScale,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ReportingPeriod,
    SiteReport,
)
from . import fidelity
from .aggregation import (
    ACTIVE_SITE_STATUSES,
    Band,
    IndicatorTotal,
    Scope,
    costs_avoided,
    figures_key,
    indicator_totals,
    missing_sites_by_indicator,
    period_series,
    site_figures,
)

MISSING_SHOWN = 10
FIDELITY_SITES_SHOWN = 10
HEADLINE_INDICATORS = 3
PROJECTS_PER_PAGE = 20


def display(value, indicator: Indicator) -> str:
    """A figure with its unit, in the user's locale; a dash when missing."""
    if value is None:
        return "—"
    if indicator.is_percentage:
        return f"{charts.fmt(value)}\u202f%"
    return f"{charts.fmt(value)} {indicator.unit}".strip()


def period_label(period: ReportingPeriod) -> str:
    return period.label or date_format(period.ends_on, "SHORT_DATE_FORMAT")


def progress_pct(progress) -> Decimal | None:
    return None if progress is None else (progress * 100).quantize(Decimal(1))


# --- Project ---------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    total: IndicatorTotal
    series: list
    missing: list[AdopterSite]
    chart: str = ""
    table: list[dict] = field(default_factory=list)  # the chart's data, formatted once

    @property
    def indicator(self) -> Indicator:
        return self.total.indicator

    @property
    def progress_pct(self):
        return progress_pct(self.total.progress)

    @property
    def expected_reporting(self) -> int:
        """Sites expected to report that did (a withdrawn site's past values count in the
        figures, not among the sites expected)."""
        return self.total.expected_sites - self.total.missing_sites

    @property
    def more_missing(self) -> int:
        return max(self.total.missing_sites - len(self.missing), 0)

    @property
    def is_cumulative(self) -> bool:
        return any(figure.cumulative is not None for figure in self.series)


@dataclass
class FidelityOverview:
    scale: FidelityScale
    assessed: int
    expected: int
    average_pct: float | None
    domains: list
    sites: list  # the lowest totals first, with `.flagged_count`


@dataclass
class ProjectDashboard:
    phases: list[EvaluationPhase]
    rows: list[IndicatorRow]
    costs_total: Decimal | None
    fidelity: FidelityOverview | None
    bands: dict = field(default_factory=dict)


def indicator_chart(row: IndicatorRow, chart_id: str) -> str:
    indicator = row.indicator
    unit = "%" if indicator.is_percentage else indicator.unit
    bars = [charts.Bar(period_label(figure.period), figure.shown, figure.target, figure.band)
            for figure in row.series]
    title = (_("%(indicator)s, cumulative since the start of the range, against its target")
             if row.is_cumulative else _("%(indicator)s per period, against its target")) % {
        "indicator": indicator.name}
    return charts.bar_chart(bars, chart_id=chart_id, title=title, unit=unit)


def project_dashboard(project: ScalingProject, scope: Scope) -> ProjectDashboard:
    """Phases, each active indicator against its target with its sites missing, the costs
    avoided and the fidelity overview: a fixed number of queries whatever the size.

    The indicator figures read every value of the range (240,000 for 1,000 sites, 20
    indicators and 12 quarters: about a second and a half), so they are kept in the cache
    under a key that changes with anything they depend on (see `_figures_key`)."""
    phases = list(EvaluationPhase.objects.filter(plan__project=project).order_by("number"))
    indicators = list(Indicator.objects.filter(project=project, is_active=True)
                      .select_related("cost_avoided_line"))
    rows, bands, costs_total = cache.get_or_set(
        _figures_key(project, scope, indicators),
        lambda: _indicator_figures(project, scope, indicators), FIGURES_TIMEOUT)
    return ProjectDashboard(phases, rows, costs_total, fidelity_overview(project), bands)


# Services save a site's report whenever values that count change (submitted, returned,
# validated, reopened), so the reports' latest change dates the figures; an edit made
# behind the services' back (the admin, a shell) shows within this time.
FIGURES_TIMEOUT = 10 * 60


def _figures_key(project: ScalingProject, scope: Scope, indicators) -> str:
    """A key for the project's figures over `scope` that changes when a report, a site, an
    indicator, a cost avoided or a target of the whole project changes: three small
    queries."""
    reports = SiteReport.objects.order_by().filter(period__project=project).aggregate(
        count=Count("pk"), changed=Max("updated_at"))
    sites = AdopterSite.objects.order_by().filter(project=project).aggregate(
        count=Count("pk"), changed=Max("updated_at"))
    targets = list(IndicatorTarget.objects.order_by("pk").filter(
        indicator__in=[i.pk for i in indicators], site__isnull=True)
        .values_list("pk", "indicator", "category", "period_end", "value", "level"))
    definitions = [(i.pk, i.code, i.name, i.unit, i.kind, i.measure, i.direction,
                    i.frequency, i.period_aggregation, i.site_aggregation, i.baseline,
                    i.cost_avoided_line.amount if i.cost_avoided_line else None,
                    i.position) for i in indicators]
    return figures_key("project-figures", project.pk, scope, translation.get_language(),
                       reports, sites, targets, definitions)


def _indicator_figures(project, scope: Scope, indicators) -> tuple:
    totals = indicator_totals(indicators, scope) if indicators else []
    series = period_series(indicators, scope) if indicators else {}
    # Listing the missing sites probes every site for every indicator: only where some are.
    missing = missing_sites_by_indicator(
        [total.indicator for total in totals if total.missing_sites], scope,
        limit=MISSING_SHOWN)
    rows = []
    bands = dict.fromkeys(Band.values, 0)
    for total in totals:
        row = IndicatorRow(total, series.get(total.indicator.pk, []),
                           missing.get(total.indicator.pk, []))
        row.chart = indicator_chart(row, f"indicator-{total.indicator.pk}")
        row.table = [{"label": figure.period.label,
                       "value": display(figure.value, total.indicator),
                       "cumulative": display(figure.cumulative, total.indicator),
                       "target": display(figure.target, total.indicator),
                       "band": figure.band, "sites": figure.reporting_sites}
                      for figure in row.series]
        rows.append(row)
        bands[total.band] += 1
    costs_total = costs_avoided(project, scope).total if any(
        i.cost_avoided_line_id for i in indicators) else None
    return rows, bands, costs_total


def fidelity_overview(project: ScalingProject) -> FidelityOverview | None:
    """Each site's latest fidelity total, the average per domain and the sites with the
    lowest totals and their flagged items; six queries."""
    scale = FidelityScale.objects.filter(project=project).first()
    if scale is None:
        return None
    domains = list(scale.domains.order_by("position", "pk"))
    sites = AdopterSite.objects.filter(project=project, status__in=ACTIVE_SITE_STATUSES)
    # One pass over the sites' latest totals gives the count, the mean and the lowest.
    latest = list(fidelity.annotate_latest_fidelity(sites.order_by()).values_list(
        "pk", "fidelity_assessment_id", "fidelity_total_pct"))
    totals = [row for row in latest if row[1] is not None]
    scored = [row[2] for row in totals if row[2] is not None]
    average = sum(scored) / len(scored) if scored else None
    lowest_ids = [row[0] for row in sorted(
        totals, key=lambda row: (row[2] is None, row[2] or 0, row[0]))[:FIDELITY_SITES_SHOWN]]
    by_id = {row[0]: row for row in totals}
    lowest = sorted(sites.filter(pk__in=lowest_ids).select_related("structure", "territory"),
                    key=lambda site: lowest_ids.index(site.pk))
    for site in lowest:
        _pk, site.fidelity_assessment_id, site.fidelity_total_pct = by_id[site.pk]
    summary = {"assessed": len(totals), "expected": len(latest), "average": average}
    flagged = dict(FidelityRating.objects.order_by()
                   .filter(assessment_id__in=[s.fidelity_assessment_id for s in lowest],
                           level__lte=scale.alert_threshold)
                   .values("assessment_id").annotate(count=Count("pk"))
                   .values_list("assessment_id", "count"))
    for site in lowest:
        site.flagged_count = flagged.get(site.fidelity_assessment_id, 0)
        site.bar = charts.percent_bar(
            site.fidelity_total_pct, chart_id=f"fidelity-{site.pk}",
            title=_("Fidelity of %(site)s") % {"site": site.structure.name})
    return FidelityOverview(scale, summary["assessed"], summary["expected"], summary["average"],
                            fidelity.domain_averages(project, domains), lowest)


# --- Site ------------------------------------------------------------------------------------


@dataclass
class SiteCell:
    period: ReportingPeriod
    value: IndicatorValue | None

    @property
    def figure(self) -> Decimal | None:
        return None if self.value is None else value_figure(self.value)


@dataclass
class SiteIndicatorRow:
    indicator: Indicator
    figure: object  # SiteFigure: the site's figure over the range, with its target
    cells: list[SiteCell]
    chart: str = ""

    @property
    def progress_pct(self):
        return progress_pct(self.figure.progress)


def value_figure(value: IndicatorValue) -> Decimal | None:
    """The number a value stands for: a level, a percentage, or the value itself."""
    if value.level is not None:
        return Decimal(value.level)
    if value.numerator is not None and value.denominator:
        return (100 * value.numerator / value.denominator).quantize(Decimal("0.01"))
    return value.value


@dataclass
class SiteDashboard:
    periods: list[ReportingPeriod]
    rows: list[SiteIndicatorRow]
    status_counts: list  # (status, label, count)
    profile: object | None
    scale: FidelityScale | None
    domain_bars: list = field(default_factory=list)


PLOTTED = {IndicatorValue.Status.VALIDATED, IndicatorValue.Status.SUBMITTED}


def site_dashboard(site: AdopterSite, scope: Scope) -> SiteDashboard:
    """The site's own values per indicator and period, its figures against its targets, and
    its fidelity profile; a fixed number of queries."""
    project = site.project
    indicators = list(Indicator.objects.filter(project=project, is_active=True))
    periods = ReportingPeriod.objects.filter(project=project).order_by("starts_on", "pk")
    if scope.date_from:
        periods = periods.filter(starts_on__gte=scope.date_from)
    if scope.date_to:
        periods = periods.filter(ends_on__lte=scope.date_to)
    periods = list(periods)
    values = {(v.indicator_id, v.report.period_id): v for v in (
        IndicatorValue.objects.filter(report__site=site, category__isnull=True,
                                      report__period__in=periods)
        .select_related("report"))}
    figures = {f.indicator.pk: f for f in site_figures(indicators, [site], scope)}
    counts = dict(IndicatorValue.objects.filter(
        report__site=site, category__isnull=True, report__period__in=periods)
        .order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    status_counts = [(status, label, counts.get(status, 0))
                     for status, label in IndicatorValue.Status.choices]
    rows = []
    for indicator in indicators:
        own = [p for p in periods if p.frequency == indicator.frequency]
        cells = [SiteCell(p, values.get((indicator.pk, p.pk))) for p in own]
        row = SiteIndicatorRow(indicator, figures[indicator.pk], cells)
        points = [charts.Point(period_label(c.period),
                               c.figure if c.value and c.value.status in PLOTTED else None,
                               bool(c.value and c.value.status == IndicatorValue.Status.SUBMITTED))
                  for c in cells]
        row.chart = charts.line_chart(
            points, chart_id=f"site-indicator-{indicator.pk}",
            title=_("%(indicator)s: values of the site per period") % {
                "indicator": indicator.name},
            unit="%" if indicator.is_percentage else indicator.unit,
            target=row.figure.target if indicator.period_aggregation != "sum" else None)
        rows.append(row)
    scale = FidelityScale.objects.filter(project=project).first()
    profile, bars = None, []
    if scale is not None:
        domains = list(scale.domains.order_by("position", "pk"))
        profile = fidelity.site_profile(site, scale, domains, include_drafts=False)
        if profile.latest is not None:
            bars = [(cell, charts.percent_bar(cell.pct, chart_id=f"domain-{cell.domain.pk}",
                                              title=cell.domain.name))
                    for cell in profile.latest.domains]
    return SiteDashboard(periods, rows, status_counts, profile, scale, bars)


# --- Programme -------------------------------------------------------------------------------


@dataclass
class ProjectLine:
    project: ScalingProject
    totals: list[IndicatorTotal]
    expected_reports: int
    received_reports: int

    @property
    def completeness_pct(self):
        if not self.expected_reports:
            return None
        return (Decimal(100) * self.received_reports / self.expected_reports).quantize(
            Decimal(1))


def headline_indicators(projects):
    """The first HEADLINE_INDICATORS active indicators of each project, by position."""
    return (Indicator.objects.filter(project__in=projects, is_active=True)
            .annotate(rank=Window(RowNumber(), partition_by=F("project"),
                                  order_by=[F("position").asc(), F("code").asc()]))
            .filter(rank__lte=HEADLINE_INDICATORS).order_by("project", "rank"))


def programme_lines(projects: list[ScalingProject], scope: Scope) -> list[ProjectLine]:
    """For a page of projects, their headline indicators against their targets and how many
    reports their sites sent over the range, in seven queries."""
    if not projects:
        return []
    indicators = list(headline_indicators(projects))
    totals: dict[int, list] = {}
    for total in indicator_totals(indicators, scope) if indicators else []:
        totals.setdefault(total.indicator.project_id, []).append(total)
    periods = ReportingPeriod.objects.order_by().filter(project__in=projects)
    reports = SiteReport.objects.order_by().filter(
        period__project__in=projects, site__status__in=ACTIVE_SITE_STATUSES,
        status__in=[SiteReport.Status.SUBMITTED, SiteReport.Status.VALIDATED])
    if scope.date_from:
        periods = periods.filter(starts_on__gte=scope.date_from)
        reports = reports.filter(period__starts_on__gte=scope.date_from)
    if scope.date_to:
        periods = periods.filter(ends_on__lte=scope.date_to)
        reports = reports.filter(period__ends_on__lte=scope.date_to)
    period_counts = dict(periods.values("project").annotate(n=Count("pk"))
                         .values_list("project", "n"))
    received = dict(reports.values("period__project").annotate(n=Count("pk"))
                    .values_list("period__project", "n"))
    expected = dict(AdopterSite.objects.order_by().filter(
        project__in=projects, status__in=ACTIVE_SITE_STATUSES)
        .values("project").annotate(n=Count("pk")).values_list("project", "n"))
    return [ProjectLine(project, totals.get(project.pk, []),
                        expected.get(project.pk, 0) * period_counts.get(project.pk, 0),
                        received.get(project.pk, 0))
            for project in projects]


def reporting_anchor(projects) -> date | None:
    """The day the dashboards' default range ends by: today, or the end of the projects' latest
    period when their reporting stopped earlier (a programme that has ended), so that a
    dashboard first opens on figures rather than on empty quarters. One query."""
    today = timezone.localdate()
    latest = (ReportingPeriod.objects.filter(project__in=projects, starts_on__lte=today)
              .aggregate(latest=Max("ends_on"))["latest"])
    return min(latest, today) if latest else None
