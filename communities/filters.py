import django_filters
from django.utils.translation import gettext_lazy as _

from .forms.structures import TerritoryChoiceField
from .models import Structure, Territory


class TerritoryFilter(django_filters.ModelChoiceFilter):
    field_class = TerritoryChoiceField


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=200,
        help_text=_("Name, acronym, city, SIRET or RNA"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Structure.Kind.choices, empty_label=_("All kinds")
    )
    # Filter by INSEE code, so that addresses read /structures/?department=58.
    region = TerritoryFilter(
        label=_("Region"),
        to_field_name="code",
        queryset=Territory.objects.regions().order_by("name"),
        empty_label=_("All regions"),
    )
    department = TerritoryFilter(
        label=_("Département"),
        to_field_name="code",
        queryset=Territory.objects.departments().order_by("code"),
        empty_label=_("All départements"),
    )

    class Meta:
        model = Structure
        fields = ["q", "kind", "region", "department"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)
