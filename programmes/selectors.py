"""Reads about programmes shared by pages and role detection."""

from django.db.models import Exists

from communities.models import User
from essaimage.roles import Role

from .models import Programme


def programme_roles_of(user):
    """Programme staff and funder roles, found in one query."""
    active = {"programme__is_archived": False}
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_programme_staff=Exists(
                Programme.staff.through.objects.filter(user=user.pk, **active)
            ),
            is_funder=Exists(
                Programme.funders.through.objects.filter(
                    structure__memberships__user=user.pk, **active
                )
            ),
        )
        .values("is_programme_staff", "is_funder")
        .first()
    )
    if flags and flags["is_programme_staff"]:
        yield Role.PROGRAMME_STAFF
    if flags and flags["is_funder"]:
        yield Role.FUNDER


def programmes_for_home(user):
    """The programmes a person works on or funds, for their home page."""
    return list(
        Programme.objects.visible_to(user)
        .select_related("lead_structure")
        .order_by("-start_date", "name")[:10]
    )
