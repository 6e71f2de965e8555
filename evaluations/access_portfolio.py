"""Who reaches the funders' dashboards and the committees' shared ones."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from essaimage.scoping import require
from programmes.permissions import get_programme_for_user, is_programme_staff

from .models import DashboardShare
from .selectors.portfolio import Portfolio, portfolio_for_user


def get_portfolio_for_user(user) -> Portfolio:
    """The person's portfolio; a 404 for whoever neither runs nor funds a programme."""
    portfolio = portfolio_for_user(user)
    if portfolio is None:
        raise Http404
    return portfolio


def get_programme_for_sharing(user, programme_pk):
    """The programme whose dashboard its staff share: a 404 for those who do not see it, a
    403 for its other readers (funders, the lead structure)."""
    programme = get_programme_for_user(user, programme_pk)
    require(is_programme_staff(user, programme))
    return programme


def get_share_for_staff(user, pk) -> DashboardShare:
    """A share, for the staff of its programme (to revoke it); a 404 for anyone else: shares
    are the staff's business."""
    share = get_object_or_404(DashboardShare.objects.select_related("programme", "body"), pk=pk)
    if not is_programme_staff(user, share.programme):
        raise Http404
    return share


def get_share_for_member(user, token) -> DashboardShare:
    """An active share, for the members of its committee; a 404 for anyone else, and once
    revoked."""
    return get_object_or_404(
        DashboardShare.objects.visible_to(user).select_related("programme", "body__project"),
        token=token)
