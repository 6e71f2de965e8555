"""The pipeline of a scaling project, declared in one place.

Two things live here and nowhere else:

- the **gates**: for each stage, what it must have produced before a project may leave it.
  Each check is an SQL expression evaluated against the project, so that a checklist is
  computed from the data in one query; other apps add their checks with `gate_check()`
  (stage IV has none yet: the evaluations issue brings them);
- the **transitions**: the decisions that move a project (go, hold, stop, reopen), the
  statuses they apply to, where they lead, and who may take them.

Services (services/pipeline.py) apply them; pages only read them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from innovations.models import Innovation

from .models import (
    STAGE_ORDER,
    AdopterSite,
    AssessmentScore,
    GovernanceBody,
    Meeting,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    Stage,
    StageEvent,
    Stakeholder,
    StrategyModel,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
    stage_index,
)
from .permissions import can_manage_project

Kind = StageEvent.Kind
Status = ScalingProject.Status

# How the roadmap of seed 002 names the stages ("Etape 0" to "Etape IV").
NUMERALS = {
    Stage.IDENTIFICATION: "0",
    Stage.FEASIBILITY: "I",
    Stage.MOBILISATION: "II",
    Stage.SCALING_UP: "III",
    Stage.EVALUATION: "IV",
}
SHORT_NAMES = {
    Stage.IDENTIFICATION: gettext_lazy("Identification"),
    Stage.FEASIBILITY: gettext_lazy("Feasibility"),
    Stage.MOBILISATION: gettext_lazy("Mobilisation"),
    Stage.SCALING_UP: gettext_lazy("Scaling-up"),
    Stage.EVALUATION: gettext_lazy("Evaluation"),
}


# The model's own labels would meet Django's catalogue, where "Go" is a button ("Envoyer").
DECISION_LABELS = {
    Kind.GO: pgettext_lazy("stage decision", "Go"),
    Kind.HOLD: pgettext_lazy("stage decision", "Hold"),
    Kind.STOP: pgettext_lazy("stage decision", "Stop"),
    Kind.REOPEN: pgettext_lazy("stage decision", "Reopened"),
}


def stage_name(stage: str) -> str:
    """The stage's name without its numeral: "Feasibility study" for "I · Feasibility study"."""
    return str(Stage(stage).label).split(" · ", 1)[-1]


def next_stage(stage: str) -> str | None:
    index = stage_index(stage) + 1
    return STAGE_ORDER[index] if index < len(STAGE_ORDER) else None


# --- Gates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """Something a stage must have produced: how to find it in the data, and where to act."""

    code: str
    label: Promise
    fact: Callable[[], object]  # an expression on ScalingProject rows (OuterRef("pk"))
    where: Callable[[ScalingProject], str]
    is_met: Callable[[object], bool] = bool


GATES: dict[str, list[Check]] = {stage: [] for stage in STAGE_ORDER}


def gate_check(stage: str, code: str, label: Promise, *, where, is_met=bool):
    """Declare, on the function that builds its SQL expression, a check of the gate that
    closes `stage`; `where` gives the page where the check is met, for a project."""
    if stage not in GATES:
        raise ImproperlyConfigured(f"Unknown stage: {stage}")

    def register(fact):
        if any(check.code == code for checks in GATES.values() for check in checks):
            raise ImproperlyConfigured(f"Gate check declared twice: {code}")
        GATES[stage].append(Check(code, label, fact, where, is_met))
        return fact

    return register


def _page(name: str):
    return lambda project: reverse(f"programmes:{name}", args=[project.pk])


def _innovation_record(project) -> str:
    return reverse("innovations:innovation_detail", args=[project.innovation_id])


PROJECT = OuterRef("pk")
ACTIVE_SITE_STATUSES = [status for status in AdopterSite.Status
                        if status not in (AdopterSite.Status.CANDIDATE,
                                          AdopterSite.Status.WITHDRAWN)]
CRITERIA_COUNT = len(AssessmentScore.Criterion)


# Stage 0: the call for projects selected the innovation, whose record peers can read.
@gate_check(Stage.IDENTIFICATION, "innovation_published",
            gettext_lazy("The innovation record is published in the knowledge bank"),
            where=_innovation_record)
def _innovation_published():
    return Exists(Innovation.objects.filter(pk=OuterRef("innovation_id"),
                                            status=Innovation.Status.PUBLISHED))


