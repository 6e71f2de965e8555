"""Who may open a programme's directory: whoever reads the programme, and the people of its
adopter sites, who see their peers. A committee seat, a sponsorship or owning the innovation
opens a project, not the programme: those get a 404 here, like anyone else."""

import pytest
from django.urls import reverse

from programmes.models import AdopterSite

from ..factories import (
    AdopterSiteFactory,
    MembershipFactory,
    ProgrammeFactory,
    ScalingProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def directory_url(programme):
    return reverse("programmes:programme_directory", args=[programme.pk])


@pytest.mark.parametrize(("name", "status"), [
    ("alice", 200), ("admin", 200), ("fanny", 200), ("bob", 200), ("carol", 200),
    ("camille", 404), ("paul", 404), ("ines", 404), ("remi", 404), ("oscar", 404),
])
def test_readers_of_the_programme_and_its_adopters_open_the_directory(
        client, pipeline_cast, ines, programme, name, status):
    cast = {**pipeline_cast, "ines": ines}
    client.force_login(cast[name])
    assert client.get(directory_url(programme)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(directory_url(programme))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_unknown_programme_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("programmes:programme_directory", args=[999999])).status_code == 404


def test_any_member_of_an_adopter_structure_opens_it_not_only_its_manager(client, bob_site):
    member = UserFactory()
    MembershipFactory(user=member, structure=bob_site.structure)
    client.force_login(member)
    assert client.get(directory_url(bob_site.project.programme)).status_code == 200


def test_adopters_of_another_programme_do_not_open_it(client, programme, carol):
    other = ScalingProjectFactory(programme=ProgrammeFactory())
    AdopterSiteFactory(project=other, structure=carol.memberships.get().structure)
    client.force_login(carol)
    assert client.get(directory_url(programme)).status_code == 404
    assert client.get(directory_url(other.programme)).status_code == 200


def test_the_people_of_a_withdrawn_site_lose_access(client, bob, bob_site):
    bob_site.status = AdopterSite.Status.WITHDRAWN
    bob_site.save(update_fields=["status"])
    client.force_login(bob)
    assert client.get(directory_url(bob_site.project.programme)).status_code == 404


def test_the_people_of_a_site_of_an_archived_project_lose_access(client, bob, bob_site):
    project = bob_site.project
    project.is_archived = True
    project.save(update_fields=["is_archived"])
    client.force_login(bob)
    assert client.get(directory_url(project.programme)).status_code == 404


@pytest.mark.parametrize(("name", "status"), [
    ("admin", 200), ("alice", 404), ("fanny", 404), ("bob", 404), ("carol", 404),
    ("oscar", 404),
])
def test_an_archived_programme_is_for_admins_only(client, pipeline_cast, programme, name,
                                                   status):
    programme.is_archived = True
    programme.save(update_fields=["is_archived"])
    client.force_login(pipeline_cast[name])
    assert client.get(directory_url(programme)).status_code == status


@pytest.mark.parametrize("name", ["alice", "admin", "fanny"])
def test_the_programme_page_links_to_the_directory(client, pipeline_cast, programme, name):
    client.force_login(pipeline_cast[name])
    response = client.get(programme.get_absolute_url())
    assert f'href="{directory_url(programme)}"' in response.content.decode()


def test_readers_get_a_way_back_to_the_programme_and_adopters_do_not(client, bob, alice,
                                                                      programme, bob_site):
    client.force_login(alice)
    assert f'href="{programme.get_absolute_url()}"' in client.get(
        directory_url(programme)).content.decode()
    client.force_login(bob)
    # bob may not open the programme's page: no link to a 404.
    assert f'href="{programme.get_absolute_url()}"' not in client.get(
        directory_url(programme)).content.decode()
