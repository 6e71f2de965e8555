"""The API's policies that settings.REST_FRAMEWORK names: pages, content negotiation,
throttling and the shape of error bodies. Nothing here may import DRF's views module, which
reads these settings when it is first imported."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.throttling import UserRateThrottle

MAX_PAGE_SIZE = 200
PAGE_SIZE = 50


# --- Pages, negotiation, throttling --------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = _("Number of the page of results, from 1.")
    page_size_query_description = _("Results per page (50 unless given, 200 at most).")


class JSONWhateverAccepted(DefaultContentNegotiation):
    """The API speaks JSON only: a client (or a browser) asking for HTML still gets JSON,
    rather than a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


class ApiUserThrottle(UserRateThrottle):
    """Requests per person across the whole API, at settings.API_THROTTLE_RATE (read at each
    request, so that a deployment, or a test, may change it)."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE


# --- Errors --------------------------------------------------------------------------------


def exception_handler(exc, context):
    """Every error body has the same shape: {"detail", "code"}, plus "errors" by parameter
    when the request's parameters were refused."""
    # Imported here: DRF's views module reads these settings when it is first imported.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        # Django's message names the model: say no more than "not found".
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {
            "non_field_errors": response.data}
        response.data = {"detail": str(_("Some parameters are invalid.")), "code": "invalid",
                         "errors": errors}
        return response
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"detail": str(detail), "code": code}
    return response
