"""The indicator framework of a scaling project: its indicators by phase, the library of
standard ones, each indicator's scale, breakdowns and targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.scoping import require
from programmes.models import AdopterSite
from programmes.permissions import get_project_for_participant, get_project_for_user

from ..forms.indicators import (
    DisaggregationForm,
    IndicatorForm,
    LibrarySearchForm,
    TargetForm,
    scale_formset,
)
from ..models import DisaggregationCategory, Indicator, StandardIndicator
from ..permissions import get_indicator_for_user
from ..queries import indicators as queries
from ..selectors.aggregation import ACTIVE_SITE_STATUSES
from ..services import indicators as services


def _list_url(indicator) -> str:
    return reverse("evaluations:indicator_list", args=[indicator.project_id]) + (
        f"#indicator-{indicator.pk}")


@login_required
def indicator_list(request, project_pk):
    """The framework: the project's readers and the people of its sites read it, staff run
    it."""
    participation = get_project_for_participant(request.user, project_pk)
    project = participation.project
    indicators = list(queries.framework(project, include_inactive=participation.can_manage))
    context = {
        "project": project,
        "participation": participation,
        "tab": "evaluation",
        "subtab": "indicators",
        "can_manage": participation.can_manage,
        "phases": queries.by_phase(indicators),
        "count": len(indicators),
    }
    return render(request, "evaluations/indicators/indicator_list.html", context)


def _render_form(request, project, form, levels, *, indicator=None, status=200):
    context = {"project": project, "tab": "evaluation", "subtab": "indicators",
               "form": form, "levels": levels, "indicator": indicator}
    return render(request, "evaluations/indicators/indicator_form.html", context,
                  status=status)


def _save_indicator(request, project, form, levels, indicator=None):
    """The indicator saved by the service, or None with the errors put next to the fields."""
    if not (form.is_valid() and levels.is_valid()):
        return None
    fields = form.service_fields()
    scale = levels.levels() if fields["kind"] == Indicator.Kind.QUALITATIVE else None
    try:
        if indicator is None:
            return services.create_indicator(project, user=request.user, levels=scale,
                                             **fields)
        return services.update_indicator(indicator, user=request.user, levels=scale, **fields)
    except ValidationError as error:
        apply_service_errors(form, error)
        if hasattr(error, "error_dict") and "levels" in error.error_dict:
            levels.scale_errors = [message for item in error.error_dict["levels"]
                                   for message in item.messages]
        return None


@login_required
def indicator_create(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    form = IndicatorForm(request.POST or None, project=project)
    levels = scale_formset(request.POST or None)
    if request.method == "POST":
        indicator = _save_indicator(request, project, form, levels)
        if indicator is not None:
            messages.success(request, _("The indicator “%(name)s” is added.")
                             % {"name": indicator.name})
            return redirect(_list_url(indicator))
        return _render_form(request, project, form, levels, status=400)
    return _render_form(request, project, form, levels)


@login_required
def indicator_update(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    project = indicator.project
    if request.method == "POST":
        form = IndicatorForm(request.POST, project=project)
        levels = scale_formset(request.POST, levels=indicator.levels.all())
        if _save_indicator(request, project, form, levels, indicator) is not None:
            messages.success(request, _("The indicator is saved."))
            return redirect(_list_url(indicator))
        indicator.refresh_from_db()
        return _render_form(request, project, form, levels, indicator=indicator, status=400)
    form = IndicatorForm(initial=IndicatorForm.initial_for(indicator), project=project)
    levels = scale_formset(levels=indicator.levels.all())
    return _render_form(request, project, form, levels, indicator=indicator)


@login_required
@require_POST
def indicator_toggle(request, pk):
    """Deactivate an indicator (its values stay, it is no longer asked for), or bring it
    back."""
    indicator = get_indicator_for_user(request.user, pk, write=True)
    active = not indicator.is_active
    services.update_indicator(indicator, user=request.user, is_active=active)
    if active:
        messages.success(request, _("The indicator “%(name)s” is active again.")
                         % {"name": indicator.name})
    else:
        messages.success(request, _("The indicator “%(name)s” is deactivated: sites no longer "
                                    "report it; its values are kept.")
                         % {"name": indicator.name})
    return redirect(_list_url(indicator))


@login_required
def indicator_library(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    if request.method == "POST":
        standard = get_object_or_404(StandardIndicator, pk=request.POST.get("standard") or 0,
                                     is_active=True)
        try:
            indicator = services.add_indicator_from_standard(project, standard, request.user)
        except ValidationError as error:
            messages.error(request, _("“%(name)s” could not be added: %(reason)s") % {
                "name": standard.name, "reason": " ".join(error.messages)})
            return redirect(request.get_full_path())
        messages.success(request, _("“%(name)s” is copied into the project: adapt it if "
                                    "needed.") % {"name": indicator.name})
        return redirect(_list_url(indicator))
    search = LibrarySearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(queries.library(query), queries.LIBRARY_PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"project": project, "tab": "evaluation", "subtab": "indicators",
               "search": search, "page": page, "used": queries.used_standards(project),
               "query": f"q={query}" if query else ""}
    return render(request, "evaluations/indicators/library.html", context)


# --- Breakdowns ------------------------------------------------------------------------------


def _render_breakdowns(request, indicator, *, add_form=None, edit_forms=None, status=200):
    disaggregations = list(indicator.disaggregations.prefetch_related("categories"))
    edit_forms = edit_forms or {}
    context = {
        "project": indicator.project, "tab": "evaluation", "subtab": "indicators",
        "indicator": indicator,
        "rows": [(d, edit_forms.get(d.pk) or DisaggregationForm.for_disaggregation(d))
                 for d in disaggregations],
        "add_form": add_form or DisaggregationForm(prefix="new"),
    }
    return render(request, "evaluations/indicators/breakdowns.html", context, status=status)


@login_required
def indicator_breakdowns(request, pk):
    indicator = get_indicator_for_user(request.user, pk, write=True)
    if request.method != "POST":
        return _render_breakdowns(request, indicator)
    action = request.POST.get("action")
    disaggregation = None
    if action in ("update", "delete"):
        disaggregation = indicator.disaggregations.filter(
            pk=request.POST.get("breakdown") or 0).first()
        if disaggregation is None:
            raise Http404
    if action == "delete":
        try:
            services.delete_disaggregation(disaggregation, user=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("The breakdown is removed."))
        return redirect("evaluations:indicator_breakdowns", indicator.pk)
    if disaggregation is not None:
        form = DisaggregationForm(request.POST, prefix=f"breakdown-{disaggregation.pk}")
    else:
        form = DisaggregationForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.save_disaggregation(indicator, user=request.user,
                                         disaggregation=disaggregation,
                                         **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The breakdown is saved."))
            return redirect("evaluations:indicator_breakdowns", indicator.pk)
    if disaggregation is not None:
        return _render_breakdowns(request, indicator, edit_forms={disaggregation.pk: form},
                                  status=400)
    return _render_breakdowns(request, indicator, add_form=form, status=400)


# --- Targets ---------------------------------------------------------------------------------


@login_required
def indicator_targets(request, pk):
    """The indicator's targets, for the project and per site, by period end; readers of the
    project read them, staff set them."""
    indicator = get_indicator_for_user(request.user, pk)
    participation = get_project_for_participant(request.user, indicator.project_id)
    if not participation.reads_project:
        raise Http404
    sites = (AdopterSite.objects.filter(project=indicator.project_id,
                                        status__in=ACTIVE_SITE_STATUSES)
             .select_related("structure", "territory").order_by("structure__name", "pk"))
    categories = (DisaggregationCategory.objects.filter(disaggregation__indicator=indicator)
                  .select_related("disaggregation")
                  .order_by("disaggregation__pk", "position", "pk"))
    form = None
    status = 200
    if participation.can_manage:
        form = TargetForm(request.POST or None, indicator=indicator, sites=sites,
                          categories=categories)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.set_target(indicator, user=request.user,
                                        period_end=data["period_end"], site=data["site"],
                                        category=data.get("category"),
                                        value=data.get("value"), level=data.get("level"))
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The target is saved."))
                    return redirect("evaluations:indicator_targets", indicator.pk)
            status = 400
    elif request.method == "POST":
        require(False)
    context = {"project": indicator.project, "tab": "evaluation", "subtab": "indicators",
               "participation": participation, "indicator": indicator, "form": form,
               "targets": queries.targets_of(indicator),
               "levels": {level.value: level.label for level in indicator.levels.all()}}
    return render(request, "evaluations/indicators/targets.html", context, status=status)
