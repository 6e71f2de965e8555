"""Stage III: the training plan, its sessions and registrations, and the adopters' toolkit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import User
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.scoping import require

from ..forms.training import (
    AcknowledgeForm,
    AttendanceForm,
    FeedbackForm,
    ModuleForm,
    RegistrationForm,
    SessionCancelForm,
    SessionForm,
    ToolkitActionForm,
    ToolkitItemForm,
    active_site_queryset,
)
from ..models import Registration, TrainingModule, TrainingSession
from ..permissions import (
    get_project_for_participant,
    get_project_part_for_user,
    get_registration_for_user,
    get_session_for_user,
    get_toolkit_item_for_user,
)
from ..queries import training as queries
from ..services import training as services


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- The training plan -----------------------------------------------------------------------


@login_required
def training_plan(request, pk):
    participation = get_project_for_participant(request.user, pk)
    project = participation.project
    components = services.core_components(project)
    form = ModuleForm(components=components) if participation.can_manage else None
    status = 200
    if request.method == "POST":
        require(participation.can_manage)
        form = ModuleForm(request.POST, components=components)
        if form.is_valid():
            data = form.cleaned_data
            try:
                module = services.create_module(
                    project, by=request.user, components=data.pop("components"), **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The module “%(title)s” is added to the plan.")
                                 % {"title": module.title})
                return redirect(f"{request.path}#module-{module.pk}")
        status = 400

    modules = queries.modules_for_plan(project)
    if participation.reads_project:
        sites = (queries.active_sites(project).select_related("structure", "territory")
                 .order_by("structure__name", "pk"))
        matrix_page = Paginator(sites, queries.MATRIX_PAGE_SIZE).get_page(
            request.GET.get("page"))
        matrix_sites = list(matrix_page.object_list)
    else:
        matrix_page = None
        matrix_sites = participation.own_sites
    context = {
        "project": project,
        "tab": "training",
        "participation": participation,
        "modules": modules,
        "coverage": (queries.coverage_of_core(project, modules)
                     if participation.reads_project else []),
        "matrix": queries.matrix_rows(matrix_sites, modules),
        "page": matrix_page,
        "form": form,
        "has_components": bool(form and form.fields["components"].queryset.exists()),
    }
    return render(request, "programmes/training/training_plan.html", context, status=status)


@login_required
def module_update(request, pk):
    module = get_project_part_for_user(TrainingModule, request.user, pk, write=True)
    components = services.core_components(module.project)
    initial = {"title": module.title, "objectives": module.objectives,
               "pedagogy": module.pedagogy, "duration_hours": module.duration_hours,
               "components": list(module.components.all())}
    form = ModuleForm(initial=initial, components=components)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        plan_url = reverse("programmes:training_plan", args=[module.project_id])
        if action in ("up", "down"):
            services.move_module(module, up=action == "up", by=request.user)
            return redirect(f"{plan_url}#module-{module.pk}")
        if action == "delete":
            try:
                services.delete_module(module, by=request.user)
            except ValidationError as error:
                flash_service_error(request, error)
                return redirect("programmes:module_update", module.pk)
            messages.success(request, _("The module is removed from the plan."))
            return redirect(plan_url)
        form = ModuleForm(request.POST, components=components)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_module(module, by=request.user,
                                       components=data.pop("components"), **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The module is saved."))
                return redirect(f"{plan_url}#module-{module.pk}")
        status = 400
    context = {"project": module.project, "tab": "training", "module": module, "form": form,
               "has_sessions": module.sessions.exists(), "has_components": components.exists()}
    return render(request, "programmes/training/module_form.html", context, status=status)


# --- Sessions --------------------------------------------------------------------------------


@login_required
def session_create(request, pk):
    module = get_project_part_for_user(TrainingModule, request.user, pk, write=True)
    form = SessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.create_session(module, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The session is planned."))
                return redirect(session)
        status = 400
    context = {"project": module.project, "tab": "training", "module": module, "form": form}
    return render(request, "programmes/training/session_form.html", context, status=status)


def _session_page(request, session, *, register_form=None, status=200):
    """The session with its seats, the registrations the person may see and what they may do."""
    participation = get_project_for_participant(request.user, session.module.project_id)
    session = queries.session_with_counts(session)
    own_active = participation.own_active_sites
    registrations = queries.session_registrations(
        session, within_sites=None if participation.reads_project
        else [site.pk for site in participation.own_sites])
    mine = next((r for group in (registrations.registered, registrations.waiting)
                 for r in group if r.person_id == request.user.pk), None)
    is_open = queries.is_upcoming(session)
    is_full = session.registered_count >= session.capacity
    self_form = None
    if is_open and own_active and mine is None:
        self_form = RegistrationForm(
            initial={"site": own_active[0].pk, "accept_waiting_list": is_full},
            sites=active_site_queryset(own_active), for_someone_else=False)
    staff_form = None
    if is_open and participation.can_manage:
        staff_form = RegistrationForm(initial={"accept_waiting_list": True},
                                      sites=queries.active_sites(session.module.project_id),
                                      for_someone_else=True)
    if register_form is not None:
        if "email" in register_form.fields:
            staff_form = register_form
        else:
            self_form = register_form
    positions = queries.waiting_positions(session)
    managed = queries.structures_managed_by(request.user)
    for registration in registrations.registered + registrations.waiting:
        registration.position = positions.get(registration.pk)
        registration.can_cancel = (registration.person_id == request.user.pk
                                   or participation.can_manage
                                   or registration.site.structure_id in managed)
    attended = [r for r in registrations.registered if r.satisfaction is not None]
    context = {
        "project": session.module.project,
        "tab": "training",
        "participation": participation,
        "session": session,
        "module": session.module,
        "registrations": registrations,
        "positions": positions,
        "mine": mine,
        "my_position": positions.get(mine.pk) if mine else None,
        "is_open": is_open,
        "is_full": is_full,
        "has_started": not is_open and session.status != TrainingSession.Status.CANCELLED,
        "self_form": self_form,
        "own_active": own_active,
        "staff_form": staff_form,
        "feedbacks": attended if participation.reads_project else [],
        "average_satisfaction": (sum(r.satisfaction for r in attended) / len(attended)
                                 if attended else None),
        "can_give_feedback": bool(
            mine and mine.attended and mine.satisfaction is None
            and session.status == TrainingSession.Status.HELD),
    }
    return render(request, "programmes/training/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    session = get_session_for_user(request.user, pk)
    return _session_page(request, session)


@login_required
def session_update(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = SessionForm(initial=SessionForm.initial_for(session))
    cancel_form = SessionCancelForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            cancel_form = SessionCancelForm(request.POST)
            if cancel_form.is_valid():
                try:
                    services.cancel_session(session, by=request.user)
                except ValidationError as error:
                    cancel_form.add_error(None, error)
                else:
                    messages.success(request, _("The session is cancelled."))
                    return redirect(session)
        else:
            form = SessionForm(request.POST)
            if form.is_valid():
                try:
                    services.update_session(session, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The session is saved."))
                    return redirect(session)
        status = 400
    context = {"project": session.module.project, "tab": "training", "module": session.module,
               "session": session, "form": form, "cancel_form": cancel_form,
               "is_planned": session.status == TrainingSession.Status.PLANNED}
    return render(request, "programmes/training/session_form.html", context, status=status)


@login_required
@require_POST
def session_register(request, pk):
    session = get_session_for_user(request.user, pk)
    participation = get_project_for_participant(request.user, session.module.project_id)
    for_someone_else = "email" in request.POST
    if for_someone_else:
        require(participation.can_manage)
        sites = queries.active_sites(participation.project)
    else:
        own_active = participation.own_active_sites
        require(bool(own_active))
        sites = active_site_queryset(own_active)
    form = RegistrationForm(request.POST, sites=sites, for_someone_else=for_someone_else)
    if form.is_valid():
        data = form.cleaned_data
        person, site = request.user, data.get("site")
        try:
            if for_someone_else:
                person, site = _person_and_site(form, sites)
            registration = services.register_person(
                session, person=person, site=site, by=request.user,
                accept_waiting_list=data["accept_waiting_list"] or for_someone_else)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if registration.status == registration.Status.WAITING_LIST:
                messages.warning(request, _("The session is full: %(person)s is on the waiting "
                                            "list and will hear by e-mail if a seat frees up.")
                                 % {"person": person})
            else:
                messages.success(request, _("%(person)s is registered.") % {"person": person})
            return redirect(session)
    return _session_page(request, session, register_form=form, status=400)


def _person_and_site(form, sites):
    """The person the staff register, by e-mail, and the site they come from: the one they
    belong to, or the one chosen among theirs."""
    email = form.cleaned_data["email"]
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise ValidationError({"email": ValidationError(
            _("Nobody with the address %(email)s has an account on Essaimage yet.")
            % {"email": email}, code="unknown_person")})
    theirs = list(sites.filter(structure__memberships__user=person)
                  .select_related("structure", "territory").distinct())
    form.offer_sites(theirs)
    chosen = form.cleaned_data.get("site")
    if chosen is not None:
        return person, chosen
    if not theirs:
        raise ValidationError({"email": ValidationError(
            _("%(person)s does not belong to an active adopter site of this project.")
            % {"person": person}, code="not_from_a_site")})
    if len(theirs) > 1:
        raise ValidationError({"site": ValidationError(
            _("%(person)s belongs to several sites: choose the one they come from.")
            % {"person": person}, code="site_required")})
    return person, theirs[0]


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = get_registration_for_user(request.user, pk, cancel=True)
    try:
        promoted = services.cancel_registration(registration, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("The registration of %(person)s is cancelled.")
                         % {"person": registration.person})
        for other in promoted:
            messages.info(request, _("%(person)s, who was waiting, takes the seat.")
                          % {"person": other.person})
    return redirect(registration.session)


@login_required
def registration_feedback(request, pk):
    registration = get_registration_for_user(request.user, pk)
    require(registration.person_id == request.user.pk)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_satisfaction(registration, by=request.user,
                                             **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Thank you for your opinion."))
                return redirect(registration.session)
        status = 400
    context = {"registration": registration, "session": registration.session,
               "module": registration.session.module, "form": form}
    return render(request, "programmes/training/registration_feedback.html", context,
                  status=status)


@login_required
def session_attendance(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    registered = list(session.registrations.filter(status=Registration.Status.REGISTERED)
                      .select_related("person", "site__structure", "site__territory")
                      .order_by("person__last_name", "person__first_name", "pk"))
    form = AttendanceForm(request.POST or None, registrations=registered)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_attendance(session, attendance=form.attendance(),
                                           by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Attendance is recorded."))
                return redirect(session)
        status = 400
    context = {"project": session.module.project, "tab": "training", "session": session,
               "module": session.module, "form": form,
               "has_started": not queries.is_upcoming(session)}
    return render(request, "programmes/training/session_attendance.html", context,
                  status=status)


# --- Toolkit ---------------------------------------------------------------------------------


@login_required
def toolkit(request, pk):
    participation = get_project_for_participant(request.user, pk)
    project = participation.project
    can_manage = participation.can_manage
    if request.htmx and request.method == "GET" and "resource_q" in request.GET:
        require(can_manage)
        form = ToolkitItemForm(initial={"resource_q": request.GET["resource_q"]},
                               user=request.user, project=project)
        response = render(request, "programmes/training/_resource_choices.html", {"form": form})
        patch_vary_headers(response, ["HX-Request"])
        return response

    form = ToolkitItemForm(user=request.user, project=project) if can_manage else None
    status = 200
    if request.method == "POST":
        require(can_manage)
        if "search" in request.POST:
            form = ToolkitItemForm(initial=request.POST.dict(), user=request.user,
                                   project=project)
        elif request.POST.get("action") == "add":
            form = ToolkitItemForm(request.POST, user=request.user, project=project)
            if form.is_valid():
                try:
                    item = services.add_toolkit_item(
                        project, resource=form.cleaned_data["resource"], by=request.user,
                        is_required=form.cleaned_data["is_required"])
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("“%(title)s” is in the toolkit.")
                                     % {"title": item.resource.title})
                    return redirect("programmes:toolkit", project.pk)
            status = 400
        else:
            return _toolkit_action(request, project)

    items = queries.toolkit_items(project)
    own_active = participation.own_active_sites
    acknowledged = queries.acknowledgements_by(own_active, items) if own_active else {}
    lines = [(item, [(site, acknowledged.get((item.pk, site.pk))) for site in own_active])
             for item in items]
    shown_item, item_page = None, None
    if participation.reads_project and request.GET.get("item", "").isdigit():
        shown_item = next((i for i in items if str(i.pk) == request.GET["item"]), None)
        if shown_item is not None:
            item_page = Paginator(queries.item_sites(shown_item),
                                  queries.ITEM_SITES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "tab": "toolkit",
        "participation": participation,
        "lines": lines,
        "own_active": own_active,
        "site_count": (queries.active_sites(project).count()
                       if participation.reads_project else 0),
        "form": form,
        "shown_item": shown_item,
        "item_page": item_page,
        "query": f"item={shown_item.pk}" if shown_item else "",
    }
    return render(request, "programmes/training/toolkit.html", context, status=status)


def _toolkit_action(request, project):
    form = ToolkitActionForm(request.POST)
    item = (project.toolkit.select_related("resource").filter(pk=form.cleaned_data["item"]).first()
            if form.is_valid() else None)
    if item is None:
        messages.error(request, _("This item is no longer in the toolkit."))
        return redirect("programmes:toolkit", project.pk)
    action = form.cleaned_data["action"]
    try:
        if action == "new_version":
            services.update_item_version(item, by=request.user)
            messages.success(request, _("Version %(version)s of “%(title)s” is handed over: "
                                        "sites acknowledge it again.")
                             % {"version": item.resource.version, "title": item.resource.title})
        elif action in ("required", "optional"):
            services.set_item_required(item, is_required=action == "required", by=request.user)
            messages.success(request, _("The toolkit is saved."))
        else:
            services.remove_toolkit_item(item, by=request.user)
            messages.success(request, _("“%(title)s” is no longer in the toolkit.")
                             % {"title": item.resource.title})
    except ValidationError as error:
        flash_service_error(request, error)
    return redirect("programmes:toolkit", project.pk)


@login_required
@require_POST
def toolkit_acknowledge(request, pk):
    item = get_toolkit_item_for_user(request.user, pk)
    participation = get_project_for_participant(request.user, item.project_id)
    own_active = participation.own_active_sites
    require(bool(own_active))
    form = AcknowledgeForm(request.POST, sites=active_site_queryset(own_active))
    if form.is_valid():
        try:
            services.acknowledge_item(item, site=form.cleaned_data["site"], by=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("Receipt of “%(title)s” (version %(version)s) is "
                                        "acknowledged for %(site)s.")
                             % {"title": item.resource.title, "version": item.version,
                                "site": form.cleaned_data["site"]})
    else:
        messages.error(request, _("Choose one of your sites."))
    return redirect(f"{reverse('programmes:toolkit', args=[item.project_id])}#item-{item.pk}")
