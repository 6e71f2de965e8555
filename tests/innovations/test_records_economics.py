"""The economic model grid: totals, costs per beneficiary, amounts typed the French way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from innovations.forms.records import AmountField
from innovations.models import EconomicLine
from innovations.selectors.records import Quantity, economic_summary

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db

C = EconomicLine.Category
U = EconomicLine.Unit
P = EconomicLine.Period

TAPAJ_GRID = [
    (C.SETUP_TIME, "Montage du partenariat", "40", U.DAYS, P.ONE_OFF),
    (C.RUNNING_TIME, "Éducateurs référents", "1.5", U.FTE, P.PER_YEAR),
    (C.RUNNING_TIME, "Coordination", "4", U.DAYS, P.PER_MONTH),
    (C.RUNNING_TIME, "Salaires des éducateurs", "67500", U.EUROS, P.PER_YEAR),
    (C.INVESTMENT, "Véhicule utilitaire", "18000", U.EUROS, P.ONE_OFF),
    (C.INVESTMENT, "Entretien du véhicule", "1200", U.EUROS, P.PER_YEAR),
    (C.RUNNING_COST, "Rémunération des jeunes", "2500", U.EUROS, P.PER_MONTH),
    (C.RUNNING_COST, "Tenues de travail", "85.50", U.EUROS, P.PER_BENEFICIARY),
    (C.EXCEPTIONAL_FUNDING, "Fonds d'expérimentation jeunesse", "50000", U.EUROS, P.ONE_OFF),
    (C.COST_AVOIDED, "Hospitalisations évitées", "1200", U.EUROS, P.PER_BENEFICIARY),
    (C.COST_AVOIDED, "Interventions d'urgence", "24000", U.EUROS, P.PER_YEAR),
]


def grid(innovation, lines=TAPAJ_GRID):
    for category, label, amount, unit, period in lines:
        EconomicLine.objects.create(innovation=innovation, category=category, label=label,
                                    amount=Decimal(amount), unit=unit, period=period)
    return economic_summary(innovation)


def values(row):
    return row.one_off.value, row.annual.value, row.per_beneficiary.value


def test_totals_per_category_keep_euros_days_and_fte_apart():
    summary = grid(InnovationFactory(beneficiaries_per_year=120))
    # One-off, per year (monthly amounts × 12), per beneficiary — computed by hand.
    assert [(r.category, r.unit, *values(r)) for r in summary.rows] == [
        (C.SETUP_TIME, U.DAYS, 40, 0, 0),
        (C.RUNNING_TIME, U.EUROS, 0, 67500, 0),
        (C.RUNNING_TIME, U.DAYS, 0, 48, 0),
        (C.RUNNING_TIME, U.FTE, 0, Decimal("1.5"), 0),
        (C.INVESTMENT, U.EUROS, 18000, 1200, 0),
        (C.RUNNING_COST, U.EUROS, 0, 30000, Decimal("85.50")),
        (C.EXCEPTIONAL_FUNDING, U.EUROS, 50000, 0, 0),
        (C.COST_AVOIDED, U.EUROS, 0, 24000, 1200),
    ]
    assert [r.category for r in summary.time_rows] == [C.SETUP_TIME, C.RUNNING_TIME,
                                                       C.RUNNING_TIME]
    # Funding is a resource and costs avoided a gain: neither counts as a cost.
    assert values(summary.cost_total) == (18000, 67500 + 1200 + 30000, Decimal("85.50"))
    assert [r.category for r in summary.other_money_rows] == [C.EXCEPTIONAL_FUNDING,
                                                              C.COST_AVOIDED]


def test_cost_per_beneficiary_shares_the_yearly_costs_and_adds_those_per_head():
    summary = grid(InnovationFactory(beneficiaries_per_year=120))
    # (67 500 + 1 200 + 2 500 × 12) / 120 + 85,50 = 98 700 / 120 + 85,50 = 822,50 + 85,50
    assert summary.cost_per_beneficiary.value.value == Decimal("908.00")
    # 4 days × 12 / 120
    assert summary.running_days_per_beneficiary.value == Quantity(Decimal("0.40"), U.DAYS)
    # 24 000 / 120 + 1 200
    assert summary.avoided_per_beneficiary.value.value == Decimal("1400.00")
    # 24 000 + 1 200 × 120
    assert summary.avoided_per_year.value.value == Decimal("168000.00")


def test_a_record_without_beneficiaries_says_what_cannot_be_computed():
    summary = grid(InnovationFactory(beneficiaries_per_year=None))
    assert summary.beneficiaries is None
    for figure in (summary.cost_per_beneficiary, summary.running_days_per_beneficiary,
                   summary.avoided_per_beneficiary, summary.avoided_per_year):
        assert not figure.is_known
        assert figure.reason
    # Totals do not need the number of beneficiaries.
    assert summary.total(C.RUNNING_COST).annual.value == 30000


def test_zero_beneficiaries_is_no_division_by_zero():
    summary = grid(InnovationFactory(beneficiaries_per_year=0))
    assert not summary.cost_per_beneficiary.is_known


def test_costs_given_per_beneficiary_need_no_number_of_beneficiaries():
    summary = grid(InnovationFactory(beneficiaries_per_year=None), [
        (C.RUNNING_COST, "Tenues", "85.50", U.EUROS, P.PER_BENEFICIARY),
        (C.INVESTMENT, "Ordinateur", "900", U.EUROS, P.ONE_OFF),
    ])
    assert summary.cost_per_beneficiary.value.value == Decimal("85.50")
    assert not summary.avoided_per_beneficiary.is_known


def test_shares_are_rounded_to_the_cent():
    summary = grid(InnovationFactory(beneficiaries_per_year=3), [
        (C.RUNNING_COST, "Loyer", "1000", U.EUROS, P.PER_YEAR)])
    assert summary.cost_per_beneficiary.value.value == Decimal("333.33")


def test_a_record_without_lines_has_no_figures():
    summary = economic_summary(InnovationFactory(beneficiaries_per_year=50))
    assert not summary.has_lines
    assert summary.cost_total is None
    assert not summary.cost_per_beneficiary.is_known


# --- Numbers in the reader's language -------------------------------------------------------


@pytest.mark.parametrize(("language", "quantity", "text"), [
    ("fr", Quantity(Decimal("12345.5")), "12\u202f345,50\u00a0€"),
    ("fr", Quantity(Decimal("168000.00")), "168\u202f000\u00a0€"),
    ("fr", Quantity(Decimal("0.40"), U.DAYS), "0,40\u00a0days"),
    ("fr", Quantity(Decimal("1.5"), U.FTE), "1,50\u00a0FTE"),
    ("en", Quantity(Decimal("12345.5")), "12,345.50\u00a0€"),
    ("en", Quantity(Decimal("1234567")), "1,234,567\u00a0€"),
])
def test_amounts_are_written_the_readers_way(language, quantity, text):
    # Units may be translated; the digits, separators and spaces may not vary.
    with translation.override(language):
        rendered = str(quantity)
    number = text.split("\u00a0")[0]
    assert rendered.startswith(number + "\u00a0")


# --- Amounts typed in a form --------------------------------------------------------------


@pytest.mark.parametrize(("typed", "amount"), [
    ("1200", Decimal("1200")),
    ("1 200,50", Decimal("1200.50")),
    ("1\u202f200,5", Decimal("1200.5")),
    ("1\u00a0200,5 €", Decimal("1200.5")),
    ("1200.5", Decimal("1200.5")),
    ("1.200,50", Decimal("1200.50")),
    ("0,5", Decimal("0.5")),
])
def test_amounts_accept_a_french_decimal_comma(typed, amount):
    field = AmountField(min_value=Decimal(0), max_digits=12, decimal_places=2)
    with translation.override("fr"):
        assert field.clean(typed) == amount


@pytest.mark.parametrize(("typed", "code"), [
    ("-5", "min_value"), ("-0,01", "min_value"), ("douze", "invalid"), ("1,2,3", "invalid"),
    ("NaN", "invalid"), ("Infinity", "invalid"), ("1e400", "max_digits"),
    ("9" * 400, "invalid"), ("1,234", "max_decimal_places"), ("\x00", "invalid"),
])
def test_amounts_refuse_what_is_not_a_positive_amount(typed, code):
    field = AmountField(min_value=Decimal(0), max_digits=12, decimal_places=2)
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        field.clean(typed)
    assert [error.code for error in caught.value.error_list] == [code]


def test_in_english_a_comma_groups_thousands():
    field = AmountField(min_value=Decimal(0), max_digits=12, decimal_places=2)
    with translation.override("en"):
        assert field.clean("1,234") == Decimal("1234")
        assert field.clean("1,5") == Decimal("1.5")


# --- Through the pages ------------------------------------------------------------------------


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def line_data(index, **fields):
    data = {"category": C.RUNNING_COST, "label": "Loyer", "nature": "", "amount": "1 200,50",
            "unit": U.EUROS, "period": P.PER_MONTH, **fields}
    return {f"lines-{index}-{name}": value for name, value in data.items()}


def test_the_grid_page_saves_lines_typed_the_french_way_and_shows_totals(client, ines,
                                                                         ines_structure):
    innovation = InnovationFactory(owner=ines_structure, beneficiaries_per_year=10)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "economics"])
    response = client.post(url, {**management("lines", 1), **line_data(0)})
    assert response.status_code == 302
    assert response["Location"] == url  # the page shows the new totals
    line = innovation.economic_lines.get()
    assert line.amount == Decimal("1200.50")
    summary = client.get(url).context["economics"]
    assert summary.total(C.RUNNING_COST).annual.value == Decimal("14406.00")
    assert summary.cost_per_beneficiary.value.value == Decimal("1440.60")


@pytest.mark.parametrize(("amount", "code"), [("-10", "min_value"), ("beaucoup", "invalid")])
def test_a_bad_amount_is_shown_next_to_its_field_and_nothing_is_saved(client, ines,
                                                                      ines_structure, amount,
                                                                      code):
    innovation = InnovationFactory(owner=ines_structure)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "economics"])
    data = {**management("lines", 2), **line_data(0, label="Bonne"),
            **line_data(1, amount=amount)}
    response = client.post(url, data)
    assert response.status_code == 200
    formset = response.context["formsets"][0].formset
    assert formset.forms[1].errors.as_data()["amount"][0].code == code
    # What was typed is kept.
    assert formset.forms[1]["amount"].value() == amount
    assert not innovation.economic_lines.exists()


def test_full_time_equivalents_per_month_are_refused_next_to_the_period(client, ines,
                                                                        ines_structure):
    innovation = InnovationFactory(owner=ines_structure)
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "economics"])
    response = client.post(url, {**management("lines", 1),
                                 **line_data(0, unit=U.FTE, amount="0,5")})
    assert response.status_code == 200
    errors = response.context["formsets"][0].formset.forms[0].errors.as_data()
    assert errors["period"][0].code == "fte_per_month"
    assert not innovation.economic_lines.exists()
