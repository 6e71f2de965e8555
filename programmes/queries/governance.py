"""Reads of stage II: the stakeholder map and its matrix, governance bodies, meetings with
everything on their page, and the project's action items."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.utils import timezone

from ..models import (
    ActionItem,
    Attendance,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    MeetingDocument,
    ScalingProject,
    Stakeholder,
)

Level = Stakeholder.Level


# --- Stakeholder map ---------------------------------------------------------------------------


@dataclass
class MatrixCell:
    interest: int
    influence: int
    stakeholders: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.stakeholders)


@dataclass
class CategoryGroup:
    category: str
    label: str
    stakeholders: list


@dataclass
class StakeholderMap:
    groups: list  # of CategoryGroup, in the order of the categories
    matrix: list  # rows of cells, high influence first, low interest first
    count: int


def stakeholder_map(project: ScalingProject) -> StakeholderMap:
    """The project's stakeholders by category, and placed on the interest × influence grid."""
    stakeholders = list(project.stakeholders.select_related("structure").order_by(
        "category", "name", "pk"))
    labels = dict(Stakeholder.Category.choices)
    groups = {}
    for stakeholder in stakeholders:
        groups.setdefault(stakeholder.category, []).append(stakeholder)
    ordered = [CategoryGroup(category, labels[category], groups[category])
               for category in Stakeholder.Category.values if category in groups]
    cells = {(interest, influence): MatrixCell(interest, influence)
             for interest in Level.values for influence in Level.values}
    for stakeholder in stakeholders:
        cell = cells.get((stakeholder.interest, stakeholder.influence))
        if cell is not None:
            cell.stakeholders.append(stakeholder)
    matrix = [[cells[(interest, influence)] for interest in sorted(Level.values)]
              for influence in sorted(Level.values, reverse=True)]
    return StakeholderMap(groups=ordered, matrix=matrix, count=len(stakeholders))


# --- Bodies and meetings -----------------------------------------------------------------------


def bodies_for_project(project: ScalingProject, user) -> list[GovernanceBody]:
    """The project's bodies `user` may read, with their member count and next meeting."""
    now = timezone.now()
    return list(
        GovernanceBody.objects.visible_to(user).filter(project=project)
        .annotate(
            member_count=Count("members", distinct=True),
            next_meeting_at=Min("meetings__starts_at", filter=Q(
                meetings__starts_at__gte=now, meetings__status=Meeting.Status.PLANNED)),
        )
        .order_by("kind", "name", "pk")
    )


def body_members(body: GovernanceBody) -> list[BodyMember]:
    return list(body.members.select_related("user", "structure").order_by("position", "name",
                                                                           "pk"))


def body_meetings(body: GovernanceBody, limit: int = 100) -> tuple[list, list]:
    """The body's coming meetings (soonest first) and its past ones (latest first)."""
    now = timezone.now()
    meetings = body.meetings.annotate(decision_count=Count("decisions"))
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")[:limit])
    past = list(meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:limit])
    return upcoming, past


def body_decisions(body: GovernanceBody, limit: int = 200) -> list[Decision]:
    """The body's register of decisions, latest meeting first."""
    return list(Decision.objects.filter(meeting__body=body).select_related("meeting")
                .order_by("-meeting__starts_at", "-created_at", "-pk")[:limit])


@dataclass
class MeetingPage:
    members: list
    attendance: dict  # member id → status
    documents: list
    decisions: list
    actions: list

    @property
    def attendance_rows(self) -> list:
        return [(member, self.attendance.get(member.pk, "")) for member in self.members]

    @property
    def present_count(self) -> int:
        return sum(1 for status in self.attendance.values()
                   if status == Attendance.Status.PRESENT)


def meeting_page(meeting: Meeting) -> MeetingPage:
    """Everything the meeting page lists, in one query per list."""
    return MeetingPage(
        members=body_members(meeting.body),
        attendance=dict(meeting.attendances.values_list("member_id", "status")),
        documents=list(meeting.documents.select_related("uploaded_by")),
        decisions=list(meeting.decisions.select_related("created_by")),
        actions=list(meeting.action_items.select_related("owner", "owner_user")
                     .order_by("due_on", "pk")),
    )


