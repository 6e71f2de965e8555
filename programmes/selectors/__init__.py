"""Reads about programmes shared by pages and role detection."""

from django.db.models import Exists, Q

from communities.models import Membership, User
from essaimage.roles import Role

from ..models import BodyMember, FundingOption, Programme, Sponsor
from ..queries.home import sites_run_by


def programme_roles_of(user):
    """Staff, funder, adopter, committee member and sponsor roles, found in one query."""
    active = {"programme__is_archived": False}
    member_of = Membership.objects.filter(user=user.pk).values("structure")
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_programme_staff=Exists(
                Programme.staff.through.objects.filter(user=user.pk, **active)),
            funds_programme=Exists(
                Programme.funders.through.objects.filter(structure__in=member_of, **active)),
            funds_project=Exists(FundingOption.objects.filter(
                funder__in=member_of).exclude(status=FundingOption.Status.WITHDRAWN)),
            runs_site=Exists(sites_run_by(user)),
            sits_on_committee=Exists(BodyMember.objects.filter(user=user.pk)),
            sponsors=Exists(Sponsor.objects.filter(Q(user=user.pk) | Q(structure__in=member_of))),
        )
        .values("is_programme_staff", "funds_programme", "funds_project", "runs_site",
                "sits_on_committee", "sponsors")
        .first()
    )
    if not flags:
        return
    if flags["is_programme_staff"]:
        yield Role.PROGRAMME_STAFF
    if flags["funds_programme"] or flags["funds_project"]:
        yield Role.FUNDER
    if flags["runs_site"]:
        yield Role.ADOPTER
    if flags["sits_on_committee"]:
        yield Role.COMMITTEE_MEMBER
    if flags["sponsors"]:
        yield Role.SPONSOR


def programmes_for_home(user):
    """The programmes a person works on or funds, for their home page."""
    return list(
        Programme.objects.visible_to(user)
        .select_related("lead_structure")
        .order_by("-start_date", "name")[:10]
    )
