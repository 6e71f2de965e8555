"""Reads for calls, applications and reviews: the lists and the ranking, each in a fixed
number of queries whatever the amount of data."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone

from communities.models import Membership, User

from ..models import Application, Call, College, ReviewAssignment
from ..services.reviews import ASSIGNABLE_STATUSES


class CallState:
    OPEN, UPCOMING, DRAFT, CLOSED = 0, 1, 2, 3
    NAMES = {"open": OPEN, "upcoming": UPCOMING, "draft": DRAFT, "closed": CLOSED}


def calls_for_list(user, state: str = ""):
    """Open and coming calls for everyone; every call they manage for the call's staff."""
    now = timezone.now()
    managed = (Call.objects.all() if user.is_superuser
               else Call.objects.filter(managers=user))
    calls = Call.objects.visible_to(user).filter(
        Q(published_at__isnull=False, is_archived=False, closes_at__gt=now)
        | Q(pk__in=managed.values("pk"))
    )
    calls = calls.annotate(
        state=Case(
            When(published_at__isnull=True, then=Value(CallState.DRAFT)),
            When(Q(is_archived=True) | Q(closes_at__lte=now), then=Value(CallState.CLOSED)),
            When(opens_at__gt=now, then=Value(CallState.UPCOMING)),
            default=Value(CallState.OPEN),
            output_field=IntegerField(),
        ),
        is_managed=(Value(True) if user.is_superuser else Exists(
            Call.managers.through.objects.filter(call=OuterRef("pk"), user=user))),
        submitted_count=Count("applications", filter=~Q(
            applications__status=Application.Status.DRAFT)),
    )
    if state in CallState.NAMES:
        calls = calls.filter(state=CallState.NAMES[state])
    return (calls.select_related("organiser").prefetch_related("themes")
            .order_by("state", "closes_at", "pk"))


def applications_of_user(user):
    """The applications of the structures a person belongs to, newest first."""
    member_of = Membership.objects.filter(user=user).values("structure")
    return (Application.objects.filter(structure__in=member_of)
            .select_related("call", "structure").order_by("-created_at", "-pk"))


def applications_of_call(call: Call, *, status: str = "", query: str = ""):
    """The submitted applications of a call, with their reviews, for its staff."""
    applications = call.applications.submitted()
    if status in Application.SUBMITTED_STATUSES:
        applications = applications.filter(status=status)
    if query:
        applications = applications.filter(Q(title__icontains=query)
                                           | Q(structure__name__icontains=query))
    return (
        applications.select_related("structure", "territory")
        .annotate(
            reviews_expected=Count("assignments", filter=~Q(
                assignments__status=ReviewAssignment.Status.CONFLICT)),
            reviews_submitted=Count("assignments", filter=Q(
                assignments__status=ReviewAssignment.Status.SUBMITTED)),
        )
        .prefetch_related(Prefetch(
            "assignments",
            queryset=ReviewAssignment.objects.select_related("reviewer", "college")
            .order_by("college__pk", "reviewer__last_name", "pk"),
        ))
        .order_by("-submitted_at", "-pk")
    )


def status_counts(call: Call) -> dict:
    """How many applications of the call are in each status, in one query."""
    rows = call.applications.values("status").annotate(count=Count("pk")).order_by()
    return {row["status"]: row["count"] for row in rows}


def reviewer_pool(call: Call):
    """People already reviewing for this call, to assign them more applications quickly."""
    return User.objects.filter(
        review_assignments__application__call=call
    ).distinct().order_by("last_name", "first_name", "email")


def reviews_of(user):
    """A reviewer's assignments, with what the list shows about each."""
    return (ReviewAssignment.objects.filter(reviewer=user)
            .select_related("application__call", "college")
            .order_by(Case(
                When(status=ReviewAssignment.Status.PENDING, then=Value(0)),
                When(status=ReviewAssignment.Status.IN_PROGRESS, then=Value(0)),
                default=Value(1), output_field=IntegerField(),
            ), "application__call__closes_at", "pk"))


# --- Ranking ------------------------------------------------------------------------------


