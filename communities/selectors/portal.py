"""What the member portal reads from the community: the next events open to a person's
spaces and the latest threads of those spaces. One query each, whatever the number of spaces."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..models import Event, EventRegistration, Space, Thread

PORTAL_LIMIT = 5


def upcoming_events(user, *, limit: int = PORTAL_LIMIT, now=None) -> list[Event]:
    """The next events the person may read, not cancelled, soonest first, each with
    `my_status` (their registration's status, or None)."""
    now = now or timezone.now()
    mine = (EventRegistration.objects.filter(event=OuterRef("pk"), person=user)
            .exclude(status=EventRegistration.Status.CANCELLED))
    return list(Event.objects.visible_to(user)
                .filter(starts_at__gte=now, is_cancelled=False)
                .annotate(my_status=Subquery(mine.values("status")[:1]))
                .order_by("starts_at", "pk")[:limit])


def latest_threads(user, *, limit: int = PORTAL_LIMIT) -> list[Thread]:
    """The threads with the latest activity in the spaces the person takes part in, hidden
    threads and archived spaces left out."""
    spaces = Space.objects.visible_to(user).filter(is_archived=False).values("pk")
    return list(Thread.objects.filter(space__in=spaces, is_hidden=False)
                .select_related("space").order_by("-last_activity_at", "-pk")[:limit])
