from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors
from essaimage.pagination import query_without

from ..forms.notifications import NotificationPreferencesForm
from ..selectors.notifications import notifications_for
from ..services import notifications as services

PAGE_SIZE = 30


def _list_context(request) -> dict:
    unread_only = request.GET.get("unread") == "1"
    notifications = notifications_for(request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "unread_only": unread_only, "query": query_without(request, "page")}


@login_required
def notification_list(request):
    return render(request, "communities/notifications/notification_list.html",
                  _list_context(request))


def _local_path(url: str) -> str | None:
    """`url` when it is a path of this site; None for anything that would leave it."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return None


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one's own notification read and go where it points, never off the site."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    return redirect(_local_path(notification.url) or "communities:notification_list")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = services.mark_read(request.user)
    if request.htmx:
        # The list and the header's badge are drawn again in place.
        return render(request, "communities/notifications/_notification_results.html",
                      {**_list_context(request), "refresh_bell": True})
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("communities:notification_list")


@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST or None,
                                       deliveries=services.deliveries_for(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_deliveries(request.user, form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("communities:notification_preferences")
        status = 400
    return render(request, "communities/notifications/notification_preferences.html",
                  {"form": form}, status=status)
