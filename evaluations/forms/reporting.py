"""Forms of reporting: the calendar, the entry of a site's values, evidence, and the review.
Values are read by the service (French decimal commas, scales, numerators within their
denominators); these forms only carry what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Indicator, ReportingPeriod, SiteReport
from ..services.reporting import EVIDENCE_MAX_BYTES, REASON_MAX_LENGTH, Entry, entry_key
from .indicators import DateInput


class GeneratePeriodsForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Indicator.Frequency.choices,
                                  initial=Indicator.Frequency.QUARTERLY)
    start = forms.DateField(label=_("From"), widget=DateInput(),
                            help_text=_("The period that holds this date is the first."))
    end = forms.DateField(label=_("To"), widget=DateInput(),
                          help_text=_("The period that holds this date is the last."))


def _decimal_input(**attrs):
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class ReportEntryForm(forms.Form):
    """One input (or two, or a set of radio buttons) per row of the report, named as the
    service keys its errors: "12-total-value", "12-7-numerator", "12-total-level"."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.editable_rows = [row for row in rows if row.is_editable]
        for row in self.editable_rows:
            self._add_fields(row)

    @staticmethod
    def name(row, field: str) -> str:
        return entry_key(row.indicator.pk, row.category_id, field)

    def _add_fields(self, row):
        indicator = row.indicator
        label = indicator.name if row.is_total else f"{indicator.name} — {row.category.label}"
        value = row.value
        if indicator.is_qualitative:
            choices = [(level.value, f"{level.value}. {level.label}")
                       for level in indicator.levels.all()]
            # A CharField, not a ChoiceField: the service says what is wrong with a level.
            self.fields[self.name(row, "level")] = forms.CharField(
                label=label, required=False, widget=forms.RadioSelect(choices=choices),
                initial=value.level if value else None)
        elif indicator.is_percentage:
            self.fields[self.name(row, "numerator")] = forms.CharField(
                label=_("%(label)s — numerator") % {"label": label}, required=False,
                max_length=30, widget=_decimal_input(),
                initial=_french(value.numerator) if value else None)
            self.fields[self.name(row, "denominator")] = forms.CharField(
                label=_("%(label)s — denominator") % {"label": label}, required=False,
                max_length=30, widget=_decimal_input(),
                initial=_french(value.denominator) if value else None)
        else:
            self.fields[self.name(row, "value")] = forms.CharField(
                label=label, required=False, max_length=30, widget=_decimal_input(),
                initial=_french(value.value) if value else None)
        if row.is_total:
            self.fields[self.name(row, "narrative")] = forms.CharField(
                label=_("%(label)s — comment") % {"label": indicator.name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=value.narrative if value else "")

    def entries(self) -> list[Entry]:
        data = self.cleaned_data
        entries = []
        for row in self.editable_rows:
            fields = {}
            for field in ("value", "numerator", "denominator", "level", "narrative"):
                name = self.name(row, field)
                if name in data:
                    fields[field] = data[name]
            entries.append(Entry(indicator=row.indicator, category=row.category, **fields))
        return entries

    def bound_rows(self):
        """Each row with its bound fields, for the template; an input in error points to its
        message for screen readers."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-describedby": f"id_{name}_errors", "aria-invalid": "true"})
        for row in self.rows:
            row.fields = [self[self.name(row, field)] for field in
                          ("value", "numerator", "denominator", "level")
                          if self.name(row, field) in self.fields]
            narrative = self.name(row, "narrative")
            row.narrative_field = self[narrative] if narrative in self.fields else None
            yield row


def _french(number) -> str | None:
    """A stored decimal as a French reader types it: "1250,5", without trailing zeros."""
    if number is None:
        return None
    text = f"{number.normalize():f}"
    return text.replace(".", ",")


class ReturnValueForm(forms.Form):
    review_comment = forms.CharField(
        label=_("What needs to be revised"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False)

    def __init__(self, *args, value, **kwargs):
        super().__init__(*args, prefix=f"return-{value.pk}", **kwargs)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen this period"), required=False,
                             max_length=REASON_MAX_LENGTH * 2,
                             help_text=_("The site will see that the period is open again."))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What it shows"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, image, office document or CSV; %(size)s MB at most.") % {
            "size": EVIDENCE_MAX_BYTES // (1024 * 1024)}


class ReviewFilterForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=ReportingPeriod.objects.none(),
                                    required=False, empty_label=_("All periods"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Submitted or returned")),
        (SiteReport.Status.SUBMITTED, _("Waiting for validation")),
        (SiteReport.Status.RETURNED, _("Returned, waiting for the site")),
    ])

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            project=project).order_by("-starts_on", "frequency")
