"""A programme's roadmap, and its scaling projects stage by stage: overview, gate decisions,
reopening, schedule, and stage I's feasibility study and scaling strategy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaimage.forms import apply_service_errors
from essaimage.pagination import query_without

from .. import pipeline
from ..forms.pipeline import (
    COMPONENT_KINDS,
    AssessmentForm,
    GateForm,
    ProjectCreateForm,
    ProjectUpdateForm,
    ReopenForm,
    RoadmapFilterForm,
    ScheduleForm,
    StrategyForm,
    component_formsets,
    component_rows,
    with_extra_row,
)
from ..models import ScalingStrategy, Stage
from ..permissions import (
    can_manage_project,
    can_read_programme,
    get_programme_for_user,
    get_project_for_user,
    is_programme_staff,
)
from ..selectors import feasibility as feasibility_selectors
from ..selectors import pipeline as selectors
from ..selectors.roadmap import programme_roadmap
from ..services import feasibility as feasibility_services
from ..services import pipeline as services

Kind = pipeline.Kind


# --- The roadmap of a programme ---------------------------------------------------------------


@login_required
def roadmap(request, pk):
    programme = get_programme_for_user(request.user, pk)
    filter_form = RoadmapFilterForm(request.GET or None)
    filters = filter_form.filters()
    data = programme_roadmap(programme, request.user, page_number=request.GET.get("page"),
                             **filters)
    query = query_without(request, "page")
    context = {
        "programme": programme,
        "roadmap": data,
        "page": data.page,
        "filter_form": filter_form,
        "is_filtered": bool(filters.get("stage") or filters.get("status")),
        "query": query,
        "can_edit": is_programme_staff(request.user, programme),
    }
    return render(request, "programmes/roadmap.html", context)


# --- Projects -------------------------------------------------------------------------------


@login_required
def project_create(request, pk):
    programme = get_programme_for_user(request.user, pk, write=True)
    initial = {}
    if request.method == "GET" and str(request.GET.get("innovation", "")).isdigit():
        initial["innovation"] = request.GET["innovation"][:10]
    form = ProjectCreateForm(request.POST or None, programme=programme, initial=initial)
    if form.is_valid():
        try:
            project = services.create_project(programme, author=request.user,
                                              **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Scaling project opened at stage 0. Plan its stages in "
                                        "the schedule."))
            return redirect(project)
    return render(request, "programmes/project_form.html",
                  {"form": form, "programme": programme})


def _render_overview(request, project, *, gate_form=None, reopen_form=None):
    can_edit = can_manage_project(request.user, project)
    if can_edit:
        gate_form = gate_form or GateForm(project=project)
        reopen_form = reopen_form or ReopenForm(project=project)
    context = {
        "project": project,
        "tab": "overview",
        "can_edit": can_edit,
        "can_see_programme": can_edit or can_read_programme(request.user, project.programme_id),
        "steps": selectors.stage_steps(project),
        "checklist": pipeline.checklist(project),
        "is_last_stage": pipeline.next_stage(project.stage) is None,
        "history": selectors.stage_history(project),
        "figures": selectors.key_figures(project),
        "schedule": selectors.schedule(project),
        "gate_form": gate_form,
        "reopen_form": reopen_form,
        "decisions": pipeline.available_decisions(project) if can_edit else [],
        "reopenable": pipeline.reopenable_stages(project) if can_edit else [],
    }
    return render(request, "programmes/project_detail.html", context)


@login_required
def project_detail(request, pk):
    project = get_project_for_user(request.user, pk)
    return _render_overview(request, project)


@login_required
def project_update(request, pk):
    project = get_project_for_user(request.user, pk, write=True)
    form = ProjectUpdateForm(request.POST or None, project=project)
    if form.is_valid():
        try:
            services.update_project(project, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return render(request, "programmes/project_update.html",
                  {"form": form, "project": project, "tab": "overview"})


GATE_MESSAGES = {
    Kind.GO: gettext_lazy("Go recorded: the project moves on to %(stage)s."),
    Kind.HOLD: gettext_lazy("Hold recorded: the project is on hold at %(stage)s."),
    Kind.STOP: gettext_lazy("Stop recorded: the project is stopped at %(stage)s."),
}


@login_required
def project_gate(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    if request.method != "POST":
        return redirect(f"{project.get_absolute_url()}#gate")
    form = GateForm(request.POST, project=project)
    if form.is_valid():
        try:
            event = services.record_decision(project, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, str(GATE_MESSAGES[event.kind]) % {
                "stage": Stage(event.to_stage).label})
            return redirect(project)
    return _render_overview(request, project, gate_form=form)


@login_required
def project_reopen(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    if request.method != "POST":
        return redirect(f"{project.get_absolute_url()}#reopen")
    form = ReopenForm(request.POST, project=project)
    if form.is_valid():
        try:
            event = services.reopen_stage(project, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(stage)s reopened: the project is in progress again.")
                             % {"stage": Stage(event.to_stage).label})
            return redirect(project)
    return _render_overview(request, project, reopen_form=form)


@login_required
def project_schedule(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    rows = selectors.schedule(project)
    form = None
    if can_edit:
        plans = {row.step.stage: row.plan for row in rows if row.plan}
        form = ScheduleForm(request.POST or None, plans=plans)
        if form.is_valid():
            try:
                services.update_schedule(project, author=request.user, planned=form.planned())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Schedule saved."))
                return redirect("programmes:project_schedule", pk=project.pk)
    context = {"project": project, "tab": "overview", "rows": rows, "form": form,
               "can_edit": can_edit,
               "entries": [(row, fields[2], fields[3]) for row, fields in zip(rows, form.rows())]
               if form else []}
    return render(request, "programmes/project_schedule.html", context)


# --- Stage I: feasibility study and scaling strategy -----------------------------------------


@login_required
def feasibility(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    summary = feasibility_selectors.assessment_of(project)
    form = None
    if can_edit:
        form = AssessmentForm(request.POST or None, initial=AssessmentForm.initial_for(summary))
        if form.is_valid():
            try:
                feasibility_services.save_assessment(
                    project, author=request.user, scores=form.scores(),
                    summary=form.cleaned_data["summary"],
                    recommendation=form.cleaned_data["recommendation"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Replicability assessment saved."))
                return redirect("programmes:feasibility", pk=project.pk)
    context = {
        "project": project, "tab": "feasibility", "can_edit": can_edit, "summary": summary,
        "form": form, "innovation": project.innovation,
        "checklist": pipeline.checklist(project, Stage.FEASIBILITY),
    }
    return render(request, "programmes/feasibility.html", context)


@login_required
def strategy(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    if can_edit:
        current = feasibility_services.strategy_for(project, author=request.user)
    else:
        current = ScalingStrategy.objects.filter(project=project).first()
    page = feasibility_selectors.strategy_page(project, current)
    strategy_form = components = None
    component_errors = []
    has_errors = False
    if can_edit:
        part = request.POST.get("part") if request.method == "POST" else None
        adding = request.POST.get("add") if part == "components" else None
        if adding not in COMPONENT_KINDS:
            adding = None
        data = request.POST if part == "components" else None
        if adding:
            data = with_extra_row(data, adding)
        components = component_formsets(data, {"core": page.core, "adaptable": page.adaptable})
        strategy_form = StrategyForm(request.POST if part == "strategy" else None,
                                     initial=StrategyForm.initial_for(current))
        if part == "strategy" and strategy_form.is_valid():
            try:
                feasibility_services.update_strategy(current, author=request.user,
                                                     **strategy_form.strategy_data())
            except ValidationError as error:
                apply_service_errors(strategy_form, error)
            else:
                messages.success(request, _("Scaling strategy saved."))
                return redirect("programmes:strategy", pk=project.pk)
        elif part == "components" and not adding:
            if all([formset.is_valid() for formset in components.values()]):
                try:
                    feasibility_services.update_components(current, author=request.user,
                                                           rows=component_rows(components))
                except ValidationError as error:
                    component_errors = error.messages
                else:
                    messages.success(request, _("Components saved."))
                    return redirect(f"{request.path}#components")
            has_errors = True
        elif adding:
            # Take the keyboard to the row just added.
            new_row = components[adding].forms[-1] if components[adding].forms else None
            if new_row is not None:
                new_row.fields["title"].widget.attrs["autofocus"] = True
    context = {
        "project": project, "tab": "strategy", "can_edit": can_edit, "page": page,
        "form": strategy_form,
        "component_blocks": _component_blocks(components, page) if components else [],
        "has_component_errors": has_errors, "component_errors": component_errors,
        "checklist": pipeline.checklist(project, Stage.FEASIBILITY),
    }
    return render(request, "programmes/strategy.html", context)



COMPONENT_LISTS = {
    "core": (gettext_lazy("Core components"), gettext_lazy("Core component %(number)s"),
             gettext_lazy("Add a core component"),
             gettext_lazy("What must stay the same on every site: the fidelity scale scores "
                          "them, and the training plan teaches them.")),
    "adaptable": (gettext_lazy("Adaptable components"),
                  gettext_lazy("Adaptable component %(number)s"),
                  gettext_lazy("Add an adaptable component"),
                  gettext_lazy("What each adopter may adapt to its context; sites record their "
                               "local adaptations against them.")),
}


def _component_blocks(formsets, page) -> list[dict]:
    """Each list of components as the page shows it: its rows, each with its legend and the
    component it edits (for its origin and what uses it)."""
    by_id = {c.pk: c for c in [*page.core, *page.adaptable]}
    blocks = []
    for kind in COMPONENT_KINDS:
        title, row_label, add_label, help_text = COMPONENT_LISTS[kind]
        formset = formsets[kind]
        rows = []
        for index, form in enumerate(formset.forms):
            legend = str(row_label) % {"number": index + 1}
            if index >= formset.initial_form_count():
                legend = _("%(row)s (new: leave it empty to skip it)") % {"row": legend}
            rows.append((form, by_id.get(form.initial.get("id")), legend))
        blocks.append({"kind": kind, "title": title, "add_label": add_label, "help": help_text,
                       "formset": formset, "rows": rows})
    return blocks
