"""Aggregation, with every expected figure computed by hand in the comments.

Three sites take part in the project: bob's (B), carol's (C) and a third (D) that reports
nothing. Four quarters of 2025.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import Indicator, IndicatorValue, SiteReport
from evaluations.selectors.aggregation import (
    Band,
    Scope,
    band,
    costs_avoided,
    indicator_totals,
    missing_reports,
    missing_sites,
    programme_figures,
    progress,
    project_totals,
    site_figures,
)
from innovations.models import EconomicLine

from ..factories import (
    AdopterSiteFactory,
    DisaggregationCategoryFactory,
    DisaggregationFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    PercentageIndicatorFactory,
    QualitativeIndicatorFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
)

pytestmark = pytest.mark.django_db

SUM, AVERAGE, LATEST = "sum", "average", "latest"
VALIDATED, SUBMITTED = IndicatorValue.Status.VALIDATED, IndicatorValue.Status.SUBMITTED
YEAR = Scope(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


@pytest.fixture
def quarters(project):
    return [ReportingPeriodFactory(project=project, label=f"T{n} 2025",
                                   starts_on=date(2025, 3 * n - 2, 1),
                                   ends_on=date(2025, 3 * n, [31, 30, 30, 31][n - 1]),
                                   due_on=date(2026, 1, 31))
            for n in (1, 2, 3, 4)]


@pytest.fixture
def sites(project, bob_site, carol_site):
    return {"B": bob_site, "C": carol_site, "D": AdopterSiteFactory(project=project)}


@pytest.fixture
def report(sites, quarters):
    """report(indicator, "B", 1, value=10) records B's value for the first quarter."""

    def record(indicator, site, quarter, status=VALIDATED, **fields):
        site_report, _ = SiteReport.objects.get_or_create(site=sites[site],
                                                          period=quarters[quarter - 1])
        return IndicatorValue.objects.create(report=site_report, indicator=indicator,
                                             status=status, **fields)

    return record


def totals_of(indicator, scope=YEAR):
    return indicator_totals([indicator], scope)[0]


def by_site(indicator, sites, scope=YEAR):
    return {name: figure for name, figure in zip(
        sites, site_figures([indicator], list(sites.values()), scope), strict=True)}


@pytest.fixture
def people(project, report):
    """A cumulative count. B: 10 + 20 + 5 = 35; C: 7 + 8 = 15; D: nothing."""
    indicator = IndicatorFactory(project=project, code="PERS", period_aggregation=SUM)
    for site, quarter, value in [("B", 1, 10), ("B", 2, 20), ("B", 3, 5), ("C", 1, 7),
                                 ("C", 2, 8)]:
        report(indicator, site, quarter, value=Decimal(value))
    return indicator


# --- Across periods --------------------------------------------------------------------------


def test_a_cumulative_indicator_sums_the_periods_and_the_sites(people, sites):
    figures = by_site(people, sites)
    total = totals_of(people)

    assert (figures["B"].value, figures["B"].periods) == (35, 3)
    assert (figures["C"].value, figures["C"].periods) == (15, 2)
    assert total.value == 50  # 35 + 15
    assert (total.reporting_sites, total.expected_sites, total.missing_sites) == (2, 3, 1)


def test_a_site_that_did_not_report_is_missing_not_zero(people, sites):
    figures = by_site(people, sites)

    assert figures["D"].is_missing and figures["D"].value is None
    assert figures["D"].periods == 0
    assert list(missing_sites(people, YEAR)) == [sites["D"]]


def test_averaging_across_sites_leaves_missing_sites_out(people):
    people.site_aggregation = Indicator.SiteAggregation.AVERAGE
    people.save()

    # (35 + 15) / 2 reporting sites = 25, not (35 + 15 + 0) / 3.
    assert totals_of(people).value == 25


def test_the_range_keeps_the_periods_within_it(people):
    first_half = Scope(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30))

    # B: 10 + 20, C: 7 + 8.
    assert totals_of(people, first_half).value == 45


def test_only_validated_values_count_unless_submitted_ones_are_asked_for(people, report):
    report(people, "C", 3, status=SUBMITTED, value=Decimal(100))
    report(people, "D", 1, status=IndicatorValue.Status.RETURNED, value=Decimal(1000))

    assert totals_of(people).value == 50
    with_submitted = totals_of(people, Scope(date_to=date(2025, 12, 31), include_submitted=True))
    assert with_submitted.value == 150  # 35 + (15 + 100); a returned value never counts
    assert with_submitted.missing_sites == 1


