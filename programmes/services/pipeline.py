"""Changes to scaling projects: creation, gate decisions, reopening, schedule.

Every service takes the person acting as `author` (None for the platform itself: commands,
imports, the demo), checks that they may act, runs in one transaction and keeps the change in
the history (StageEvent for decisions, simple-history for every row).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from innovations.models import Innovation

from .. import pipeline
from ..models import Decision as RegisterEntry
from ..models import (
    STAGE_ORDER,
    GovernanceBody,
    Meeting,
    Programme,
    ScalingProject,
    Stage,
    StageEvent,
    StagePlan,
    stage_index,
)
from ..permissions import can_manage_project, is_programme_staff

Kind = StageEvent.Kind

REASON_MAX = 5000


def _refuse_future(value: date | None, field: str, errors: dict) -> date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        errors[field] = ValidationError(_("This date is in the future: record a decision once "
                                          "it is taken."), code="date_in_future")
    return value


# --- Projects -------------------------------------------------------------------------------


@transaction.atomic
def create_project(programme: Programme, *, author, innovation: Innovation, title: str = "",
                   description: str = "", staff_lead=None,
                   started_on: date | None = None) -> ScalingProject:
    """Open, at stage 0, the scaling project of a published innovation in the programme,
    with an empty schedule whose first stage starts on `started_on` (today by default)."""
    if author is not None and not is_programme_staff(author, programme):
        raise PermissionDenied(_("Only the programme's staff open scaling projects."))
    errors = {}
    if not innovation.is_published:
        errors["innovation"] = ValidationError(
            _("Only a published innovation record can be scaled up: publish it first."),
            code="innovation_not_published")
    if staff_lead is not None and not programme.staff.filter(pk=staff_lead.pk).exists():
        errors["staff_lead"] = ValidationError(
            _("The staff lead must be one of the programme's staff."), code="lead_not_staff")
    started_on = _refuse_future(started_on, "started_on", errors)
    if errors:
        raise ValidationError(errors)

    project = ScalingProject(
        programme=programme, innovation=innovation,
        title=(title or "").strip()[:200] or innovation.title,
        description=(description or "").strip(), staff_lead=staff_lead, started_on=started_on,
    )
    project._history_user = author
    project.save()
    plans = [StagePlan(project=project, stage=stage,
                       actual_start=started_on if stage == Stage.IDENTIFICATION else None)
             for stage in STAGE_ORDER]
    bulk_create_with_history(plans, StagePlan, default_user=author)
    return project


@transaction.atomic
def update_project(project: ScalingProject, *, author, title: str, description: str = "",
                   staff_lead=None) -> ScalingProject:
    """Change what the project is called, its description and its staff lead."""
    if author is not None and not can_manage_project(author, project):
        raise PermissionDenied
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("Give the project a title."), code="required")
    if staff_lead is not None and not project.programme.staff.filter(pk=staff_lead.pk).exists():
        errors["staff_lead"] = ValidationError(
            _("The staff lead must be one of the programme's staff."), code="lead_not_staff")
    if errors:
        raise ValidationError(errors)
    project.title = title[:200]
    project.description = (description or "").strip()
    project.staff_lead = staff_lead
    project._history_user = author
    project.save(update_fields=["title", "description", "staff_lead", "updated_at"])
    return project


# --- Gate decisions and reopening -------------------------------------------------------------


def record_decision(project: ScalingProject, *, author, decision: str, reason: str,
                    decided_on: date | None = None, meeting: Meeting | None = None) -> StageEvent:
    """Record a gate decision: go (to the next stage, once every check of the gate is met),
    hold (on hold at the stage) or stop (the project is stopped)."""
    if decision not in pipeline.GATE_DECISIONS:
        raise ValidationError(_("A gate decision is go, hold or stop."),
                              code="invalid_transition")
    return _move(project, decision, author=author, reason=reason, decided_on=decided_on,
                 meeting=meeting)


def reopen_stage(project: ScalingProject, *, author, stage: str, reason: str,
                 decided_on: date | None = None, meeting: Meeting | None = None) -> StageEvent:
    """Send the project back to `stage` (an earlier one, or its own when it was on hold or
    stopped), in progress again."""
    return _move(project, Kind.REOPEN, author=author, reason=reason, decided_on=decided_on,
                 meeting=meeting, stage=stage)


@transaction.atomic
def _move(project, decision, *, author, reason, decided_on, meeting, stage=None) -> StageEvent:
    # Lock the project: two decisions taken at once must not both start from the same stage.
    locked = (ScalingProject.objects.select_for_update(of=("self",))
              .select_related("programme", "innovation").get(pk=project.pk))
    if author is not None and not pipeline.may_decide(author, locked, decision):
        raise PermissionDenied(_("Only the programme's staff take decisions on its projects."))

    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ValidationError(_("Give the reason for this decision."),
                                           code="reason_required")
    elif len(reason) > REASON_MAX:
        errors["reason"] = ValidationError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX},
            code="reason_too_long")
    decided_on = _refuse_future(decided_on, "decided_on", errors)
    floor = _earliest_date(locked)
    if "decided_on" not in errors and floor and decided_on < floor:
        errors["decided_on"] = ValidationError(
            _("The project's history is in order: date this decision on %(date)s or later.")
            % {"date": formats.date_format(floor, "SHORT_DATE_FORMAT")}, code="date_too_early")
    if meeting is not None and not Meeting.objects.filter(
            pk=meeting.pk, body__project=locked, body__kind=GovernanceBody.Kind.STEERING).exists():
        errors["meeting"] = ValidationError(
            _("Choose a meeting of this project's steering committee."), code="meeting_mismatch")
    if errors:
        raise ValidationError(errors)

    move = pipeline.plan_move(locked, decision, stage=stage)
    results = pipeline.checklist(locked)
    if move.transition.needs_gate:
        unmet = [str(result.label) for result in results if not result.is_met]
        if unmet:
            raise ValidationError(
                _("%(stage)s cannot be left yet. Still missing: %(unmet)s.") % {
                    "stage": Stage(locked.stage).label, "unmet": "; ".join(unmet)},
                code="unmet_checks")

    event = StageEvent.objects.create(
        project=locked, kind=decision, from_stage=move.from_stage, to_stage=move.to_stage,
        reason=reason, checklist=[result.as_json() for result in results], meeting=meeting,
        author=author, decided_on=decided_on,
    )
    locked.stage = move.to_stage
    locked.status = move.to_status
    locked._history_user = author
    locked._change_reason = f"{pipeline.DECISION_LABELS[decision]}: {reason}"[:100]
    locked.save(update_fields=["stage", "status", "updated_at"])
    _record_actual_dates(locked, move, decided_on, author=author)
    if meeting is not None:
        _enter_in_register(meeting, event, author=author)
    refresh_innovation_stage(locked.innovation)

    # The caller's copy follows, so that a page rendered next shows the new stage.
    project.stage, project.status = locked.stage, locked.status
    return event


def _earliest_date(project) -> date | None:
    """A decision comes after the project's start and after the decisions before it."""
    last = (StageEvent.objects.filter(project=project).order_by("-decided_on")
            .values_list("decided_on", flat=True).first())
    dates = [d for d in (project.started_on, last) if d]
    return max(dates) if dates else None


