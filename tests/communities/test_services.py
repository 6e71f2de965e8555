from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.services import structures as services
from communities.models import Invitation, Membership, Structure

from ..factories import InvitationFactory, MembershipFactory, StructureFactory, UserFactory, department

pytestmark = pytest.mark.django_db


# --- Structures ----------------------------------------------------------------------


def test_creating_a_structure_makes_its_creator_manager(oscar):
    structure = services.create_structure(
        created_by=oscar, name="Régie de quartier", kind=Structure.Kind.ASSOCIATION,
        postal_code="58000", city="Nevers",
    )
    membership = structure.memberships.get()
    assert membership.user == oscar
    assert membership.is_manager
    assert structure.created_by == oscar


def test_department_and_region_are_deduced_from_the_postal_code(oscar):
    structure = services.create_structure(
        created_by=oscar, name="Association corse", kind=Structure.Kind.ASSOCIATION,
        postal_code="20200",
    )
    assert structure.department.code == "2B"
    assert structure.region.name == "Corse"


def test_region_follows_the_department(oscar):
    structure = services.create_structure(
        created_by=oscar, name="Atelier", kind=Structure.Kind.COMPANY, department=department("38"),
    )
    assert structure.region.code == "84"


def test_department_outside_the_chosen_region_is_refused(oscar):
    brittany = department("35").parent
    with pytest.raises(ValidationError) as error:
        services.create_structure(
            created_by=oscar, name="Mauvais territoire", kind=Structure.Kind.ASSOCIATION,
            department=department("58"), region=brittany,
        )
    assert error.value.error_dict["department"][0].code == "territory_mismatch"
    assert not Structure.objects.filter(name="Mauvais territoire").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("siret", "73282932000075"), ("rna", "W12"), ("postal_code", "7500"), ("kind", "alien"),
     ("website", "not a url"), ("name", "")],
)
def test_invalid_structure_data_is_refused_and_nothing_is_written(oscar, field, value):
    data = {"name": "Structure", "kind": Structure.Kind.ASSOCIATION, field: value}
    with pytest.raises(ValidationError) as error:
        services.create_structure(created_by=oscar, **data)
    assert field in error.value.error_dict
    assert not Membership.objects.filter(user=oscar).exists()


def test_duplicate_siret_is_refused(oscar):
    StructureFactory(siret="73282932000074")
    with pytest.raises(ValidationError):
        services.create_structure(created_by=oscar, name="Copie", kind=Structure.Kind.COMPANY,
                                  siret="73282932000074")


def test_update_keeps_history(bob, bob_structure):
    services.update_structure(bob_structure, description="Nouvelle description")
    bob_structure.refresh_from_db()
    assert bob_structure.description == "Nouvelle description"
    assert bob_structure.history.count() == 2


def test_update_refuses_fields_that_are_not_editable(bob_structure):
    with pytest.raises(ValueError):
        services.update_structure(bob_structure, is_archived=True)


def test_search_ignores_accents_and_case(db):
    StructureFactory(name="Mouvement Emmaüs")
    StructureFactory(name="Unapei")
    assert [s.name for s in Structure.objects.search("emmaus")] == ["Mouvement Emmaüs"]
    assert [s.name for s in Structure.objects.search("MOUVEMENT EMMAÜS")] == ["Mouvement Emmaüs"]


# --- Memberships -----------------------------------------------------------------------


def test_last_manager_cannot_be_demoted(bob, bob_structure):
    membership = bob_structure.memberships.get(user=bob)
    with pytest.raises(ValidationError) as error:
        services.change_member_role(membership, Membership.Role.MEMBER)
    assert error.value.error_dict["role"][0].code == "last_manager"
    membership.refresh_from_db()
    assert membership.is_manager


def test_a_manager_can_be_demoted_when_another_remains(bob, bob_structure):
    MembershipFactory(structure=bob_structure, role=Membership.Role.MANAGER)
    membership = bob_structure.memberships.get(user=bob)
    services.change_member_role(membership, Membership.Role.MEMBER)
    membership.refresh_from_db()
    assert not membership.is_manager


def test_invalid_role_is_refused(bob, bob_structure):
    membership = MembershipFactory(structure=bob_structure)
    with pytest.raises(ValidationError):
        services.change_member_role(membership, "owner")


def test_last_manager_cannot_be_removed(bob, bob_structure):
    with pytest.raises(ValidationError) as error:
        services.remove_member(bob_structure.memberships.get(user=bob))
    assert error.value.code == "last_manager"
    assert bob_structure.memberships.filter(user=bob).exists()