def document_for_download(pk) -> MeetingDocument | None:
    return MeetingDocument.objects.filter(pk=pk).first()


# --- Action items ------------------------------------------------------------------------------


def project_actions(project: ScalingProject, user, *, status: str = "", owner: str = ""):
    """The project's action items `user` may read (those of meetings they cannot read stay
    hidden), filtered by status ("late" for the overdue ones) and owner ("m:<id>" for an
    outside member of a body, "u:<id>" for a person)."""
    readable = Meeting.objects.visible_to(user)
    actions = (project.action_items
               .filter(Q(meeting__isnull=True) | Q(meeting__in=readable))
               .select_related("owner", "owner_user", "meeting__body"))
    if status == "late":
        actions = actions.filter(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
            due_on__lt=timezone.localdate())
    elif status == "pending":
        actions = actions.filter(status__in=[ActionItem.Status.OPEN,
                                             ActionItem.Status.IN_PROGRESS])
    elif status in ActionItem.Status.values:
        actions = actions.filter(status=status)
    kind, _, pk = owner.partition(":")
    if pk.isascii() and pk.isdigit() and len(pk) < 10:
        if kind == "m":
            actions = actions.filter(owner_id=int(pk))
        elif kind == "u":
            actions = actions.filter(Q(owner_user_id=int(pk)) | Q(owner__user_id=int(pk)))
    return actions.order_by("due_on", "pk")


def action_owner_choices(project: ScalingProject, user) -> list[tuple[str, str]]:
    """Who owns actions of the project, as filter choices: people first, then outside members."""
    actions = project_actions(project, user)
    people = {}
    outsiders = {}
    for owner_user_id, owner_id, user_name, member_name, member_user_id, first, last in (
            actions.values_list("owner_user_id", "owner_id", "owner_user__email",
                                "owner__name", "owner__user_id", "owner_user__first_name",
                                "owner_user__last_name").distinct()):
        if owner_user_id:
            people[owner_user_id] = f"{first} {last}".strip() or user_name
        elif member_user_id:
            people[member_user_id] = member_name
        elif owner_id:
            outsiders[owner_id] = member_name
    choices = [(f"u:{pk}", name) for pk, name in sorted(people.items(), key=lambda p: p[1])]
    choices += [(f"m:{pk}", name) for pk, name in sorted(outsiders.items(),
                                                          key=lambda p: p[1])]
    return choices



# --- A meeting's pack --------------------------------------------------------------------------


def previous_held_meeting(meeting: Meeting) -> Meeting | None:
    """The body's last meeting held before this one, with its decisions."""
    return (Meeting.objects.filter(body_id=meeting.body_id, status=Meeting.Status.HELD,
                                   starts_at__lt=meeting.starts_at)
            .exclude(pk=meeting.pk).prefetch_related("decisions")
            .order_by("-starts_at", "-pk").first())


@dataclass
class ActionsToFollow:
    listed: list  # of ActionItem, soonest due first
    total: int
    overdue: int

    @property
    def more(self) -> int:
        return self.total - len(self.listed)


def open_actions_of_body(body: GovernanceBody, *, due_by=None,
                         limit: int = 200) -> ActionsToFollow:
    """The project's action items still to do that this body's members may read (those of
    its own meetings and those decided outside any meeting), due by `due_by` or undated:
    the first `limit` of them, soonest due first, and how many there are and are overdue."""
    actions = ActionItem.objects.filter(
        Q(meeting__isnull=True) | Q(meeting__body=body), project_id=body.project_id,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
    if due_by is not None:
        actions = actions.filter(Q(due_on__lte=due_by) | Q(due_on__isnull=True))
    listed = list(actions.select_related("owner", "owner_user", "meeting")
                  .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit])
    if len(listed) < limit:
        return ActionsToFollow(listed, len(listed), sum(a.is_overdue for a in listed))
    counts = actions.aggregate(total=Count("pk"), overdue=Count(
        "pk", filter=Q(due_on__lt=timezone.localdate())))
    return ActionsToFollow(listed, counts["total"], counts["overdue"])
