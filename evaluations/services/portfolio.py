"""Sharing a programme's dashboard with a committee, and taking it back."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import GovernanceBody, Programme

from ..models import DashboardShare


@transaction.atomic
def share_dashboard(programme: Programme, body: GovernanceBody, *, by) -> DashboardShare:
    """Open the programme's dashboard to the committee; sharing it again while a share is
    live returns that share."""
    if body.project.programme_id != programme.pk:
        raise ValidationError({"body": _("This committee belongs to another programme.")})
    live = DashboardShare.objects.select_for_update().filter(
        programme=programme, body=body, revoked_at__isnull=True).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            return DashboardShare.objects.create(programme=programme, body=body, created_by=by)
    except IntegrityError:
        # Someone shared it in the same instant: theirs is the live share.
        return DashboardShare.objects.get(programme=programme, body=body,
                                          revoked_at__isnull=True)


def revoke_share(share: DashboardShare, *, by) -> DashboardShare:
    """Close the share: its address answers 404 from now on. Revoking twice changes nothing."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.revoked_by = by
        share.save(update_fields=["revoked_at", "revoked_by"])
    return share
