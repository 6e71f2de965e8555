"""Reading events: the lists a person sees, one event's seats and registrations, the next
events of a space, and the people of spaces (whom a new event is announced to)."""

from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Event, EventRegistration, Membership, Space, SpaceMember, User

R = EventRegistration.Status


def people_of_spaces(space_ids):
    """Everyone taking part in these spaces, in one query: the spaces' named members and the
    current members of their structures (the same rule as Space.objects.visible_to)."""
    space_ids = list(space_ids)
    named = SpaceMember.objects.filter(space__in=space_ids).values("user")
    through_structures = Membership.objects.filter(
        structure__spaces__in=space_ids).values("user")
    return (User.objects.filter(is_active=True)
            .filter(Q(pk__in=named) | Q(pk__in=through_structures))
            .order_by("last_name", "first_name", "pk"))


def _count(status):
    counted = (EventRegistration.objects.filter(event=OuterRef("pk"), status=status)
               .order_by().values("event").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(events, user=None):
    """Events with `registered_count`, `waiting_count`, `seats_left` and, for `user`,
    `my_status`.

    Subqueries rather than joins: visible_to() already joins the spaces, and a count over
    that join would count each registration once per space."""
    events = events.annotate(registered_count=_count(R.REGISTERED),
                             waiting_count=_count(R.WAITING))
    # No limit: None.
    events = events.annotate(seats_left=F("capacity") - F("registered_count"))
    if user is not None and user.is_authenticated:
        mine = EventRegistration.objects.filter(event=OuterRef("pk"), person=user)
        events = events.annotate(my_status=Subquery(mine.values("status")[:1]))
    return events


def events_for(user, *, past=False, space_id=None, now=None):
    """The events `user` may read: upcoming (and under way) ones first to last, or past ones
    from the latest, with their counts and the person's own status."""
    now = now or timezone.now()
    events = Event.objects.visible_to(user)
    if space_id is not None:
        events = events.filter(spaces=space_id)
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return with_counts(events, user).prefetch_related("spaces")


def upcoming_events_for_space(space: Space, limit: int = 3) -> list[Event]:
    """The next events open to `space` that are not cancelled, soonest first (for its page)."""
    events = (space.events.filter(is_cancelled=False, ends_at__gte=timezone.now())
              .order_by("starts_at", "pk"))
    return list(with_counts(events)[:limit])


def event_with_counts(event: Event, user) -> Event:
    """The same event again, with its counts and the person's status."""
    return with_counts(Event.objects.filter(pk=event.pk).select_related("organiser"),
                       user).get()


@dataclass
class EventRegistrations:
    registered: list = field(default_factory=list)
    waiting: list = field(default_factory=list)


def registrations_of(event: Event) -> EventRegistrations:
    """The people registered and those waiting, in the order seats are given."""
    result = EventRegistrations()
    rows = (event.registrations.exclude(status=R.CANCELLED).select_related("person")
            .order_by("registered_at", "pk"))
    for registration in rows:
        if registration.status == R.REGISTERED:
            result.registered.append(registration)
        else:
            registration.position = len(result.waiting) + 1
            result.waiting.append(registration)
    return result


def my_registration(event: Event, user) -> EventRegistration | None:
    registration = event.registrations.filter(person=user).first()
    if registration is not None and registration.status == R.WAITING:
        registration.position = waiting_position(registration)
    return registration


def waiting_position(registration: EventRegistration) -> int | None:
    """Where a person stands on the waiting list (1 is next), or None if not waiting."""
    if registration.status != R.WAITING:
        return None
    ahead = EventRegistration.objects.filter(event=registration.event_id, status=R.WAITING).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, pk__lt=registration.pk))
    return ahead.count() + 1


def spaces_offered_to(user):
    """The spaces a person may open an event to: those they moderate."""
    return Space.objects.moderated_by(user).filter(is_archived=False).order_by("name")
