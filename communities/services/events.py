"""Community events: organise, change and cancel them; register, cancel and the waiting list;
attendance and a short report afterwards. The reminder the day before is one of the
platform's reminders (communities.reminders).

Every change to an event's seats locks the event's row first, so that two people taking
the last seat at the same moment cannot both get it, and a seat given back goes to the
first person waiting in the same transaction.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from essaimage.emails import claim_send, release_send

from ..models import MESSAGE_MAX_LENGTH, Event, EventRegistration, Notification, Space
from ..selectors.events import people_of_spaces
from .notifications import notify

R = EventRegistration.Status
EVENT_FIELDS = ("title", "kind", "description", "agenda", "starts_at", "ends_at", "place",
                "link", "capacity")
REASON_MAX_LENGTH = Event._meta.get_field("cancellation_reason").max_length
PRODUCT_ID = "-//Essaimage//Community events//FR"
# The fields whose change the people registered are told about.
WHEN_AND_WHERE = ("starts_at", "ends_at", "place", "link")


# --- Organising --------------------------------------------------------------------------


def _check_fields(fields) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not an event field: {', '.join(sorted(unknown))}")


def _check_event(event: Event, spaces: list, *, check_start: bool) -> None:
    errors = {}
    now = timezone.now()
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = ValidationError(_("The event must end after it starts."),
                                            code="ends_before_start")
    if check_start and event.starts_at and event.starts_at <= now:
        errors["starts_at"] = ValidationError(_("Plan the event in the future."),
                                              code="start_in_past")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = ValidationError(
            _("Give at least one seat, or leave the capacity empty for no limit."),
            code="capacity_too_small")
    if not spaces:
        errors["spaces"] = ValidationError(_("Open the event to at least one space."),
                                           code="no_space")
    if not (event.place or "").strip() and not (event.link or "").strip():
        errors["place"] = ValidationError(_("Give a place, or a link to join online."),
                                          code="no_place")
    if errors:
        raise ValidationError(errors)


def _check_moderates(by, spaces) -> None:
    ids = {space.pk for space in spaces}
    moderated = set(Space.objects.moderated_by(by).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - moderated:
        raise ValidationError({"spaces": ValidationError(
            _("You can open an event only to spaces you moderate."), code="space_not_moderated")})


@transaction.atomic
def create_event(*, by, spaces, **fields) -> Event:
    """Organise an event open to `spaces` (which `by` moderates), and tell their people."""
    _check_fields(fields)
    spaces = list(spaces)
    event = Event(organiser=by, **fields)
    _check_event(event, spaces, check_start=True)
    _check_moderates(by, spaces)
    event.full_clean(exclude=["organiser"])
    event.save()
    event.spaces.set(spaces)
    recipients = people_of_spaces([space.pk for space in spaces]).exclude(pk=by.pk)
    notify(recipients, Notification.Kind.NEW_EVENT,
           title=gettext_noop("New event: %(title)s"), params={"title": event.title},
           url=event.get_absolute_url(), actor=by)
    return event


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def update_event(event: Event, *, by, spaces, **fields) -> Event:
    """Change an event that has not started. Spaces `by` does not moderate stay as they are;
    more seats let the first people waiting in; a new date, place or link is e-mailed to the
    people registered and waiting, with the calendar file's new version."""
    from ..tasks import send_event_changed_emails_task

    _check_fields(fields)
    event = _lock(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled: it can no longer be changed."),
                              code="event_cancelled")
    if event.starts_at <= timezone.now():
        raise ValidationError(_("This event has started: it can no longer be changed."),
                              code="event_started")
    spaces = list(spaces)
    _check_moderates(by, spaces)
    moderated = Space.objects.moderated_by(by).values("pk")
    kept = list(event.spaces.exclude(pk__in=moderated))
    all_spaces = list({space.pk: space for space in spaces + kept}.values())
    moved = "starts_at" in fields and fields["starts_at"] != event.starts_at
    changed = [name for name in WHEN_AND_WHERE
               if name in fields and fields[name] != getattr(event, name)]
    for name, value in fields.items():
        setattr(event, name, value)
    _check_event(event, all_spaces, check_start=moved)
    registered = event.registrations.filter(status=R.REGISTERED).count()
    if event.capacity is not None and event.capacity < registered:
        raise ValidationError({"capacity": ValidationError(
            _("%(count)s people are registered: the capacity cannot be lower.")
            % {"count": registered}, code="capacity_below_registered")})
    event.full_clean(exclude=["organiser"])
    event.save()
    event.spaces.set(all_spaces)
    if moved:
        # A new date deserves a new reminder.
        event.registrations.update(reminded_at=None)
    _promote_from_waiting_list(event)
    if changed:
        version = calendar_sequence(event)
        transaction.on_commit(
            lambda: send_event_changed_emails_task.delay(event.pk, version, changed))
    return event


