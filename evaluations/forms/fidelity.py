"""Forms of the fidelity scale: the scale's settings, its domains and items with their worded
levels, starting an assessment, and the assessment itself (every item with its levels)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import FidelityAssessment, FidelityDomain, FidelityScale
from ..services.fidelity import COMMENT_MAX_LENGTH, core_components, level_key
from .plans import DateInput


class ScaleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    max_level = forms.TypedChoiceField(
        label=_("Number of levels"), coerce=int, choices=[(4, "1–4"), (5, "1–5")],
        help_text=_("Each item is rated from 1 (far from the model) to the highest level "
                    "(faithful to the model)."))
    alert_threshold = forms.IntegerField(
        label=_("Alert threshold"), min_value=1, max_value=4,
        help_text=_("Items rated at or below this level are flagged “support needed”."))

    @classmethod
    def for_scale(cls, scale: FidelityScale, data=None):
        return cls(data, initial={"title": scale.title, "max_level": scale.max_level,
                                  "alert_threshold": scale.alert_threshold})


class DomainForm(forms.Form):
    name = forms.CharField(label=_("Name of the domain"), max_length=200)


class ItemForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=FidelityDomain.objects.none(),
                                    empty_label=None)
    component = forms.ModelChoiceField(
        label=_("Core component"), required=False, queryset=None,
        empty_label=_("— none —"),
        help_text=_("The core component of the scaling strategy this item scores."))

    def __init__(self, *args, scale: FidelityScale, item=None, **kwargs):
        if item is not None:
            kwargs.setdefault("initial", {
                "label": item.label, "description": item.description,
                "domain": item.domain_id, "component": item.component_id,
                **{f"level_{row.level}": row.description for row in item.levels.all()},
            })
        super().__init__(*args, **kwargs)
        self.scale = scale
        self.fields["domain"].queryset = scale.domains.order_by("position", "pk")
        self.fields["component"].queryset = core_components(scale.project)
        for level in range(1, scale.max_level + 1):
            self.fields[f"level_{level}"] = forms.CharField(
                label=_("Level %(level)s") % {"level": level}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=(_("Far from the model.") if level == 1 else
                           _("Faithful to the model.") if level == scale.max_level else ""))

    def level_fields(self):
        return [self[f"level_{level}"] for level in range(1, self.scale.max_level + 1)]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"label": data["label"], "description": data["description"],
                "domain": data["domain"], "component": data["component"],
                "levels": {level: data[f"level_{level}"]
                           for level in range(1, self.scale.max_level + 1)}}


class AssessmentStartForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=FidelityAssessment.Method.choices,
                               widget=forms.RadioSelect)
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput())
    rater_name = forms.CharField(
        label=_("Rater's name"), required=False, max_length=200,
        help_text=_("For an external rater or a peer who has no account."))

    def __init__(self, *args, methods, **kwargs):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate(),
                                      "method": methods[0]})
        super().__init__(*args, **kwargs)
        labels = dict(FidelityAssessment.Method.choices)
        self.fields["method"].choices = [(m, labels[m]) for m in methods]


class AssessmentForm(forms.Form):
    """One radio group of worded levels and one comment per item, grouped by domain. Levels
    are optional while the assessment is a draft; completing requires them all (the service
    says which are missing)."""

    comment = forms.CharField(label=_("Overall comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scale: FidelityScale, domains, assessment, **kwargs):
        existing = {rating.item_id: rating for rating in assessment.ratings.all()}
        initial = {"comment": assessment.comment}
        for rating in existing.values():
            initial[level_key(rating.item_id)] = rating.level
            initial[f"comment_{rating.item_id}"] = rating.comment
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.domains = domains
        self.items = [item for domain in domains for item in domain.items.all()]
        for item in self.items:
            worded = {row.level: row.description for row in item.levels.all()}
            self.fields[level_key(item.pk)] = forms.TypedChoiceField(
                label=item.label, required=False, coerce=int, empty_value=None,
                widget=forms.RadioSelect,
                choices=[(level, f"{level} — {worded[level]}" if level in worded else str(level))
                         for level in range(1, scale.max_level + 1)])
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment on “%(item)s”") % {"item": item.label}, required=False,
                max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def item_groups(self):
        """(domain, [(item, level field, comment field)]) for the template."""
        return [(domain, [(item, self[level_key(item.pk)], self[f"comment_{item.pk}"])
                          for item in domain.items.all()])
                for domain in self.domains]

    def ratings(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {item.pk: (data.get(level_key(item.pk)), data.get(f"comment_{item.pk}", ""))
                for item in self.items}
