"""Scaling projects move through the stages by gate decisions; the services refuse what the
pipeline does not allow, with a code, and keep everything in the history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innovations.models import Innovation
from programmes import pipeline
from programmes.models import (
    AssessmentScore,
    Decision,
    GovernanceBody,
    Meeting,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    Stage,
    StageEvent,
    StagePlan,
    Stakeholder,
    StrategyModel,
    ToolkitItem,
    TrainingSession,
)
from programmes.services import pipeline as services

from ..factories import (
    AdopterSiteFactory,
    GovernanceBodyFactory,
    InnovationFactory,
    MeetingFactory,
    PublishedInnovationFactory,
    ResourceFactory,
    ScalingProjectFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    department,
)

pytestmark = pytest.mark.django_db

Status = ScalingProject.Status
TODAY = timezone.localdate


def codes(excinfo) -> set[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def decide(project, author, decision="go", reason="Décision du comité.", **kwargs):
    return services.record_decision(project, author=author, decision=decision, reason=reason,
                                    **kwargs)


def at_stage(project, stage, status=Status.IN_PROGRESS):
    project.stage, project.status = stage, status
    project.save()
    return project


def complete_feasibility(project):
    assessment = ReplicabilityAssessment.objects.create(
        project=project, recommendation=ReplicabilityAssessment.Recommendation.GO)
    for criterion in AssessmentScore.Criterion.values:
        AssessmentScore.objects.create(assessment=assessment, criterion=criterion, score=3)
    strategy = ScalingStrategy.objects.create(project=project)
    StrategyModel.objects.create(strategy=strategy, model="scale_up", subtype="flexible")
    strategy.target_territories.add(department("58"))


def complete_mobilisation(project):
    committee = GovernanceBodyFactory(project=project)
    MeetingFactory(body=committee, status=Meeting.Status.HELD,
                   starts_at=timezone.now() - timedelta(days=3))
    Stakeholder.objects.create(project=project, name="DDETS de la Nièvre",
                               category=Stakeholder.Category.STATE)
    AdopterSiteFactory(project=project)


def complete_scaling_up(project):
    module = TrainingModuleFactory(project=project)
    TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    ToolkitItem.objects.create(project=project, resource=ResourceFactory(), version="1")


def met(project, stage=None) -> dict[str, bool]:
    return {check.code: check.is_met for check in pipeline.checklist(project, stage)}


# --- Creating a project -------------------------------------------------------------------


def test_a_project_starts_at_stage_0_with_a_plan_for_every_stage(programme, alice):
    innovation = PublishedInnovationFactory(title="SOLENI")
    project = services.create_project(programme, author=alice, innovation=innovation,
                                      staff_lead=alice)
    assert project.title == "SOLENI"
    assert (project.stage, project.status) == (Stage.IDENTIFICATION, Status.IN_PROGRESS)
    plans = {plan.stage: plan for plan in project.stage_plans.all()}
    assert list(plans) == pipeline.STAGE_ORDER
    assert plans[Stage.IDENTIFICATION].actual_start == TODAY()
    assert project.history.count() == 1
    assert project.history.first().history_user == alice


def test_only_a_published_innovation_can_be_scaled_up(programme, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.create_project(programme, author=alice, innovation=InnovationFactory())
    assert codes(excinfo) == {"innovation_not_published"}
    assert not ScalingProject.objects.exists()


def test_the_staff_lead_is_one_of_the_programme_staff(programme, alice, remi):
    with pytest.raises(ValidationError) as excinfo:
        services.create_project(programme, author=alice, innovation=PublishedInnovationFactory(),
                                staff_lead=remi)
    assert codes(excinfo) == {"lead_not_staff"}


def test_a_project_cannot_start_in_the_future(programme, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.create_project(programme, author=alice, innovation=PublishedInnovationFactory(),
                                started_on=TODAY() + timedelta(days=1))
    assert codes(excinfo) == {"date_in_future"}


@pytest.mark.parametrize("name", ["fanny", "bob", "oscar"])
def test_only_the_programme_staff_open_projects(pipeline_cast, programme, name):
    with pytest.raises(PermissionDenied):
        services.create_project(programme, author=pipeline_cast[name],
                                innovation=PublishedInnovationFactory())


def test_editing_a_project_refuses_a_lead_outside_the_staff(project, alice, remi):
    with pytest.raises(ValidationError) as excinfo:
        services.update_project(project, author=alice, title="TAPAJ", staff_lead=remi)
    assert codes(excinfo) == {"lead_not_staff"}
    services.update_project(project, author=alice, title=" TAPAJ Nièvre ", staff_lead=alice)
    project.refresh_from_db()
    assert (project.title, project.staff_lead) == ("TAPAJ Nièvre", alice)


# --- The checklist, computed from the data ------------------------------------------------


def test_leaving_identification_needs_a_published_record(project):
    assert met(project) == {"innovation_published": True}
    Innovation.objects.filter(pk=project.innovation_id).update(status=Innovation.Status.DRAFT)
    assert met(project) == {"innovation_published": False}


def test_feasibility_checks_follow_the_assessment_and_the_strategy(project):
    at_stage(project, Stage.FEASIBILITY)
    assert not any(met(project).values())
    assessment = ReplicabilityAssessment.objects.create(project=project)
    for criterion in AssessmentScore.Criterion.values[:-1]:
        AssessmentScore.objects.create(assessment=assessment, criterion=criterion, score=4)
    assert met(project)["assessment_complete"] is False  # one criterion is not scored
    AssessmentScore.objects.create(assessment=assessment, criterion="risks", score=2)
    assert met(project)["assessment_complete"] is True
    assert met(project)["assessment_go"] is False
    assessment.recommendation = ReplicabilityAssessment.Recommendation.GO_WITH_CONDITIONS
    assessment.save()
    assert met(project)["assessment_go"] is True
    strategy = ScalingStrategy.objects.create(project=project)
    assert met(project)["strategy_model"] is False
    StrategyModel.objects.create(strategy=strategy, model="scale_across")
    strategy.target_territories.add(department("38"))
    assert all(met(project).values())


def test_a_no_go_recommendation_does_not_pass_the_gate(project):
    at_stage(project, Stage.FEASIBILITY)
    complete_feasibility(project)
    project.assessment.recommendation = ReplicabilityAssessment.Recommendation.NO_GO
    project.assessment.save()
    assert met(project)["assessment_go"] is False


def test_mobilisation_checks_follow_governance_stakeholders_and_sites(project):
    at_stage(project, Stage.MOBILISATION)
    assert not any(met(project).values())
    technical = GovernanceBodyFactory(project=project, kind=GovernanceBody.Kind.TECHNICAL)
    MeetingFactory(body=technical, status=Meeting.Status.HELD)
    assert met(project)["steering_committee"] is False  # a technical committee is not enough
    committee = GovernanceBodyFactory(project=project)
    planned = MeetingFactory(body=committee)
    assert met(project)["steering_committee"] is True
    assert met(project)["steering_meeting_held"] is False  # planned, not held
    planned.status = Meeting.Status.HELD
    planned.save()
    assert met(project)["steering_meeting_held"] is True
    Stakeholder.objects.create(project=project, name="Pôle emploi",
                               category=Stakeholder.Category.EMPLOYMENT_SERVICE)
    assert met(project)["stakeholder_map"] is True
    site = AdopterSiteFactory(project=project, status="candidate")
    assert met(project)["adopter_selected"] is False  # a candidate is not selected yet
    site.status = "withdrawn"
    site.save()
    assert met(project)["adopter_selected"] is False
    site.status = "agreement_signed"
    site.save()
    assert all(met(project).values())


def test_another_projects_data_does_not_count(project):
    at_stage(project, Stage.MOBILISATION)
    complete_mobilisation(ScalingProjectFactory())
    assert not any(met(project).values())


def test_scaling_up_checks_follow_training_and_toolkit(project):
    at_stage(project, Stage.SCALING_UP)
    assert not any(met(project).values())
    module = TrainingModuleFactory(project=project)
    session = TrainingSessionFactory(module=module)
    assert met(project) == {"training_module": True, "training_session_held": False,
                            "toolkit": False}
    session.status = TrainingSession.Status.HELD
    session.save()
    ToolkitItem.objects.create(project=project, resource=ResourceFactory(), version="2.0")
    assert all(met(project).values())


def test_evaluation_is_the_last_stage_and_has_no_check_yet(project):
    at_stage(project, Stage.EVALUATION)
    assert pipeline.checklist(project) == []
    assert pipeline.next_stage(Stage.EVALUATION) is None


def test_the_checklist_takes_one_query(project, django_assert_num_queries):
    at_stage(project, Stage.MOBILISATION)
    with django_assert_num_queries(1):
        pipeline.checklist(project)


def test_later_issues_can_add_checks(project, monkeypatch):
    monkeypatch.setitem(pipeline.GATES, Stage.EVALUATION, [])
    from django.db.models import Value

    pipeline.gate_check(Stage.EVALUATION, "phase_3_report", "Phase 3 report",
                        where=lambda p: "/")(lambda: Value(False))
    at_stage(project, Stage.EVALUATION)
    assert met(project) == {"phase_3_report": False}


# --- Gate decisions -----------------------------------------------------------------------


def test_go_moves_the_project_on_and_keeps_the_decision(project, alice):
    event = decide(project, alice, reason="Innovation retenue par le jury.",
                   decided_on=TODAY() - timedelta(days=2))
    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY
    assert (event.kind, event.from_stage, event.to_stage) == ("go", Stage.IDENTIFICATION,
                                                              Stage.FEASIBILITY)
    assert event.author == alice
    assert event.checklist == [{"code": "innovation_published",
                                "label": str(pipeline.GATES[Stage.IDENTIFICATION][0].label),
                                "met": True}]
    plans = {plan.stage: plan for plan in project.stage_plans.all()}
    assert plans[Stage.IDENTIFICATION].actual_end == TODAY() - timedelta(days=2)
    assert plans[Stage.FEASIBILITY].actual_start == TODAY() - timedelta(days=2)
    project.innovation.refresh_from_db()
    assert project.innovation.stage == Stage.FEASIBILITY
    assert project.history.first().history_user == alice


def test_go_is_refused_while_checks_are_unmet(project, alice):
    at_stage(project, Stage.FEASIBILITY)
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice)
    assert codes(excinfo) == {"unmet_checks"}
    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY
    assert not StageEvent.objects.exists()


def test_go_through_the_whole_pipeline_once_each_gate_is_met(project, alice):
    decide(project, alice)
    complete_feasibility(project)
    decide(project, alice)
    complete_mobilisation(project)
    decide(project, alice)
    complete_scaling_up(project)
    decide(project, alice)
    project.refresh_from_db()
    assert project.stage == Stage.EVALUATION
    assert project.stage_events.count() == 4
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice)
    assert codes(excinfo) == {"invalid_transition"}


def test_a_decision_needs_a_reason(project, alice):
    for reason in ("", "   \n ", None):
        with pytest.raises(ValidationError) as excinfo:
            decide(project, alice, reason=reason)
        assert codes(excinfo) == {"reason_required"}
    assert not StageEvent.objects.exists()


def test_a_decision_cannot_be_dated_in_the_future(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, decided_on=TODAY() + timedelta(days=1))
    assert codes(excinfo) == {"date_in_future"}


def test_the_date_defaults_to_today(project, alice):
    assert decide(project, alice).decided_on == TODAY()


def test_hold_keeps_the_stage_and_puts_the_project_on_hold(project, alice):
    event = decide(project, alice, "hold", reason="Attente du financement.")
    project.refresh_from_db()
    assert (project.stage, project.status) == (Stage.IDENTIFICATION, Status.ON_HOLD)
    assert event.from_stage == event.to_stage == Stage.IDENTIFICATION
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, "hold")
    assert codes(excinfo) == {"invalid_transition"}
    decide(project, alice, "go")  # a go resumes it at the next stage
    project.refresh_from_db()
    assert (project.stage, project.status) == (Stage.FEASIBILITY, Status.IN_PROGRESS)


@pytest.mark.parametrize("decision", ["go", "hold", "stop"])
def test_a_stopped_project_only_reopens(project, alice, decision):
    decide(project, alice, "stop", reason="Le porteur se retire.")
    project.refresh_from_db()
    assert project.status == Status.STOPPED
    assert project.stage_plans.get(stage=Stage.IDENTIFICATION).actual_end == TODAY()
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, decision)
    assert codes(excinfo) == {"invalid_transition"}
    services.reopen_stage(project, author=alice, stage=Stage.IDENTIFICATION,
                          reason="Le porteur revient.")
    project.refresh_from_db()
    assert (project.stage, project.status) == (Stage.IDENTIFICATION, Status.IN_PROGRESS)
    assert project.stage_plans.get(stage=Stage.IDENTIFICATION).actual_end is None


def test_reopen_is_not_a_gate_decision(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, "reopen")
    assert codes(excinfo) == {"invalid_transition"}


def test_reopening_sends_the_project_back_and_clears_later_dates(project, alice):
    decide(project, alice)
    complete_feasibility(project)
    decide(project, alice)
    project.refresh_from_db()
    assert project.stage == Stage.MOBILISATION
    event = services.reopen_stage(project, author=alice, stage=Stage.FEASIBILITY,
                                  reason="La stratégie doit être revue.")
    project.refresh_from_db()
    assert (project.stage, project.status) == (Stage.FEASIBILITY, Status.IN_PROGRESS)
    assert (event.kind, event.from_stage, event.to_stage) == ("reopen", Stage.MOBILISATION,
                                                              Stage.FEASIBILITY)
    plans = {plan.stage: plan for plan in project.stage_plans.all()}
    assert plans[Stage.FEASIBILITY].actual_start == TODAY()
    assert plans[Stage.FEASIBILITY].actual_end is None
    assert plans[Stage.MOBILISATION].actual_start is None
    # The former dates stay in the history of the plan.
    assert plans[Stage.MOBILISATION].history.filter(actual_start=TODAY()).exists()
    project.innovation.refresh_from_db()
    assert project.innovation.stage == Stage.FEASIBILITY


def test_a_later_stage_cannot_be_reopened(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.reopen_stage(project, author=alice, stage=Stage.SCALING_UP, reason="Erreur.")
    assert codes(excinfo) == {"invalid_transition"}


@pytest.mark.parametrize("stage", [Stage.IDENTIFICATION, "nowhere", "", None])
def test_reopening_needs_a_stage_that_is_not_open(project, alice, stage):
    with pytest.raises(ValidationError) as excinfo:
        services.reopen_stage(project, author=alice, stage=stage, reason="Pour voir.")
    assert codes(excinfo) == {"invalid_transition"}


def test_reopening_needs_a_reason(project, alice):
    at_stage(project, Stage.FEASIBILITY)
    with pytest.raises(ValidationError) as excinfo:
        services.reopen_stage(project, author=alice, stage=Stage.IDENTIFICATION, reason=" ")
    assert codes(excinfo) == {"reason_required"}


@pytest.mark.parametrize("name", ["fanny", "camille", "paul", "ines", "bob"])
def test_readers_take_no_decision(pipeline_cast, ines, project, name):
    person = {**pipeline_cast, "ines": ines}[name]
    with pytest.raises(PermissionDenied):
        decide(project, person)
    with pytest.raises(PermissionDenied):
        services.reopen_stage(project, author=person, stage=Stage.IDENTIFICATION, reason="x")
    assert not StageEvent.objects.exists()


def test_a_decision_taken_at_a_committee_meeting_enters_its_register(project, alice):
    meeting = MeetingFactory(body=GovernanceBodyFactory(project=project),
                             status=Meeting.Status.HELD)
    event = decide(project, alice, meeting=meeting, reason="Validé en COPIL.")
    assert event.meeting == meeting
    entry = Decision.objects.get(meeting=meeting)
    assert entry.kind == Decision.Kind.GATE
    assert "Validé en COPIL." in entry.text
    assert entry.created_by == alice


def test_the_meeting_must_be_one_of_the_projects_steering_committee(project, alice):
    elsewhere = MeetingFactory()
    technical = MeetingFactory(body=GovernanceBodyFactory(project=project,
                                                          kind=GovernanceBody.Kind.TECHNICAL))
    for meeting in (elsewhere, technical):
        with pytest.raises(ValidationError) as excinfo:
            decide(project, alice, meeting=meeting)
        assert codes(excinfo) == {"meeting_mismatch"}


def test_the_innovation_stands_at_the_furthest_stage_of_its_projects(project, alice):
    other = ScalingProjectFactory(programme=project.programme, innovation=project.innovation)
    decide(project, alice)
    complete_feasibility(project)
    decide(project, alice)
    decide(other, alice)
    project.innovation.refresh_from_db()
    assert project.innovation.stage == Stage.MOBILISATION
    services.reopen_stage(project, author=alice, stage=Stage.IDENTIFICATION, reason="Revoir.")
    project.innovation.refresh_from_db()
    assert project.innovation.stage == Stage.FEASIBILITY  # where `other` stands


def test_the_services_keep_the_callers_copy_in_step(project, alice):
    decide(project, alice)
    assert project.stage == Stage.FEASIBILITY


def test_available_decisions_follow_the_status(project):
    assert pipeline.available_decisions(project) == ["go", "hold", "stop"]
    project.status = Status.ON_HOLD
    assert pipeline.available_decisions(project) == ["go", "stop"]
    assert pipeline.reopenable_stages(project) == [Stage.IDENTIFICATION]
    project.status = Status.STOPPED
    assert pipeline.available_decisions(project) == []
    at_stage(project, Stage.EVALUATION)
    assert pipeline.available_decisions(project) == ["hold", "stop"]
    assert pipeline.reopenable_stages(project) == pipeline.STAGE_ORDER[:-1]


# --- Schedule -------------------------------------------------------------------------------


def test_the_schedule_keeps_planned_dates(project, alice):
    start, end = TODAY(), TODAY() + timedelta(days=90)
    services.update_schedule(project, author=alice, planned={Stage.FEASIBILITY: (start, end)})
    plan = StagePlan.objects.get(project=project, stage=Stage.FEASIBILITY)
    assert (plan.planned_start, plan.planned_end) == (start, end)
    assert plan.history.first().history_user == alice


def test_a_stage_cannot_end_before_it_starts(project, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.update_schedule(project, author=alice, planned={
            Stage.FEASIBILITY: (TODAY(), TODAY() - timedelta(days=1))})
    assert codes(excinfo) == {"end_before_start"}


def test_only_staff_plan_the_stages(project, fanny):
    with pytest.raises(PermissionDenied):
        services.update_schedule(project, author=fanny, planned={})


def test_the_schedule_is_rebuilt_when_plans_are_missing(project, alice):
    StagePlan.objects.filter(project=project).delete()
    decide(project, alice)
    assert project.stage_plans.count() == 5
    assert project.stage_plans.get(stage=Stage.FEASIBILITY).actual_start == TODAY()


def test_a_platform_decision_has_no_author(project):
    event = decide(project, None)
    assert event.author is None


def test_decisions_keep_the_history_in_order(project, alice):
    project.started_on = TODAY() - timedelta(days=30)
    project.save()
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, "hold", decided_on=TODAY() - timedelta(days=31))
    assert codes(excinfo) == {"date_too_early"}
    decide(project, alice, decided_on=TODAY() - timedelta(days=10))
    with pytest.raises(ValidationError) as excinfo:
        decide(project, alice, "hold", decided_on=TODAY() - timedelta(days=11))
    assert codes(excinfo) == {"date_too_early"}
    decide(project, alice, "hold", decided_on=TODAY() - timedelta(days=10))
