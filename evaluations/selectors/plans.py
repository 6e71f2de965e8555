"""Reads for the evaluation plan pages: a project's plan with its phases and reports, and the
phases of every project of a programme, with projects grouped by the phases they are in."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import ScalingProject

from ..models import EvaluationPhase, EvaluationPlan, PhaseReport

PROJECTS_PER_PAGE = 50


def plan_for_page(project):
    """The project's plan with its phases, their evaluating structure and their reports, or
    None when the project has none yet."""
    return (EvaluationPlan.objects.filter(project=project)
            .prefetch_related(Prefetch(
                "phases",
                queryset=EvaluationPhase.objects.select_related("evaluator_structure")
                .prefetch_related(Prefetch("reports", queryset=PhaseReport.objects
                                           .select_related("uploaded_by"))),
            ))
            .first())


def programme_projects_with_phases(programme, user):
    """The programme's projects `user` may read, each with its plan's phases (if any)."""
    return (ScalingProject.objects.visible_to(user).filter(programme=programme)
            .select_related("innovation", "evaluation_plan")
            .prefetch_related(Prefetch("evaluation_plan__phases",
                                       queryset=EvaluationPhase.objects.order_by("number")))
            .order_by("title", "pk"))


def phase_list_label(numbers: list[int]) -> str:
    """"Phase 1", "Phases 2 and 3", "Phases 1, 2 and 3"."""
    names = [str(n) for n in numbers]
    joined = names[0] if len(names) == 1 else _("%(first)s and %(last)s") % {
        "first": ", ".join(names[:-1]), "last": names[-1]}
    return ngettext("Phase %(numbers)s", "Phases %(numbers)s", len(names)) % {
        "numbers": joined}


@dataclass
class PhaseGroup:
    numbers: tuple[int, ...]
    projects: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return phase_list_label(list(self.numbers))


def projects_by_current_phases(projects) -> list[PhaseGroup]:
    """The projects grouped by the phases they are in now (as in the seed: "Phase 3: VITA;
    Phases 2 and 3: PG; Phase 1: TAPAJ/SOLENI"), the most advanced first; one query."""
    rows = (EvaluationPhase.objects
            .filter(plan__project__in=projects.order_by().values("pk"),
                    status=EvaluationPhase.Status.IN_PROGRESS)
            .order_by("plan__project__title", "plan__project_id", "number")
            .values_list("plan__project_id", "plan__project__title", "number"))
    current: dict[int, tuple[str, list[int]]] = {}
    for project_id, title, number in rows:
        current.setdefault(project_id, (title, []))[1].append(number)
    groups: dict[tuple[int, ...], PhaseGroup] = {}
    for project_id, (title, numbers) in current.items():
        key = tuple(numbers)
        groups.setdefault(key, PhaseGroup(key)).projects.append((project_id, title))
    return sorted(groups.values(), key=lambda g: (-max(g.numbers), len(g.numbers), g.numbers))