def test_an_average_indicator_averages_each_sites_periods_first(project, report, sites):
    """B: (10 + 20 + 30) / 3 = 20; C: 40. Sum of sites 60, average of sites 30 — the plain
    average of the four values, 25, would be wrong."""
    caseload = IndicatorFactory(project=project, period_aggregation=AVERAGE)
    for site, quarter, value in [("B", 1, 10), ("B", 2, 20), ("B", 3, 30), ("C", 1, 40)]:
        report(caseload, site, quarter, value=Decimal(value))

    figures = by_site(caseload, sites)
    assert (figures["B"].value, figures["C"].value) == (20, 40)
    assert totals_of(caseload).value == 60
    caseload.site_aggregation = Indicator.SiteAggregation.AVERAGE
    caseload.save()
    assert totals_of(caseload).value == 30


def test_a_latest_indicator_takes_each_sites_latest_period(project, report, sites):
    """B: T1 5, T2 9 → 9; C: T1 3, T3 4 → 4 (C skipped T2). Sum 13, average 6.5. B's
    submitted T4 does not count."""
    partners = IndicatorFactory(project=project, period_aggregation=LATEST)
    for site, quarter, value in [("B", 1, 5), ("B", 2, 9), ("C", 1, 3), ("C", 3, 4)]:
        report(partners, site, quarter, value=Decimal(value))
    report(partners, "B", 4, status=SUBMITTED, value=Decimal(100))

    figures = by_site(partners, sites)
    assert (figures["B"].value, figures["B"].latest_period_end) == (9, date(2025, 6, 30))
    assert (figures["C"].value, figures["C"].latest_period_end) == (4, date(2025, 9, 30))
    assert totals_of(partners).value == 13
    partners.site_aggregation = Indicator.SiteAggregation.AVERAGE
    partners.save()
    assert totals_of(partners).value == Decimal("6.5")


# --- Percentages -----------------------------------------------------------------------------


@pytest.fixture
def employment(project, report):
    """B: T1 3/4, T2 1/6 → 4/10 = 40 %; C: T1 18/20 = 90 %."""
    share = PercentageIndicatorFactory(project=project, period_aggregation=SUM)
    for site, quarter, numerator, denominator in [("B", 1, 3, 4), ("B", 2, 1, 6),
                                                  ("C", 1, 18, 20)]:
        report(share, site, quarter, numerator=Decimal(numerator),
               denominator=Decimal(denominator))
    return share


def test_a_percentage_is_the_sum_of_numerators_over_the_sum_of_denominators(employment,
                                                                             sites):
    figures = by_site(employment, sites)
    total = totals_of(employment)

    assert figures["B"].value == 40  # (3 + 1) / (4 + 6), not the mean of 75 % and 16.7 %
    assert figures["C"].value == 90
    # (3 + 1 + 18) / (4 + 6 + 20) = 22 / 30; averaging the sites would give 65 %, averaging
    # the three percentages 60.56 %.
    assert (total.numerator, total.denominator) == (22, 30)
    assert total.value == Decimal("73.3333")


def test_a_percentage_is_never_averaged_across_sites(employment):
    employment.site_aggregation = Indicator.SiteAggregation.AVERAGE
    employment.period_aggregation = AVERAGE
    employment.save()

    assert totals_of(employment).value == Decimal("73.3333")


def test_a_latest_percentage_pools_each_sites_latest_period(employment):
    employment.period_aggregation = LATEST
    employment.save()

    # B's latest is T2, 1/6; C's is T1, 18/20: (1 + 18) / (6 + 20) = 73.0769... %.
    total = totals_of(employment)
    assert (total.numerator, total.denominator) == (19, 26)
    assert total.value == Decimal("73.0769")


def test_a_category_is_aggregated_on_its_own(project, report):
    count = IndicatorFactory(project=project)
    women = DisaggregationCategoryFactory(disaggregation=DisaggregationFactory(indicator=count))
    report(count, "B", 1, value=Decimal(10))
    report(count, "B", 1, category=women, value=Decimal(4))
    report(count, "C", 1, value=Decimal(6))
    report(count, "C", 1, category=women, value=Decimal(5))

    assert totals_of(count).value == 16
    assert totals_of(count, Scope(category_id=women.pk)).value == 9


