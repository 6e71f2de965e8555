"""Every page of the communities app, for every role of the cast: who gets in, who is refused."""

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Invitation, Membership, Structure

from ..factories import InvitationFactory, MembershipFactory, StructureFactory, UserFactory, department

pytestmark = pytest.mark.django_db

CAST = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"]


def status_for(client, user, method, url, data=None):
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


# --- Who may open which page ---------------------------------------------------------------


@pytest.mark.parametrize("name", CAST)
def test_every_signed_in_person_browses_the_directory(client, cast, name):
    assert status_for(client, cast[name], "get", reverse("communities:structure_list")) == 200


@pytest.mark.parametrize("url_name", ["structure_list", "structure_create", "profile"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(f"communities:{url_name}"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", CAST)
def test_every_signed_in_person_reads_a_structure(client, cast, bob_structure, name):
    url = reverse("communities:structure_detail", args=[bob_structure.pk])
    assert status_for(client, cast[name], "get", url) == 200


@pytest.mark.parametrize(("name", "expected"), [
    ("admin", 200), *[(n, 404) for n in CAST if n != "admin"],
])
def test_archived_structures_are_hidden_except_from_admins(client, cast, name, expected):
    archived = StructureFactory(is_archived=True)
    url = reverse("communities:structure_detail", args=[archived.pk])
    assert status_for(client, cast[name], "get", url) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 200), ("admin", 200),
    ("alice", 403), ("carol", 403), ("fanny", 403), ("remi", 403), ("oscar", 403),
])
@pytest.mark.parametrize("url_name", ["structure_update", "structure_members"])
def test_only_managers_and_admins_edit_a_structure(client, cast, bob_structure, name, expected,
                                                   url_name):
    url = reverse(f"communities:{url_name}", args=[bob_structure.pk])
    assert status_for(client, cast[name], "get", url) == expected


def test_a_plain_member_cannot_edit_or_manage(client, bob_structure):
    member = MembershipFactory(structure=bob_structure).user
    for url_name in ["structure_update", "structure_members"]:
        url = reverse(f"communities:{url_name}", args=[bob_structure.pk])
        assert status_for(client, member, "get", url) == 403


def test_unknown_structure_is_404(client, bob):
    assert status_for(client, bob, "get", reverse("communities:structure_update", args=[999999])) == 404


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 302), ("admin", 302),
    ("alice", 403), ("carol", 403), ("fanny", 403), ("remi", 403), ("oscar", 403),
])
def test_only_managers_invite(client, cast, bob_structure, name, expected):
    url = reverse("communities:invitation_create", args=[bob_structure.pk])
    status = status_for(client, cast[name], "post", url, {"email": "x@example.org", "role": "member"})
    assert status == expected
    assert Invitation.objects.filter(email="x@example.org").exists() == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 302), ("admin", 302),
    ("alice", 404), ("carol", 404), ("fanny", 404), ("remi", 404), ("oscar", 404),
])
@pytest.mark.parametrize("url_name", ["invitation_resend", "invitation_revoke"])
def test_only_managers_resend_or_revoke_invitations(client, cast, bob_structure, name, expected,
                                                     url_name):
    invitation = InvitationFactory(structure=bob_structure)
    url = reverse(f"communities:{url_name}", args=[invitation.pk])
    assert status_for(client, cast[name], "post", url) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 302), ("admin", 302),
    ("alice", 404), ("carol", 404), ("fanny", 404), ("remi", 404), ("oscar", 404),
])
@pytest.mark.parametrize("url_name", ["membership_update", "membership_remove"])
def test_only_managers_change_or_remove_members(client, cast, bob_structure, name, expected,
                                                url_name):
    membership = MembershipFactory(structure=bob_structure)
    url = reverse(f"communities:{url_name}", args=[membership.pk])
    assert status_for(client, cast[name], "post", url, {"role": "manager"}) == expected
    if expected == 404:
        membership.refresh_from_db()
        assert membership.role == Membership.Role.MEMBER


def test_a_plain_member_sees_members_but_cannot_change_them(client, bob_structure):
    member = MembershipFactory(structure=bob_structure).user
    other = MembershipFactory(structure=bob_structure)
    client.force_login(member)
    response = client.get(reverse("communities:structure_detail", args=[bob_structure.pk]))
    assert other.user.display_name in response.content.decode()
    url = reverse("communities:membership_remove", args=[other.pk])
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=other.pk).exists()


