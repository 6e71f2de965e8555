"""Forms of the indicator framework: an indicator with its scale, its breakdowns, its targets,
and the search of the library. The services check how the parts fit together."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.models import EconomicLine

from ..models import Disaggregation, Indicator
from ..services.indicators import INDICATOR_FIELDS

DEFINITION_FORM_FIELDS = [
    "code", "name", "phase", "kind", "measure", "unit", "direction", "frequency",
    "reported_by", "period_aggregation", "site_aggregation", "baseline", "definition",
    "data_source", "verification", "counts_people_reached", "cost_avoided_line", "position",
]

# The rules in plain words, where a label alone would leave people guessing.
HELP_TEXTS = {
    "code": _("A short code, unique in the project, such as EMP-1."),
    "kind": _("Quantitative: a figure. Qualitative: a level chosen on a scale of worded "
              "levels, with a comment."),
    "measure": _("A number (people, euros, days...) or a percentage: for a percentage, sites "
                 "enter a numerator and a denominator, and the platform adds them up before "
                 "dividing, so that a small site does not weigh as much as a large one."),
    "unit": _("For example: people, euros, days. Leave empty for a percentage."),
    "direction": _("Tells whether reaching the target means going above it or staying below "
                   "it."),
    "frequency": _("Sites report at this rhythm: the reporting periods of the same frequency "
                   "collect its values."),
    "reported_by": _("The adopter sites enter their own values; some indicators are entered "
                     "by the programme's staff."),
    "period_aggregation": _(
        "How the values of several periods make one figure. Sum: the periods add up (people "
        "accompanied over the year = the sum of the quarters). Average: the mean of the "
        "periods (an average waiting time). Latest: the value of the most recent period (a "
        "number of staff, a level of appropriation)."),
    "site_aggregation": _(
        "How the sites' figures make the project's figure. Sum: the sites add up (people "
        "accompanied by all the sites). Average: the mean of the sites that reported. Sites "
        "that did not report are shown as missing, never counted as zero."),
    "baseline": _("Where the indicator stood before the project, if known. French decimal "
                  "commas are accepted: 1 250,5."),
    "definition": _("What is counted, and what is not."),
    "data_source": _("Where the figure comes from: the site's file, a survey, an export..."),
    "verification": _("What proves the figure: attendance sheets, contracts, an export..."),
    "position": _("Indicators are listed in this order within their phase."),
}


class IndicatorForm(forms.Form):
    """Every field of an indicator; the scale's levels come in their own formset."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Indicator, fields=DEFINITION_FORM_FIELDS))
        self.order_fields(DEFINITION_FORM_FIELDS)
        for name, help_text in HELP_TEXTS.items():
            self.fields[name].help_text = help_text
        self.fields["measure"].required = False
        self.fields["baseline"] = forms.CharField(
            label=self.fields["baseline"].label, required=False, max_length=30,
            help_text=HELP_TEXTS["baseline"],
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        lines = EconomicLine.objects.filter(innovation=project.innovation_id,
                                            category=EconomicLine.Category.COST_AVOIDED)
        self.fields["cost_avoided_line"].queryset = lines
        self.fields["cost_avoided_line"].required = False
        self.fields["position"].required = False
        for name in ("definition", "data_source", "verification"):
            self.fields[name].widget.attrs["rows"] = 3

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in DEFINITION_FORM_FIELDS}
        initial["cost_avoided_line"] = indicator.cost_avoided_line_id
        if indicator.baseline is not None:
            initial["baseline"] = f"{indicator.baseline.normalize():f}".replace(".", ",")
        return initial

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["position"] = data.get("position") or 0
        assert set(data) <= set(INDICATOR_FIELDS)
        return data


class ScaleLevelForm(forms.Form):
    label = forms.CharField(label=_("Wording of the level"), required=False, max_length=200)
    description = forms.CharField(label=_("What it looks like"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class BaseScaleLevelFormSet(forms.BaseFormSet):
    def levels(self) -> list[dict]:
        """The worded levels, numbered from 1 in the order typed; empty rows are skipped."""
        filled = [form.cleaned_data for form in self.forms
                  if form.cleaned_data.get("label", "").strip()
                  or form.cleaned_data.get("description", "").strip()]
        return [{"value": number, "label": data.get("label", ""),
                 "description": data.get("description", "")}
                for number, data in enumerate(filled, start=1)]


SCALE_ROWS = 5


def scale_formset(data=None, *, levels=()):
    """The scale's levels, plus empty rows up to five (or one more than there are)."""
    initial = [{"label": level.label, "description": level.description} for level in levels]
    extra = max(SCALE_ROWS - len(initial), 1)
    formset = forms.formset_factory(ScaleLevelForm, formset=BaseScaleLevelFormSet,
                                    extra=extra, max_num=10, absolute_max=10)
    return formset(data, initial=initial, prefix="levels")


class DisaggregationForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Broken down by"),
                                  choices=Disaggregation.Dimension.choices)
    label = forms.CharField(label=_("Name of the breakdown"), max_length=200,
                            help_text=_("As sites will read it, such as “Sex” or “Age "
                                        "band”."))
    categories = forms.CharField(
        label=_("Categories"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One category per line, such as “Women” and “Men”. Sites enter a value "
                    "for each category beside the total."))

    @classmethod
    def for_disaggregation(cls, disaggregation, data=None):
        initial = {"dimension": disaggregation.dimension, "label": disaggregation.label,
                   "categories": "\n".join(c.label for c in disaggregation.categories.all())}
        return cls(data, initial=initial, prefix=f"breakdown-{disaggregation.pk}")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"dimension": data["dimension"], "label": data["label"],
                "categories": data["categories"].splitlines()}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TargetForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period end"), widget=DateInput(),
        help_text=_("The target holds for the period that ends on this date."))
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False,
                                  empty_label=_("The whole project"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("The total"))
    value = forms.CharField(label=_("Target value"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                          "autocomplete": "off"}))
    level = forms.CharField(label=_("Target level"), required=False, max_length=5)

    def __init__(self, *args, indicator, sites, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = lambda site: f"{site.structure.name} " \
            f"({site.territory})"
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda category: (
            f"{category.disaggregation.label} : {category.label}")
        if not categories.exists():
            del self.fields["category"]
        if indicator.is_qualitative:
            del self.fields["value"]
            self.fields["level"].widget = forms.Select(choices=[("", "—")] + [
                (level.value, f"{level.value}. {level.label}")
                for level in indicator.levels.all()])
        else:
            del self.fields["level"]
            if indicator.is_percentage:
                self.fields["value"].label = _("Target percentage")
                self.fields["value"].help_text = _("Between 0 and 100.")


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, code or theme"), required=False,
                        max_length=100)
