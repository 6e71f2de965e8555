"""A programme's dashboard shared, read-only, with one of its committees."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import BodyMember, GovernanceBody, Programme


class DashboardShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, programme__is_archived=False)

    def visible_to(self, user):
        """The members with an account of the committee a share is for, while it is active."""
        if not user.is_authenticated:
            return self.none()
        seats = BodyMember.objects.filter(user=user).values("body")
        return self.active().filter(body__in=seats)


class DashboardShare(models.Model):
    """Staff open a programme's dashboard to a committee (a governance body of one of its
    projects) until they revoke it; the members read it at the share's own address."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="dashboard_shares",
                                  verbose_name=_("programme"))
    body = models.ForeignKey(GovernanceBody, models.CASCADE, related_name="dashboard_shares",
                             verbose_name=_("committee"))
    # The share's address: no count of shares to guess from it.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("shared by"))
    created_at = models.DateTimeField(_("shared on"), default=timezone.now, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    objects = DashboardShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared dashboard")
        verbose_name_plural = _("shared dashboards")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live share per committee and programme: sharing again is a no-op.
            models.UniqueConstraint(fields=["programme", "body"],
                                    condition=Q(revoked_at__isnull=True),
                                    name="dashboard_share_one_active"),
        ]

    def __str__(self):
        return f"{self.programme} → {self.body}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
