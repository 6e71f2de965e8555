"""Calls for projects and for expressions of interest: setting them up, applying, screening,
assigning reviewers, the ranking and the decisions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from communities.models import Membership, Structure
from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.scoping import require

from ..forms.calls import (
    ApplicationForm,
    ApplicationStartForm,
    AssignForm,
    CallForm,
    CollegeFormSet,
    CriterionFormSet,
    DecisionForm,
    ExtendDeadlineForm,
    ManagerForm,
    QuestionFormSet,
    ScreeningForm,
)
from ..models import Answer, Application
from ..permissions import (
    can_create_call,
    get_application_for_staff,
    get_application_for_user,
    get_assignment_for_staff,
    get_call_for_user,
    is_applicant,
    is_call_manager,
)
from ..selectors import calls as selectors
from ..services import calls as services
from ..services import reviews as review_services

CALLS_PAGE_SIZE = 20
APPLICATIONS_PAGE_SIZE = 50

RANKING_PAGE_SIZE = 100


def _next_or(request, fallback: str) -> str:
    """The page the user came from, when it is ours; `fallback` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


# --- Calls -------------------------------------------------------------------------------------


@login_required
def call_list(request):
    state = request.GET.get("state", "")
    calls = selectors.calls_for_list(request.user, state)
    page = Paginator(calls, CALLS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state if state in selectors.CallState.NAMES else "",
        "query": f"state={state}" if state in selectors.CallState.NAMES else "",
        "can_create": can_create_call(request.user),
    }
    return render(request, "innovations/calls/call_list.html", context)


@login_required
def call_create(request):
    require(can_create_call(request.user))
    form = CallForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            call = services.create_call(created_by=request.user, **form.call_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Call created as a draft. Now write its application "
                                        "form."))
            return redirect("innovations:call_questions", pk=call.pk)
    return render(request, "innovations/calls/call_form.html", {"form": form})


@login_required
def call_detail(request, pk):
    call = get_call_for_user(request.user, pk)
    is_manager = is_call_manager(request.user, call)
    member_of = Membership.objects.filter(user=request.user).values("structure")
    context = {
        "call": call,
        "state": selectors.call_state(call),
        "is_manager": is_manager,
        "themes": list(call.themes.all()),
        "eligible_kinds": [Structure.Kind(kind).label for kind in call.eligible_kinds
                           if kind in Structure.Kind.values],
        "eligible_territories": list(call.eligible_territories.order_by("kind", "code")),
        "offered_innovations": list(call.offered_innovations.select_related("owner")),
        "my_applications": list(call.applications.filter(structure__in=member_of)
                                .select_related("structure")),
        "has_structure": Membership.objects.filter(user=request.user).exists(),
        # Every structure of the person may apply once: offer to start only if one has not.
        "may_start": Membership.objects.filter(user=request.user).exclude(
            structure__in=call.applications.values("structure")).exists(),
        "asks_scaling_plan": services.asks_scaling_plan(call),
    }
    if is_manager:
        context.update({
            "questions": list(call.questions.all()),
            "criteria": list(call.criteria.all()),
            "colleges": list(call.colleges.all()),
            "managers": list(call.managers.order_by("last_name", "first_name")),
            "missing": [] if call.is_published else services.missing_for_publication(call),
            "status_counts": selectors.status_counts(call),
        })
    return render(request, "innovations/calls/call_detail.html", context)


