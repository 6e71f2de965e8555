"""The two figures the dashboards add to the aggregation, computed by hand in the comments:
an indicator period by period (with its running total and the target in force), and the sites
missing per indicator. Sites B (bob), C (carol) and D (reports nothing); four quarters of 2025.
"""

from datetime import date
from decimal import Decimal

import pytest

from evaluations.models import Indicator, IndicatorValue, SiteReport
from evaluations.selectors.aggregation import (
    Band,
    Scope,
    missing_sites_by_indicator,
    period_series,
)

from ..factories import (
    AdopterSiteFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    PercentageIndicatorFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

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
    def record(indicator, site, quarter, status=VALIDATED, **fields):
        site_report, _ = SiteReport.objects.get_or_create(site=sites[site],
                                                          period=quarters[quarter - 1])
        return IndicatorValue.objects.create(report=site_report, indicator=indicator,
                                             status=status, **fields)

    return record


@pytest.fixture
def people(project, report):
    """Cumulative. T1: B 10 + C 7 = 17; T2: B 20 + C 8 = 28; T3: B 5; T4: nobody."""
    indicator = IndicatorFactory(project=project, code="PERS")
    for site, quarter, value in [("B", 1, 10), ("B", 2, 20), ("B", 3, 5), ("C", 1, 7),
                                 ("C", 2, 8)]:
        report(indicator, site, quarter, value=Decimal(value))
    return indicator


def test_a_cumulative_indicator_runs_its_total_against_the_target_of_each_period(people):
    # Targets: 20 by the end of June, 60 by the end of the year (none in force in March).
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 6, 30), value=Decimal(20))
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 12, 31), value=Decimal(60))

    series = period_series([people], YEAR)[people.pk]

    assert [f.value for f in series] == [17, 28, 5, None]   # T4: missing, not zero
    assert [f.cumulative for f in series] == [17, 45, 50, 50]
    assert [f.target for f in series] == [None, 20, 20, 60]
    assert [f.reporting_sites for f in series] == [2, 2, 1, 0]
    # 45 / 20 on track; 50 / 20 on track; 50 / 60 = 0.833 to watch.
    assert [f.band for f in series] == [Band.NONE, Band.ON_TRACK, Band.ON_TRACK, Band.WATCH]
    assert series[3].progress == Decimal("0.8333")


def test_a_submitted_value_counts_only_when_asked_for(people, report):
    report(people, "D", 4, status=SUBMITTED, value=Decimal(3))

    assert period_series([people], YEAR)[people.pk][3].value is None
    with_submitted = Scope(date_to=date(2025, 12, 31), include_submitted=True)
    assert period_series([people], with_submitted)[people.pk][3].value == 3


def test_a_latest_indicator_shows_each_periods_own_figure(project, report):
    """Partners working with the site, latest value: T1 B 5 + C 3 = 8, T2 B 9, averaged
    across sites: T1 (5 + 3) / 2 = 4; nothing cumulative."""
    partners = IndicatorFactory(project=project,
                                period_aggregation=Indicator.PeriodAggregation.LATEST,
                                site_aggregation=Indicator.SiteAggregation.AVERAGE)
    for site, quarter, value in [("B", 1, 5), ("C", 1, 3), ("B", 2, 9)]:
        report(partners, site, quarter, value=Decimal(value))

    series = period_series([partners], YEAR)[partners.pk]

    assert [f.value for f in series] == [4, 9, None, None]
    assert [f.cumulative for f in series] == [None] * 4


def test_a_percentage_pools_numerators_and_denominators_period_by_period(project, report):
    """T1: B 3/4 + C 18/20 = 21/24 = 87.5 %; T2: B 1/6 = 16.6667 %; running: 22/30."""
    share = PercentageIndicatorFactory(project=project)
    for site, quarter, numerator, denominator in [("B", 1, 3, 4), ("C", 1, 18, 20),
                                                  ("B", 2, 1, 6)]:
        report(share, site, quarter, numerator=Decimal(numerator),
               denominator=Decimal(denominator))

    series = period_series([share], YEAR)[share.pk]

    assert [f.value for f in series[:2]] == [Decimal("87.5"), Decimal("16.6667")]
    assert series[1].cumulative == Decimal("73.3333")


def test_periods_of_another_frequency_or_project_are_left_out(people, project):
    ReportingPeriodFactory(project=project, frequency=Indicator.Frequency.MONTHLY,
                           starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 31),
                           label="janvier 2025")
    other = IndicatorFactory()
    ReportingPeriodFactory(project=other.project)

    series = period_series([people, other], YEAR)

    assert [f.period.label for f in series[people.pk]] == ["T1 2025", "T2 2025", "T3 2025",
                                                           "T4 2025"]
    assert [f.period.project_id for f in series[other.pk]] == [other.project_id]


def test_missing_sites_are_listed_per_indicator_in_one_query(people, project, report, sites,
                                                             django_assert_num_queries):
    counted = IndicatorFactory(project=project)
    report(counted, "D", 1, value=Decimal(1))
    report(counted, "C", 1, status=SUBMITTED, value=Decimal(1))   # does not count
    AdopterSiteFactory(project=project, status="withdrawn")       # not expected

    with django_assert_num_queries(1):
        missing = missing_sites_by_indicator([people, counted], YEAR)

    assert missing[people.pk] == [sites["D"]]
    assert set(missing[counted.pk]) == {sites["B"], sites["C"]}
    assert len(missing_sites_by_indicator([counted], YEAR, limit=1)[counted.pk]) == 1