def test_removing_a_member_keeps_a_trace_in_history(bob_structure):
    membership = MembershipFactory(structure=bob_structure)
    services.remove_member(membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.filter(id=membership.pk, history_type="-").exists()


# --- Invitations ------------------------------------------------------------------------


def invite(structure, inviter, email="new@example.org", role=Membership.Role.MEMBER):
    return services.invite_member(structure, email=email, role=role, invited_by=inviter)


def test_invitation_is_emailed_once_committed(bob, bob_structure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(bob_structure, bob, email="  New@Example.org ")
    assert invitation.email == "new@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert invitation.key in message.body
    assert "Essor Emploi Nièvre" in message.subject
    assert message.alternatives[0][1] == "text/html"
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_sending_an_invitation_twice_sends_one_email(bob, bob_structure):
    invitation = InvitationFactory(structure=bob_structure, invited_by=bob)
    assert services.send_invitation_email(invitation) is True
    assert services.send_invitation_email(invitation) is False
    assert len(mail.outbox) == 1


def test_inviting_a_member_again_is_refused(bob, bob_structure):
    with pytest.raises(ValidationError) as error:
        invite(bob_structure, bob, email="BOB@example.org")
    assert error.value.error_dict["email"][0].code == "already_member"


def test_inviting_twice_while_pending_is_refused(bob, bob_structure):
    invite(bob_structure, bob)
    with pytest.raises(ValidationError) as error:
        invite(bob_structure, bob, email="NEW@example.org")
    assert error.value.error_dict["email"][0].code == "already_invited"
    assert bob_structure.invitations.count() == 1


def test_an_expired_invitation_is_reissued_not_duplicated(bob, bob_structure):
    old = InvitationFactory(structure=bob_structure, email="new@example.org",
                            expires_at=timezone.now() - timedelta(days=1))
    old_key = old.key
    renewed = invite(bob_structure, bob, role=Membership.Role.MANAGER)
    assert renewed.pk == old.pk
    assert renewed.key != old_key
    assert renewed.is_pending
    assert renewed.role == Membership.Role.MANAGER


def test_accepting_creates_the_membership_and_uses_up_the_link(bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org",
                                   role=Membership.Role.MANAGER)
    newcomer = UserFactory(email="new@example.org")
    membership = services.accept_invitation(invitation, newcomer)
    assert membership.structure == bob_structure
    assert membership.is_manager
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, newcomer)
    assert error.value.code == "invitation_used"


def test_an_expired_invitation_cannot_be_accepted(bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org",
                                   expires_at=timezone.now() - timedelta(minutes=1))
    newcomer = UserFactory(email="new@example.org")
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, newcomer)
    assert error.value.code == "invitation_expired"
    assert not bob_structure.memberships.filter(user=newcomer).exists()


def test_a_revoked_invitation_cannot_be_accepted(bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    services.revoke_invitation(invitation)
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, UserFactory(email="new@example.org"))
    assert error.value.code == "invitation_revoked"


def test_an_invitation_is_for_the_invited_address_only(bob_structure, oscar):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, oscar)
    assert error.value.code == "wrong_address"


def test_a_verified_secondary_address_may_accept(bob_structure, oscar):
    EmailAddress.objects.create(user=oscar, email="oscar.pro@example.org", verified=True)
    invitation = InvitationFactory(structure=bob_structure, email="oscar.pro@example.org")
    services.accept_invitation(invitation, oscar)
    assert bob_structure.memberships.filter(user=oscar).exists()


def test_resending_gives_a_new_link_and_kills_the_old_one(bob, bob_structure,
                                                          django_capture_on_commit_callbacks):
    invitation = InvitationFactory(structure=bob_structure, sent_at=timezone.now())
    old_key = invitation.key
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation)
    invitation.refresh_from_db()
    assert invitation.key != old_key
    assert not Invitation.objects.filter(key=old_key).exists()
    assert len(mail.outbox) == 1


def test_a_used_invitation_cannot_be_resent_or_revoked(bob_structure):
    invitation = InvitationFactory(structure=bob_structure, accepted_at=timezone.now())
    with pytest.raises(ValidationError):
        services.resend_invitation(invitation)
    with pytest.raises(ValidationError):
        services.revoke_invitation(invitation)


def test_accepting_as_an_existing_member_upgrades_to_manager_only(bob_structure):
    member = MembershipFactory(structure=bob_structure, user=UserFactory(email="m@example.org"))
    invitation = InvitationFactory(structure=bob_structure, email="m@example.org",
                                   role=Membership.Role.MANAGER)
    services.accept_invitation(invitation, member.user)
    member.refresh_from_db()
    assert member.is_manager


# --- Profiles ---------------------------------------------------------------------------


def test_profile_update_changes_only_allowed_fields(oscar):
    services.update_profile(oscar, first_name="Oscar", language="en")
    oscar.refresh_from_db()
    assert oscar.language == "en"
    with pytest.raises(ValueError):
        services.update_profile(oscar, is_superuser=True)
