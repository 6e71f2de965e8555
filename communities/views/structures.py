from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage import exports
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.i18n import set_language_cookie

from ..exports import STRUCTURE_COLUMNS
from ..selectors import structures as selectors
from ..services import structures as services
from ..filters import StructureFilter
from ..forms.structures import InvitationForm, MembershipRoleForm, ProfileForm, StructureForm
from ..models import Invitation, Structure
from ..permissions import (
    get_invitation_for_manager,
    get_membership_for_manager,
    get_structure_for_user,
    structure_access,
)

DIRECTORY_PAGE_SIZE = 25


# --- Directory of structures --------------------------------------------------------


def _directory(request) -> StructureFilter:
    """The directory as the person may see it, with the filters of the address."""
    structures = Structure.objects.visible_to(request.user).with_territories()
    return StructureFilter(request.GET or None, queryset=structures)


@login_required
def structure_list(request):
    filterset = _directory(request)
    page = Paginator(filterset.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = query_without(request, "page")
    context = {"filterset": filterset, "page": page, "query": query}
    template = "communities/_structure_results.html" if request.htmx else (
        "communities/structure_list.html"
    )
    return render(request, template, context)


@login_required
def structure_export(request, fmt):
    exports.export_format(fmt)
    # An invalid filter leaves the list unfiltered, as on the page.
    structures = _directory(request).qs.order_by("name", "pk")
    return exports.export_response(
        fmt, exports.rows_of(structures), STRUCTURE_COLUMNS,
        filename=exports.dated_filename("structures"), sheet_title=_("Structures"))


@login_required
def structure_detail(request, pk):
    structure = get_structure_for_user(request.user, pk)
    access = structure_access(request.user, structure)
    may_see_members = access.is_member or access.can_manage
    context = {
        "structure": structure,
        "access": access,
        "members": selectors.members_of(structure) if may_see_members else None,
    }
    return render(request, "communities/structure_detail.html", context)


@login_required
def structure_create(request):
    form = StructureForm(request.POST or None)
    if form.is_valid():
        try:
            structure = services.create_structure(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Structure registered. You are its manager."))
            return redirect(structure)
    return render(request, "communities/structure_form.html", {"form": form})


@login_required
def structure_update(request, pk):
    structure = get_structure_for_user(request.user, pk, write=True)
    form = StructureForm(request.POST or None, instance=structure)
    if form.is_valid():
        try:
            services.update_structure(structure, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(structure)
    context = {"form": form, "structure": structure}
    return render(request, "communities/structure_form.html", context)


# --- Members and invitations ----------------------------------------------------------


def _render_members(request, structure, invitation_form=None):
    context = {
        "structure": structure,
        "members": selectors.members_of(structure),
        "invitations": selectors.open_invitations_of(structure),
        "invitation_form": invitation_form or InvitationForm(),
        "role_choices": MembershipRoleForm.base_fields["role"].choices,
        "validity_days": settings.INVITATION_VALIDITY_DAYS,
    }
    return render(request, "communities/structure_members.html", context)


@login_required
def structure_members(request, pk):
    structure = get_structure_for_user(request.user, pk, write=True)
    return _render_members(request, structure)


@login_required
@require_POST
def invitation_create(request, pk):
    structure = get_structure_for_user(request.user, pk, write=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_member(
                structure,
                invited_by=request.user,
                language=translation.get_language(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("communities:structure_members", pk=structure.pk)
    return _render_members(request, structure, invitation_form=form)


@login_required
@require_POST
def invitation_resend(request, pk):
    invitation = get_invitation_for_manager(request.user, pk)
    try:
        services.resend_invitation(invitation)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(
            request, _("A new link was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("communities:structure_members", pk=invitation.structure_id)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_invitation_for_manager(request.user, pk)
    try:
        services.revoke_invitation(invitation)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(
            request, _("The invitation to %(email)s was cancelled.") % {"email": invitation.email}
        )
    return redirect("communities:structure_members", pk=invitation.structure_id)


@login_required
@require_POST
def membership_update(request, pk):
    membership = get_membership_for_manager(request.user, pk)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.change_member_role(membership, form.cleaned_data["role"])
        except ValidationError as error:
            flash_service_error(request, error)
        else:
            messages.success(
                request, _("%(person)s is now %(role)s.") % {
                    "person": membership.user,
                    "role": dict(form.fields["role"].choices)[form.cleaned_data["role"]].lower(),
                }
            )
    return redirect("communities:structure_members", pk=membership.structure_id)


@login_required
@require_POST
def membership_remove(request, pk):
    membership = get_membership_for_manager(request.user, pk)
    try:
        services.remove_member(membership)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(
            request, _("%(person)s was removed from %(structure)s.") % {
                "person": membership.user, "structure": membership.structure,
            }
        )
    return redirect("communities:structure_members", pk=membership.structure_id)


@login_required
@require_POST
def structure_leave(request, pk):
    structure = get_structure_for_user(request.user, pk)
    membership = get_object_or_404(structure.memberships, user=request.user)
    try:
        services.remove_member(membership)
    except ValidationError as error:
        flash_service_error(request, error)
        return redirect(structure)
    messages.success(request, _("You left %(structure)s.") % {"structure": structure})
    return redirect("home")


def invitation_accept(request, key):
    # The key is the secret: whoever holds the link may read who invited them.
    invitation = get_object_or_404(
        Invitation.objects.select_related("structure", "invited_by"), key=key
    )
    refusal = services.invitation_refusal(invitation, request.user)
    if request.method == "POST" and request.user.is_authenticated and refusal is None:
        try:
            services.accept_invitation(invitation, request.user)
        except ValidationError as error:
            refusal = error
        else:
            messages.success(
                request, _("Welcome to %(structure)s.") % {"structure": invitation.structure}
            )
            return redirect(invitation.structure)
    if not request.user.is_authenticated and invitation.is_pending:
        # Signing up with the invited address proves it: no confirmation e-mail needed.
        get_adapter(request).stash_verified_email(request, invitation.email)
    next_query = urlencode({"next": request.path})
    context = {
        "invitation": invitation,
        "refusal": " ".join(refusal.messages) if refusal else None,
        "login_url": f"{reverse('account_login')}?{next_query}",
        "signup_url": f"{reverse('account_signup')}?{next_query}&"
        f"{urlencode({'email': invitation.email})}",
    }
    status = 410 if refusal and not invitation.is_pending else 200
    return render(request, "communities/invitation_accept.html", context, status=status)


# --- Profile --------------------------------------------------------------------------


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        services.update_profile(request.user, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        response = redirect("communities:profile")
        set_language_cookie(response, form.cleaned_data["language"])
        return response
    context = {
        "form": form,
        "memberships": selectors.memberships_of(request.user),
        "invitations": selectors.invitations_for(request.user),
    }
    return render(request, "communities/profile.html", context)
