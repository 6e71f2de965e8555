"""Indicator values in the API: each site's values for whoever sees the site."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import IndicatorValue
from tests.essaimage.api_helpers import api_get, ids, token_header
from tests.factories import (
    AdopterSiteFactory,
    DisaggregationCategoryFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    SiteReportFactory,
)

LIST = reverse("api:indicator-value-list")


def detail(pk):
    return reverse("api:indicator-value-detail", args=[pk])


@pytest.fixture
def values(pipeline_cast, project, bob_site, carol_site):
    """Two quarters of one indicator at bob's and carol's sites, and a value of another
    programme's project that fanny does not fund."""
    indicator = IndicatorFactory(project=project, code="PERS", name="Personnes accompagnées")
    q1 = ReportingPeriodFactory(project=project)
    q2 = ReportingPeriodFactory(project=project, starts_on=date(2025, 4, 1),
                                ends_on=date(2025, 6, 30), due_on=date(2025, 7, 31),
                                label="T2 2025")
    made = {}
    for site, who in ((bob_site, "bob"), (carol_site, "carol")):
        for period, quarter in ((q1, "q1"), (q2, "q2")):
            report = SiteReportFactory(site=site, period=period)
            made[f"{who}_{quarter}"] = IndicatorValueFactory(
                report=report, indicator=indicator, value=Decimal("12.5"),
                status=IndicatorValue.Status.VALIDATED if quarter == "q1"
                else IndicatorValue.Status.SUBMITTED)
    other_project = ScalingProjectFactory(programme=ProgrammeFactory())
    other_value = IndicatorValueFactory(report=SiteReportFactory(
        site=AdopterSiteFactory(project=other_project)))
    return {**pipeline_cast, **made, "other": other_value, "indicator": indicator,
            "q1": q1, "q2": q2, "project": project}


def _ids(values, *keys):
    return {values[key].pk for key in keys}


ALL_MINE = ("bob_q1", "bob_q2", "carol_q1", "carol_q2")
EXPECTED = {
    "alice": ALL_MINE, "fanny": ALL_MINE, "camille": ALL_MINE, "paul": ALL_MINE,
    "bob": ("bob_q1", "bob_q2"), "carol": ("carol_q1", "carol_q2"),
    "oscar": (), "remi": (),
    "admin": (*ALL_MINE, "other"),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_reads_the_values_of_the_sites_it_sees(client, values, who):
    assert ids(api_get(client, values[who], LIST)) == _ids(values, *EXPECTED[who])


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_values_outside_ones_scope_are_404(client, values, who):
    for key in (*ALL_MINE, "other"):
        expected = 200 if key in EXPECTED[who] else 404
        assert api_get(client, values[who], detail(values[key].pk)).status_code == expected


def test_anonymous_programs_are_refused(client, values):
    assert api_get(client, None, LIST).status_code == 401


def test_a_value_gives_its_site_indicator_period_and_figures(client, values):
    value = values["bob_q1"]
    category = DisaggregationCategoryFactory(disaggregation__indicator=values["indicator"],
                                             label="Femmes")
    IndicatorValue.objects.filter(pk=value.pk).update(category=category)

    body = api_get(client, values["fanny"], detail(value.pk)).json()

    assert body["site"] == values["bob_q1"].report.site_id
    assert body["project"] == values["project"].pk
    assert body["indicator"]["code"] == "PERS"
    assert body["period"] == {"id": values["q1"].pk, "label": "T1 2025",
                              "starts_on": "2025-01-01", "ends_on": "2025-03-31"}
    assert body["category"]["label"] == "Femmes"
    assert body["value"] == 12.5
    assert body["status"] == "validated"


def test_filters_by_site_status_period_and_dates(client, values):
    alice = values["alice"]
    bob_site = values["bob_q1"].report.site_id

    assert ids(api_get(client, alice, LIST, site=bob_site)) == _ids(values, "bob_q1", "bob_q2")
    assert ids(api_get(client, alice, LIST, status="validated")) == _ids(
        values, "bob_q1", "carol_q1")
    assert ids(api_get(client, alice, LIST, period=values["q2"].pk)) == _ids(
        values, "bob_q2", "carol_q2")
    assert ids(api_get(client, alice, LIST, date_from="2025-04-01")) == _ids(
        values, "bob_q2", "carol_q2")
    assert ids(api_get(client, alice, LIST, date_to="2025-03-31")) == _ids(
        values, "bob_q1", "carol_q1")
    assert ids(api_get(client, alice, LIST, project=values["project"].pk,
                       indicator=values["indicator"].pk)) == _ids(values, *ALL_MINE)
    assert ids(api_get(client, alice, LIST, project=values["other"].indicator.project_id)) \
        == set()
    response = api_get(client, alice, LIST, date_from="2025-13-45")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_from"]


def test_value_list_queries_do_not_grow(client, values, django_assert_max_num_queries):
    headers = token_header(values["fanny"])
    # the token and its person, the count, the page with indicator, period and category
    with django_assert_max_num_queries(3):
        client.get(LIST, **headers)
    for _ in range(10):
        indicator = IndicatorFactory(project=values["project"])
        IndicatorValueFactory(report=values["bob_q1"].report, indicator=indicator)
    with django_assert_max_num_queries(3):
        response = client.get(LIST, **headers)
    assert response.json()["count"] == 14