# Stage I: the feasibility study says it is replicable, and the strategy says how.
@gate_check(Stage.FEASIBILITY, "assessment_complete",
            gettext_lazy("Every criterion of the replicability assessment is scored"),
            where=_page("feasibility"), is_met=lambda count: (count or 0) >= CRITERIA_COUNT)
def _assessment_complete():
    return Subquery(
        AssessmentScore.objects.filter(assessment__project=PROJECT).order_by()
        .values("assessment__project").annotate(scored=Count("pk")).values("scored")[:1])


@gate_check(Stage.FEASIBILITY, "assessment_go",
            gettext_lazy("The assessment recommends going ahead"),
            where=_page("feasibility"))
def _assessment_go():
    return Exists(ReplicabilityAssessment.objects.filter(
        project=PROJECT, recommendation__in=[
            ReplicabilityAssessment.Recommendation.GO,
            ReplicabilityAssessment.Recommendation.GO_WITH_CONDITIONS]))


@gate_check(Stage.FEASIBILITY, "strategy_model",
            gettext_lazy("The scaling strategy chooses at least one scaling model"),
            where=_page("strategy"))
def _strategy_model():
    return Exists(StrategyModel.objects.filter(strategy__project=PROJECT))


@gate_check(Stage.FEASIBILITY, "strategy_territories",
            gettext_lazy("The scaling strategy names its target territories"),
            where=_page("strategy"))
def _strategy_territories():
    return Exists(ScalingStrategy.target_territories.through.objects.filter(
        scalingstrategy__project=PROJECT))


# Stage II: governance in place, stakeholders mapped, adopters chosen.
@gate_check(Stage.MOBILISATION, "steering_committee",
            gettext_lazy("A steering committee is set up"), where=_page("body_list"))
def _steering_committee():
    return Exists(GovernanceBody.objects.filter(project=PROJECT,
                                                kind=GovernanceBody.Kind.STEERING))


@gate_check(Stage.MOBILISATION, "steering_meeting_held",
            gettext_lazy("The steering committee has held at least one meeting"),
            where=_page("body_list"))
def _steering_meeting_held():
    return Exists(Meeting.objects.filter(body__project=PROJECT,
                                         body__kind=GovernanceBody.Kind.STEERING,
                                         status=Meeting.Status.HELD))


@gate_check(Stage.MOBILISATION, "stakeholder_map",
            gettext_lazy("The stakeholder map is not empty"), where=_page("stakeholder_list"))
def _stakeholder_map():
    return Exists(Stakeholder.objects.filter(project=PROJECT))


@gate_check(Stage.MOBILISATION, "adopter_selected",
            gettext_lazy("At least one adopter site is selected"), where=_page("site_list"))
def _adopter_selected():
    return Exists(AdopterSite.objects.filter(project=PROJECT, status__in=ACTIVE_SITE_STATUSES))


# Stage III: the adopters are trained and tooled.
@gate_check(Stage.SCALING_UP, "training_module",
            gettext_lazy("The training plan has at least one module"),
            where=_page("training_plan"))
def _training_module():
    return Exists(TrainingModule.objects.filter(project=PROJECT))


@gate_check(Stage.SCALING_UP, "training_session_held",
            gettext_lazy("At least one training session was held"),
            where=_page("training_plan"))
def _training_session_held():
    return Exists(TrainingSession.objects.filter(module__project=PROJECT,
                                                 status=TrainingSession.Status.HELD))


@gate_check(Stage.SCALING_UP, "toolkit",
            gettext_lazy("The adopters' toolkit is not empty"), where=_page("toolkit"))
def _toolkit():
    return Exists(ToolkitItem.objects.filter(project=PROJECT))


# Stage IV is the last stage: there is no gate to leave it, and its checklist stays empty
# until the evaluations app declares what a complete evaluation is.


@dataclass(frozen=True)
class CheckResult:
    """A check of a gate, met or not, for one project."""

    code: str
    label: str
    is_met: bool
    url: str = ""

    def as_json(self) -> dict:
        return {"code": self.code, "label": str(self.label), "met": self.is_met}


def checklist(project: ScalingProject, stage: str | None = None) -> list[CheckResult]:
    """The checks of the gate closing `stage` (the project's current one), computed from the
    data in a single query."""
    checks = GATES[stage or project.stage]
    if not checks:
        return []
    values = (ScalingProject.objects.filter(pk=project.pk)
              .annotate(**{f"gate_{check.code}": check.fact() for check in checks})
              .values(*(f"gate_{check.code}" for check in checks)).get())
    return [CheckResult(check.code, check.label, bool(check.is_met(values[f"gate_{check.code}"])),
                        check.where(project))
            for check in checks]


