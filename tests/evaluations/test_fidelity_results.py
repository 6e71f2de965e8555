"""Fidelity and results, on the comparison page: one indicator's figure per site next to its
fidelity, with every expected figure computed by hand in the comments."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import IndicatorValue, SiteReport
from evaluations.selectors.aggregation import Band

from ..factories import (
    AdopterSiteFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    QualitativeIndicatorFactory,
    ReportingPeriodFactory,
)
from .fidelity_support import completed, scale  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}


@pytest.fixture
def quarters(project):
    return [ReportingPeriodFactory(project=project, label=f"T{n} 2025",
                                   starts_on=date(2025, 3 * n - 2, 1),
                                   ends_on=date(2025, 3 * n, [31, 30, 30, 31][n - 1]),
                                   due_on=date(2026, 1, 31))
            for n in (1, 2, 3, 4)]


@pytest.fixture
def people(project):
    """People housed: a sum over quarters, the first indicator of phase 2 by position."""
    IndicatorFactory(project=project, phase=3, position=0, name="Coûts évités")
    IndicatorFactory(project=project, phase=2, position=5, name="Sorties positives")
    QualitativeIndicatorFactory(project=project, phase=1, position=0)  # not quantitative
    IndicatorFactory(project=project, phase=1, position=0, is_active=False)  # inactive
    return IndicatorFactory(project=project, phase=2, position=1, name="Personnes logées")


def record(site, period, indicator, value, status=IndicatorValue.Status.VALIDATED):
    report, _ = SiteReport.objects.get_or_create(site=site, period=period)
    IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(value),
                                  status=status)


def target(indicator, site, value=100):
    IndicatorTargetFactory(indicator=indicator, site=site, period_end=date(2025, 12, 31),
                           value=Decimal(value))


def url(project, **query):
    base = reverse("evaluations:fidelity_comparison", args=[project.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def two_sites(project, scale, quarters, people, bob_site, carol_site):
    # bob: 4 + 4 + 3 = 11 of 12 → 91.7 % fidelity; 60 + 44 validated = 104 (the 50 awaiting
    # validation does not count) against 100 → 104 %, on track.
    completed(bob_site, scale, [4, 4, 3])
    record(bob_site, quarters[0], people, 60)
    record(bob_site, quarters[1], people, 44)
    record(bob_site, quarters[2], people, 50, status=IndicatorValue.Status.SUBMITTED)
    target(people, bob_site)
    # carol: 2 + 2 + 2 = 6 of 12 → 50 %; a target but no value: missing, never 0.
    completed(carol_site, scale, [2, 2, 2])
    target(people, carol_site)
    return bob_site, carol_site


def rows_by_site(response):
    return {row.site.pk: row for row in response.context["results"].rows}


def test_each_site_has_its_figure_or_missing_next_to_its_fidelity(client, alice, project,
                                                                   two_sites, people):
    bob_site, carol_site = two_sites
    client.force_login(alice)
    response = client.get(url(project))
    results = response.context["results"]
    assert results.indicator == people  # the first active quantitative one: phase 2, position 1
    rows = rows_by_site(response)
    assert round(rows[bob_site.pk].fidelity_pct, 1) == 91.7
    assert rows[bob_site.pk].figure.value == Decimal("104")
    assert rows[bob_site.pk].progress_pct == Decimal("104")
    assert rows[bob_site.pk].figure.band == Band.ON_TRACK
    assert rows[carol_site.pk].fidelity_pct == 50
    assert rows[carol_site.pk].figure.value is None and rows[carol_site.pk].is_missing
    assert rows[carol_site.pk].figure.band == Band.NONE
    # Only one group has a progress: no comparison is made.
    assert not results.has_summary
    html = response.content.decode()
    assert "Fidelity and results" in html or "Fidélité et résultats" in html
    assert "104 personnes" in html
    assert 'class="missing"' in html


def test_the_summary_compares_high_and_low_fidelity(client, alice, project, scale, quarters,
                                                    two_sites, people):
    # dora: 3 + 3 + 3 = 9 of 12 → exactly 75 %, high; 75 + 25 = 100 of 100 → 100 %.
    dora = AdopterSiteFactory(project=project)
    completed(dora, scale, [3, 3, 3])
    record(dora, quarters[0], people, 75)
    record(dora, quarters[3], people, 25)
    target(people, dora)
    # emile: 2 + 3 + 2 = 7 of 12 → 58.3 %, low; 81 of 100 → 81 %, to watch.
    emile = AdopterSiteFactory(project=project)
    completed(emile, scale, [2, 3, 2])
    record(emile, quarters[1], people, 81)
    target(people, emile)
    # A site never assessed is in neither group: 10 of 100 would pull the low group down.
    never = AdopterSiteFactory(project=project)
    record(never, quarters[1], people, 10)
    target(people, never)
    client.force_login(alice)
    response = client.get(url(project))
    results = response.context["results"]
    assert rows_by_site(response)[emile.pk].figure.band == Band.WATCH
    # High: (104 + 100) / 2 = 102 % over 2 sites; low: 81 % over 1 (carol is missing).
    assert (results.high.average_pct, results.high.sites) == (Decimal("102"), 2)
    assert (results.low.average_pct, results.low.sites) == (Decimal("81"), 1)
    assert results.has_summary
    summary = response.content.decode().split('fidelity-results-summary">')[1].split("</p>")[0]
    assert "75" in summary and "102" in summary and "81" in summary
    # Plotted: bob, dora and emile (carol has no figure, the last site no fidelity).
    assert results.chart is not None and len(results.chart.points) == 3


def test_another_indicator_may_be_chosen_and_a_wrong_one_is_said(client, alice, project,
                                                                  two_sites, people):
    other = people.project.indicators.get(name="Sorties positives")
    client.force_login(alice)
    response = client.get(url(project, indicateur=other.pk))
    assert response.context["results"].indicator == other
    assert all(row.is_missing for row in response.context["results"].rows)
    inactive = people.project.indicators.get(is_active=False)
    response = client.get(url(project, indicateur=inactive.pk))
    assert response.status_code == 200
    assert response.context["results_form"].errors["indicateur"]
    assert response.context["results"].indicator == people  # the default, with the error shown


def test_sorting_the_comparison_keeps_the_chosen_indicator(client, alice, project, two_sites,
                                                           people):
    other = people.project.indicators.get(name="Sorties positives")
    client.force_login(alice)
    page = client.get(url(project, indicateur=other.pk, page=1)).content.decode()
    assert f"?tri=total&amp;indicateur={other.pk}" in page
    assert f"?tri=name&amp;indicateur={other.pk}" in page


def test_without_quantitative_indicator_the_section_says_so(client, alice, project, scale,
                                                            bob_site):
    completed(bob_site, scale, [4, 4, 3])
    client.force_login(alice)
    response = client.get(url(project))
    assert response.context["results"] is None
    assert response.context["results_form"].indicators == {}


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_the_results_are_for_the_readers_of_the_comparison(client, pipeline_cast, project,
                                                           two_sites, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.get(url(project))
    assert response.status_code == expected
    if expected == 200:
        assert len(response.context["results"].rows) == 2
        assert 'id="fidelity-results-title"' in response.content.decode()
