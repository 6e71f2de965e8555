"""The "API access" page of the profile, and the documentation page of the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.exceptions import NotFound

from .tokens import regenerate_token, revoke_token, token_of

# The new key waits here for the page that shows it, once.
NEW_KEY_SESSION_KEY = "api_new_token"


@login_required
def access(request):
    context = {
        "token": token_of(request.user),
        "new_key": request.session.pop(NEW_KEY_SESSION_KEY, None),
    }
    response = render(request, "api/access.html", context)
    # The key must not stay in a cache of any kind.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_create(request):
    had_token = token_of(request.user) is not None
    token = regenerate_token(request.user)
    request.session[NEW_KEY_SESSION_KEY] = token.key
    if had_token:
        messages.success(request, _("New token created. The previous one no longer works."))
    else:
        messages.success(request, _("Token created."))
    return redirect("api:access")


@login_required
@require_POST
def token_revoke(request):
    if revoke_token(request.user):
        messages.success(request, _("Token revoked: programs using it are now refused."))
    else:
        messages.info(request, _("You had no token."))
    return redirect("api:access")


class DocsView(SpectacularSwaggerView):
    """Swagger UI from drf-spectacular-sidecar, served from our own static files."""

    template_name = "api/docs.html"
    title = gettext_lazy("Essaimage API documentation")
    url_name = "api:schema"


def not_found(request, path=""):
    """Any other address under /api/v1/: the API's 404 body rather than an HTML page."""
    return JsonResponse({"detail": str(NotFound.default_detail), "code": NotFound.default_code},
                        status=404)
