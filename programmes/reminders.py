"""The reminders programmes knows about, registered with essaimage.reminders in
ProgrammesConfig.ready(): meetings of governance bodies (before them, and when they move or
are cancelled), action items (to their owner before the due date, to staff once overdue) and
training sessions (the day before, to the people registered).

Each `due` reads in a handful of queries whatever the number of items; each `send` builds the
e-mail again from the item as it is then, and gives up (with a reason) when it is no longer
true: a meeting moved or cancelled since, an action done, a registration cancelled.
"""

from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from essaimage.emails import absolute_url, send_templated_email
from essaimage.reminders import (
    NO_LONGER_DUE,
    PAUSED,
    SUPERSEDED,
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

from .calendar import meeting_calendar, meeting_filename
from .models import (
    ActionItem,
    BodyMember,
    GovernanceBody,
    Meeting,
    Programme,
    Registration,
    ScalingProject,
    TrainingSession,
)
from .services.governance import MAX_REMINDER_DAYS

# Days before its due date when an action's owner is reminded.
ACTION_DUE_DAYS = 2
OPEN_ACTIONS = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)
# The report kind of a committee's pack (essaimage.reports), attached when one is ready.
PACK_REPORT = "committee_pack"


def project_staff(project_ids) -> dict[int, list]:
    """The people who run each project: its programme's staff and its staff lead, active
    ones, each once. Two queries."""
    projects = list(ScalingProject.objects.filter(pk__in=set(project_ids))
                    .select_related("staff_lead"))
    links = (Programme.staff.through.objects
             .filter(programme__in={p.programme_id for p in projects}, user__is_active=True)
             .select_related("user").order_by("user__last_name", "user__email"))
    by_programme = {}
    for link in links:
        by_programme.setdefault(link.programme_id, []).append(link.user)
    staff = {}
    for project in projects:
        people = list(by_programme.get(project.programme_id, []))
        lead = project.staff_lead
        if lead is not None and lead.is_active and lead not in people:
            people.append(lead)
        staff[project.pk] = people
    return staff


def _occurrence_part(occurrence: str, index: int = 1) -> str:
    """The n-th part of an occurrence "J-7:<start>#member:12" ("<start>" for 1)."""
    return occurrence.split("#", 1)[0].split(":", 1)[index] if ":" in occurrence else ""


# --- Meetings --------------------------------------------------------------------------------


def body_reminder_days(body: GovernanceBody) -> list[int]:
    """The days before a meeting when members hear of it (7 and 1 for new bodies)."""
    return [day for day in body.reminder_days or [] if isinstance(day, int) and day >= 1]


def _member_address(member: BodyMember) -> tuple[str, object, str]:
    """(e-mail, account, name) of a seat: the account's when it has one."""
    if member.user_id is not None:
        return member.user.email, member.user, member.user.display_name or member.name
    return member.email, None, member.name


def member_reminders(kind: str, meeting: Meeting, occurrence: str, due_at) -> list[DueReminder]:
    """One reminder per member of the meeting's body with an address; members without one
    are recorded as not sent, each under their own occurrence."""
    reminders = []
    for member in meeting.body.members.all():
        if member.user_id is not None and not member.user.is_active:
            continue
        email, person, name = _member_address(member)
        reminders.append(DueReminder(
            kind=kind, item=meeting, due_at=due_at, recipient_email=email, recipient=person,
            recipient_name=name, project_id=meeting.body.project_id,
            occurrence=occurrence if email else f"{occurrence}#member:{member.pk}"))
    return reminders


def meeting_change_reminders(meeting: Meeting, kind: str) -> list[DueReminder]:
    """The update ("meeting_update") or cancellation ("meeting_cancelled") of the meeting's
    invitation, for its current sequence; nothing while the body's reminders are paused."""
    if meeting.body.reminders_paused:
        return []
    members = BodyMember.objects.filter(body=meeting.body_id).select_related("user")
    meeting.body._prefetched_objects_cache = {"members": members}
    return member_reminders(kind, meeting, f"seq:{meeting.sequence}", timezone.now())


def committee_pack(meeting: Meeting) -> tuple[str, bytes] | None:
    """The latest ready pack of the meeting (essaimage.reports), as (filename, content)."""
    from essaimage.models import ReportJob

    job = (ReportJob.objects
           .filter(kind=PACK_REPORT, subject_type=ContentType.objects.get_for_model(Meeting),
                   subject_id=meeting.pk, status=ReportJob.Status.READY)
           .exclude(file="").order_by("-finished_at", "-pk").first())
    if job is None:
        return None
    try:
        with job.file.open("rb") as file:
            content = file.read()
    except OSError:
        return None  # the file went missing: the reminder goes without it
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"{slugify(meeting.title)[:60] or 'reunion'}-{day}-dossier.pdf", content


