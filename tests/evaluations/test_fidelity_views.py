"""The fidelity pages for every role of the cast, what they do, and their query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import FidelityAssessment, FidelityItem, FidelityScale, IndicatorValue
from evaluations.services import fidelity as services
from programmes.models import ScalingStrategy, StrategyComponent

from ..factories import (
    AdopterSiteFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    ReportingPeriodFactory,
    SiteReportFactory,
)
from .fidelity_support import completed, draft, items_of, scale  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
PARTICIPANTS = {**READERS, "bob": 200, "carol": 200}
STAFF_ONLY = {"alice": 200, "admin": 200, "fanny": 403, "camille": 403, "paul": 403,
              "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
# bob's site: its people, the project's readers and its sponsor (paul) see it.
BOB_SITE = {**READERS, "bob": 200}
# Who may start an assessment of bob's site: staff (any method), bob (self-assessment).
BOB_ASSESSORS = {"alice": 200, "admin": 200, "bob": 200, "fanny": 403, "camille": 403,
                 "paul": 403, "carol": 404, "remi": 404, "oscar": 404}


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), PARTICIPANTS.items())
def test_the_scale_is_for_the_readers_and_the_sites(client, pipeline_cast, project, scale, who,
                                                    expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:fidelity", args=[project.pk]))
    assert response.status_code == expected
    if expected == 200:
        own = [site.structure.name for site in response.context["own_sites"]]
        assert own == {"bob": ["Essor Emploi Nièvre"], "carol": ["Atelier Le Fil"]}.get(who, [])
        assert response.context["can_manage"] is (who in ("alice", "admin"))


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_the_comparison_is_for_the_readers_of_the_project(client, pipeline_cast, project, scale,
                                                          who, expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:fidelity_comparison", args=[project.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), BOB_SITE.items())
def test_a_site_profile_is_for_its_people_and_the_readers(client, pipeline_cast, bob_site,
                                                          scale, who, expected):
    completed(bob_site, scale, [4, 3, 2])
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:site_fidelity", args=[bob_site.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert round(response.context["profile"].latest.total_pct) == 75


@pytest.mark.parametrize(("rater", "rater_name", "shown"), [
    (None, "Cabinet Évalua", "Cabinet Évalua"),  # a rater without an account
    ("alice", "", "Alice"),
    (None, "", None),
])
def test_an_assessment_names_its_rater_whether_or_not_they_have_an_account(
        client, pipeline_cast, bob_site, scale, rater, rater_name, shown):
    assessment = completed(bob_site, scale, [4, 3, 2])
    assessment.rater = pipeline_cast[rater] if rater else None
    assessment.rater_name = rater_name
    assessment.save()
    client.force_login(pipeline_cast["alice"])
    response = client.get(reverse("evaluations:assessment", args=[assessment.pk]))
    assert response.status_code == 200
    label = assessment.rater_label
    assert label.startswith(shown) if shown else label == ""
    if shown:
        assert shown in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), BOB_SITE.items())
def test_an_assessment_is_read_by_whoever_sees_the_site(client, pipeline_cast, bob_site, scale,
                                                        who, expected):
    assessment = completed(bob_site, scale, [4, 3, 2])
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:assessment", args=[assessment.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["form"] is None


def test_adopters_see_their_own_site_only(client, carol, bob_site, carol_site, scale):
    client.force_login(carol)
    assert client.get(reverse("evaluations:site_fidelity", args=[bob_site.pk])
                      ).status_code == 404
    assert client.get(reverse("evaluations:site_fidelity", args=[carol_site.pk])
                      ).status_code == 200


# --- Building and editing the scale ----------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), {**STAFF_ONLY, "alice": 302, "admin": 302,
                                               "bob": 403, "carol": 403}.items())
def test_only_staff_build_the_scale(client, pipeline_cast, project, who, expected):
    strategy = ScalingStrategy.objects.create(project=project)
    StrategyComponent.objects.create(strategy=strategy, kind="core", title="Paiement à la "
                                     "journée")
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("evaluations:fidelity", args=[project.pk]))
    assert response.status_code == expected
    assert FidelityItem.objects.filter(domain__scale__project=project).exists() is (
        expected == 302)


def test_building_twice_adds_nothing(client, alice, project):
    strategy = ScalingStrategy.objects.create(project=project)
    StrategyComponent.objects.create(strategy=strategy, kind="core", title="Paiement")
    client.force_login(alice)
    url = reverse("evaluations:fidelity", args=[project.pk])
    client.post(url)
    client.post(url)
    assert FidelityScale.objects.get(project=project).domains.get().items.count() == 1


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_only_staff_edit_the_scale(client, pipeline_cast, project, scale, who, expected):
    client.force_login(pipeline_cast[who])
    assert client.get(reverse("evaluations:scale_edit", args=[project.pk])
                      ).status_code == expected
    assert client.get(reverse("evaluations:item_create", args=[project.pk])
                      ).status_code == expected
    item = items_of(scale)[0]
    assert client.get(reverse("evaluations:item_update", args=[item.pk])
                      ).status_code == expected
    response = client.post(reverse("evaluations:scale_edit", args=[project.pk]),
                           {"action": "add_domain", "name": "Équipe"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert scale.domains.filter(name="Équipe").exists() is (expected == 200)


def test_staff_edit_settings_domains_and_items(client, alice, project, scale):
    client.force_login(alice)
    url = reverse("evaluations:scale_edit", args=[project.pk])
    housing, support = scale.domains.order_by("position")
    assert client.post(url, {"action": "scale", "title": "Échelle Logement d'abord",
                             "max_level": "5", "alert_threshold": "3"}).status_code == 302
    assert client.post(url, {"action": "domain_down", "domain": housing.pk}).status_code == 302
    assert client.post(url, {"action": "rename_domain", "domain": support.pk,
                             f"domain-{support.pk}-name": "Soutien"}).status_code == 302
    scale.refresh_from_db()
    assert (scale.title, scale.max_level, scale.alert_threshold) == (
        "Échelle Logement d'abord", 5, 3)
    assert list(scale.domains.order_by("position").values_list("name", flat=True)) == [
        "Soutien", "Logement"]

    response = client.post(reverse("evaluations:item_create", args=[project.pk]), {
        "label": "Participation des personnes", "description": "", "domain": support.pk,
        "component": "", "level_1": "Aucune", "level_5": "Au conseil d'administration"})
    assert response.status_code == 302
    item = FidelityItem.objects.get(label="Participation des personnes")
    assert dict(item.levels.values_list("level", "description")) == {
        1: "Aucune", 5: "Au conseil d'administration"}


def test_bad_scale_settings_stay_in_the_form(client, alice, project, scale):
    client.force_login(alice)
    response = client.post(reverse("evaluations:scale_edit", args=[project.pk]),
                           {"action": "scale", "title": "Gardé", "max_level": "4",
                            "alert_threshold": "4"})
    assert response.status_code == 200
    form = response.context["scale_form"]
    assert "alert_threshold" in form.errors
    assert form["title"].value() == "Gardé"


def test_a_blank_domain_name_is_refused_next_to_the_field(client, alice, project, scale):
    client.force_login(alice)
    support = scale.domains.get(name="Accompagnement")
    response = client.post(reverse("evaluations:scale_edit", args=[project.pk]),
                           {"action": "rename_domain", "domain": support.pk,
                            f"domain-{support.pk}-name": ""})
    assert response.status_code == 200
    rows = dict(response.context["domain_rows"])
    assert "name" in rows[support].errors


# --- Assessing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), BOB_ASSESSORS.items())
def test_who_may_start_an_assessment_of_a_site(client, pipeline_cast, bob_site, scale, who,
                                               expected):
    client.force_login(pipeline_cast[who])
    url = reverse("evaluations:assessment_start", args=[bob_site.pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        methods = [value for value, _label in response.context["form"].fields["method"].choices]
        assert methods == (["self_assessment"] if who == "bob"
                           else ["self_assessment", "external", "peer"])


def test_an_adopter_cannot_record_an_external_assessment(client, bob, bob_site, scale):
    client.force_login(bob)
    response = client.post(reverse("evaluations:assessment_start", args=[bob_site.pk]),
                           {"method": "external", "assessed_on": "2025-01-15"})
    assert response.status_code == 200
    assert "method" in response.context["form"].errors
    assert not FidelityAssessment.objects.exists()


def test_a_future_date_is_refused_next_to_the_field(client, alice, bob_site, scale):
    client.force_login(alice)
    response = client.post(reverse("evaluations:assessment_start", args=[bob_site.pk]),
                           {"method": "external", "assessed_on": "2999-01-01",
                            "rater_name": "Gardé"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "assessed_on" in form.errors
    assert form["rater_name"].value() == "Gardé"


def test_an_adopter_self_assesses_from_draft_to_completion(client, bob, bob_site, scale):
    client.force_login(bob)
    response = client.post(reverse("evaluations:assessment_start", args=[bob_site.pk]),
                           {"method": "self_assessment", "assessed_on": "2025-01-15"})
    assessment = FidelityAssessment.objects.get()
    assert response.url == reverse("evaluations:assessment", args=[assessment.pk])
    url = response.url
    page = client.get(url)
    assert page.context["form"] is not None
    access, choice, intensity = items_of(scale)
    level = services.level_key

    response = client.post(url, {level(access.pk): "4", f"comment_{access.pk}": "Oui",
                                 "draft": ""})
    assert response.status_code == 302
    response = client.post(url, {level(access.pk): "4", level(choice.pk): "3",
                                 "complete": ""})
    assert response.status_code == 200
    assert level(intensity.pk) in response.context["form"].errors
    assert response.context["form"][level(choice.pk)].value() == "3"

    response = client.post(url, {level(access.pk): "4", level(choice.pk): "3",
                                 level(intensity.pk): "2", "complete": ""})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == FidelityAssessment.Status.COMPLETED
    assert assessment.rater == bob
    # Completed: read only, and a second completion is refused.
    assert client.get(url).context["form"] is None
    response = client.post(url, {level(access.pk): "1", level(choice.pk): "1",
                                 level(intensity.pk): "1", "complete": ""})
    assert response.status_code == 302
    assert sorted(assessment.ratings.values_list("level", flat=True)) == [2, 3, 4]


def test_a_level_outside_the_scale_is_refused_by_the_form(client, bob, scale, draft):
    client.force_login(bob)
    access = items_of(scale)[0]
    response = client.post(reverse("evaluations:assessment", args=[draft.pk]),
                           {services.level_key(access.pk): "7", "draft": ""})
    assert response.status_code == 200
    assert services.level_key(access.pk) in response.context["form"].errors
    assert not draft.ratings.exists()


@pytest.mark.parametrize(("who", "expected"), {**BOB_ASSESSORS, "alice": 302, "admin": 302,
                                               "bob": 302}.items())
def test_who_may_fill_in_a_self_assessment(client, pipeline_cast, scale, draft, who, expected):
    client.force_login(pipeline_cast[who])
    access = items_of(scale)[0]
    response = client.post(reverse("evaluations:assessment", args=[draft.pk]),
                           {services.level_key(access.pk): "3", "draft": ""})
    assert response.status_code == expected
    assert draft.ratings.exists() is (expected == 302)


def test_an_external_assessment_is_filled_in_by_staff_only(client, alice, bob, bob_site, scale):
    external = services.start_assessment(scale, bob_site, by=alice, assessed_on=date(2025, 2, 1),
                                         method=FidelityAssessment.Method.EXTERNAL)
    url = reverse("evaluations:assessment", args=[external.pk])
    client.force_login(bob)
    assert client.get(url).context["form"] is None
    assert client.post(url, {"draft": ""}).status_code == 403
    client.force_login(alice)
    assert client.get(url).context["form"] is not None


# --- Query counts ----------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_comparison_query_count_does_not_grow_with_sites(client, alice, project, scale,
                                                             bob_site,
                                                             django_assert_max_num_queries):
    indicator = IndicatorFactory(project=project)
    period = ReportingPeriodFactory(project=project)

    def report(site, value):
        IndicatorValueFactory(report=SiteReportFactory(site=site, period=period),
                              indicator=indicator, value=value,
                              status=IndicatorValue.Status.VALIDATED)
        IndicatorTargetFactory(indicator=indicator, site=site, period_end=date(2025, 3, 31))

    completed(bob_site, scale, [4, 3, 2])
    report(bob_site, 50)
    client.force_login(alice)
    url = reverse("evaluations:fidelity_comparison", args=[project.pk])
    few = _count(client, url)
    for index in range(15):
        site = AdopterSiteFactory(project=project)
        completed(site, scale, [1 + index % 4, 2, 3], day=date(2024, 6, 1))
        completed(site, scale, [4, 4, 4], day=date(2025, 6, 1))
        if index % 2:  # half the sites report, the others are missing
            report(site, 10 * index)
    assert len(client.get(url).context["results"].rows) == 16
    assert _count(client, url) == few
    assert _count(client, url + "?tri=total") == few
    assert _count(client, url + f"?indicateur={indicator.pk}") == few
    # session, user, project, scale with domains, items and levels, count, page of sites,
    # scores per domain, flagged items, averages, navigation checks; fidelity and results:
    # indicators, the page's figures, their targets
    with django_assert_max_num_queries(18):
        client.get(url)


def test_the_site_profile_query_count_does_not_grow_with_assessments(
        client, bob, bob_site, scale, django_assert_max_num_queries):
    completed(bob_site, scale, [1, 1, 1], day=date(2023, 1, 1))
    client.force_login(bob)
    url = reverse("evaluations:site_fidelity", args=[bob_site.pk])
    few = _count(client, url)
    for month in range(1, 12):
        completed(bob_site, scale, [1 + month % 4, 2, 3], day=date(2024, month, 1))
    assert _count(client, url) == few
    # session, user, site, scale with domains, items and levels, assessments, scores per
    # domain, flagged items, may assess (membership, staff), reads the project
    with django_assert_max_num_queries(14):
        client.get(url)
