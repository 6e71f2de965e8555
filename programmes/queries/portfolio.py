"""Whether a person has a funders' dashboard, as expressions the header's one query adds."""

from django.db.models import Exists

from communities.models import Membership

from ..models import FundingOption, Programme


def portfolio_flags(user) -> dict:
    """`runs` (staff of a live programme), `funds` (their structure funds a live programme) and
    `funds_pool` (a standing option in a project's pool), to annotate a query with."""
    member_of = Membership.objects.filter(user=user.pk).values("structure")
    return {
        "runs": Exists(Programme.staff.through.objects.filter(
            user=user.pk, programme__is_archived=False)),
        "funds": Exists(Programme.funders.through.objects.filter(
            structure__in=member_of, programme__is_archived=False)),
        "funds_pool": Exists(FundingOption.objects.filter(funder__in=member_of).exclude(
            status=FundingOption.Status.WITHDRAWN)),
    }