def test_a_scale_is_read_from_its_levels(project, report):
    appropriation = QualitativeIndicatorFactory(project=project, levels=4)  # latest, average
    report(appropriation, "B", 1, level=2)
    report(appropriation, "B", 2, level=3)
    report(appropriation, "C", 1, level=4)

    assert totals_of(appropriation).value == Decimal("3.5")  # (3 + 4) / 2


# --- Targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("direction, actual, target, baseline, expected", [
    ("increase", 95, 100, None, Band.ON_TRACK),     # 0.95
    ("increase", 90, 100, None, Band.ON_TRACK),     # 0.90, the edge
    ("increase", 75, 100, None, Band.WATCH),        # 0.75
    ("increase", 50, 100, None, Band.OFF_TRACK),    # 0.50
    ("increase", 50, 60, 20, Band.WATCH),           # (50 - 20) / (60 - 20) = 0.75
    ("decrease", 18, 20, None, Band.ON_TRACK),      # at or below the target
    ("decrease", 25, 20, None, Band.WATCH),         # 20 / 25 = 0.8
    ("decrease", 40, 20, None, Band.OFF_TRACK),     # 20 / 40 = 0.5
    ("decrease", 60, 50, 100, Band.WATCH),          # (60 - 100) / (50 - 100) = 0.8
    ("maintain", 105, 100, None, Band.ON_TRACK),    # 1 - 5 / 100 = 0.95
    ("maintain", 75, 100, None, Band.WATCH),        # 1 - 25 / 100 = 0.75
    ("increase", None, 100, None, Band.NONE),       # nothing reported
    ("increase", 50, None, None, Band.NONE),        # no target
])
def test_bands_respect_the_direction_of_change(direction, actual, target, baseline, expected):
    base = None if baseline is None else Decimal(baseline)
    assert band(progress(direction, actual, target, base)) == expected


def test_targets_per_site_and_for_the_project(people, sites):
    IndicatorTargetFactory(indicator=people, value=Decimal(100))
    for name, value in [("B", 35), ("C", 20), ("D", 10)]:
        IndicatorTargetFactory(indicator=people, site=sites[name], value=Decimal(value))

    figures = by_site(people, sites)
    total = totals_of(people)

    assert (figures["B"].progress, figures["B"].band) == (1, Band.ON_TRACK)  # 35 / 35
    assert (figures["C"].progress, figures["C"].band) == (Decimal("0.75"), Band.WATCH)  # 15/20
    assert figures["D"].band == Band.NONE  # missing: no band, whatever its target
    assert (total.target, total.progress, total.band) == (100, Decimal("0.5"), Band.OFF_TRACK)


def test_a_decrease_is_on_track_below_its_target(project, report, sites):
    """Average days before a first job offer: B's latest 25 against 20 (20/25 = 0.8: watch),
    C's 15 (on track)."""
    delay = IndicatorFactory(project=project, direction=Indicator.Direction.DECREASE,
                             period_aggregation=LATEST, unit="jours")
    report(delay, "B", 1, value=Decimal(30))
    report(delay, "B", 2, value=Decimal(25))
    report(delay, "C", 2, value=Decimal(15))
    for name in ("B", "C"):
        IndicatorTargetFactory(indicator=delay, site=sites[name], value=Decimal(20))

    figures = by_site(delay, sites)
    assert (figures["B"].band, figures["C"].band) == (Band.WATCH, Band.ON_TRACK)


def test_the_target_in_force_is_the_latest_dated_by_the_end_of_the_range(people):
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 6, 30), value=Decimal(40))
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 12, 31), value=Decimal(80))
    IndicatorTargetFactory(indicator=people, period_end=date(2026, 12, 31), value=Decimal(200))

    assert totals_of(people).target == 80
    first_half = totals_of(people, Scope(date_to=date(2025, 6, 30)))
    assert (first_half.value, first_half.target) == (45, 40)  # 45 / 40: on track
    assert first_half.band == Band.ON_TRACK
    assert totals_of(people, Scope(date_to=date(2025, 3, 31))).band == Band.NONE


