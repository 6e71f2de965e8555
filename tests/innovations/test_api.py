"""Innovations in the API: published records for all, drafts for their structure's members."""

import pytest
from django.urls import reverse

from innovations.models import Innovation
from tests.essaimage.api_helpers import api_get, ids, token_header
from tests.factories import InnovationFactory, PublishedInnovationFactory, ThemeFactory

LIST = reverse("api:innovation-list")


@pytest.fixture
def records(cast, ines, ines_structure):
    employment = ThemeFactory(name="Emploi", slug="emploi")
    published = PublishedInnovationFactory(title="TAPAJ", owner=ines_structure,
                                           stage=Innovation.Stage.SCALING_UP)
    published.themes.add(employment)
    other = PublishedInnovationFactory(title="Parcours Gardien")
    draft = InnovationFactory(title="Brouillon de TAPAJ 2", owner=ines_structure)
    return {**cast, "ines": ines, "published": published, "other": other, "draft": draft}


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "fanny", "remi", "oscar"])
def test_everyone_reads_published_records_and_not_others_drafts(client, records, who):
    seen = ids(api_get(client, records[who], LIST))

    assert seen == {records["published"].pk, records["other"].pk}
    detail = reverse("api:innovation-detail", args=[records["draft"].pk])
    assert api_get(client, records[who], detail).status_code == 404


def test_the_innovators_members_and_admins_read_its_drafts(client, records):
    everything = {records[key].pk for key in ("published", "other", "draft")}

    assert ids(api_get(client, records["ines"], LIST)) == everything
    assert ids(api_get(client, records["admin"], LIST)) == everything


def test_anonymous_programs_are_refused(client, records):
    assert api_get(client, None, LIST).status_code == 401


def test_a_record_names_its_innovator_and_themes(client, records):
    body = api_get(client, records["oscar"],
                   reverse("api:innovation-detail", args=[records["published"].pk])).json()

    assert body["title"] == "TAPAJ"
    assert body["owner"] == {"id": records["ines"].memberships.get().structure_id,
                             "name": "TAPAJ France"}
    assert body["themes"] == [{"slug": "emploi", "name": "Emploi"}]
    assert body["status"] == "published"


def test_filters_by_theme_stage_status_and_owner(client, records):
    ines = records["ines"]
    owner = ines.memberships.get().structure_id

    assert ids(api_get(client, ines, LIST, theme="emploi")) == {records["published"].pk}
    assert ids(api_get(client, ines, LIST, stage="scaling_up")) == {records["published"].pk}
    assert ids(api_get(client, ines, LIST, status="draft")) == {records["draft"].pk}
    assert ids(api_get(client, ines, LIST, owner=owner)) == {
        records["published"].pk, records["draft"].pk}
    assert api_get(client, ines, LIST, owner=0).status_code == 400


def test_innovation_list_queries_do_not_grow(client, records, django_assert_max_num_queries):
    headers = token_header(records["oscar"])
    # the token and its person, the count, the page with innovators, the themes
    with django_assert_max_num_queries(4):
        client.get(LIST, **headers)
    theme = ThemeFactory()
    for innovation in PublishedInnovationFactory.create_batch(20):
        innovation.themes.add(theme)
    with django_assert_max_num_queries(4):
        response = client.get(LIST, **headers)
    assert response.json()["count"] == 22