def test_outsiders_do_not_see_who_belongs_to_a_structure(client, oscar, bob, bob_structure):
    client.force_login(oscar)
    response = client.get(reverse("communities:structure_detail", args=[bob_structure.pk]))
    assert "Lefèvre" not in response.content.decode()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_state_changes_refuse_other_methods(client, bob, bob_structure, method):
    invitation = InvitationFactory(structure=bob_structure)
    client.force_login(bob)
    url = reverse("communities:invitation_revoke", args=[invitation.pk])
    assert getattr(client, method)(url).status_code == 405


def test_csrf_is_enforced_on_forms(bob, bob_structure):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    url = reverse("communities:invitation_create", args=[bob_structure.pk])
    assert client.post(url, {"email": "x@example.org", "role": "member"}).status_code == 403


# --- What the pages do ---------------------------------------------------------------------


def test_registering_a_structure(client, oscar):
    client.force_login(oscar)
    response = client.post(reverse("communities:structure_create"), {
        "name": "Régie de quartier du Banlay", "kind": "association",
        "siret": "732 829 320 00074", "postal_code": "58000", "city": "Nevers",
    })
    structure = Structure.objects.get(name="Régie de quartier du Banlay")
    assert response.status_code == 302
    assert response["Location"] == structure.get_absolute_url()
    assert structure.siret == "73282932000074"
    assert structure.department.code == "58"
    assert structure.memberships.get().user == oscar


