"""The evaluation plan of a scaling project in three phases, and the phases of a programme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors
from essaimage.scoping import require
from programmes.models import Programme
from programmes.permissions import (
    can_manage_project,
    get_programme_for_user,
    get_project_for_user,
    is_programme_staff,
)

from ..access_plans import get_phase_for_user, get_phase_report_for_user
from ..forms.plans import PhaseForm, ReportForm
from ..models import EvaluationPhase
from ..selectors import plans as selectors
from ..services import plans as services


@login_required
def plan(request, project_pk):
    project = get_project_for_user(request.user, project_pk)
    can_manage = can_manage_project(request.user, project)
    if request.method == "POST":
        require(can_manage)
        services.create_plan(project, by=request.user)
        messages.success(request, _("Evaluation plan created with its three phases."))
        return redirect("evaluations:plan", project.pk)
    context = {
        "project": project,
        "tab": "evaluation",
        "subtab": "plan",
        "plan": selectors.plan_for_page(project),
        "can_manage": can_manage,
        "can_see_programme": can_manage or Programme.objects.visible_to(request.user).filter(
            pk=project.programme_id).exists(),
    }
    return render(request, "evaluations/plans/plan.html", context)


def _render_phase_form(request, phase, *, form=None, report_form=None, status=200):
    context = {
        "project": phase.plan.project,
        "phase": phase,
        "reports": phase.reports.select_related("uploaded_by"),
        "form": form or PhaseForm.for_phase(phase),
        "report_form": report_form or ReportForm(),
    }
    return render(request, "evaluations/plans/phase_form.html", context, status=status)


@login_required
def phase_update(request, pk):
    phase = get_phase_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = PhaseForm.for_phase(phase, request.POST)
        if form.is_valid():
            try:
                services.update_phase(phase, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("%(phase)s saved.")
                                 % {"phase": phase.get_number_display()})
                return redirect(reverse("evaluations:plan", args=[phase.plan.project_id])
                                + f"#phase-{phase.number}")
        return _render_phase_form(request, phase, form=form)
    return _render_phase_form(request, phase)


@login_required
@require_POST
def report_upload(request, pk):
    phase = get_phase_for_user(request.user, pk, write=True)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_phase_report(phase, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Report attached to the phase."))
            return redirect(reverse("evaluations:plan", args=[phase.plan.project_id])
                            + f"#phase-{phase.number}")
    return _render_phase_form(request, phase, report_form=form)


@login_required
@require_POST
def report_delete(request, pk):
    report = get_phase_report_for_user(request.user, pk)
    phase = get_phase_for_user(request.user, report.phase_id, write=True)
    services.delete_phase_report(report, by=request.user)
    messages.success(request, _("Report removed."))
    return redirect("evaluations:phase_update", phase.pk)


@login_required
def report_download(request, pk):
    # Whoever may read the project may read its reports; the others learn nothing of them.
    report = get_phase_report_for_user(request.user, pk)
    return private_file_response(report.file)


def _phases_in_order(project) -> list:
    """Phases 1, 2 and 3 of the project (None where it has none), from the prefetched rows."""
    if not hasattr(project, "evaluation_plan"):
        return [None] * len(EvaluationPhase.Number.values)
    by_number = {phase.number: phase for phase in project.evaluation_plan.phases.all()}
    return [by_number.get(number) for number in EvaluationPhase.Number.values]


@login_required
def programme_phases(request, programme_pk):
    programme = get_programme_for_user(request.user, programme_pk)
    projects = selectors.programme_projects_with_phases(programme, request.user)
    page = Paginator(projects, selectors.PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "page": page,
        "groups": selectors.projects_by_current_phases(projects),
        "rows": [(project, _phases_in_order(project)) for project in page.object_list],
        "phase_numbers": EvaluationPhase.Number.choices,
        "can_edit": is_programme_staff(request.user, programme),
    }
    return render(request, "evaluations/plans/programme_phases.html", context)