RANKED_STATUSES = [Application.Status.ELIGIBLE, *Application.DECISIONS]
RANKING_SORTS = {
    "score": [F("overall").desc(nulls_last=True), "title", "pk"],
    "score_asc": [F("overall").asc(nulls_last=True), "title", "pk"],
    "spread": [F("spread").desc(nulls_last=True), "title", "pk"],
    "missing": [F("reviews_missing").desc(), "title", "pk"],
    "title": ["title", "pk"],
}
TWO_PLACES = Decimal("0.01")


@dataclass
class RankingRow:
    application: Application
    overall: Decimal | None
    college_scores: list
    spread: Decimal | None
    reviews_submitted: int
    reviews_expected: int

    @property
    def reviews_missing(self) -> int:
        return max(self.reviews_expected - self.reviews_submitted, 0)


def _two_places(value):
    return None if value is None else Decimal(value).quantize(TWO_PLACES)


def ranking(call: Call, *, sort: str = "score") -> tuple[list[College], list[RankingRow]]:
    """Every eligible or decided application with its scores, in one query for the rows.

    Overall score: the mean of the submitted reviews' weighted scores; per college: the mean
    of that college's; spread: highest minus lowest. A review is expected unless its reviewer
    declared a conflict of interest.
    """
    colleges = list(call.colleges.all())
    submitted = Q(assignments__status=ReviewAssignment.Status.SUBMITTED)
    per_college = {
        f"college_{college.pk}": Avg("assignments__weighted_score",
                                     filter=submitted & Q(assignments__college=college.pk))
        for college in colleges
    }
    rows = (
        call.applications.filter(status__in=RANKED_STATUSES)
        .select_related("structure", "decided_by")
        .annotate(
            overall=Avg("assignments__weighted_score", filter=submitted),
            spread=Max("assignments__weighted_score", filter=submitted)
            - Min("assignments__weighted_score", filter=submitted),
            reviews_submitted=Count("assignments", filter=submitted),
            reviews_expected=Count("assignments", filter=~Q(
                assignments__status=ReviewAssignment.Status.CONFLICT)),
            **per_college,
        )
        .annotate(reviews_missing=F("reviews_expected") - F("reviews_submitted"))
        .order_by(*RANKING_SORTS.get(sort, RANKING_SORTS["score"]))
    )
    return colleges, [
        RankingRow(
            application=row,
            overall=_two_places(row.overall),
            college_scores=[_two_places(getattr(row, name)) for name in per_college],
            spread=_two_places(row.spread),
            reviews_submitted=row.reviews_submitted,
            reviews_expected=row.reviews_expected,
        )
        for row in rows
    ]


def application_content(application: Application) -> dict:
    """What an application says: each question of the form with its answer, and for a call
    for expressions of interest the innovations chosen; three queries."""
    answers = {a.question_id: a for a in application.answers.all()}
    questions = list(application.call.questions.all())
    return {
        "answered_questions": [(question, answers.get(question.pk)) for question in questions],
        "adoption_choices": list(application.adoption_choices.select_related(
            "innovation__owner").order_by("innovation__title")),
    }


def assignable_applications(call: Call):
    """The call's applications that may get reviewers, with how many they have."""
    return (
        call.applications.filter(status__in=ASSIGNABLE_STATUSES)
        .select_related("structure")
        .annotate(reviews_expected=Count("assignments", filter=~Q(
            assignments__status=ReviewAssignment.Status.CONFLICT)))
        .order_by("title", "pk")
    )


def decision_history(application: Application) -> list:
    """Every decision recorded on the application, latest first, from its history."""
    records = (application.history.filter(decided_at__isnull=False,
                                          status__in=Application.DECISIONS)
               .select_related("decided_by").order_by("-history_date"))
    seen, decisions = set(), []
    for record in records:
        # Saving a decided application again (e.g. to link its record) repeats the decision.
        if record.decided_at not in seen:
            seen.add(record.decided_at)
            decisions.append(record)
    return decisions


def call_state(call: Call) -> int:
    """Where a call stands (a CallState value), as the call list annotates it."""
    now = timezone.now()
    if not call.is_published:
        return CallState.DRAFT
    if call.is_archived or call.closes_at <= now:
        return CallState.CLOSED
    if call.opens_at > now:
        return CallState.UPCOMING
    return CallState.OPEN
