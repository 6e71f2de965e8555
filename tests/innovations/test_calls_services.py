"""Services of calls and applications, with good and bad inputs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities.models import Structure
from innovations.models import Application, Call, College, Criterion, Innovation, Question
from innovations.services import calls as services
from innovations.services.calls import Row

from ..factories import (
    ApplicationFactory,
    CallFactory,
    CollegeFactory,
    CriterionFactory,
    InnovationFactory,
    MembershipFactory,
    PublishedInnovationFactory,
    QuestionFactory,
    ReviewAssignmentFactory,
    StructureFactory,
    SubmittedApplicationFactory,
    department,
)
from .test_calls_support import (  # noqa: F401  (fixtures)
    _private_media,
    ami_call,
    closed_call,
    codes,
    colleges,
    criteria,
    draft_application,
    draft_call,
    eligible_application,
    file_question,
    pdf,
    question,
    remi_assignment,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert code in codes(caught.value), codes(caught.value)
    return caught.value


def call_fields(organiser, **overrides):
    now = timezone.now()
    return {"kind": Call.Kind.PROJECTS, "title": "Appel 2025", "description": "Essaimer.",
            "organiser": organiser, "opens_at": now, "closes_at": now + timedelta(days=30),
            "scaling_plan": Call.ScalingPlan.REWARDED, **overrides}


# --- Setting up a call -------------------------------------------------------------------------


def test_the_creator_of_a_call_manages_it(alice, ansa):
    territory = department("58")
    call = services.create_call(created_by=alice, eligible_territories=[territory],
                                **call_fields(ansa, eligible_kinds=["association"]))
    assert list(call.managers.all()) == [alice]
    assert not call.is_published
    assert list(call.eligible_territories.all()) == [territory]


def test_a_call_closes_after_it_opens(alice, ansa):
    now = timezone.now()
    refused("closes_before_opening", services.create_call, created_by=alice,
            **call_fields(ansa, opens_at=now, closes_at=now - timedelta(hours=1)))
    assert not Call.objects.exists()


def test_staff_organise_calls_only_for_their_structures(alice, admin_user, bob_structure):
    refused("not_member_of_organiser", services.create_call, created_by=alice,
            **call_fields(bob_structure))
    assert services.create_call(created_by=admin_user, **call_fields(bob_structure)).pk


def test_unknown_kinds_of_structure_are_refused(alice, ansa):
    refused("invalid_kind", services.create_call, created_by=alice,
            **call_fields(ansa, eligible_kinds=["martian"]))


def test_published_dates_move_only_by_extension(alice, open_call):
    refused("dates_locked", services.update_call, open_call, by=alice,
            closes_at=open_call.closes_at - timedelta(days=1))
    changed = services.update_call(open_call, by=alice, title="Nouveau titre")
    assert changed.title == "Nouveau titre"


def test_the_kind_cannot_change_once_structures_applied(alice, draft_application):
    refused("kind_locked", services.update_call, draft_application.call, by=alice,
            kind=Call.Kind.EXPRESSIONS_OF_INTEREST)


def test_only_published_innovations_are_offered(alice, draft_call):
    refused("innovation_not_published", services.update_call, draft_call, by=alice,
            offered_innovations=[InnovationFactory()])


def test_managers_can_be_added_and_the_last_one_stays(alice, bob, open_call):
    services.add_call_manager(open_call, email="BOB@example.org", by=alice)
    assert set(open_call.managers.all()) == {alice, bob}
    refused("already_manager", services.add_call_manager, open_call, email=bob.email, by=alice)
    refused("unknown_person", services.add_call_manager, open_call, email="x@example.org",
            by=alice)
    services.remove_call_manager(open_call, bob, by=alice)
    refused("last_manager", services.remove_call_manager, open_call, alice, by=alice)
    assert list(open_call.managers.all()) == [alice]


def test_questions_are_saved_all_or_nothing(alice, draft_call):
    rows = [
        Row(None, {"label": "Budget annuel", "kind": Question.Kind.NUMBER, "choices": [],
                   "is_required": True, "order": 1, "help_text": ""}),
        Row(None, {"label": "Statut", "kind": Question.Kind.CHOICE, "choices": ["Seul"],
                   "is_required": True, "order": 2, "help_text": ""}),
    ]
    refused("choices_missing", services.save_questions, draft_call, rows, by=alice)
    assert not draft_call.questions.exists()
    rows[1].data["choices"] = ["Association", "Collectivité", "Association"]
    services.save_questions(draft_call, rows, by=alice)
    choice = draft_call.questions.get(kind=Question.Kind.CHOICE)
    assert choice.choices == ["Association", "Collectivité"]


def test_answered_questions_stay_once_applications_are_submitted(alice, submitted_application,
                                                                 question):
    call = submitted_application.call
    refused("question_answered", services.save_questions, call,
            [Row(question, {}, delete=True)], by=alice)
    refused("question_answered", services.save_questions, call,
            [Row(question, {"kind": Question.Kind.NUMBER})], by=alice)
    assert call.questions.filter(pk=question.pk, kind=Question.Kind.LONG_TEXT).exists()


def criterion_row(weight, max_score=5, instance=None, **data):
    return Row(instance, {"name": data.get("name", "Impact"), "description": "",
                          "weight": Decimal(weight), "max_score": max_score, "order": 0})


def test_a_rubric_whose_weights_add_up_to_zero_is_refused(alice, draft_call):
    refused("weights_zero", services.save_rubric, draft_call,
            criteria=[criterion_row("0"), criterion_row("0", name="Réplicabilité")],
            colleges=[], by=alice)
    refused("weight_not_positive", services.save_rubric, draft_call,
            criteria=[criterion_row("2"), criterion_row("0", name="Réplicabilité")],
            colleges=[], by=alice)
    refused("max_score_too_low", services.save_rubric, draft_call,
            criteria=[criterion_row("1", max_score=0)], colleges=[], by=alice)
    assert not draft_call.criteria.exists()


def test_the_rubric_is_saved_with_its_colleges(alice, draft_call):
    services.save_rubric(
        draft_call, by=alice,
        criteria=[criterion_row("2"), criterion_row("1", name="Réplicabilité")],
        colleges=[Row(None, {"name": "Innovateurs", "description": ""}),
                  Row(None, {"name": "Utilisateurs potentiels", "description": ""})],
    )
    assert draft_call.criteria.count() == 2
    assert draft_call.colleges.count() == 2
    refused("duplicate_college", services.save_rubric, draft_call, by=alice, criteria=[],
            colleges=[Row(None, {"name": "Pairs"}), Row(None, {"name": "pairs"})])


def test_the_rubric_is_locked_once_a_review_is_submitted(alice, remi_assignment, criteria,
                                                          colleges):
    call = remi_assignment.application.call
    # Colleges can still be renamed while no review is submitted...
    remi_assignment.status = "submitted"
    remi_assignment.weighted_score = Decimal("80")
    remi_assignment.save()
    refused("rubric_locked", services.save_rubric, call, by=alice, colleges=[],
            criteria=[Row(criteria[0], {"weight": Decimal("3")})])
    refused("rubric_locked", services.save_rubric, call, by=alice, colleges=[],
            criteria=[Row(criteria[1], {}, delete=True)])
    # ...and colleges without reviewers may still change.
    services.save_rubric(call, by=alice, criteria=[],
                         colleges=[Row(colleges[1], {"name": "Usagers"})])
    assert Criterion.objects.get(pk=criteria[0].pk).weight == Decimal("2")
    refused("college_in_use", services.save_rubric, call, by=alice, criteria=[],
            colleges=[Row(colleges[0], {}, delete=True)])
    assert College.objects.filter(pk=colleges[0].pk).exists()


# --- Publication and deadlines -------------------------------------------------------------------


def test_a_call_for_projects_needs_questions_a_rubric_and_a_college(alice, draft_call):
    error = refused("no_question", services.publish_call, draft_call, by=alice)
    assert {"no_criterion", "no_college"} <= codes(error)
    QuestionFactory(call=draft_call)
    CriterionFactory(call=draft_call)
    CollegeFactory(call=draft_call)
    call = services.publish_call(draft_call, by=alice)
    assert call.is_published
    assert services.publish_call(call, by=alice).published_at == call.published_at


def test_a_call_for_expressions_of_interest_needs_offered_innovations(alice, ansa):
    call = CallFactory(organiser=ansa, managers=[alice], published_at=None,
                       kind=Call.Kind.EXPRESSIONS_OF_INTEREST)
    refused("no_offered_innovation", services.publish_call, call, by=alice)
    call.offered_innovations.add(PublishedInnovationFactory())
    assert services.publish_call(call, by=alice).is_published


def test_a_call_already_closed_is_not_published(alice, draft_call):
    QuestionFactory(call=draft_call)
    CriterionFactory(call=draft_call)
    CollegeFactory(call=draft_call)
    Call.objects.filter(pk=draft_call.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))
    draft_call.refresh_from_db()
    refused("closes_in_past", services.publish_call, draft_call, by=alice)


def test_extending_the_deadline_reopens_submission(alice, closed_call, ines, ines_structure):
    application = ApplicationFactory(call=closed_call, structure=ines_structure)
    refused("deadline_passed", services.submit_application, application, by=ines)
    refused("deadline_not_later", services.extend_deadline, closed_call,
            closed_call.closes_at - timedelta(hours=1), by=alice)
    refused("deadline_in_past", services.extend_deadline, closed_call,
            closed_call.closes_at + timedelta(hours=1), by=alice)
    services.extend_deadline(closed_call, timezone.now() + timedelta(days=7), by=alice)
    closed_call.refresh_from_db()
    assert closed_call.is_open
    application.answers.create(question=closed_call.questions.get(), text="Réponse")
    assert services.submit_application(application, by=ines).status == "submitted"


# --- Applying -------------------------------------------------------------------------------------


def test_a_structure_applies_once_and_resumes_its_draft(open_call, ines, ines_structure):
    first = services.start_application(open_call, ines_structure, by=ines, title="TAPAJ")
    again = services.start_application(open_call, ines_structure, by=ines, title="Autre")
    assert first.pk == again.pk
    assert first.title == "TAPAJ"
    assert first.territory == ines_structure.department
    assert Application.objects.count() == 1


def test_only_members_apply_for_a_structure(open_call, bob, ines_structure):
    refused("not_member", services.start_application, open_call, ines_structure, by=bob)


def test_ineligible_kinds_and_territories_are_refused(open_call, ines, ines_structure):
    open_call.eligible_kinds = [Structure.Kind.LOCAL_AUTHORITY]
    open_call.save()
    refused("not_eligible", services.start_application, open_call, ines_structure, by=ines)
    open_call.eligible_kinds = []
    open_call.save()
    bourgogne = department("58").parent
    open_call.eligible_territories.set([bourgogne])
    refused("not_eligible", services.start_application, open_call, ines_structure, by=ines)
    # Gironde (33) is in Nouvelle-Aquitaine: naming the région admits its départements.
    open_call.eligible_territories.set([department("33").parent, bourgogne])
    assert services.start_application(open_call, ines_structure, by=ines).pk


def test_a_structure_without_territory_is_refused_by_a_territorial_call(open_call):
    structure = StructureFactory(department=None)
    person = MembershipFactory(structure=structure).user
    open_call.eligible_territories.set([department("58")])
    refused("not_eligible", services.start_application, open_call, structure, by=person)


def test_nobody_starts_an_application_to_a_closed_or_draft_call(closed_call, draft_call, ines,
                                                               ines_structure):
    refused("deadline_passed", services.start_application, closed_call, ines_structure, by=ines)
    refused("call_not_open", services.start_application, draft_call, ines_structure, by=ines)
    later = CallFactory(opens_at=timezone.now() + timedelta(days=2),
                        closes_at=timezone.now() + timedelta(days=9))
    refused("call_not_open", services.start_application, later, ines_structure, by=ines)


def test_a_draft_keeps_incomplete_answers(draft_application, ines, question):
    number = QuestionFactory(call=draft_application.call, kind=Question.Kind.NUMBER)
    choice = QuestionFactory(call=draft_application.call, kind=Question.Kind.CHOICE,
                             choices=["Oui", "Non"])
    services.save_application_draft(
        draft_application, by=ines, fields={"title": "TAPAJ 58", "summary": ""},
        answers={question.pk: "", number.pk: Decimal("1234.5"), choice.pk: "Non"},
    )
    answers = {a.question_id: a for a in draft_application.answers.all()}
    assert answers[question.pk].is_empty
    assert answers[number.pk].number == Decimal("1234.50")
    assert answers[choice.pk].text == "Non"
    draft_application.refresh_from_db()
    assert draft_application.title == "TAPAJ 58"
    assert draft_application.is_draft


def test_bad_answers_are_refused_next_to_their_question(draft_application, ines):
    number = QuestionFactory(call=draft_application.call, kind=Question.Kind.NUMBER)
    choice = QuestionFactory(call=draft_application.call, kind=Question.Kind.CHOICE,
                             choices=["Oui", "Non"])
    error = refused("invalid_choice", services.save_application_draft, draft_application,
                    by=ines, answers={choice.pk: "Peut-être"})
    assert f"question_{choice.pk}" in error.error_dict
    refused("number_too_large", services.save_application_draft, draft_application, by=ines,
            answers={number.pk: Decimal("1e15")})
    refused("invalid_number", services.save_application_draft, draft_application, by=ines,
            answers={number.pk: "douze"})
    assert not draft_application.answers.filter(question__in=[number, choice]).exists()


@pytest.mark.parametrize("upload, code", [
    (SimpleUploadedFile("bilan.pdf", b"MZ\x90\x00 not a pdf at all"), "file_content"),
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "file_type"),
    (SimpleUploadedFile("bilan.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024)), "file_size"),
])
def test_wrong_or_oversize_files_are_refused(draft_application, ines, file_question, upload,
                                            code):
    error = refused(code, services.save_application_draft, draft_application, by=ines,
                    files={file_question.pk: upload})
    assert f"question_{file_question.pk}" in error.error_dict
    assert not draft_application.answers.filter(question=file_question).exists()


def test_files_are_stored_privately_and_replaced(draft_application, ines, file_question,
                                                 settings):
    services.save_application_draft(draft_application, by=ines,
                                    files={file_question.pk: pdf("bilan-2023.pdf")})
    answer = draft_application.answers.get(question=file_question)
    assert answer.file.name.startswith("private/applications/")
    first = answer.file.path
    services.save_application_draft(draft_application, by=ines,
                                    files={file_question.pk: pdf("bilan-2024.pdf")})
    answer.refresh_from_db()
    assert answer.display_value == "bilan-2024.pdf"
    services.save_application_draft(draft_application, by=ines,
                                    cleared_files=[file_question.pk])
    answer.refresh_from_db()
    assert not answer.file
    assert first  # the old file is deleted after the commit (not run inside this test)


def test_submission_checks_required_answers(draft_application, ines, question):
    draft_application.answers.filter(question=question).update(text="")
    error = refused("missing_answer", services.submit_application, draft_application, by=ines)
    assert f"question_{question.pk}" in error.error_dict
    draft_application.refresh_from_db()
    assert draft_application.is_draft


def test_a_required_scaling_plan_is_checked(draft_application, ines):
    call = draft_application.call
    call.scaling_plan = Call.ScalingPlan.REQUIRED
    call.save()
    refused("missing_scaling_plan", services.submit_application, draft_application, by=ines)
    services.save_application_draft(draft_application, by=ines,
                                    fields={"scaling_plan": "Trois départements en 2026."})
    assert services.submit_application(draft_application, by=ines).submitted_by == ines


def test_late_submission_is_refused_with_the_deadline(draft_application, ines):
    call = draft_application.call
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    error = refused("deadline_passed", services.submit_application, draft_application, by=ines)
    call.refresh_from_db()
    assert services.format_deadline(call.closes_at) in error.messages[0]
    draft_application.refresh_from_db()
    assert draft_application.is_draft


def test_an_application_is_submitted_once(draft_application, ines):
    application = services.submit_application(draft_application, by=ines)
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    refused("already_submitted", services.submit_application, application, by=ines)
    refused("already_submitted", services.save_application_draft, application, by=ines,
            fields={"title": "Changé"})


def test_an_expression_of_interest_chooses_offered_innovations(ami_call, ines, ines_structure):
    application = services.start_application(ami_call, ines_structure, by=ines)
    offered = list(ami_call.offered_innovations.order_by("title"))
    refused("no_adoption_choice", services.submit_application, application, by=ines)
    refused("not_offered", services.save_application_draft, application, by=ines,
            adoption_choices={PublishedInnovationFactory().pk: ("Oui", "Deux ETP")})
    services.save_application_draft(application, by=ines,
                                    adoption_choices={offered[0].pk: ("Besoin local", "")})
    refused("missing_motivation", services.submit_application, application, by=ines)
    services.save_application_draft(application, by=ines, adoption_choices={
        offered[0].pk: ("Besoin local", "Deux ETP"), offered[1].pk: ("Chômage", "Un local")})
    assert services.submit_application(application, by=ines).status == "submitted"
    assert application.adoption_choices.count() == 2


# --- Screening and decisions ----------------------------------------------------------------------


def test_screening_records_eligibility(alice, submitted_application, draft_application):
    application = services.screen_application(submitted_application, is_eligible=False,
                                              note=" Hors territoire ", by=alice)
    assert application.status == Application.Status.INELIGIBLE
    assert application.eligibility_note == "Hors territoire"


def test_drafts_are_not_screened(alice, draft_application):
    refused("not_submitted", services.screen_application, draft_application,
            is_eligible=True, by=alice)


def test_deciding_on_a_draft_or_an_unscreened_application_is_refused(alice, draft_application):
    refused("not_submitted", services.decide_application, draft_application,
            decision="selected", by=alice)
    draft_application.status = Application.Status.SUBMITTED
    draft_application.save()
    refused("not_screened", services.decide_application, draft_application,
            decision="selected", by=alice)
    draft_application.status = Application.Status.INELIGIBLE
    draft_application.save()
    refused("not_eligible", services.decide_application, draft_application,
            decision="selected", by=alice)
    draft_application.status = Application.Status.ELIGIBLE
    draft_application.save()
    refused("invalid_decision", services.decide_application, draft_application,
            decision="eligible", by=alice)


def test_selecting_creates_the_innovation_record_once(alice, eligible_application,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.decide_application(eligible_application, decision="selected",
                                                  message="Bravo", by=alice)
    assert application.decided_by == alice
    innovation = application.innovation
    assert innovation.owner == eligible_application.structure
    assert innovation.status == Innovation.Status.DRAFT
    assert innovation.title == eligible_application.title
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_application(application, decision="waiting_list", by=alice)
        services.decide_application(application, decision="selected", by=alice)
    assert Innovation.objects.count() == 1
    refused("already_decided", services.screen_application, application, is_eligible=False,
            by=alice)


def test_a_changed_decision_keeps_the_previous_one_in_history(alice, eligible_application):
    services.decide_application(eligible_application, decision="rejected", message="Non",
                                by=alice)
    services.decide_application(eligible_application, decision="waiting_list",
                                message="Peut-être", by=alice)
    decisions = [(h.status, h.decision_message) for h in eligible_application.history.filter(
        decided_at__isnull=False).order_by("history_date")]
    assert decisions == [("rejected", "Non"), ("waiting_list", "Peut-être")]


def test_selecting_in_a_call_for_expressions_of_interest_creates_no_record(alice, ami_call):
    application = SubmittedApplicationFactory(call=ami_call, status="eligible")
    services.decide_application(application, decision="selected", by=alice)
    application.refresh_from_db()
    assert application.innovation is None


def test_the_applicant_structure_cannot_be_changed_by_fields(draft_application, ines):
    with pytest.raises(ValueError):
        services.save_application_draft(draft_application, by=ines,
                                        fields={"status": "selected"})


def test_reviews_submitted_lock_nothing_on_other_calls(alice, draft_call):
    # Another call's submitted review does not lock this call's rubric.
    ReviewAssignmentFactory(status="submitted", weighted_score=Decimal("50"))
    assert not services.rubric_is_locked(draft_call)
