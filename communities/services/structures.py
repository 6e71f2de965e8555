"""Every change of state for structures, memberships, invitations and profiles."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Invitation,
    Membership,
    Structure,
    Territory,
    default_invitation_expiry,
    new_invitation_key,
)
from ..validators import department_code_for_postal_code

STRUCTURE_FIELDS = (
    "name",
    "acronym",
    "kind",
    "siret",
    "rna",
    "street_address",
    "postal_code",
    "city",
    "department",
    "region",
    "website",
    "email",
    "phone",
    "description",
)


# --- Structures -------------------------------------------------------------------


def _fill_department_from_postal_code(structure: Structure) -> None:
    if structure.department_id or not structure.postal_code:
        return
    code = department_code_for_postal_code(structure.postal_code)
    structure.department = Territory.objects.departments().filter(code=code).first()


def _check_territories_agree(structure: Structure) -> None:
    if structure.department_id and structure.region_id:
        if structure.department.parent_id != structure.region_id:
            raise ValidationError(
                {"department": ValidationError(
                    _("This département is not in the region you chose."),
                    code="territory_mismatch")}
            )


@transaction.atomic
def create_structure(*, created_by, **fields) -> Structure:
    """Register a structure and make the person who registered it its first manager."""
    structure = Structure(created_by=created_by, **fields)
    _fill_department_from_postal_code(structure)
    _check_territories_agree(structure)
    structure.full_clean()
    structure.save()
    Membership.objects.create(user=created_by, structure=structure, role=Membership.Role.MANAGER)
    return structure


@transaction.atomic
def update_structure(structure: Structure, **fields) -> Structure:
    """Change a structure's description; the previous version stays in its history."""
    unknown = set(fields) - set(STRUCTURE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(structure, name, value)
    _fill_department_from_postal_code(structure)
    _check_territories_agree(structure)
    structure.full_clean()
    structure.save()
    return structure


# --- Memberships --------------------------------------------------------------------


def _is_last_manager(membership: Membership) -> bool:
    if not membership.is_manager:
        return False
    others = membership.structure.memberships.managers().exclude(pk=membership.pk)
    return not others.exists()


@transaction.atomic
def change_member_role(membership: Membership, role: str) -> Membership:
    """Give a member another role, keeping at least one manager in the structure."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(_("Choose a valid role."),
                                                       code="invalid_role")})
    if role != Membership.Role.MANAGER and _is_last_manager(membership):
        raise ValidationError({"role": ValidationError(
            _("A structure needs at least one manager: name another one first."),
            code="last_manager")})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    """Take a person out of a structure, unless they are its last manager."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if _is_last_manager(membership):
        raise ValidationError(
            _("%(person)s is the last manager of %(structure)s: name another manager first.")
            % {"person": membership.user, "structure": membership.structure},
            code="last_manager",
        )
    membership.delete()


# --- Invitations --------------------------------------------------------------------


def _queue_invitation_email(invitation: Invitation) -> None:
    from ..tasks import send_invitation_email_task

    # Queue after commit: until then the worker cannot see the invitation.
    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.pk))


def _renew(invitation: Invitation) -> None:
    """Give the invitation a new link and a new deadline; the old link stops working."""
    invitation.key = new_invitation_key()
    invitation.expires_at = default_invitation_expiry()
    invitation.sent_at = None


@transaction.atomic
def invite_member(
    structure: Structure, *, email: str, role: str, invited_by, language: str = "fr"
) -> Invitation:
    """Invite an e-mail address to join `structure` with `role`, and e-mail the link once."""
    email = email.strip().lower()
    if structure.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": ValidationError(
            _("%(email)s is already a member of this structure.") % {"email": email},
            code="already_member")})
    invitation = structure.invitations.open().filter(email__iexact=email).first()
    if invitation is not None and invitation.is_pending:
        raise ValidationError({"email": ValidationError(
            _("An invitation to %(email)s is already pending; send it again from the list of "
              "invitations if it was lost.") % {"email": email},
            code="already_invited")})
    if invitation is None:
        invitation = Invitation(structure=structure, email=email)
    else:
        _renew(invitation)  # an expired invitation is reissued rather than duplicated
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.language = language
    invitation.full_clean()
    invitation.save()
    _queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation) -> Invitation:
    """Send a new link for an invitation that was not used; the previous link dies."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."), code="invitation_used")
    if invitation.revoked_at:
        raise ValidationError(_("This invitation was cancelled: invite the person again."),
                              code="invitation_revoked")
    _renew(invitation)
    invitation.save(update_fields=["key", "expires_at", "sent_at"])
    _queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation) -> Invitation:
    """Cancel an invitation so its link no longer works."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(
            _("This invitation was already accepted: remove the member instead."),
            code="invitation_used",
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_refusal(invitation: Invitation, user) -> ValidationError | None:
    """Why `user` may not accept `invitation` now, or None if they may."""
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        return ValidationError(_("This invitation has already been used."),
                               code="invitation_used")
    if status == Invitation.Status.REVOKED:
        return ValidationError(_("This invitation was cancelled by the structure."),
                               code="invitation_revoked")
    if status == Invitation.Status.EXPIRED:
        return ValidationError(
            _("This invitation has expired. Ask a manager of %(structure)s to send it again.")
            % {"structure": invitation.structure},
            code="invitation_expired",
        )
    if user.is_authenticated and not user_owns_email(user, invitation.email):
        return ValidationError(
            _("This invitation was sent to %(invited)s, but you are signed in as %(current)s. "
              "Sign in with the invited address, or add it to your account first.")
            % {"invited": invitation.email, "current": user.email},
            code="wrong_address",
        )
    return None


def user_owns_email(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    if user.email.lower() == email.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> Membership:
    """Make `user` a member of the inviting structure; the invitation link then stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = invitation_refusal(invitation, user)
    if refusal is not None:
        raise refusal
    membership, created = Membership.objects.get_or_create(
        user=user, structure=invitation.structure, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.MANAGER and not membership.is_manager:
        membership.role = Membership.Role.MANAGER
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def send_invitation_email(invitation: Invitation) -> bool:
    """E-mail the invitation link unless it was already sent; True when this call sent it."""
    from essaimage.emails import absolute_url, send_templated_email

    # Claim the send first, so that a task delivered twice sends one e-mail.
    claimed = Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed or not invitation.is_pending:
        return False
    try:
        send_templated_email(
            "invitation",
            to=[invitation.email],
            language=invitation.language,
            context={
                "invitation": invitation,
                "structure": invitation.structure,
                "inviter": invitation.invited_by,
                "accept_url": absolute_url(invitation.get_absolute_url()),
            },
        )
    except Exception:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
        raise
    return True


# --- Profiles -------------------------------------------------------------------------


PROFILE_FIELDS = ("first_name", "last_name", "job_title", "phone", "language")


def update_profile(user, **fields):
    """Save the fields a person may change about themselves."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(fields))
    return user
