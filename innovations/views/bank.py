"""The knowledge bank: searching innovations, endorsing and commenting them, sharing resources."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage import exports
from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors
from essaimage.pagination import query_without
from essaimage.scoping import require

from ..exports import INNOVATION_COLUMNS, bank_rows
from ..filters import ResourceFilter
from ..forms.bank import (
    BankSearchForm,
    CommentForm,
    EndorsementForm,
    ResourceForm,
    ResourceRatingForm,
    WithdrawEndorsementForm,
)
from ..models import Endorsement
from ..permissions import (
    can_edit_resource,
    can_moderate_innovation,
    get_comment_for_moderator,
    get_innovation_for_user,
    get_resource_for_user,
)
from ..selectors import bank as selectors
from ..services import bank as services

INTERESTS_PAGE_SIZE = 50


def _is_partial(request) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- Bank search ----------------------------------------------------------------------------


@login_required
def bank_search(request):
    form = BankSearchForm(request.GET)
    form.is_valid()
    filters = form.filters()
    search = selectors.search_bank(request.user, filters)
    page = Paginator(search.innovations, selectors.SEARCH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "filters": filters,
        "search": search,
        "page": page,
        "query": query_without(request, "page"),
    }
    if _is_partial(request):
        response = render(request, "innovations/bank/_bank_results.html",
                          {**context, "oob": True})
    else:
        response = render(request, "innovations/bank/bank_search.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def bank_export(request, fmt):
    exports.export_format(fmt)
    form = BankSearchForm(request.GET)
    innovations = bank_rows(selectors.bank_results(request.user, form.filters()))
    return exports.export_response(
        fmt, exports.rows_of(innovations), INNOVATION_COLUMNS,
        filename=exports.dated_filename("innovations"), sheet_title=_("Innovations"))


# --- Endorsements and expressions of interest -----------------------------------------------


def _endorsement_page(request, innovation, form):
    kind = form["kind"].value()
    if kind not in Endorsement.Kind.values:
        kind = Endorsement.Kind.WANT_TO_ADOPT
    context = {
        "innovation": innovation,
        "form": form,
        "kind": kind,
        "already": selectors.has_endorsed(request.user, innovation, kind),
    }
    return render(request, "innovations/bank/endorsement_form.html", context)


@login_required
def endorse(request, pk):
    """GET: the full "we want to adopt it" form; POST: record or withdraw an endorsement."""
    innovation = get_innovation_for_user(request.user, pk)
    if request.method == "POST" and "withdraw" in request.POST:
        withdrawal = WithdrawEndorsementForm(request.POST)
        if withdrawal.is_valid() and services.withdraw_endorsement(
                innovation, user=request.user, kind=withdrawal.cleaned_data["kind"]):
            messages.success(request, _("Your support was withdrawn."))
        return redirect(f"{innovation.get_absolute_url()}#bank-endorsements")

    structures = selectors.structures_for_endorsement(request.user, innovation)
    if request.method != "POST":
        kind = request.GET.get("kind")
        if kind not in Endorsement.Kind.values:
            kind = Endorsement.Kind.WANT_TO_ADOPT
        form = EndorsementForm(structures=structures, initial={"kind": kind})
        return _endorsement_page(request, innovation, form)

    form = EndorsementForm(request.POST, structures=structures)
    if form.is_valid():
        try:
            endorsement = services.endorse_innovation(
                innovation, user=request.user, kind=form.cleaned_data["kind"],
                structure=form.cleaned_data.get("structure"),
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if endorsement.kind == Endorsement.Kind.WANT_TO_ADOPT:
                messages.success(request, _("Your interest was recorded: the innovator's team "
                                            "and the programme staff can now contact you."))
            else:
                messages.success(request, _("Thank you: your support is shown on the "
                                            "innovation's page."))
            return redirect(f"{innovation.get_absolute_url()}#bank-endorsements")
    return _endorsement_page(request, innovation, form)


@login_required
def adoption_interests(request, pk):
    innovation = get_innovation_for_user(request.user, pk)
    require(can_moderate_innovation(request.user, innovation))
    interests = selectors.adoption_interests_of(innovation)
    page = Paginator(interests, INTERESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"innovation": innovation, "page": page}
    return render(request, "innovations/bank/adoption_interests.html", context)


# --- Comments -------------------------------------------------------------------------------


@login_required
def comment_create(request, pk):
    innovation = get_innovation_for_user(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.add_comment(innovation, author=request.user,
                                           body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(f"{innovation.get_absolute_url()}#comment-{comment.pk}")
    context = {"innovation": innovation, "form": form}
    return render(request, "innovations/bank/comment_form.html", context)


@login_required
@require_POST
def comment_hide(request, pk):
    comment = get_comment_for_moderator(request.user, pk)
    hidden = request.POST.get("restore") is None
    services.set_comment_hidden(comment, by=request.user, hidden=hidden)
    if hidden:
        messages.success(request, _("The comment is hidden. Moderators still see it."))
    else:
        messages.success(request, _("The comment is shown again."))
    return redirect(f"{comment.innovation.get_absolute_url()}#comment-{comment.pk}")


# --- Resources ------------------------------------------------------------------------------


@login_required
def resource_list(request):
    resources = selectors.resources_for_list(request.user)
    filterset = ResourceFilter(request.GET or None, queryset=resources, user=request.user)
    page = Paginator(filterset.qs, selectors.RESOURCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"filterset": filterset, "page": page, "query": query_without(request, "page")}
    if _is_partial(request):
        response = render(request, "innovations/bank/_resource_results.html",
                          {**context, "oob": True})
    else:
        response = render(request, "innovations/bank/resource_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def resource_create(request):
    initial = {}
    innovation_pk = request.GET.get("innovation", "")
    if innovation_pk.isdigit():
        initial["innovation"] = int(innovation_pk)
    form = ResourceForm(request.POST or None, request.FILES or None, user=request.user,
                        initial=initial)
    if form.is_valid():
        try:
            resource = services.create_resource(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Resource shared. Thank you!"))
            return redirect(resource)
    return render(request, "innovations/bank/resource_form.html", {"form": form})


@login_required
def resource_detail(request, pk):
    resource = get_resource_for_user(request.user, pk)
    return _render_resource(request, resource)


def _render_resource(request, resource, rating_form=None):
    ratings = selectors.resource_ratings(resource, request.user)
    mine = ratings["mine"]
    if rating_form is None:
        rating_form = ResourceRatingForm(
            initial={"stars": mine.stars, "comment": mine.comment} if mine else None
        )
    context = {
        "resource": resource,
        "ratings": ratings,
        "rating_form": rating_form,
        "can_edit": can_edit_resource(request.user, resource),
        "may_rate": resource.is_published and resource.created_by_id != request.user.pk,
        "versions": selectors.resource_versions(resource),
        "file_name": _file_name(resource),
    }
    return render(request, "innovations/bank/resource_detail.html", context)


def _file_name(resource) -> str:
    return PurePath(resource.file.name).name if resource.file else ""


@login_required
def resource_update(request, pk):
    resource = get_resource_for_user(request.user, pk, write=True)
    form = ResourceForm(request.POST or None, request.FILES or None, user=request.user,
                        resource=resource)
    if form.is_valid():
        try:
            services.update_resource(resource, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            resource.refresh_from_db()
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(resource)
    context = {"form": form, "resource": resource, "file_name": _file_name(resource)}
    return render(request, "innovations/bank/resource_form.html", context)


@login_required
def resource_download(request, pk):
    resource = get_resource_for_user(request.user, pk)
    if resource.file:
        response = private_file_response(resource.file)
        services.record_download(resource)
        return response
    services.record_download(resource)
    return HttpResponseRedirect(resource.url)


@login_required
@require_POST
def resource_rate(request, pk):
    resource = get_resource_for_user(request.user, pk)
    form = ResourceRatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_resource(resource, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect(f"{resource.get_absolute_url()}#ratings")
    return _render_resource(request, resource, rating_form=form)
