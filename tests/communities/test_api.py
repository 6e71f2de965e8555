"""The directory of structures in the API: open to every signed-in person, filtered as the page."""

import pytest
from django.urls import reverse

from communities.models import Structure
from tests.essaimage.api_helpers import api_get, ids, token_header
from tests.factories import StructureFactory, department

LIST = reverse("api:structure-list")


@pytest.fixture
def directory(cast, ansa, bob_structure, carol_structure, funder_structure):
    archived = StructureFactory(name="Association dissoute", is_archived=True)
    return {"active": {s.pk for s in Structure.objects.active()}, "archived": archived}


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "fanny", "remi", "oscar"])
def test_every_signed_in_person_reads_the_active_directory(client, cast, directory, who):
    assert ids(api_get(client, cast[who], LIST, page_size=200)) == directory["active"]


def test_archived_structures_are_for_admins_only(client, cast, directory):
    archived = directory["archived"]

    assert archived.pk in ids(api_get(client, cast["admin"], LIST, page_size=200))
    detail = reverse("api:structure-detail", args=[archived.pk])
    assert api_get(client, cast["oscar"], detail).status_code == 404
    assert api_get(client, cast["admin"], detail).json()["is_archived"] is True


def test_anonymous_programs_are_refused(client, directory):
    response = api_get(client, None, LIST)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_structure_shows_what_the_directory_shows_and_no_contact(client, cast, carol_structure):
    carol_structure.email = "contact@atelier-le-fil.example"
    carol_structure.phone = "04 76 00 00 00"
    carol_structure.save()

    body = api_get(client, cast["oscar"],
                   reverse("api:structure-detail", args=[carol_structure.pk])).json()

    assert body["name"] == "Atelier Le Fil"
    assert body["kind"] == "social_enterprise"
    assert body["department"] == {"code": "38", "name": "Isère"}
    assert body["region"]["code"] == "84"
    assert body["url"] == carol_structure.get_absolute_url()
    assert "email" not in body and "phone" not in body


def test_filters_by_kind_department_region_and_words(client, cast, ansa, bob_structure,
                                                     carol_structure, funder_structure):
    oscar = cast["oscar"]

    assert ids(api_get(client, oscar, LIST, kind="funder")) == {funder_structure.pk}
    assert ids(api_get(client, oscar, LIST, department="38")) == {carol_structure.pk}
    assert ids(api_get(client, oscar, LIST, region="84")) == {
        carol_structure.pk, funder_structure.pk}
    assert ids(api_get(client, oscar, LIST, q="essor nievre")) == {bob_structure.pk}
    assert api_get(client, oscar, LIST, kind="planet").status_code == 400


def test_pages_hold_50_unless_asked_and_200_at_most(client, cast):
    StructureFactory.create_batch(230)
    oscar = cast["oscar"]

    first = api_get(client, oscar, LIST).json()
    big = api_get(client, oscar, LIST, page_size=1000).json()
    last = api_get(client, oscar, LIST, page_size=200, page=2).json()

    assert len(first["results"]) == 50
    assert first["count"] == Structure.objects.active().count()
    assert "page=2" in first["next"] and first["previous"] is None
    assert len(big["results"]) == 200
    assert len(last["results"]) == first["count"] - 200
    assert last["next"] is None
    expected = list(Structure.objects.active().order_by("name", "pk").values_list("pk", flat=True))
    assert [row["id"] for row in first["results"]] == expected[:50]


def test_a_page_past_the_end_is_a_404(client, cast):
    response = api_get(client, cast["oscar"], LIST, page=99)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_directory_queries_do_not_grow(client, cast, django_assert_max_num_queries):
    headers = token_header(cast["oscar"])
    # the token and its person, the count, the page with départements and régions
    with django_assert_max_num_queries(3):
        client.get(LIST, **headers)
    StructureFactory.create_batch(60, department=department("38"))
    with django_assert_max_num_queries(3):
        response = client.get(LIST, **headers)
    assert len(response.json()["results"]) == 50
