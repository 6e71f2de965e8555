"""Filters of the dashboards and of the export of values."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Indicator, IndicatorValue
from ..services.reporting import _add_months, period_start


def quarter_start(day: date) -> date:
    return period_start(day, Indicator.Frequency.QUARTERLY)


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last four quarters in Paris: the current quarter and the three before it."""
    current = quarter_start(today or timezone.localdate())
    return _add_months(current, -9), _add_months(current, 3) - timedelta(days=1)


class DashboardFilterForm(forms.Form):
    """A date range (periods that lie within it count) and whether submitted values count."""

    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    include_submitted = forms.BooleanField(
        label=_("Include values awaiting validation"), required=False)

    def __init__(self, data=None, *, anchor: date | None = None, **kwargs):
        # The default range ends with the quarter of `anchor` (today unless the projects'
        # reporting stopped earlier: see selectors.dashboards.reporting_anchor).
        self.anchor = anchor
        start, end = default_range(anchor)
        super().__init__(data if data else None,
                         initial={"date_from": start, "date_to": end}, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range must come after its start."))
        return cleaned

    def range(self) -> tuple[date | None, date | None]:
        """The chosen range, or the default one when the filters are empty or wrong."""
        start, end = default_range(self.anchor)
        if not self.is_bound:
            return start, end
        if not self.is_valid():
            return start, end
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]

    @property
    def includes_submitted(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data["include_submitted"]


class ExportFilterForm(DashboardFilterForm):
    """The dashboard's filters, and a site, an indicator and a status."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *IndicatorValue.Status.choices])

    def __init__(self, data=None, *, sites, indicators, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["indicator"].queryset = indicators

    def range(self):
        """An export without filters holds every period."""
        return super().range() if self.is_bound else (None, None)
