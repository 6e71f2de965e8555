"""Editing an innovation record through its services: each section, bad input, publication."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.models import Membership
from innovations.models import Component, EconomicLine, Innovation, Partner, Step
from innovations.services import records as services

from ..factories import (
    ComponentFactory,
    InnovationFactory,
    MembershipFactory,
    StructureFactory,
    ThemeFactory,
    department,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@pytest.fixture
def draft(ines, ines_structure):
    innovation = services.create_innovation(
        owner=ines_structure, author=ines, title="TAPAJ",
        summary="Travail alternatif payé à la journée.",
    )
    return innovation


@pytest.fixture
def complete_draft(draft, ines):
    services.update_description(draft, author=ines, problem="Des jeunes en errance.",
                                themes=[ThemeFactory(name="Emploi", slug="emploi")])
    services.update_dispositif(draft, author=ines, steps=[],
                               core_components=[{"title": "Paiement le jour même"}],
                               adaptable_components=[])
    draft.refresh_from_db()
    return draft


def line(**fields):
    return {"category": EconomicLine.Category.RUNNING_COST, "label": "Salaires",
            "amount": Decimal("100"), "unit": EconomicLine.Unit.EUROS,
            "period": EconomicLine.Period.PER_YEAR, **fields}


# --- Creating -------------------------------------------------------------------------------


def test_a_new_record_is_a_draft_with_a_first_version(draft, ines):
    assert draft.status == Innovation.Status.DRAFT
    revision = draft.revisions.get()
    assert (revision.number, revision.author) == (1, ines)
    assert revision.snapshot["title"] == "TAPAJ"


def test_create_refuses_fields_that_are_not_part_of_the_record(ines, ines_structure):
    with pytest.raises(ValueError):
        services.create_innovation(owner=ines_structure, author=ines, title="x", summary="y",
                                   status=Innovation.Status.PUBLISHED)


# --- Description, evidence, conditions ------------------------------------------------------


def test_description_changes_fields_and_lists_and_keeps_a_version(draft, ines):
    theme = ThemeFactory(name="Jeunesse", slug="jeunesse")
    revision = services.update_description(
        draft, author=ines, comment="Problème précisé", problem="Des jeunes en errance.",
        beneficiaries_per_year=120, themes=[theme], territories=[department("33")],
    )
    draft.refresh_from_db()
    assert draft.problem == "Des jeunes en errance."
    assert draft.beneficiaries_per_year == 120
    assert list(draft.themes.all()) == [theme]
    assert list(draft.territories.all()) == [department("33")]
    assert (revision.number, revision.author, revision.comment) == (2, ines, "Problème précisé")
    assert revision.snapshot["themes"] == ["Jeunesse"]


def test_saving_the_same_content_again_keeps_no_new_version(draft, ines):
    services.update_evidence(draft, author=ines, evidence_level="external_evaluation")
    again = services.update_evidence(draft, author=ines, evidence_level="external_evaluation")
    assert again is None
    assert draft.revisions.count() == 2


def test_an_edit_refreshes_what_the_bank_searches(draft, ines):
    services.update_conditions(draft, author=ines, prerequisites="Un CAARUD implanté localement.")
    draft.refresh_from_db()
    assert "caarud" in draft.search_text


def test_a_title_too_long_is_refused_and_nothing_is_written(draft, ines):
    with pytest.raises(ValidationError) as caught:
        services.update_description(draft, author=ines, title="x" * 201)
    assert "title" in caught.value.error_dict
    draft.refresh_from_db()
    assert draft.title == "TAPAJ"
    assert draft.revisions.count() == 1


def test_a_section_refuses_fields_of_another_section(draft, ines):
    with pytest.raises(ValueError):
        services.update_evidence(draft, author=ines, title="Autre titre")


@pytest.mark.parametrize("name", ["oscar", "bob", "alice", "fanny", "remi"])
def test_only_the_innovators_members_edit_the_record(draft, cast, name):
    with pytest.raises(PermissionDenied):
        services.update_description(draft, author=cast[name], title="Piraté")
    with pytest.raises(PermissionDenied):
        services.update_economic_grid(draft, author=cast[name], lines=[line()])
    draft.refresh_from_db()
    assert draft.title == "TAPAJ"
    assert not draft.economic_lines.exists()
    assert draft.revisions.count() == 1


def test_every_member_of_the_structure_and_admins_edit(draft, ines_structure, admin_user):
    colleague = MembershipFactory(structure=ines_structure, role=Membership.Role.MEMBER).user
    services.update_evidence(draft, author=colleague, evidence_references="Rapport 2019")
    services.update_evidence(draft, author=admin_user, evidence_references="Rapport 2020")
    authors = list(draft.revisions.order_by("number").values_list("author", flat=True))
    assert authors[1:] == [colleague.pk, admin_user.pk]


def test_the_platform_itself_may_edit_without_an_author(draft):
    revision = services.update_evidence(draft, author=None, evidence_references="Import")
    assert revision.author is None


# --- Someone else saved the same section meanwhile ------------------------------------------------


def test_an_edit_started_before_someone_elses_save_of_the_section_is_refused(draft, ines,
                                                                         ines_structure):
    colleague = MembershipFactory(structure=ines_structure).user
    opened_at = 1
    services.update_description(draft, author=colleague, problem="Version de la collègue",
                                base_version=opened_at)
    with pytest.raises(ValidationError) as caught:
        services.update_description(draft, author=ines, problem="Ma version",
                                    base_version=opened_at)
    assert codes(caught.value) == {"stale_version"}
    draft.refresh_from_db()
    assert draft.problem == "Version de la collègue"


def test_an_edit_of_another_section_meanwhile_is_no_conflict(draft, ines, ines_structure):
    colleague = MembershipFactory(structure=ines_structure).user
    services.update_evidence(draft, author=colleague, evidence_references="Rapport",
                             base_version=1)
    revision = services.update_description(draft, author=ines, problem="Ma version",
                                           base_version=1)
    assert revision.number == 3


# --- The dispositif and its components --------------------------------------------------------


def test_dispositif_creates_updates_reorders_and_removes_rows(draft, ines):
    services.update_dispositif(
        draft, author=ines,
        steps=[{"title": "Repérage"}, {"title": "Phase 1"}, {"title": "Phase 2"}],
        core_components=[{"title": "Paiement le jour même", "description": "En fin de journée"}],
        adaptable_components=[{"title": "Nature des chantiers"}],
    )
    steps = {s.title: s.pk for s in draft.steps.all()}
    services.update_dispositif(
        draft, author=ines,
        steps=[{"pk": steps["Phase 2"], "title": "Phase 2 (sortie)"},
               {"pk": steps["Repérage"], "title": "Repérage"}],
        core_components=[], adaptable_components=[
            {"pk": draft.components.get(kind="core").pk, "title": "Paiement le jour même"},
            {"title": "Structure porteuse"},
        ],
    )
    assert [s.title for s in draft.steps.all()] == ["Phase 2 (sortie)", "Repérage"]
    assert [s.order for s in draft.steps.all()] == [0, 1]
    assert not Step.objects.filter(title="Phase 1").exists()
    assert [(c.kind, c.title) for c in draft.components.all()] == [
        ("adaptable", "Paiement le jour même"), ("adaptable", "Structure porteuse"),
    ]
    assert not Component.objects.filter(title="Nature des chantiers").exists()
    assert draft.revisions.count() == 3


def test_a_row_of_another_record_cannot_be_taken_over(draft, ines):
    foreign = ComponentFactory(innovation=InnovationFactory(), title="Autre")
    with pytest.raises(ValidationError) as caught:
        services.update_dispositif(draft, author=ines, steps=[{"title": "Repérage"}],
                                   core_components=[{"pk": foreign.pk, "title": "Volé"}],
                                   adaptable_components=[])
    assert codes(caught.value) == {"unknown_item"}
    foreign.refresh_from_db()
    assert foreign.title == "Autre"
    assert not draft.steps.exists()


def test_a_row_without_a_title_is_refused_with_its_number(draft, ines):
    with pytest.raises(ValidationError) as caught:
        services.update_dispositif(draft, author=ines, steps=[{"title": "A"}, {"title": "  "}],
                                   core_components=[], adaptable_components=[])
    assert codes(caught.value) == {"blank"}
    assert "2" in caught.value.messages[0]
    assert not draft.steps.exists()


def test_a_published_record_keeps_at_least_one_core_component(complete_draft, ines):
    services.publish_innovation(complete_draft, author=ines)
    with pytest.raises(ValidationError) as caught:
        services.update_dispositif(complete_draft, author=ines, steps=[], core_components=[],
                                   adaptable_components=[])
    assert codes(caught.value) == {"published_incomplete"}
    assert complete_draft.components.filter(kind="core").count() == 1


# --- Partners ---------------------------------------------------------------------------------


def test_partners_take_their_name_from_the_directory(draft, ines, bob_structure):
    services.update_partners(draft, author=ines, partners=[
        {"structure": bob_structure, "contribution": "Chantiers", "phase": "launch"},
        {"name": "SNCF Réseau", "phase": "operation"},
    ])
    partners = {p.name: p for p in draft.partners.all()}
    assert partners["Essor Emploi Nièvre"].structure == bob_structure
    assert partners["Essor Emploi Nièvre"].phase == Partner.Phase.LAUNCH
    assert partners["SNCF Réseau"].structure is None


def test_a_partner_needs_a_name_or_a_structure(draft, ines):
    with pytest.raises(ValidationError) as caught:
        services.update_partners(draft, author=ines, partners=[{"contribution": "?"}])
    assert codes(caught.value) == {"partner_name_required"}


def test_an_unknown_phase_is_refused(draft, ines):
    with pytest.raises(ValidationError) as caught:
        services.update_partners(draft, author=ines, partners=[{"name": "X", "phase": "later"}])
    assert codes(caught.value) == {"invalid_choice"}


# --- The economic model grid -------------------------------------------------------------------


def test_the_grid_accepts_amounts_as_numbers_or_french_text(draft, ines):
    services.update_economic_grid(draft, author=ines, lines=[
        line(amount="1200,50"), line(amount=3, label="Tenues"), line(amount=Decimal("0")),
    ])
    assert sorted(draft.economic_lines.values_list("amount", flat=True)) == [
        Decimal("0"), Decimal("3"), Decimal("1200.50")]


@pytest.mark.parametrize(("amount", "code"), [
    (Decimal("-1"), "negative_amount"),
    ("-0,01", "negative_amount"),
    ("douze", "invalid_amount"),
    ("", "invalid_amount"),
    (None, "invalid_amount"),
    ("NaN", "invalid_amount"),
    ("Infinity", "invalid_amount"),
    ([1], "invalid_amount"),
    (True, "invalid_amount"),
    (Decimal("12345678901.5"), "max_whole_digits"),
    (Decimal("1.234"), "max_decimal_places"),
])
def test_the_grid_refuses_bad_amounts_and_writes_nothing(draft, ines, amount, code):
    services.update_economic_grid(draft, author=ines, lines=[line(label="Existante")])
    with pytest.raises(ValidationError) as caught:
        services.update_economic_grid(draft, author=ines, lines=[
            line(label="Bonne", amount=5), line(amount=amount)])
    assert code in codes(caught.value)
    assert list(draft.economic_lines.values_list("label", flat=True)) == ["Existante"]
    assert draft.revisions.count() == 2


@pytest.mark.parametrize(("fields", "code"), [
    ({"category": "pocket_money"}, "invalid_choice"),
    ({"unit": "dollars"}, "invalid_choice"),
    ({"period": "per_week"}, "invalid_choice"),
    ({"label": ""}, "blank"),
    ({"unit": "fte", "period": "per_month"}, "fte_per_month"),
])
def test_the_grid_refuses_lines_that_do_not_fit_the_grid(draft, ines, fields, code):
    with pytest.raises(ValidationError) as caught:
        services.update_economic_grid(draft, author=ines, lines=[line(**fields)])
    assert code in codes(caught.value)
    assert not draft.economic_lines.exists()


# --- Scaling objectives and models -------------------------------------------------------------


def test_scaling_keeps_objectives_in_the_matrix_order_and_models_with_subtypes(draft, ines):
    services.update_scaling(draft, author=ines,
                            objectives=["number_of_territories", "impact_per_beneficiary"],
                            models={"scale_up": "franchised", "scale_deep": ""})
    draft.refresh_from_db()
    assert draft.scaling_objectives == ["impact_per_beneficiary", "number_of_territories"]
    assert dict(draft.model_choices.values_list("model", "subtype")) == {
        "scale_up": "franchised", "scale_deep": ""}
    again = services.update_scaling(draft, author=ines,
                                    objectives=["impact_per_beneficiary", "number_of_territories"],
                                    models={"scale_deep": "", "scale_up": "franchised"})
    assert again is None
    services.update_scaling(draft, author=ines, objectives=[], models={"scale_up": "flexible"})
    assert dict(draft.model_choices.values_list("model", "subtype")) == {"scale_up": "flexible"}


@pytest.mark.parametrize(("objectives", "models", "code"), [
    (["more_money"], {}, "unknown_objective"),
    ([["impact_per_beneficiary"]], {}, "unknown_objective"),
    ([], {"scale_up": "absorption"}, "subtype_mismatch"),
    ([], {"scale_deep": "flexible"}, "subtype_mismatch"),
    ([], {"scale_sideways": ""}, "unknown_model"),
])
def test_scaling_refuses_what_the_seed_does_not_know(draft, ines, objectives, models, code):
    with pytest.raises(ValidationError) as caught:
        services.update_scaling(draft, author=ines, objectives=objectives, models=models)
    assert codes(caught.value) == {code}
    draft.refresh_from_db()
    assert draft.scaling_objectives == []
    assert not draft.model_choices.exists()


# --- Publication ------------------------------------------------------------------------------


def test_an_incomplete_record_is_not_published(draft, ines):
    with pytest.raises(ValidationError) as caught:
        services.publish_innovation(draft, author=ines)
    assert codes(caught.value) == {"incomplete_record"}
    draft.refresh_from_db()
    assert draft.status == Innovation.Status.DRAFT
    # The problem and a theme are described in "description", core components in "model".
    assert [gap.section for gap in services.publication_gaps(draft)] == [
        "description", "description", "model"]
    assert len(services.missing_for_publication(draft)) == 3


def test_a_complete_record_enters_the_bank_once(complete_draft, ines):
    services.publish_innovation(complete_draft, author=ines)
    services.publish_innovation(complete_draft, author=ines)
    complete_draft.refresh_from_db()
    assert complete_draft.is_published
    assert complete_draft.published_at is not None
    assert complete_draft.revisions.first().snapshot["status"] == "published"
    assert complete_draft.revisions.filter(snapshot__status="published").count() == 1


def test_a_record_of_another_structure_stays_untouched(ines):
    other = InnovationFactory(owner=StructureFactory())
    with pytest.raises(PermissionDenied):
        services.update_conditions(other, author=ines, prerequisites="Rien")
    with pytest.raises(PermissionDenied):
        services.update_scaling(other, author=ines, objectives=[], models={})
    with pytest.raises(PermissionDenied):
        services.update_partners(other, author=ines, partners=[])
    with pytest.raises(PermissionDenied):
        services.update_dispositif(other, author=ines, steps=[], core_components=[],
                                   adaptable_components=[])
