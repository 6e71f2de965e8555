"""Innovations in the read-only API (/api/v1/innovations/)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from essaimage.api.base import IdFilter, ScopedReadOnlyViewSet, read_only_schema

from .models import Innovation, Theme
from .selectors.bank import matching_text


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class InnovatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class InnovationSerializer(serializers.ModelSerializer):
    """The record as the bank lists it: its summary, innovator, themes, stage and status."""

    owner = InnovatorSerializer(read_only=True, help_text=_("The innovator."))
    themes = ThemeSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True,
                                help_text=_("Its page in the application."))

    class Meta:
        model = Innovation
        fields = ["id", "title", "summary", "owner", "is_public_innovation", "evidence_level",
                  "stage", "status", "themes", "published_at", "updated_at", "url"]


class InnovationApiFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", max_length=200,
                                  label=_("Words of the record (full-text search)."))
    status = django_filters.ChoiceFilter(choices=Innovation.Status.choices, label=_("Status"))
    stage = django_filters.ChoiceFilter(choices=Innovation.Stage.choices, label=_("Stage"))
    evidence_level = django_filters.ChoiceFilter(choices=Innovation.EvidenceLevel.choices,
                                                 label=_("Level of evidence"))
    theme = django_filters.CharFilter(field_name="themes__slug", max_length=100,
                                      label=_("Slug of a theme."))
    owner = IdFilter(field_name="owner_id", label=_("Id of the innovator structure."))

    class Meta:
        model = Innovation
        fields = ["q", "status", "stage", "evidence_level", "theme", "owner"]

    def filter_text(self, queryset, name, value):
        return matching_text(queryset, value)[0]


@read_only_schema(
    InnovationSerializer, tag="innovations",
    list_summary=_("Innovations"), retrieve_summary=_("One innovation"),
    description=_("The published innovations of the bank, and the drafts of your structures."))
class InnovationViewSet(ScopedReadOnlyViewSet):
    model = Innovation
    select_related = ("owner",)
    prefetch_related = ("themes",)
    deferred = ("search_vector", "search_text")
    serializer_class = InnovationSerializer
    filterset_class = InnovationApiFilter
    ordering_fields = ["title", "published_at", "updated_at", "id"]
    ordering = ["title", "id"]
