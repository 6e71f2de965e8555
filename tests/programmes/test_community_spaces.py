"""The spaces of a programme follow its cohorts and sites: ensure_cohort_space and
ensure_programme_space, and the programmes services that call them."""

import pytest
from django.urls import reverse

from communities.models import Space, SpaceMember
from programmes.models import AdopterSite
from programmes.services import adopters as services
from programmes.services.community import ensure_cohort_space, ensure_programme_space

from ..factories import AdopterSiteFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

S = AdopterSite.Status
Role = SpaceMember.Role


@pytest.fixture
def cohort(programme, alice, bob_site, paul):
    cohort = services.create_cohort(programme, name="Promotion 2024", by=alice)
    services.add_sites_to_cohort(cohort, [bob_site], by=alice)
    cohort.refresh_from_db()
    return cohort


def members(space):
    return dict(space.memberships.values_list("user__email", "role"))


def test_a_new_cohort_gets_its_space(programme, alice):
    cohort = services.create_cohort(programme, name="Promotion 2025", by=alice)
    space = cohort.space
    assert space.kind == Space.Kind.COHORT and space.name == "Promotion 2025"
    assert members(space) == {"alice@example.org": Role.MODERATOR}


def test_the_cohort_space_follows_sites_staff_and_sponsors(cohort, bob_structure):
    space = cohort.space
    assert set(space.structures.all()) == {bob_structure}
    assert members(space) == {"alice@example.org": Role.MODERATOR,
                              "paul@example.org": Role.PARTICIPANT}


def test_ensure_cohort_space_is_idempotent(cohort):
    space = cohort.space
    history = space.history.count() + SpaceMember.history.count()
    assert ensure_cohort_space(cohort) == space
    assert ensure_cohort_space(cohort) == space
    assert Space.objects.filter(kind=Space.Kind.COHORT).count() == 1
    assert space.history.count() + SpaceMember.history.count() == history


def test_a_site_leaving_the_cohort_takes_its_structure_away(cohort, alice, bob_site,
                                                            carol_site, carol_structure):
    services.add_sites_to_cohort(cohort, [carol_site], by=alice)
    assert set(cohort.space.structures.values_list("name", flat=True)) == {
        "Essor Emploi Nièvre", "Atelier Le Fil"}
    services.remove_site_from_cohort(cohort, bob_site, by=alice)
    assert list(cohort.space.structures.all()) == [carol_structure]


def test_a_withdrawn_site_leaves_the_cohort_space(cohort, alice, bob_site):
    services.change_site_status(bob_site, status=S.WITHDRAWN, by=alice)
    assert not cohort.space.structures.exists()
    services.change_site_status(bob_site, status=S.SELECTED, by=alice, reason="Revenu")
    assert cohort.space.structures.exists()


def test_renaming_the_cohort_renames_its_space(cohort, alice):
    services.update_cohort(cohort, by=alice, name="Promotion Bourgogne")
    cohort.space.refresh_from_db()
    assert cohort.space.name == "Promotion Bourgogne"


def test_staff_named_participant_become_moderators(cohort, programme):
    newcomer = UserFactory(email="nina@example.org")
    SpaceMember.objects.create(space=cohort.space, user=newcomer)
    programme.staff.add(newcomer)
    ensure_cohort_space(cohort)
    assert members(cohort.space)["nina@example.org"] == Role.MODERATOR


def test_a_new_sponsor_of_a_site_joins_its_cohort_space(cohort, alice, project, bob_site):
    agent = UserFactory(email="agent@example.org")
    services.add_sponsor(project, by=alice, email="agent@example.org", site=bob_site)
    assert members(cohort.space)["agent@example.org"] == Role.PARTICIPANT
    assert agent.pk  # the person, not a structure, is named


def test_the_programme_space_gathers_the_active_sites(programme, project, alice, bob_site,
                                                      carol_site, bob_structure,
                                                      carol_structure):
    space = ensure_programme_space(programme)
    programme.refresh_from_db()
    assert programme.space == space and space.kind == Space.Kind.PROGRAMME
    assert set(space.structures.all()) == {bob_structure, carol_structure}
    assert members(space) == {"alice@example.org": Role.MODERATOR}
    AdopterSiteFactory(project=project, structure=StructureFactory(), status=S.CANDIDATE)
    services.change_site_status(carol_site, status=S.WITHDRAWN, by=alice)
    assert set(space.structures.all()) == {bob_structure}
    assert ensure_programme_space(programme) == space


def test_selecting_a_candidate_opens_the_programme_space(programme, project, alice):
    from programmes.models import AdopterCandidate

    structure = StructureFactory(name="Régie de quartier")
    candidate = AdopterCandidate.objects.create(project=project, structure=structure,
                                                territory=structure.department)
    services.decide_candidate(candidate, decision=AdopterCandidate.Status.SELECTED, by=alice)
    programme.refresh_from_db()
    assert list(programme.space.structures.all()) == [structure]


@pytest.mark.parametrize(("name", "shown"), [("alice", True), ("admin", True), ("fanny", False)])
def test_cohort_page_links_to_its_space_for_who_takes_part(client, pipeline_cast, cohort,
                                                           name, shown):
    client.force_login(pipeline_cast[name])
    html = client.get(reverse("programmes:cohort_detail", args=[cohort.pk])).content.decode()
    assert (reverse("communities:space_detail", args=[cohort.space_id]) in html) == shown


@pytest.mark.parametrize(("name", "shown"), [("alice", True), ("fanny", False)])
def test_programme_page_links_to_the_adopters_space(client, pipeline_cast, programme, name,
                                                    shown):
    space = ensure_programme_space(programme)
    client.force_login(pipeline_cast[name])
    html = client.get(programme.get_absolute_url()).content.decode()
    assert (reverse("communities:space_detail", args=[space.pk]) in html) == shown
