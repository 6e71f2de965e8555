"""Co-development pages for every role: the people of the space read and join; other spaces'
members and outsiders get a 404; only the right person writes at each step (403 otherwise)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities.models import CodevContribution, CodevSession

from ..factories import CodevContributionFactory, CodevSessionFactory, UserFactory
from .events_cast import *  # noqa: F401,F403
from .events_cast import later

pytestmark = pytest.mark.django_db

S = CodevSession.Step
READERS = ["bob", "ben", "pia", "alice", "mathilde", "admin_user"]
STRANGERS = ["carol", "oscar"]


@pytest.fixture
def session(cohort_a, bob, pia, ben):
    """bob brings the case, pia facilitates, ben is a consultant."""
    return CodevSessionFactory(space=cohort_a, case_holder=bob, facilitator=pia,
                               consultants=[ben], title="Des bénévoles qui s'essoufflent")


def at_step(session, step):
    session.step = step
    session.save(update_fields=["step"])
    return session


def as_user(client, request, name):
    user = request.getfixturevalue(name)
    client.force_login(user)
    return user


def errors(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


# --- Reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_people_of_the_space_read_its_sessions(client, request, session, name):
    as_user(client, request, name)
    listing = client.get(reverse("communities:codev_list", args=[session.space_id]))
    assert listing.status_code == 200
    assert "Des bénévoles qui s&#x27;essoufflent" in listing.content.decode()
    detail = client.get(reverse("communities:codev_detail", args=[session.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'aria-current="step"' in html
    assert "au bout de six mois" in html  # the problem statement


@pytest.mark.parametrize("name", STRANGERS)
def test_other_spaces_and_outsiders_get_a_404_everywhere(client, request, session, cohort_b,
                                                         name):
    as_user(client, request, name)
    space = session.space_id
    assert client.get(reverse("communities:codev_list", args=[space])).status_code == 404
    assert client.get(reverse("communities:codev_create", args=[space])).status_code == 404
    assert client.get(reverse("communities:codev_detail", args=[session.pk])).status_code == 404
    for view, data in [("codev_step", {"direction": "next"}),
                       ("codev_consultant", {"action": "join"}),
                       ("codev_contribute", {"kind": "question", "text": "?"}),
                       ("codev_write", {"name": "problem_statement", "text": "!"})]:
        response = client.post(reverse(f"communities:{view}", args=[session.pk]), data)
        assert response.status_code == 404, view
    session.refresh_from_db()
    assert session.step == S.PROBLEM and list(session.consultants.all()) != []


def test_the_stepper_marks_the_current_step(client, bob, session):
    at_step(session, S.ADVICE)
    client.force_login(bob)
    response = client.get(reverse("communities:codev_detail", args=[session.pk]))
    steps = response.context["steps"]
    assert [s.state for s in steps] == ["done", "done", "done", "current", "todo", "todo"]
    html = response.content.decode()
    assert html.count('aria-current="step"') == 1


def test_a_person_who_leaves_the_structure_loses_the_session_at_once(client, bob, ben,
                                                                     bob_structure, session):
    client.force_login(ben)
    url = reverse("communities:codev_detail", args=[session.pk])
    assert client.get(url).status_code == 200
    ben.memberships.filter(structure=bob_structure).delete()
    assert client.get(url).status_code == 404


def test_session_detail_query_count_does_not_grow(client, bob, session, ben,
                                                  django_assert_max_num_queries):
    at_step(session, S.LESSONS)
    others = UserFactory.create_batch(20)
    session.consultants.add(*others)
    for person in others:
        CodevContributionFactory(session=session, author=person)
        CodevContributionFactory(session=session, author=person, kind="advice")
    client.force_login(bob)
    # session, user, header, the session, consultant?, moderator?, consultants, contributions
    with django_assert_max_num_queries(8):
        response = client.get(reverse("communities:codev_detail", args=[session.pk]))
    assert len(response.context["contributions"]["advice"]) == 20


def test_session_list_query_count_does_not_grow(client, bob, cohort_a, pia,
                                                django_assert_max_num_queries):
    client.force_login(bob)
    counts = []
    for batch in (5, 30):
        for _ in range(batch):
            CodevSessionFactory(space=cohort_a, case_holder=bob, facilitator=pia)
        with django_assert_max_num_queries(6) as context:
            client.get(reverse("communities:codev_list", args=[cohort_a.pk]))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


# --- Proposing -----------------------------------------------------------------------------


def proposal(person, **overrides):
    data = {"title": "Le local est trop petit", "facilitator": person.pk,
            "scheduled_at": later(days=4).strftime("%Y-%m-%dT%H:%M"),
            "place": "https://visio.example.org/codev", "problem_statement": "Nous manquons "
            "de place pour accueillir les jeunes."}
    return data | overrides


@pytest.mark.parametrize("name", ["bob", "ben", "pia"])
def test_participants_propose_a_session_as_its_case_holder(client, request, cohort_a, mathilde,
                                                           name):
    user = as_user(client, request, name)
    url = reverse("communities:codev_create", args=[cohort_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "case_holder" not in response.context["form"].fields
    # Even a case_holder smuggled in the form is ignored: they bring their own case.
    response = client.post(url, proposal(mathilde, case_holder=request.getfixturevalue(
        "alice").pk))
    assert response.status_code == 302
    session = CodevSession.objects.get()
    assert (session.case_holder, session.facilitator) == (user, mathilde)


def test_a_moderator_proposes_for_a_case_holder(client, mathilde, bob, pia, cohort_a):
    client.force_login(mathilde)
    url = reverse("communities:codev_create", args=[cohort_a.pk])
    assert "case_holder" in client.get(url).context["form"].fields
    response = client.post(url, proposal(pia, case_holder=bob.pk))
    assert response.status_code == 302
    assert CodevSession.objects.get().case_holder == bob


@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"facilitator": ""}, "facilitator"),
    ({"facilitator": "abc"}, "facilitator"),
    ({"facilitator": "99999999999999999999999"}, "facilitator"),
    ({"scheduled_at": ""}, "scheduled_at"),
    ({"scheduled_at": "2001-01-01T10:00"}, "scheduled_at"),
    ({"place": ""}, "place"),
    ({"problem_statement": "x" * 10_001}, "problem_statement"),
])
def test_bad_proposals_are_refused_and_kept(client, bob, pia, cohort_a, overrides, field):
    client.force_login(bob)
    response = client.post(reverse("communities:codev_create", args=[cohort_a.pk]),
                           proposal(pia, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CodevSession.objects.exists()


def test_the_facilitator_cannot_be_the_case_holder(client, bob, cohort_a):
    client.force_login(bob)
    response = client.post(reverse("communities:codev_create", args=[cohort_a.pk]),
                           proposal(bob))
    assert response.status_code == 400
    assert "facilitator" in response.context["form"].errors


def test_the_facilitator_is_chosen_among_the_people_of_the_space(client, bob, carol, cohort_a,
                                                                 cohort_b):
    client.force_login(bob)
    url = reverse("communities:codev_create", args=[cohort_a.pk])
    offered = client.get(url).context["form"].fields["facilitator"].queryset
    assert carol not in offered
    response = client.post(url, proposal(carol))
    assert response.status_code == 400 and "facilitator" in response.context["form"].errors


# --- Consultants -----------------------------------------------------------------------------


def test_joining_and_leaving(client, mathilde, session):
    client.force_login(mathilde)
    url = reverse("communities:codev_consultant", args=[session.pk])
    client.post(url, {"action": "join"})
    assert mathilde in session.consultants.all()
    response = client.post(url, {"action": "join"})
    assert errors(response)  # joining twice
    client.post(url, {"action": "leave"})
    assert mathilde not in session.consultants.all()


@pytest.mark.parametrize("name", ["bob", "pia"])
def test_the_case_holder_and_the_facilitator_cannot_join(client, request, session, name):
    as_user(client, request, name)
    response = client.post(reverse("communities:codev_consultant", args=[session.pk]),
                           {"action": "join"})
    assert response.status_code == 302 and errors(response)
    assert session.consultants.count() == 1


def test_joining_after_step_three_is_refused(client, mathilde, session):
    at_step(session, S.ADVICE)
    client.force_login(mathilde)
    response = client.post(reverse("communities:codev_consultant", args=[session.pk]),
                           {"action": "join"})
    assert errors(response)
    assert mathilde not in session.consultants.all()


# --- Steps -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pia", "mathilde", "alice", "admin_user"])
def test_the_facilitator_or_a_moderator_moves_the_steps(client, request, session, name):
    as_user(client, request, name)
    url = reverse("communities:codev_step", args=[session.pk])
    response = client.post(url, {"direction": "next", "from_step": "1"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.step == S.CLARIFICATION
    # The same click sent again does not move it twice.
    response = client.post(url, {"direction": "next", "from_step": "1"})
    assert errors(response)
    session.refresh_from_db()
    assert session.step == S.CLARIFICATION
    client.post(url, {"direction": "back", "from_step": "2"})
    session.refresh_from_db()
    assert session.step == S.PROBLEM


@pytest.mark.parametrize("name", ["bob", "ben"])
def test_case_holder_and_consultants_cannot_move_the_steps(client, request, session, name):
    as_user(client, request, name)
    response = client.post(reverse("communities:codev_step", args=[session.pk]),
                           {"direction": "next"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.step == S.PROBLEM


def test_a_bad_direction_is_refused(client, pia, session):
    client.force_login(pia)
    response = client.post(reverse("communities:codev_step", args=[session.pk]),
                           {"direction": "sideways", "from_step": "x"})
    assert response.status_code == 302 and errors(response)


def test_the_page_shows_buttons_to_who_runs_the_session_only(client, pia, bob, session):
    url = reverse("communities:codev_detail", args=[session.pk])
    step_url = reverse("communities:codev_step", args=[session.pk])
    client.force_login(pia)
    assert step_url in client.get(url).content.decode()
    client.force_login(bob)
    assert step_url not in client.get(url).content.decode()


# --- Writing -------------------------------------------------------------------------------


def test_the_case_holder_writes_the_problem_statement_at_step_one(client, bob, session):
    client.force_login(bob)
    page = client.get(reverse("communities:codev_detail", args=[session.pk]))
    assert page.context["text_form"] is not None
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "problem_statement", "text": "Un **nouveau** constat."})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.problem_statement == "Un **nouveau** constat."
    html = client.get(reverse("communities:codev_detail", args=[session.pk])).content.decode()
    assert "<strong>nouveau</strong>" in html


@pytest.mark.parametrize("name", ["ben", "pia", "mathilde"])
def test_others_cannot_write_the_case_holders_texts(client, request, session, name):
    as_user(client, request, name)
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "problem_statement", "text": "Pas à moi"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.problem_statement != "Pas à moi"


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_bad_texts_are_refused_and_kept(client, bob, session, text):
    client.force_login(bob)
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "problem_statement", "text": text})
    assert response.status_code == 400
    assert response.context["text_form"].errors["text"]
    session.refresh_from_db()
    assert session.problem_statement == "Nos bénévoles s'essoufflent au bout de six mois."


def test_a_text_for_another_step_is_refused_and_given_back(client, bob, session):
    at_step(session, S.CLARIFICATION)
    client.force_login(bob)
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "problem_statement", "text": "Mon texte précieux"})
    assert response.status_code == 400
    rejected = response.context["rejected_form"]
    assert rejected.non_field_errors()
    assert "Mon texte précieux" in response.content.decode()
    session.refresh_from_db()
    assert session.problem_statement != "Mon texte précieux"


def test_an_unknown_text_is_refused(client, bob, session):
    client.force_login(bob)
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "title", "text": "Nouveau titre"})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.title == "Des bénévoles qui s'essoufflent"


def test_consultants_ask_their_questions_at_step_two(client, ben, session):
    at_step(session, S.CLARIFICATION)
    client.force_login(ben)
    page = client.get(reverse("communities:codev_detail", args=[session.pk]))
    assert page.context["contribution_form"] is not None
    response = client.post(reverse("communities:codev_contribute", args=[session.pk]),
                           {"kind": "question", "text": "Combien sont-ils ?"})
    assert response.status_code == 302
    contribution = session.contributions.get()
    assert (contribution.author, contribution.kind) == (ben, CodevContribution.Kind.QUESTION)


@pytest.mark.parametrize("name", ["bob", "pia", "mathilde", "alice"])
def test_only_consultants_contribute(client, request, session, name):
    at_step(session, S.CLARIFICATION)
    as_user(client, request, name)
    response = client.post(reverse("communities:codev_contribute", args=[session.pk]),
                           {"kind": "question", "text": "Et moi ?"})
    assert response.status_code == 403
    assert not session.contributions.exists()


def test_advice_at_the_wrong_step_is_refused_with_a_message_and_kept(client, ben, session):
    at_step(session, S.CLARIFICATION)
    client.force_login(ben)
    response = client.post(reverse("communities:codev_contribute", args=[session.pk]),
                           {"kind": "advice", "text": "Mon conseil avisé"})
    assert response.status_code == 400
    assert response.context["rejected_form"].non_field_errors()
    assert "Mon conseil avisé" in response.content.decode()
    assert not session.contributions.exists()


@pytest.mark.parametrize("text", ["", "x" * 10_001])
def test_bad_contributions_are_refused(client, ben, session, text):
    at_step(session, S.ADVICE)
    client.force_login(ben)
    response = client.post(reverse("communities:codev_contribute", args=[session.pk]),
                           {"kind": "advice", "text": text})
    assert response.status_code == 400
    assert response.context["contribution_form"].errors["text"]
    assert not session.contributions.exists()


def test_script_in_a_contribution_is_shown_as_text(client, ben, bob, session):
    at_step(session, S.ADVICE)
    client.force_login(ben)
    client.post(reverse("communities:codev_contribute", args=[session.pk]),
                {"kind": "advice", "text": "<script>alert('x')</script> **Essaie**"})
    client.force_login(bob)
    html = client.get(reverse("communities:codev_detail", args=[session.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "<strong>Essaie</strong>" in html


def test_a_closed_session_is_read_only(client, ben, bob, pia, session):
    at_step(session, S.CLOSED)
    client.force_login(bob)
    page = client.get(reverse("communities:codev_detail", args=[session.pk]))
    assert page.context["text_form"] is None and page.context["is_closed"]
    response = client.post(reverse("communities:codev_write", args=[session.pk]),
                           {"name": "lessons", "text": "Après coup"})
    assert response.status_code == 400
    client.force_login(ben)
    response = client.post(reverse("communities:codev_contribute", args=[session.pk]),
                           {"kind": "advice", "text": "Après coup"})
    assert response.status_code == 400
    client.force_login(pia)
    response = client.post(reverse("communities:codev_step", args=[session.pk]),
                           {"direction": "back", "from_step": "7"})
    assert errors(response)
    session.refresh_from_db()
    assert session.step == S.CLOSED and session.lessons == ""
