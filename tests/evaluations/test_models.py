"""Invariants the database keeps for evaluations, and who sees what."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from evaluations.models import (
    EvaluationPlan,
    FidelityAssessment,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Questionnaire,
    QuestionnaireAssignment,
    ReportingPeriod,
    SiteReport,
)

from ..factories import (
    DisaggregationCategoryFactory,
    DisaggregationFactory,
    EvaluationPhaseFactory,
    EvaluationPlanFactory,
    FidelityAssessmentFactory,
    FidelityRatingFactory,
    FidelityScaleFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    QuestionnaireAssignmentFactory,
    QuestionnaireFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    SiteReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **kwargs):
    """True when the database refuses the row."""
    try:
        with transaction.atomic():
            factory(**kwargs)
    except IntegrityError:
        return True
    return False


# --- Constraints -----------------------------------------------------------------------------


def test_a_plan_has_each_phase_once(project):
    plan = EvaluationPlanFactory(project=project)
    EvaluationPhaseFactory(plan=plan, number=1)

    assert refused(EvaluationPhaseFactory, plan=plan, number=1)
    assert not refused(EvaluationPhaseFactory, plan=plan, number=2)


def test_a_phase_ends_after_it_starts(project):
    plan = EvaluationPlanFactory(project=project)

    assert refused(EvaluationPhaseFactory, plan=plan, starts_on=date(2025, 6, 1),
                   ends_on=date(2025, 5, 31))


def test_indicator_codes_are_unique_per_project(project):
    IndicatorFactory(project=project, code="EMP-1")

    assert refused(IndicatorFactory, project=project, code="EMP-1")
    assert not refused(IndicatorFactory, code="EMP-1")


def test_measure_goes_with_kind_and_percentages_have_no_unit(project):
    assert refused(IndicatorFactory, project=project, kind=Indicator.Kind.QUALITATIVE,
                   measure=Indicator.Measure.NUMBER)
    assert refused(IndicatorFactory, project=project, measure="")
    assert refused(IndicatorFactory, project=project, measure=Indicator.Measure.PERCENTAGE,
                   unit="%")


def test_one_target_per_indicator_site_category_and_date_even_when_empty(project, bob_site):
    indicator = IndicatorFactory(project=project)
    IndicatorTargetFactory(indicator=indicator)  # the whole project, in total
    IndicatorTargetFactory(indicator=indicator, site=bob_site)

    assert refused(IndicatorTargetFactory, indicator=indicator)
    assert refused(IndicatorTargetFactory, indicator=indicator, site=bob_site)
    assert not refused(IndicatorTargetFactory, indicator=indicator,
                       period_end=date(2026, 12, 31))
    assert IndicatorTarget.objects.count() == 3


def test_a_target_has_a_value_or_a_level(project):
    assert refused(IndicatorTargetFactory, indicator=IndicatorFactory(project=project),
                   value=None, level=None)


def test_reporting_periods_end_after_start_and_fall_due_after_end(project):
    ReportingPeriodFactory(project=project)

    assert refused(ReportingPeriodFactory, project=project)  # same start, same frequency
    assert refused(ReportingPeriodFactory, project=project, starts_on=date(2025, 4, 1),
                   ends_on=date(2025, 3, 31))
    assert refused(ReportingPeriodFactory, project=project, starts_on=date(2025, 4, 1),
                   ends_on=date(2025, 6, 30), due_on=date(2025, 6, 29))


def test_one_report_per_site_and_period_and_a_validated_report_is_locked(bob_site):
    report = SiteReportFactory(site=bob_site)

    assert refused(SiteReportFactory, site=bob_site, period=report.period)
    report.status = SiteReport.Status.VALIDATED
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_one_value_per_indicator_and_category_in_a_report_total_included(bob_site):
    report = SiteReportFactory(site=bob_site)
    indicator = IndicatorFactory(project=bob_site.project)
    women = DisaggregationCategoryFactory(
        disaggregation=DisaggregationFactory(indicator=indicator))
    IndicatorValueFactory(report=report, indicator=indicator)
    IndicatorValueFactory(report=report, indicator=indicator, category=women)

    assert refused(IndicatorValueFactory, report=report, indicator=indicator)
    assert refused(IndicatorValueFactory, report=report, indicator=indicator, category=women)
    assert IndicatorValue.objects.count() == 2


@pytest.mark.parametrize("numerator, denominator", [
    (Decimal("6"), Decimal("5")),   # more successes than people
    (Decimal("0"), Decimal("0")),   # a share of nobody
    (Decimal("-1"), Decimal("5")),
])
def test_percentages_keep_numerator_within_a_positive_denominator(bob_site, numerator,
                                                                  denominator):
    report = SiteReportFactory(site=bob_site)

    assert refused(IndicatorValueFactory, report=report, value=None, numerator=numerator,
                   denominator=denominator)


def test_a_value_may_be_negative(bob_site):
    """A balance or a change can be below zero: only ratios are held to be positive."""
    assert not refused(IndicatorValueFactory, report=SiteReportFactory(site=bob_site),
                       value=Decimal("-3"))


def test_fidelity_scales_have_four_or_five_levels_and_a_threshold_below_the_top(project):
    assert refused(FidelityScaleFactory, project=project, max_level=3)
    assert refused(FidelityScaleFactory, project=project, max_level=4, alert_threshold=4)
    assert not refused(FidelityScaleFactory, project=project, max_level=5, alert_threshold=4)


def test_an_item_is_rated_once_per_assessment_at_level_one_or_more(bob_site):
    rating = FidelityRatingFactory(assessment__site=bob_site)

    assert refused(FidelityRatingFactory, assessment=rating.assessment, item=rating.item)
    assert refused(FidelityRatingFactory, assessment=rating.assessment, level=0)


def test_one_assessment_per_site_date_and_method(bob_site):
    FidelityAssessmentFactory(site=bob_site)

    assert refused(FidelityAssessmentFactory, site=bob_site)
    assert not refused(FidelityAssessmentFactory, site=bob_site,
                       method=FidelityAssessment.Method.EXTERNAL)


def test_questionnaires_go_to_someone_once_and_peers_assess_another_site(project, bob_site,
                                                                        carol_site, bob):
    questionnaire = QuestionnaireFactory(project=project)
    QuestionnaireAssignmentFactory(questionnaire=questionnaire, site=bob_site)
    QuestionnaireAssignmentFactory(questionnaire=questionnaire, site=None, person=bob)

    assert refused(QuestionnaireAssignmentFactory, questionnaire=questionnaire, site=bob_site)
    assert refused(QuestionnaireAssignmentFactory, questionnaire=questionnaire, site=None,
                   person=bob)
    assert refused(QuestionnaireAssignmentFactory, questionnaire=questionnaire, site=None)
    assert refused(QuestionnaireAssignmentFactory, questionnaire=questionnaire, site=bob_site,
                   peer_site=bob_site)
    assert not refused(QuestionnaireAssignmentFactory, questionnaire=questionnaire,
                       site=bob_site, peer_site=carol_site)


# --- Who sees what ---------------------------------------------------------------------------


@pytest.fixture
def evaluated(project, bob_site, carol_site, bob, carol):
    """A plan, an indicator, a quarter reported by both sites, an assessment of each site and
    a questionnaire sent to bob's site; another project nobody in the cast reads."""
    EvaluationPlanFactory(project=project)
    indicator = IndicatorFactory(project=project)
    period = ReportingPeriodFactory(project=project)
    for site in (bob_site, carol_site):
        IndicatorValueFactory(report=SiteReportFactory(site=site, period=period),
                              indicator=indicator)
        FidelityAssessmentFactory(site=site)
    QuestionnaireAssignmentFactory(questionnaire=QuestionnaireFactory(project=project),
                                   site=bob_site)

    elsewhere = ScalingProjectFactory()
    EvaluationPlanFactory(project=elsewhere)
    IndicatorFactory(project=elsewhere)
    SiteReportFactory(site__project=elsewhere)
    FidelityAssessmentFactory(site__project=elsewhere)
    QuestionnaireFactory(project=elsewhere)
    return project


