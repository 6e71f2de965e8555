"""The directory of structures in the read-only API (/api/v1/structures/)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from essaimage.api.base import ScopedReadOnlyViewSet, read_only_schema

from .models import Structure, Territory


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["code", "name"]


class StructureSerializer(serializers.ModelSerializer):
    """What the directory shows of a structure: no contact of a person."""

    department = TerritorySerializer(read_only=True, allow_null=True)
    region = TerritorySerializer(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True,
                                help_text=_("Its page in the application."))

    class Meta:
        model = Structure
        fields = ["id", "name", "acronym", "kind", "kind_label", "siret", "rna", "city",
                  "postal_code", "department", "region", "website", "is_archived", "url"]


class StructureApiFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", max_length=200,
        label=_("Words of the name, acronym, city, SIRET or RNA (accents ignored)."))
    kind = django_filters.ChoiceFilter(choices=Structure.Kind.choices, label=_("Kind"))
    department = django_filters.CharFilter(field_name="department__code", max_length=10,
                                           label=_("INSEE code of the département, e.g. 58"))
    region = django_filters.CharFilter(field_name="region__code", max_length=10,
                                       label=_("INSEE code of the region, e.g. 27"))

    class Meta:
        model = Structure
        fields = ["q", "kind", "department", "region"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)


@read_only_schema(
    StructureSerializer, tag="structures",
    list_summary=_("Directory of structures"), retrieve_summary=_("One structure"),
    description=_("The structures of the directory that you see in the application, "
                  "in alphabetical order unless `ordering` says otherwise."))
class StructureViewSet(ScopedReadOnlyViewSet):
    model = Structure
    serializer_class = StructureSerializer
    filterset_class = StructureApiFilter
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]

    def scope(self):
        return super().scope().with_territories()