def _stage_plans(project, *, author) -> dict[str, StagePlan]:
    """The project's plan of every stage, creating those that are missing."""
    plans = {plan.stage: plan for plan in StagePlan.objects.filter(project=project)}
    missing = [StagePlan(project=project, stage=stage) for stage in STAGE_ORDER
               if stage not in plans]
    if missing:
        bulk_create_with_history(missing, StagePlan, default_user=author)
        plans = {plan.stage: plan for plan in StagePlan.objects.filter(project=project)}
    return plans


def _record_actual_dates(project, move: pipeline.Move, on: date, *, author) -> None:
    """Gate decisions write the actual dates of the roadmap's bars."""
    plans = _stage_plans(project, author=author)
    changes: dict[str, dict] = {}
    decision = move.transition.decision
    if decision == Kind.GO:
        changes[move.from_stage] = {"actual_end": on}
        changes[move.to_stage] = {"actual_start": on, "actual_end": None}
    elif decision == Kind.STOP:
        changes[move.from_stage] = {"actual_end": on}
    elif decision == Kind.REOPEN:
        reopened = plans[move.to_stage]
        changes[move.to_stage] = {"actual_end": None,
                                  "actual_start": reopened.actual_start or on}
        # The stages after it will run again: their former dates stay in the history only.
        for stage in STAGE_ORDER[stage_index(move.to_stage) + 1:]:
            changes[stage] = {"actual_start": None, "actual_end": None}
    for stage, values in changes.items():
        plan = plans[stage]
        changed = [name for name, value in values.items() if getattr(plan, name) != value]
        if not changed:
            continue
        for name in changed:
            setattr(plan, name, values[name])
        plan._history_user = author
        plan.save(update_fields=changed)


