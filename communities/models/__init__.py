"""People, structures, their memberships and territories; and the life of the community:
spaces and their conversations, co-development sessions, events and notifications."""

from .people import (  # noqa: F401
    fold,
    UserManager,
    User,
    TerritoryQuerySet,
    Territory,
    StructureQuerySet,
    Structure,
    MembershipQuerySet,
    Membership,
    new_invitation_key,
    default_invitation_expiry,
    InvitationQuerySet,
    Invitation,
)
