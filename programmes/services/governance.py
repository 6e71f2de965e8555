"""Every change of stage II: the stakeholder map, governance bodies and their members, meetings
with their documents, attendance, minutes, decisions and action items, and awareness actions.

Refusals are ValidationErrors with a code, so that views show them next to the right field and
tests check the reason rather than the wording.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import Notification, User
from communities.services.notifications import notify
from essaimage.uploads import validate_upload

from ..models import (
    ActionItem,
    Attendance,
    AwarenessAction,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    MeetingDocument,
    ScalingProject,
    Stakeholder,
)

STAKEHOLDER_FIELDS = ("name", "structure", "contact", "category", "role", "interest",
                      "influence", "engagement", "notes")
BODY_FIELDS = ("kind", "name", "frequency", "reminder_days", "reminders_paused")
MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "video_link", "agenda")
# What a calendar shows: changing one of these gives the invitation a new version.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "video_link")
# A new date or place is also e-mailed to the members.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "place", "video_link")
AWARENESS_FIELDS = ("kind", "title", "date", "audience", "participants", "outcome")
MEMBER_FIELDS = ("name", "email", "structure", "position")

MAX_REMINDER_DAYS = 60
MAX_REMINDERS = 5


def _save(instance, *, by, update_fields=None, reason=""):
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save(update_fields=update_fields)
    return instance


def _assign(instance, fields: dict, allowed) -> list[str]:
    """Copy the allowed `fields` onto `instance`; return the names whose value changed."""
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} cannot be set here")
        if isinstance(value, str):
            value = value.strip()
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- Stakeholder map ---------------------------------------------------------------------------


@transaction.atomic
def save_stakeholder(project: ScalingProject, *, by, stakeholder: Stakeholder | None = None,
                     **fields) -> Stakeholder:
    """Add a stakeholder to the project's map, or change one already on it."""
    if stakeholder is None:
        stakeholder = Stakeholder(project=project)
    elif stakeholder.project_id != project.pk:
        raise ValidationError(_("This stakeholder belongs to another project."),
                              code="other_project")
    _assign(stakeholder, fields, STAKEHOLDER_FIELDS)
    if not stakeholder.name and stakeholder.structure_id:
        stakeholder.name = stakeholder.structure.name
    if not stakeholder.name:
        raise ValidationError({"name": ValidationError(
            _("Give the stakeholder a name, or link it to a structure of the directory."),
            code="name_required")})
    return _save(stakeholder, by=by)


@transaction.atomic
def delete_stakeholder(stakeholder: Stakeholder, *, by) -> None:
    """Take a stakeholder off the map; its history keeps what it was."""
    stakeholder._history_user = by
    stakeholder.delete()


# --- Governance bodies and members -------------------------------------------------------------


def clean_reminder_days(days) -> list[int]:
    """Reminder days as stored: distinct whole numbers from 1 to 60, the earliest first."""
    error = ValidationError(
        _("Reminders are sent 1 to %(max)s days before a meeting, at most %(count)s of them.")
        % {"max": MAX_REMINDER_DAYS, "count": MAX_REMINDERS},
        code="reminder_days_out_of_range",
    )
    values = set()
    for day in days or []:
        if isinstance(day, str) and day.strip().isascii() and day.strip().isdigit():
            day = int(day.strip())
        elif isinstance(day, float) and day.is_integer():
            day = int(day)
        if isinstance(day, bool) or not isinstance(day, int):
            raise ValidationError({"reminder_days": error})
        values.add(day)
    if len(values) > MAX_REMINDERS or any(not 1 <= day <= MAX_REMINDER_DAYS for day in values):
        raise ValidationError({"reminder_days": error})
    return sorted(values, reverse=True)


@transaction.atomic
def save_body(project: ScalingProject, *, by, body: GovernanceBody | None = None,
              **fields) -> GovernanceBody:
    """Create a governance body of the project (a steering committee...) or change it."""
    if body is None:
        body = GovernanceBody(project=project)
    if "reminder_days" in fields:
        fields["reminder_days"] = clean_reminder_days(fields["reminder_days"])
    _assign(body, fields, BODY_FIELDS)
    if not body.name:
        raise ValidationError({"name": ValidationError(_("Give the body a name."),
                                                       code="name_required")})
    return _save(body, by=by)


def _person_by_email(email: str):
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


@transaction.atomic
def add_body_member(body: GovernanceBody, *, by, email: str = "", name: str = "",
                    structure=None, position=BodyMember.Position.MEMBER) -> BodyMember:
    """Give someone a seat on the body: the person with an account at `email` if there is one,
    otherwise an outside member known by name and address."""
    email = (email or "").strip()
    name = (name or "").strip()
    person = _person_by_email(email) if email else None
    if person is None and not name:
        raise ValidationError({"name": ValidationError(
            _("Nobody has an account with this address: give the member's name to add them "
              "as an outside member."), code="name_required")})
    duplicate = ValidationError({"email": ValidationError(
        _("This person already sits on this body."), code="already_member")})
    if person is not None and body.members.filter(user=person).exists():
        raise duplicate
    if email and body.members.filter(user__isnull=True, email__iexact=email).exists():
        raise duplicate
    member = BodyMember(body=body, user=person, name=name or person.display_name,
                        email=person.email if person else email, structure=structure,
                        position=position)
    try:
        with transaction.atomic():
            _save(member, by=by)
    except IntegrityError as race:
        raise duplicate from race
    return member


