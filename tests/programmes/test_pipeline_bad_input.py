"""No input to the pipeline's forms, however malformed or large, produces a server error."""

import pytest
from django.urls import reverse

from programmes.models import ScalingProject, StageEvent
from programmes.services import feasibility as feasibility_services

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE programmes_scalingproject; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "0",
    "9" * 400,
    "99999999999999999999",
    "1e400",
    "NaN",
    "2018-02-30",
    "31/12/9999",
    "0000-00-00",
]

STAGE_NAMES = ["identification", "feasibility", "mobilisation", "scaling_up", "evaluation"]
CRITERIA = ["impact_shown", "modelling_done", "willingness", "capacity", "economic_viability",
            "need", "prerequisites", "risks"]
MODELS = ["scale_deep", "scale_out", "scale_up", "scale_across", "scale_together",
          "scale_by_mixing"]

FORMS = {
    "project_create": ["innovation", "title", "description", "staff_lead", "started_on"],
    "project_update": ["title", "description", "staff_lead"],
    "project_gate": ["decision", "reason", "decided_on", "meeting"],
    "project_reopen": ["stage", "reason", "decided_on", "meeting"],
    "project_schedule": [f"planned_{edge}_{stage}" for stage in STAGE_NAMES
                         for edge in ("start", "end")],
    "feasibility": ["summary", "recommendation", *(f"score_{c}" for c in CRITERIA),
                    *(f"evidence_{c}" for c in CRITERIA)],
    "strategy": ["part", "balance", "target_territories", "target_sites", "economic_model",
                 "communication", *(f"use_{m}" for m in MODELS),
                 *(f"subtype_{m}" for m in MODELS)],
}


def url_of(view, project):
    if view == "project_create":
        return reverse("programmes:project_create", args=[project.programme_id])
    return reverse(f"programmes:{view}", args=[project.pk])


def nasty_posts(view, value):
    fields = FORMS[view]
    yield {name: value for name in fields}
    yield {name: [value, value] for name in fields}
    if view == "strategy":
        yield {name: value for name in fields} | {"part": "strategy"}
        yield {name: value for name in fields} | {"part": "components"}


@pytest.mark.parametrize("view", list(FORMS))
def test_malformed_and_oversized_input_never_breaks_a_form(client, alice, project, view):
    client.force_login(alice)
    url = url_of(view, project)
    for value in NASTY_VALUES:
        for data in nasty_posts(view, value):
            response = client.post(url, data)
            # 400: a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE is refused before the form.
            assert response.status_code in (200, 302, 400), (view, value[:20])
    project.refresh_from_db()
    assert project.stage == "identification"


@pytest.mark.parametrize("view", ["project_gate", "project_reopen"])
def test_a_wrong_decision_changes_nothing(client, alice, project, view):
    client.force_login(alice)
    for value in NASTY_VALUES:
        client.post(url_of(view, project), {name: value for name in FORMS[view]})
    assert not StageEvent.objects.exists()
    assert ScalingProject.objects.get(pk=project.pk).status == "in_progress"


def broken_component_lists():
    """Management data of the component lists tampered with: wrong counts, or none at all."""
    for prefix in ("core", "adaptable"):
        rows = {f"{prefix}-{i}-{name}": value for i in range(2)
                for name, value in (("id", "1"), ("title", "Titre"), ("ORDER", "1"),
                                    ("DELETE", "on"))}
        for total in ("abc", "1000000", "-1", "", "9" * 400, "\x00"):
            base = {"part": "components", **rows}
            yield {**base, f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": "0"}
            yield {**base, f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": total}
            yield {**base, "add": prefix, f"{prefix}-TOTAL_FORMS": total}
        yield {"part": "components", **rows}
        for value in NASTY_VALUES:
            yield {"part": "components", f"{prefix}-TOTAL_FORMS": "2",
                   f"{prefix}-INITIAL_FORMS": "2",
                   **{f"{prefix}-{i}-{name}": value for i in range(2)
                      for name in ("id", "title", "description", "ORDER", "DELETE")}}


def test_tampered_component_lists_never_break_the_strategy(client, alice, project):
    ComponentFactory(innovation=project.innovation, title="Cœur")
    strategy = feasibility_services.strategy_for(project, author=alice)
    client.force_login(alice)
    url = reverse("programmes:strategy", args=[project.pk])
    for data in broken_component_lists():
        response = client.post(url, data)
        assert response.status_code in (200, 302)
    assert strategy.components.filter(title="Cœur").exists()


@pytest.mark.parametrize("value", NASTY_VALUES)
def test_malformed_roadmap_filters_never_break_it(client, alice, project, value):
    client.force_login(alice)
    url = reverse("programmes:roadmap", args=[project.programme_id])
    response = client.get(url, {"stage": value, "status": value, "start": value, "end": value,
                                "page": value})
    assert response.status_code == 200


def test_ids_of_other_programmes_are_refused(client, alice, project, remi):
    client.force_login(alice)
    response = client.post(url_of("project_update", project), {
        "title": "TAPAJ", "staff_lead": remi.pk})
    assert response.status_code == 200
    assert "staff_lead" in response.context["form"].errors
