"""Questionnaires: the staff build and send them, the sites and people answer them in the
member portal, the project's readers read the summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.scoping import require
from programmes.models import AdopterSite, Programme
from programmes.permissions import can_manage_project, get_project_for_user

from .. import access_questionnaires as access
from ..forms.questionnaires import AnswerForm, QuestionForm, QuestionnaireForm, SendForm
from ..models import Questionnaire
from ..selectors import questionnaires as selectors
from ..services import questionnaires as services

PAGE_SIZE = selectors.PAGE_SIZE


def _project_context(request, project, **extra):
    can_manage = can_manage_project(request.user, project)
    return {
        "project": project,
        "tab": "evaluation",
        "subtab": "questionnaires",
        "can_manage": can_manage,
        "can_see_programme": can_manage or Programme.objects.visible_to(request.user).filter(
            pk=project.programme_id).exists(),
        **extra,
    }


# --- The staff's pages -----------------------------------------------------------------------


@login_required
def questionnaire_list(request, project_pk):
    project = get_project_for_user(request.user, project_pk)
    can_manage = can_manage_project(request.user, project)
    form = QuestionnaireForm() if can_manage else None
    status = 200
    if request.method == "POST":
        require(can_manage)
        form = QuestionnaireForm(request.POST)
        if form.is_valid():
            try:
                questionnaire = services.create_questionnaire(project, by=request.user,
                                                              **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The questionnaire is created: add its questions."))
                return redirect("evaluations:questionnaire_detail", questionnaire.pk)
        status = 400
    page = Paginator(selectors.questionnaires_for_project(project), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = _project_context(request, project, page=page, form=form)
    return render(request, "evaluations/questionnaires/questionnaire_list.html", context,
                  status=status)


def _detail_page(request, questionnaire, *, question_form=None, status=200):
    can_manage = can_manage_project(request.user, questionnaire.project)
    is_draft = questionnaire.status == Questionnaire.Status.DRAFT
    questions = list(questionnaire.questions.all())
    if can_manage and is_draft and question_form is None:
        question_form = QuestionForm()
    rates = selectors.questionnaires_for_project(questionnaire.project).filter(
        pk=questionnaire.pk).values("assigned_count", "submitted_count").first()
    context = _project_context(
        request, questionnaire.project, questionnaire=questionnaire,
        questions=[(question, services.question_problems(question)) for question in questions],
        question_form=question_form if can_manage and is_draft else None,
        rates=rates, is_draft=is_draft,
        accepts_answers=services.accepts_answers(questionnaire))
    return render(request, "evaluations/questionnaires/questionnaire_detail.html", context,
                  status=status)


@login_required
def questionnaire_detail(request, pk):
    """The questionnaire and its questions; staff add questions here while it is a draft."""
    questionnaire = access.get_questionnaire_for_user(request.user, pk,
                                                        write=request.method == "POST")
    if request.method != "POST":
        return _detail_page(request, questionnaire)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.add_question(questionnaire, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect(f"{request.path}#question-{question.pk}")
    return _detail_page(request, questionnaire, question_form=form, status=400)


@login_required
def questionnaire_update(request, pk):
    questionnaire = access.get_questionnaire_for_user(request.user, pk, write=True)
    kind_locked = questionnaire.status != Questionnaire.Status.DRAFT
    form = QuestionnaireForm(request.POST or None, kind_locked=kind_locked,
                             initial=QuestionnaireForm.initial_for(questionnaire))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            try:
                services.delete_questionnaire(questionnaire, by=request.user)
            except ValidationError as error:
                flash_service_error(request, error)
                return redirect("evaluations:questionnaire_update", questionnaire.pk)
            messages.success(request, _("The questionnaire is deleted."))
            return redirect("evaluations:questionnaire_list", questionnaire.project_id)
        if form.is_valid():
            try:
                services.update_questionnaire(questionnaire, by=request.user,
                                              **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The questionnaire is saved."))
                return redirect("evaluations:questionnaire_detail", questionnaire.pk)
        status = 400
    context = _project_context(request, questionnaire.project, questionnaire=questionnaire,
                               form=form)
    return render(request, "evaluations/questionnaires/questionnaire_form.html", context,
                  status=status)


@login_required
@require_POST
def questionnaire_open(request, pk):
    questionnaire = access.get_questionnaire_for_user(request.user, pk, write=True)
    try:
        services.open_questionnaire(questionnaire, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("The questionnaire is open: send it to sites or people."))
        return redirect("evaluations:questionnaire_send", questionnaire.pk)
    return redirect("evaluations:questionnaire_detail", questionnaire.pk)


@login_required
@require_POST
def questionnaire_close(request, pk):
    questionnaire = access.get_questionnaire_for_user(request.user, pk, write=True)
    try:
        services.close_questionnaire(questionnaire, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("The questionnaire is closed: it no longer takes answers."))
    return redirect("evaluations:questionnaire_detail", questionnaire.pk)


@login_required
def question_update(request, pk):
    question = access.get_question_for_user(request.user, pk)
    questionnaire = question.questionnaire
    detail_url = reverse("evaluations:questionnaire_detail", args=[questionnaire.pk])
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("up", "down"):
                services.move_question(question, up=action == "up", by=request.user)
                return redirect(f"{detail_url}#question-{question.pk}")
            if action == "delete":
                services.delete_question(question, by=request.user)
                messages.success(request, _("The question is removed."))
                return redirect(detail_url)
        except ValidationError as error:
            flash_service_error(request, error)
            return redirect(detail_url)
        if form.is_valid():
            try:
                services.update_question(question, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The question is saved."))
                return redirect(f"{detail_url}#question-{question.pk}")
        status = 400
    context = _project_context(request, questionnaire.project, questionnaire=questionnaire,
                               question=question, form=form)
    return render(request, "evaluations/questionnaires/question_form.html", context,
                  status=status)


def _active_sites(project):
    return (AdopterSite.objects.filter(project=project)
            .exclude(status__in=[AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN])
            .select_related("structure", "territory").order_by("structure__name", "pk"))


@login_required
def questionnaire_send(request, pk):
    """Who the questionnaire was sent to; the staff send it to more sites and people."""
    questionnaire = access.get_questionnaire_for_user(request.user, pk,
                                                        write=request.method == "POST")
    can_manage = can_manage_project(request.user, questionnaire.project)
    is_open = questionnaire.status == Questionnaire.Status.OPEN
    is_peer = questionnaire.kind == Questionnaire.Kind.PEER_ASSESSMENT
    sites = _active_sites(questionnaire.project)
    form = None
    if can_manage and is_open:
        form = SendForm(request.POST or None, sites=sites, is_peer_assessment=is_peer)
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Open the questionnaire before sending it.")
                           if questionnaire.status == Questionnaire.Status.DRAFT
                           else _("This questionnaire is closed: it is no longer sent."))
            return redirect("evaluations:questionnaire_detail", questionnaire.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.send_questionnaire(
                    questionnaire, by=request.user, sites=data["sites"] or [],
                    people=data["people"] or [], peer_site=data.get("peer_site"),
                    due_on=data["due_on"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if created:
                    messages.success(request, _(
                        "Sent to %(count)d more respondents: they are told by e-mail.")
                        % {"count": len(created)})
                else:
                    messages.info(request, _("They had all received it already: nothing new "
                                             "was sent."))
                return redirect("evaluations:questionnaire_send", questionnaire.pk)
        status = 400
    page = Paginator(selectors.assignments_of(questionnaire), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = _project_context(request, questionnaire.project, questionnaire=questionnaire,
                               form=form, page=page, is_peer=is_peer, site_count=len(sites)
                               if form is not None else None)
    return render(request, "evaluations/questionnaires/questionnaire_send.html", context,
                  status=status)


@login_required
def questionnaire_summary(request, pk):
    questionnaire = access.get_questionnaire_for_user(request.user, pk)
    summary = selectors.questionnaire_summary(questionnaire)
    waiting = Paginator(selectors.not_answered(questionnaire), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = _project_context(request, questionnaire.project, questionnaire=questionnaire,
                               summary=summary, page=waiting,
                               is_peer=questionnaire.kind == Questionnaire.Kind.PEER_ASSESSMENT)
    return render(request, "evaluations/questionnaires/questionnaire_summary.html", context)


@login_required
def peer_comparison(request, pk):
    """For a peer assessment: each assessed site, its own answers beside its peers'."""
    questionnaire = access.get_questionnaire_for_user(request.user, pk)
    if questionnaire.kind != Questionnaire.Kind.PEER_ASSESSMENT:
        raise Http404
    page = Paginator(selectors.assessed_sites(questionnaire), 10).get_page(
        request.GET.get("page"))
    context = _project_context(request, questionnaire.project, questionnaire=questionnaire,
                               page=page,
                               comparisons=selectors.peer_comparisons(questionnaire,
                                                                      page.object_list))
    return render(request, "evaluations/questionnaires/peer_comparison.html", context)