@transaction.atomic
def update_body_member(member: BodyMember, *, by, **fields) -> BodyMember:
    """Change the structure a member represents, their position, or an outsider's details."""
    if member.user_id is not None:
        # A person with an account keeps the name and address of their account.
        fields.pop("name", None)
        fields.pop("email", None)
    _assign(member, fields, MEMBER_FIELDS)
    if not member.name:
        raise ValidationError({"name": ValidationError(_("Give the member's name."),
                                                       code="name_required")})
    return _save(member, by=by)


@transaction.atomic
def remove_body_member(member: BodyMember, *, by) -> None:
    """Take a member off the body; their past attendance goes with the seat, their actions stay
    with no owner."""
    member._history_user = by
    member.delete()


# --- Meetings ----------------------------------------------------------------------------------


def _check_meeting(meeting: Meeting, *, new_schedule: bool) -> None:
    errors = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = ValidationError(_("The meeting must end after it starts."),
                                            code="ends_before_start")
    if new_schedule and meeting.starts_at and meeting.starts_at < timezone.now():
        errors["starts_at"] = ValidationError(
            _("This date has passed: a meeting is scheduled in the future."),
            code="meeting_in_the_past")
    if not meeting.place and not meeting.video_link:
        errors["place"] = ValidationError(_("Give a place or a video link."), code="no_place")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_meeting(body: GovernanceBody, *, by, **fields) -> Meeting:
    """Schedule a meeting of the body, in the future."""
    meeting = Meeting(body=body)
    _assign(meeting, fields, MEETING_FIELDS)
    _check_meeting(meeting, new_schedule=True)
    return _save(meeting, by=by)


@transaction.atomic
def update_meeting(meeting: Meeting, *, by, **fields) -> Meeting:
    """Change a meeting's details; a new date, time or place gives calendars a new version."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    old_start = meeting.starts_at
    changed = _assign(meeting, fields, MEETING_FIELDS)
    if not changed:
        return meeting
    rescheduled = "starts_at" in changed and meeting.starts_at != old_start
    _check_meeting(meeting, new_schedule=rescheduled and meeting.status == Meeting.Status.PLANNED)
    if any(name in CALENDAR_FIELDS for name in changed):
        meeting.sequence += 1
        changed.append("sequence")
    _save(meeting, by=by, update_fields=changed)
    if (meeting.status == Meeting.Status.PLANNED and meeting.ends_at > timezone.now()
            and any(name in SCHEDULE_FIELDS for name in changed)):
        _send_invitation_change(meeting, "meeting_update")
    return meeting


@transaction.atomic
def record_minutes(meeting: Meeting, *, by, minutes: str) -> Meeting:
    """Keep the minutes of a meeting that took place."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="meeting_cancelled")
    meeting.minutes = (minutes or "").strip()
    return _save(meeting, by=by, update_fields=["minutes"])


@transaction.atomic
def set_meeting_status(meeting: Meeting, status: str, *, by) -> Meeting:
    """Mark the meeting held once it has started, cancel it while planned, or plan it again."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if status not in Meeting.Status.values:
        raise ValidationError(_("Unknown status."), code="invalid_status")
    if status == meeting.status:
        return meeting
    if status == Meeting.Status.HELD:
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("This meeting was cancelled."), code="meeting_cancelled")
        if meeting.starts_at > timezone.now():
            raise ValidationError(_("This meeting has not started yet."),
                                  code="meeting_not_started")
    elif status == Meeting.Status.CANCELLED and meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting took place: it cannot be cancelled."),
                              code="meeting_held")
    elif status == Meeting.Status.PLANNED and meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting took place."), code="meeting_held")
    meeting.status = status
    # Calendars replace the invitation by the one with the higher sequence.
    meeting.sequence += 1
    _save(meeting, by=by, update_fields=["status", "sequence"])
    if meeting.ends_at > timezone.now() and status != Meeting.Status.HELD:
        # Cancelled: members' calendars drop it; planned again: they get it back.
        _send_invitation_change(meeting, "meeting_cancelled" if status == Meeting.Status.CANCELLED
                                else "meeting_update")
    return meeting


def _send_invitation_change(meeting: Meeting, kind: str) -> None:
    """Queue the new version of the meeting's invitation to its members, with this change
    (once per member and sequence, through the reminders' sent-log)."""
    from essaimage.reminders import record_reminders

    from ..reminders import meeting_change_reminders

    record_reminders(meeting_change_reminders(meeting, kind))


@transaction.atomic
def record_attendance(meeting: Meeting, statuses: dict, *, by) -> int:
    """Record who was present, excused or absent, member by member; return how many changed.
    `statuses` maps a member of the body to a status, or to "" to forget it."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="meeting_cancelled")
    existing = {a.member_id: a for a in meeting.attendances.all()}
    changed = 0
    for member, status in statuses.items():
        if member.body_id != meeting.body_id:
            raise ValidationError(_("%(name)s does not sit on this body.") % {"name": member},
                                  code="not_a_member")
        if status and status not in Attendance.Status.values:
            raise ValidationError(_("Unknown attendance."), code="invalid_status")
        current = existing.get(member.pk)
        if not status:
            if current is not None:
                current.delete()
                changed += 1
        elif current is None:
            Attendance.objects.create(meeting=meeting, member=member, status=status)
            changed += 1
        elif current.status != status:
            current.status = status
            current.save(update_fields=["status"])
            changed += 1
    return changed


@transaction.atomic
def record_decision(meeting: Meeting, *, by, kind: str, text: str) -> Decision:
    """Add a decision taken at the meeting to the register. A proof of concept is decided by
    a steering committee."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Decisions are recorded once the meeting has started."),
                              code="meeting_not_started")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("Write the decision."),
                                                       code="text_required")})
    if (kind == Decision.Kind.PROOF_OF_CONCEPT
            and meeting.body.kind != GovernanceBody.Kind.STEERING):
        raise ValidationError({"kind": ValidationError(
            _("The proof of concept is decided by a steering committee."),
            code="not_steering_committee")})
    decision = Decision(meeting=meeting, kind=kind, text=text, created_by=by)
    return _save(decision, by=by)