class MeetingReminders(ReminderSource):
    kinds = {
        "meeting": _("Meeting reminder"),
        "meeting_update": _("Meeting changed"),
        "meeting_cancelled": _("Meeting cancelled"),
    }

    def due(self, start, end, *, project_id=None):
        meetings = (Meeting.objects
                    .filter(status=Meeting.Status.PLANNED, body__reminders_paused=False,
                            body__project__is_archived=False, starts_at__gt=start,
                            starts_at__lte=end + timedelta(days=MAX_REMINDER_DAYS + 1))
                    .select_related("body")
                    .prefetch_related(Prefetch("body__members",
                                               BodyMember.objects.select_related("user"))))
        if project_id is not None:
            meetings = meetings.filter(body__project_id=project_id)
        for meeting in meetings:
            for days in body_reminder_days(meeting.body):
                due_at = paris_time(paris_day(meeting.starts_at) - timedelta(days=days))
                if start < due_at <= end and due_at < meeting.starts_at:
                    yield from member_reminders(
                        "meeting", meeting, f"J-{days}:{instant(meeting.starts_at)}", due_at)

    def send(self, reminder):
        meeting = Meeting.objects.select_related("body__project").get(pk=reminder.item_id)
        if meeting.body.reminders_paused:
            return PAUSED
        if reminder.kind == "meeting":
            if (meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= timezone.now()
                    or _occurrence_part(reminder.occurrence) != instant(meeting.starts_at)):
                return NO_LONGER_DUE
            method = "REQUEST"
        else:
            wanted = (Meeting.Status.PLANNED if reminder.kind == "meeting_update"
                      else Meeting.Status.CANCELLED)
            if (_occurrence_part(reminder.occurrence) != str(meeting.sequence)
                    or meeting.status != wanted):
                return SUPERSEDED
            method = "REQUEST" if reminder.kind == "meeting_update" else "CANCEL"
        seats = meeting.body.members.all()
        seats = (seats.filter(user=reminder.recipient_id) if reminder.recipient_id
                 else seats.filter(user__isnull=True, email__iexact=reminder.recipient_email))
        if not seats.exists():
            return NO_LONGER_DUE
        url = absolute_url(meeting.get_absolute_url())
        organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        attachments = [(meeting_filename(meeting),
                        meeting_calendar(meeting, url=url, method=method, organizer=organizer,
                                         attendee=reminder.recipient_email),
                        "text/calendar")]
        pack = committee_pack(meeting) if reminder.kind == "meeting" else None
        if pack:
            attachments.append((*pack, "application/pdf"))
        days = reminder.occurrence.split(":", 1)[0].removeprefix("J-")
        send_templated_email(
            f"reminder_{reminder.kind}", to=[reminder.recipient_email],
            language=language_of(reminder), attachments=attachments,
            context={"meeting": meeting, "body": meeting.body, "project": meeting.body.project,
                     "days": int(days) if days.isdigit() else None, "has_pack": bool(pack),
                     "meeting_url": url})
        return ""

    def display_queryset(self, model):
        return model.objects.select_related("body")

    def item_label(self, item):
        return f"{item.title} ({item.body.name})"

    def recipient_names(self, reminders):
        seats = {int(r.occurrence.rsplit("#member:", 1)[1]): r.pk for r in reminders
                 if "#member:" in r.occurrence}
        if not seats:
            return {}
        return {seats[member.pk]: member.name
                for member in BodyMember.objects.filter(pk__in=seats).only("pk", "name")}


# --- Action items ----------------------------------------------------------------------------


def _action_url(action: ActionItem) -> str:
    if action.meeting_id:
        return reverse("programmes:meeting_detail", args=[action.meeting_id])
    return reverse("programmes:action_list", args=[action.project_id])


def _action_owner(action: ActionItem) -> tuple[str, object, str] | None:
    if action.owner_user_id is not None:
        person = action.owner_user
        return (person.email, person, person.display_name) if person.is_active else None
    if action.owner_id is not None:
        if action.owner.user_id is not None and not action.owner.user.is_active:
            return None
        return _member_address(action.owner)
    return None


