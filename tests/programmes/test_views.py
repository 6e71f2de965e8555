import pytest
from django.urls import reverse

from essaimage.roles import Role, roles_of

from ..factories import MembershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

CAST = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"]


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200),   # staff of the programme
    ("fanny", 200),   # member of a funder
    ("admin", 200),
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_programme_page_is_for_its_staff_funders_and_admins(client, cast, programme, name,
                                                            expected):
    client.force_login(cast[name])
    response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    assert response.status_code == expected


def test_members_of_the_lead_structure_see_the_programme(client, programme):
    colleague = MembershipFactory(structure=programme.lead_structure).user
    client.force_login(colleague)
    assert client.get(reverse("programmes:programme_detail", args=[programme.pk])).status_code == 200


def test_archived_programmes_are_hidden_from_their_staff(client, alice, programme):
    programme.is_archived = True
    programme.save(update_fields=["is_archived"])
    client.force_login(alice)
    assert client.get(reverse("programmes:programme_detail", args=[programme.pk])).status_code == 404


@pytest.mark.parametrize(("name", "visible"), [
    ("alice", True), ("fanny", True), ("admin", True),
    ("bob", False), ("carol", False), ("remi", False), ("oscar", False),
])
def test_programme_list_shows_only_what_each_person_may_see(client, cast, programme, name,
                                                            visible):
    ProgrammeFactory(name="Un autre programme")
    client.force_login(cast[name])
    response = client.get(reverse("programmes:programme_list"))
    assert response.status_code == 200
    names = [p.name for p in response.context["page"].object_list]
    assert ("AIS#Emploi 2018" in names) == visible
    assert ("Un autre programme" in names) == (name == "admin")


def test_programme_list_needs_sign_in(client):
    assert client.get(reverse("programmes:programme_list")).status_code == 302


def test_programme_list_query_count_does_not_grow(client, alice, ansa,
                                                  django_assert_max_num_queries):
    ProgrammeFactory.create_batch(30, lead_structure=ansa, staff=[alice])
    client.force_login(alice)
    # session, user, count, page of programmes with their lead structure
    with django_assert_max_num_queries(5):
        client.get(reverse("programmes:programme_list"))


@pytest.mark.parametrize(("name", "roles"), [
    ("alice", {Role.PROGRAMME_STAFF}),
    ("fanny", {Role.FUNDER}),
    ("admin", {Role.ADMIN}),
    ("bob", set()), ("oscar", set()),
])
def test_roles_come_from_assignments_and_memberships(cast, name, roles):
    assert roles_of(cast[name]) == roles


def test_roles_are_computed_once_per_request(alice, programme, django_assert_num_queries):
    # One query per app that grants roles: programmes and innovations.
    with django_assert_num_queries(2):
        roles_of(alice)
        roles_of(alice)
