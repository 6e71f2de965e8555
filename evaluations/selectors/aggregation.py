"""Indicator figures, computed in the database whatever the number of sites and values.

The rules, for a date range (periods that lie within it) and the values that count
(validated ones, or validated and submitted when asked):

- For one site, an indicator's periods add up as it says: `sum` (cumulative), `average`, or
  `latest` (the value of the latest period that has one).
- Across sites, the site figures are summed or averaged, as the indicator says.
- A percentage is always sum(numerators) / sum(denominators) of the values it covers, never an
  average of percentages; `latest` takes each site's latest numerator and denominator.
- A site with no value that counts is missing: it is listed, never taken as zero.
- Targets: the latest target dated on or before the end of the range. Progress respects the
  direction of change; the band is on track at 90 % or more, to watch from 70 %, off track
  below, none without a target or a figure.

Every function runs a fixed number of queries: rows come back per site and indicator (results,
not values), and Python only picks among figures the database already aggregated.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Avg, Case, Count, F, OuterRef, Q, Subquery, Sum, When, Window
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import AdopterSite, Programme, ScalingProject

from ..models import Indicator, IndicatorTarget, IndicatorValue, ReportingPeriod, SiteReport
from ..models.base import VALUE_DIGITS

Rule = Indicator.PeriodAggregation
Direction = Indicator.Direction
ACTIVE_SITE_STATUSES = [status for status in AdopterSite.Status.values
                        if status not in (AdopterSite.Status.CANDIDATE,
                                          AdopterSite.Status.WITHDRAWN)]
ON_TRACK, WATCH = Decimal("0.9"), Decimal("0.7")
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")
FIGURE_PLACES = Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"])
DECIMAL = models.DecimalField(max_digits=VALUE_DIGITS["max_digits"],
                              decimal_places=VALUE_DIGITS["decimal_places"])


def figures_key(kind: str, *parts) -> str:
    """A cache key for figures of `kind` that changes with every part (filters, and what the
    figures depend on), short whatever their size."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"evaluations:{kind}:{digest}"