class ActionReminders(ReminderSource):
    kinds = {
        "action_due": _("Action due soon"),
        "action_overdue": _("Action overdue"),
    }

    def _open(self, project_id):
        actions = (ActionItem.objects
                   .filter(status__in=OPEN_ACTIONS, project__is_archived=False)
                   .filter(Q(meeting__isnull=True) | Q(meeting__body__reminders_paused=False)))
        if project_id is not None:
            actions = actions.filter(project_id=project_id)
        return actions

    def due(self, start, end, *, project_id=None):
        days = send_days(start, end)
        if days is None:
            return
        soon = (self._open(project_id).filter(due_on__range=shifted(days, ACTION_DUE_DAYS))
                .select_related("owner_user", "owner__user"))
        for action in soon:
            owner = _action_owner(action)
            if owner is None:
                continue
            email, person, name = owner
            yield DueReminder(
                kind="action_due", item=action,
                occurrence=f"due:{action.due_on}" + ("" if email else f"#member:{action.owner_id}"),
                due_at=paris_time(action.due_on - timedelta(days=ACTION_DUE_DAYS)),
                recipient_email=email, recipient=person, recipient_name=name,
                project_id=action.project_id)
        overdue = list(self._open(project_id).filter(due_on__range=shifted(days, -1)))
        staff = project_staff({action.project_id for action in overdue}) if overdue else {}
        for action in overdue:
            for person in staff.get(action.project_id, []):
                yield DueReminder(
                    kind="action_overdue", item=action, occurrence=f"overdue:{action.due_on}",
                    due_at=paris_time(action.due_on + timedelta(days=1)),
                    recipient_email=person.email, recipient=person,
                    recipient_name=person.display_name, project_id=action.project_id)

    def send(self, reminder):
        action = (ActionItem.objects.select_related("project", "meeting__body", "owner__user",
                                                    "owner_user")
                  .get(pk=reminder.item_id))
        if action.meeting_id and action.meeting.body.reminders_paused:
            return PAUSED
        if (action.status not in OPEN_ACTIONS or action.project.is_archived
                or _occurrence_part(reminder.occurrence) != str(action.due_on)):
            return NO_LONGER_DUE
        owner = _action_owner(action)
        if reminder.kind == "action_due" and (owner is None
                                              or owner[0].lower() != reminder.recipient_email):
            return NO_LONGER_DUE  # another owner now
        send_templated_email(
            f"reminder_{reminder.kind}", to=[reminder.recipient_email],
            language=language_of(reminder),
            context={"action": action, "project": action.project,
                     "owner": owner[2] if owner else "",
                     "action_url": absolute_url(_action_url(action))})
        return ""

    def display_queryset(self, model):
        return model.objects.only("pk", "title", "project_id", "meeting_id")

    def item_url(self, item):
        return _action_url(item)

    def recipient_names(self, reminders):
        seats = {int(r.occurrence.rsplit("#member:", 1)[1]): r.pk for r in reminders
                 if "#member:" in r.occurrence}
        if not seats:
            return {}
        return {seats[member.pk]: member.name
                for member in BodyMember.objects.filter(pk__in=seats).only("pk", "name")}


# --- Training sessions -----------------------------------------------------------------------


class TrainingReminders(ReminderSource):
    kinds = {"training": _("Training session tomorrow")}

    def due(self, start, end, *, project_id=None):
        days = send_days(start, end)
        if days is None:
            return
        registrations = (Registration.objects
                         .filter(status=Registration.Status.REGISTERED,
                                 site__reminders_paused=False, person__is_active=True,
                                 session__status=TrainingSession.Status.PLANNED,
                                 session__module__project__is_archived=False,
                                 **on_days("session__starts_at", shifted(days, 1)))
                         .select_related("person", "session__module"))
        if project_id is not None:
            registrations = registrations.filter(session__module__project_id=project_id)
        for registration in registrations:
            session = registration.session
            due_at = paris_time(paris_day(session.starts_at) - timedelta(days=1))
            if start < due_at <= end:
                person = registration.person
                yield DueReminder(
                    kind="training", item=session, occurrence=f"J-1:{instant(session.starts_at)}",
                    due_at=due_at, recipient_email=person.email, recipient=person,
                    recipient_name=person.display_name, project_id=session.module.project_id)

    def send(self, reminder):
        session = TrainingSession.objects.select_related("module__project").get(
            pk=reminder.item_id)
        registration = (Registration.objects
                        .filter(session=session, person=reminder.recipient_id,
                                status=Registration.Status.REGISTERED)
                        .select_related("site").first())
        if registration is None or (session.status != TrainingSession.Status.PLANNED
                                    or session.starts_at <= timezone.now()
                                    or _occurrence_part(reminder.occurrence)
                                    != instant(session.starts_at)):
            return NO_LONGER_DUE
        if registration.site.reminders_paused:
            return PAUSED
        send_templated_email(
            "reminder_training", to=[reminder.recipient_email], language=language_of(reminder),
            context={"session": session, "module": session.module, "site": registration.site,
                     "session_url": absolute_url(session.get_absolute_url())})
        return ""

    def display_queryset(self, model):
        return model.objects.select_related("module")


def register_reminders() -> None:
    from essaimage.reminders import register_reminder_source

    register_reminder_source(MeetingReminders())
    register_reminder_source(ActionReminders())
    register_reminder_source(TrainingReminders())
