"""Reads for the pipeline's pages: a programme's projects, a project's overview and schedule.
Each page runs a fixed number of queries, whatever the number of projects, stages or events
(the roadmap has its own module: roadmap.py)."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from ..models import (
    STAGE_ORDER,
    ActionItem,
    AdopterSite,
    Meeting,
    ScalingProject,
    Stage,
    StageEvent,
    StagePlan,
    Stakeholder,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
    stage_index,
)
from ..pipeline import DECISION_LABELS, NUMERALS, SHORT_NAMES, check_label, stage_name

Status = ScalingProject.Status

PROJECTS_PER_PAGE = 25
HISTORY_LIMIT = 200


# --- Stages of one project ------------------------------------------------------------------


@dataclass(frozen=True)
class StageStep:
    """A stage as the progress bar of a project shows it: done, current or to come."""

    stage: str
    state: str  # "done", "current" or "upcoming"

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def numeral(self) -> str:
        return NUMERALS[self.stage]

    @property
    def name(self) -> str:
        return stage_name(self.stage)

    @property
    def short_name(self) -> str:
        return str(SHORT_NAMES[self.stage])

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    @property
    def is_done(self) -> bool:
        return self.state == "done"


def stage_steps(project: ScalingProject) -> list[StageStep]:
    current = stage_index(project.stage)
    return [StageStep(stage, "done" if index < current else
                      "current" if index == current else "upcoming")
            for index, stage in enumerate(STAGE_ORDER)]


@dataclass(frozen=True)
class ScheduleRow:
    step: StageStep
    plan: StagePlan | None

    @property
    def planned_start(self):
        return self.plan.planned_start if self.plan else None

    @property
    def planned_end(self):
        return self.plan.planned_end if self.plan else None

    @property
    def actual_start(self):
        return self.plan.actual_start if self.plan else None

    @property
    def actual_end(self):
        return self.plan.actual_end if self.plan else None


def schedule(project: ScalingProject) -> list[ScheduleRow]:
    """Each stage of the project with its planned and actual dates, in the roadmap's order."""
    plans = {plan.stage: plan for plan in StagePlan.objects.filter(project=project)}
    return [ScheduleRow(step, plans.get(step.stage)) for step in stage_steps(project)]


def stage_history(project: ScalingProject) -> list[StageEvent]:
    """The project's decisions, latest first, each with the checklist as it stood then."""
    events = list(StageEvent.objects.filter(project=project)
                  .select_related("author", "meeting")[:HISTORY_LIMIT])
    for event in events:
        event.kind_label = DECISION_LABELS.get(event.kind, event.kind)
        items = event.checklist if isinstance(event.checklist, list) else []
        event.checklist_items = [
            (check_label(item.get("code", ""), item.get("label", "")), bool(item.get("met")))
            for item in items if isinstance(item, dict)
        ]
    return events


@dataclass
class KeyFigures:
    sites_by_status: list[tuple[str, int]] = field(default_factory=list)
    sites: int = 0
    stakeholders: int = 0
    training_modules: int = 0
    sessions_held: int = 0
    toolkit_items: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    next_meeting: Meeting | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.sites or self.stakeholders or self.training_modules
                    or self.toolkit_items or self.open_actions or self.next_meeting)


def _count(queryset, outer="pk"):
    return Subquery(queryset.filter(project=OuterRef(outer)).order_by().values("project")
                    .annotate(n=Count("pk")).values("n")[:1])


def key_figures(project: ScalingProject) -> KeyFigures:
    """What the other areas of the project hold, in three queries."""
    today = timezone.localdate()
    open_statuses = [ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS]
    counts = ScalingProject.objects.filter(pk=project.pk).annotate(
        n_stakeholders=_count(Stakeholder.objects),
        n_modules=_count(TrainingModule.objects),
        n_toolkit=_count(ToolkitItem.objects),
        n_sessions=Subquery(
            TrainingSession.objects.filter(module__project=OuterRef("pk"),
                                           status=TrainingSession.Status.HELD)
            .order_by().values("module__project").annotate(n=Count("pk")).values("n")[:1]),
        n_open=_count(ActionItem.objects.filter(status__in=open_statuses)),
        n_overdue=_count(ActionItem.objects.filter(status__in=open_statuses, due_on__lt=today)),
    ).values("n_stakeholders", "n_modules", "n_toolkit", "n_sessions", "n_open",
             "n_overdue").get()
    by_status = dict(AdopterSite.objects.filter(project=project).order_by()
                     .values_list("status").annotate(n=Count("pk")))
    sites = [(AdopterSite.Status(status).label, by_status[status])
             for status in AdopterSite.Status.values if by_status.get(status)]
    next_meeting = (Meeting.objects.filter(body__project=project, status=Meeting.Status.PLANNED,
                                           starts_at__gte=timezone.now())
                    .select_related("body").order_by("starts_at").first())
    return KeyFigures(
        sites_by_status=sites, sites=sum(by_status.values()),
        stakeholders=counts["n_stakeholders"] or 0, training_modules=counts["n_modules"] or 0,
        sessions_held=counts["n_sessions"] or 0, toolkit_items=counts["n_toolkit"] or 0,
        open_actions=counts["n_open"] or 0, overdue_actions=counts["n_overdue"] or 0,
        next_meeting=next_meeting,
    )


# --- A programme's projects -------------------------------------------------------------------


def programme_projects(programme, user):
    """The programme's projects the person may see, with what their list shows."""
    return (ScalingProject.objects.visible_to(user).filter(programme=programme)
            .select_related("innovation__owner", "staff_lead").order_by("title", "pk"))


@dataclass(frozen=True)
class StageCount:
    stage: str
    total: int
    on_hold: int
    stopped: int

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def numeral(self) -> str:
        return NUMERALS[self.stage]

    @property
    def short_name(self) -> str:
        return str(SHORT_NAMES[self.stage])


def stage_counts(projects) -> list[StageCount]:
    """How many projects are at each stage, and how many of them are on hold or stopped."""
    rows = projects.order_by().values("stage", "status").annotate(n=Count("pk"))
    totals: dict[str, dict[str, int]] = {stage: {} for stage in STAGE_ORDER}
    for row in rows:
        if row["stage"] in totals:
            totals[row["stage"]][row["status"]] = row["n"]
    return [StageCount(stage, sum(by.values()), by.get(Status.ON_HOLD, 0),
                       by.get(Status.STOPPED, 0))
            for stage, by in totals.items()]
