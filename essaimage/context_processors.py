from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from communities.models import Notification, User
from programmes.queries.home import sites_run_by
from programmes.queries.portfolio import portfolio_flags


def navigation(request):
    """What the layout needs on every page; nothing here queries the database."""
    return {
        "available_languages": settings.LANGUAGES,
        "source_code_url": settings.SOURCE_CODE_URL,
    }


class HeaderState:
    """The header's figures for a signed-in person: unread notifications and whether they
    have an adopter site (for the portal's link). Nothing is read until a template asks;
    then one query answers both."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def _figures(self) -> dict:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return {"unread": 0, "has_site": False, "runs": False, "funds": False,
                    "funds_pool": False}
        unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
                  .order_by().values("recipient").annotate(count=Count("pk")).values("count"))
        figures = (User.objects.filter(pk=user.pk)
                   .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
                             has_site=Exists(sites_run_by(user)), **portfolio_flags(user))
                   .values("unread", "has_site", "runs", "funds", "funds_pool").first())
        return figures or {"unread": 0, "has_site": False, "runs": False, "funds": False,
                           "funds_pool": False}

    @property
    def unread_notifications(self) -> int:
        return self._figures["unread"]

    @property
    def has_portal(self) -> bool:
        return self._figures["has_site"]

    @property
    def reads_portfolio(self) -> bool:
        """Whether the funders' dashboard has something for the person: they run or fund a
        programme or a project (admins too)."""
        user = self._request.user
        figures = self._figures
        return user.is_superuser or figures["runs"] or figures["funds"] or figures["funds_pool"]


def header(request):
    """The header's figures, read lazily (see HeaderState)."""
    return {"header": HeaderState(request)}
