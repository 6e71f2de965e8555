"""The reminders of community events, registered with essaimage.reminders in
CommunitiesConfig.ready(): the people registered hear of an event the day before, at 09:00 in
Paris, with its calendar file. A new date is a new occurrence, so a moved event is reminded
again; a cancelled one, or a registration cancelled since, is not.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaimage.emails import absolute_url, send_templated_email
from essaimage.reminders import (
    NO_LONGER_DUE,
    DueReminder,
    ReminderSource,
    instant,
    language_of,
    on_days,
    paris_day,
    paris_time,
    send_days,
    shifted,
)

from .models import Event, EventRegistration


class EventReminders(ReminderSource):
    kinds = {"event": _("Event tomorrow")}

    def due(self, start, end, *, project_id=None):
        days = send_days(start, end)
        # Events belong to community spaces, not to a scaling project.
        if days is None or project_id is not None:
            return
        registrations = (EventRegistration.objects
                         .filter(status=EventRegistration.Status.REGISTERED,
                                 person__is_active=True, event__is_cancelled=False,
                                 **on_days("event__starts_at", shifted(days, 1)))
                         .select_related("person", "event"))
        for registration in registrations:
            event, person = registration.event, registration.person
            due_at = paris_time(paris_day(event.starts_at) - timedelta(days=1))
            if start < due_at <= end:
                yield DueReminder(
                    kind="event", item=event, occurrence=f"J-1:{instant(event.starts_at)}",
                    due_at=due_at, recipient_email=person.email, recipient=person,
                    recipient_name=person.display_name)

    def send(self, reminder):
        from .services.events import calendar_filename, event_calendar

        event = Event.objects.get(pk=reminder.item_id)
        registration = (EventRegistration.objects
                        .filter(event=event, person=reminder.recipient_id,
                                status=EventRegistration.Status.REGISTERED)
                        .select_related("person").first())
        if (registration is None or event.is_cancelled or event.starts_at <= timezone.now()
                or reminder.occurrence != f"J-1:{instant(event.starts_at)}"):
            return NO_LONGER_DUE
        url = absolute_url(event.get_absolute_url())
        send_templated_email(
            "event_reminder", to=[reminder.recipient_email], language=language_of(reminder),
            context={"person": registration.person, "event": event, "event_url": url},
            attachments=[(calendar_filename(event), event_calendar(event, url=url),
                          "text/calendar")])
        EventRegistration.objects.filter(pk=registration.pk).update(reminded_at=timezone.now())
        return ""


def register_reminders() -> None:
    from essaimage.reminders import register_reminder_source

    register_reminder_source(EventReminders())