@login_required
def call_update(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = CallForm(request.POST if action == "save" else None, instance=call, user=request.user)
    manager_form = ManagerForm(request.POST if action == "add_manager" else None)
    if action == "save" and form.is_valid():
        try:
            services.update_call(call, by=request.user, **form.call_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(call)
    elif action == "add_manager" and manager_form.is_valid():
        try:
            person = services.add_call_manager(call, email=manager_form.cleaned_data["email"],
                                               by=request.user)
        except ValidationError as error:
            apply_service_errors(manager_form, error)
        else:
            messages.success(request, _("%(person)s now manages this call.")
                             % {"person": person})
            return redirect("innovations:call_update", pk=call.pk)
    elif action == "remove_manager":
        person = call.managers.filter(pk=_int_or_none(request.POST.get("person"))).first()
        if person is not None:
            try:
                services.remove_call_manager(call, person, by=request.user)
            except ValidationError as error:
                flash_service_error(request, error)
            else:
                messages.success(request, _("%(person)s no longer manages this call.")
                                 % {"person": person})
        return redirect("innovations:call_update", pk=call.pk)
    context = {"form": form, "call": call, "manager_form": manager_form,
               "managers": list(call.managers.order_by("last_name", "first_name"))}
    return render(request, "innovations/calls/call_form.html", context)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rows(formset, fields):
    """The formset's forms as the services take them: changed, new or deleted rows."""
    rows = []
    for form in formset.forms:
        is_new = form.instance.pk is None
        deleted = formset.can_delete and bool(form.cleaned_data.get("DELETE"))
        if is_new and (deleted or not form.has_changed()):
            continue
        rows.append(services.Row(
            instance=None if is_new else form.instance,
            data={name: form.cleaned_data.get(name) for name in fields},
            delete=deleted,
        ))
    return rows


@login_required
def call_questions(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    formset = QuestionFormSet(request.POST or None, instance=call, prefix="questions")
    service_errors = []
    if request.method == "POST" and formset.is_valid():
        rows = _rows(formset, ["label", "help_text", "kind", "choices", "is_required", "order"])
        try:
            services.save_questions(call, rows, by=request.user)
        except ValidationError as error:
            service_errors = error.messages
        else:
            messages.success(request, _("Application form saved."))
            return redirect("innovations:call_questions", pk=call.pk)
    context = {"call": call, "formset": formset, "service_errors": service_errors,
               "has_submissions": call.applications.submitted().exists()}
    return render(request, "innovations/calls/call_questions.html", context)


@login_required
def call_rubric(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    locked = services.rubric_is_locked(call)
    data = request.POST or None
    criteria = CriterionFormSet(None if locked else data, instance=call, prefix="criteria")
    colleges = CollegeFormSet(data, instance=call, prefix="colleges")
    service_errors = []
    if request.method == "POST" and (locked or criteria.is_valid()) and colleges.is_valid():
        try:
            services.save_rubric(
                call,
                criteria=[] if locked else _rows(
                    criteria, ["name", "description", "weight", "max_score", "order"]),
                colleges=_rows(colleges, ["name", "description"]),
                by=request.user,
            )
        except ValidationError as error:
            service_errors = error.messages
        else:
            messages.success(request, _("Rubric and colleges saved."))
            return redirect("innovations:call_rubric", pk=call.pk)
    if locked:
        for form in criteria.forms:
            for field in form.fields.values():
                field.disabled = True
    context = {"call": call, "criteria": criteria, "colleges": colleges, "locked": locked,
               "service_errors": service_errors}
    return render(request, "innovations/calls/call_rubric.html", context)


@login_required
@require_POST
def call_publish(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    try:
        services.publish_call(call, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("Call published: structures can now apply."))
    return redirect(call)


@login_required
def call_extend(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    form = ExtendDeadlineForm(request.POST or None,
                              initial={"closes_at": max(call.closes_at, timezone.now())
                                       + timedelta(days=7)})
    if form.is_valid():
        try:
            services.extend_deadline(call, form.cleaned_data["closes_at"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Deadline extended to %(deadline)s (Paris time).")
                             % {"deadline": services.format_deadline(
                                 form.cleaned_data["closes_at"])})
            return redirect(call)
    return render(request, "innovations/calls/call_extend.html", {"call": call, "form": form})


# --- Applying ----------------------------------------------------------------------------------


@login_required
def application_start(request, pk):
    call = get_call_for_user(request.user, pk)
    form = ApplicationStartForm(request.POST or None, user=request.user, call=call)
    if form.is_valid():
        try:
            application = services.start_application(
                call, form.cleaned_data["structure"], by=request.user,
                title=form.cleaned_data.get("title", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if application.is_draft:
                return redirect("innovations:application_edit", pk=application.pk)
            messages.info(request, _("This structure has already submitted its application."))
            return redirect(application)
    member_of = Membership.objects.filter(user=request.user).values("structure")
    context = {
        "call": call,
        "form": form,
        "has_structure": form.fields["structure"].queryset.exists(),
        "existing": list(call.applications.filter(structure__in=member_of)
                         .select_related("structure")),
    }
    return render(request, "innovations/calls/application_start.html", context)


@login_required
def application_list(request):
    applications = selectors.applications_of_user(request.user)
    page = Paginator(applications, CALLS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "innovations/calls/application_list.html", {"page": page})


def _application_form(application, data=None, files=None):
    call = application.call
    return ApplicationForm(
        data, files,
        call=call,
        application=application,
        questions=call.questions.all(),
        offered=(call.offered_innovations.select_related("owner").order_by("title")
                 if call.is_for_expressions_of_interest else ()),
        answers={a.question_id: a for a in application.answers.all()},
        adoption_choices={c.innovation_id: c for c in application.adoption_choices.all()},
    )


def _save_draft(request, application, form) -> bool:
    """Save the form's content as the draft; False (errors on the form) if refused."""
    if not form.is_valid():
        return False
    try:
        services.save_application_draft(
            application,
            by=request.user,
            fields=form.application_fields(),
            answers=form.answer_values(),
            files=form.uploaded_files(),
            cleared_files=form.cleared_files(),
            adoption_choices=form.adoption_choices(),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


def _render_application_form(request, application, form, status=200):
    context = {
        "application": application,
        "call": application.call,
        "form": form,
        "deadline_passed": application.call.has_closed,
    }
    return render(request, "innovations/calls/application_form.html", context, status=status)


@login_required
def application_edit(request, pk):
    application = get_application_for_user(request.user, pk, write=True)
    if not application.is_draft:
        messages.info(request, _("This application was submitted: it can no longer change."))
        return redirect(application)
    form = _application_form(application, request.POST or None, request.FILES or None)
    if request.method == "POST" and _save_draft(request, application, form):
        messages.success(request, _("Draft saved. You can come back to it until the deadline."))
        return redirect("innovations:application_edit", pk=application.pk)
    return _render_application_form(request, application, form)


@login_required
@require_POST
def application_submit(request, pk):
    application = get_application_for_user(request.user, pk, write=True)
    if not application.is_draft:
        messages.info(request, _("This application was already submitted."))
        return redirect(application)
    form = _application_form(application, request.POST, request.FILES)
    if _save_draft(request, application, form):
        try:
            services.submit_application(application, by=request.user)
        except ValidationError as error:
            # The draft is saved; show what is missing next to each field.
            application.refresh_from_db()
            form = _application_form(application, request.POST, None)
            form.is_valid()
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Application submitted. The call's staff will study "
                                        "it; you will be told of their decision by e-mail."))
            return redirect(application)
    return _render_application_form(request, application, form)


@login_required
def answer_file(request, pk, question_pk):
    application = get_application_for_user(request.user, pk)
    answer = get_object_or_404(Answer, application=application, question_id=question_pk)
    return private_file_response(answer.file)


# --- Reading, screening and deciding -----------------------------------------------------------


def _render_application_detail(request, application, *, screening_form=None,
                               decision_form=None, status=200):
    call = application.call
    is_staff = is_call_manager(request.user, call)
    context = {
        "application": application,
        "call": call,
        "is_staff": is_staff,
        "is_applicant": is_applicant(request.user, application),
        "asks_scaling_plan": services.asks_scaling_plan(call),
        **selectors.application_content(application),
    }
    if is_staff:
        assignments = list(application.assignments.select_related("reviewer", "college")
                           .order_by("college__pk", "reviewer__last_name"))
        context.update({
            "assignments": assignments,
            "screening_form": screening_form or ScreeningForm(initial={
                "is_eligible": {Application.Status.ELIGIBLE: "yes",
                                Application.Status.INELIGIBLE: "no"}.get(application.status),
                "note": application.eligibility_note}),
            "decision_form": decision_form or DecisionForm(initial={
                "decision": application.status if application.is_decided else None,
                "message": application.decision_message}),
            "assign_form": AssignForm(call=call, applications=call.applications.none(),
                                      pool=selectors.reviewer_pool(call)),
            "can_assign": application.status in review_services.ASSIGNABLE_STATUSES,
            "has_pool": selectors.reviewer_pool(call).exists(),
            "decision_history": selectors.decision_history(application),
        })
    else:
        context["my_assignment"] = application.assignments.filter(
            reviewer=request.user).first()
    return render(request, "innovations/calls/application_detail.html", context, status=status)


@login_required
def application_detail(request, pk):
    application = get_application_for_user(request.user, pk)
    return _render_application_detail(request, application)


@login_required
@require_POST
def application_screen(request, pk):
    application = get_application_for_staff(request.user, pk)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            services.screen_application(application, by=request.user,
                                        is_eligible=form.cleaned_data["is_eligible"],
                                        note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Eligibility of “%(title)s” recorded.")
                             % {"title": application.title})
            return redirect(_next_or(request, application.get_absolute_url()))
    return _render_application_detail(request, application, screening_form=form)


@login_required
@require_POST
def application_decide(request, pk):
    application = get_application_for_staff(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_application(application, by=request.user,
                                        decision=form.cleaned_data["decision"],
                                        message=form.cleaned_data["message"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded; the applicants are told by "
                                        "e-mail."))
            return redirect(_next_or(request, application.get_absolute_url()))
    return _render_application_detail(request, application, decision_form=form)


# --- Staff: applications, reviewers and ranking -------------------------------------------------


@login_required
def call_applications(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    applications = selectors.applications_of_call(call, status=status, query=query)
    page = Paginator(applications, APPLICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(call)
    context = {
        "call": call,
        "page": page,
        "status": status if status in Application.SUBMITTED_STATUSES else "",
        "q": query,
        "query": "&".join(part for part in (
            f"status={status}" if status in Application.SUBMITTED_STATUSES else "",
            f"q={query}" if query else "") if part),
        "statuses": [(value, label, counts.get(value, 0))
                     for value, label in Application.Status.choices if value != "draft"],
        "submitted_total": sum(n for s, n in counts.items() if s != Application.Status.DRAFT),
        "drafts": counts.get(Application.Status.DRAFT, 0),
        "assignable_statuses": review_services.ASSIGNABLE_STATUSES,
    }
    return render(request, "innovations/calls/call_applications.html", context)


def _assignment_report_message(report) -> str:
    parts = [ngettext("%(count)d review assigned.", "%(count)d reviews assigned.",
                      len(report.created)) % {"count": len(report.created)}]
    if report.already_assigned:
        parts.append(ngettext(
            "%(count)d skipped: the reviewer already had this application.",
            "%(count)d skipped: the reviewers already had these applications.",
            len(report.already_assigned)) % {"count": len(report.already_assigned)})
    if report.reviewer_is_applicant:
        names = sorted({f"{reviewer} → {application.structure}"
                        for application, reviewer in report.reviewer_is_applicant})
        parts.append(ngettext(
            "%(count)d skipped because the reviewer belongs to the applicant structure "
            "(%(names)s).",
            "%(count)d skipped because the reviewers belong to the applicant structures "
            "(%(names)s).",
            len(report.reviewer_is_applicant)) % {"count": len(report.reviewer_is_applicant),
                                                  "names": ", ".join(names[:10])})
    if report.not_assignable:
        parts.append(ngettext("%(count)d application skipped: it cannot be reviewed.",
                              "%(count)d applications skipped: they cannot be reviewed.",
                              len(report.not_assignable)) % {"count": len(report.not_assignable)})
    return " ".join(parts)


@login_required
def call_assign(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    applications = selectors.assignable_applications(call)
    pool = selectors.reviewer_pool(call)
    if request.method == "POST":
        form = AssignForm(request.POST, call=call, applications=applications, pool=pool)
    else:
        selected = [v for v in request.GET.getlist("applications") if v.isdigit()]
        form = AssignForm(call=call, applications=applications, pool=pool,
                          initial={"applications": selected})
    if form.is_valid():
        try:
            report = review_services.assign_reviewers(
                form.cleaned_data["applications"], form.cleaned_data["all_reviewers"],
                form.cleaned_data["college"], by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            level = messages.SUCCESS if report.created else messages.WARNING
            messages.add_message(request, level, _assignment_report_message(report))
            return redirect(_next_or(request, reverse("innovations:call_applications",
                                                      args=[call.pk])))
    selected_ids = {str(v) for v in (form["applications"].value() or [])}
    context = {"call": call, "form": form, "applications": list(applications),
               "selected_ids": selected_ids, "has_pool": pool.exists(),
               "has_colleges": call.colleges.exists()}
    return render(request, "innovations/calls/call_assign.html", context)


@login_required
@require_POST
def assignment_remove(request, pk):
    assignment = get_assignment_for_staff(request.user, pk)
    application = assignment.application
    try:
        review_services.remove_assignment(assignment, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("%(person)s no longer reviews “%(title)s”.")
                         % {"person": assignment.reviewer, "title": application.title})
    return redirect(_next_or(request, reverse("innovations:call_applications",
                                              args=[application.call_id])))


@login_required
def call_ranking(request, pk):
    call = get_call_for_user(request.user, pk, write=True)
    sort = request.GET.get("sort", "score")
    if sort not in selectors.RANKING_SORTS:
        sort = "score"
    colleges, rows = selectors.ranking(call, sort=sort)
    # A hundred rows a page keeps a large call's ranking quick to render and to read.
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"call": call, "colleges": colleges, "rows": rows, "page": page, "sort": sort,
               "query": f"sort={sort}",
               "decided": sum(1 for row in rows if row.application.is_decided)}
    return render(request, "innovations/calls/call_ranking.html", context)

