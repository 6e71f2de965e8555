"""Adopters: candidates and their selection, adopter sites, cohorts and sponsors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from communities.selectors.spaces import space_url_for
from essaimage import exports
from essaimage.forms import apply_service_errors
from essaimage.pagination import query_without
from essaimage.scoping import require

from ..forms.adopters import (
    AdaptationForm,
    CandidateFilterForm,
    CandidateForm,
    CohortForm,
    CohortRemoveForm,
    CohortSitesForm,
    DecisionForm,
    ScoreForm,
    SiteFilterForm,
    SiteForm,
    SiteStatusForm,
    SponsorForm,
    SponsorNoteForm,
)
from ..exports import site_columns
from ..models import AdopterCandidate, AdopterSite
from ..permissions import (
    can_manage_project,
    can_read_project,
    can_score_candidates,
    can_write_sponsor_notes,
    get_cohort_for_user,
    get_programme_for_user,
    get_project_for_participant,
    get_project_for_user,
    get_project_part_for_user,
    get_site_for_user,
    get_sponsor_for_user,
    is_programme_staff,
    is_site_member,
)
from ..queries import adopters as queries
from ..services import adopters as services


def _picker_search(request, form_class, **form_kwargs):
    """The structures matching what is typed in a picker's search box (htmx)."""
    form = form_class(initial={"structure_q": request.GET.get("structure_q", "")}, **form_kwargs)
    response = render(request, "programmes/adopters/_structure_choices.html", {"form": form})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _searching(request) -> bool:
    """The form was sent with its "search the directory" button: show the results."""
    return request.method == "POST" and "search" in request.POST


# --- Candidates ------------------------------------------------------------------------------


@login_required
def candidate_list(request, pk):
    project = get_project_for_user(request.user, pk)
    can_manage = can_manage_project(request.user, project)
    if request.htmx and request.method == "GET" and "structure_q" in request.GET:
        require(can_manage)
        return _picker_search(request, CandidateForm, user=request.user)

    form = None
    if request.method == "POST":
        require(can_manage)
        if request.POST.get("action") == "import":
            report = services.import_interest_answers(project, by=request.user)
            _report_import(request, report)
            return redirect("programmes:candidate_list", project.pk)
        if _searching(request):
            form = CandidateForm(initial=request.POST.dict(), user=request.user)
        else:
            form = CandidateForm(request.POST, user=request.user)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    candidate = services.add_candidate(
                        project, structure=data["structure"], territory=data["territory"],
                        motivation=data["motivation"], capacity=data["capacity"],
                        by=request.user)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("%(structure)s is a candidate.")
                                     % {"structure": candidate.structure})
                    return redirect("programmes:candidate_detail", candidate.pk)
    elif can_manage:
        form = CandidateForm(user=request.user)

    filter_form = CandidateFilterForm(request.GET)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    candidates = queries.candidates_for_list(project, status=status)
    page = Paginator(candidates, queries.CANDIDATE_PAGE_SIZE).get_page(request.GET.get("page"))
    can_score = can_score_candidates(request.user, project)
    if can_score:
        mine = queries.scores_by(request.user, page.object_list)
        for candidate in page.object_list:
            candidate.my_score = mine.get(candidate.pk)
    counts = queries.candidate_status_counts(project)
    context = {
        "project": project,
        "tab": "candidates",
        "page": page,
        "query": query_without(request, "page"),
        "status": status,
        "status_filters": [(value, label, counts[value])
                           for value, label in AdopterCandidate.Status.choices],
        "total": sum(counts.values()),
        "form": form,
        "can_manage": can_manage,
        "can_score": can_score,
        "importable_count": (services.importable_interest_answers(project).count()
                             if can_manage else 0),
    }
    return render(request, "programmes/adopters/candidate_list.html", context)


def _report_import(request, report: services.ImportReport) -> None:
    if report.created:
        messages.success(request, ngettext(
            "%(count)s candidate imported from the calls for expressions of interest.",
            "%(count)s candidates imported from the calls for expressions of interest.",
            len(report.created)) % {"count": len(report.created)})
    else:
        messages.info(request, _("No new answer to import."))
    for names, message in (
        (report.duplicates, _("Already candidates, not imported again: %(names)s.")),
        (report.outside_strategy, _("Outside the strategy's target territories, not imported: "
                                    "%(names)s.")),
        (report.without_territory, _("Without a territory, not imported: %(names)s.")),
    ):
        if names:
            messages.warning(request, message % {"names": ", ".join(str(n) for n in names)})


