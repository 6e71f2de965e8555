"""The dashboards of a project, a site and a programme: who sees them, what they show, and
query counts that do not grow with sites, indicators or periods."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.forms.dashboards import default_range
from evaluations.models import IndicatorValue, SiteReport

from ..factories import (
    AdopterSiteFactory,
    EvaluationPhaseFactory,
    EvaluationPlanFactory,
    FidelityAssessmentFactory,
    FidelityDomainFactory,
    FidelityItemFactory,
    FidelityRatingFactory,
    FidelityScaleFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    PercentageIndicatorFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
)

pytestmark = pytest.mark.django_db

VALIDATED = IndicatorValue.Status.VALIDATED
RANGE = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
READERS = ["alice", "admin", "fanny", "camille", "paul", "ines"]


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


@pytest.fixture
def quarters(project):
    return [ReportingPeriodFactory(project=project, label=f"T{n} 2025",
                                   starts_on=date(2025, 3 * n - 2, 1),
                                   ends_on=date(2025, 3 * n, [31, 30, 30, 31][n - 1]),
                                   due_on=date(2026, 1, 31))
            for n in (1, 2, 3, 4)]


def record(site, period, indicator, status=VALIDATED, **fields):
    report, _ = SiteReport.objects.get_or_create(site=site, period=period)
    return IndicatorValue.objects.create(report=report, indicator=indicator, status=status,
                                         **fields)


@pytest.fixture
def figures(project, bob_site, carol_site, quarters):
    """People reached: bob 12 + 30, carol 8 (T1) and a submitted 100 (T2); target 100."""
    indicator = IndicatorFactory(project=project, code="PERS", name="Personnes accompagnées")
    IndicatorTargetFactory(indicator=indicator, value=Decimal(100))
    record(bob_site, quarters[0], indicator, value=Decimal("12.5"))
    record(bob_site, quarters[1], indicator, value=Decimal(30))
    record(carol_site, quarters[0], indicator, value=Decimal(8))
    record(carol_site, quarters[1], indicator, status=IndicatorValue.Status.SUBMITTED,
           value=Decimal(100))
    return indicator


# --- Roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    *[(name, 200) for name in READERS],
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_project_dashboard_is_for_the_readers_of_the_project(client, everyone, project,
                                                             figures, name, expected):
    client.force_login(everyone[name])
    response = client.get(reverse("evaluations:project_dashboard", args=[project.pk]), RANGE)
    assert response.status_code == expected


@pytest.mark.parametrize("name, expected", [
    *[(name, 200) for name in READERS], ("bob", 200),
    ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_site_dashboard_is_for_its_people_and_the_readers_of_the_project(
        client, everyone, bob_site, figures, name, expected):
    client.force_login(everyone[name])
    response = client.get(reverse("evaluations:site_dashboard", args=[bob_site.pk]), RANGE)
    assert response.status_code == expected


@pytest.mark.parametrize("name, expected", [
    ("alice", 200), ("admin", 200), ("fanny", 200),
    ("camille", 404), ("paul", 404), ("ines", 404), ("bob", 404), ("carol", 404),
    ("remi", 404), ("oscar", 404),
])
def test_programme_dashboard_is_for_its_staff_and_funders(client, everyone, programme,
                                                           figures, name, expected):
    client.force_login(everyone[name])
    response = client.get(reverse("evaluations:programme_dashboard", args=[programme.pk]),
                          RANGE)
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, project, bob_site, programme):
    for url in [reverse("evaluations:project_dashboard", args=[project.pk]),
                reverse("evaluations:site_dashboard", args=[bob_site.pk]),
                reverse("evaluations:programme_dashboard", args=[programme.pk]),
                reverse("evaluations:values_export", args=[project.pk, "csv"])]:
        assert client.get(url).status_code == 302


# --- What they show --------------------------------------------------------------------------


def test_the_project_dashboard_shows_totals_targets_and_missing_sites(client, alice, project,
                                                                      figures, bob_site,
                                                                      carol_site):
    silent = AdopterSiteFactory(project=project, name="Site silencieux")
    EvaluationPhaseFactory(plan=EvaluationPlanFactory(project=project), status="in_progress")
    client.force_login(alice)

    response = client.get(reverse("evaluations:project_dashboard", args=[project.pk]), RANGE)
    page = response.content.decode()

    row = response.context["dashboard"].rows[0]
    assert row.total.value == Decimal("50.5")      # 12.5 + 30 + 8: carol's 100 is pending
    assert (row.total.reporting_sites, row.total.missing_sites) == (2, 1)
    assert row.missing == [silent]
    assert "50,5" in page and "Site silencieux" in page
    assert reverse("evaluations:site_dashboard", args=[silent.pk]) in page
    assert 'role="img"' in page and "<details" in page
    assert reverse("evaluations:values_export", args=[project.pk, "xlsx"]) in page
    with_pending = client.get(reverse("evaluations:project_dashboard", args=[project.pk]),
                              {**RANGE, "include_submitted": "on"})
    assert with_pending.context["dashboard"].rows[0].total.value == Decimal("150.5")


def test_a_wrong_range_is_said_next_to_the_field_and_the_default_range_is_used(
        client, alice, project, figures):
    client.force_login(alice)
    response = client.get(reverse("evaluations:project_dashboard", args=[project.pk]),
                          {"date_from": "2025-12-31", "date_to": "2025-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert 'value="2025-12-31"' in response.content.decode()  # what was typed stays


def test_the_default_range_is_the_last_four_quarters(client, alice, project):
    assert default_range(date(2026, 11, 22)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert default_range(date(2026, 2, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_a_dashboard_of_a_project_whose_reporting_ended_opens_on_its_last_four_quarters(
        client, alice, project):
    for year, quarter in ((2019, 1), (2019, 4), (2020, 1), (2020, 4)):
        start = date(year, 3 * quarter - 2, 1)
        ReportingPeriodFactory(project=project, starts_on=start,
                               ends_on=default_range(start)[1], label=f"T{quarter} {year}")
    client.force_login(alice)

    response = client.get(reverse("evaluations:project_dashboard", args=[project.pk]))

    assert response.context["scope"].date_from == date(2020, 1, 1)
    assert response.context["scope"].date_to == date(2020, 12, 31)


def test_a_dashboard_of_a_project_still_reporting_opens_on_the_four_quarters_up_to_today(
        client, alice, project):
    from django.utils import timezone

    client.force_login(alice)
    response = client.get(reverse("evaluations:project_dashboard", args=[project.pk]))

    assert (response.context["scope"].date_from, response.context["scope"].date_to) == \
        default_range(timezone.localdate())


def test_the_site_dashboard_shows_validated_and_pending_values_and_fidelity(
        client, bob, carol, carol_site, figures, project):
    scale = FidelityScaleFactory(project=project)
    item = FidelityItemFactory(domain=FidelityDomainFactory(scale=scale, name="Accès au logement"))
    FidelityRatingFactory(assessment=FidelityAssessmentFactory(site=carol_site,
                                                               status="completed"),
                          item=item, level=1)
    client.force_login(carol)

    response = client.get(reverse("evaluations:site_dashboard", args=[carol_site.pk]), RANGE)
    page = response.content.decode()

    cells = response.context["dashboard"].rows[0].cells
    assert [c.value.status if c.value else None for c in cells] == [
        "validated", "submitted", None, None]
    assert "is-pending" in page          # carol's 100 awaits validation: a hollow dot
    assert "Accès au logement" in page
    assert response.context["dashboard"].profile.latest is not None


def test_the_programme_dashboard_shows_headline_indicators_and_reports_received(
        client, fanny, programme, project, figures, quarters):
    client.force_login(fanny)
    response = client.get(reverse("evaluations:programme_dashboard", args=[programme.pk]),
                          RANGE)

    line = next(line for line in response.context["lines"] if line.project == project)
    assert [total.value for total in line.totals] == [Decimal("50.5")]
    # Two sites × four quarters; the reports holding the values are still drafts: none sent.
    assert (line.received_reports, line.expected_reports) == (0, 8)


# --- Query counts ----------------------------------------------------------------------------


def grow(project, periods, indicators, sites):
    """`sites` more sites reporting every indicator for every period."""
    for _ in range(sites):
        site = AdopterSiteFactory(project=project, status="launched")
        for period in periods:
            report = SiteReport.objects.create(site=site, period=period)
            IndicatorValue.objects.bulk_create(
                IndicatorValue(report=report, indicator=indicator, status=VALIDATED,
                               value=None if indicator.is_percentage else Decimal(2),
                               numerator=Decimal(1) if indicator.is_percentage else None,
                               denominator=Decimal(2) if indicator.is_percentage else None)
                for indicator in indicators)


def count(client, url):
    client.get(url, RANGE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, RANGE).status_code == 200
    return len(queries)


@pytest.fixture
def fidelity(project, bob_site):
    scale = FidelityScaleFactory(project=project)
    item = FidelityItemFactory(domain=FidelityDomainFactory(scale=scale))
    FidelityRatingFactory(assessment=FidelityAssessmentFactory(site=bob_site,
                                                               status="completed"),
                          item=item, level=2)


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@override_settings(CACHES=NO_CACHE)  # count the queries that compute the figures
def test_dashboards_run_as_many_queries_whatever_the_size(client, alice, project, programme,
                                                          quarters, bob_site, fidelity,
                                                          django_assert_max_num_queries):
    from innovations.models import EconomicLine

    line = EconomicLine.objects.create(innovation=project.innovation,
                                       category=EconomicLine.Category.COST_AVOIDED,
                                       label="Nuitée", amount=Decimal(45))
    # Every rule from the start: an average or latest rule needs its own query.
    indicators = [IndicatorFactory(project=project, cost_avoided_line=line),
                  IndicatorFactory(project=project, period_aggregation="latest"),
                  PercentageIndicatorFactory(project=project)]
    EvaluationPhaseFactory(plan=EvaluationPlanFactory(project=project))
    grow(project, quarters[:2], indicators, 1)
    ScalingProjectFactory(programme=programme)
    client.force_login(alice)
    urls = [reverse("evaluations:project_dashboard", args=[project.pk]),
            reverse("evaluations:site_dashboard", args=[bob_site.pk]),
            reverse("evaluations:programme_dashboard", args=[programme.pk])]
    small = [count(client, url) for url in urls]

    indicators += [IndicatorFactory(project=project, period_aggregation=rule)
                   for rule in ("average", "latest", "sum")]
    grow(project, quarters, indicators, 8)
    for other in range(3):
        grow(ScalingProjectFactory(programme=programme), [], [], 1)

    assert [count(client, url) for url in urls] == small
    # session, user, project, staff check, programme visible, phases, indicators, cache key
    # (reports, sites, targets), totals (4), series (periods, values, targets), missing,
    # costs (4), fidelity (scale, domains, summary, lowest, flagged, domain averages)
    with django_assert_max_num_queries(31):
        client.get(urls[0], RANGE)
    # session, user, site, project read, periods, indicators, values, site figures (3),
    # statuses, scale, domains, fidelity profile
    with django_assert_max_num_queries(22):
        client.get(urls[1], RANGE)
    # session, user, programme, projects count and page, headline indicators, totals (4),
    # periods, reports, sites; the funders whose report the reader may read, and for the
    # programme's funder the report's panel (who may read it, its history, who may ask)
    with django_assert_max_num_queries(20):
        client.get(urls[2], RANGE)


def test_figures_come_from_the_cache_until_a_report_changes(client, alice, project, figures,
                                                            bob_site, quarters):
    url = reverse("evaluations:project_dashboard", args=[project.pk])
    client.force_login(alice)
    first = count(client, url)  # computed by the warm-up request, then read from the cache
    with override_settings(CACHES=NO_CACHE):
        assert count(client, url) > first + 5

    # bob's third quarter is validated: the report changes, so do the figures.
    report = SiteReport.objects.create(site=bob_site, period=quarters[2])
    IndicatorValue.objects.create(report=report, indicator=figures, value=Decimal(4),
                                  status=VALIDATED)
    report.status = SiteReport.Status.VALIDATED
    report.validated_at = report.locked_at = report.created_at
    report.save()

    response = client.get(url, RANGE)
    assert response.context["dashboard"].rows[0].total.value == Decimal("54.5")
    figures.targets.update(value=Decimal(50))  # even behind the services' back
    assert client.get(url, RANGE).context["dashboard"].rows[0].total.target == 50