def check_label(code: str, recorded: str = "") -> str:
    """The label of a check in the reader's language, from a checklist kept in the history."""
    for checks in GATES.values():
        for check in checks:
            if check.code == code:
                return str(check.label)
    return recorded or code


# --- Transitions ----------------------------------------------------------------------------

ALL_STATUSES = frozenset(Status.values)


@dataclass(frozen=True)
class Transition:
    """A decision on a project: the statuses it may be taken from, and what it leads to."""

    decision: str
    label: Promise
    from_statuses: frozenset[str]
    to_status: str
    # A go passes the gate: every check of the stage left behind must be met.
    needs_gate: bool = False
    permission: Callable = can_manage_project


TRANSITIONS: dict[str, Transition] = {
    Kind.GO: Transition(
        Kind.GO, gettext_lazy("Go: the project moves on to the next stage"),
        frozenset({Status.IN_PROGRESS, Status.ON_HOLD}), Status.IN_PROGRESS, needs_gate=True),
    Kind.HOLD: Transition(
        Kind.HOLD, gettext_lazy("Hold: the project stays at this stage, on hold"),
        frozenset({Status.IN_PROGRESS}), Status.ON_HOLD),
    Kind.STOP: Transition(
        Kind.STOP, gettext_lazy("Stop: the project is stopped"),
        frozenset({Status.IN_PROGRESS, Status.ON_HOLD}), Status.STOPPED),
    Kind.REOPEN: Transition(
        Kind.REOPEN, gettext_lazy("Reopen a stage: the project goes back to it"),
        ALL_STATUSES, Status.IN_PROGRESS),
}
GATE_DECISIONS = (Kind.GO, Kind.HOLD, Kind.STOP)


@dataclass(frozen=True)
class Move:
    transition: Transition
    from_stage: str
    to_stage: str

    @property
    def to_status(self) -> str:
        return self.transition.to_status


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_transition")


def plan_move(project: ScalingProject, decision: str, *, stage: str | None = None) -> Move:
    """Where `decision` would take the project, or a ValidationError coded
    "invalid_transition" that says why it cannot be taken now."""
    transition = TRANSITIONS.get(decision)
    if transition is None:
        raise _invalid(_("This decision does not exist."))
    current = project.stage
    if project.status not in transition.from_statuses:
        if project.status == Status.STOPPED:
            raise _invalid(_("This project is stopped: only reopening a stage can resume it."))
        if project.status == Status.COMPLETED:
            raise _invalid(_("This project is completed: only reopening a stage can resume it."))
        if decision == Kind.HOLD and project.status == Status.ON_HOLD:
            raise _invalid(_("This project is already on hold."))
        raise _invalid(_("This decision cannot be taken while the project is %(status)s.")
                       % {"status": project.get_status_display().lower()})
    if decision == Kind.GO:
        target = next_stage(current)
        if target is None:
            raise _invalid(_("%(stage)s is the last stage: there is no next stage to go to.")
                           % {"stage": Stage(current).label})
        return Move(transition, current, target)
    if decision == Kind.REOPEN:
        if stage not in STAGE_ORDER:
            raise _invalid(_("Choose the stage to reopen."))
        if stage_index(stage) > stage_index(current):
            raise _invalid(_("Only the current stage or an earlier one can be reopened: "
                             "%(stage)s has not been reached yet.") % {"stage": Stage(stage).label})
        if stage == current and project.status == Status.IN_PROGRESS:
            raise _invalid(_("%(stage)s is already open.") % {"stage": Stage(stage).label})
        return Move(transition, current, stage)
    return Move(transition, current, current)


def may_decide(user, project: ScalingProject, decision: str) -> bool:
    transition = TRANSITIONS.get(decision)
    return transition is not None and transition.permission(user, project)


def available_decisions(project: ScalingProject) -> list[str]:
    """The gate decisions (go, hold, stop) that can be taken on the project as it stands."""
    available = []
    for decision in GATE_DECISIONS:
        try:
            plan_move(project, decision)
        except ValidationError:
            continue
        available.append(decision)
    return available


def reopenable_stages(project: ScalingProject) -> list[str]:
    """The stages the project may go back to: earlier ones, and its own when it is not
    running (on hold, stopped, completed)."""
    stages = STAGE_ORDER[:stage_index(project.stage)]
    if project.status != Status.IN_PROGRESS:
        stages = [*stages, project.stage]
    return stages
