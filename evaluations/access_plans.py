"""Who may read or change a project's evaluation plan, its phases and their reports.

The plan belongs to the project's management: its readers (staff, funders, innovator,
committee members, sponsors) read it, the programme's staff change it, adopters and outsiders
get a 404 as if it did not exist.
"""

from django.http import Http404

from essaimage.scoping import require
from programmes.models import ScalingProject
from programmes.permissions import can_manage_project

from .models import EvaluationPhase, PhaseReport


def get_phase_for_user(user, pk, *, write=False) -> EvaluationPhase:
    """Return the phase if `user` reads its project, or runs it when `write` is set."""
    phase = (EvaluationPhase.objects.select_related("plan__project__programme",
                                                    "plan__project__innovation__owner")
             .filter(pk=pk, plan__project__in=ScalingProject.objects.visible_to(user)).first())
    if phase is None:
        raise Http404
    if write:
        require(can_manage_project(user, phase.plan.project))
    return phase


def get_phase_report_for_user(user, pk) -> PhaseReport:
    """Return a phase's report to whoever may read its project; a 404 for anyone else."""
    report = (PhaseReport.objects.select_related("phase__plan")
              .filter(pk=pk, phase__plan__project__in=ScalingProject.objects.visible_to(user))
              .first())
    if report is None:
        raise Http404
    return report
