"""Pages that belong to no single app: home, the member portal, language switch, health
check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communities.services.structures import update_profile

from .home import build_home
from .i18n import set_language_cookie
from .portal import build_portal
from .roles import Role, roles_of


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    # People who only work for adopter sites land on their portal; the others keep the home
    # page, and find the portal in the header when they have a site.
    if roles_of(request.user) == {Role.ADOPTER}:
        return redirect("portal")
    return render(request, "home.html", build_home(request.user))


@login_required
def portal(request):
    """The member portal: an adopter's sites, what to do, meetings, events and people. Anyone
    signed in may open it; without a site it says so and points to the home page."""
    return render(request, "portal.html", build_portal(request.user))


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person keeps the choice on every device."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        set_language_cookie(response, language)
        if request.user.is_authenticated and request.user.language != language:
            update_profile(request.user, language=language)
    return response


@never_cache
def health(request):
    """For load balancers and compose health checks: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
