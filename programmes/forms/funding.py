"""Forms of the pooled scaling grant. Amounts are typed as people write them ("12 500,50")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Territory
from innovations.forms.records import AmountField, ChoicesField, LongTextField

from ..models import AdopterSite, Decision
from .governance import DateInput, StructureNameField


class EurosField(AmountField):
    """An amount in euros; whether it may be zero or negative is for the service to say."""

    default_error_messages = {
        "invalid": _("Enter the amount in euros, such as 12500 or 12 500,50."),
        "max_digits": _("Enter an amount below ten billion euros."),
        "max_whole_digits": _("Enter an amount below ten billion euros."),
        "max_decimal_places": _("Enter the amount in euros and cents."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


def site_label(site: AdopterSite) -> str:
    return f"{site.structure.name} — {site.territory}"


class OptionForm(forms.Form):
    funder = StructureNameField(label=_("Funder"), required=True,
                                help_text=_("A structure of the directory."))
    amount = EurosField(label=_("Amount optioned (€)"))
    is_lead = forms.BooleanField(
        label=_("Lead funder"), required=False,
        help_text=_("The lead funder funds the pilot site and confirms first."))
    territories = ChoicesField(label=_("Territories it would fund"), required=False,
                               queryset=Territory.objects.all(),
                               help_text=_("Hold Ctrl (or Cmd) down to choose several."),
                               widget=forms.SelectMultiple(attrs={"size": 8}))
    conditions = LongTextField(label=_("Conditions"), rows=3)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        territories = self.fields["territories"]
        territories.choices = [(t.pk, str(t)) for t in
                               Territory.objects.order_by("kind", "code")]
        self.sites = {f"share_{site.pk}": site for site in sites}
        for name, site in self.sites.items():
            self.fields[name] = EurosField(label=site_label(site), required=False)

    @property
    def share_fields(self):
        return [self[name] for name in self.sites]

    def shares(self) -> list[tuple[AdopterSite, object]]:
        return [(site, self.cleaned_data[name]) for name, site in self.sites.items()
                if self.cleaned_data.get(name) is not None]


class PilotSiteForm(forms.Form):
    pilot_site = forms.ModelChoiceField(label=_("Pilot site"), required=False,
                                        queryset=AdopterSite.objects.none(),
                                        empty_label=_("No pilot site yet"))

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pilot_site"]
        field.queryset = AdopterSite.objects.filter(pk__in=[site.pk for site in sites])
        field.choices = [("", _("No pilot site yet")),
                         *((site.pk, site_label(site)) for site in sites)]


class ProofOfConceptForm(forms.Form):
    decision = forms.ModelChoiceField(label=_("Decision of the steering committee"),
                                      queryset=Decision.objects.none())
    decided_on = forms.DateField(label=_("Proof of concept established on"), required=False,
                                 widget=DateInput(),
                                 help_text=_("Leave it empty to use the date of the meeting."))

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.queryset = Decision.objects.filter(pk__in=[d.pk for d in decisions])
        field.choices = [("", "—"), *(
            (d.pk, f"{d.meeting.starts_at:%d/%m/%Y} — {d.meeting.body.name}: {d.text[:80]}")
            for d in decisions)]


class PaymentForm(forms.Form):
    amount = EurosField(label=_("Amount paid (€)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    site = forms.ModelChoiceField(label=_("For the site"), required=False,
                                  queryset=AdopterSite.objects.none(),
                                  empty_label=_("No site in particular"))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        field.queryset = AdopterSite.objects.filter(pk__in=[site.pk for site in sites])
        field.choices = [("", _("No site in particular")),
                         *((site.pk, site_label(site)) for site in sites)]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=100, required=False)