def _enter_in_register(meeting: Meeting, event: StageEvent, *, author) -> None:
    """A gate decided at a steering committee meeting also goes in its decisions register."""
    if event.kind == Kind.REOPEN:
        text = _("%(stage)s reopened. Reason: %(reason)s") % {
            "stage": Stage(event.to_stage).label, "reason": event.reason}
    elif event.kind == Kind.GO:
        text = _("Go: %(from)s → %(to)s. Reason: %(reason)s") % {
            "from": Stage(event.from_stage).label, "to": Stage(event.to_stage).label,
            "reason": event.reason}
    else:
        text = _("%(decision)s at %(stage)s. Reason: %(reason)s") % {
            "decision": pipeline.DECISION_LABELS[event.kind],
            "stage": Stage(event.from_stage).label, "reason": event.reason}
    entry = RegisterEntry(meeting=meeting, kind=RegisterEntry.Kind.GATE, text=text,
                          created_by=author)
    entry._history_user = author
    entry.save()


def refresh_innovation_stage(innovation: Innovation) -> Innovation:
    """Set the innovation's stage to the furthest stage its scaling projects have reached."""
    locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
    stages = set(ScalingProject.objects.filter(innovation=locked, is_archived=False)
                 .values_list("stage", flat=True))
    if stages:
        furthest = max(stages, key=stage_index)
        if locked.stage != furthest:
            locked.stage = furthest
            locked.save(update_fields=["stage", "updated_at"])
    innovation.stage = locked.stage
    return innovation


# --- Schedule -------------------------------------------------------------------------------


@transaction.atomic
def update_schedule(project: ScalingProject, *, author,
                    planned: dict[str, tuple[date | None, date | None]]) -> list[StagePlan]:
    """Set the planned start and end of the stages given in `planned`; the actual dates are
    the gate decisions' business."""
    if author is not None and not can_manage_project(author, project):
        raise PermissionDenied
    errors = {}
    for stage, (start, end) in planned.items():
        if stage not in STAGE_ORDER:
            raise ValidationError(_("This stage does not exist."), code="unknown_stage")
        if start and end and end < start:
            errors[f"planned_end_{stage}"] = ValidationError(
                _("A stage must end after it starts."), code="end_before_start")
    if errors:
        raise ValidationError(errors)
    plans = _stage_plans(project, author=author)
    for stage, (start, end) in planned.items():
        plan = plans[stage]
        if (plan.planned_start, plan.planned_end) == (start, end):
            continue
        plan.planned_start, plan.planned_end = start, end
        plan._history_user = author
        plan.save(update_fields=["planned_start", "planned_end"])
    return [plans[stage] for stage in STAGE_ORDER]
