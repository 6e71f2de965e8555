"""The roadmap of a programme: its projects on a timeline of months, stage by stage, in a
fixed number of queries whatever the number of projects."""

from dataclasses import dataclass, replace
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.translation import gettext

from ..models import STAGE_ORDER, ScalingProject, Stage, StagePlan
from ..pipeline import NUMERALS
from .pipeline import StageCount, StageStep, stage_counts, stage_steps

Status = ScalingProject.Status

ROADMAP_PER_PAGE = 50
ROADMAP_MAX_MONTHS = 60


# --- The roadmap ----------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many months from the month of `start` to the month of `end`, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Month:
    first_day: date
    column: int
    is_current: bool

    @property
    def starts_year(self) -> bool:
        return self.first_day.month == 1 or self.column == 1


@dataclass(frozen=True)
class Year:
    year: int
    months: int


@dataclass(frozen=True)
class Bar:
    """A stage on the timeline, in months: planned (upper lines, as many as overlapping plans
    need) or actual (the lower line)."""

    stage: str
    is_planned: bool
    first: int
    last: int
    is_current: bool
    is_running: bool = False
    clipped_start: bool = False
    clipped_end: bool = False
    lane: int = 1

    @property
    def numeral(self) -> str:
        return NUMERALS[self.stage]

    @property
    def css(self) -> str:
        classes = ["bar", "bar-planned" if self.is_planned else "bar-actual",
                   f"stage-{self.stage}"]
        for flag in ("is_current", "is_running", "clipped_start", "clipped_end"):
            if getattr(self, flag):
                classes.append(flag.replace("_", "-"))
        return " ".join(classes)

    @property
    def style(self) -> str:
        return f"grid-column:{self.first}/{self.last + 1};grid-row:{self.lane}"


class Words:
    """The roadmap's recurring words and dates, translated and formatted once per page: a page
    of fifty projects shows two hundred and fifty stages."""

    def __init__(self):
        self.planned = gettext("planned")
        self.actual = gettext("actual")
        self.in_progress = gettext("in progress")
        self.not_planned = gettext("not planned")
        self.not_started = gettext("not started")
        self.done = gettext("done")
        self.stages = {stage: str(Stage(stage).label) for stage in STAGE_ORDER}
        self.statuses = {status: str(Status(status).label) for status in Status.values}
        self._formatted: dict[tuple[date, str], str] = {}

    def format(self, day: date | None, pattern: str) -> str:
        if day is None:
            return "?"
        key = (day, pattern)
        if key not in self._formatted:
            self._formatted[key] = formats.date_format(day, pattern)
        return self._formatted[key]


@dataclass(frozen=True)
class StageDates:
    step: StageStep
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    label: str = ""
    planned_text: str = ""
    actual_text: str = ""
    is_planned: bool = False
    has_started: bool = False

    @property
    def is_current(self) -> bool:
        return self.step.is_current


def _stage_dates(step, plan, words: Words) -> StageDates:
    dates = [getattr(plan, name) if plan else None
             for name in ("planned_start", "planned_end", "actual_start", "actual_end")]
    planned_start, planned_end, actual_start, actual_end = dates
    is_planned = bool(planned_start or planned_end)
    planned = (f"{words.planned} {words.format(planned_start, 'N Y')} – "
               f"{words.format(planned_end, 'N Y')}" if is_planned else words.not_planned)
    if actual_start:
        until = (words.format(actual_end, "SHORT_DATE_FORMAT") if actual_end
                 else words.in_progress)
        actual = f"{words.actual} {words.format(actual_start, 'SHORT_DATE_FORMAT')} – {until}"
    else:
        actual = words.done if step.is_done else words.not_started
    return StageDates(step, *dates, label=words.stages[step.stage], planned_text=planned,
                      actual_text=actual, is_planned=is_planned,
                      has_started=bool(actual_start))


@dataclass
class RoadmapRow:
    project: ScalingProject
    stages: list[StageDates]
    bars: list[Bar]
    lanes: int = 2
    stage_label: str = ""
    status_label: str = ""

    @property
    def numeral(self) -> str:
        return NUMERALS[self.project.stage]

    @property
    def is_in_progress(self) -> bool:
        return self.project.status == Status.IN_PROGRESS

    @property
    def lanes_style(self) -> str:
        return f"grid-row:1/span {self.lanes}"


@dataclass
class Roadmap:
    months: list[Month]
    years: list[Year]
    page: object
    rows: list[RoadmapRow]
    counts: list[StageCount]
    is_truncated: bool = False
    today_column: int | None = None

    @property
    def start(self) -> date | None:
        return self.months[0].first_day if self.months else None

    @property
    def end(self) -> date | None:
        return self.months[-1].first_day if self.months else None

    @property
    def grid_style(self) -> str:
        return f"--months:{len(self.months)}"


