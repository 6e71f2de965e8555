import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Innovation, Resource
from .selectors.bank import words_of


class ResourceFilter(django_filters.FilterSet):
    RECENT = "recent"
    DOWNLOADS = "downloads"
    RATING = "rating"
    SORTS = [
        (RECENT, _("Most recent")),
        (DOWNLOADS, _("Most downloaded")),
        (RATING, _("Best rated")),
    ]

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=200,
        help_text=_("Title, description, innovation or structure"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Resource.Kind.choices, empty_label=_("All kinds"),
    )
    licence = django_filters.ChoiceFilter(
        label=_("Licence"), choices=Resource.Licence.choices, empty_label=_("All licences"),
    )
    # Set by the link "all the resources of this innovation"; not a field people fill in.
    innovation = django_filters.ModelChoiceFilter(
        queryset=Innovation.objects.none(), widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORTS, method="sort_by", empty_label=None,
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "licence", "innovation", "sort"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["innovation"].queryset = Innovation.objects.visible_to(user)

    def filter_text(self, queryset, name, value):
        for word in words_of(value)[:20]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def sort_by(self, queryset, name, value):
        if value == self.DOWNLOADS:
            return queryset.order_by("-download_count", "-updated_at", "-pk")
        if value == self.RATING:
            return queryset.order_by(F("average_rating").desc(nulls_last=True),
                                     "-rating_count", "-updated_at", "-pk")
        return queryset.order_by("-updated_at", "-pk")