@transaction.atomic
def cancel_event(event: Event, *, by, reason: str) -> Event:
    """Cancel an event that has not started, with a reason the people registered and waiting
    receive by e-mail."""
    from ..tasks import send_event_cancelled_emails_task

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why the event is cancelled: the people registered will read it."),
            code="reason_required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": ValidationError(
            _("The reason holds %(max)s characters at most.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long")})
    event = _lock(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."), code="already_cancelled")
    if event.starts_at <= timezone.now():
        raise ValidationError(_("This event has started: it can no longer be cancelled."),
                              code="event_started")
    event.is_cancelled = True
    event.cancellation_reason = reason
    event.save(update_fields=["is_cancelled", "cancellation_reason"])
    transaction.on_commit(lambda: send_event_cancelled_emails_task.delay(event.pk))
    return event


# --- Registrations -----------------------------------------------------------------------


def _check_open(event: Event) -> None:
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."), code="event_cancelled")
    if event.starts_at <= timezone.now():
        raise ValidationError(_("Registrations are closed: the event has started."),
                              code="event_started")


@transaction.atomic
def register(event: Event, person) -> EventRegistration:
    """Register a person who may read the event; once the seats are taken, they go on the
    waiting list. Someone who cancelled may come back, at the end of the queue."""
    if not Event.objects.visible_to(person).filter(pk=event.pk).exists():
        raise PermissionDenied
    event = _lock(event)
    _check_open(event)
    registration = EventRegistration.objects.filter(event=event, person=person).first()
    if registration is not None and registration.status == R.REGISTERED:
        raise ValidationError(_("You are already registered to this event."),
                              code="already_registered")
    if registration is not None and registration.status == R.WAITING:
        raise ValidationError(_("You are already on the waiting list of this event."),
                              code="already_waiting")
    taken = event.registrations.filter(status=R.REGISTERED).count()
    is_free = event.capacity is None or taken < event.capacity
    if registration is None:
        registration = EventRegistration(event=event, person=person)
    registration.status = R.REGISTERED if is_free else R.WAITING
    registration.registered_at = timezone.now()
    registration.cancelled_at = None
    registration.attended = None
    registration.save()
    return registration


@transaction.atomic
def cancel_registration(registration: EventRegistration) -> list[EventRegistration]:
    """Cancel a registration or a place on the waiting list; a seat given back goes to the
    first person waiting, who is told by e-mail. Returns the people promoted."""
    event = _lock(registration.event)
    registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == R.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."),
                              code="already_cancelled")
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."), code="event_cancelled")
    if event.starts_at <= timezone.now():
        raise ValidationError(_("The event has started: registrations can no longer be "
                                "cancelled."), code="event_started")
    was_registered = registration.status == R.REGISTERED
    registration.status = R.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return _promote_from_waiting_list(event) if was_registered else []


def _promote_from_waiting_list(event: Event) -> list[EventRegistration]:
    """Give the free seats to the first people waiting (the event's row is locked)."""
    from ..tasks import send_event_seat_offered_email_task

    waiting = (event.registrations.filter(status=R.WAITING).select_for_update()
               .order_by("registered_at", "pk"))
    if event.capacity is not None:
        free = event.capacity - event.registrations.filter(status=R.REGISTERED).count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = R.REGISTERED
        registration.save(update_fields=["status"])
        # Queue after commit: until then the worker cannot see the seat.
        transaction.on_commit(
            lambda pk=registration.pk: send_event_seat_offered_email_task.delay(pk))
    return promoted



def send_seat_offered_email(registration: EventRegistration) -> bool:
    """Tell a person who was waiting that a seat is now theirs, once."""
    from essaimage.emails import absolute_url, send_templated_email

    if registration.status != R.REGISTERED or registration.event.is_cancelled:
        return False  # cancelled again since it was queued
    key = f"communities:event-seat:{registration.pk}:{registration.registered_at.timestamp()}"
    if not claim_send(key):
        return False
    person, event = registration.person, registration.event
    try:
        send_templated_email(
            "event_seat_offered", to=[person.email], language=person.language or "fr",
            context={"person": person, "event": event,
                     "event_url": absolute_url(event.get_absolute_url())})
    except Exception:
        release_send(key)  # let the retry send it
        raise
    return True


def _mail_registered_and_waiting(event: Event, email: str, claim_prefix: str, *,
                                  context: dict, attachments: tuple = ()) -> int:
    """Send `email` once to each active person registered or waiting (claimed under
    `claim_prefix` and their id); returns how many went now."""
    from essaimage.emails import absolute_url, send_templated_email

    sent = 0
    registrations = (event.registrations.filter(status__in=[R.REGISTERED, R.WAITING])
                     .select_related("person").order_by("pk"))
    for registration in registrations:
        person = registration.person
        key = f"{claim_prefix}:{person.pk}"
        if not person.is_active or not claim_send(key):
            continue
        try:
            send_templated_email(
                email, to=[person.email], language=person.language or "fr",
                context={"person": person, "event": event, "registration": registration,
                         "event_url": absolute_url(event.get_absolute_url()), **context},
                attachments=attachments)
        except Exception:
            release_send(key)  # the retry sends to the people not reached yet
            raise
        sent += 1
    return sent


