"""Co-development sessions of a space: the list, proposing one, and one session run through
its six steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.scoping import require

from ..forms.codev import ConsultantForm, ContributionForm, SessionForm, StepForm, TextForm
from ..permissions import (
    can_moderate_space,
    codev_access,
    get_codev_session_for_user,
    get_space_for_user,
)
from ..selectors import codev as selectors
from ..services import codev as services

SESSIONS_PAGE_SIZE = 20
S = services.S


@login_required
def codev_list(request, space_pk):
    space = get_space_for_user(request.user, space_pk)
    page = Paginator(selectors.sessions_of(space), SESSIONS_PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"space": space, "page": page, "query": query_without(request, "page")}
    return render(request, "communities/codev/codev_list.html", context)


@login_required
def codev_create(request, space_pk):
    space = get_space_for_user(request.user, space_pk)
    moderates = can_moderate_space(request.user, space)
    people = selectors.people_of_space(space)
    form = SessionForm(request.POST or None, people=people, for_someone_else=moderates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.create_session(
                    space, by=request.user, title=data["title"],
                    case_holder=data.get("case_holder") or request.user,
                    facilitator=data["facilitator"], scheduled_at=data["scheduled_at"],
                    place=data["place"], problem_statement=data["problem_statement"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The co-development session is proposed. People "
                                            "of the space can now join as consultants."))
                return redirect(session)
        status = 400
    context = {"space": space, "form": form, "moderates": moderates}
    return render(request, "communities/codev/codev_form.html", context, status=status)


def _codev_page(request, session, *, access=None, text_form=None, contribution_form=None,
                status=200):
    """The session at its current step, with what the person may do there. A form refused
    because the session moved on is shown apart, with the text typed kept."""
    access = access or codev_access(request.user, session)
    step = session.step
    rejected = None
    text_name = services.STEP_TEXT.get(step)
    if text_form is not None and text_form.data.get("name") != text_name:
        rejected, text_form = text_form, None
    if text_form is None and text_name and services.may_write_text(access, text_name):
        text_form = TextForm(name=text_name, initial={"text": getattr(session, text_name)})
    kind = services.STEP_CONTRIBUTION.get(step)
    if contribution_form is not None and contribution_form.data.get("kind") != kind:
        rejected, contribution_form = contribution_form, None
    if contribution_form is None and kind and access.is_consultant:
        contribution_form = ContributionForm(kind=kind)
    consultants_open = step < S.ADVICE
    context = {
        "session": session,
        "space": session.space,
        "access": access,
        "steps": selectors.steps_of(session),
        "guide": selectors.STEP_GUIDE.get(step),
        "is_closed": step == S.CLOSED,
        "consultants": selectors.consultants_of(session),
        "contributions": selectors.contributions_of(session),
        "text_form": text_form,
        "contribution_form": contribution_form,
        "rejected_form": rejected,
        "can_join": consultants_open and not access.is_in_session,
        "can_leave": consultants_open and access.is_consultant,
        "can_move_back": access.can_run and S.PROBLEM < step < S.CLOSED,
        "can_move_next": access.can_run and step < S.CLOSED,
        "next_label": (S(step + 1).label if step < S.LESSONS else _("Close the session"))
        if step < S.CLOSED else None,
    }
    return render(request, "communities/codev/codev_detail.html", context, status=status)


@login_required
def codev_detail(request, pk):
    session = get_codev_session_for_user(request.user, pk)
    return _codev_page(request, session)


@login_required
@require_POST
def codev_step(request, pk):
    session = get_codev_session_for_user(request.user, pk)
    require(codev_access(request.user, session).can_run)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to move to the next step or back one."))
        return redirect(session)
    forward = form.cleaned_data["direction"] == "next"
    try:
        session = services.move_step(session, by=request.user, forward=forward,
                                     from_step=form.cleaned_data["from_step"])
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        if session.step == S.CLOSED:
            messages.success(request, _("The session is closed. Its texts stay here to be "
                                        "read."))
        else:
            messages.success(request, _("The session is now at step %(step)s.")
                             % {"step": f"{session.step}. {S(session.step).label}"})
    return redirect(session)


@login_required
@require_POST
def codev_consultant(request, pk):
    session = get_codev_session_for_user(request.user, pk)
    form = ConsultantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to join or to leave the session."))
        return redirect(session)
    joining = form.cleaned_data["action"] == "join"
    try:
        if joining:
            services.join_as_consultant(session, request.user)
        else:
            services.leave_as_consultant(session, request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("You are a consultant of this session.") if joining
                         else _("You are no longer a consultant of this session."))
    return redirect(session)


@login_required
@require_POST
def codev_contribute(request, pk):
    session = get_codev_session_for_user(request.user, pk)
    access = codev_access(request.user, session)
    require(access.is_consultant)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            contribution = services.add_contribution(session, by=request.user,
                                                     kind=form.cleaned_data["kind"],
                                                     text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your question is added.")
                             if contribution.kind == contribution.Kind.QUESTION
                             else _("Your advice is added."))
            return redirect(f"{session.get_absolute_url()}#contribution-{contribution.pk}")
    return _codev_page(request, session, access=access, contribution_form=form, status=400)


@login_required
@require_POST
def codev_write(request, pk):
    session = get_codev_session_for_user(request.user, pk)
    access = codev_access(request.user, session)
    form = TextForm(request.POST)
    name = request.POST.get("name")
    if name in services.TEXT_STEP:
        require(services.may_write_text(access, name))
    if form.is_valid():
        try:
            services.write_text(session, by=request.user, name=form.cleaned_data["name"],
                                text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{session.get_absolute_url()}#step-text")
    return _codev_page(request, session, access=access, text_form=form, status=400)
