"""Questionnaire pages for every role of the cast: staff build and send, readers of the project
read the summary, the people of the sites answer in the portal; and the pages' query counts."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Answer, Question, Questionnaire, QuestionnaireAssignment
from evaluations.services import questionnaires as services

from ..factories import AdopterSiteFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

K = Question.Kind
READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200}
NOT_READERS = {"bob": 404, "carol": 404, "remi": 404, "oscar": 404}
EVERYONE = list({**READERS, **NOT_READERS})


@pytest.fixture
def draft(project, alice):
    return services.create_questionnaire(project, by=alice, title="Auto-évaluation 2025",
                                         kind=Questionnaire.Kind.SELF_ASSESSMENT)


def _add_questions(questionnaire, alice):
    services.add_question(questionnaire, by=alice, label="Appropriation du dispositif",
                          kind=K.SCALE, scale_min=1, scale_max=5,
                          scale_min_label="Pas du tout", scale_max_label="Tout à fait")
    services.add_question(questionnaire, by=alice, label="Rythme des comités",
                          kind=K.SINGLE_CHOICE, choices="Mensuel\nTrimestriel")
    services.add_question(questionnaire, by=alice, label="Partenaires mobilisés",
                          kind=K.MULTIPLE_CHOICE, choices="SPE\nDépartement\nCCAS")
    services.add_question(questionnaire, by=alice, label="Ce qui a aidé", kind=K.TEXT,
                          required=False)


@pytest.fixture
def questionnaire(pipeline_cast, draft, alice):
    _add_questions(draft, alice)
    return services.open_questionnaire(draft, by=alice)


@pytest.fixture
def assignment(questionnaire, alice, bob_site):
    return services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])[0]


def answer_data(questionnaire, action="submit", scale="4"):
    scale_q, single, multiple, text = questionnaire.questions.all()
    return {f"question_{scale_q.pk}": scale, f"question_{single.pk}": "Mensuel",
            f"question_{multiple.pk}": ["SPE", "CCAS"],
            f"question_{text.pk}": "Le binôme avec le SPE.", "action": action}


def status_of(client, user, method, url, data=None):
    client.force_login(user)
    if method == "get":
        return client.get(url).status_code
    return client.post(url, data or {}).status_code


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
@pytest.mark.parametrize("page", ["questionnaire_list", "questionnaire_detail",
                                  "questionnaire_send", "questionnaire_summary"])
def test_the_projects_readers_read_the_questionnaire_pages(client, pipeline_cast, assignment,
                                                           questionnaire, name, page):
    arg = questionnaire.project_id if page == "questionnaire_list" else questionnaire.pk
    expected = {**READERS, **NOT_READERS}[name]
    assert status_of(client, pipeline_cast[name], "get",
                     reverse(f"evaluations:{page}", args=[arg])) == expected


def test_the_innovator_reads_them_too(client, ines, questionnaire):
    client.force_login(ines)
    assert client.get(reverse("evaluations:questionnaire_summary",
                              args=[questionnaire.pk])).status_code == 200


@pytest.mark.parametrize(("name", "expected"), [*READERS.items(), *NOT_READERS.items()])
def test_the_peer_comparison_is_for_the_readers(client, pipeline_cast, project, alice, name,
                                                expected):
    peer = services.create_questionnaire(project, by=alice, title="Pairs",
                                         kind=Questionnaire.Kind.PEER_ASSESSMENT)
    assert status_of(client, pipeline_cast[name], "get",
                     reverse("evaluations:peer_comparison", args=[peer.pk])) == expected


def test_a_questionnaire_that_is_no_peer_assessment_has_no_comparison(client, alice,
                                                                      questionnaire):
    assert status_of(client, alice, "get",
                     reverse("evaluations:peer_comparison", args=[questionnaire.pk])) == 404


def test_staff_see_the_forms_and_readers_do_not(client, pipeline_cast, draft):
    client.force_login(pipeline_cast["alice"])
    page = client.get(reverse("evaluations:questionnaire_detail", args=[draft.pk]))
    assert page.context["question_form"] is not None
    assert "Ajouter la question" in page.text or "Add the question" in page.text
    client.force_login(pipeline_cast["fanny"])
    page = client.get(reverse("evaluations:questionnaire_detail", args=[draft.pk]))
    assert page.context["question_form"] is None
    assert "question_update" not in page.text
    page = client.get(reverse("evaluations:questionnaire_list", args=[draft.project_id]))
    assert page.context["form"] is None


# --- The staff's changes ---------------------------------------------------------------------


STAFF_ONLY = {"alice": 302, "admin": 302, "fanny": 403, "camille": 403, "paul": 403,
              "bob": 404, "carol": 404, "remi": 404, "oscar": 404}


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_create_a_questionnaire(client, pipeline_cast, project, name, expected):
    response_status = status_of(
        client, pipeline_cast[name], "post",
        reverse("evaluations:questionnaire_list", args=[project.pk]),
        {"kind": "satisfaction", "title": "Satisfaction des essaimés"})
    assert response_status == expected
    assert Questionnaire.objects.filter(title="Satisfaction des essaimés").exists() == (
        expected == 302)


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_add_questions(client, pipeline_cast, draft, name, expected):
    assert status_of(client, pipeline_cast[name], "post",
                     reverse("evaluations:questionnaire_detail", args=[draft.pk]),
                     {"label": "Nouvelle", "kind": "text", "required": "on"}) == expected
    assert draft.questions.exists() == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_edit_a_questionnaire(client, pipeline_cast, draft, name, expected):
    url = reverse("evaluations:questionnaire_update", args=[draft.pk])
    assert status_of(client, pipeline_cast[name], "get", url) == (
        200 if expected == 302 else expected)
    assert status_of(client, pipeline_cast[name], "post", url,
                     {"kind": "other", "title": "Renommé"}) == expected
    draft.refresh_from_db()
    assert (draft.title == "Renommé") == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_edit_reorder_and_remove_questions(client, pipeline_cast, draft, alice,
                                                      name, expected):
    first = services.add_question(draft, by=alice, label="Un", kind=K.TEXT)
    second = services.add_question(draft, by=alice, label="Deux", kind=K.TEXT)
    url = reverse("evaluations:question_update", args=[second.pk])
    assert status_of(client, pipeline_cast[name], "get", url) == (
        200 if expected == 302 else expected)
    assert status_of(client, pipeline_cast[name], "post", url, {"action": "up"}) == expected
    order = list(draft.questions.values_list("pk", flat=True))
    assert order == ([second.pk, first.pk] if expected == 302 else [first.pk, second.pk])
    assert status_of(client, pipeline_cast[name], "post", url,
                     {"label": "Deux bis", "kind": "text"}) == expected
    assert status_of(client, pipeline_cast[name], "post", url, {"action": "delete"}) == expected
    assert Question.objects.filter(pk=second.pk).exists() == (expected != 302)


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_open_and_close(client, pipeline_cast, draft, alice, name, expected):
    services.add_question(draft, by=alice, label="Un", kind=K.TEXT)
    assert status_of(client, pipeline_cast[name], "post",
                     reverse("evaluations:questionnaire_open", args=[draft.pk])) == expected
    draft.refresh_from_db()
    assert (draft.status == "open") == (expected == 302)
    if expected != 302:
        services.open_questionnaire(draft, by=alice)
    assert status_of(client, pipeline_cast[name], "post",
                     reverse("evaluations:questionnaire_close", args=[draft.pk])) == expected
    draft.refresh_from_db()
    assert (draft.status == "closed") == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), STAFF_ONLY.items())
def test_only_staff_send(client, pipeline_cast, questionnaire, bob_site, name, expected,
                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert status_of(client, pipeline_cast[name], "post",
                         reverse("evaluations:questionnaire_send", args=[questionnaire.pk]),
                         {"sites": [bob_site.pk]}) == expected
    assert questionnaire.assignments.exists() == (expected == 302)
    assert len(mail.outbox) == (1 if expected == 302 else 0)


def test_an_empty_question_form_keeps_what_was_typed(client, alice, draft):
    client.force_login(alice)
    response = client.post(reverse("evaluations:questionnaire_detail", args=[draft.pk]),
                           {"label": "Quels partenaires ?", "kind": "single_choice",
                            "choices": "Un seul"})
    assert response.status_code == 400
    form = response.context["question_form"]
    assert form.errors["choices"]
    assert 'value="Quels partenaires ?"' in response.text
    assert "Un seul" in response.text


def test_opening_an_empty_questionnaire_says_why(client, alice, draft):
    client.force_login(alice)
    response = client.post(reverse("evaluations:questionnaire_open", args=[draft.pk]),
                           follow=True)
    draft.refresh_from_db()
    assert draft.status == "draft"
    messages = [str(m) for m in response.context["messages"]]
    assert any("question" in m for m in messages)


def test_sending_to_all_sites_and_to_a_stranger(client, alice, questionnaire, bob_site,
                                                carol_site, oscar):
    client.force_login(alice)
    url = reverse("evaluations:questionnaire_send", args=[questionnaire.pk])
    response = client.post(url, {"all_sites": "on", "people": "oscar@example.org"})
    assert response.status_code == 400
    assert response.context["form"].errors["people"]
    assert "oscar@example.org" in response.text  # kept in the box
    assert not questionnaire.assignments.exists()
    response = client.post(url, {"all_sites": "on"})
    assert response.status_code == 302
    assert set(questionnaire.assignments.values_list("site", flat=True)) == {bob_site.pk,
                                                                             carol_site.pk}


def test_a_peer_assessment_is_sent_about_a_site(client, alice, project, bob_site, carol_site):
    peer = services.create_questionnaire(project, by=alice, title="Pairs",
                                         kind=Questionnaire.Kind.PEER_ASSESSMENT)
    services.add_question(peer, by=alice, label="Accueil", kind=K.SCALE)
    services.open_questionnaire(peer, by=alice)
    client.force_login(alice)
    url = reverse("evaluations:questionnaire_send", args=[peer.pk])
    response = client.post(url, {"sites": [bob_site.pk], "peer_site": bob_site.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["sites"]
    response = client.post(url, {"sites": [bob_site.pk], "peer_site": carol_site.pk})
    assert response.status_code == 302
    assignment = peer.assignments.get()
    assert (assignment.site, assignment.peer_site) == (bob_site, carol_site)


# --- Answering in the portal -----------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_everyone_has_a_page_of_their_questionnaires(client, pipeline_cast, assignment, name):
    client.force_login(pipeline_cast[name])
    response = client.get(reverse("evaluations:my_questionnaires"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == (
        [assignment.pk] if name == "bob" else [])


def test_a_person_sees_what_was_sent_to_them_and_drafts_stay_hidden(client, pipeline_cast,
                                                                    questionnaire, draft,
                                                                    camille, alice):
    sent = services.send_questionnaire(questionnaire, by=alice, people=[camille])[0]
    other = services.create_questionnaire(questionnaire.project, by=alice, title="Brouillon")
    # An assignment to a draft, as the admin could make: not shown before it opens.
    QuestionnaireAssignment.objects.create(questionnaire=other, person=camille)
    client.force_login(camille)
    response = client.get(reverse("evaluations:my_questionnaires"))
    assert [a.pk for a in response.context["page"]] == [sent.pk]


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 200), ("carol", 404), ("alice", 404), ("admin", 404), ("fanny", 404),
    ("camille", 404), ("paul", 404), ("remi", 404), ("oscar", 404),
])
def test_only_the_sites_people_answer(client, pipeline_cast, questionnaire, assignment, name,
                                      expected):
    url = reverse("evaluations:answer", args=[assignment.pk])
    assert status_of(client, pipeline_cast[name], "get", url) == expected
    status = status_of(client, pipeline_cast[name], "post", url, answer_data(questionnaire))
    assert status == (302 if expected == 200 else 404)
    assignment.refresh_from_db()
    assert (assignment.status == "submitted") == (expected == 200)


def test_a_colleague_of_the_same_structure_answers_for_the_site(client, questionnaire,
                                                               assignment, bob_site):
    colleague = UserFactory()
    MembershipFactory(user=colleague, structure=bob_site.structure)
    client.force_login(colleague)
    assert client.get(reverse("evaluations:answer", args=[assignment.pk])).status_code == 200


def test_the_answer_form_renders_each_kind(client, bob, questionnaire, assignment):
    client.force_login(bob)
    page = client.get(reverse("evaluations:answer", args=[assignment.pk])).text
    scale, single, multiple, text = questionnaire.questions.all()
    assert page.count(f'name="question_{scale.pk}"') == 5
    assert page.count('type="radio"') == 5 + 2
    assert "Pas du tout" in page and "Tout à fait" in page
    assert page.count(f'name="question_{single.pk}"') == 2
    assert page.count('type="checkbox"') == 3
    assert f'<textarea name="question_{text.pk}"' in page


def test_a_draft_is_saved_and_shown_again(client, bob, questionnaire, assignment):
    client.force_login(bob)
    url = reverse("evaluations:answer", args=[assignment.pk])
    scale = questionnaire.questions.first()
    response = client.post(url, {f"question_{scale.pk}": "2", "action": "save"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "pending"
    page = client.get(url)
    assert page.context["form"][f"question_{scale.pk}"].value() == 2
    listing = client.get(reverse("evaluations:my_questionnaires"))
    assert listing.context["page"][0].is_started


def test_missing_required_answers_keep_the_input(client, bob, questionnaire, assignment):
    client.force_login(bob)
    data = answer_data(questionnaire)
    scale, single, multiple, text = questionnaire.questions.all()
    del data[f"question_{single.pk}"]
    response = client.post(reverse("evaluations:answer", args=[assignment.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[f"question_{single.pk}"]
    assert response.context["form"][f"question_{scale.pk}"].value() == "4"
    assert 'value="4" id="id_question_%d_3" checked' % scale.pk in response.text
    assert "Le binôme avec le SPE." in response.text
    assert not Answer.objects.exists()


def test_an_answer_out_of_the_scale_is_refused_next_to_the_question(client, bob, questionnaire,
                                                                    assignment):
    client.force_login(bob)
    response = client.post(reverse("evaluations:answer", args=[assignment.pk]),
                           answer_data(questionnaire, scale="9"))
    assert response.status_code == 400
    scale = questionnaire.questions.first()
    assert response.context["form"].errors[f"question_{scale.pk}"]


def test_submitting_twice_is_refused_with_a_message(client, bob, questionnaire, assignment):
    client.force_login(bob)
    url = reverse("evaluations:answer", args=[assignment.pk])
    assert client.post(url, answer_data(questionnaire)).status_code == 302
    response = client.post(url, answer_data(questionnaire, scale="1"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Answer.objects.get(question__kind=K.SCALE).number == 4
    page = client.get(url)
    assert not page.context["can_answer"]
    assert "Soumettre" not in page.text and "Submit my answers" not in page.text


def test_a_closed_questionnaire_says_so(client, bob, alice, questionnaire, assignment):
    services.close_questionnaire(questionnaire, by=alice)
    client.force_login(bob)
    url = reverse("evaluations:answer", args=[assignment.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["is_closed"]
    response = client.post(url, answer_data(questionnaire))
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "questionnaire_closed"]
    assert not Answer.objects.exists()


# --- The summary -----------------------------------------------------------------------------


def _answer_for(site, questionnaire, alice, *, scale, single, several, text):
    assignment = services.send_questionnaire(questionnaire, by=alice, sites=[site])
    assignment = assignment[0] if assignment else questionnaire.assignments.get(site=site)
    questions = list(questionnaire.questions.all())
    services.save_answers(assignment, by=alice, submit=True, answers={
        questions[0].pk: scale, questions[1].pk: single, questions[2].pk: several,
        questions[3].pk: text})
    return assignment


def test_the_summary_counts_in_the_database(client, alice, questionnaire, bob_site, carol_site):
    _answer_for(bob_site, questionnaire, alice, scale=4, single="Mensuel",
                several=["SPE", "CCAS"], text="Le binôme.")
    _answer_for(carol_site, questionnaire, alice, scale=2, single="Mensuel",
                several=["SPE"], text="")
    third = AdopterSiteFactory(project=questionnaire.project)
    services.send_questionnaire(questionnaire, by=alice, sites=[third])
    client.force_login(alice)
    response = client.get(reverse("evaluations:questionnaire_summary", args=[questionnaire.pk]))
    summary = response.context["summary"]
    assert (summary.assigned, summary.submitted) == (3, 2)
    assert str(summary.response_rate) == "66.7"
    scale, single, multiple, text = summary.questions
    assert scale.count == 2 and str(scale.average) == "3.00"
    assert [(b.label, b.count) for b in scale.bars] == [("1", 0), ("2", 1), ("3", 0), ("4", 1),
                                                        ("5", 0)]
    assert [(b.label, b.count) for b in single.bars] == [("Mensuel", 2), ("Trimestriel", 0)]
    assert [(b.label, b.count) for b in multiple.bars] == [("SPE", 2), ("Département", 0),
                                                           ("CCAS", 1)]
    assert multiple.count == 2
    assert [a.text for a in text.texts] == ["Le binôme."]
    assert text.texts[0].assignment.site == bob_site
    assert [a.pk for a in response.context["page"]] == [
        questionnaire.assignments.get(site=third).pk]
    assert "66,7" in response.text


def test_drafts_of_answers_are_not_counted(client, alice, bob, questionnaire, assignment):
    scale = questionnaire.questions.first()
    services.save_answers(assignment, by=bob, answers={scale.pk: 5})
    client.force_login(alice)
    summary = client.get(reverse("evaluations:questionnaire_summary",
                                 args=[questionnaire.pk])).context["summary"]
    assert summary.questions[0].count == 0
    assert summary.response_rate == 0


def test_the_peer_comparison_sets_self_beside_peers(client, alice, project, bob_site,
                                                    carol_site):
    peer = services.create_questionnaire(project, by=alice, title="Pairs",
                                         kind=Questionnaire.Kind.PEER_ASSESSMENT)
    question = services.add_question(peer, by=alice, label="Accueil", kind=K.SCALE,
                                     scale_min=1, scale_max=4)
    services.open_questionnaire(peer, by=alice)
    third = AdopterSiteFactory(project=project)
    own = services.send_questionnaire(peer, by=alice, sites=[bob_site])[0]
    peers = services.send_questionnaire(peer, by=alice, sites=[carol_site, third],
                                        peer_site=bob_site)
    for assignment, number in [(own, 4), (peers[0], 2), (peers[1], 3)]:
        services.save_answers(assignment, by=alice, answers={question.pk: number}, submit=True)
    client.force_login(alice)
    response = client.get(reverse("evaluations:peer_comparison", args=[peer.pk]))
    comparison, = response.context["comparisons"]
    line, = comparison.lines
    assert comparison.site == bob_site
    assert (str(line.self_average), line.self_count) == ("4.00", 1)
    assert (str(line.peer_average), line.peer_count) == ("2.50", 2)
    assert str(line.gap) == "-1.50"


# --- Query counts ----------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more_answered_sites(questionnaire, alice, count):
    for index in range(count):
        site = AdopterSiteFactory(project=questionnaire.project)
        _answer_for(site, questionnaire, alice, scale=1 + index % 5, single="Trimestriel",
                    several=["SPE", "Département"], text=f"Réponse {index}")
        services.send_questionnaire(questionnaire, by=alice,
                                    sites=[AdopterSiteFactory(project=questionnaire.project)])


def test_the_staff_pages_query_counts_do_not_grow(client, alice, questionnaire,
                                                  django_assert_max_num_queries):
    client.force_login(alice)
    urls = [reverse("evaluations:questionnaire_list", args=[questionnaire.project_id]),
            reverse("evaluations:questionnaire_detail", args=[questionnaire.pk]),
            reverse("evaluations:questionnaire_send", args=[questionnaire.pk]),
            reverse("evaluations:questionnaire_summary", args=[questionnaire.pk])]
    _more_answered_sites(questionnaire, alice, 2)
    before = [_count_queries(client, url) for url in urls]
    _more_answered_sites(questionnaire, alice, 8)
    after = [_count_queries(client, url) for url in urls]
    assert after == before
    # session, user, project, staff check, programme check, summary: rates, questions, scale
    # distribution and averages, choices, texts; page of who has not answered with its count.
    with django_assert_max_num_queries(16):
        client.get(urls[3])


def test_the_peer_comparison_query_count_does_not_grow(client, alice, project):
    peer = services.create_questionnaire(project, by=alice, title="Pairs",
                                         kind=Questionnaire.Kind.PEER_ASSESSMENT)
    question = services.add_question(peer, by=alice, label="Accueil", kind=K.SCALE)
    services.open_questionnaire(peer, by=alice)

    def more(count):
        for _ in range(count):
            site, other = AdopterSiteFactory.create_batch(2, project=project)
            for assignment in (services.send_questionnaire(peer, by=alice, sites=[site])
                               + services.send_questionnaire(peer, by=alice, sites=[other],
                                                             peer_site=site)):
                services.save_answers(assignment, by=alice, answers={question.pk: 3},
                                      submit=True)

    client.force_login(alice)
    url = reverse("evaluations:peer_comparison", args=[peer.pk])
    more(1)
    before = _count_queries(client, url)
    more(5)
    assert _count_queries(client, url) == before


def test_the_portal_pages_query_counts_do_not_grow(client, alice, bob, bob_site, project,
                                                   django_assert_max_num_queries):
    def sent_to_bob(count):
        for index in range(count):
            questionnaire = services.create_questionnaire(project, by=alice, title=f"Q{index}")
            _add_questions(questionnaire, alice)
            services.open_questionnaire(questionnaire, by=alice)
            services.send_questionnaire(questionnaire, by=alice, sites=[bob_site])

    client.force_login(bob)
    sent_to_bob(2)
    listing = reverse("evaluations:my_questionnaires")
    before = _count_queries(client, listing)
    sent_to_bob(6)
    assert _count_queries(client, listing) == before
    # session, user, page of assignments and its count
    with django_assert_max_num_queries(5):
        client.get(listing)

    assignment = QuestionnaireAssignment.objects.filter(site=bob_site).first()
    url = reverse("evaluations:answer", args=[assignment.pk])
    before = _count_queries(client, url)
    services.save_answers(assignment, by=bob, answers=answer_data_for(assignment))
    # session, user, assignment with its questionnaire and sites, questions, answers
    with django_assert_max_num_queries(6):
        client.get(url)
    assert _count_queries(client, url) == before


def answer_data_for(assignment):
    scale, single, multiple, text = assignment.questionnaire.questions.all()
    return {scale.pk: 3, single.pk: "Mensuel", multiple.pk: ["SPE"], text.pk: "Oui"}
