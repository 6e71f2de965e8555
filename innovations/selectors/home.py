"""What the innovations app asks of a person on their home page."""

from django.db.models import Count, Q
from django.utils import timezone

from communities.models import Membership

from ..models import Application, Call, Innovation, ReviewAssignment


def reviews_to_do(user) -> int:
    return ReviewAssignment.objects.filter(
        reviewer=user,
        status__in=[ReviewAssignment.Status.PENDING, ReviewAssignment.Status.IN_PROGRESS],
    ).count()


def draft_applications(user):
    """Applications of the person's structures still in draft, on calls still open."""
    member_of = Membership.objects.filter(user=user).values("structure")
    return list(
        Application.objects.filter(
            structure__in=member_of, status=Application.Status.DRAFT,
            call__closes_at__gt=timezone.now(),
        ).select_related("call").order_by("call__closes_at")[:5]
    )


def draft_records(user):
    """Innovation records of the person's structures not yet in the bank."""
    member_of = Membership.objects.filter(user=user).values("structure")
    return list(
        Innovation.objects.filter(owner__in=member_of, status=Innovation.Status.DRAFT)
        .order_by("-updated_at")[:5]
    )


def calls_needing_staff(user):
    """The calls a person manages, with applications to screen and reviews still missing."""
    return list(
        Call.objects.filter(managers=user, is_archived=False)
        .annotate(
            to_screen=Count("applications", filter=Q(
                applications__status=Application.Status.SUBMITTED), distinct=True),
            reviews_missing=Count("applications__assignments", filter=Q(
                applications__assignments__status__in=[
                    ReviewAssignment.Status.PENDING, ReviewAssignment.Status.IN_PROGRESS]),
                distinct=True),
        )
        .filter(Q(to_screen__gt=0) | Q(reviews_missing__gt=0))
        .order_by("closes_at")[:5]
    )
