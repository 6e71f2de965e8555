"""Reads about people and structures that several pages share."""

from ..models import Invitation, Membership, Structure


def memberships_of(user):
    """The structures a person belongs to, with their territories, managers first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("structure__department", "structure__region")
        .order_by("role", "structure__name")
    )


def invitations_for(user):
    """Invitations still waiting for this person's answer."""
    return Invitation.objects.pending().addressed_to(user).select_related("structure", "invited_by")


def members_of(structure: Structure):
    return structure.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__email"
    )


def open_invitations_of(structure: Structure):
    """Invitations not yet accepted nor revoked (expired ones included, to send again)."""
    return structure.invitations.open().select_related("invited_by").order_by("-created_at")


def invitations_sent_by_managed_structures(user):
    """Pending invitations of every structure this person manages."""
    return Invitation.objects.pending().filter(
        structure__memberships__user=user,
        structure__memberships__role=Membership.Role.MANAGER,
    )