def visible(user):
    return {
        "plans": EvaluationPlan.objects.visible_to(user).count(),
        "indicators": Indicator.objects.visible_to(user).count(),
        "periods": ReportingPeriod.objects.visible_to(user).count(),
        "reports": SiteReport.objects.visible_to(user).count(),
        "values": IndicatorValue.objects.visible_to(user).count(),
        "assessments": FidelityAssessment.objects.visible_to(user).count(),
        "questionnaires": Questionnaire.objects.visible_to(user).count(),
        "assignments": QuestionnaireAssignment.objects.visible_to(user).count(),
    }


def test_staff_and_funders_see_the_whole_evaluation_of_their_project(evaluated, alice, fanny):
    everything = {"plans": 1, "indicators": 1, "periods": 1, "reports": 2, "values": 2,
                  "assessments": 2, "questionnaires": 1, "assignments": 1}

    assert visible(alice) == everything
    assert visible(fanny) == everything


@pytest.mark.parametrize("name", ["bob", "carol"])
def test_adopters_see_their_own_site_and_not_the_plan(evaluated, name, request):
    user = request.getfixturevalue(name)
    own_questionnaire = 1 if name == "bob" else 0

    assert visible(user) == {"plans": 0, "indicators": 1, "periods": 1, "reports": 1,
                             "values": 1, "assessments": 1,
                             "questionnaires": own_questionnaire,
                             "assignments": own_questionnaire}


def test_adopters_see_reports_of_their_own_site_only(evaluated, bob, bob_site):
    assert set(SiteReport.objects.visible_to(bob).values_list("site", flat=True)) == {bob_site.pk}
    assert set(FidelityAssessment.objects.visible_to(bob)
               .values_list("site", flat=True)) == {bob_site.pk}


def test_a_person_sees_a_questionnaire_sent_to_them(evaluated):
    person = UserFactory()
    QuestionnaireAssignmentFactory(questionnaire=Questionnaire.objects.first(), site=None,
                                   person=person)

    assert Questionnaire.objects.visible_to(person).count() == 1


def test_outsiders_see_nothing(evaluated, oscar):
    from django.contrib.auth.models import AnonymousUser

    nothing = dict.fromkeys(visible(oscar), 0)
    assert visible(oscar) == nothing
    assert visible(AnonymousUser()) == nothing


def test_admins_see_everything(evaluated, admin_user):
    assert visible(admin_user)["plans"] == 2
