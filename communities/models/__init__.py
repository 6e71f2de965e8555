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
from .spaces import (  # noqa: F401
    MESSAGE_MAX_LENGTH,
    Attachment,
    Post,
    Space,
    SpaceMember,
    SpaceQuerySet,
    Thread,
)
from .codev import CodevContribution, CodevSession  # noqa: F401, E402
from .events import Event, EventQuerySet, EventRegistration  # noqa: F401, E402
from .notifications import Notification, NotificationPreference  # noqa: F401, E402
