"""Peer review: assigning reviewers to colleges, conflicts of interest, scoring, e-mails."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from innovations.models import ReviewAssignment
from innovations.services import reviews as services
from innovations.tasks import send_review_assigned_email_task

from ..factories import (
    CollegeFactory,
    CriterionFactory,
    MembershipFactory,
    ReviewAssignmentFactory,
    SubmittedApplicationFactory,
    UserFactory,
)
from .test_calls_support import (  # noqa: F401  (fixtures)
    _private_media,
    codes,
    colleges,
    criteria,
    draft_application,
    eligible_application,
    question,
    remi_assignment,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert code in codes(caught.value), codes(caught.value)
    return caught.value


def full_scores(criteria, *values):
    return {c.pk: (value, "") for c, value in zip(criteria, values, strict=True)}


# --- Assigning ------------------------------------------------------------------------------------


def test_a_reviewer_is_assigned_once_per_application(alice, remi, eligible_application,
                                                     colleges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign_reviewer(eligible_application, remi, colleges[0], by=alice)
    assert assignment.assigned_by == alice
    refused("duplicate_review", services.assign_reviewer, eligible_application, remi,
            colleges[1], by=alice)
    assert ReviewAssignment.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[remi.email]]
    assert assignment.get_absolute_url() in mail.outbox[0].body


def test_nobody_reviews_their_own_structure(alice, ines, eligible_application, colleges):
    refused("reviewer_is_applicant", services.assign_reviewer, eligible_application, ines,
            colleges[0], by=alice)


def test_drafts_and_ineligible_applications_get_no_reviewer(alice, remi, draft_application,
                                                            colleges):
    refused("not_assignable", services.assign_reviewer, draft_application, remi, colleges[0],
            by=alice)
    draft_application.status = "ineligible"
    draft_application.save()
    refused("not_assignable", services.assign_reviewer, draft_application, remi, colleges[0],
            by=alice)


def test_a_college_of_another_call_is_refused(alice, remi, eligible_application):
    refused("wrong_college", services.assign_reviewer, eligible_application, remi,
            CollegeFactory(), by=alice)


def test_bulk_assignment_skips_existing_reviews_and_applicants(
        alice, remi, ines, eligible_application, colleges, django_capture_on_commit_callbacks):
    call = eligible_application.call
    others = [SubmittedApplicationFactory(call=call) for _ in range(2)]
    colleague = UserFactory()
    MembershipFactory(user=colleague, structure=others[0].structure)
    ReviewAssignmentFactory(application=others[1], reviewer=remi, college=colleges[1])
    ineligible = SubmittedApplicationFactory(call=call, status="ineligible")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.assign_reviewers(
            [eligible_application, *others, ineligible], [remi, colleague, ines], colleges[0],
            by=alice)
    # remi: eligible + others[0]; colleague: eligible + others[1]; ines: others[0] + others[1]
    assert len(report.created) == 6
    assert [(a.pk, r.pk) for a, r in report.already_assigned] == [(others[1].pk, remi.pk)]
    assert {(a.pk, r.pk) for a, r in report.reviewer_is_applicant} == {
        (eligible_application.pk, ines.pk), (others[0].pk, colleague.pk)}
    assert report.not_assignable == [ineligible]
    assert ReviewAssignment.objects.count() == 7
    assert all(a.college == colleges[0] for a in report.created)
    assert len(mail.outbox) == 6
    # The history keeps who assigned each review.
    assert ReviewAssignment.history.filter(history_user=alice).count() == 6


def test_the_assignment_email_is_sent_once_even_if_the_task_runs_twice(remi_assignment):
    send_review_assigned_email_task(remi_assignment.pk)
    send_review_assigned_email_task(remi_assignment.pk)
    send_review_assigned_email_task(999_999)
    assert len(mail.outbox) == 1
    assert remi_assignment.application.title in mail.outbox[0].body


def test_assignment_emails_speak_the_reviewers_language(remi_assignment, remi):
    french_reviewer = reviewer(language="fr")
    french = ReviewAssignmentFactory(application=remi_assignment.application,
                                     college=remi_assignment.college, reviewer=french_reviewer)
    remi.language = "en"
    remi.save()
    send_review_assigned_email_task(remi_assignment.pk)
    send_review_assigned_email_task(french.pk)
    english_mail, french_mail = mail.outbox
    # Same application, same call: only the language makes the greetings differ.
    assert english_mail.body.splitlines()[0] != french_mail.body.splitlines()[0]


def test_submitted_reviews_cannot_be_withdrawn(alice, remi_assignment, criteria):
    services.submit_review(remi_assignment, scores=full_scores(criteria, 4, 3), by=alice)
    refused("review_locked", services.remove_assignment, remi_assignment, by=alice)
    other = ReviewAssignmentFactory(application=remi_assignment.application,
                                    college=remi_assignment.college)
    services.remove_assignment(other, by=alice)
    assert list(ReviewAssignment.objects.all()) == [remi_assignment]


# --- Conflicts of interest ------------------------------------------------------------------------


def test_a_conflict_drops_draft_scores_and_locks_the_review(remi, remi_assignment, criteria):
    services.save_review(remi_assignment, scores=full_scores(criteria, 4, None), by=remi)
    refused("reason_required", services.declare_conflict, remi_assignment, reason="  ", by=remi)
    assignment = services.declare_conflict(remi_assignment, reason="Ancien salarié", by=remi)
    assert assignment.status == ReviewAssignment.Status.CONFLICT
    assert assignment.is_locked
    assert not assignment.scores.exists()
    refused("conflict_declared", services.save_review, assignment,
            scores=full_scores(criteria, 4, 4), by=remi)
    refused("conflict_declared", services.submit_review, assignment, by=remi)
    refused("conflict_declared", services.declare_conflict, assignment, reason="Encore",
            by=remi)


def test_a_conflict_cannot_follow_a_submitted_review(remi, remi_assignment, criteria):
    services.submit_review(remi_assignment, scores=full_scores(criteria, 5, 5), by=remi)
    refused("review_locked", services.declare_conflict, remi_assignment, reason="Oubli",
            by=remi)


# --- Scoring --------------------------------------------------------------------------------------


def test_scores_above_the_maximum_or_negative_are_refused(remi, remi_assignment, criteria):
    error = refused("score_above_max", services.save_review, remi_assignment,
                    scores=full_scores(criteria, 6, 1), by=remi)
    assert f"score_{criteria[0].pk}" in error.error_dict
    refused("score_negative", services.save_review, remi_assignment,
            scores=full_scores(criteria, -1, 1), by=remi)
    refused("invalid_score", services.save_review, remi_assignment,
            scores=full_scores(criteria, "beaucoup", 1), by=remi)
    refused("unknown_criterion", services.save_review, remi_assignment,
            scores={CriterionFactory().pk: (1, "")}, by=remi)
    assert not remi_assignment.scores.exists()


def test_a_review_is_saved_and_resumed(remi, remi_assignment, criteria):
    services.save_review(remi_assignment, scores={criteria[0].pk: (4, "Preuves solides")},
                         comment="À suivre", by=remi)
    refused("comment_without_score", services.save_review, remi_assignment,
            scores={criteria[1].pk: (None, "Je reviendrai")}, by=remi)
    remi_assignment.refresh_from_db()
    assert remi_assignment.status == ReviewAssignment.Status.IN_PROGRESS
    assert remi_assignment.comment == "À suivre"
    assert remi_assignment.weighted_score is None
    error = refused("missing_score", services.submit_review, remi_assignment, by=remi)
    assert list(error.error_dict) == [f"score_{criteria[1].pk}"]
    services.save_review(remi_assignment, scores={criteria[0].pk: (None, "")}, by=remi)
    assert not remi_assignment.scores.exists()


def test_submitting_locks_the_scores_with_the_weighted_score(remi, remi_assignment, criteria):
    # Weights 2 and 1, maximum 5: (4/5 × 2 + 3/5 × 1) / 3 × 100 = 73.33
    assignment = services.submit_review(remi_assignment, scores=full_scores(criteria, 4, 3),
                                        by=remi)
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    assert assignment.weighted_score == Decimal("73.33")
    assert assignment.submitted_at is not None
    refused("review_locked", services.submit_review, assignment, by=remi)
    refused("review_locked", services.save_review, assignment,
            scores=full_scores(criteria, 5, 5), by=remi)
    assert sorted(assignment.scores.values_list("value", flat=True)) == [3, 4]


@pytest.mark.parametrize("values, expected", [
    ((5, 5), Decimal("100.00")),
    ((0, 0), Decimal("0.00")),
    ((5, 0), Decimal("66.67")),
    ((0, 5), Decimal("33.33")),
    ((1, 2), Decimal("26.67")),
])
def test_weighted_scores(remi, remi_assignment, criteria, values, expected):
    assignment = services.submit_review(remi_assignment, scores=full_scores(criteria, *values),
                                        by=remi)
    assert assignment.weighted_score == expected


def test_a_weight_total_of_zero_is_refused_when_scoring(criteria):
    for criterion in criteria:
        criterion.weight = Decimal(0)
    refused("weights_zero", services.weighted_score, [], criteria)


def test_reviewer_pool_assignment_uses_another_person(alice, eligible_application, colleges):
    person = reviewer(email="pair@example.org")
    report = services.assign_reviewers([eligible_application], [person], colleges[1], by=alice)
    assert [a.reviewer for a in report.created] == [person]