class Band(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    WATCH = "watch", _("To watch")
    OFF_TRACK = "off_track", _("Off track")
    NONE = "none", _("No target")


@dataclass(frozen=True)
class Scope:
    """Which values count: periods within [date_from, date_to], the total or one category,
    validated values only unless submitted ones are included."""

    date_from: date | None = None
    date_to: date | None = None
    include_submitted: bool = False
    category_id: int | None = None

    @property
    def as_of(self) -> date:
        return self.date_to or timezone.localdate()


@dataclass(frozen=True)
class Figure:
    """A figure with its target: for a site, or for all the sites of a project."""

    indicator: Indicator
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    target: Decimal | None = None
    progress: Decimal | None = None
    band: str = Band.NONE

    @property
    def is_missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class SiteFigure(Figure):
    site: AdopterSite | None = None
    periods: int = 0
    latest_period_end: date | None = None


@dataclass(frozen=True)
class IndicatorTotal(Figure):
    reporting_sites: int = 0
    expected_sites: int = 0
    # Sites expected to report that have no value that counts: shown, never taken as zero.
    missing_sites: int = 0


@dataclass(frozen=True)
class ProgrammeFigures:
    totals: list[IndicatorTotal]
    bands: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteCost:
    site: AdopterSite
    amount: Decimal
    is_missing: bool


@dataclass(frozen=True)
class CostsAvoided:
    sites: list[SiteCost]
    total: Decimal


# --- Building blocks -------------------------------------------------------------------------


def counted_values(indicator_ids, scope: Scope):
    """The values that count, for the indicators: in range, at each indicator's frequency (a
    monthly and a quarterly value of the same months would count twice), in the right status."""
    statuses = [IndicatorValue.Status.VALIDATED]
    if scope.include_submitted:
        statuses.append(IndicatorValue.Status.SUBMITTED)
    # A list of ids is sent as one parameter (essaimage.lookups); a subquery stays one.
    by_ids = (Q(indicator__any=indicator_ids) if isinstance(indicator_ids, list | tuple)
              else Q(indicator__in=indicator_ids))
    values = IndicatorValue.objects.order_by().filter(
        by_ids, status__in=statuses,
        report__period__frequency=F("indicator__frequency"),
    )
    values = values.filter(category=scope.category_id) if scope.category_id else values.filter(
        category__isnull=True)
    if scope.date_from:
        values = values.filter(report__period__starts_on__gte=scope.date_from)
    if scope.date_to:
        values = values.filter(report__period__ends_on__lte=scope.date_to)
    # A qualitative value is its level: the same rules then apply to scales.
    return values.annotate(amount=Coalesce(F("value"), Cast("level", DECIMAL),
                                           output_field=DECIMAL))


SITE_AND_INDICATOR = [F("report__site"), F("indicator")]


def _latest_first():
    return Window(RowNumber(), partition_by=SITE_AND_INDICATOR,
                  order_by=[F("report__period__ends_on").desc(), F("pk").desc()])


def _latest_per_site(values):
    """One row per site and indicator: the value of its latest period."""
    return values.annotate(rank=_latest_first()).filter(rank=1)


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (HUNDRED * numerator / denominator).quantize(FIGURE_PLACES)


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(FIGURE_PLACES)


def progress(direction: str, actual, target, baseline=None) -> Decimal | None:
    """How far along the way to the target `actual` is, 1 meaning there; None when it cannot
    be said. From the baseline when there is one; for "decrease", lower is better."""
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    if baseline is not None and Decimal(baseline) != target and direction != Direction.MAINTAIN:
        return (actual - baseline) / (target - baseline)
    if direction == Direction.DECREASE:
        if actual <= target:
            return Decimal(1)
        return target / actual if actual > 0 else None
    if target == 0:
        return Decimal(1) if actual >= 0 else None
    if direction == Direction.MAINTAIN:
        return 1 - abs(actual - target) / abs(target)
    return actual / target


def band(ratio: Decimal | None) -> str:
    if ratio is None:
        return Band.NONE
    if ratio >= ON_TRACK:
        return Band.ON_TRACK
    return Band.WATCH if ratio >= WATCH else Band.OFF_TRACK


def _with_target(figure_kwargs: dict, indicator: Indicator, target) -> dict:
    target_value = None
    if target is not None:
        target_value = target["level"] if indicator.is_qualitative else target["value"]
    ratio = progress(indicator.direction, figure_kwargs["value"], target_value,
                     indicator.baseline if not indicator.is_percentage else None)
    return {**figure_kwargs, "target": target_value,
            "progress": None if ratio is None else ratio.quantize(FIGURE_PLACES),
            "band": band(ratio)}


def current_targets(indicator_ids, scope: Scope, *, per_site: bool) -> dict:
    """The target in force at the end of the range, per (indicator, site) — site None for the
    targets of whole projects — in one query."""
    targets = IndicatorTarget.objects.order_by().filter(
        indicator__in=indicator_ids, period_end__lte=scope.as_of, site__isnull=not per_site)
    targets = (targets.filter(category=scope.category_id) if scope.category_id
               else targets.filter(category__isnull=True))
    latest = targets.annotate(rank=Window(RowNumber(), partition_by=[F("indicator"), F("site")],
                                          order_by=F("period_end").desc())).filter(rank=1)
    return {(row["indicator"], row["site"]): row
            for row in latest.values("indicator", "site", "value", "level")}


# --- Per site --------------------------------------------------------------------------------


def site_figures(indicators, sites, scope: Scope = Scope()) -> list[SiteFigure]:
    """Each site's figure for each indicator, missing ones included, with its target: three
    queries, whatever the number of sites and values."""
    indicators, sites = list(indicators), list(sites)
    by_id = {indicator.pk: indicator for indicator in indicators}
    window = {"partition_by": SITE_AND_INDICATOR}
    rows = (_latest_per_site(counted_values(list(by_id), scope).filter(report__site__in=sites))
            .annotate(periods=Window(Count("pk"), **window),
                      total=Window(Sum("amount"), **window),
                      mean=Window(Avg("amount"), **window),
                      numerators=Window(Sum("numerator"), **window),
                      denominators=Window(Sum("denominator"), **window))
            .values("report__site", "indicator", "amount", "numerator", "denominator",
                    "periods", "total", "mean", "numerators", "denominators",
                    "report__period__ends_on"))
    found = {(row["report__site"], row["indicator"]): row for row in rows}
    targets = current_targets(list(by_id), scope, per_site=True)

    figures = []
    for site in sites:
        for indicator in indicators:
            row = found.get((site.pk, indicator.pk))
            kwargs = {"indicator": indicator, "site": site, "value": None}
            if row is not None:
                kwargs.update(_site_value(indicator, row), periods=row["periods"],
                              latest_period_end=row["report__period__ends_on"])
            figures.append(SiteFigure(**_with_target(kwargs, indicator,
                                                     targets.get((indicator.pk, site.pk)))))
    return figures


def _site_value(indicator: Indicator, row: dict) -> dict:
    """Pick, among the figures the database computed for a site, the one the rule asks for."""
    rule = indicator.period_aggregation
    if indicator.is_percentage:
        if rule == Rule.LATEST:
            numerator, denominator = row["numerator"], row["denominator"]
        else:
            numerator, denominator = row["numerators"], row["denominators"]
        return {"value": _ratio(numerator, denominator), "numerator": numerator,
                "denominator": denominator}
    value = {Rule.SUM: row["total"], Rule.AVERAGE: row["mean"]}.get(rule, row["amount"])
    return {"value": _rounded(value)}


# --- Across sites ----------------------------------------------------------------------------


def indicator_totals(indicators, scope: Scope = Scope()) -> list[IndicatorTotal]:
    """Each indicator's figure across the sites of its project, with its target and the count
    of sites missing; indicators may come from several projects. Four queries."""
    indicators = list(indicators)
    by_id = {indicator.pk: indicator for indicator in indicators}
    values = counted_values(list(by_id), scope)
    expected_site = Q(report__site__status__in=ACTIVE_SITE_STATUSES)

    # Sum rule, and every percentage but the latest: one pass over the values.
    pooled = {row["indicator"]: row for row in values.values("indicator").annotate(
        total=Sum("amount"), numerators=Sum("numerator"), denominators=Sum("denominator"),
        sites=Count("report__site", distinct=True),
        expected_reporting=Count("report__site", distinct=True, filter=expected_site))}

    # Average and latest rules: first one figure per site, then across sites.
    per_site_ids = [pk for pk, indicator in by_id.items()
                    if indicator.period_aggregation != Rule.SUM]
    per_site = {}
    if per_site_ids:
        site_mean = (values.filter(report__site=OuterRef("report__site"),
                                   indicator=OuterRef("indicator"))
                     .values("indicator").annotate(mean=Avg("amount")).values("mean"))
        latest_rows = _latest_per_site(counted_values(per_site_ids, scope)).values("pk")
        per_site = {row["indicator"]: row for row in (
            counted_values(per_site_ids, scope).filter(pk__in=latest_rows)
            .annotate(site_value=Case(
                When(indicator__period_aggregation=Rule.AVERAGE,
                     then=Subquery(site_mean, output_field=DECIMAL)),
                default=F("amount"), output_field=DECIMAL))
            .values("indicator").annotate(
                sites_sum=Sum("site_value"), sites_mean=Avg("site_value"),
                numerators=Sum("numerator"), denominators=Sum("denominator")))}

    expected = _expected_sites({indicator.project_id for indicator in indicators})
    targets = current_targets(list(by_id), scope, per_site=False)
    totals = []
    for indicator in indicators:
        row = pooled.get(indicator.pk, {})
        kwargs = {"indicator": indicator, **_total_value(indicator, row,
                                                         per_site.get(indicator.pk, {})),
                  "reporting_sites": row.get("sites", 0),
                  "expected_sites": expected.get(indicator.project_id, 0),
                  "missing_sites": expected.get(indicator.project_id, 0)
                  - row.get("expected_reporting", 0)}
        totals.append(IndicatorTotal(**_with_target(kwargs, indicator,
                                                    targets.get((indicator.pk, None)))))
    return totals


def _total_value(indicator: Indicator, pooled: dict, per_site: dict) -> dict:
    rule = indicator.period_aggregation
    if indicator.is_percentage:
        source = per_site if rule == Rule.LATEST else pooled
        numerator, denominator = source.get("numerators"), source.get("denominators")
        return {"value": _ratio(numerator, denominator), "numerator": numerator,
                "denominator": denominator}
    by_average = indicator.site_aggregation == Indicator.SiteAggregation.AVERAGE
    if rule == Rule.SUM:
        total, sites = pooled.get("total"), pooled.get("sites")
        value = total / sites if by_average and total is not None else total
    else:
        value = per_site.get("sites_mean" if by_average else "sites_sum")
    return {"value": _rounded(value)}


def _expected_sites(project_ids) -> dict[int, int]:
    """How many sites of each project should report: those past selection and not withdrawn."""
    return dict(AdopterSite.objects.order_by().filter(
        project__in=project_ids, status__in=ACTIVE_SITE_STATUSES,
    ).values("project").annotate(count=Count("pk")).values_list("project", "count"))


def expected_sites(project: ScalingProject):
    return AdopterSite.objects.filter(project=project, status__in=ACTIVE_SITE_STATUSES)


def project_totals(project: ScalingProject, scope: Scope = Scope()) -> list[IndicatorTotal]:
    """The project dashboard's figures: each active indicator across its sites."""
    return indicator_totals(Indicator.objects.filter(project=project, is_active=True), scope)


def programme_figures(programme: Programme, scope: Scope = Scope()) -> ProgrammeFigures:
    """Every active indicator of the programme's projects against its target, and how many
    fall in each band, in the same few queries as one project."""
    indicators = (Indicator.objects.filter(project__programme=programme, is_active=True,
                                           project__is_archived=False)
                  .select_related("project"))
    totals = indicator_totals(indicators, scope)
    bands = dict.fromkeys(Band.values, 0)
    for total in totals:
        bands[total.band] += 1
    return ProgrammeFigures(totals=totals, bands=bands)


def missing_sites(indicator: Indicator, scope: Scope = Scope()):
    """The sites expected to report an indicator that have no value that counts."""
    reported = counted_values([indicator.pk], scope).values("report__site")
    return expected_sites(indicator.project).exclude(pk__in=reported).select_related(
        "structure", "territory")


def missing_reports(period: ReportingPeriod):
    """The sites expected to report for a period that have not submitted their report."""
    sent = SiteReport.objects.filter(period=period).exclude(
        status=SiteReport.Status.DRAFT).values("site")
    return expected_sites(period.project).exclude(pk__in=sent).select_related(
        "structure", "territory")


# --- Costs avoided ---------------------------------------------------------------------------


def costs_avoided(project: ScalingProject, scope: Scope = Scope()) -> CostsAvoided:
    """The public spending saved: each cost avoided per unit, from the innovation's economic
    model, times the volume each site reported (by the indicator's rule), per site and in
    total. A site with no volume that counts is missing, with nothing avoided."""
    indicators = list(Indicator.objects.filter(project=project, is_active=True,
                                               cost_avoided_line__isnull=False)
                      .select_related("cost_avoided_line"))
    sites = list(expected_sites(project).select_related("structure", "territory"))
    figures = site_figures(indicators, sites, scope) if indicators else []
    per_site = {site.pk: [] for site in sites}
    for figure in figures:
        if figure.value is not None:
            unit_cost = figure.indicator.cost_avoided_line.amount
            per_site[figure.site.pk].append(figure.value * unit_cost)
    rows = [SiteCost(site=site, amount=sum(per_site[site.pk], Decimal(0)).quantize(CENTS),
                     is_missing=bool(indicators) and not per_site[site.pk])
            for site in sites]
    return CostsAvoided(sites=rows, total=sum((row.amount for row in rows), Decimal(0)))


# --- Period by period and missing sites, for the dashboards ----------------------------------


@dataclass(frozen=True)
class PeriodFigure:
    """An indicator's figure across sites for one period: `value` is the period's own figure,
    `cumulative` the running figure since the start of the range when the indicator adds up
    across periods (a sum, or a percentage pooled over periods), None otherwise."""

    period: ReportingPeriod
    value: Decimal | None
    cumulative: Decimal | None = None
    reporting_sites: int = 0
    target: Decimal | None = None
    progress: Decimal | None = None
    band: str = Band.NONE

    @property
    def shown(self) -> Decimal | None:
        """The figure to read against the target in force at the period's end."""
        return self.cumulative if self.cumulative is not None else self.value


def _period_value(indicator: Indicator, row: dict) -> Decimal | None:
    if indicator.is_percentage:
        return _ratio(row.get("numerators"), row.get("denominators"))
    if indicator.site_aggregation == Indicator.SiteAggregation.AVERAGE:
        return _rounded(row.get("mean"))
    return _rounded(row.get("total"))


def _is_cumulative(indicator: Indicator) -> bool:
    if indicator.period_aggregation != Rule.SUM:
        return False
    return indicator.is_percentage or (
        indicator.site_aggregation == Indicator.SiteAggregation.SUM)


def period_series(indicators, scope: Scope = Scope()) -> dict[int, list[PeriodFigure]]:
    """Each indicator's figure across its project's sites, period by period within the range,
    with the project target in force at each period's end; three queries. A period nobody
    reported is there with no value (missing, not zero). For a cumulative indicator the
    running total (or the pooled percentage) is what reads against targets, which are
    cumulative too."""
    indicators = list(indicators)
    by_id = {indicator.pk: indicator for indicator in indicators}
    periods = ReportingPeriod.objects.order_by("starts_on", "pk").filter(
        project__in={indicator.project_id for indicator in indicators})
    if scope.date_from:
        periods = periods.filter(starts_on__gte=scope.date_from)
    if scope.date_to:
        periods = periods.filter(ends_on__lte=scope.date_to)
    periods = list(periods)
    rows = {(row["indicator"], row["report__period"]): row for row in (
        counted_values(list(by_id), scope).values("indicator", "report__period").annotate(
            total=Sum("amount"), mean=Avg("amount"), numerators=Sum("numerator"),
            denominators=Sum("denominator"), sites=Count("report__site")))}
    targets = IndicatorTarget.objects.order_by("period_end").filter(
        indicator__any=list(by_id), site__isnull=True)
    targets = (targets.filter(category=scope.category_id) if scope.category_id
               else targets.filter(category__isnull=True))
    dated: dict[int, list[tuple[date, dict]]] = {}
    for target in targets.values("indicator", "period_end", "value", "level"):
        dated.setdefault(target["indicator"], []).append((target["period_end"], target))

    series = {}
    for indicator in indicators:
        figures, running = [], {"total": None, "numerators": None, "denominators": None}
        for period in periods:
            if period.project_id != indicator.project_id or (
                    period.frequency != indicator.frequency):
                continue
            row = rows.get((indicator.pk, period.pk), {})
            for key in running:
                if row.get(key) is not None:
                    running[key] = (running[key] or 0) + row[key]
            cumulative = None
            if _is_cumulative(indicator) and any(v is not None for v in running.values()):
                cumulative = _period_value(indicator, running)
            in_force = None
            for end, target in dated.get(indicator.pk, []):
                if end <= period.ends_on:
                    in_force = target
            kwargs = {"period": period, "value": _period_value(indicator, row),
                      "cumulative": cumulative, "reporting_sites": row.get("sites", 0)}
            shown = cumulative if cumulative is not None else kwargs["value"]
            figures.append(PeriodFigure(**_with_target({**kwargs, "value": shown}, indicator,
                                                       in_force) | {"value": kwargs["value"]}))
        series[indicator.pk] = figures
    return series


def missing_sites_by_indicator(indicators, scope: Scope = Scope(), *,
                               limit: int = 10) -> dict[int, list[AdopterSite]]:
    """For each indicator, the first `limit` sites (by name) expected to report it that have
    no value that counts, in one query; IndicatorTotal.missing_sites says how many in all."""
    ids = [indicator.pk for indicator in indicators]
    if not ids:
        return {}
    reported = counted_values(ids, scope).filter(indicator=OuterRef("missing_indicator"),
                                                 report__site=OuterRef("pk"))
    sites = (AdopterSite.objects.filter(status__in=ACTIVE_SITE_STATUSES,
                                        project__indicators__in=ids)
             .annotate(missing_indicator=F("project__indicators"))
             .filter(~models.Exists(reported))
             .annotate(rank=Window(RowNumber(), partition_by=F("missing_indicator"),
                                   order_by=[F("structure__name").asc(), F("name").asc(),
                                             F("pk").asc()]))
             .filter(rank__lte=limit)
             .select_related("structure", "territory")
             .order_by("missing_indicator", "rank"))
    missing = {pk: [] for pk in ids}
    for site in sites:
        missing[site.missing_indicator].append(site)
    return missing
