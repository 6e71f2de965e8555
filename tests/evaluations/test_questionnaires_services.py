"""Questionnaires: building, opening, sending and answering, with the bad inputs each refuses."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import Answer, Question, Questionnaire, QuestionnaireAssignment
from evaluations.services import questionnaires as services
from programmes.models import AdopterSite

from ..factories import (
    AdopterSiteFactory,
    EvaluationQuestionFactory,
    MembershipFactory,
    QuestionnaireFactory,
    ScalingProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

K = Question.Kind


def code_of(error, field=None):
    if field is None:
        return error.value.code
    return error.value.error_dict[field][0].code


@pytest.fixture
def draft(project, alice):
    return services.create_questionnaire(
        project, by=alice, kind=Questionnaire.Kind.SELF_ASSESSMENT,
        title="Auto-évaluation de l'appropriation", introduction="Merci de répondre.")


@pytest.fixture
def questionnaire(draft, alice):
    """Open, with a scale, a single choice, a multiple choice and a text question."""
    services.add_question(draft, by=alice, label="Le dispositif est-il approprié ?",
                          kind=K.SCALE, scale_min=1, scale_max=5,
                          scale_min_label="Pas du tout", scale_max_label="Tout à fait")
    services.add_question(draft, by=alice, label="Fréquence des comités",
                          kind=K.SINGLE_CHOICE, choices="Mensuelle\nTrimestrielle\n")
    services.add_question(draft, by=alice, label="Partenaires mobilisés",
                          kind=K.MULTIPLE_CHOICE, choices=["SPE", "Département", "CCAS"])
    services.add_question(draft, by=alice, label="Commentaires", kind=K.TEXT, required=False)
    return services.open_questionnaire(draft, by=alice)


def questions(questionnaire):
    return list(questionnaire.questions.all())


def full_answers(questionnaire, number=4):
    scale, single, multiple, text = questions(questionnaire)
    return {scale.pk: number, single.pk: "Mensuelle", multiple.pk: ["CCAS", "SPE"],
            text.pk: "Bien lancé."}


# --- Building --------------------------------------------------------------------------------


def test_a_questionnaire_starts_as_a_draft(draft):
    assert draft.status == Questionnaire.Status.DRAFT


def test_a_questionnaire_closes_after_it_opens(project, alice):
    with pytest.raises(ValidationError) as error:
        services.create_questionnaire(project, by=alice, title="Q", opens_on=date(2025, 5, 1),
                                      closes_on=date(2025, 4, 1))
    assert code_of(error, "closes_on") == "closes_before_opening"


def test_a_questionnaire_needs_a_title(project, alice):
    with pytest.raises(ValidationError) as error:
        services.create_questionnaire(project, by=alice, title="  ")
    assert code_of(error, "title") == "title_required"


def test_questions_are_added_in_order_and_reordered(draft, alice):
    first = services.add_question(draft, by=alice, label="Un", kind=K.TEXT)
    second = services.add_question(draft, by=alice, label="Deux", kind=K.TEXT)
    assert [q.pk for q in questions(draft)] == [first.pk, second.pk]
    services.move_question(second, up=True, by=alice)
    assert [q.pk for q in questions(draft)] == [second.pk, first.pk]
    services.move_question(second, up=True, by=alice)  # already first: nothing moves
    assert [q.pk for q in questions(draft)] == [second.pk, first.pk]
    services.delete_question(first, by=alice)
    assert [q.pk for q in questions(draft)] == [second.pk]


def test_choices_are_one_per_line_without_blanks_or_repeats(draft, alice):
    question = services.add_question(draft, by=alice, label="Q", kind=K.SINGLE_CHOICE,
                                     choices="  Oui \n\nNon\nOui\n")
    assert question.choices == ["Oui", "Non"]


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"kind": K.SINGLE_CHOICE, "choices": "Seul choix"}, "choices", "choices_missing"),
    ({"kind": K.MULTIPLE_CHOICE, "choices": ""}, "choices", "choices_missing"),
    ({"kind": K.SCALE, "scale_min": 5, "scale_max": 5}, "scale_max", "scale_range"),
    ({"kind": K.SCALE, "scale_min": 5, "scale_max": 1}, "scale_max", "scale_range"),
    ({"kind": K.SCALE, "scale_min": 0, "scale_max": 20}, "scale_max", "scale_too_wide"),
    ({"kind": K.SCALE, "scale_min": None, "scale_max": 5}, "scale_max",
     "scale_bounds_required"),
    ({"kind": K.TEXT, "label": " "}, "label", "label_required"),
])
def test_bad_questions_are_refused(draft, alice, fields, field, code):
    with pytest.raises(ValidationError) as error:
        services.add_question(draft, by=alice, **{"label": "Q", **fields})
    assert code_of(error, field) == code
    assert not draft.questions.exists()


def test_a_question_is_not_added_to_an_open_questionnaire(questionnaire, alice):
    with pytest.raises(ValidationError) as error:
        services.add_question(questionnaire, by=alice, label="Tardive", kind=K.TEXT)
    assert code_of(error) == "questionnaire_not_draft"
    assert questionnaire.questions.count() == 4


def test_questions_of_an_open_questionnaire_do_not_change(questionnaire, alice):
    scale = questions(questionnaire)[0]
    for change in (lambda: services.update_question(scale, by=alice, label="Autre"),
                   lambda: services.move_question(scale, up=False, by=alice),
                   lambda: services.delete_question(scale, by=alice)):
        with pytest.raises(ValidationError) as error:
            change()
        assert code_of(error) == "questionnaire_not_draft"
    scale.refresh_from_db()
    assert scale.label == "Le dispositif est-il approprié ?"


def test_the_kind_changes_while_a_draft_only(questionnaire, alice):
    with pytest.raises(ValidationError) as error:
        services.update_questionnaire(questionnaire, by=alice,
                                      kind=Questionnaire.Kind.SATISFACTION)
    assert code_of(error, "kind") == "questionnaire_not_draft"
    services.update_questionnaire(questionnaire, by=alice, title="Nouveau titre",
                                  closes_on=date(2030, 1, 1))
    questionnaire.refresh_from_db()
    assert questionnaire.title == "Nouveau titre"


# --- Opening and closing ---------------------------------------------------------------------


def test_opening_needs_a_question(draft, alice):
    with pytest.raises(ValidationError) as error:
        services.open_questionnaire(draft, by=alice)
    assert code_of(error) == "no_question"


@pytest.mark.parametrize("fields", [
    {"kind": K.SINGLE_CHOICE, "choices": ["Seul"]},
    {"kind": K.MULTIPLE_CHOICE, "choices": []},
])
def test_opening_needs_two_choices_per_choice_question(draft, alice, fields):
    # Written around the service, as an import or the admin could.
    EvaluationQuestionFactory(questionnaire=draft, **fields)
    with pytest.raises(ValidationError) as error:
        services.open_questionnaire(draft, by=alice)
    assert code_of(error) == "question_incomplete"
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT


def test_opening_needs_a_scale_whose_lowest_point_is_below_the_highest(draft, alice):
    question = EvaluationQuestionFactory(questionnaire=draft, kind=K.SCALE)
    # The database refuses min >= max; a question built in memory is checked all the same.
    question.scale_min = 3
    question.scale_max = 3
    assert services.question_problems(question)


def test_opening_twice_and_closing_a_draft_are_refused(questionnaire, alice):
    with pytest.raises(ValidationError) as error:
        services.open_questionnaire(questionnaire, by=alice)
    assert code_of(error) == "questionnaire_not_draft"
    other = services.create_questionnaire(questionnaire.project, by=alice, title="Autre")
    with pytest.raises(ValidationError) as error:
        services.close_questionnaire(other, by=alice)
    assert code_of(error) == "questionnaire_not_open"
    services.close_questionnaire(questionnaire, by=alice)
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.CLOSED
    with pytest.raises(ValidationError) as error:
        services.update_questionnaire(questionnaire, by=alice, title="X")
    assert code_of(error) == "questionnaire_closed"


def test_only_a_draft_is_deleted(questionnaire, alice):
    with pytest.raises(ValidationError) as error:
        services.delete_questionnaire(questionnaire, by=alice)
    assert code_of(error) == "questionnaire_not_draft"
    other = services.create_questionnaire(questionnaire.project, by=alice, title="Autre")
    services.delete_questionnaire(other, by=alice)
    assert not Questionnaire.objects.filter(pk=other.pk).exists()


# --- Sending ---------------------------------------------------------------------------------


def test_sending_is_idempotent_and_tells_the_sites_people_once(
        questionnaire, alice, bob, carol, bob_site, carol_site,
        django_capture_on_commit_callbacks):
    colleague = UserFactory(email="collegue@example.org")
    MembershipFactory(user=colleague, structure=bob_site.structure)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.send_questionnaire(questionnaire, by=alice,
                                              sites=[bob_site, carol_site])
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "carol@example.org",
                                                    "collegue@example.org"]
    assert "Auto-évaluation de l'appropriation" in mail.outbox[0].subject
    assert f"/evaluations/mes-questionnaires/{created[0].pk}/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])
    assert again == []
    assert mail.outbox == []
    assert questionnaire.assignments.count() == 2


def test_a_task_delivered_twice_sends_once(questionnaire, alice, bob, bob_site,
                                           django_capture_on_commit_callbacks):
    from evaluations.tasks import send_questionnaire_sent_email_task

    with django_capture_on_commit_callbacks(execute=True):
        assignment, = services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])
    send_questionnaire_sent_email_task(assignment.pk)
    assert len(mail.outbox) == 1


def test_the_email_is_in_the_recipients_language(questionnaire, alice, bob, bob_site,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_questionnaire(questionnaire, by=alice, sites=[bob_site],
                                    due_on=date(2030, 6, 30))
    message, = mail.outbox
    assert "Bonjour" in message.body
    assert "30 juin 2030" in message.body


def test_a_draft_or_closed_questionnaire_is_not_sent(questionnaire, alice, bob_site):
    draft = services.create_questionnaire(questionnaire.project, by=alice, title="Brouillon")
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(draft, by=alice, sites=[bob_site])
    assert code_of(error) == "questionnaire_not_open"
    services.close_questionnaire(questionnaire, by=alice)
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])
    assert code_of(error) == "questionnaire_closed"


def test_a_site_of_another_project_is_refused(questionnaire, alice):
    elsewhere = AdopterSiteFactory(project=ScalingProjectFactory())
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice, sites=[elsewhere])
    assert code_of(error, "sites") == "site_not_in_project"
    assert not QuestionnaireAssignment.objects.exists()


def test_a_withdrawn_site_is_refused(questionnaire, alice, bob_site):
    bob_site.status = AdopterSite.Status.WITHDRAWN
    bob_site.save()
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])
    assert code_of(error, "sites") == "site_not_active"


def test_nobody_to_send_to_is_refused(questionnaire, alice):
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice)
    assert code_of(error) == "no_respondent"


def test_people_of_the_project_receive_it_and_strangers_are_refused(
        questionnaire, alice, camille, oscar, bob, bob_site, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice, people=[camille, oscar])
    assert code_of(error, "people") == "person_not_in_project"
    assert "oscar@example.org" in error.value.messages[0]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.send_questionnaire(questionnaire, by=alice, people=[camille, bob])
    assert {a.person for a in created} == {camille, bob}
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "camille@example.org"]


@pytest.fixture
def peer_questionnaire(project, alice):
    questionnaire = services.create_questionnaire(
        project, by=alice, kind=Questionnaire.Kind.PEER_ASSESSMENT, title="Revue par les pairs")
    services.add_question(questionnaire, by=alice, label="Accueil", kind=K.SCALE,
                          scale_min=1, scale_max=4)
    return services.open_questionnaire(questionnaire, by=alice)


def test_peer_assessments_say_which_site_is_assessed(peer_questionnaire, alice, bob_site,
                                                     carol_site):
    third = AdopterSiteFactory(project=peer_questionnaire.project)
    created = services.send_questionnaire(peer_questionnaire, by=alice,
                                          sites=[bob_site, third], peer_site=carol_site)
    assert {(a.site, a.peer_site) for a in created} == {(bob_site, carol_site),
                                                        (third, carol_site)}
    # A self-assessment of the same site is another assignment, not a repeat.
    selves = services.send_questionnaire(peer_questionnaire, by=alice, sites=[bob_site])
    assert [(a.site, a.peer_site) for a in selves] == [(bob_site, None)]
    assert services.send_questionnaire(peer_questionnaire, by=alice, sites=[bob_site],
                                       peer_site=carol_site) == []


def test_a_site_does_not_assess_itself_as_a_peer(peer_questionnaire, alice, bob_site):
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(peer_questionnaire, by=alice, sites=[bob_site],
                                    peer_site=bob_site)
    assert code_of(error, "sites") == "peer_is_same_site"


def test_the_assessed_site_belongs_to_the_project(peer_questionnaire, alice, bob_site):
    elsewhere = AdopterSiteFactory(project=ScalingProjectFactory())
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(peer_questionnaire, by=alice, sites=[bob_site],
                                    peer_site=elsewhere)
    assert code_of(error, "peer_site") == "site_not_in_project"


def test_only_a_peer_assessment_is_about_another_site(questionnaire, alice, bob_site,
                                                      carol_site):
    with pytest.raises(ValidationError) as error:
        services.send_questionnaire(questionnaire, by=alice, sites=[bob_site],
                                    peer_site=carol_site)
    assert code_of(error, "peer_site") == "not_peer_assessment"


# --- Answering -------------------------------------------------------------------------------


@pytest.fixture
def assignment(questionnaire, alice, bob_site):
    return services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])[0]


def test_a_draft_is_saved_then_submitted(assignment, questionnaire, bob):
    scale, single, multiple, text = questions(questionnaire)
    services.save_answers(assignment, answers={scale.pk: 3}, by=bob)
    assignment.refresh_from_db()
    assert assignment.status == QuestionnaireAssignment.Status.PENDING
    assert Answer.objects.get(assignment=assignment).number == 3
    services.save_answers(assignment, answers=full_answers(questionnaire), by=bob, submit=True)
    assignment.refresh_from_db()
    assert assignment.status == QuestionnaireAssignment.Status.SUBMITTED
    assert assignment.submitted_at is not None
    answers = {a.question_id: a for a in assignment.answers.all()}
    assert answers[scale.pk].number == 4
    assert answers[multiple.pk].choices == ["SPE", "CCAS"]  # in the order offered
    assert answers[text.pk].text == "Bien lancé."


def test_an_answer_emptied_in_a_draft_is_removed(assignment, questionnaire, bob):
    scale = questions(questionnaire)[0]
    services.save_answers(assignment, answers={scale.pk: 3}, by=bob)
    services.save_answers(assignment, answers={scale.pk: None}, by=bob)
    assert not assignment.answers.exists()


def test_submitting_needs_the_required_answers(assignment, questionnaire, bob):
    scale, single, multiple, text = questions(questionnaire)
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers={scale.pk: 2}, by=bob, submit=True)
    fields = error.value.error_dict
    assert set(fields) == {f"question_{single.pk}", f"question_{multiple.pk}"}
    assert fields[f"question_{single.pk}"][0].code == "answer_required"
    assert not assignment.answers.exists()  # nothing was kept of a refused submission


@pytest.mark.parametrize("number", [0, 6, "beaucoup"])
def test_a_scale_answer_stays_within_bounds(assignment, questionnaire, bob, number):
    scale = questions(questionnaire)[0]
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers={scale.pk: number}, by=bob)
    assert error.value.error_dict[f"question_{scale.pk}"][0].code in ("out_of_scale",
                                                                      "not_a_number")


@pytest.mark.parametrize(("index", "value", "code"), [
    (1, "Hebdomadaire", "unknown_choice"),
    (1, ["Mensuelle", "Trimestrielle"], "several_choices"),
    (2, ["SPE", "Mairie"], "unknown_choice"),
    (3, "x" * 5001, "text_too_long"),
])
def test_choices_are_among_those_offered(assignment, questionnaire, bob, index, value, code):
    question = questions(questionnaire)[index]
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers={question.pk: value}, by=bob)
    assert error.value.error_dict[f"question_{question.pk}"][0].code == code


def test_an_answer_to_a_question_of_another_questionnaire_is_refused(assignment, bob, project):
    stranger = EvaluationQuestionFactory(questionnaire=QuestionnaireFactory(project=project))
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers={stranger.pk: 3}, by=bob)
    assert code_of(error) == "question_not_in_questionnaire"
    assert not Answer.objects.exists()


def test_submitting_twice_is_refused(assignment, questionnaire, bob):
    services.save_answers(assignment, answers=full_answers(questionnaire), by=bob, submit=True)
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers=full_answers(questionnaire, 1), by=bob,
                              submit=True)
    assert code_of(error) == "already_submitted"
    assert assignment.answers.get(question__kind=K.SCALE).number == 4


def test_a_closed_questionnaire_takes_no_answers(assignment, questionnaire, alice, bob):
    services.close_questionnaire(questionnaire, by=alice)
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers=full_answers(questionnaire), by=bob,
                              submit=True)
    assert code_of(error) == "questionnaire_closed"


def test_a_questionnaire_past_its_closing_date_takes_no_answers(assignment, questionnaire,
                                                                bob):
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.save_answers(assignment, answers=full_answers(questionnaire), by=bob)
    assert code_of(error) == "questionnaire_closed"
