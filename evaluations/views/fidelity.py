"""The fidelity scale of a scaling project: building it, assessing sites, their profiles and
the comparison across sites."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.scoping import require
from programmes.models import ScalingProject
from programmes.permissions import (
    get_project_for_participant,
    get_project_for_user,
)

from ..access_fidelity import (
    can_assess,
    can_record_assessment,
    get_assessment_for_user,
    get_fidelity_site_for_user,
    get_item_for_user,
)
from ..forms.fidelity import (
    AssessmentForm,
    AssessmentStartForm,
    DomainForm,
    ItemForm,
    ScaleForm,
)
from ..forms.fidelity_results import ResultsIndicatorForm
from ..models import FidelityAssessment, FidelityScale
from ..selectors import fidelity as selectors
from ..selectors import fidelity_results
from ..services import fidelity as services


def _scale_or_404(project) -> FidelityScale:
    scale = selectors.scale_for_page(project)
    if scale is None:
        raise Http404
    return scale


# --- The scale -------------------------------------------------------------------------------


@login_required
def fidelity(request, project_pk):
    participation = get_project_for_participant(request.user, project_pk)
    project = participation.project
    if request.method == "POST":
        require(participation.can_manage)
        scale, added = services.create_scale_from_components(project, by=request.user)
        if added:
            messages.success(request, ngettext(
                "%(count)s core component added to the fidelity scale.",
                "%(count)s core components added to the fidelity scale.", added)
                % {"count": added})
        else:
            messages.info(request, _("Every core component of the strategy is already in the "
                                     "scale."))
        return redirect("evaluations:fidelity", project.pk)
    scale = selectors.scale_for_page(project)
    context = {
        "project": project,
        "participation": participation,
        "tab": "evaluation",
        "subtab": "fidelity",
        "scale": scale,
        "can_manage": participation.can_manage,
        "core_count": (selectors.core_component_count(project)
                       if participation.can_manage else 0),
        "own_sites": selectors.own_sites_with_totals(participation.own_sites),
    }
    return render(request, "evaluations/fidelity/scale.html", context)


def _render_scale_edit(request, project, scale, *, scale_form=None, domain_form=None,
                       rename_forms=None, status=200):
    domains = list(scale.domains.all())
    rename_forms = rename_forms or {}
    context = {
        "project": project,
        "scale": scale,
        "scale_form": scale_form or ScaleForm.for_scale(scale),
        "domain_form": domain_form or DomainForm(),
        "domain_rows": [(domain, rename_forms.get(domain.pk) or DomainForm(
            prefix=f"domain-{domain.pk}", initial={"name": domain.name})) for domain in domains],
    }
    return render(request, "evaluations/fidelity/scale_edit.html", context, status=status)


@login_required
def scale_edit(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    scale = _scale_or_404(project)
    if request.method != "POST":
        return _render_scale_edit(request, project, scale)
    action = request.POST.get("action")
    back = redirect("evaluations:scale_edit", project.pk)
    if action == "scale":
        form = ScaleForm.for_scale(scale, request.POST)
        if form.is_valid():
            try:
                services.update_scale(scale, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Scale saved."))
                return back
        return _render_scale_edit(request, project, scale, scale_form=form)
    if action == "add_domain":
        form = DomainForm(request.POST)
        if form.is_valid():
            try:
                services.add_domain(scale, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Domain added."))
                return back
        return _render_scale_edit(request, project, scale, domain_form=form)
    domain = scale.domains.filter(pk=request.POST.get("domain") or 0).first()
    item = None
    if request.POST.get("item", "").isdigit():
        item = next((i for d in scale.domains.all() for i in d.items.all()
                     if i.pk == int(request.POST["item"])), None)
    if action == "rename_domain" and domain is not None:
        form = DomainForm(request.POST, prefix=f"domain-{domain.pk}")
        if form.is_valid():
            try:
                services.rename_domain(domain, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Domain renamed."))
                return back
        return _render_scale_edit(request, project, scale, rename_forms={domain.pk: form})
    if action in ("domain_up", "domain_down") and domain is not None:
        services.move_domain(domain, up=action == "domain_up", by=request.user)
        return back
    if action == "delete_domain" and domain is not None:
        try:
            services.delete_domain(domain, by=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("Domain removed."))
        return back
    if action in ("item_up", "item_down") and item is not None:
        services.move_item(item, up=action == "item_up", by=request.user)
        return back
    if action == "delete_item" and item is not None:
        try:
            services.delete_item(item, by=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("Item removed."))
        return back
    messages.error(request, _("This change could not be made: reload the page and try again."))
    return back


def _item_form_page(request, project, scale, item=None):
    form = ItemForm(request.POST or None, scale=scale, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(scale, item=item, by=request.user, **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect("evaluations:scale_edit", project.pk)
    context = {"project": project, "scale": scale, "item": item, "form": form}
    return render(request, "evaluations/fidelity/item_form.html", context)


@login_required
def item_create(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    scale = _scale_or_404(project)
    if not scale.domains.exists():
        messages.error(request, _("Add a domain before adding items."))
        return redirect("evaluations:scale_edit", project.pk)
    return _item_form_page(request, project, scale)


@login_required
def item_update(request, pk):
    item = get_item_for_user(request.user, pk, write=True)
    scale = item.domain.scale
    return _item_form_page(request, scale.project, scale, item)


# --- Assessments -----------------------------------------------------------------------------


@login_required
def assessment_start(request, site_pk):
    site = get_fidelity_site_for_user(request.user, site_pk)
    require(can_assess(request.user, site))
    scale = _scale_or_404(site.project)
    methods = [m for m in FidelityAssessment.Method.values
               if can_record_assessment(request.user, site, m)]
    form = AssessmentStartForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(scale, site, by=request.user,
                                                   **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("evaluations:assessment", assessment.pk)
    context = {"site": site, "project": site.project, "form": form}
    return render(request, "evaluations/fidelity/assessment_start.html", context)


@login_required
def assessment(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    site = assessment.site
    scale = _scale_or_404(site.project)
    domains = list(scale.domains.all())
    can_edit = (assessment.status == FidelityAssessment.Status.DRAFT
                and can_record_assessment(request.user, site, assessment.method))
    form = None
    if request.method == "POST":
        assessment = get_assessment_for_user(request.user, pk, write=True)
        form = AssessmentForm(request.POST, scale=scale, domains=domains, assessment=assessment)
        if form.is_valid():
            complete = "complete" in request.POST
            try:
                services.save_assessment(assessment, by=request.user, ratings=form.ratings(),
                                         comment=form.cleaned_data["comment"],
                                         complete=complete)
            except ValidationError as error:
                if assessment.status == FidelityAssessment.Status.COMPLETED:
                    # Completed meanwhile (another tab, a colleague): show it as it stands.
                    flash_service_error(request, error)
                    return redirect("evaluations:assessment", assessment.pk)
                apply_service_errors(form, error)
            else:
                if complete:
                    messages.success(request, _("Assessment completed."))
                    return redirect("evaluations:site_fidelity", site.pk)
                messages.success(request, _("Draft saved: you may come back to it."))
                return redirect("evaluations:assessment", assessment.pk)
        can_edit = assessment.status == FidelityAssessment.Status.DRAFT
    elif can_edit:
        form = AssessmentForm(scale=scale, domains=domains, assessment=assessment)
    ratings = {rating.item_id: rating for rating in assessment.ratings.all()}
    context = {
        "assessment": assessment,
        "site": site,
        "project": site.project,
        "scale": scale,
        "form": form if can_edit else None,
        "rows": [(domain, [(item, ratings.get(item.pk)) for item in domain.items.all()])
                 for domain in domains],
        "level_range": range(1, scale.max_level + 1),
    }
    return render(request, "evaluations/fidelity/assessment.html", context)


# --- Results ---------------------------------------------------------------------------------


@login_required
def site_fidelity(request, site_pk):
    site = get_fidelity_site_for_user(request.user, site_pk)
    project = site.project
    scale = selectors.scale_for_page(project)
    may_assess = can_assess(request.user, site)
    profile = None
    domains = []
    if scale is not None:
        domains = list(scale.domains.all())
        profile = selectors.site_profile(site, scale, domains, include_drafts=may_assess)
    context = {
        "site": site,
        "project": project,
        "scale": scale,
        "domains": domains,
        "profile": profile,
        "can_assess": may_assess and scale is not None,
        "reads_project": ScalingProject.objects.visible_to(request.user).filter(
            pk=project.pk).exists(),
    }
    return render(request, "evaluations/fidelity/site_profile.html", context)


@login_required
def comparison(request, project_pk):
    project = get_project_for_user(request.user, project_pk)
    scale = selectors.scale_for_page(project)
    sort = request.GET.get("tri", "name")
    if sort not in selectors.SORTS:
        sort = "name"
    page = domains = averages = None
    if scale is not None:
        domains = list(scale.domains.all())
        page = Paginator(selectors.comparison_sites(project, sort=sort),
                         selectors.SITES_PER_PAGE).get_page(request.GET.get("page"))
        selectors.fill_comparison(page.object_list, scale, domains)
        averages = selectors.domain_averages(project, domains)
    results = results_form = None
    if page is not None and page.object_list:
        indicators = fidelity_results.results_indicators(project)
        results_form = ResultsIndicatorForm(request.GET, indicators=indicators)
        indicator = results_form.indicator()
        if indicator is not None:
            results = fidelity_results.fidelity_results(indicator, page.object_list)
    query = query_without(request, "page")
    # The sort links keep the chosen indicator (and start again at the first page).
    kept = query_without(request, "page", "tri")
    context = {
        "project": project,
        "tab": "evaluation",
        "subtab": "fidelity",
        "sort_query": f"&{kept}" if kept else "",
        "scale": scale,
        "domains": domains,
        "page": page,
        "averages": averages,
        "sort": sort,
        "query": query,
        "results": results,
        "results_form": results_form,
        "high_fidelity": fidelity_results.HIGH_FIDELITY,
        "comparison_url": reverse("evaluations:fidelity_comparison", args=[project.pk]),
    }
    return render(request, "evaluations/fidelity/comparison.html", context)
