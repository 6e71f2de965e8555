import pytest
from django.urls import reverse

from ..factories import MembershipFactory, StructureFactory, department

pytestmark = pytest.mark.django_db

# session, user, the chosen territory (validating the filter), count, page of structures
# with their territories, regions and départements for the filter form
DIRECTORY_QUERIES = 8


def directory_queries(client, user, count, django_assert_max_num_queries, **params):
    codes = ["58", "38", "75", "2A", "974", "59"]
    for index in range(count):
        StructureFactory(department=department(codes[index % len(codes)]))
    client.force_login(user)
    with django_assert_max_num_queries(DIRECTORY_QUERIES) as context:
        response = client.get(reverse("communities:structure_list"), params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [
    {},
    {"department": "58"},
    {"q": "association", "kind": "association"},
    {"page": "2"},
])
def test_directory_query_count_does_not_grow(client, oscar, django_assert_max_num_queries, params):
    small = directory_queries(client, oscar, 10, django_assert_max_num_queries, **params)
    large = directory_queries(client, oscar, 90, django_assert_max_num_queries, **params)
    assert small == large


def test_structure_detail_query_count_does_not_grow_with_members(client, bob, bob_structure,
                                                                 django_assert_max_num_queries):
    for _ in range(40):
        MembershipFactory(structure=bob_structure)
    client.force_login(bob)
    # session, user, structure, the viewer's membership, other managers, members
    with django_assert_max_num_queries(7):
        client.get(reverse("communities:structure_detail", args=[bob_structure.pk]))


def test_members_page_query_count_does_not_grow(client, bob, bob_structure,
                                                django_assert_max_num_queries):
    from ..factories import InvitationFactory

    for _ in range(30):
        MembershipFactory(structure=bob_structure)
        InvitationFactory(structure=bob_structure)
    client.force_login(bob)
    # session, user, structure, manager check, members, invitations
    with django_assert_max_num_queries(7):
        client.get(reverse("communities:structure_members", args=[bob_structure.pk]))


def test_htmx_requests_get_only_the_results(client, oscar):
    StructureFactory(name="Régie de quartier")
    client.force_login(oscar)
    response = client.get(reverse("communities:structure_list"), {"q": "regie"},
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Régie de quartier" in html
    assert "<html" not in html