def test_the_programme_counts_its_indicators_by_band(people, programme, sites):
    IndicatorTargetFactory(indicator=people, value=Decimal(100))            # 50 / 100: off
    other = ScalingProjectFactory(programme=programme)
    site = AdopterSiteFactory(project=other)
    quarter = ReportingPeriodFactory(project=other)
    count = IndicatorFactory(project=other)
    IndicatorValue.objects.create(report=SiteReport.objects.create(site=site, period=quarter),
                                  indicator=count, value=Decimal(9), status=VALIDATED)
    IndicatorTargetFactory(indicator=count, value=Decimal(10))              # 9 / 10: on track
    IndicatorFactory(project=other)                                         # no target

    figures = programme_figures(programme, YEAR)

    assert figures.bands == {Band.ON_TRACK: 1, Band.WATCH: 0, Band.OFF_TRACK: 1, Band.NONE: 1}
    assert {total.indicator.pk: total.value for total in figures.totals}[count.pk] == 9


# --- Costs avoided ---------------------------------------------------------------------------


def test_costs_avoided_are_unit_costs_times_validated_volumes(project, people, report, sites):
    """45 € per night of emergency shelter avoided: B 35 nights → 1,575 €, C 15 → 675 €.
    1,200.50 € per eviction avoided: B 2 → 2,401 €. D reported nothing."""
    night = EconomicLine.objects.create(innovation=project.innovation,
                                        category=EconomicLine.Category.COST_AVOIDED,
                                        label="Nuitée d'hébergement d'urgence",
                                        amount=Decimal("45"))
    eviction = EconomicLine.objects.create(innovation=project.innovation,
                                           category=EconomicLine.Category.COST_AVOIDED,
                                           label="Expulsion locative", amount=Decimal("1200.50"))
    people.cost_avoided_line = night
    people.save()
    evictions = IndicatorFactory(project=project, cost_avoided_line=eviction)
    report(evictions, "B", 2, value=Decimal(2))
    report(evictions, "C", 3, status=SUBMITTED, value=Decimal(5))  # not validated: left out

    costs = costs_avoided(project, YEAR)

    amounts = {site.pk: (row.amount, row.is_missing) for row, site in
               ((row, row.site) for row in costs.sites)}
    assert amounts == {sites["B"].pk: (Decimal("3976.00"), False),   # 1,575 + 2,401
                       sites["C"].pk: (Decimal("675.00"), False),
                       sites["D"].pk: (Decimal("0.00"), True)}
    assert costs.total == Decimal("4651.00")


# --- Missing reports and query counts --------------------------------------------------------


def test_sites_that_have_not_sent_their_report_are_listed(people, quarters, sites):
    SiteReport.objects.filter(site=sites["B"], period=quarters[0]).update(
        status=SiteReport.Status.SUBMITTED, submitted_at="2025-04-10T10:00:00Z")

    assert set(missing_reports(quarters[0])) == {sites["C"], sites["D"]}


def add_sites(project, quarters, indicators, count):
    """`count` more sites, each reporting every indicator for every quarter."""
    for _ in range(count):
        site = AdopterSiteFactory(project=project)
        for quarter in quarters:
            site_report = SiteReport.objects.create(site=site, period=quarter)
            IndicatorValue.objects.bulk_create(
                IndicatorValue(report=site_report, indicator=indicator, status=VALIDATED,
                               value=Decimal(1) if not indicator.is_percentage else None,
                               numerator=Decimal(1) if indicator.is_percentage else None,
                               denominator=Decimal(2) if indicator.is_percentage else None)
                for indicator in indicators)


def queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_sites(project, quarters, sites,
                                                           django_assert_max_num_queries):
    indicators = [IndicatorFactory(project=project, period_aggregation=rule)
                  for rule in (SUM, AVERAGE, LATEST)] + [PercentageIndicatorFactory(
                      project=project)]
    for indicator in indicators:
        IndicatorTargetFactory(indicator=indicator, value=Decimal(1))
    add_sites(project, quarters, indicators, 2)
    small = [queries(project_totals, project, YEAR), queries(costs_avoided, project, YEAR)]

    add_sites(project, quarters, indicators, 30)
    # indicators, values pooled, values per site, sites expected, targets
    with django_assert_max_num_queries(5):
        totals = project_totals(project, YEAR)
    # indicators, sites, values per site, targets
    with django_assert_max_num_queries(4):
        site_figures(indicators, project.sites.all(), YEAR)
    with django_assert_max_num_queries(4):
        costs_avoided(project, YEAR)

    assert [queries(project_totals, project, YEAR),
            queries(costs_avoided, project, YEAR)] == small
    assert [total.reporting_sites for total in totals] == [32] * 4
    assert totals[0].value == 32 * 4  # one per site and quarter, summed
