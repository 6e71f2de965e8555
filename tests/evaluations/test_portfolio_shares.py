"""Sharing a programme's dashboard with a committee: the services and who reads a share."""

import pytest
from django.core.exceptions import ValidationError

from evaluations.models import DashboardShare
from evaluations.services.portfolio import revoke_share, share_dashboard

from ..factories import GovernanceBodyFactory, ScalingProjectFactory

pytestmark = pytest.mark.django_db


def test_sharing_twice_keeps_one_live_share(programme, steering_committee, alice):
    first = share_dashboard(programme, steering_committee, by=alice)
    second = share_dashboard(programme, steering_committee, by=alice)

    assert first == second
    assert DashboardShare.objects.count() == 1


def test_a_committee_of_another_programme_is_refused(programme, alice):
    elsewhere = GovernanceBodyFactory(project=ScalingProjectFactory())

    with pytest.raises(ValidationError) as error:
        share_dashboard(programme, elsewhere, by=alice)

    assert "body" in error.value.message_dict
    assert not DashboardShare.objects.exists()


def test_revoking_closes_the_share_once_and_sharing_again_opens_a_new_one(
        programme, steering_committee, alice, camille):
    share = share_dashboard(programme, steering_committee, by=alice)
    assert list(DashboardShare.objects.visible_to(camille)) == [share]

    revoke_share(share, by=alice)
    revoked_at = share.revoked_at
    revoke_share(share, by=camille)

    share.refresh_from_db()
    assert (share.revoked_at, share.revoked_by) == (revoked_at, alice)
    assert not DashboardShare.objects.visible_to(camille).exists()
    again = share_dashboard(programme, steering_committee, by=alice)
    assert again != share and again.is_active


def test_only_members_with_an_account_read_a_share(programme, steering_committee, alice,
                                                   fanny, oscar):
    share_dashboard(programme, steering_committee, by=alice)

    for outsider in (alice, fanny, oscar):
        assert not DashboardShare.objects.visible_to(outsider).exists()
