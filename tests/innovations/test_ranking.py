"""The ranking of a call, computed in the database on a small hand-built dataset."""

from decimal import Decimal

import pytest
from django.urls import reverse

from innovations.models import ReviewAssignment
from innovations.selectors.calls import ranking
from innovations.services import reviews as review_services

from ..factories import ApplicationFactory, ReviewAssignmentFactory, SubmittedApplicationFactory
from .test_calls_support import (  # noqa: F401  (fixtures)
    colleges,
    criteria,
    review,
    reviewer,
    submitted,
)

pytestmark = pytest.mark.django_db


def scored(application, college, criteria, *values):
    """A review really submitted through the service, with these scores per criterion."""
    person = reviewer()
    assignment = ReviewAssignmentFactory(application=application, college=college,
                                         reviewer=person)
    return review_services.submit_review(
        assignment, by=person,
        scores={c.pk: (v, "") for c, v in zip(criteria, values, strict=True)})


@pytest.fixture
def dataset(open_call, colleges, criteria):
    """Weights 2 and 1, maximum 5; colleges "Innovateurs" (A) and "Utilisateurs" (B).

    strong   A: (4,4) → 80.00, (3,3) → 60.00; B: (5,4) → 93.33, and a conflict (not expected)
    partial  A: 50.00; B: a review not submitted yet (missing)
    unscored eligible, nobody assigned
    Left out: an application not screened yet, an ineligible one, a draft, another call's.
    """
    innovators, users = colleges
    strong = submitted(open_call, title="Fort", status="eligible")
    scored(strong, innovators, criteria, 4, 4)
    scored(strong, innovators, criteria, 3, 3)
    scored(strong, users, criteria, 5, 4)
    review(strong, users, status=ReviewAssignment.Status.CONFLICT)
    partial = submitted(open_call, title="Partiel", status="selected")
    review(partial, innovators, score=Decimal("50.00"))
    review(partial, users, status=ReviewAssignment.Status.IN_PROGRESS)
    unscored = submitted(open_call, title="Sans note", status="eligible")
    submitted(open_call, title="À examiner")
    submitted(open_call, title="Inéligible", status="ineligible")
    ApplicationFactory(call=open_call, title="Brouillon")
    other = SubmittedApplicationFactory(title="Autre appel", status="eligible")
    review(other, ReviewAssignmentFactory(application=other).college, score=Decimal("99"))
    return {"strong": strong, "partial": partial, "unscored": unscored}


def test_the_ranking_of_a_small_dataset(open_call, dataset):
    colleges, rows = ranking(open_call)
    assert [c.name for c in colleges] == ["Innovateurs", "Utilisateurs potentiels"]
    by_title = {row.application.title: row for row in rows}
    assert [row.application.title for row in rows] == ["Fort", "Partiel", "Sans note"]

    strong = by_title["Fort"]
    assert strong.overall == Decimal("77.78")  # (80 + 60 + 93.33) / 3
    assert strong.college_scores == [Decimal("70.00"), Decimal("93.33")]
    assert strong.spread == Decimal("33.33")
    assert (strong.reviews_submitted, strong.reviews_expected, strong.reviews_missing) == (3, 3, 0)

    partial = by_title["Partiel"]
    assert partial.overall == Decimal("50.00")
    assert partial.college_scores == [Decimal("50.00"), None]
    assert partial.spread == Decimal("0.00")
    assert (partial.reviews_submitted, partial.reviews_expected, partial.reviews_missing) == (
        1, 2, 1)

    unscored = by_title["Sans note"]
    assert unscored.overall is None and unscored.spread is None
    assert unscored.college_scores == [None, None]
    assert (unscored.reviews_submitted, unscored.reviews_expected) == (0, 0)


@pytest.mark.parametrize("sort, order", [
    ("score", ["Fort", "Partiel", "Sans note"]),
    ("score_asc", ["Partiel", "Fort", "Sans note"]),
    ("spread", ["Fort", "Partiel", "Sans note"]),
    ("missing", ["Partiel", "Fort", "Sans note"]),
    ("title", ["Fort", "Partiel", "Sans note"]),
])
def test_the_ranking_sorts(open_call, dataset, sort, order):
    assert [row.application.title for row in ranking(open_call, sort=sort)[1]] == order


def test_the_ranking_page_shows_the_computed_rows(client, alice, open_call, dataset):
    client.force_login(alice)
    response = client.get(reverse("innovations:call_ranking", args=[open_call.pk]),
                          {"sort": "score_asc"})
    assert response.status_code == 200
    assert [row.application.title for row in response.context["rows"]] == [
        "Partiel", "Fort", "Sans note"]
    assert response.context["sort"] == "score_asc"
    # An unknown sort falls back to the best score first.
    response = client.get(reverse("innovations:call_ranking", args=[open_call.pk]),
                          {"sort": "'; DROP TABLE"})
    assert response.context["sort"] == "score"


def build(call, colleges, count):
    for index in range(count):
        application = submitted(call, status="eligible" if index % 3 else "selected")
        review(application, colleges[index % 2], score=Decimal(40 + index))
        review(application, colleges[(index + 1) % 2], score=Decimal(60))
        review(application, colleges[0], status=ReviewAssignment.Status.CONFLICT)
        review(application, colleges[1], status=ReviewAssignment.Status.PENDING)


def ranking_queries(client, alice, call, django_assert_max_num_queries):
    client.force_login(alice)
    # session, user, call, manager check, colleges, the rows with all their aggregates
    with django_assert_max_num_queries(7) as context:
        response = client.get(reverse("innovations:call_ranking", args=[call.pk]))
    assert response.status_code == 200
    return len(context.captured_queries), len(response.context["rows"])


def test_the_ranking_page_query_count_does_not_grow(client, alice, open_call, colleges,
                                                    django_assert_max_num_queries):
    build(open_call, colleges, 5)
    small, rows = ranking_queries(client, alice, open_call, django_assert_max_num_queries)
    assert rows == 5
    build(open_call, colleges, 35)
    large, rows = ranking_queries(client, alice, open_call, django_assert_max_num_queries)
    assert rows == 40
    assert small == large
