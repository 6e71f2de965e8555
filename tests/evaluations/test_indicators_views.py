"""The indicator framework's pages for every role of the cast: the list by phase, adding and
editing indicators with their scale, the library, breakdowns and targets; and the services
the pages added (breakdowns)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from evaluations.models import Disaggregation, Indicator, IndicatorTarget, IndicatorValue
from evaluations.services.indicators import delete_disaggregation, save_disaggregation

from ..factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    QualitativeIndicatorFactory,
    ReportingPeriodFactory,
    SiteReportFactory,
    StandardIndicatorFactory,
)

pytestmark = pytest.mark.django_db

# The framework is read by the project's readers and by the people of its sites.
PARTICIPANTS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
                "ines": 200, "bob": 200, "carol": 200, "remi": 404, "oscar": 404}
READERS = {**PARTICIPANTS, "bob": 404, "carol": 404}
# Pages of a project only its staff open: readers are refused, the others never see it.
STAFF_PROJECT = {**READERS, "fanny": 403, "camille": 403, "paul": 403, "ines": 403}
# Pages of an indicator: the people of its sites see the indicator, so they get a 403 too.
STAFF_INDICATOR = {**STAFF_PROJECT, "bob": 403, "carol": 403}


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


@pytest.fixture
def count(project):
    return IndicatorFactory(project=project, code="JEUNES", name="Jeunes accompagnés")


def indicator_data(**changes):
    data = {"code": "EMP-1", "name": "Jeunes en emploi", "phase": "2",
            "kind": "quantitative", "measure": "number", "unit": "personnes",
            "direction": "increase", "frequency": "quarterly", "reported_by": "site",
            "period_aggregation": "sum", "site_aggregation": "sum", "baseline": "1 250,5",
            "position": "", "levels-TOTAL_FORMS": "5", "levels-INITIAL_FORMS": "0"}
    for number in range(5):
        data[f"levels-{number}-label"] = ""
        data[f"levels-{number}-description"] = ""
    data.update(changes)
    return data


# --- The framework ---------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), PARTICIPANTS.items())
def test_the_framework_is_read_by_readers_and_sites(client, everyone, project, count, who,
                                                    expected):
    IndicatorFactory(project=project, code="OLD", is_active=False)
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:indicator_list", args=[project.pk]))
    assert response.status_code == expected
    if expected == 200:
        is_staff = who in ("alice", "admin")
        assert response.context["can_manage"] is is_staff
        html = response.content.decode()
        assert ("Add an indicator" in html) is is_staff
        # Deactivated indicators are shown to the staff only, who may reactivate them.
        assert ("OLD" in html) is is_staff


def test_the_framework_groups_indicators_by_phase_with_their_latest_target(client, alice,
                                                                           project, count):
    QualitativeIndicatorFactory(project=project, code="APPRO", phase=1)
    IndicatorTargetFactory(indicator=count, period_end=date(2025, 6, 30), value=Decimal("20"))
    IndicatorTargetFactory(indicator=count, period_end=date(2025, 12, 31), value=Decimal("45"))
    client.force_login(alice)
    response = client.get(reverse("evaluations:indicator_list", args=[project.pk]))
    phases = {phase.number: [i.code for i in phase.indicators]
              for phase in response.context["phases"]}
    assert phases == {1: ["APPRO"], 2: ["JEUNES"], 3: []}
    assert response.context["phases"][1].indicators[0].latest_target.value == 45


def test_framework_query_count_does_not_grow(client, alice, project,
                                             django_assert_max_num_queries):
    for number in range(20):
        indicator = QualitativeIndicatorFactory(project=project) if number % 2 else (
            IndicatorFactory(project=project))
        IndicatorTargetFactory(indicator=indicator, level=2 if number % 2 else None)
        Disaggregation.objects.create(indicator=indicator, dimension="sex", label="Sexe")
    client.force_login(alice)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("evaluations:indicator_list", args=[project.pk]))
    assert response.context["count"] == 20


# --- Adding and editing ----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_PROJECT.items())
def test_only_staff_add_indicators(client, everyone, project, who, expected):
    client.force_login(everyone[who])
    url = reverse("evaluations:indicator_create", args=[project.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, indicator_data())
    assert response.status_code == (302 if expected == 200 else expected)
    assert Indicator.objects.filter(project=project).exists() is (expected == 200)


def test_an_indicator_is_added_with_a_french_baseline(client, alice, project):
    client.force_login(alice)
    client.post(reverse("evaluations:indicator_create", args=[project.pk]), indicator_data())
    indicator = Indicator.objects.get(project=project)
    assert (indicator.code, indicator.baseline) == ("EMP-1", Decimal("1250.5"))


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"baseline": "beaucoup"}, "baseline", "“beaucoup” is not a number."),
    ({"measure": "percentage", "unit": "%"}, "unit",
     "A percentage has no unit: sites enter a numerator and a denominator."),
    ({"code": "JEUNES"}, "code", "Another indicator of this project already has this code."),
])
def test_bad_definitions_are_refused_next_to_the_field(client, alice, project, count, changes,
                                                       field, message):
    client.force_login(alice)
    response = client.post(reverse("evaluations:indicator_create", args=[project.pk]),
                           indicator_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert form["name"].value() == "Jeunes en emploi"
    assert f'aria-describedby="id_{field}_help id_{field}_errors"' in response.content.decode()


def test_a_qualitative_indicator_gets_its_scale_from_the_rows(client, alice, project):
    client.force_login(alice)
    url = reverse("evaluations:indicator_create", args=[project.pk])
    one = client.post(url, indicator_data(kind="qualitative", **{
        "levels-0-label": "Pas du tout"}))
    assert one.status_code == 400
    assert one.context["levels"].scale_errors == [
        "A qualitative indicator needs a scale of at least two levels."]
    assert one.context["levels"].forms[0]["label"].value() == "Pas du tout"
    client.post(url, indicator_data(kind="qualitative", **{
        "levels-0-label": "Pas du tout", "levels-2-label": "Tout à fait",
        "levels-2-description": "Le dispositif est approprié"}))
    indicator = Indicator.objects.get(project=project)
    assert [(level.value, level.label) for level in indicator.levels.all()] == [
        (1, "Pas du tout"), (2, "Tout à fait")]
    assert indicator.measure == "" and indicator.unit == ""


@pytest.mark.parametrize(("who", "expected"), STAFF_INDICATOR.items())
def test_only_staff_edit_and_deactivate_indicators(client, everyone, count, who, expected):
    client.force_login(everyone[who])
    url = reverse("evaluations:indicator_update", args=[count.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, indicator_data(code="JEUNES", name="Jeunes suivis"))
    assert response.status_code == (302 if expected == 200 else expected)
    toggle = client.post(reverse("evaluations:indicator_toggle", args=[count.pk]))
    assert toggle.status_code == (302 if expected == 200 else expected)
    count.refresh_from_db()
    assert (count.name == "Jeunes suivis") is (expected == 200)
    assert count.is_active is (expected != 200)


def test_the_edit_form_shows_the_indicator_as_saved(client, alice, count):
    count.baseline = Decimal("12.5")
    count.save()
    client.force_login(alice)
    form = client.get(reverse("evaluations:indicator_update", args=[count.pk])).context["form"]
    assert form["baseline"].value() == "12,5"
    assert form["code"].value() == "JEUNES"


# --- The library -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_PROJECT.items())
def test_only_staff_copy_from_the_library(client, everyone, project, who, expected):
    standard = StandardIndicatorFactory(code="STD-EMP", name="Sorties en emploi durable")
    client.force_login(everyone[who])
    url = reverse("evaluations:indicator_library", args=[project.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"standard": standard.pk})
    assert response.status_code == (302 if expected == 200 else expected)
    assert Indicator.objects.filter(project=project, standard=standard).exists() is (
        expected == 200)


def test_the_library_is_searched_by_name_and_a_copy_is_made_once(client, alice, project):
    wanted = StandardIndicatorFactory(code="STD-EMP", name="Sorties en emploi durable")
    StandardIndicatorFactory(code="STD-LOG", name="Accès au logement")
    client.force_login(alice)
    url = reverse("evaluations:indicator_library", args=[project.pk])
    assert list(client.get(url, {"q": "emploi"}).context["page"]) == [wanted]
    client.post(url, {"standard": wanted.pk})
    again = client.post(url, {"standard": wanted.pk}, follow=True)
    assert "could not be added" in " ".join(str(m) for m in again.context["messages"])
    assert Indicator.objects.filter(project=project).count() == 1
    assert client.get(url).context["used"] == {wanted.pk}


# --- Breakdowns ------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_INDICATOR.items())
def test_only_staff_break_indicators_down(client, everyone, count, who, expected):
    client.force_login(everyone[who])
    url = reverse("evaluations:indicator_breakdowns", args=[count.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"action": "add", "new-dimension": "sex", "new-label": "Sexe",
                                 "new-categories": "Femmes\nHommes\n"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert count.disaggregations.exists() is (expected == 200)


def test_a_breakdown_needs_two_categories_next_to_the_field(client, alice, count):
    client.force_login(alice)
    response = client.post(reverse("evaluations:indicator_breakdowns", args=[count.pk]),
                           {"action": "add", "new-dimension": "sex", "new-label": "Sexe",
                            "new-categories": "Femmes"})
    assert response.status_code == 400
    assert response.context["add_form"].errors["categories"] == [
        "A breakdown needs at least two categories, one per line."]
    assert response.context["add_form"]["categories"].value() == "Femmes"


def test_categories_are_renamed_added_and_kept_when_they_hold_values(alice, bob_site, count):
    breakdown = save_disaggregation(count, user=alice, dimension="sex", label="Sexe",
                                    categories=["Femmes", "Hommes"])
    women, men = breakdown.categories.all()
    report = SiteReportFactory(site=bob_site, period=ReportingPeriodFactory(
        project=count.project))
    IndicatorValue.objects.create(report=report, indicator=count, category=men, value=3)
    save_disaggregation(count, user=alice, dimension="sex", label="Sexe",
                        categories=["Hommes", "Femmes", "Autre"], disaggregation=breakdown)
    assert [(c.label, c.pk in (women.pk, men.pk)) for c in breakdown.categories.all()] == [
        ("Hommes", True), ("Femmes", True), ("Autre", False)]
    with pytest.raises(ValidationError) as excinfo:
        save_disaggregation(count, user=alice, dimension="sex", label="Sexe",
                            categories=["Femmes", "Autre"], disaggregation=breakdown)
    assert "Hommes" in excinfo.value.error_dict["categories"][0].message
    with pytest.raises(ValidationError):
        delete_disaggregation(breakdown, user=alice)


def test_a_dimension_appears_once_and_only_staff_break_down(alice, bob, bob_site, count):
    save_disaggregation(count, user=alice, dimension="sex", label="Sexe",
                        categories=["F", "H"])
    with pytest.raises(ValidationError) as excinfo:
        save_disaggregation(count, user=alice, dimension="sex", label="Genre",
                            categories=["F", "H"])
    assert "dimension" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        save_disaggregation(count, user=alice, dimension="other", label=" ",
                            categories=["a", "A"])
    assert set(excinfo.value.error_dict) == {"label", "categories"}
    with pytest.raises(PermissionDenied):
        save_disaggregation(count, user=bob, dimension="age_band", label="Âge",
                            categories=["-26", "+26"])


def test_an_unused_breakdown_is_removed(client, alice, count):
    breakdown = save_disaggregation(count, user=alice, dimension="sex", label="Sexe",
                                    categories=["F", "H"])
    client.force_login(alice)
    client.post(reverse("evaluations:indicator_breakdowns", args=[count.pk]),
                {"action": "delete", "breakdown": breakdown.pk})
    assert not count.disaggregations.exists()


# --- Targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), {**READERS, "bob": 404, "carol": 404}.items())
def test_targets_are_read_by_the_readers_of_the_project(client, everyone, count, who,
                                                        expected):
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:indicator_targets", args=[count.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert (response.context["form"] is not None) is (who in ("alice", "admin"))


@pytest.mark.parametrize(("who", "expected"), {**STAFF_PROJECT, "alice": 302,
                                               "admin": 302}.items())
def test_only_staff_set_targets(client, everyone, count, bob_site, who, expected):
    client.force_login(everyone[who])
    response = client.post(reverse("evaluations:indicator_targets", args=[count.pk]),
                           {"period_end": "2025-12-31", "site": bob_site.pk, "value": "40"})
    assert response.status_code == expected
    assert IndicatorTarget.objects.filter(indicator=count).exists() is (expected == 302)


def test_a_bad_target_is_refused_next_to_the_field(client, alice, count):
    client.force_login(alice)
    response = client.post(reverse("evaluations:indicator_targets", args=[count.pk]),
                           {"period_end": "2025-12-31", "value": "quarante"})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["“quarante” is not a number."]
    assert response.context["form"]["value"].value() == "quarante"


def test_a_qualitative_target_is_a_level_of_the_scale(client, alice, project):
    scale = QualitativeIndicatorFactory(project=project, levels=3)
    client.force_login(alice)
    url = reverse("evaluations:indicator_targets", args=[scale.pk])
    refused = client.post(url, {"period_end": "2025-12-31", "level": "7"})
    assert refused.context["form"].errors["level"] == ["“7” is not a valid choice."] or \
        refused.context["form"].errors["level"] == ["Choose a level between 1 and 3."]
    client.post(url, {"period_end": "2025-12-31", "level": "3"})
    assert IndicatorTarget.objects.get(indicator=scale).level == 3


@pytest.mark.parametrize("who", ["bob", "alice", "fanny"])
def test_the_evaluation_links_lead_only_to_pages_the_person_may_open(client, pipeline_cast, project,
                                                                     who):
    """Adopters read the indicators of their project, not its management: every link of the
    evaluation's and the project's navigation they are shown opens."""
    client.force_login(pipeline_cast[who])
    page = client.get(reverse("evaluations:indicator_list", args=[project.pk]))
    links = set(re.findall(r'href="(/(?:evaluations|programmes)/projets/[^"?#]*)"',
                           page.content.decode()))
    assert links or who == "bob"  # adopters get the page without the management's navigation
    for link in links:
        assert client.get(link).status_code == 200, link
