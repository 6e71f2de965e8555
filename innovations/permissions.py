"""Who may see or change calls, applications, reviews, innovations and resources.

Views load these objects only through the helpers below; each starts from the QuerySet's
`visible_to(user)`, so outsiders get a 404 and never learn that an object exists.
"""

from django.http import Http404

from communities.models import Membership
from essaimage.roles import Role, roles_of
from essaimage.scoping import get_visible_or_404, require

from .models import Application, Call, Comment, Innovation, Resource, ReviewAssignment


# --- Calls ---------------------------------------------------------------------------------


def can_create_call(user) -> bool:
    """Programme staff and admins launch calls."""
    return user.is_authenticated and (
        user.is_superuser or user.is_staff or Role.PROGRAMME_STAFF in roles_of(user)
    )


def is_call_manager(user, call: Call) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or call.managers.filter(pk=user.pk).exists()


def get_call_for_user(user, pk, *, write=False) -> Call:
    """Return the call if `user` may see it, or manage it when `write` is set."""
    call = get_visible_or_404(Call.objects.select_related("organiser"), user, pk=pk)
    if write:
        require(is_call_manager(user, call))
    return call


# --- Applications --------------------------------------------------------------------------


def is_applicant(user, application: Application) -> bool:
    return user.is_authenticated and Membership.objects.filter(
        user=user, structure_id=application.structure_id
    ).exists()


def get_application_for_user(user, pk, *, write=False) -> Application:
    """Return the application if `user` may read it; `write` is for its applicants, on a draft."""
    application = get_visible_or_404(
        Application.objects.select_related("call", "structure", "territory", "innovation"),
        user, pk=pk,
    )
    if write:
        require(is_applicant(user, application))
    return application


def get_application_for_staff(user, pk) -> Application:
    """Return an application that `user` manages as staff of its call."""
    application = get_visible_or_404(
        Application.objects.select_related("call", "structure", "innovation"), user, pk=pk
    )
    require(is_call_manager(user, application.call))
    return application


# --- Reviews -------------------------------------------------------------------------------


def get_assignment_for_reviewer(user, pk) -> ReviewAssignment:
    """Return a review that `user` was asked to do; nobody else may open the form."""
    assignment = get_visible_or_404(
        ReviewAssignment.objects.select_related("application__call", "application__structure",
                                                "college"),
        user, pk=pk,
    )
    if assignment.reviewer_id != user.pk:
        raise Http404
    return assignment


def get_assignment_for_staff(user, pk) -> ReviewAssignment:
    assignment = get_visible_or_404(
        ReviewAssignment.objects.select_related("application__call"), user, pk=pk
    )
    require(is_call_manager(user, assignment.application.call))
    return assignment


# --- Innovations and the bank --------------------------------------------------------------


def can_edit_innovation(user, innovation: Innovation) -> bool:
    """The innovator's members and admins edit the record."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(
        user=user, structure_id=innovation.owner_id
    ).exists()


def get_innovation_for_user(user, pk, *, write=False) -> Innovation:
    """Return the innovation if `user` may see it, or edit it when `write` is set."""
    innovation = get_visible_or_404(Innovation.objects.select_related("owner"), user, pk=pk)
    if write:
        require(can_edit_innovation(user, innovation))
    return innovation


def can_moderate_innovation(user, innovation: Innovation) -> bool:
    """The innovator's managers and platform staff hide comments and see interests."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, structure_id=innovation.owner_id, role=Membership.Role.MANAGER
    ).exists()


def get_comment_for_moderator(user, pk) -> Comment:
    comment = get_object_visible_with_innovation(Comment, user, pk)
    require(can_moderate_innovation(user, comment.innovation))
    return comment


def get_object_visible_with_innovation(model, user, pk):
    """Objects that hang off an innovation are visible when the innovation is."""
    visible = Innovation.objects.visible_to(user)
    obj = model.objects.select_related("innovation").filter(pk=pk, innovation__in=visible).first()
    if obj is None:
        raise Http404
    return obj


def can_edit_resource(user, resource: Resource) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or resource.created_by_id == user.pk:
        return True
    return resource.structure_id is not None and Membership.objects.filter(
        user=user, structure_id=resource.structure_id
    ).exists()


def get_resource_for_user(user, pk, *, write=False) -> Resource:
    """Return the resource if `user` may see it, or change it when `write` is set."""
    resource = get_visible_or_404(
        Resource.objects.select_related("innovation", "structure", "created_by"), user, pk=pk
    )
    if write:
        require(can_edit_resource(user, resource))
    return resource
