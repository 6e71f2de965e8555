"""Every change of state of peer review: assigning reviewers to colleges, conflicts of
interest, scoring and submitting reviews."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from communities.models import Membership
from essaimage.emails import claim_send, release_send

from ..models import Application, College, Criterion, ReviewAssignment, Score

ASSIGNABLE_STATUSES = [Application.Status.SUBMITTED, Application.Status.ELIGIBLE,
                       *Application.DECISIONS]


# --- Assigning reviewers -------------------------------------------------------------------


@dataclass
class AssignmentReport:
    """What a bulk assignment did, and what it skipped and why."""

    created: list = field(default_factory=list)
    already_assigned: list = field(default_factory=list)
    reviewer_is_applicant: list = field(default_factory=list)
    not_assignable: list = field(default_factory=list)


def _check_college(applications, college: College) -> None:
    if any(application.call_id != college.call_id for application in applications):
        raise ValidationError({"college": ValidationError(
            _("Choose a college of this call."), code="wrong_college")})


@transaction.atomic
def assign_reviewers(applications, reviewers, college: College, *, by) -> AssignmentReport:
    """Give each reviewer each application, as members of `college`.

    Existing assignments are kept as they are, and nobody reviews an application of a
    structure they belong to; both are skipped and reported.
    """
    applications = list(applications)
    reviewers = list(reviewers)
    _check_college(applications, college)
    report = AssignmentReport()
    assignable = []
    for application in applications:
        if application.status in ASSIGNABLE_STATUSES:
            assignable.append(application)
        else:
            report.not_assignable.append(application)
    existing = set(ReviewAssignment.objects.filter(
        application__in=assignable, reviewer__in=reviewers
    ).values_list("application_id", "reviewer_id"))
    members = set(Membership.objects.filter(
        user__in=reviewers, structure__in={a.structure_id for a in assignable}
    ).values_list("structure_id", "user_id"))
    now = timezone.now()
    new = []
    for application in assignable:
        for reviewer in reviewers:
            pair = (application, reviewer)
            if (application.pk, reviewer.pk) in existing:
                report.already_assigned.append(pair)
            elif (application.structure_id, reviewer.pk) in members:
                report.reviewer_is_applicant.append(pair)
            else:
                new.append(ReviewAssignment(application=application, reviewer=reviewer,
                                            college=college, assigned_by=by, assigned_at=now))
    if new:
        report.created = bulk_create_with_history(new, ReviewAssignment, default_user=by)
        _queue_assignment_emails([assignment.pk for assignment in report.created])
    return report


@transaction.atomic
def assign_reviewer(application: Application, reviewer, college: College, *,
                    by) -> ReviewAssignment:
    """Ask one person to review one application; refuse a duplicate or a conflict."""
    _check_college([application], college)
    if application.status not in ASSIGNABLE_STATUSES:
        raise ValidationError(_("Only submitted applications that are not found ineligible "
                                "can be reviewed."), code="not_assignable")
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            _("%(person)s already reviews this application.") % {"person": reviewer},
            code="duplicate_review")
    if Membership.objects.filter(user=reviewer, structure_id=application.structure_id).exists():
        raise ValidationError(
            _("%(person)s belongs to the applicant structure and cannot review it.")
            % {"person": reviewer}, code="reviewer_is_applicant")
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer,
                                                 college=college, assigned_by=by)
    _queue_assignment_emails([assignment.pk])
    return assignment


def _queue_assignment_emails(assignment_ids: list[int]) -> None:
    from ..tasks import send_review_assigned_email_task

    # Queue after commit: until then the worker cannot see the assignments.
    transaction.on_commit(
        lambda: [send_review_assigned_email_task.delay(pk) for pk in assignment_ids]
    )


@transaction.atomic
def remove_assignment(assignment: ReviewAssignment, *, by) -> None:
    """Withdraw a review that was not submitted; submitted reviews stay in the ranking."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        raise ValidationError(_("This review was submitted: it stays."), code="review_locked")
    assignment.delete()


def send_review_assigned_email(assignment: ReviewAssignment) -> bool:
    """Tell the reviewer what to review, once; True when this call sent the e-mail."""
    from essaimage.emails import absolute_url, send_templated_email

    if assignment.is_locked:
        return False
    key = f"innovations:review-assigned-email:{assignment.pk}"
    if not claim_send(key):
        return False
    reviewer = assignment.reviewer
    try:
        send_templated_email(
            "review_assigned",
            to=[reviewer.email],
            language=reviewer.language or "fr",
            context={
                "reviewer": reviewer,
                "assignment": assignment,
                "application": assignment.application,
                "call": assignment.application.call,
                "college": assignment.college,
                "review_url": absolute_url(assignment.get_absolute_url()),
            },
        )
    except Exception:
        release_send(key)  # let the retry send it
        raise
    return True


