"""Who may read or change a project's evaluation plan, its phases and their reports.

The plan belongs to the project's management: its readers (staff, funders, innovator,
committee members, sponsors) read it, the programme's staff change it, adopters and outsiders
get a 404 as if it did not exist.
"""

from .models import EvaluationPhase, PhaseReport
from .permissions import get_in_readable_project_or_404


def get_phase_for_user(user, pk, *, write=False) -> EvaluationPhase:
    """Return the phase if `user` reads its project, or runs it when `write` is set."""
    return get_in_readable_project_or_404(
        EvaluationPhase.objects.select_related("plan__project__programme",
                                               "plan__project__innovation__owner"),
        user, "plan__project", write=write, pk=pk)


def get_phase_report_for_user(user, pk) -> PhaseReport:
    """Return a phase's report to whoever may read its project; a 404 for anyone else."""
    return get_in_readable_project_or_404(PhaseReport.objects.select_related("phase__plan"),
                                          user, "phase__plan__project", pk=pk)
