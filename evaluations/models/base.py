"""Pieces the evaluation models share: decimal values, scoping and portable uniqueness."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from communities.models import Membership
from programmes.models import AdopterSite, ScalingProject

# Room for counts in the millions and ratios to four decimals: the same everywhere a value is kept.
VALUE_DIGITS = {"max_digits": 14, "decimal_places": 4}

USER = settings.AUTH_USER_MODEL


def null_as_zero(field: str) -> Coalesce:
    """An optional foreign key as a key part that treats "no row" as one value.

    UniqueConstraint(nulls_distinct=False) would say it better, but SQLite (our development
    database) ignores it with a system-check warning that `make check` treats as an error; an
    index on COALESCE(column, 0) is enforced by both SQLite and PostgreSQL (ids start at 1).
    """
    return Coalesce(field, models.Value(0), output_field=models.BigIntegerField())


def readable_projects(user):
    """Projects whose management `user` may read (staff, funders, innovator, committees...)."""
    return ScalingProject.objects.visible_to(user)


def participant_projects_q(user, field: str = "project") -> Q:
    """Readers of a project, and the people of its adopter sites, who need its indicators and
    periods to report for their own sites."""
    own_sites = AdopterSite.objects.filter(
        structure__in=Membership.objects.filter(user=user).values("structure"))
    return (Q(**{f"{field}__in": readable_projects(user)})
            | Q(**{f"{field}__in": own_sites.values("project")}))


class SiteScopedQuerySet(models.QuerySet):
    """Rows that belong to an adopter site (a report, a fidelity assessment): whoever sees the
    site sees them — its own people, the project's readers, its sponsors."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(site__in=AdopterSite.objects.visible_to(user))