def roadmap_window(programme, projects, *, start: date | None = None,
                   end: date | None = None) -> tuple[date, date, bool]:
    """The months the roadmap shows: those asked for, or from the programme's start (the
    first stage's, without one) to the last date of the programme or of its projects' stages;
    at most ROADMAP_MAX_MONTHS (the result says when it cut)."""
    today = timezone.localdate()
    if start is None or end is None:
        span = StagePlan.objects.filter(project__in=projects.order_by().values("pk")).aggregate(
            min_planned=Min("planned_start"), min_actual=Min("actual_start"),
            max_planned_end=Max("planned_end"), max_actual_end=Max("actual_end"),
            max_planned=Max("planned_start"), max_actual=Max("actual_start"))
        firsts = [d for d in (span["min_planned"], span["min_actual"]) if d]
        lasts = [d for d in (programme.end_date, span["max_planned_end"], span["max_actual_end"],
                             span["max_planned"], span["max_actual"]) if d]
        # Stages begun before the programme show as bars cut at its start.
        start = start or programme.start_date or (min(firsts) if firsts
                                                  else add_months(today, -2))
        end = end or (max(lasts) if lasts else add_months(today, 9))
    start, end = first_of_month(start), first_of_month(end)
    if end < start:
        end = start
    truncated = months_between(start, end) > ROADMAP_MAX_MONTHS
    if truncated:
        end = add_months(start, ROADMAP_MAX_MONTHS - 1)
    return start, end, truncated


def _bar(stage, is_planned, first_day, last_day, window_start, months, *, is_current,
         is_running=False) -> Bar | None:
    first = months_between(window_start, first_day)
    last = months_between(window_start, last_day)
    if last < 1 or first > months:
        return None
    return Bar(stage, is_planned, max(first, 1), min(last, months), is_current, is_running,
               clipped_start=first < 1, clipped_end=last > months)


def _stack(bars: list[Bar]) -> tuple[list[Bar], int]:
    """Give overlapping bars lines of their own (evaluation runs beside scaling-up)."""
    ends: list[int] = []
    stacked = []
    for bar in sorted(bars, key=lambda b: (b.first, b.last)):
        lane = next((i for i, end in enumerate(ends) if end < bar.first), None)
        if lane is None:
            ends.append(bar.last)
            lane = len(ends) - 1
        else:
            ends[lane] = bar.last
        stacked.append(replace(bar, lane=lane + 1))
    return stacked, max(len(ends), 1)


def _row(project, plans, window_start, months, today, words: Words) -> RoadmapRow:
    steps = stage_steps(project)
    stages, planned, actual = [], [], []
    running = project.status in (Status.IN_PROGRESS, Status.ON_HOLD)
    for step in steps:
        dates = _stage_dates(step, plans.get(step.stage), words)
        stages.append(dates)
        if dates.is_planned:
            bar = _bar(step.stage, True, dates.planned_start or dates.planned_end,
                       dates.planned_end or dates.planned_start, window_start, months,
                       is_current=step.is_current)
            if bar:
                planned.append(bar)
        if dates.actual_start:
            is_running = dates.actual_end is None and step.is_current and running
            end = dates.actual_end or (max(today, dates.actual_start) if is_running
                                       else dates.actual_start)
            bar = _bar(step.stage, False, dates.actual_start, end, window_start, months,
                       is_current=step.is_current, is_running=is_running)
            if bar:
                actual.append(bar)
    planned, planned_lanes = _stack(planned)
    # One line for what happened: a gate closes a stage the day the next one opens.
    actual = [replace(bar, lane=planned_lanes + 1) for bar in actual]
    return RoadmapRow(project, stages, planned + actual, planned_lanes + 1,
                      stage_label=words.stages[project.stage],
                      status_label=words.statuses.get(project.status, project.status))


def programme_roadmap(programme, user, *, stage: str = "", status: str = "", start: date | None = None,
            end: date | None = None, page_number=None) -> Roadmap:
    """A page of the programme's projects on a timeline of months: one row per project, a bar
    per stage (planned and actual), in five queries whatever the number of projects."""
    today = timezone.localdate()
    visible = ScalingProject.objects.visible_to(user).filter(programme=programme)
    window_start, window_end, truncated = roadmap_window(programme, visible, start=start,
                                                         end=end)
    months = months_between(window_start, window_end)
    month_list = [Month(add_months(window_start, i), i + 1,
                        add_months(window_start, i) == first_of_month(today))
                  for i in range(months)]
    years: list[Year] = []
    for month in month_list:
        if years and years[-1].year == month.first_day.year:
            years[-1] = Year(month.first_day.year, years[-1].months + 1)
        else:
            years.append(Year(month.first_day.year, 1))

    filtered = visible
    if stage:
        filtered = filtered.filter(stage=stage)
    if status:
        filtered = filtered.filter(status=status)
    filtered = filtered.only("pk", "title", "stage", "status", "programme_id",
                             "innovation_id").order_by("title", "pk")
    page = Paginator(filtered, ROADMAP_PER_PAGE).get_page(page_number)
    projects = list(page.object_list)
    plans: dict[int, dict[str, StagePlan]] = {}
    for plan in StagePlan.objects.filter(project__in=[p.pk for p in projects]).order_by():
        plans.setdefault(plan.project_id, {})[plan.stage] = plan
    words = Words()
    rows = [_row(project, plans.get(project.pk, {}), window_start, months, today, words)
            for project in projects]
    today_column = next((m.column for m in month_list if m.is_current), None)
    return Roadmap(month_list, years, page, rows, stage_counts(visible), truncated,
                   today_column)
