"""Stage II pages: the stakeholder map, governance bodies and their members, meetings with their
documents, attendance, minutes, decisions and action items, calendar files, awareness actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import Structure
from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without

from ..calendar import meeting_calendar, meeting_filename
from ..forms.governance import (
    ActionFilterForm,
    ActionForm,
    ActionStatusForm,
    ActionUpdateForm,
    AttendanceForm,
    AwarenessForm,
    BodyForm,
    DecisionForm,
    DocumentForm,
    MeetingForm,
    MemberForm,
    MemberUpdateForm,
    MinutesForm,
    StakeholderForm,
)
from ..models import AwarenessAction, Meeting, Stakeholder
from ..permissions import (
    can_manage_project,
    get_action_for_user,
    get_body_for_user,
    get_meeting_for_user,
    get_project_for_user,
    get_project_part_for_user,
)
from ..queries import governance as queries
from ..services import governance as services

ACTIONS_PAGE_SIZE = 50
AWARENESS_PAGE_SIZE = 30
SUGGESTIONS = 12


def _next_or(request, fallback: str) -> str:
    """The page the user came from, when it is ours; `fallback` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


def _int_or_none(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2_147_483_648 else None


# --- Structures of the directory, suggested as one types ---------------------------------------


def suggest_structures(form, field_name: str, url: str) -> None:
    form.fields[field_name].widget.attrs.update({
        "hx-get": url, "hx-trigger": "input changed delay:300ms",
        "hx-target": "#directory-structures", "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    })


def _typed(request, field_name: str) -> str | None:
    """What was typed in a field named `field_name` (or a row's copy of it, "m3-structure")."""
    return next((value for key, value in request.GET.items()
                 if key == field_name or key.endswith(f"-{field_name}")), None)


def structure_suggestions(request, field_name: str) -> HttpResponse:
    typed = (_typed(request, field_name) or "")[:100].replace("\x00", "")
    structures = []
    if len(typed.strip()) >= 2:
        structures = (Structure.objects.visible_to(request.user).search(typed)
                      .with_territories().order_by("name")[:SUGGESTIONS])
    return render(request, "programmes/governance/_structure_options.html",
                  {"structures": structures})


def wants_suggestions(request, field_name: str) -> bool:
    return bool(request.method == "GET" and request.htmx
                and _typed(request, field_name) is not None)


# --- Stakeholder map ---------------------------------------------------------------------------


@login_required
def stakeholder_list(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    if wants_suggestions(request, "structure"):
        return structure_suggestions(request, "structure")
    can_edit = can_manage_project(request.user, project)
    form = StakeholderForm(request.POST or None) if can_edit else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.save_stakeholder(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Stakeholder added to the map."))
            return redirect("programmes:stakeholder_list", pk=project.pk)
    if form is not None:
        suggest_structures(form, "structure", request.path)
    context = {"project": project, "tab": "stakeholders", "can_edit": can_edit, "form": form,
               "map": queries.stakeholder_map(project)}
    return render(request, "programmes/governance/stakeholder_list.html", context)


@login_required
def stakeholder_update(request, pk):
    stakeholder = get_project_part_for_user(Stakeholder, request.user, pk, write=True)
    if wants_suggestions(request, "structure"):
        return structure_suggestions(request, "structure")
    initial = model_to_dict(stakeholder, fields=StakeholderForm.Meta.fields)
    initial["structure"] = stakeholder.structure
    form = StakeholderForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.save_stakeholder(stakeholder.project, by=request.user,
                                      stakeholder=stakeholder, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("programmes:stakeholder_list", pk=stakeholder.project_id)
    suggest_structures(form, "structure", request.path)
    context = {"project": stakeholder.project, "tab": "stakeholders", "form": form,
               "stakeholder": stakeholder}
    return render(request, "programmes/governance/stakeholder_form.html", context)


@login_required
@require_POST
def stakeholder_delete(request, pk):
    stakeholder = get_project_part_for_user(Stakeholder, request.user, pk, write=True)
    services.delete_stakeholder(stakeholder, by=request.user)
    messages.success(request, _("%(name)s is no longer on the map.") % {"name": stakeholder})
    return redirect("programmes:stakeholder_list", pk=stakeholder.project_id)


# --- Governance bodies and their members -------------------------------------------------------


@login_required
def body_list(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    form = BodyForm(request.POST or None) if can_edit else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            body = services.save_body(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Body created. Now add its members."))
            return redirect("programmes:body_members", pk=body.pk)
    context = {"project": project, "tab": "governance", "can_edit": can_edit, "form": form,
               "bodies": queries.bodies_for_project(project, request.user)}
    return render(request, "programmes/governance/body_list.html", context)


@login_required
def body_detail(request, pk):
    body = get_body_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, body.project)
    form = None
    if can_edit:
        form = BodyForm(request.POST or None,
                        initial=model_to_dict(body, fields=BodyForm.Meta.fields))
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.save_body(body.project, by=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(body)
    upcoming, past = queries.body_meetings(body)
    context = {
        "project": body.project, "tab": "governance", "body": body, "can_edit": can_edit,
        "form": form, "members": queries.body_members(body), "upcoming": upcoming,
        "past": past, "decisions": queries.body_decisions(body),
    }
    return render(request, "programmes/governance/body_detail.html", context)


@login_required
def body_members(request, pk):
    body = get_body_for_user(request.user, pk, write=True)
    if wants_suggestions(request, "structure"):
        return structure_suggestions(request, "structure")
    action = request.POST.get("action", "add") if request.method == "POST" else None
    form = MemberForm(request.POST if action == "add" else None)
    if action == "add" and form.is_valid():
        try:
            member = services.add_body_member(body, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s now sits on %(body)s.")
                             % {"name": member.name, "body": body.name})
            return redirect("programmes:body_members", pk=body.pk)
    elif action in ("update", "remove"):
        return _change_member(request, body, action)
    suggest_structures(form, "structure", request.path)
    members = queries.body_members(body)
    rows = []
    for member in members:
        row_form = MemberUpdateForm(initial={"structure": member.structure,
                                             "position": member.position},
                                    prefix=f"m{member.pk}")
        suggest_structures(row_form, "structure", request.path)
        rows.append((member, row_form))
    context = {"project": body.project, "tab": "governance", "body": body, "form": form,
               "rows": rows}
    return render(request, "programmes/governance/body_members.html", context)


def _change_member(request, body, action):
    member = body.members.filter(pk=_int_or_none(request.POST.get("member"))).first()
    if member is None:
        messages.error(request, _("This member is no longer on the body."))
        return redirect("programmes:body_members", pk=body.pk)
    if action == "remove":
        services.remove_body_member(member, by=request.user)
        messages.success(request, _("%(name)s no longer sits on %(body)s.")
                         % {"name": member.name, "body": body.name})
        return redirect("programmes:body_members", pk=body.pk)
    form = MemberUpdateForm(request.POST, prefix=f"m{member.pk}")
    if form.is_valid():
        try:
            services.update_body_member(member, by=request.user,
                                        structure=form.cleaned_data["structure"],
                                        position=form.cleaned_data["position"])
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, _("Changes saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("programmes:body_members", pk=body.pk)


# --- Meetings ----------------------------------------------------------------------------------


@login_required
def meeting_create(request, pk):
    body = get_body_for_user(request.user, pk, write=True)
    form = MeetingForm(request.POST or None, initial={"place": ""})
    if form.is_bound and form.is_valid():
        try:
            meeting = services.schedule_meeting(body, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Meeting scheduled. Members can add it to their "
                                        "calendar from its page."))
            return redirect(meeting)
    context = {"project": body.project, "tab": "governance", "body": body, "form": form}
    return render(request, "programmes/governance/meeting_form.html", context)


def _render_meeting(request, meeting, *, status=200, **bound):
    """The meeting page, with the forms staff use on it (one of them perhaps bound)."""
    page = queries.meeting_page(meeting)
    can_edit = can_manage_project(request.user, meeting.body.project)
    context = {"project": meeting.body.project, "tab": "governance", "meeting": meeting,
               "body": meeting.body, "page": page, "can_edit": can_edit,
               "has_started": meeting.starts_at <= timezone.now()}
    if can_edit:
        context.update({
            "attendance_form": bound.get("attendance_form") or AttendanceForm(
                members=page.members, attendance=page.attendance),
            "decision_form": bound.get("decision_form") or DecisionForm(),
            "action_form": bound.get("action_form") or ActionForm(members=page.members),
            "document_form": bound.get("document_form") or DocumentForm(),
            "minutes_form": bound.get("minutes_form") or MinutesForm(
                initial={"minutes": meeting.minutes}),
        })
    return render(request, "programmes/governance/meeting_detail.html", context,
                  status=status)


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    return _render_meeting(request, meeting)


@login_required
def meeting_update(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "minutes":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.record_minutes(meeting, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Minutes saved."))
                return redirect(meeting)
        return _render_meeting(request, meeting, minutes_form=form)
    if action in Meeting.Status.values:
        try:
            services.set_meeting_status(meeting, action, by=request.user)
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(request, {
                Meeting.Status.HELD: _("Meeting marked as held."),
                Meeting.Status.CANCELLED: _("Meeting cancelled. Calendars that import it "
                                            "again will show it cancelled."),
                Meeting.Status.PLANNED: _("Meeting planned again."),
            }[action])
        return redirect(meeting)
    if action == "delete_document":
        document = meeting.documents.filter(pk=_int_or_none(request.POST.get("document"))).first()
        if document is not None:
            services.delete_document(document, by=request.user)
            messages.success(request, _("Document removed."))
        return redirect(meeting)
    initial = model_to_dict(meeting, fields=list(MeetingForm.base_fields))
    form = MeetingForm(request.POST if action == "save" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_meeting(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(meeting)
    context = {"project": meeting.body.project, "tab": "governance", "body": meeting.body,
               "meeting": meeting, "form": form}
    return render(request, "programmes/governance/meeting_form.html", context)


@login_required
@require_POST
def meeting_attendance(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    page = queries.meeting_page(meeting)
    form = AttendanceForm(request.POST, members=page.members, attendance=page.attendance)
    if form.is_valid():
        try:
            services.record_attendance(meeting, form.statuses(), by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(reverse("programmes:meeting_detail", args=[meeting.pk]) +
                            "#attendance")
    return _render_meeting(request, meeting, attendance_form=form)


@login_required
@require_POST
def decision_create(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.record_decision(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Decision added to the register."))
            return redirect(reverse("programmes:meeting_detail", args=[meeting.pk]) +
                            "#decisions")
    return _render_meeting(request, meeting, decision_form=form)


@login_required
@require_POST
def action_create(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = ActionForm(request.POST, members=queries.body_members(meeting.body))
    if form.is_valid():
        try:
            services.add_action_item(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action item added."))
            return redirect(reverse("programmes:meeting_detail", args=[meeting.pk]) +
                            "#actions")
    return _render_meeting(request, meeting, action_form=form)


@login_required
@require_POST
def document_upload(request, pk):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_document(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Document added to the meeting's pack."))
            return redirect(reverse("programmes:meeting_detail", args=[meeting.pk]) +
                            "#documents")
    return _render_meeting(request, meeting, document_form=form)


@login_required
def meeting_ics(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    response = HttpResponse(meeting_calendar(meeting, url=url),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting_filename(meeting)}"'
    return response


@login_required
def document_download(request, pk):
    document = queries.document_for_download(pk)
    if document is None:
        raise Http404
    # Whoever may read the meeting may read its pack; the others learn nothing of it.
    get_meeting_for_user(request.user, document.meeting_id)
    return private_file_response(document.file)


# --- Action items ------------------------------------------------------------------------------


@login_required
def action_update(request, pk):
    action = get_action_for_user(request.user, pk, write=True)
    is_staff = can_manage_project(request.user, action.project)
    fallback = reverse("programmes:action_list", args=[action.project_id])
    if is_staff:
        members = queries.body_members(action.meeting.body) if action.meeting_id else []
        initial = {"title": action.title, "owner": action.owner_id,
                   "owner_user": action.owner_user, "due_on": action.due_on,
                   "status": action.status}
        form = ActionUpdateForm(request.POST or None, members=members, initial=initial)
    else:
        form = ActionStatusForm(request.POST or None, initial={"status": action.status})
    if form.is_bound and form.is_valid():
        try:
            services.update_action_item(action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action item updated."))
            return redirect(_next_or(request, fallback))
    context = {"project": action.project, "tab": "actions", "action": action, "form": form,
               "next": _next_or(request, fallback)}
    return render(request, "programmes/governance/action_form.html", context)


@login_required
def action_list(request, pk):
    project = get_project_for_user(request.user, pk)
    owners = queries.action_owner_choices(project, request.user)
    filters = ActionFilterForm(request.GET or None, owners=owners)
    status = owner = ""
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        owner = filters.cleaned_data["owner"]
    actions = queries.project_actions(project, request.user, status=status, owner=owner)
    page = Paginator(actions, ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = query_without(request, "page")
    context = {"project": project, "tab": "actions", "filters": filters, "page": page,
               "query": query, "can_edit": can_manage_project(request.user, project)}
    return render(request, "programmes/governance/action_list.html", context)


# --- Awareness actions -------------------------------------------------------------------------


@login_required
def awareness_list(request, pk):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    form = AwarenessForm(request.POST or None) if can_edit else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.save_awareness_action(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Awareness action recorded."))
            return redirect("programmes:awareness_list", pk=project.pk)
    actions = project.awareness_actions.order_by("-date", "-pk")
    page = Paginator(actions, AWARENESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "tab": "awareness", "can_edit": can_edit, "form": form,
               "page": page}
    return render(request, "programmes/governance/awareness_list.html", context)


@login_required
def awareness_update(request, pk):
    action = get_project_part_for_user(AwarenessAction, request.user, pk, write=True)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.delete_awareness_action(action, by=request.user)
        messages.success(request, _("Awareness action deleted."))
        return redirect("programmes:awareness_list", pk=action.project_id)
    initial = model_to_dict(action, fields=AwarenessForm.Meta.fields)
    form = AwarenessForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.save_awareness_action(action.project, by=request.user, action=action,
                                           **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("programmes:awareness_list", pk=action.project_id)
    context = {"project": action.project, "tab": "awareness", "form": form,
               "awareness": action}
    return render(request, "programmes/governance/awareness_form.html", context)
