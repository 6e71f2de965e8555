"""Fixtures of the governance and funding tests: committees with meetings on both sides of now,
a technical committee camille does not sit on, and a funder pool with two funders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.models import Structure
from programmes.models import GovernanceBody

from ..factories import (
    AdopterSiteFactory,
    BodyMemberFactory,
    FundingOptionFactory,
    FundingPoolFactory,
    GovernanceBodyFactory,
    MeetingFactory,
    StructureFactory,
    UserFactory,
    department,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meeting(steering_committee):
    """The next steering committee, in two weeks."""
    return MeetingFactory(body=steering_committee, title="COPIL de lancement",
                          agenda="Tour de table\nChoix du site pilote")


@pytest.fixture
def past_meeting(steering_committee):
    """Last week's steering committee, held."""
    start = timezone.now() - timedelta(days=7)
    return MeetingFactory(body=steering_committee, title="COPIL n°1", starts_at=start,
                          ends_at=start + timedelta(hours=2), status="held")


@pytest.fixture
def technical_committee(project):
    return GovernanceBodyFactory(project=project, kind=GovernanceBody.Kind.TECHNICAL,
                                 name="Comité technique TAPAJ")


@pytest.fixture
def technical_meeting(technical_committee):
    return MeetingFactory(body=technical_committee, title="Comité technique n°1")


@pytest.fixture
def outside_member(steering_committee):
    """A member of the committee without an account."""
    return BodyMemberFactory(body=steering_committee, user=None, name="Jeanne Vidal",
                             email="jeanne.vidal@example.org")


@pytest.fixture
def proof_decision(past_meeting, alice):
    from programmes.models import Decision

    return Decision.objects.create(meeting=past_meeting, kind=Decision.Kind.PROOF_OF_CONCEPT,
                                   text="La preuve du concept est faite à Nevers.",
                                   created_by=alice)


@pytest.fixture
def second_funder(db):
    return StructureFactory(name="Département de l'Isère", kind=Structure.Kind.LOCAL_AUTHORITY,
                            department=department("38"))


@pytest.fixture
def pool(project):
    return FundingPoolFactory(project=project)


@pytest.fixture
def lead_option(pool, funder_structure, bob_site):
    """The lead funder (fanny's foundation) funds bob's site, the pilot."""
    from programmes.models import OptionSite

    option = FundingOptionFactory(pool=pool, funder=funder_structure, amount=Decimal("60000"),
                                  is_lead=True)
    OptionSite.objects.create(option=option, site=bob_site, amount=Decimal("40000"))
    pool.pilot_site = bob_site
    pool.save()
    return option


@pytest.fixture
def isere_option(pool, second_funder, carol_site):
    """The Isère funds carol's site once the proof of concept is made."""
    from programmes.models import OptionSite

    option = FundingOptionFactory(pool=pool, funder=second_funder, amount=Decimal("30000"))
    OptionSite.objects.create(option=option, site=carol_site, amount=Decimal("25000"))
    return option


def make_site(project, name):
    return AdopterSiteFactory(project=project, structure=StructureFactory(name=name))


def make_member(body, **kwargs):
    return BodyMemberFactory(body=body, user=UserFactory(), **kwargs)


def test_the_fixtures_hold_together(lead_option, isere_option, past_meeting, technical_meeting):
    assert lead_option.pool == isere_option.pool
    assert past_meeting.body.project == technical_meeting.body.project