# --- The respondents' pages ------------------------------------------------------------------


@login_required
def my_questionnaires(request):
    page = Paginator(selectors.my_assignments(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "evaluations/questionnaires/my_questionnaires.html", {"page": page})


@login_required
def answer(request, pk):
    """Answer a questionnaire: save a draft, come back, submit once."""
    assignment = access.get_assignment_for_respondent(request.user, pk)
    questionnaire = assignment.questionnaire
    questions = list(questionnaire.questions.all())
    answers = {a.question_id: a for a in assignment.answers.all()}
    is_submitted = assignment.status == assignment.Status.SUBMITTED
    accepts = services.accepts_answers(questionnaire)
    can_answer = accepts and not is_submitted
    form = AnswerForm(questions=questions, answers=answers, disabled=not can_answer)
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        form = AnswerForm(request.POST, questions=questions, answers=answers)
        if form.is_valid():
            try:
                services.save_answers(assignment, answers=form.answers(), by=request.user,
                                      submit=submit)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("Thank you: your answers are submitted."))
                    return redirect("evaluations:my_questionnaires")
                messages.success(request, _("Your answers are saved as a draft: come back to "
                                            "finish and submit them."))
                return redirect("evaluations:answer", assignment.pk)
        status = 400
    context = {"assignment": assignment, "questionnaire": questionnaire, "form": form,
               "rows": form.bound_rows(), "is_submitted": is_submitted,
               "accepts_answers": accepts, "can_answer": can_answer,
               "is_closed": questionnaire.status == Questionnaire.Status.CLOSED or bool(
                   questionnaire.closes_on and timezone.localdate() > questionnaire.closes_on)}
    return render(request, "evaluations/questionnaires/answer.html", context, status=status)
