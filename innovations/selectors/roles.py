from django.db.models import Exists

from communities.models import Membership, User
from essaimage.roles import Role

from ..models import Application, Call, Innovation, ReviewAssignment


def innovation_roles_of(user):
    """Innovator, reviewer and call staff roles, found in one query."""
    member_of = Membership.objects.filter(user=user.pk).values("structure")
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            owns_innovation=Exists(Innovation.objects.filter(owner__in=member_of)),
            has_applied=Exists(Application.objects.submitted().filter(structure__in=member_of)),
            reviews=Exists(ReviewAssignment.objects.filter(reviewer=user.pk)),
            manages_call=Exists(Call.managers.through.objects.filter(user=user.pk)),
        )
        .values("owns_innovation", "has_applied", "reviews", "manages_call")
        .first()
    )
    if not flags:
        return
    if flags["owns_innovation"] or flags["has_applied"]:
        yield Role.INNOVATOR
    if flags["reviews"]:
        yield Role.REVIEWER
    if flags["manages_call"]:
        yield Role.PROGRAMME_STAFF