def _candidate_page(request, candidate, *, score_form=None, decision_form=None, status=200):
    project = candidate.project
    can_score = can_score_candidates(request.user, project)
    can_manage = can_manage_project(request.user, project)
    scores, average = queries.candidate_with_scores(candidate)
    is_open = candidate.status not in (AdopterCandidate.Status.SELECTED,
                                       AdopterCandidate.Status.NOT_SELECTED)
    if can_score and is_open and score_form is None:
        mine = next((s for s in scores if s.scorer_id == request.user.pk), None)
        score_form = ScoreForm(initial={"score": mine.score, "comment": mine.comment}
                               if mine else None)
    if can_manage and decision_form is None:
        decision_form = DecisionForm()
    decisions = [AdopterCandidate.Status(d) for d in AdopterCandidate.Status.values
                 if d in services.CANDIDATE_DECISIONS[candidate.status]]
    context = {
        "project": project,
        "tab": "candidates",
        "candidate": candidate,
        "scores": scores if can_score else [],
        "score_count": len(scores),
        "average": average,
        "can_score": can_score and is_open,
        "can_manage": can_manage,
        "score_form": score_form,
        "decision_form": decision_form,
        "decisions": decisions,
        "site": queries.candidate_site(candidate),
        "is_outside_strategy": not services.covers(services.target_territory_ids(project),
                                                   candidate.territory),
    }
    return render(request, "programmes/adopters/candidate_detail.html", context, status=status)