# --- Reviewing -------------------------------------------------------------------------------


def _refuse_if_locked(assignment: ReviewAssignment) -> None:
    if assignment.status == ReviewAssignment.Status.CONFLICT:
        raise ValidationError(_("You declared a conflict of interest: you cannot score this "
                                "application."), code="conflict_declared")
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        raise ValidationError(_("This review was submitted: its scores are locked."),
                              code="review_locked")


@transaction.atomic
def declare_conflict(assignment: ReviewAssignment, *, reason: str, by) -> ReviewAssignment:
    """Step aside from a review; its draft scores are dropped and the application hidden."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _refuse_if_locked(assignment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say briefly what links you to this application."), code="reason_required")})
    assignment.scores.all().delete()
    assignment.status = ReviewAssignment.Status.CONFLICT
    assignment.conflict_reason = reason
    assignment.save(update_fields=["status", "conflict_reason"])
    return assignment


def score_field(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


def comment_field(criterion: Criterion) -> str:
    return f"comment_{criterion.pk}"


@transaction.atomic
def save_review(assignment: ReviewAssignment, *, scores: dict, comment: str = "",
                by) -> ReviewAssignment:
    """Keep the reviewer's scores so far; they can come back until they submit.

    `scores` maps criterion ids to (value or None, comment).
    """
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "application").get(pk=assignment.pk)
    _refuse_if_locked(assignment)
    criteria = {c.pk: c for c in assignment.application.call.criteria.all()}
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    errors = {}
    for criterion_id, (value, note) in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError(_("This criterion is not in the call's rubric."),
                                  code="unknown_criterion")
        note = (note or "").strip()
        if value is None or value == "":
            if note:
                errors[comment_field(criterion)] = ValidationError(
                    _("Give a score to keep this comment."), code="comment_without_score")
            elif criterion.pk in existing:
                existing[criterion.pk].delete()
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors[score_field(criterion)] = ValidationError(_("Enter a whole number."),
                                                             code="invalid_score")
            continue
        if value < 0:
            errors[score_field(criterion)] = ValidationError(
                _("A score cannot be negative."), code="score_negative")
            continue
        if value > criterion.max_score:
            errors[score_field(criterion)] = ValidationError(
                _("The maximum score for this criterion is %(max)s.")
                % {"max": criterion.max_score}, code="score_above_max")
            continue
        score = existing.get(criterion.pk) or Score(assignment=assignment, criterion=criterion)
        score.value, score.comment = value, note
        score.save()
    if errors:
        raise ValidationError(errors)
    assignment.comment = comment.strip()
    assignment.status = ReviewAssignment.Status.IN_PROGRESS
    assignment.save(update_fields=["comment", "status"])
    return assignment


def weighted_score(scores, criteria) -> Decimal:
    """sum(value / max × weight) / sum(weight) × 100, rounded to two decimals."""
    values = {score.criterion_id: score.value for score in scores}
    total_weight = sum((Decimal(c.weight) for c in criteria), Decimal(0))
    if total_weight <= 0:
        raise ValidationError(_("The weights of the criteria add up to zero."),
                              code="weights_zero")
    points = sum(
        (Decimal(values[c.pk]) / Decimal(c.max_score) * Decimal(c.weight) for c in criteria),
        Decimal(0),
    )
    return (points / total_weight * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def submit_review(assignment: ReviewAssignment, *, scores: dict | None = None,
                  comment: str | None = None, by) -> ReviewAssignment:
    """Lock a complete review and record its weighted score out of 100; only once."""
    if scores is not None:
        save_review(assignment, scores=scores,
                    comment=assignment.comment if comment is None else comment, by=by)
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "application__call").get(pk=assignment.pk)
    _refuse_if_locked(assignment)
    criteria = list(assignment.application.call.criteria.all())
    given = list(assignment.scores.all())
    scored = {score.criterion_id for score in given}
    missing = {score_field(c): ValidationError(_("Score this criterion."), code="missing_score")
               for c in criteria if c.pk not in scored}
    if missing:
        raise ValidationError(missing)
    if not criteria:
        raise ValidationError(_("The call has no rubric yet."), code="weights_zero")
    assignment.weighted_score = weighted_score(given, criteria)
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["weighted_score", "status", "submitted_at"])
    return assignment
