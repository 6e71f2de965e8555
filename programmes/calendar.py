"""Meetings as calendar files (RFC 5545), which members add to their own calendars.

Each meeting keeps one UID for good and a SEQUENCE that grows when its date, place or status
changes, so that a calendar that imports the file again replaces the event rather than adding
a second one. Times are written in UTC, which every calendar reads the same way.
"""

from datetime import UTC

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODUCT_ID = "-//Essaimage//Meetings of governance bodies//FR"


def meeting_description(meeting: Meeting) -> str:
    lines = [f"{meeting.body.name} — {meeting.body.project.title}"]
    if meeting.video_link:
        lines += ["", _("Video link: %(url)s") % {"url": meeting.video_link}]
    items = meeting.agenda_items
    if items:
        lines += ["", _("Agenda:")]
        lines += [f"{number}. {item}" for number, item in enumerate(items, start=1)]
    return "\n".join(lines)


def meeting_calendar(meeting: Meeting, *, url: str, method: str = "PUBLISH",
                     attendee: str = "", organizer: str = "") -> bytes:
    """The meeting as a calendar file: one event, cancelled if the meeting is. PUBLISH for a
    download; REQUEST (an invitation or its update) or CANCEL for an e-mail to `attendee`,
    from `organizer` (both e-mail addresses), as calendars expect them in invitations."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", str(meeting.uid))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("description", meeting_description(meeting))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED
              else "CONFIRMED")
    if organizer:
        event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if attendee:
        address = vCalAddress(f"mailto:{attendee}")
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        # Replies go nowhere: the platform keeps attendance itself.
        address.params["RSVP"] = vText("FALSE")
        event.add("attendee", address, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def meeting_filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"{slugify(meeting.title)[:60] or 'reunion'}-{day}.ics"
