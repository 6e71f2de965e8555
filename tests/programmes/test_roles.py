import pytest

from essaimage.roles import Role, roles_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "roles"), [
    ("alice", {Role.PROGRAMME_STAFF}),
    ("bob", {Role.ADOPTER}),
    ("carol", {Role.ADOPTER}),
    ("camille", {Role.COMMITTEE_MEMBER}),
    ("paul", {Role.SPONSOR}),
    ("fanny", {Role.FUNDER}),
    ("oscar", set()),
])
def test_roles_come_from_sites_committees_and_sponsorships(pipeline_cast, name, roles):
    assert roles_of(pipeline_cast[name]) == roles


def test_a_withdrawn_site_no_longer_makes_an_adopter(pipeline_cast, bob_site):
    bob_site.status = bob_site.Status.WITHDRAWN
    bob_site.save()
    bob = pipeline_cast["bob"]
    assert Role.ADOPTER not in roles_of(bob)


def test_funding_a_project_through_the_pool_makes_a_funder(pipeline_cast, project, carol_structure):
    from ..factories import FundingOptionFactory, FundingPoolFactory

    FundingOptionFactory(pool=FundingPoolFactory(project=project), funder=carol_structure)
    assert Role.FUNDER in roles_of(pipeline_cast["carol"])
