"""Setting up indicators: definitions that fit together, the library, targets."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluations.models import Indicator, IndicatorTarget
from evaluations.services.indicators import (
    add_indicator_from_standard,
    create_indicator,
    set_target,
    update_indicator,
)
from innovations.models import EconomicLine

from ..factories import (
    AdopterSiteFactory,
    DisaggregationCategoryFactory,
    DisaggregationFactory,
    IndicatorFactory,
    PercentageIndicatorFactory,
    QualitativeIndicatorFactory,
    StandardIndicatorFactory,
)

pytestmark = pytest.mark.django_db

THREE_LEVELS = [{"value": 1, "label": "Pas du tout"}, {"value": 2, "label": "En partie"},
                {"value": 3, "label": "Tout à fait"}]


def error_codes(excinfo) -> dict:
    return {field: [error.code for error in errors]
            for field, errors in excinfo.value.error_dict.items()}


def test_staff_create_a_count_indicator(project, alice):
    indicator = create_indicator(project, user=alice, code=" EMP-1 ", name="Jeunes accompagnés",
                                 unit="personnes", baseline="12,5")

    assert indicator.code == "EMP-1"
    assert indicator.baseline == Decimal("12.5")
    assert indicator.history.first().history_user == alice


@pytest.mark.parametrize("name", ["bob", "fanny", "oscar"])
def test_only_staff_create_indicators(project, bob_site, name, request):
    with pytest.raises(PermissionDenied):
        create_indicator(project, user=request.getfixturevalue(name), code="X", name="X")


def test_a_percentage_has_no_unit(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="P", name="Part des sorties positives",
                         measure=Indicator.Measure.PERCENTAGE, unit="%")

    assert "unit" in excinfo.value.error_dict


def test_codes_are_unique_within_a_project(project, alice):
    IndicatorFactory(project=project, code="EMP-1")

    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="EMP-1", name="Doublon")
    assert "code" in excinfo.value.error_dict


def test_a_baseline_must_be_a_number(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="B", name="B", baseline="douze")

    assert error_codes(excinfo) == {"baseline": ["invalid_number"]}


@pytest.mark.parametrize("levels, code", [
    (None, "too_few_levels"),
    ([{"value": 1, "label": "Seul"}], "too_few_levels"),
    ([{"value": 1, "label": "Un"}, {"value": 3, "label": "Trois"}], "levels_not_consecutive"),
    ([{"value": 2, "label": "Deux"}, {"value": 3, "label": "Trois"}], "levels_not_consecutive"),
    ([{"value": 1, "label": "Un"}, {"value": 2, "label": " "}], "level_without_label"),
])
def test_a_qualitative_indicator_needs_a_scale_numbered_from_one(project, alice, levels, code):
    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="Q", name="Appropriation",
                         kind=Indicator.Kind.QUALITATIVE, levels=levels)

    assert error_codes(excinfo) == {"levels": [code]}
    assert not Indicator.objects.exists()


def test_a_qualitative_indicator_is_saved_with_its_scale_and_no_measure(project, alice):
    indicator = create_indicator(project, user=alice, code="Q", name="Appropriation",
                                 kind=Indicator.Kind.QUALITATIVE, levels=THREE_LEVELS)

    assert indicator.measure == ""
    assert list(indicator.levels.values_list("value", "label")) == [
        (1, "Pas du tout"), (2, "En partie"), (3, "Tout à fait")]


def test_a_new_scale_replaces_the_old_one(project, alice):
    indicator = QualitativeIndicatorFactory(project=project, levels=4)

    update_indicator(indicator, user=alice, levels=THREE_LEVELS)

    assert indicator.levels.count() == 3


def cost_line(innovation, category=EconomicLine.Category.COST_AVOIDED):
    return EconomicLine.objects.create(innovation=innovation, category=category,
                                       label="Nuitée d'hébergement d'urgence évitée",
                                       amount=Decimal("45"),
                                       period=EconomicLine.Period.PER_BENEFICIARY)


def test_a_cost_avoided_comes_from_the_projects_innovation(project, alice):
    other = IndicatorFactory().project.innovation

    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="C", name="Nuitées",
                         cost_avoided_line=cost_line(other))
    assert "cost_avoided_line" in excinfo.value.error_dict


def test_a_cost_avoided_line_is_of_the_costs_avoided_category(project, alice):
    line = cost_line(project.innovation, EconomicLine.Category.RUNNING_COST)

    with pytest.raises(ValidationError) as excinfo:
        create_indicator(project, user=alice, code="C", name="Nuitées", cost_avoided_line=line)
    assert "cost_avoided_line" in excinfo.value.error_dict


def test_a_cost_avoided_multiplies_a_volume(project, alice):
    indicator = create_indicator(project, user=alice, code="C", name="Nuitées évitées",
                                 cost_avoided_line=cost_line(project.innovation))

    assert indicator.cost_avoided_line.amount == Decimal("45")


def test_a_standard_indicator_is_copied_with_its_scale(project, alice):
    standard = StandardIndicatorFactory(code="STD-APP", name="Appropriation du modèle",
                                        kind=Indicator.Kind.QUALITATIVE, measure="", unit="",
                                        definition="Degré d'appropriation", phase=1)
    for level in THREE_LEVELS:
        standard.levels.create(**level)

    indicator = add_indicator_from_standard(project, standard, alice)

    assert (indicator.code, indicator.name, indicator.phase, indicator.standard) == (
        "STD-APP", "Appropriation du modèle", 1, standard)
    assert indicator.definition == "Degré d'appropriation"
    assert indicator.levels.count() == 3


def test_a_standard_indicator_is_added_once_per_project(project, alice):
    standard = StandardIndicatorFactory()
    add_indicator_from_standard(project, standard, alice)

    with pytest.raises(ValidationError):
        add_indicator_from_standard(project, standard, alice)


# --- Targets -----------------------------------------------------------------------------------


def test_staff_set_and_replace_a_target(project, alice, bob_site):
    indicator = IndicatorFactory(project=project)

    set_target(indicator, user=alice, period_end=date(2025, 12, 31), value="120", site=bob_site)
    target = set_target(indicator, user=alice, period_end=date(2025, 12, 31), value="1 500,5",
                        site=bob_site)

    assert IndicatorTarget.objects.get() == target
    assert target.value == Decimal("1500.5")


def test_a_target_must_be_a_number(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        set_target(IndicatorFactory(project=project), user=alice, period_end=date(2025, 12, 31),
                   value="cent")

    assert error_codes(excinfo) == {"value": ["invalid_number"]}


def test_a_target_level_lies_on_the_scale(project, alice):
    indicator = QualitativeIndicatorFactory(project=project, levels=4)

    with pytest.raises(ValidationError) as excinfo:
        set_target(indicator, user=alice, period_end=date(2025, 12, 31), level=5)
    assert error_codes(excinfo) == {"level": ["level_outside_scale"]}
    assert set_target(indicator, user=alice, period_end=date(2025, 12, 31), level=4).level == 4


def test_a_percentage_target_lies_between_0_and_100(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        set_target(PercentageIndicatorFactory(project=project), user=alice,
                   period_end=date(2025, 12, 31), value="120")

    assert error_codes(excinfo) == {"value": ["percentage_range"]}


def test_a_target_site_takes_part_in_the_project(project, alice):
    elsewhere = AdopterSiteFactory()

    with pytest.raises(ValidationError) as excinfo:
        set_target(IndicatorFactory(project=project), user=alice, period_end=date(2025, 12, 31),
                   value="10", site=elsewhere)
    assert error_codes(excinfo) == {"site": ["site_outside_project"]}


def test_a_target_category_breaks_the_indicator_down(project, alice):
    indicator = IndicatorFactory(project=project)
    foreign = DisaggregationCategoryFactory(disaggregation=DisaggregationFactory())

    with pytest.raises(ValidationError) as excinfo:
        set_target(indicator, user=alice, period_end=date(2025, 12, 31), value="10",
                   category=foreign)
    assert error_codes(excinfo) == {"category": ["category_outside_indicator"]}


def test_adopters_do_not_set_targets(project, bob, bob_site):
    with pytest.raises(PermissionDenied):
        set_target(IndicatorFactory(project=project), user=bob, period_end=date(2025, 12, 31),
                   value="10", site=bob_site)
