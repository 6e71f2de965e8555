"""Filters of the funders' dashboards, and the sharing of a programme's dashboard."""

from django import forms
from django.db.models import Case, F, When
from django.utils.translation import gettext_lazy as _

from communities.models import Territory
from innovations.models import Theme
from programmes.models import GovernanceBody

from .dashboards import DashboardFilterForm


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, territory):
        if territory.kind == Territory.Kind.REGION:
            return str(territory)
        return f"— {territory}"


class PortfolioFilterForm(DashboardFilterForm):
    """The range of the dashboards, a programme of the portfolio, a theme and a territory."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False,
                                       empty_label=_("All programmes"))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=None, required=False,
                                   empty_label=_("All themes"), to_field_name="slug")
    territory = TerritoryChoiceField(
        label=_("Territory"), queryset=None, required=False, empty_label=_("All of France"),
        help_text=_("A région covers its départements."))

    # The shared dashboard has its programme: only the range, theme and territory.
    def __init__(self, data=None, *, programmes, anchor=None, with_programme=True, **kwargs):
        super().__init__(data, anchor=anchor, **kwargs)
        self.fields["programme"].queryset = programmes
        if not with_programme:
            del self.fields["programme"]
        self.fields["theme"].queryset = Theme.objects.order_by("name")
        # Régions, each followed by its départements.
        self.fields["territory"].queryset = _territories()

    def filters(self) -> dict:
        """The chosen programme, theme and territory (None when empty or wrong)."""
        if not self.is_bound or not self.is_valid():
            return {"programme": None, "theme": None, "territory": None}
        data = self.cleaned_data
        return {"programme": data.get("programme"), "theme": data.get("theme"),
                "territory": data.get("territory")}


def _territories():
    return (Territory.objects.annotate(
        region_code=Case(When(kind=Territory.Kind.REGION, then=F("code")),
                         default=F("parent__code")))
            .order_by("region_code", "-kind", "code"))


class DashboardShareForm(forms.Form):
    """A committee of one of the programme's projects."""

    body = forms.ModelChoiceField(label=_("Committee"), queryset=None,
                                  empty_label=_("Choose a committee"))

    def __init__(self, data=None, *, programme, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["body"].queryset = (GovernanceBody.objects
                                        .filter(project__programme=programme,
                                                project__is_archived=False)
                                        .select_related("project").order_by("project__title",
                                                                            "name", "pk"))
        self.fields["body"].label_from_instance = (
            lambda body: f"{body.name} — {body.project.title}")
