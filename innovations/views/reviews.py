"""Peer review: a reviewer's list, the scoring form and the declaration of a conflict."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from essaimage.forms import apply_service_errors

from ..forms.reviews import ConflictForm, ReviewForm
from ..models import ReviewAssignment
from ..permissions import get_assignment_for_reviewer
from ..selectors import calls as selectors
from ..services import calls as call_services
from ..services import reviews as services

REVIEWS_PAGE_SIZE = 25


@login_required
def review_list(request):
    reviews = selectors.reviews_of(request.user)
    page = Paginator(reviews, REVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "innovations/reviews/review_list.html", {"page": page})


def _review_form(assignment, data=None):
    return ReviewForm(
        data,
        criteria=assignment.application.call.criteria.all(),
        scores={s.criterion_id: s for s in assignment.scores.all()},
        initial={"comment": assignment.comment},
    )


@login_required
def review_form(request, pk):
    assignment = get_assignment_for_reviewer(request.user, pk)
    if assignment.status == ReviewAssignment.Status.CONFLICT:
        # The application is hidden from a reviewer who stepped aside: show only their word.
        return render(request, "innovations/reviews/review_form.html",
                      {"assignment": assignment, "conflict": True})
    application = assignment.application
    form = _review_form(assignment, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not assignment.is_locked and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        try:
            services.save_review(assignment, scores=form.scores(),
                                 comment=form.cleaned_data["comment"], by=request.user)
            if submitting:
                services.submit_review(assignment, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if submitting:
                messages.success(request, _("Review submitted. Thank you!"))
                return redirect("innovations:review_list")
            messages.success(request, _("Review saved. You can come back to it before "
                                        "submitting."))
            return redirect("innovations:review_form", pk=assignment.pk)
    elif request.method == "POST" and assignment.is_locked:
        messages.error(request, _("This review was submitted: its scores are locked."))
        return redirect("innovations:review_form", pk=assignment.pk)
    context = {
        "assignment": assignment,
        "application": application,
        "call": application.call,
        "form": form,
        "scores": {s.criterion_id: s for s in assignment.scores.all()}
        if assignment.is_locked else {},
        "asks_scaling_plan": call_services.asks_scaling_plan(application.call),
        **selectors.application_content(application),
    }
    return render(request, "innovations/reviews/review_form.html", context)


@login_required
def review_conflict(request, pk):
    assignment = get_assignment_for_reviewer(request.user, pk)
    if assignment.is_locked:
        messages.info(request, _("This review can no longer change."))
        return redirect("innovations:review_form", pk=assignment.pk)
    form = ConflictForm(request.POST or None)
    if form.is_valid():
        try:
            services.declare_conflict(assignment, reason=form.cleaned_data["reason"],
                                      by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Conflict of interest recorded: this application is "
                                        "no longer shown to you, and the staff know why."))
            return redirect("innovations:review_list")
    context = {"assignment": assignment, "form": form}
    return render(request, "innovations/reviews/review_conflict.html", context)
