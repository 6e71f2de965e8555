"""Scaling objectives and the models the seed's matrix suggests for them (seed 004, 2.A)."""

import pytest
from django.urls import reverse

from innovations.models import ScalingModelChoice
from innovations.selectors.records import model_suggestions

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db

# Seed 004, section 2.A, copied cross by cross: deep, out, up, across, together, mixing.
MODELS = ["scale_deep", "scale_out", "scale_up", "scale_across", "scale_together",
          "scale_by_mixing"]
SEED_TABLE = {
    "impact_per_beneficiary":      "X X . . X X",
    "beneficiaries_per_territory": ". X X . X X",
    "number_of_territories":       ". . X X X X",
    "sustainable_economic_model":  "X X . . X X",
    "efficiency":                  "X X X . X X",
}


def crosses(objective):
    return {model for model, mark in zip(MODELS, SEED_TABLE[objective].split()) if mark == "X"}


@pytest.mark.parametrize("objectives", [
    ["number_of_territories"],
    ["impact_per_beneficiary", "number_of_territories"],
    ["sustainable_economic_model", "efficiency"],
    ["beneficiaries_per_territory", "number_of_territories", "efficiency"],
    list(SEED_TABLE),
])
def test_suggestions_follow_the_seeds_matrix_with_their_reason(objectives):
    suggestions = model_suggestions(objectives)
    expected = {model for objective in objectives for model in crosses(objective)}
    assert {s.model for s in suggestions} == expected
    for suggestion in suggestions:
        served = [o for o in objectives if suggestion.model in crosses(o)]
        assert len(suggestion.reasons) == len(served)
        assert suggestion.covers_all == (len(served) == len(objectives))
        assert suggestion.description
    # The models serving the most objectives come first.
    counts = [len(s.reasons) for s in suggestions]
    assert counts == sorted(counts, reverse=True)


def test_one_objective_gives_exactly_the_seeds_crosses():
    suggestions = model_suggestions(["number_of_territories"])
    assert [s.model for s in suggestions] == ["scale_up", "scale_across", "scale_together",
                                              "scale_by_mixing"]
    assert all(s.covers_all for s in suggestions)


def test_impact_and_territories_put_cooperation_and_merger_first():
    suggestions = model_suggestions(["impact_per_beneficiary", "number_of_territories"])
    assert [s.model for s in suggestions[:2]] == ["scale_together", "scale_by_mixing"]
    assert {s.model for s in suggestions[2:]} == {"scale_deep", "scale_out", "scale_up",
                                                  "scale_across"}


def test_no_objective_no_suggestion_and_unknown_ones_are_ignored():
    assert model_suggestions([]) == []
    assert model_suggestions(["more_money"]) == []


def test_models_already_considered_are_marked_with_their_subtype():
    innovation = InnovationFactory()
    choice = ScalingModelChoice.objects.create(innovation=innovation, model="scale_up",
                                               subtype="franchised")
    considered = {choice.model: choice.subtype}
    suggestions = {s.model: s for s in model_suggestions(["number_of_territories"], considered)}
    assert suggestions["scale_up"].is_considered
    assert suggestions["scale_up"].considered_subtype == "franchised"
    assert not suggestions["scale_across"].is_considered


# --- Through the pages ------------------------------------------------------------------------


def scaling_data(**extra):
    return {"objectives": ["number_of_territories"], "considered_scale_up": "on",
            "subtype_scale_up": "franchised", **extra}


def test_the_scaling_page_saves_objectives_and_models(client, ines, ines_structure):
    innovation = InnovationFactory(owner=ines_structure)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "scaling"])
    response = client.post(url, scaling_data())
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.scaling_objectives == ["number_of_territories"]
    assert dict(innovation.model_choices.values_list("model", "subtype")) == {
        "scale_up": "franchised"}
    page = client.get(url)
    assert [s.model for s in page.context["suggestions"]][0] == "scale_up"
    assert page.context["suggestions"][0].is_considered


@pytest.mark.parametrize(("extra", "field", "code"), [
    ({"subtype_scale_up": "absorption"}, "subtype_scale_up", "invalid_choice"),
    ({"objectives": ["more_money"]}, "objectives", "invalid_choice"),
    ({"considered_scale_up": "", "subtype_scale_up": "franchised"}, "subtype_scale_up",
     "subtype_without_model"),
])
def test_the_scaling_page_refuses_bad_choices_next_to_the_field(client, ines, ines_structure,
                                                                extra, field, code):
    innovation = InnovationFactory(owner=ines_structure)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "scaling"])
    response = client.post(url, scaling_data(**extra))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()[field][0].code == code
    assert not innovation.model_choices.exists()


def test_suggestions_follow_the_ticked_objectives_before_saving(client, ines, ines_structure):
    innovation = InnovationFactory(owner=ines_structure)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "scaling"])
    response = client.get(url, {"suggestions": "1", "objectives": ["impact_per_beneficiary"],
                                "considered_scale_deep": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    suggestions = response.context["suggestions"]
    assert {s.model for s in suggestions} == crosses("impact_per_beneficiary")
    assert [s.model for s in suggestions if s.is_considered] == ["scale_deep"]
    assert not innovation.model_choices.exists()


def test_the_record_shows_suggestions_and_models_considered(client, oscar):
    innovation = InnovationFactory(status="published",
                                   scaling_objectives=["sustainable_economic_model"])
    ScalingModelChoice.objects.create(innovation=innovation, model="scale_across")
    client.force_login(oscar)
    page = client.get(innovation.get_absolute_url()).context["page"]
    assert {s.model for s in page.suggestions} == crosses("sustainable_economic_model")
    [considered] = page.models
    assert considered.model == "scale_across"
    assert not considered.is_suggested
