"""The API's programmes, projects, sites, meetings and decisions, for every role of the cast."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import AdopterSite, Decision, Meeting
from tests.essaimage.api_helpers import api_get, ids, token_header
from tests.factories import (
    AdopterSiteFactory,
    GovernanceBodyFactory,
    MeetingFactory,
    ProgrammeFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)


def list_url(name):
    return reverse(f"api:{name}-list")


def detail_url(name, pk):
    return reverse(f"api:{name}-detail", args=[pk])


@pytest.fixture
def world(pipeline_cast, programme, project, bob_site, carol_site, steering_committee):
    """fanny's programme with its project, two sites, a committee meeting and a decision; and
    another programme, funded by someone else, with the same."""
    meeting = MeetingFactory(body=steering_committee, title="COPIL de lancement")
    decision = Decision.objects.create(meeting=meeting, text="Les sites sont retenus.")
    other_programme = ProgrammeFactory(name="Programme d'un autre financeur",
                                       funders=[StructureFactory(name="Autre fondation")])
    other_project = ScalingProjectFactory(programme=other_programme)
    other_site = AdopterSiteFactory(project=other_project)
    other_body = GovernanceBodyFactory(project=other_project)
    other_meeting = MeetingFactory(body=other_body)
    other_decision = Decision.objects.create(meeting=other_meeting, text="Autre décision")
    return {
        **pipeline_cast,
        "programme": programme, "project": project, "bob_site": bob_site,
        "carol_site": carol_site, "committee": steering_committee, "meeting": meeting,
        "decision": decision, "other_programme": other_programme,
        "other_project": other_project, "other_site": other_site,
        "other_meeting": other_meeting, "other_decision": other_decision,
    }


def visible(world, name, who):
    """What each role sees of each list: the rule the pages follow."""
    w = world
    mine = {
        "programme": {w["programme"].pk},
        "project": {w["project"].pk},
        "site": {w["bob_site"].pk, w["carol_site"].pk},
        "meeting": {w["meeting"].pk},
        "decision": {w["decision"].pk},
    }
    everything = {
        "programme": mine["programme"] | {w["other_programme"].pk},
        "project": mine["project"] | {w["other_project"].pk},
        "site": mine["site"] | {w["other_site"].pk},
        "meeting": mine["meeting"] | {w["other_meeting"].pk},
        "decision": mine["decision"] | {w["other_decision"].pk},
    }
    nothing = {key: set() for key in mine}
    by_role = {
        "alice": mine,  # staff of the programme
        "fanny": mine,  # funder of the programme, and of nothing else
        "admin": everything,
        "oscar": nothing,
        "remi": nothing,
        # Adopters see their own site, not the project's management nor its committees.
        "bob": {**nothing, "site": {w["bob_site"].pk}},
        "carol": {**nothing, "site": {w["carol_site"].pk}},
        # A committee member reads the project, its sites and its committee's meetings.
        "camille": {**mine, "programme": set()},
        # A sponsor reads the project and every site of it.
        "paul": {**mine, "programme": set()},
    }
    return by_role[who][name]


ROLES = ["alice", "fanny", "admin", "oscar", "remi", "bob", "carol", "camille", "paul"]
ENDPOINTS = ["programme", "project", "site", "meeting", "decision"]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_role_lists_exactly_what_it_may_see(client, world, who, name):
    response = api_get(client, world[who], list_url(name))

    assert ids(response) == visible(world, name, who)
    assert response.json()["count"] == len(visible(world, name, who))


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_details_outside_ones_scope_are_404(client, world, who, name):
    everything = visible(world, name, "admin")
    for pk in everything:
        response = api_get(client, world[who], detail_url(name, pk))
        expected = 200 if pk in visible(world, name, who) else 404
        assert response.status_code == expected, (who, name, pk)
        if expected == 404:
            assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}
            assert "AdopterSite" not in response.json()["detail"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_programs_get_401(client, world, name):
    response = api_get(client, None, list_url(name))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_api_changes_nothing(client, world, name):
    alice = world["alice"]
    headers = token_header(alice)
    pk = next(iter(visible(world, name, "alice")))
    assert client.post(list_url(name), {}, **headers).status_code == 405
    assert client.put(detail_url(name, pk), {}, **headers).status_code == 405
    assert client.patch(detail_url(name, pk), {}, **headers).status_code == 405
    assert client.delete(detail_url(name, pk), **headers).status_code == 405
    assert client.get(detail_url(name, pk), **headers).status_code == 200


def test_a_site_shows_its_structure_territory_and_project(client, world):
    site = world["bob_site"]
    response = api_get(client, world["fanny"], detail_url("site", site.pk))

    body = response.json()
    assert body["project"] == world["project"].pk
    assert body["structure"] == {"id": site.structure_id, "name": "Essor Emploi Nièvre"}
    assert body["territory"] == {"code": "58", "name": "Nièvre"}
    assert body["status"] == AdopterSite.Status.SELECTED
    assert body["url"] == site.get_absolute_url()


def test_a_programme_names_its_lead_structure_and_funders(client, world):
    response = api_get(client, world["fanny"], detail_url("programme", world["programme"].pk))

    body = response.json()
    assert body["lead_structure"]["name"] == "Agence nouvelle des solidarités actives"
    assert [funder["name"] for funder in body["funders"]] == ["Fondation pour l'essaimage"]


def test_sites_filter_by_project_status_and_department(client, world):
    alice = world["alice"]
    project = world["project"]
    AdopterSite.objects.filter(pk=world["carol_site"].pk).update(
        status=AdopterSite.Status.LAUNCHED)

    assert ids(api_get(client, alice, list_url("site"), project=project.pk)) == {
        world["bob_site"].pk, world["carol_site"].pk}
    assert ids(api_get(client, alice, list_url("site"), status="launched")) == {
        world["carol_site"].pk}
    assert ids(api_get(client, alice, list_url("site"), department="58")) == {
        world["bob_site"].pk}
    # A project one does not read filters to nothing, as one that does not exist.
    assert ids(api_get(client, alice, list_url("site"),
                       project=world["other_project"].pk)) == set()
    assert ids(api_get(client, alice, list_url("site"), project=999_999)) == set()


def test_a_bad_filter_is_a_400_naming_the_parameter(client, world):
    response = api_get(client, world["alice"], list_url("site"), project="abc", status="nope")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"project", "status"}


def test_meetings_filter_by_committee_and_dates(client, world):
    alice = world["alice"]
    committee = world["committee"]
    technical = GovernanceBodyFactory(project=world["project"], name="Comité technique")
    soon = timezone.now() + timedelta(days=3)
    later = MeetingFactory(body=technical, starts_at=soon + timedelta(days=60),
                           ends_at=soon + timedelta(days=60, hours=2))

    assert ids(api_get(client, alice, list_url("meeting"), committee=committee.pk)) == {
        world["meeting"].pk}
    assert ids(api_get(client, alice, list_url("meeting"), project=world["project"].pk)) == {
        world["meeting"].pk, later.pk}
    after = (soon + timedelta(days=30)).date().isoformat()
    assert ids(api_get(client, alice, list_url("meeting"), date_from=after)) == {later.pk}
    assert ids(api_get(client, alice, list_url("meeting"), date_to=after)) == {
        world["meeting"].pk}


def test_a_committee_member_sees_only_her_committees_meetings(client, world):
    technical = GovernanceBodyFactory(project=world["project"], name="Comité technique")
    technical_meeting = MeetingFactory(body=technical)

    seen = ids(api_get(client, world["camille"], list_url("meeting")))

    assert world["meeting"].pk in seen
    assert technical_meeting.pk not in seen


def test_decisions_filter_by_project_and_meeting(client, world):
    admin = world["admin"]
    second = MeetingFactory(body=world["committee"])
    later = Decision.objects.create(meeting=second, text="Go pour la phase 2",
                                    kind=Decision.Kind.GATE)

    assert ids(api_get(client, admin, list_url("decision"), project=world["project"].pk)) == {
        world["decision"].pk, later.pk}
    assert ids(api_get(client, admin, list_url("decision"), meeting=second.pk)) == {later.pk}
    assert ids(api_get(client, admin, list_url("decision"), kind="gate")) == {later.pk}
    body = api_get(client, admin, detail_url("decision", later.pk)).json()
    assert body["meeting"]["id"] == second.pk
    assert body["committee"] == world["committee"].pk
    assert body["project"] == world["project"].pk


def test_ordering_by_a_listed_field(client, world):
    alice = world["alice"]
    extra = AdopterSiteFactory(project=world["project"],
                               structure=StructureFactory(department=department("75")))
    AdopterSite.objects.filter(pk=extra.pk).update(start_date="2020-01-01")
    AdopterSite.objects.filter(pk=world["bob_site"].pk).update(start_date="2021-01-01")
    AdopterSite.objects.filter(pk=world["carol_site"].pk).update(start_date="2019-01-01")

    response = api_get(client, alice, list_url("site"), ordering="-start_date")

    assert [row["id"] for row in response.json()["results"]] == [
        world["bob_site"].pk, extra.pk, world["carol_site"].pk]


# --- Query counts ---------------------------------------------------------------------------


def _grow(world, count):
    project = world["project"]
    for _ in range(count):
        AdopterSiteFactory(project=project)
        meeting = MeetingFactory(body=world["committee"])
        Decision.objects.create(meeting=meeting, text="Décision")


# token and its person; the page's rows; the count (programmes: + funders prefetched)
BUDGETS = {"programme": 4, "project": 3, "site": 3, "meeting": 3, "decision": 3}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_rows(client, world, name,
                                                django_assert_max_num_queries):
    fanny = world["fanny"]
    headers = token_header(fanny)
    with django_assert_max_num_queries(BUDGETS[name]):
        few = client.get(list_url(name), **headers)
    _grow(world, 12)
    for _ in range(5):
        ProgrammeFactory(funders=[fanny.memberships.get().structure])
    with django_assert_max_num_queries(BUDGETS[name]):
        many = client.get(list_url(name), **headers)

    assert few.json()["count"] <= many.json()["count"]
    assert Meeting.objects.count() > 12
