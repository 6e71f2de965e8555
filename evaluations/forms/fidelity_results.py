"""The choice of an indicator to read next to the sites' fidelity (comparison page)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsIndicatorForm(forms.Form):
    """A GET form over indicators already loaded: no query of its own."""

    indicateur = forms.TypedChoiceField(label=_("Indicator"), coerce=int)

    def __init__(self, data=None, *, indicators):
        self.indicators = {indicator.pk: indicator for indicator in indicators}
        initial = {"indicateur": indicators[0].pk} if indicators else {}
        super().__init__(data if data and data.get("indicateur") else None, initial=initial)
        self.fields["indicateur"].choices = [(i.pk, i.name) for i in indicators]

    def indicator(self):
        """The chosen indicator, or the first one when none or a wrong one was asked for."""
        if self.is_bound and self.is_valid():
            return self.indicators[self.cleaned_data["indicateur"]]
        return next(iter(self.indicators.values()), None)