@login_required
def candidate_detail(request, pk):
    candidate = get_project_part_for_user(AdopterCandidate, request.user, pk)
    if request.method != "POST":
        return _candidate_page(request, candidate)
    require(can_score_candidates(request.user, candidate.project))
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            services.score_candidate(candidate, scorer=request.user,
                                     score=form.cleaned_data["score"],
                                     comment=form.cleaned_data["comment"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your score is recorded."))
            return redirect("programmes:candidate_detail", candidate.pk)
    return _candidate_page(request, candidate, score_form=form)


@login_required
@require_POST
def candidate_decide(request, pk):
    candidate = get_project_part_for_user(AdopterCandidate, request.user, pk, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            candidate = services.decide_candidate(
                candidate, decision=form.cleaned_data["decision"], by=request.user,
                start_date=form.cleaned_data["start_date"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if candidate.status == AdopterCandidate.Status.SELECTED:
                site = queries.candidate_site(candidate)
                messages.success(request, _("%(structure)s is selected: its adopter site is "
                                            "created.") % {"structure": candidate.structure})
                return redirect(site)
            messages.success(request, _("Decision recorded: %(status)s.")
                             % {"status": candidate.get_status_display()})
            return redirect("programmes:candidate_detail", candidate.pk)
    candidate.refresh_from_db()
    return _candidate_page(request, candidate, decision_form=form, status=400)


# --- Sites -----------------------------------------------------------------------------------


def _site_list(request, pk):
    """The project's sites the person may see (all of them for its readers, their own for the
    people of a site), the list's filter form and the filtered sites."""
    participation = get_project_for_participant(request.user, pk)
    project = participation.project
    within = (None if participation.reads_project
              else AdopterSite.objects.filter(pk__in=[s.pk for s in participation.own_sites]))
    base = within if within is not None else AdopterSite.objects.filter(project=project)
    filter_form = SiteFilterForm(request.GET, territories=queries.territories_of(base))
    filters = filter_form.filters()
    sites = queries.sites_for_list(project, within=within, **filters)
    return participation, base, filter_form, filters, sites


@login_required
def site_list(request, pk):
    participation, base, filter_form, filters, sites = _site_list(request, pk)
    project = participation.project
    page = Paginator(sites, queries.SITE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queries.site_status_counts(base)
    context = {
        "project": project,
        "tab": "sites",
        "participation": participation,
        "filter_form": filter_form,
        "is_filtered": bool(filters["status"] or filters["territory"]),
        "page": page,
        "query": query_without(request, "page"),
        "status_counts": [(value, label, counts[value])
                          for value, label in AdopterSite.Status.choices],
        "toolkit_required": queries.required_toolkit_count(project),
        "module_count": project.training_modules.count(),
    }
    return render(request, "programmes/adopters/site_list.html", context)


@login_required
def site_export(request, pk, fmt):
    exports.export_format(fmt)
    participation, _base, _form, _filters, sites = _site_list(request, pk)
    project = participation.project
    columns = site_columns(module_count=project.training_modules.count(),
                           toolkit_required=queries.required_toolkit_count(project))
    return exports.export_response(
        fmt, exports.rows_of(sites), columns,
        filename=exports.dated_filename(f"sites-{project.pk}"), sheet_title=_("Sites"))


@login_required
def site_detail(request, pk):
    site = get_site_for_user(request.user, pk)
    project = site.project
    registrations = queries.site_registrations(site)
    modules = queries.project_modules(project)
    sponsors = queries.site_sponsors(site)
    can_manage = can_manage_project(request.user, project)
    is_member = is_site_member(request.user, site)
    context = {
        "project": project,
        "tab": "sites",
        "site": site,
        "can_manage": can_manage,
        "can_adapt": can_manage or is_member,
        "is_member": is_member,
        "history": queries.site_status_history(site),
        "adaptations": queries.site_adaptations(site),
        "registrations": registrations,
        "people": queries.completion_of_people(registrations),
        "modules": modules,
        "toolkit": queries.site_toolkit(site),
        "site_sponsors": [s for s in sponsors if s.site_id == site.pk],
        "project_sponsors": [s for s in sponsors if s.site_id is None],
        "cohorts": list(site.cohorts.all()),
        "reads_project": can_manage or can_read_project(request.user, project),
    }
    return render(request, "programmes/adopters/site_detail.html", context)


@login_required
def site_update(request, pk):
    site = get_site_for_user(request.user, pk)
    can_manage = can_manage_project(request.user, site.project)
    require(can_manage or is_site_member(request.user, site))
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("status", "details"):
        require(can_manage)

    moves = services.site_moves(site)
    status_form = SiteStatusForm(moves=moves) if can_manage else None
    site_form = None
    if can_manage:
        site_form = SiteForm(initial={"name": site.name, "start_date": site.start_date,
                                      "reminders_paused": site.reminders_paused})
    adaptations = queries.site_adaptations(site)
    adaptation_forms = {
        component.pk: AdaptationForm(component=component, initial={
            "description": adaptation.description if adaptation else ""})
        for component, adaptation in adaptations}
    status = 200

    if action == "status":
        status_form = SiteStatusForm(request.POST, moves=moves)
        if status_form.is_valid():
            try:
                site = services.change_site_status(site, by=request.user,
                                                   **status_form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(status_form, error)
            else:
                messages.success(request, _("The site is now “%(status)s”.")
                                 % {"status": site.get_status_display()})
                return redirect(site)
        status = 400
    elif action == "details":
        site_form = SiteForm(request.POST)
        if site_form.is_valid():
            try:
                services.update_site(site, by=request.user, **site_form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(site_form, error)
            else:
                messages.success(request, _("The site is saved."))
                return redirect(site)
        status = 400
    elif action == "adaptation":
        component = next((c for c, _a in adaptations
                          if str(c.pk) == request.POST.get("component")), None)
        if component is not None:
            form = AdaptationForm(request.POST, component=component)
            adaptation_forms[component.pk] = form
            if form.is_valid():
                try:
                    services.record_adaptation(site, component=component, by=request.user,
                                               description=form.cleaned_data["description"])
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The local adaptation of “%(component)s” is "
                                                "saved.") % {"component": component.title})
                    return redirect(f"{site.get_absolute_url()}#adaptations")
        status = 400
    elif request.method == "POST":
        status = 400

    context = {
        "project": site.project,
        "tab": "sites",
        "site": site,
        "can_manage": can_manage,
        "status_form": status_form,
        "site_form": site_form,
        "adaptation_forms": [(component, adaptation, adaptation_forms[component.pk])
                             for component, adaptation in adaptations],
        "has_moves": bool(moves),
    }
    return render(request, "programmes/adopters/site_form.html", context, status=status)


# --- Cohorts ---------------------------------------------------------------------------------


@login_required
def cohort_list(request, pk):
    programme = get_programme_for_user(request.user, pk)
    can_edit = is_programme_staff(request.user, programme)
    form = CohortForm() if can_edit else None
    status = 200
    if request.method == "POST":
        require(can_edit)
        form = CohortForm(request.POST)
        if form.is_valid():
            try:
                cohort = services.create_cohort(programme, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The cohort “%(name)s” is created: add its sites.")
                                 % {"name": cohort.name})
                return redirect("programmes:cohort_detail", cohort.pk)
        status = 400
    context = {
        "programme": programme,
        "cohorts": queries.cohorts_for_list(programme),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "programmes/adopters/cohort_list.html", context, status=status)


@login_required
def cohort_detail(request, pk):
    cohort = get_cohort_for_user(request.user, pk)
    can_edit = is_programme_staff(request.user, cohort.programme)
    available = queries.sites_for_cohort(cohort) if can_edit else None
    sites_form = CohortSitesForm(sites=available) if can_edit else None
    cohort_form = CohortForm(initial={"name": cohort.name, "description": cohort.description,
                                      "starts_on": cohort.starts_on,
                                      "ends_on": cohort.ends_on}) if can_edit else None
    status = 200
    if request.method == "POST":
        require(can_edit)
        action = request.POST.get("action")
        if action == "add":
            sites_form = CohortSitesForm(request.POST, sites=available)
            if sites_form.is_valid():
                try:
                    count = services.add_sites_to_cohort(
                        cohort, sites_form.cleaned_data["sites"], by=request.user)
                except ValidationError as error:
                    apply_service_errors(sites_form, error)
                else:
                    messages.success(request, ngettext(
                        "%(count)s site added to the cohort.",
                        "%(count)s sites added to the cohort.", count) % {"count": count})
                    return redirect("programmes:cohort_detail", cohort.pk)
        elif action == "remove":
            remove_form = CohortRemoveForm(request.POST)
            site = (cohort.sites.filter(pk=remove_form.cleaned_data["site"]).first()
                    if remove_form.is_valid() else None)
            if site is not None:
                services.remove_site_from_cohort(cohort, site, by=request.user)
                messages.success(request, _("%(site)s left the cohort.") % {"site": site})
            return redirect("programmes:cohort_detail", cohort.pk)
        elif action == "update":
            cohort_form = CohortForm(request.POST)
            if cohort_form.is_valid():
                try:
                    services.update_cohort(cohort, by=request.user, **cohort_form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(cohort_form, error)
                else:
                    messages.success(request, _("The cohort is saved."))
                    return redirect("programmes:cohort_detail", cohort.pk)
        status = 400
    page = Paginator(queries.cohort_sites(cohort), queries.COHORT_SITES_PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "programme": cohort.programme,
        "cohort": cohort,
        "page": page,
        "can_edit": can_edit,
        "sites_form": sites_form,
        "has_available": bool(available is not None and available.exists()),
        "cohort_form": cohort_form,
        "space_url": space_url_for(request.user, cohort.space_id),
    }
    return render(request, "programmes/adopters/cohort_detail.html", context, status=status)


# --- Sponsors --------------------------------------------------------------------------------


@login_required
def sponsor_list(request, pk):
    project = get_project_for_user(request.user, pk)
    can_manage = can_manage_project(request.user, project)
    sites = AdopterSite.objects.filter(project=project).select_related("structure", "territory")
    if request.htmx and request.method == "GET" and "structure_q" in request.GET:
        require(can_manage)
        return _picker_search(request, SponsorForm, user=request.user, sites=sites)
    form = SponsorForm(user=request.user, sites=sites) if can_manage else None
    status = 200
    if request.method == "POST":
        require(can_manage)
        if _searching(request):
            form = SponsorForm(initial=request.POST.dict(), user=request.user, sites=sites)
        else:
            form = SponsorForm(request.POST, user=request.user, sites=sites)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    sponsor = services.add_sponsor(
                        project, by=request.user, email=data["email"],
                        structure=data["structure"], site=data["site"], role=data["role"],
                        since=data["since"])
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("%(sponsor)s is a sponsor of the project.")
                                     % {"sponsor": sponsor})
                    return redirect("programmes:sponsor_list", project.pk)
            status = 400
    context = {
        "project": project,
        "tab": "sponsors",
        "sponsors": queries.sponsors_for_list(project),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "programmes/adopters/sponsor_list.html", context, status=status)


@login_required
def sponsor_detail(request, pk):
    sponsor = get_sponsor_for_user(request.user, pk, write_notes=request.method == "POST")
    can_write = can_write_sponsor_notes(request.user, sponsor)
    form = SponsorNoteForm() if can_write else None
    status = 200
    if request.method == "POST":
        form = SponsorNoteForm(request.POST)
        if form.is_valid():
            try:
                services.add_sponsor_note(sponsor, author=request.user,
                                          text=form.cleaned_data["text"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your note is kept."))
                return redirect("programmes:sponsor_detail", sponsor.pk)
        status = 400
    page = Paginator(queries.sponsor_notes(sponsor), queries.NOTES_PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "project": sponsor.project,
        "tab": "sponsors",
        "sponsor": sponsor,
        "page": page,
        "form": form,
        "can_write": can_write,
    }
    return render(request, "programmes/adopters/sponsor_detail.html", context, status=status)
