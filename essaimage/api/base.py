"""What every endpoint of the read-only API shares: pages, errors, throttling, the schema.

Each app writes its serializers, filters and viewsets in `<app>/api.py` on these pieces
(the policies that settings.REST_FRAMEWORK names live in essaimage.api.policies);
`essaimage.api.urls` gathers them under /api/v1/. A viewset's queryset always starts from the
model's `visible_to(user)`, so the API shows exactly what the pages show.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

# The largest value a bigint id can take: larger ones could be no row's id.
MAX_ID = 2**63 - 1


# --- Errors --------------------------------------------------------------------------------



class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    detail = serializers.CharField(help_text=_("What went wrong, in the person's language."))
    code = serializers.CharField(help_text=_("A stable code: not_authenticated, not_found, "
                                             "invalid, throttled..."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text=_("For refused parameters: the messages of each parameter."))


def _errors(*codes):
    described = {
        400: _("A filter or ordering parameter is invalid."),
        401: _("No valid token or session: authenticate first."),
        404: _("No such object among those you may see, or no such page."),
        429: _("Too many requests: wait as many seconds as the Retry-After header says."),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=described[code])
            for code in codes}


def read_only_schema(serializer, *, tag: str, list_summary: str, retrieve_summary: str,
                     description: str = ""):
    """The schema of a read-only viewset: its tag, summaries and every error it may answer."""
    return extend_schema_view(
        list=extend_schema(tags=[tag], summary=list_summary, description=description,
                           responses={200: serializer, **_errors(400, 401, 404, 429)}),
        retrieve=extend_schema(tags=[tag], summary=retrieve_summary,
                               responses={200: serializer, **_errors(401, 404, 429)}),
    )


# --- Filters and viewsets ------------------------------------------------------------------


class IdFilter(django_filters.NumberFilter):
    """A filter on a related row's id. An id one may not see filters to nothing, as an id that
    does not exist: the answer never tells the two apart."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # An integer in the schema (a NumberFilter alone would say "number"), with its label.
        set_override(self, "field", {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                                     "description": self.label})


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail, nothing else: the API changes nothing."""

    # Whatever stands for the id reaches the viewset, which answers an unknown one with the
    # API's own 404 (the router's default would leave ids with a dot to Django's HTML page).
    lookup_value_regex = r"[^/]+"


class ScopedReadOnlyViewSet(ReadOnlyViewSet):
    """A read-only viewset of `model`, whose rows are always the model's `visible_to(user)`:
    the one scoping rule of the pages, read here once for every endpoint. A viewset names the
    relations its serializer reads; `scope()` is overridden only where the rows are reached
    through another model (decisions through their meetings)."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    # Columns the serializer never reads (search vectors, folded text).
    deferred: tuple[str, ...] = ()

    def scope(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        queryset = self.scope()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if self.deferred:
            queryset = queryset.defer(*self.deferred)
        return queryset
