"""Co-development: proposing a session, consultants, the six steps and who writes at each."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.models import CodevContribution, CodevSession
from communities.services import codev as services

from ..factories import CodevSessionFactory, UserFactory
from .events_cast import *  # noqa: F401,F403
from .events_cast import later

pytestmark = pytest.mark.django_db

S = CodevSession.Step
K = CodevContribution.Kind


def refused(code):
    """Expect a refusal with this code (messages are in the person's language)."""
    return pytest.raises(ValidationError, check=lambda error: code in
                         [e.code for e in error.error_list])


def field_codes(error):
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


@pytest.fixture
def session(cohort_a, bob, pia, ben):
    """bob brings the case, pia facilitates, ben is a consultant."""
    return CodevSessionFactory(space=cohort_a, case_holder=bob, facilitator=pia,
                               consultants=[ben], title="Des bénévoles qui s'essoufflent")


def at_step(session, step):
    session.step = step
    session.save(update_fields=["step"])
    return session


# --- Proposing -----------------------------------------------------------------------------


def test_a_participant_proposes_a_session_as_its_case_holder(cohort_a, bob, pia):
    session = services.create_session(
        cohort_a, by=bob, title="  Recruter des bénévoles  ", case_holder=bob, facilitator=pia,
        scheduled_at=later(days=3), place="Visio", problem_statement="Ils partent vite.")
    assert (session.case_holder, session.facilitator, session.step) == (bob, pia, S.PROBLEM)
    assert session.title == "Recruter des bénévoles"


def test_a_moderator_proposes_a_session_for_a_case_holder(cohort_a, mathilde, bob, ben):
    session = services.create_session(cohort_a, by=mathilde, title="Le cas de Bob",
                                      case_holder=bob, facilitator=ben)
    assert session.case_holder == bob


def test_a_participant_cannot_propose_for_someone_else(cohort_a, bob, ben, pia):
    with pytest.raises(ValidationError) as error:
        services.create_session(cohort_a, by=ben, title="Pour Bob", case_holder=bob,
                                facilitator=pia)
    assert field_codes(error.value) == {"case_holder": ["not_moderator"]}


@pytest.mark.parametrize("overrides, field, code", [
    ({"facilitator": "bob"}, "facilitator", "facilitator_is_case_holder"),
    ({"facilitator": "carol"}, "facilitator", "not_in_space"),
    ({"facilitator": "oscar"}, "facilitator", "not_in_space"),
    ({"facilitator": None}, "facilitator", "required"),
    ({"scheduled_at": later(hours=-1)}, "scheduled_at", "in_past"),
    ({"title": "   "}, "title", "required"),
    ({"problem_statement": "x" * 10_001}, "problem_statement", "too_long"),
])
def test_bad_proposals_are_refused(request, cohort_a, cohort_b, bob, overrides, field, code):
    data = {"title": "Un cas", "case_holder": bob,
            "facilitator": request.getfixturevalue("pia"), "scheduled_at": later(days=2)}
    for name, value in overrides.items():
        data[name] = request.getfixturevalue(value) if name == "facilitator" and value else value
    with pytest.raises(ValidationError) as error:
        services.create_session(cohort_a, by=bob, **data)
    assert code in field_codes(error.value)[field]
    assert not CodevSession.objects.exists()


def test_a_moderator_cannot_name_a_case_holder_from_outside_the_space(cohort_a, mathilde,
                                                                     carol, pia):
    with pytest.raises(ValidationError) as error:
        services.create_session(cohort_a, by=mathilde, title="Un cas", case_holder=carol,
                                facilitator=pia)
    assert field_codes(error.value) == {"case_holder": ["not_in_space"]}


def test_people_outside_the_space_cannot_propose(cohort_a, carol, pia):
    with pytest.raises(PermissionDenied):
        services.create_session(cohort_a, by=carol, title="Intrus", case_holder=carol,
                                facilitator=pia)


# --- Consultants ---------------------------------------------------------------------------


def test_people_of_the_space_join_and_leave_as_consultants(session, mathilde, ben):
    services.join_as_consultant(session, mathilde)
    services.leave_as_consultant(session, ben)
    assert list(session.consultants.all()) == [mathilde]


@pytest.mark.parametrize("name, code", [("ben", "already_consultant"),
                                        ("bob", "case_holder"),
                                        ("pia", "facilitator")])
def test_joining_is_refused_to_whoever_is_already_in_the_session(request, session, name, code):
    with refused(code):
        services.join_as_consultant(session, request.getfixturevalue(name))
    assert list(session.consultants.all()) == [request.getfixturevalue("ben")]


@pytest.mark.parametrize("name", ["carol", "oscar"])
def test_people_outside_the_space_cannot_join(request, session, name):
    with pytest.raises(PermissionDenied):
        services.join_as_consultant(session, request.getfixturevalue(name))


@pytest.mark.parametrize("step, code", [(S.ADVICE, "too_late"), (S.LESSONS, "too_late"),
                                        (S.CLOSED, "session_closed")])
def test_consultants_join_and_leave_before_step_four(session, mathilde, ben, step, code):
    at_step(session, step)
    with refused(code):
        services.join_as_consultant(session, mathilde)
    with refused(code):
        services.leave_as_consultant(session, ben)


def test_leaving_without_being_a_consultant_is_refused(session, mathilde):
    with refused("not_consultant"):
        services.leave_as_consultant(session, mathilde)


# --- The steps -----------------------------------------------------------------------------


@pytest.mark.parametrize("runner", ["pia", "mathilde", "alice", "admin_user"])
def test_the_facilitator_or_a_moderator_runs_the_steps(request, session, runner):
    person = request.getfixturevalue(runner)
    services.move_step(session, by=person, forward=True)
    session.refresh_from_db()
    assert session.step == S.CLARIFICATION
    services.move_step(session, by=person, forward=False)
    session.refresh_from_db()
    assert session.step == S.PROBLEM


@pytest.mark.parametrize("name", ["bob", "ben", "carol", "oscar"])
def test_others_cannot_move_the_steps(request, session, name):
    with pytest.raises(PermissionDenied):
        services.move_step(session, by=request.getfixturevalue(name), forward=True)
    session.refresh_from_db()
    assert session.step == S.PROBLEM


def test_a_second_click_does_not_move_twice(session, pia):
    services.move_step(session, by=pia, forward=True, from_step=S.PROBLEM)
    with refused("moved"):
        services.move_step(session, by=pia, forward=True, from_step=S.PROBLEM)
    session.refresh_from_db()
    assert session.step == S.CLARIFICATION


def test_the_session_leaves_step_one_with_a_problem_statement_and_five_with_a_plan(session,
                                                                                  pia):
    session.problem_statement = ""
    session.save()
    with refused("text_missing"):
        services.move_step(session, by=pia, forward=True)
    at_step(session, S.ACTION_PLAN)
    with refused("text_missing"):
        services.move_step(session, by=pia, forward=True)


def test_no_step_before_the_first_and_none_after_closing(session, pia):
    with refused("first_step"):
        services.move_step(session, by=pia, forward=False)
    at_step(session, S.LESSONS)
    services.move_step(session, by=pia, forward=True)
    session.refresh_from_db()
    assert session.step == S.CLOSED
    for forward in (True, False):
        with refused("session_closed"):
            services.move_step(session, by=pia, forward=forward)


# --- Who writes what, when -----------------------------------------------------------------


@pytest.mark.parametrize("name, step", [("problem_statement", S.PROBLEM),
                                        ("expectation", S.CONTRACT),
                                        ("action_plan", S.ACTION_PLAN)])
def test_the_case_holder_writes_their_texts_at_their_step(session, bob, ben, pia, mathilde,
                                                          name, step):
    at_step(session, step)
    services.write_text(session, by=bob, name=name, text="  Mon texte  ")
    session.refresh_from_db()
    assert getattr(session, name) == "Mon texte"
    for other in (ben, pia, mathilde):
        with pytest.raises(PermissionDenied):
            services.write_text(session, by=other, name=name, text="Pas le mien")


def test_texts_outside_their_step_are_refused_with_the_current_step(session, bob):
    at_step(session, S.CLARIFICATION)
    with pytest.raises(ValidationError) as error:
        services.write_text(session, by=bob, name="action_plan", text="Trop tôt")
    assert error.value.code == "wrong_step"
    assert "2" in error.value.messages[0] and "5" in error.value.messages[0]


@pytest.mark.parametrize("name", ["bob", "pia", "ben", "mathilde"])
def test_everyone_of_the_session_writes_the_lessons(request, session, name):
    at_step(session, S.LESSONS)
    services.write_text(session, by=request.getfixturevalue(name), name="lessons",
                        text=f"Appris par {name}")
    session.refresh_from_db()
    assert session.lessons == f"Appris par {name}"


def test_a_person_of_the_space_outside_the_session_does_not_write_the_lessons(session,
                                                                              cohort_a):
    outsider_of_session = UserFactory()
    from communities.models import SpaceMember
    SpaceMember.objects.create(space=cohort_a, user=outsider_of_session)
    at_step(session, S.LESSONS)
    with pytest.raises(PermissionDenied):
        services.write_text(session, by=outsider_of_session, name="lessons", text="Moi")


@pytest.mark.parametrize("text, code", [("", "empty"), ("  \n\t ", "empty"),
                                        ("x" * 10_001, "too_long")])
def test_empty_or_oversized_texts_are_refused(session, bob, ben, text, code):
    with pytest.raises(ValidationError) as error:
        services.write_text(session, by=bob, name="problem_statement", text=text)
    assert field_codes(error.value) == {"text": [code]}
    at_step(session, S.CLARIFICATION)
    with pytest.raises(ValidationError) as error:
        services.add_contribution(session, by=ben, kind=K.QUESTION, text=text)
    assert field_codes(error.value) == {"text": [code]}
    assert not session.contributions.exists()


def test_a_text_of_exactly_ten_thousand_characters_is_kept(session, bob):
    services.write_text(session, by=bob, name="problem_statement", text="é" * 10_000)
    session.refresh_from_db()
    assert len(session.problem_statement) == 10_000


def test_consultants_ask_at_step_two_and_advise_at_step_four(session, ben):
    at_step(session, S.CLARIFICATION)
    question = services.add_contribution(session, by=ben, kind=K.QUESTION,
                                         text="Depuis quand ?")
    with refused("wrong_step"):
        services.add_contribution(session, by=ben, kind=K.ADVICE, text="Trop tôt")
    at_step(session, S.ADVICE)
    advice = services.add_contribution(session, by=ben, kind=K.ADVICE,
                                       text="Essaie un parrainage.")
    with refused("wrong_step"):
        services.add_contribution(session, by=ben, kind=K.QUESTION, text="Trop tard")
    assert list(session.contributions.all()) == [question, advice]
    assert advice.author == ben


@pytest.mark.parametrize("name", ["bob", "pia", "mathilde", "carol"])
def test_only_consultants_contribute(request, session, name):
    at_step(session, S.CLARIFICATION)
    with pytest.raises(PermissionDenied):
        services.add_contribution(session, by=request.getfixturevalue(name), kind=K.QUESTION,
                                  text="Une question")


def test_a_closed_session_is_read_only(session, bob, ben, pia):
    at_step(session, S.CLOSED)
    with refused("session_closed"):
        services.write_text(session, by=bob, name="lessons", text="Après coup")
    with refused("session_closed"):
        services.add_contribution(session, by=ben, kind=K.ADVICE, text="Après coup")
    with refused("session_closed"):
        services.move_step(session, by=pia, forward=False)


def test_an_unknown_kind_of_contribution_is_refused(session, ben):
    at_step(session, S.CLARIFICATION)
    with refused("invalid_kind"):
        services.add_contribution(session, by=ben, kind="rant", text="Bof")
