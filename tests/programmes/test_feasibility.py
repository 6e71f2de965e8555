"""Stage I: the replicability assessment and the scaling strategy, through services and pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from innovations.models import Component, ScalingModelChoice
from programmes.models import (
    AssessmentScore,
    ReplicabilityAssessment,
    ScalingStrategy,
    SiteAdaptation,
    StrategyComponent,
)
from programmes.services import feasibility as services

from ..factories import AdopterSiteFactory, ComponentFactory, TrainingModuleFactory, department

pytestmark = pytest.mark.django_db

CRITERIA = AssessmentScore.Criterion.values
Recommendation = ReplicabilityAssessment.Recommendation


def codes(excinfo) -> set[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def all_scored(score=3):
    return {criterion: (score, f"Preuve pour {criterion}.") for criterion in CRITERIA}


@pytest.fixture
def components(project):
    innovation = project.innovation
    return [
        ComponentFactory(innovation=innovation, kind=Component.Kind.CORE, title="Travail payé "
                         "à la journée", order=0),
        ComponentFactory(innovation=innovation, kind=Component.Kind.CORE,
                         title="Accompagnement social", order=1),
        ComponentFactory(innovation=innovation, kind=Component.Kind.ADAPTABLE,
                         title="Choix des chantiers", order=0),
    ]


# --- Assessment -----------------------------------------------------------------------------


def test_an_assessment_keeps_each_score_with_its_evidence(project, alice):
    assessment = services.save_assessment(project, author=alice, scores=all_scored(),
                                          summary="Réplicable.", recommendation=Recommendation.GO)
    assert assessment.scores.count() == 8
    assert sum(s.score for s in assessment.scores.all()) == 24
    assert assessment.scores.get(criterion="need").evidence == "Preuve pour need."
    assert assessment.history.first().history_user == alice


@pytest.mark.parametrize("score", [0, 5, -1, "3", 2.5, True, 10**9])
def test_scores_go_from_1_to_4(project, alice, score):
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(project, author=alice, scores={"risks": (score, "")})
    assert codes(excinfo) == {"score_out_of_range"}
    assert not ReplicabilityAssessment.objects.exists()


def test_an_unknown_criterion_is_refused(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(project, author=alice, scores={"charisma": (4, "")})
    assert codes(excinfo) == {"unknown_criterion"}


def test_recommending_needs_every_criterion_scored(project, alice):
    scores = all_scored()
    del scores["risks"]
    for recommendation in (Recommendation.GO, Recommendation.NO_GO):
        with pytest.raises(ValidationError) as excinfo:
            services.save_assessment(project, author=alice, scores=scores,
                                     recommendation=recommendation)
        assert codes(excinfo) == {"incomplete_assessment"}
    # Undecided, it is a draft that can be saved.
    services.save_assessment(project, author=alice, scores=scores)
    assert project.assessment.scores.count() == 7


def test_evidence_needs_a_score(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(project, author=alice, scores={"need": (None, "Étude INSEE")})
    assert codes(excinfo) == {"score_required"}


def test_an_unknown_recommendation_is_refused(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(project, author=alice, scores={}, recommendation="maybe")
    assert codes(excinfo) == {"invalid_recommendation"}


def test_unscoring_a_criterion_removes_its_score(project, alice):
    services.save_assessment(project, author=alice, scores=all_scored())
    scores = all_scored()
    scores["need"] = (None, "")
    services.save_assessment(project, author=alice, scores=scores)
    assert set(project.assessment.scores.values_list("criterion", flat=True)) == \
        set(CRITERIA) - {"need"}


def test_only_staff_assess(project, fanny):
    with pytest.raises(PermissionDenied):
        services.save_assessment(project, author=fanny, scores={})


def test_the_feasibility_page_shows_the_total(client, alice, project):
    client.force_login(alice)
    url = reverse("programmes:feasibility", args=[project.pk])
    data = {f"score_{c}": "4" for c in CRITERIA} | {"recommendation": "go", "summary": "Oui."}
    data["score_risks"] = "1"
    assert client.post(url, data).status_code == 302
    summary = client.get(url).context["summary"]
    assert (summary.total, summary.maximum, summary.is_complete) == (29, 32, True)
    assert summary.is_favourable


def test_a_score_out_of_range_on_the_page_is_a_form_error(client, alice, project):
    client.force_login(alice)
    response = client.post(reverse("programmes:feasibility", args=[project.pk]),
                           {"score_need": "5", "recommendation": "undecided"})
    assert response.status_code == 200
    assert "score_need" in response.context["form"].errors
    assert not ReplicabilityAssessment.objects.exists()


def test_a_recommendation_without_every_score_is_shown_on_the_page(client, alice, project):
    client.force_login(alice)
    response = client.post(reverse("programmes:feasibility", args=[project.pk]),
                           {"score_need": "3", "recommendation": "go"})
    assert response.status_code == 200
    assert response.context["form"].errors["recommendation"].as_data()[0].code == \
        "incomplete_assessment"


# --- Strategy -------------------------------------------------------------------------------


def test_the_strategy_starts_from_the_records_components(project, alice, components):
    strategy = services.strategy_for(project, author=alice)
    copies = list(strategy.components.order_by("kind", "order"))
    assert [(c.kind, c.title, c.source) for c in copies] == [
        ("adaptable", "Choix des chantiers", components[2]),
        ("core", "Travail payé à la journée", components[0]),
        ("core", "Accompagnement social", components[1]),
    ]
    # Opening it again does not copy them twice.
    assert services.strategy_for(project, author=alice) == strategy
    assert strategy.components.count() == 3


def test_readers_do_not_start_the_strategy(client, fanny, project, components):
    with pytest.raises(PermissionDenied):
        services.strategy_for(project, author=fanny)
    client.force_login(fanny)
    response = client.get(reverse("programmes:strategy", args=[project.pk]))
    assert response.status_code == 200
    assert not ScalingStrategy.objects.exists()
    assert [c.title for c in response.context["page"].core] == [
        "Travail payé à la journée", "Accompagnement social"]


def test_the_strategy_keeps_models_targets_and_economics(project, alice):
    strategy = services.strategy_for(project, author=alice)
    services.update_strategy(
        strategy, author=alice, models={"scale_up": "franchised", "scale_deep": ""}, balance=2,
        target_territories=[department("58"), department("38")], target_sites=6,
        economic_model="Redevance annuelle.", communication="Journée nationale.")
    strategy.refresh_from_db()
    assert dict(strategy.models.values_list("model", "subtype")) == {
        "scale_up": "franchised", "scale_deep": ""}
    assert strategy.target_territories.count() == 2
    assert (strategy.balance, strategy.target_sites) == (2, 6)
    services.update_strategy(strategy, author=alice, models={"scale_up": "flexible"}, balance=3)
    assert dict(strategy.models.values_list("model", "subtype")) == {"scale_up": "flexible"}
    assert not strategy.target_territories.exists()


@pytest.mark.parametrize(("models", "code"), [
    ({"scale_up": "horizontal"}, "subtype_mismatch"),
    ({"scale_deep": "flexible"}, "subtype_mismatch"),
    ({"scale_sideways": ""}, "unknown_model"),
])
def test_a_sub_type_belongs_to_its_model(project, alice, models, code):
    strategy = services.strategy_for(project, author=alice)
    with pytest.raises(ValidationError) as excinfo:
        services.update_strategy(strategy, author=alice, models=models, balance=3)
    assert codes(excinfo) == {code}
    assert not strategy.models.exists()


@pytest.mark.parametrize(("changes", "code"), [
    ({"balance": 7}, "invalid_balance"),
    ({"target_sites": -1}, "invalid_target"),
    ({"target_sites": 10**9}, "invalid_target"),
    ({"target_territories": ["58"]}, "invalid_territory"),
])
def test_the_strategy_refuses_wrong_values(project, alice, changes, code):
    strategy = services.strategy_for(project, author=alice)
    with pytest.raises(ValidationError) as excinfo:
        services.update_strategy(strategy, author=alice, models={}, **{"balance": 3, **changes})
    assert codes(excinfo) == {code}


def test_the_strategy_page_suggests_models_from_the_records_objectives(client, alice, project):
    project.innovation.scaling_objectives = ["number_of_territories"]
    project.innovation.save()
    ScalingModelChoice.objects.create(innovation=project.innovation, model="scale_across")
    client.force_login(alice)
    page = client.get(reverse("programmes:strategy", args=[project.pk])).context["page"]
    suggested = {s.model: s.reasons for s in page.suggestions}
    assert set(suggested) == {"scale_up", "scale_across", "scale_together", "scale_by_mixing"}
    assert all(reasons for reasons in suggested.values())
    assert [m.model for m in page.considered] == ["scale_across"]


def test_a_sub_type_of_another_model_is_refused_on_the_page(client, alice, project):
    client.force_login(alice)
    response = client.post(reverse("programmes:strategy", args=[project.pk]), {
        "part": "strategy", "balance": "3", "use_scale_up": "on",
        "subtype_scale_up": "horizontal"})
    assert response.status_code == 200
    assert "subtype_scale_up" in response.context["form"].errors
    assert not project.strategy.models.exists()


def test_a_sub_type_without_its_model_is_refused_on_the_page(client, alice, project):
    client.force_login(alice)
    response = client.post(reverse("programmes:strategy", args=[project.pk]), {
        "part": "strategy", "balance": "3", "subtype_scale_up": "flexible"})
    assert response.status_code == 200
    assert response.context["form"].errors["subtype_scale_up"].as_data()[0].code == \
        "subtype_without_model"


# --- Components -----------------------------------------------------------------------------


def rows_of(strategy, **changes):
    return [{"pk": c.pk, "kind": c.kind, "title": c.title, "description": c.description}
            for c in strategy.components.order_by("kind", "order")]


def test_components_are_added_edited_reordered_and_removed(project, alice, components):
    strategy = services.strategy_for(project, author=alice)
    adaptable, first, second = strategy.components.order_by("kind", "order")
    services.update_components(strategy, author=alice, rows=[
        {"pk": second.pk, "kind": "core", "title": "Accompagnement social renforcé",
         "description": ""},
        {"pk": first.pk, "kind": "core", "title": first.title, "description": ""},
        {"pk": None, "kind": "adaptable", "title": "Horaires des chantiers",
         "description": "Selon la saison."},
    ])
    rows = list(strategy.components.order_by("kind", "order").values_list(
        "kind", "title", "order", "source"))
    assert rows == [
        ("adaptable", "Horaires des chantiers", 0, None),
        ("core", "Accompagnement social renforcé", 0, components[1].pk),
        ("core", "Travail payé à la journée", 1, components[0].pk),
    ]
    assert not StrategyComponent.objects.filter(pk=adaptable.pk).exists()


def test_a_component_taught_by_a_training_module_cannot_be_removed(project, alice, components):
    strategy = services.strategy_for(project, author=alice)
    taught = strategy.components.get(title="Accompagnement social")
    TrainingModuleFactory(project=project, title="Accompagner").components.add(taught)
    rows = [row for row in rows_of(strategy) if row["pk"] != taught.pk]
    with pytest.raises(ValidationError) as excinfo:
        services.update_components(strategy, author=alice, rows=rows)
    assert codes(excinfo) == {"component_in_use"}
    assert strategy.components.count() == 3


def test_a_component_adapted_by_a_site_cannot_be_removed(project, alice, components):
    strategy = services.strategy_for(project, author=alice)
    adapted = strategy.components.get(title="Choix des chantiers")
    SiteAdaptation.objects.create(site=AdopterSiteFactory(project=project), component=adapted,
                                  description="Chantiers d'espaces verts.")
    rows = [row for row in rows_of(strategy) if row["pk"] != adapted.pk]
    with pytest.raises(ValidationError) as excinfo:
        services.update_components(strategy, author=alice, rows=rows)
    assert codes(excinfo) == {"component_in_use"}


@pytest.mark.parametrize(("row", "code"), [
    ({"pk": 999_999, "kind": "core", "title": "Ailleurs"}, "unknown_component"),
    ({"pk": None, "kind": "essential", "title": "Sans genre"}, "invalid_kind"),
    ({"pk": None, "kind": "core", "title": "  "}, "title_required"),
])
def test_components_refuse_wrong_rows(project, alice, components, row, code):
    strategy = services.strategy_for(project, author=alice)
    with pytest.raises(ValidationError) as excinfo:
        services.update_components(strategy, author=alice, rows=[*rows_of(strategy), row])
    assert codes(excinfo) == {code}


def test_a_component_of_another_strategy_is_not_taken(project, alice, components):
    from ..factories import ScalingProjectFactory

    other = services.strategy_for(ScalingProjectFactory(programme=project.programme),
                                  author=alice)
    foreign = StrategyComponent.objects.create(strategy=other, kind="core", title="Étranger")
    strategy = services.strategy_for(project, author=alice)
    with pytest.raises(ValidationError) as excinfo:
        services.update_components(strategy, author=alice, rows=[
            {"pk": foreign.pk, "kind": "core", "title": "Volé"}])
    assert codes(excinfo) == {"unknown_component"}
    foreign.refresh_from_db()
    assert foreign.title == "Étranger"


def test_removing_a_component_in_use_on_the_page_says_why(client, alice, project, components):
    strategy = services.strategy_for(project, author=alice)
    core = list(strategy.components.filter(kind="core").order_by("order"))
    TrainingModuleFactory(project=project).components.add(core[0])
    adaptable = strategy.components.get(kind="adaptable")
    data = {
        "part": "components",
        "core-TOTAL_FORMS": "2", "core-INITIAL_FORMS": "2",
        "core-0-id": core[0].pk, "core-0-title": core[0].title, "core-0-ORDER": "1",
        "core-0-DELETE": "on",
        "core-1-id": core[1].pk, "core-1-title": core[1].title, "core-1-ORDER": "2",
        "adaptable-TOTAL_FORMS": "1", "adaptable-INITIAL_FORMS": "1",
        "adaptable-0-id": adaptable.pk, "adaptable-0-title": adaptable.title,
        "adaptable-0-ORDER": "1",
    }
    client.force_login(alice)
    response = client.post(reverse("programmes:strategy", args=[project.pk]), data)
    assert response.status_code == 200
    assert response.context["has_component_errors"]
    assert len(response.context["component_errors"]) == 1
    assert strategy.components.count() == 3


def test_components_are_saved_from_the_page(client, alice, project, components):
    strategy = services.strategy_for(project, author=alice)
    core = list(strategy.components.filter(kind="core").order_by("order"))
    adaptable = strategy.components.get(kind="adaptable")
    data = {
        "part": "components",
        "core-TOTAL_FORMS": "3", "core-INITIAL_FORMS": "2",
        "core-0-id": core[0].pk, "core-0-title": core[0].title, "core-0-ORDER": "2",
        "core-1-id": core[1].pk, "core-1-title": "Suivi social", "core-1-ORDER": "1",
        "core-2-title": "Partenariat CAARUD", "core-2-ORDER": "3",
        "adaptable-TOTAL_FORMS": "1", "adaptable-INITIAL_FORMS": "1",
        "adaptable-0-id": adaptable.pk, "adaptable-0-title": adaptable.title,
        "adaptable-0-DELETE": "on",
    }
    client.force_login(alice)
    response = client.post(reverse("programmes:strategy", args=[project.pk]), data)
    assert response.status_code == 302
    assert list(strategy.components.order_by("kind", "order").values_list("title", flat=True)) \
        == ["Suivi social", "Travail payé à la journée", "Partenariat CAARUD"]


def test_adding_a_row_keeps_what_was_typed(client, alice, project, components):
    strategy = services.strategy_for(project, author=alice)
    core = list(strategy.components.filter(kind="core").order_by("order"))
    client.force_login(alice)
    response = client.post(reverse("programmes:strategy", args=[project.pk]), {
        "part": "components", "add": "core",
        "core-TOTAL_FORMS": "2", "core-INITIAL_FORMS": "2",
        "core-0-id": core[0].pk, "core-0-title": "Modifié", "core-0-ORDER": "1",
        "core-1-id": core[1].pk, "core-1-title": core[1].title, "core-1-ORDER": "2",
        "adaptable-TOTAL_FORMS": "0", "adaptable-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    core_block = response.context["component_blocks"][0]
    assert len(core_block["rows"]) == 3
    assert core_block["rows"][0][0]["title"].value() == "Modifié"
    assert strategy.components.get(pk=core[0].pk).title == core[0].title  # nothing saved
