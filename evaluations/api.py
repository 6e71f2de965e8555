"""Indicator values in the read-only API (/api/v1/indicator-values/)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from essaimage.api.base import IdFilter, ScopedReadOnlyViewSet, read_only_schema

from .models import IndicatorValue


class IndicatorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)


class PeriodRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class IndicatorValueSerializer(serializers.ModelSerializer):
    """A value as the export gives it: its site, indicator, period and category (none for the
    total), the figures and where it stands in review."""

    site = serializers.IntegerField(source="report.site_id", read_only=True)
    project = serializers.IntegerField(source="indicator.project_id", read_only=True)
    indicator = IndicatorRefSerializer(read_only=True)
    period = PeriodRefSerializer(source="report.period", read_only=True)
    category = CategoryRefSerializer(read_only=True, allow_null=True,
                                     help_text=_("Empty for the total."))

    class Meta:
        model = IndicatorValue
        fields = ["id", "project", "site", "indicator", "period", "category", "value",
                  "numerator", "denominator", "level", "status", "narrative", "review_comment",
                  "updated_at"]
        # Figures as JSON numbers (a string would make every client parse decimals).
        extra_kwargs = {name: {"coerce_to_string": False}
                        for name in ("value", "numerator", "denominator")}


class IndicatorValueApiFilter(django_filters.FilterSet):
    project = IdFilter(field_name="indicator__project_id", label=_("Id of the scaling project."))
    site = IdFilter(field_name="report__site_id", label=_("Id of the adopter site."))
    indicator = IdFilter(field_name="indicator_id", label=_("Id of the indicator."))
    period = IdFilter(field_name="report__period_id", label=_("Id of the reporting period."))
    status = django_filters.ChoiceFilter(choices=IndicatorValue.Status.choices,
                                         label=_("Status"))
    date_from = django_filters.DateFilter(field_name="report__period__starts_on",
                                          lookup_expr="gte",
                                          label=_("Periods starting on or after this day."))
    date_to = django_filters.DateFilter(field_name="report__period__ends_on", lookup_expr="lte",
                                        label=_("Periods ending on or before this day."))

    class Meta:
        model = IndicatorValue
        fields = ["project", "site", "indicator", "period", "status", "date_from", "date_to"]


@read_only_schema(
    IndicatorValueSerializer, tag="indicator-values",
    list_summary=_("Indicator values"), retrieve_summary=_("One indicator value"),
    description=_("The values reported by the sites you see, every status included: filter "
                  "on `status=validated` for the figures the dashboards count."))
class IndicatorValueViewSet(ScopedReadOnlyViewSet):
    model = IndicatorValue
    select_related = ("indicator", "report__period", "category")
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueApiFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]