def test_an_invalid_siret_is_explained_next_to_the_field_and_input_kept(client, oscar):
    client.force_login(oscar)
    response = client.post(reverse("communities:structure_create"), {
        "name": "Ma structure", "kind": "association", "siret": "73282932000075",
        "city": "Nevers",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "clé de contrôle" in html
    assert 'id="id_siret_errors"' in html
    assert 'value="73282932000075"' in html
    assert 'value="Ma structure"' in html
    assert 'aria-invalid="true"' in html
    assert not Structure.objects.filter(name="Ma structure").exists()


def test_a_duplicate_siret_names_the_existing_structure(client, oscar):
    StructureFactory(name="Déjà là", siret="73282932000074")
    client.force_login(oscar)
    response = client.post(reverse("communities:structure_create"), {
        "name": "Doublon", "kind": "association", "siret": "73282932000074",
    })
    assert response.status_code == 200
    assert "Déjà là" in response.content.decode()


def test_a_territory_mismatch_is_shown_on_the_department_field(client, oscar):
    from ..factories import department

    client.force_login(oscar)
    response = client.post(reverse("communities:structure_create"), {
        "name": "Mauvais territoire", "kind": "association",
        "department": department("58").pk, "region": department("35").parent.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["department"]


def test_manager_edits_the_structure(client, bob, bob_structure):
    client.force_login(bob)
    url = reverse("communities:structure_update", args=[bob_structure.pk])
    response = client.post(url, {"name": "Essor Emploi 58", "kind": "association",
                                 "website": "essor.example.org"})
    assert response.status_code == 302
    bob_structure.refresh_from_db()
    assert bob_structure.name == "Essor Emploi 58"
    assert bob_structure.website == "https://essor.example.org"


def test_invitation_form_errors_keep_the_members_page(client, bob, bob_structure):
    client.force_login(bob)
    url = reverse("communities:invitation_create", args=[bob_structure.pk])
    response = client.post(url, {"email": "bob@example.org", "role": "member"})
    assert response.status_code == 200
    assert response.context["invitation_form"].errors["email"]
    assert 'value="bob@example.org"' in response.content.decode()
    assert not mail.outbox


def test_invitation_is_sent_by_email(client, bob, bob_structure, django_capture_on_commit_callbacks):
    client.force_login(bob)
    url = reverse("communities:invitation_create", args=[bob_structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "colleague@example.org", "role": "manager"})
    assert mail.outbox[0].to == ["colleague@example.org"]


def test_the_invitation_email_speaks_the_inviters_language(client, bob, bob_structure,
                                                           django_capture_on_commit_callbacks):
    client.force_login(bob)
    client.cookies["django_language"] = "en"
    url = reverse("communities:invitation_create", args=[bob_structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "colleague@example.org", "role": "member"})
    assert "Invitation to join" in mail.outbox[0].subject


def test_the_last_manager_is_told_why_they_cannot_leave(client, bob, bob_structure):
    client.force_login(bob)
    response = client.post(reverse("communities:structure_leave", args=[bob_structure.pk]),
                           follow=True)
    assert bob_structure.memberships.filter(user=bob).exists()
    assert list(response.context["messages"])


def test_a_member_can_leave(client, bob_structure):
    member = MembershipFactory(structure=bob_structure).user
    client.force_login(member)
    response = client.post(reverse("communities:structure_leave", args=[bob_structure.pk]))
    assert response.status_code == 302
    assert not bob_structure.memberships.filter(user=member).exists()


def test_a_non_member_cannot_leave(client, oscar, bob_structure):
    client.force_login(oscar)
    assert client.post(reverse("communities:structure_leave", args=[bob_structure.pk])).status_code == 404


def test_removed_member_loses_manager_pages_at_once(client, bob, bob_structure):
    other_manager = MembershipFactory(structure=bob_structure, role=Membership.Role.MANAGER)
    client.force_login(other_manager.user)
    members_url = reverse("communities:structure_members", args=[bob_structure.pk])
    assert client.get(members_url).status_code == 200
    other_manager.delete()
    assert client.get(members_url).status_code == 403


# --- Accepting an invitation -------------------------------------------------------------


def test_invitation_link_for_anonymous_offers_signup_with_the_address(client, bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    response = client.get(reverse("communities:invitation_accept", args=[invitation.key]))
    assert response.status_code == 200
    assert "email=new%40example.org" in response.context["signup_url"]


def test_signing_up_from_an_invitation_needs_no_confirmation_email(client, bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    accept_url = reverse("communities:invitation_accept", args=[invitation.key])
    client.get(accept_url)
    response = client.post(f"{reverse('account_signup')}?next={accept_url}", {
        "first_name": "Nina", "last_name": "Nouvelle", "email": "new@example.org",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
        "next": accept_url,
    })
    assert response.status_code == 302
    assert response["Location"] == accept_url
    response = client.post(accept_url)
    assert response.status_code == 302
    assert bob_structure.memberships.filter(user__email="new@example.org").exists()
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower()]


def test_invitation_link_works_once(client, bob_structure):
    newcomer = UserFactory(email="new@example.org")
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    url = reverse("communities:invitation_accept", args=[invitation.key])
    client.force_login(newcomer)
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()


def test_expired_invitation_link_says_so(client, bob_structure):
    from datetime import timedelta

    from django.utils import timezone

    invitation = InvitationFactory(structure=bob_structure, email="new@example.org",
                                   expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(UserFactory(email="new@example.org"))
    response = client.post(reverse("communities:invitation_accept", args=[invitation.key]))
    assert response.status_code == 410
    assert not bob_structure.memberships.filter(user__email="new@example.org").exists()


def test_unknown_invitation_key_is_404(client):
    assert client.get(reverse("communities:invitation_accept", args=["nope"])).status_code == 404


def test_someone_else_cannot_use_an_invitation(client, oscar, bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email="new@example.org")
    client.force_login(oscar)
    response = client.post(reverse("communities:invitation_accept", args=[invitation.key]))
    assert response.status_code == 200
    assert response.context["refusal"]
    assert not bob_structure.memberships.filter(user=oscar).exists()


# --- Profile ---------------------------------------------------------------------------------


def test_profile_saves_the_language_and_switches_the_interface(client, oscar):
    client.force_login(oscar)
    response = client.post(reverse("communities:profile"), {
        "first_name": "Oscar", "last_name": "Petit", "language": "en",
    })
    assert response.status_code == 302
    oscar.refresh_from_db()
    assert oscar.language == "en"
    assert response.cookies["django_language"].value == "en"


def test_profile_refuses_an_unknown_language(client, oscar):
    client.force_login(oscar)
    response = client.post(reverse("communities:profile"), {
        "first_name": "Oscar", "last_name": "Petit", "language": "xx",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["language"]


def test_directory_filters_read_insee_codes(client, oscar):
    StructureFactory(name="Nivernaise")
    StructureFactory(name="Corse", department=department("2A"))
    client.force_login(oscar)
    response = client.get(reverse("communities:structure_list"), {"department": "58"})
    assert [s.name for s in response.context["page"].object_list] == ["Nivernaise"]
    response = client.get(reverse("communities:structure_list"), {"region": "94"})
    assert [s.name for s in response.context["page"].object_list] == ["Corse"]
