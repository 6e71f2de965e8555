"""Sponsors ("parrains"): people or sponsoring groups following a project or a site, and their
notes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import Sponsor, SponsorNote
from programmes.services import adopters as services

from ..factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsorship(paul):
    return Sponsor.objects.get(user=paul)


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("camille", 200), ("paul", 200), ("admin", 200),
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_sponsors_are_read_by_the_project_readers(client, pipeline_cast, project, sponsorship,
                                                  name, expected):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:sponsor_list", args=[project.pk])).status_code \
        == expected
    assert client.get(reverse("programmes:sponsor_detail", args=[sponsorship.pk])).status_code \
        == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("paul", 302), ("alice", 302), ("fanny", 403), ("camille", 403), ("bob", 404),
    ("oscar", 404),
])
def test_the_sponsor_and_staff_write_notes(client, pipeline_cast, sponsorship, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:sponsor_detail", args=[sponsorship.pk]),
                           {"text": "Visite du site : équipe motivée."})
    assert response.status_code == expected
    assert SponsorNote.objects.filter(sponsor=sponsorship).exists() == (expected == 302)


def test_people_of_a_sponsoring_group_write_its_notes(client, project, bob_site):
    group = StructureFactory(name="Emmaüs Dijon")
    member = MembershipFactory(structure=group).user
    sponsor = Sponsor.objects.create(project=project, site=bob_site, structure=group,
                                     role="Groupe parrain")
    client.force_login(member)
    response = client.post(reverse("programmes:sponsor_detail", args=[sponsor.pk]),
                           {"text": "Premier échange avec le groupe essaimé."})
    assert response.status_code == 302
    assert SponsorNote.objects.get().author == member


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("paul", 403), ("bob", 404), ("oscar", 404),
])
def test_only_staff_add_sponsors(client, pipeline_cast, project, name, expected):
    person = UserFactory(email="agent@example.org")
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:sponsor_list", args=[project.pk]),
                           {"email": "AGENT@example.org", "role": "Sous-préfet"})
    assert response.status_code == expected
    assert Sponsor.objects.filter(user=person).exists() == (expected == 302)


def test_a_sponsor_is_a_person_or_a_structure(project, alice, bob_site):
    with pytest.raises(ValidationError) as error:
        services.add_sponsor(project, by=alice)
    assert error.value.code == "sponsor_person_or_structure"
    with pytest.raises(ValidationError) as error:
        services.add_sponsor(project, by=alice, email="a@example.org",
                             structure=StructureFactory())
    assert error.value.code == "sponsor_person_or_structure"
    with pytest.raises(ValidationError) as error:
        services.add_sponsor(project, by=alice, email="nobody@example.org")
    assert error.value.error_dict["email"][0].code == "unknown_person"
    group = StructureFactory()
    services.add_sponsor(project, by=alice, structure=group, site=bob_site)
    with pytest.raises(ValidationError) as error:
        services.add_sponsor(project, by=alice, structure=group, site=bob_site)
    assert error.value.code == "duplicate_sponsor"


def test_staff_add_a_sponsoring_group_from_the_directory(client, alice, project, bob_site):
    group = StructureFactory(name="Emmaüs Dijon")
    client.force_login(alice)
    response = client.post(reverse("programmes:sponsor_list", args=[project.pk]),
                           {"structure": group.pk, "site": bob_site.pk,
                            "role": "Groupe parrain"})
    assert response.status_code == 302
    sponsor = Sponsor.objects.get(structure=group)
    assert (sponsor.site, sponsor.role) == (bob_site, "Groupe parrain")


def test_a_site_of_another_project_is_refused(project, alice):
    from ..factories import AdopterSiteFactory

    with pytest.raises(ValidationError) as error:
        services.add_sponsor(project, by=alice, structure=StructureFactory(),
                             site=AdopterSiteFactory())
    assert error.value.error_dict["site"][0].code == "site_not_in_project"


def test_empty_notes_are_refused(sponsorship, paul):
    with pytest.raises(ValidationError) as error:
        services.add_sponsor_note(sponsorship, author=paul, text="   ")
    assert error.value.error_dict["text"][0].code == "note_empty"


def test_the_site_page_shows_its_sponsors(client, bob, bob_site, sponsorship):
    client.force_login(bob)
    response = client.get(bob_site.get_absolute_url())
    assert response.context["site_sponsors"] == [sponsorship]


def test_sponsor_list_query_count_does_not_grow(client, alice, project, bob_site,
                                                django_assert_max_num_queries):
    def count_for(number):
        for _ in range(number):
            sponsor = Sponsor.objects.create(project=project, site=bob_site,
                                             structure=StructureFactory())
            SponsorNote.objects.create(sponsor=sponsor, text="Note")
        client.force_login(alice)
        with django_assert_max_num_queries(20) as context:
            assert client.get(reverse("programmes:sponsor_list",
                                      args=[project.pk])).status_code == 200
        return len(context.captured_queries)

    assert count_for(3) == count_for(20)
