"""Reporting: the calendar of periods, entering values with bad input, and the review
(submit, return with a comment, validate and lock, reopen)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import translation

from evaluations.models import IndicatorValue, ReportingPeriod, SiteReport
from evaluations.services.reporting import (
    Entry,
    entry_key,
    generate_periods,
    open_report,
    reopen_report,
    return_value,
    save_values,
    submit_report,
    validate_report,
)

from ..factories import (
    DisaggregationCategoryFactory,
    DisaggregationFactory,
    IndicatorFactory,
    PercentageIndicatorFactory,
    QualitativeIndicatorFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

Q = "quarterly"


def codes(excinfo) -> dict:
    return {field: [error.code for error in errors]
            for field, errors in excinfo.value.error_dict.items()}


def messages(excinfo) -> dict:
    return {field: [str(error.message) for error in errors]
            for field, errors in excinfo.value.error_dict.items()}


# --- The calendar ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English, whatever state the French catalogue is in.
    with translation.override("en"):
        yield


def test_quarters_are_calendar_quarters(project, alice):
    periods = generate_periods(project, Q, date(2025, 2, 10), date(2025, 11, 3), user=alice)

    assert [(p.starts_on, p.ends_on, p.due_on) for p in periods] == [
        (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 30)),
        (date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 30)),
        (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 30)),
    ]


def test_months_and_years(project, alice):
    months = generate_periods(project, "monthly", date(2024, 12, 1), date(2025, 2, 1),
                              user=alice, due_after_days=10)
    years = generate_periods(project, "yearly", date(2024, 6, 1), date(2025, 6, 1), user=alice)

    assert [(p.starts_on, p.ends_on, p.due_on) for p in months] == [
        (date(2024, 12, 1), date(2024, 12, 31), date(2025, 1, 10)),
        (date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 10)),
        (date(2025, 2, 1), date(2025, 2, 28), date(2025, 3, 10)),
    ]
    assert [p.label for p in years] == ["2024", "2025"]


def test_labels_are_in_french_whoever_generates_them(project, alice):
    with translation.override("fr"):
        if translation.gettext("Q%(quarter)s %(year)s") == "Q%(quarter)s %(year)s":
            pytest.skip("The French catalogue does not have the evaluation strings yet.")

    quarters = generate_periods(project, Q, date(2025, 1, 1), date(2025, 6, 30), user=alice)
    months = generate_periods(project, "monthly", date(2025, 1, 1), date(2025, 2, 1),
                              user=alice)

    assert [p.label for p in quarters] == ["T1 2025", "T2 2025"]
    assert [p.label for p in months] == ["janv. 2025", "févr. 2025"]


def test_generating_twice_creates_nothing_more(project, alice):
    generate_periods(project, Q, date(2025, 1, 1), date(2025, 6, 30), user=alice)
    again = generate_periods(project, Q, date(2025, 1, 1), date(2025, 12, 31), user=alice)

    assert len(again) == 4
    assert ReportingPeriod.objects.count() == 4


def test_a_period_outside_the_projects_dates_is_refused(project, alice):
    project.started_on = date(2025, 4, 15)
    project.save()
    project.programme.end_date = date(2026, 6, 30)
    project.programme.save()

    with pytest.raises(ValidationError) as before:
        generate_periods(project, Q, date(2025, 1, 1), date(2025, 12, 31), user=alice)
    with pytest.raises(ValidationError) as after:
        generate_periods(project, Q, date(2025, 4, 1), date(2026, 7, 1), user=alice)

    assert codes(before) == {"start": ["before_project"]}
    assert codes(after) == {"end": ["after_project"]}
    assert not ReportingPeriod.objects.exists()
    # The quarter in which the project starts is allowed.
    assert len(generate_periods(project, Q, date(2025, 4, 1), date(2026, 6, 30),
                                user=alice)) == 5


def test_the_end_comes_after_the_start(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        generate_periods(project, Q, date(2025, 6, 1), date(2025, 1, 1), user=alice)

    assert codes(excinfo) == {"end": ["end_before_start"]}


def test_adopters_do_not_set_the_calendar(project, bob, bob_site):
    with pytest.raises(PermissionDenied):
        generate_periods(project, Q, date(2025, 1, 1), date(2025, 3, 31), user=bob)


# --- Entering values -------------------------------------------------------------------------


@pytest.fixture
def quarter(project):
    return ReportingPeriodFactory(project=project)


@pytest.fixture
def count(project):
    return IndicatorFactory(project=project, code="JEUNES", name="Jeunes accompagnés")


@pytest.fixture
def share(project):
    return PercentageIndicatorFactory(project=project, code="SORTIES",
                                      name="Part des sorties en emploi")


@pytest.fixture
def scale(project):
    return QualitativeIndicatorFactory(project=project, code="APPRO", name="Appropriation",
                                       levels=4)


@pytest.fixture
def report(bob_site, quarter, bob):
    return open_report(bob_site, quarter, bob)


def test_an_adopter_enters_a_count_a_percentage_and_a_level(report, bob, count, share, scale):
    save_values(report, [
        Entry(count, value="1 250"),
        Entry(share, numerator="12", denominator="40"),
        Entry(scale, level="3", narrative="Équipe formée, outils en place."),
    ], bob)

    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    assert values["JEUNES"].value == Decimal("1250")
    assert (values["SORTIES"].numerator, values["SORTIES"].denominator) == (12, 40)
    assert values["APPRO"].level == 3
    assert values["APPRO"].history.first().history_user == bob


def test_text_in_a_numeric_value_is_refused_and_nothing_is_saved(report, bob, count, share):
    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(share, numerator="3", denominator="4"),
                             Entry(count, value="douze")], bob)

    assert messages(excinfo) == {
        entry_key(count.pk, None, "value"): ["“douze” is not a number."]}
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("numerator, denominator, field, message", [
    ("41", "40", "numerator", "The numerator (41) cannot exceed the denominator (40)."),
    ("0", "0", "denominator", "The denominator must be above zero."),
    ("3", "", "denominator", "Enter both the numerator and the denominator."),
    ("-1", "4", "numerator", "The numerator cannot be negative."),
    ("1/2", "4", "numerator", "“1/2” is not a number."),
])
def test_a_percentage_needs_a_numerator_within_a_positive_denominator(
        report, bob, share, numerator, denominator, field, message):
    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(share, numerator=numerator, denominator=denominator)], bob)

    assert messages(excinfo) == {entry_key(share.pk, None, field): [message]}


def test_a_percentage_is_entered_as_numerator_and_denominator(report, bob, share):
    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(share, value="30")], bob)

    assert list(excinfo.value.error_dict) == [entry_key(share.pk, None, "value")]


@pytest.mark.parametrize("level", ["0", "5", "beaucoup"])
def test_a_level_outside_the_scale_is_refused(report, bob, scale, level):
    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(scale, level=level)], bob)

    assert list(excinfo.value.error_dict) == [entry_key(scale.pk, None, "level")]


def test_every_error_is_reported_at_once(report, bob, count, share, scale):
    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(count, value="x"),
                             Entry(share, numerator="5", denominator="2"),
                             Entry(scale, level="9")], bob)

    assert set(excinfo.value.error_dict) == {entry_key(count.pk, None, "value"),
                                             entry_key(share.pk, None, "numerator"),
                                             entry_key(scale.pk, None, "level")}


def test_categories_are_entered_beside_the_total(report, bob, count):
    women = DisaggregationCategoryFactory(
        disaggregation=DisaggregationFactory(indicator=count), code="f", label="Femmes")

    save_values(report, [Entry(count, value="10"), Entry(count, women, value="4")], bob)
    save_values(report, [Entry(count, women, value="5")], bob)

    assert dict(report.values.values_list("category", "value")) == {None: 10, women.pk: 5}


def test_a_blank_entry_removes_the_value(report, bob, count):
    save_values(report, [Entry(count, value="10")], bob)
    save_values(report, [Entry(count, value=" ")], bob)

    assert not report.values.exists()


def test_an_adopter_does_not_enter_an_indicator_reported_by_staff(report, bob, alice, project):
    by_staff = IndicatorFactory(project=project, reported_by="staff")

    with pytest.raises(ValidationError) as excinfo:
        save_values(report, [Entry(by_staff, value="3")], bob)
    assert messages(excinfo) == {entry_key(by_staff.pk, None, "value"): [
        "The programme's staff report this indicator."]}
    assert save_values(report, [Entry(by_staff, value="3")], alice)[0].value == 3


def test_an_indicator_of_another_frequency_is_refused(report, bob, project):
    yearly = IndicatorFactory(project=project, frequency="yearly")

    with pytest.raises(ValidationError):
        save_values(report, [Entry(yearly, value="3")], bob)


def test_an_indicator_of_another_project_is_refused(report, bob):
    with pytest.raises(ValidationError):
        save_values(report, [Entry(IndicatorFactory(), value="3")], bob)


def test_an_adopter_does_not_report_for_another_site(carol_site, quarter, bob, count):
    with pytest.raises(PermissionDenied):
        open_report(carol_site, quarter, bob)
    report = SiteReport.objects.create(site=carol_site, period=quarter)
    with pytest.raises(PermissionDenied):
        save_values(report, [Entry(count, value="3")], bob)


@pytest.mark.parametrize("name", ["fanny", "oscar"])
def test_funders_and_outsiders_enter_nothing(report, count, name, request):
    with pytest.raises(PermissionDenied):
        save_values(report, [Entry(count, value="3")], request.getfixturevalue(name))


# --- Review ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(report, bob, count, share):
    save_values(report, [Entry(count, value="10"), Entry(share, numerator="3", denominator="4")],
                bob)
    return submit_report(report, bob)


def test_submitting_needs_every_required_total(report, bob, count, share):
    save_values(report, [Entry(count, value="10")], bob)

    with pytest.raises(ValidationError) as excinfo:
        submit_report(report, bob)
    assert codes(excinfo) == {entry_key(share.pk, None, "numerator"): ["required"]}


def test_submitting_sends_every_value_for_review(submitted, bob):
    assert submitted.status == SiteReport.Status.SUBMITTED
    assert submitted.submitted_by == bob
    assert set(submitted.values.values_list("status", flat=True)) == {"submitted"}


def test_a_submitted_report_waits_for_review(submitted, bob, count):
    with pytest.raises(ValidationError) as excinfo:
        save_values(submitted, [Entry(count, value="11")], bob)
    assert codes(excinfo) == {NON_FIELD_ERRORS: ["awaiting_review"]}
    with pytest.raises(ValidationError) as excinfo:
        submit_report(submitted, bob)
    assert codes(excinfo) == {NON_FIELD_ERRORS: ["already_submitted"]}


def test_staff_return_a_value_with_a_comment_and_the_adopter_fixes_it(submitted, alice, bob,
                                                                      count):
    value = submitted.values.get(indicator=count)

    with pytest.raises(ValidationError) as excinfo:
        return_value(value, alice, "  ")
    assert codes(excinfo) == {"review_comment": ["comment_required"]}

    return_value(value, alice, "Le chiffre ne correspond pas à la feuille d'émargement.")
    value.refresh_from_db()
    submitted.refresh_from_db()
    assert value.status == IndicatorValue.Status.RETURNED
    assert submitted.status == SiteReport.Status.RETURNED

    save_values(submitted, [Entry(count, value="12")], bob)
    submit_report(submitted, bob)
    value.refresh_from_db()
    assert (value.value, value.status) == (12, IndicatorValue.Status.SUBMITTED)


@pytest.mark.parametrize("name", ["bob", "carol", "fanny"])
def test_only_staff_return_and_validate(submitted, name, request):
    user = request.getfixturevalue(name)
    with pytest.raises(PermissionDenied):
        return_value(submitted.values.first(), user, "Non")
    with pytest.raises(PermissionDenied):
        validate_report(submitted, user)


def test_validating_locks_the_period_and_twice_is_refused(submitted, alice, bob, count):
    validate_report(submitted, alice)
    submitted.refresh_from_db()

    assert submitted.is_locked and submitted.validated_by == alice
    assert set(submitted.values.values_list("status", flat=True)) == {"validated"}
    with pytest.raises(ValidationError) as twice:
        validate_report(submitted, alice)
    assert codes(twice) == {NON_FIELD_ERRORS: ["already_validated"]}
    assert messages(twice) == {NON_FIELD_ERRORS: ["This report is already validated."]}


def test_a_value_for_a_locked_period_is_refused(submitted, alice, bob, count):
    validate_report(submitted, alice)

    for user in (bob, alice):
        with pytest.raises(ValidationError) as excinfo:
            save_values(submitted, [Entry(count, value="99")], user)
        assert codes(excinfo) == {NON_FIELD_ERRORS: ["locked"]}
    with pytest.raises(ValidationError):
        return_value(submitted.values.first(), alice, "Trop tard")
    assert submitted.values.get(indicator=count).value == 10


def test_a_draft_cannot_be_validated(report, alice):
    with pytest.raises(ValidationError) as excinfo:
        validate_report(report, alice)

    assert codes(excinfo) == {NON_FIELD_ERRORS: ["not_submitted"]}


def test_staff_reopen_a_validated_period_with_a_reason(submitted, alice, bob, count):
    validate_report(submitted, alice)

    with pytest.raises(ValidationError) as excinfo:
        reopen_report(submitted, alice, "")
    assert codes(excinfo) == {"reason": ["reason_required"]}
    with pytest.raises(PermissionDenied):
        reopen_report(submitted, bob, "Erreur de saisie")

    reopen_report(submitted, alice, "Erreur de saisie signalée par le site")
    submitted.refresh_from_db()
    assert not submitted.is_locked
    assert submitted.status == SiteReport.Status.RETURNED
    assert submitted.history.first().history_change_reason == (
        "Erreur de saisie signalée par le site")
    save_values(submitted, [Entry(count, value="11")], bob)