def send_changed_emails(event: Event, version: int, changed: list[str]) -> int:
    """Tell the people registered and waiting that the event's date, place or link changed,
    each once per version, with the new calendar file; nothing if it changed again since
    (that version's e-mail says it) or was cancelled."""
    from essaimage.emails import absolute_url

    if event.is_cancelled or calendar_sequence(event) != version:
        return 0
    calendar = event_calendar(event, url=absolute_url(event.get_absolute_url()))
    return _mail_registered_and_waiting(
        event, "event_changed", f"communities:event-changed:{event.pk}:{version}",
        context={"changed": set(changed)},
        attachments=((calendar_filename(event), calendar, "text/calendar"),))


def send_cancelled_emails(event: Event) -> int:
    """Tell the people registered and waiting that the event is cancelled, each once."""
    if not event.is_cancelled:
        return 0
    return _mail_registered_and_waiting(event, "event_cancelled",
                                        f"communities:event-cancelled:{event.pk}", context={})


# --- Attendance and report ---------------------------------------------------------------


@transaction.atomic
def record_attendance(event: Event, *, attendance: dict[int, bool], by) -> Event:
    """Mark who was present (True) or absent (False), once the event has started."""
    event = _lock(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."), code="event_cancelled")
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance is taken once the event has started."),
                              code="event_not_started")
    registrations = {r.pk: r for r in event.registrations.filter(status=R.REGISTERED,
                                                                 pk__in=list(attendance))}
    if set(attendance) - set(registrations):
        raise ValidationError(_("Some of these people are not registered to the event."),
                              code="not_registered")
    for pk, present in attendance.items():
        registration = registrations[pk]
        if registration.attended != present:
            registration.attended = present
            registration.save(update_fields=["attended"])
    return event


@transaction.atomic
def write_report(event: Event, *, report: str, by) -> Event:
    """Keep a short report of an event that has ended (markdown)."""
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": ValidationError(_("Write the report."),
                                                         code="report_required")})
    if len(report) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"report": ValidationError(
            _("A report holds %(max)s characters at most.") % {"max": MESSAGE_MAX_LENGTH},
            code="report_too_long")})
    event = _lock(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."), code="event_cancelled")
    if event.ends_at > timezone.now():
        raise ValidationError(_("The report is written once the event has ended."),
                              code="event_not_ended")
    event.report = report
    event.save(update_fields=["report"])
    return event


# --- Calendar file -----------------------------------------------------------------------


def event_uid(event: Event) -> str:
    """The event's identifier in calendars: the same for good, so that importing the file
    again updates the event rather than adding a second one."""
    host = urlsplit(settings.SITE_URL).hostname or "essaimage"
    return f"event-{event.pk}@{host}"


def calendar_sequence(event: Event) -> int:
    """The event's version for calendars: each saved change is a new one, so that importing
    the file again replaces the event."""
    return max(event.history.count() - 1, 0)


def event_calendar(event: Event, *, url: str, with_link: bool = True) -> bytes:
    """The event as a calendar file (RFC 5545) to publish; cancelled if the event is. Times
    are written in UTC, which every calendar reads the same way. The link to join is only
    given `with_link` (to the people registered and those who run the event)."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", event_uid(event))
    item.add("sequence", calendar_sequence(event))
    item.add("dtstamp", timezone.now().astimezone(UTC))
    item.add("created", event.created_at.astimezone(UTC))
    item.add("dtstart", event.starts_at.astimezone(UTC))
    item.add("dtend", event.ends_at.astimezone(UTC))
    item.add("summary", event.title)
    link = event.link if with_link else ""
    location = event.place or link or _("Online")
    item.add("location", location)
    item.add("url", url)
    description = [event.get_kind_display()]
    if link:
        description += ["", _("Link to join: %(url)s") % {"url": link}]
    if event.agenda:
        description += ["", _("Agenda:"), event.agenda]
    if event.is_cancelled:
        description = [_("Cancelled: %(reason)s") % {"reason": event.cancellation_reason},
                       ""] + description
    item.add("description", "\n".join(description))
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    calendar.add_component(item)
    return calendar.to_ical()


def calendar_filename(event: Event) -> str:
    day = timezone.localtime(event.starts_at).date().isoformat()
    return f"{slugify(event.title)[:60] or 'evenement'}-{day}.ics"
