"""No input to the pages of calls and reviews, however malformed or large, gives a 500."""

import pytest
from django.urls import reverse

from ..factories import QuestionFactory
from .test_calls_support import (  # noqa: F401  (fixtures)
    _private_media,
    ami_call,
    colleges,
    criteria,
    draft_application,
    draft_call,
    eligible_application,
    question,
    remi_assignment,
    submitted_application,
)

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE innovations_call; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
    "1e400",
    "NaN",
    "2025-02-30T25:61",
]


@pytest.fixture
def forms(alice, ines, remi, open_call, draft_call, draft_application,
                       remi_assignment, ami_call, ines_structure):
    call = open_call
    for kind in ("number", "choice", "file", "text"):
        QuestionFactory(call=call, kind=kind, choices=["A", "B"] if kind == "choice" else [])
    questions = [f"question_{pk}" for pk in call.questions.values_list("pk", flat=True)]
    criteria = [name for pk in call.criteria.values_list("pk", flat=True)
                for name in (f"score_{pk}", f"comment_{pk}")]
    call_fields = ["kind", "title", "description", "organiser", "themes", "eligible_kinds",
                   "eligible_territories", "opens_at", "closes_at", "scaling_plan",
                   "offered_innovations"]
    return [
        (alice, reverse("innovations:call_create"), call_fields),
        (alice, reverse("innovations:call_update", args=[draft_call.pk]),
         ["action", *call_fields]),
        (alice, reverse("innovations:call_update", args=[call.pk]),
         ["action", "email", "person"]),
        (alice, reverse("innovations:call_questions", args=[draft_call.pk]),
         ["questions-TOTAL_FORMS", "questions-INITIAL_FORMS", "questions-0-label",
          "questions-0-kind", "questions-0-choices", "questions-0-order",
          "questions-0-id", "questions-0-DELETE"]),
        (alice, reverse("innovations:call_rubric", args=[call.pk]),
         ["criteria-TOTAL_FORMS", "criteria-INITIAL_FORMS", "criteria-0-name",
          "criteria-0-weight", "criteria-0-max_score", "criteria-0-id", "criteria-0-DELETE",
          "colleges-TOTAL_FORMS", "colleges-INITIAL_FORMS", "colleges-0-name",
          "colleges-0-id"]),
        (alice, reverse("innovations:call_extend", args=[call.pk]), ["closes_at"]),
        (alice, reverse("innovations:call_publish", args=[draft_call.pk]), []),
        (ines, reverse("innovations:application_start", args=[call.pk]),
         ["structure", "title"]),
        (ines, reverse("innovations:application_start", args=[ami_call.pk]), ["structure"]),
        (ines, reverse("innovations:application_edit", args=[draft_application.pk]),
         ["title", "summary", "territory", "scaling_plan", *questions,
          *[f"{q}_clear" for q in questions]]),
        (ines, reverse("innovations:application_submit", args=[draft_application.pk]),
         ["title", "summary", "territory", "scaling_plan", *questions]),
        (alice, reverse("innovations:application_screen",
                        args=[remi_assignment.application_id]), ["is_eligible", "note", "next"]),
        (alice, reverse("innovations:application_decide",
                        args=[remi_assignment.application_id]), ["decision", "message", "next"]),
        (alice, reverse("innovations:call_assign", args=[call.pk]),
         ["applications", "reviewers", "emails", "college", "next"]),
        (remi, reverse("innovations:review_form", args=[remi_assignment.pk]),
         ["action", "comment", *criteria]),
        (remi, reverse("innovations:review_conflict", args=[remi_assignment.pk]), ["reason"]),
        (alice, reverse("innovations:assignment_remove", args=[remi_assignment.pk]), ["next"]),
    ]


def test_malformed_and_oversized_input_never_breaks_a_form(client, forms):
    for user, url, fields in forms:
        client.force_login(user)
        for value in NASTY_VALUES:
            response = client.post(url, {field: value for field in fields})
            assert response.status_code < 500, (url, value[:30])
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500, url


def test_oversized_formsets_are_capped(client, alice, draft_call):
    client.force_login(alice)
    url = reverse("innovations:call_questions", args=[draft_call.pk])
    data = {"questions-TOTAL_FORMS": "100000", "questions-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not draft_call.questions.exists()


@pytest.mark.parametrize("name, params", [
    ("call_list", {"state": "alien", "page": "abc"}),
    ("call_list", {"page": "-5"}),
    ("call_list", {"page": "999999"}),
    ("application_list", {"page": "\x00"}),
    ("review_list", {"page": "9" * 50}),
])
def test_lists_survive_any_query_string(client, ines, name, params):
    client.force_login(ines)
    assert client.get(reverse(f"innovations:{name}"), params).status_code == 200


@pytest.mark.parametrize("name, params", [
    ("call_applications", {"status": "alien", "q": HUGE[:5000], "page": "x"}),
    ("call_applications", {"q": "\x00"}),
    ("call_ranking", {"sort": "-id"}),
    ("call_assign", {"applications": ["x", "-1", "9" * 30]}),
])
def test_staff_pages_survive_any_query_string(client, alice, open_call, name, params):
    client.force_login(alice)
    url = reverse(f"innovations:{name}", args=[open_call.pk])
    assert client.get(url, params).status_code == 200


def test_scripts_in_titles_are_shown_as_text(client, ines, draft_application):
    draft_application.title = "<script>alert('x')</script>"
    draft_application.save()
    client.force_login(ines)
    html = client.get(reverse("innovations:application_edit",
                              args=[draft_application.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html