def _check_owner(meeting: Meeting | None, owner: BodyMember | None, owner_user) -> None:
    if owner is not None and owner_user is not None:
        raise ValidationError({"owner": ValidationError(
            _("Choose a member of the body or a person, not both."), code="two_owners")})
    if owner is not None and (meeting is None or owner.body_id != meeting.body_id):
        raise ValidationError({"owner": ValidationError(
            _("The owner must sit on the body."), code="owner_not_member")})


@transaction.atomic
def add_action_item(meeting: Meeting, *, by, title: str, owner: BodyMember | None = None,
                    owner_user=None, due_on=None) -> ActionItem:
    """Record an action decided at the meeting, with its owner and due date."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="meeting_cancelled")
    _check_owner(meeting, owner, owner_user)
    action = ActionItem(project=meeting.body.project, meeting=meeting, title=(title or "").strip(),
                        owner=owner, owner_user=owner_user, due_on=due_on)
    return _save(action, by=by)


@transaction.atomic
def update_action_item(action: ActionItem, *, by, **fields) -> ActionItem:
    """Change an action item; marking it done dates it today."""
    allowed = ("title", "owner", "owner_user", "due_on", "status")
    if "owner" in fields or "owner_user" in fields:
        _check_owner(action.meeting, fields.get("owner", action.owner),
                     fields.get("owner_user", action.owner_user))
    changed = _assign(action, fields, allowed)
    if "status" in changed:
        action.done_on = timezone.localdate() if action.status == ActionItem.Status.DONE else None
        changed.append("done_on")
    if not changed:
        return action
    return _save(action, by=by, update_fields=changed)


@transaction.atomic
def upload_document(meeting: Meeting, *, by, title: str, file) -> MeetingDocument:
    """Attach a document to the meeting's pack; only the meeting's readers download it."""
    try:
        validate_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    title = (title or "").strip() or file.name[:200]
    document = MeetingDocument(meeting=meeting, title=title, file=file, uploaded_by=by)
    document.full_clean()
    document.save()
    _notify_meeting_pack(meeting, by)
    return document


def _notify_meeting_pack(meeting: Meeting, by) -> None:
    """Tell the members of the body that the pack of a meeting to come has grown; one unread
    item per meeting however many documents follow."""
    if meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= timezone.now():
        return
    members = User.objects.filter(body_seats__body=meeting.body_id)
    notify(members, Notification.Kind.MEETING_PACK,
           title=gettext_noop("New documents in the pack of the meeting “%(meeting)s”"),
           params={"meeting": meeting.title}, url=meeting.get_absolute_url(), actor=by,
           once_unread=True)


@transaction.atomic
def delete_document(document: MeetingDocument, *, by) -> None:
    """Remove a document from the meeting's pack, and its file."""
    storage, name = document.file.storage, document.file.name
    document.delete()
    # The file goes once the row is gone for good, not before.
    transaction.on_commit(lambda: storage.delete(name))


# --- Awareness actions -------------------------------------------------------------------------


@transaction.atomic
def save_awareness_action(project: ScalingProject, *, by,
                          action: AwarenessAction | None = None, **fields) -> AwarenessAction:
    """Record an event, a presentation or a publication to win support, or change it."""
    if action is None:
        action = AwarenessAction(project=project)
    _assign(action, fields, AWARENESS_FIELDS)
    return _save(action, by=by)


@transaction.atomic
def delete_awareness_action(action: AwarenessAction, *, by) -> None:
    action._history_user = by
    action.delete()
