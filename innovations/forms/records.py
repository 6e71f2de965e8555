"""Forms of the innovation record: one per section, and the lists edited inside them."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from communities.models import Membership, Structure, Territory

from ..models import EconomicLine, Innovation, Partner, TargetPublic, Theme
from ..scaling import DESCRIPTIONS, SUBTYPES, ScalingModel, ScalingObjective
from ..services.records import check_line_unit

# Long enough for a real description, short enough that nobody pastes a book by mistake.
LONG_TEXT = 10_000
# The most rows a list of the record takes in one save.
MAX_ROWS = 100


def _label(name: str, model=Innovation) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _help(name: str, model=Innovation) -> str:
    return model._meta.get_field(name).help_text


class LongTextField(forms.CharField):
    """A text typed in a text area; line ends are kept the same whatever the browser sends."""

    def __init__(self, *, rows=4, **kwargs):
        kwargs.setdefault("max_length", LONG_TEXT)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


def _text(name, *, rows=4, required=False, max_length=LONG_TEXT, model=Innovation, **kwargs):
    return LongTextField(
        label=kwargs.pop("label", _label(name, model)), required=required,
        max_length=max_length, help_text=kwargs.pop("help_text", _help(name, model)),
        rows=rows, **kwargs,
    )


SPACES = re.compile(r"[\s\u00a0\u202f']")


class AmountField(forms.DecimalField):
    """An amount typed as people write it: "1 200,50", "1200.5", "1 200 €"."""

    default_error_messages = {
        "invalid": _("Enter the amount as a number, such as 1200 or 1 200,50."),
        "min_value": _("An amount cannot be negative: record savings as costs avoided."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "autocomplete": "off"}))
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = SPACES.sub("", str(value)).replace("€", "")
        if len(text) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if "," in text and "." in text:
            # Both separators: the last one marks the decimals.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif "," in text:
            english = formats.get_format("DECIMAL_SEPARATOR") == "."
            if english and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
                text = text.replace(",", "")
            elif text.count(",") == 1:
                text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class CountField(forms.IntegerField):
    """A whole number typed with or without spaces between thousands."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value)
            if len(value) > 20:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ChoicesField(forms.ModelMultipleChoiceField):
    """Several rows ticked in a list; ids that cannot be a row's are refused before any query."""

    widget = forms.CheckboxSelectMultiple
    MAX_ID = 2_147_483_647

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdigit() or not 0 < int(text) <= self.MAX_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": text[:20]})
        return super()._check_values(value)


# --- Creating a record --------------------------------------------------------------------


class InnovationCreateForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Structure.objects.none(), label=_("Innovator"),
        help_text=_("The structure that created the innovation and will keep its record."),
        empty_label=None,
    )
    title = forms.CharField(label=_label("title"), max_length=200)
    summary = _text("summary", rows=4, required=True, max_length=1000,
                    help_text=_("In a few sentences: what it is, for whom, with what result."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Structure.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("structure"), is_archived=False
        ).order_by("name")


# --- Sections -----------------------------------------------------------------------------


class SectionForm(forms.Form):
    """What every section's form has: a note on what changed, and the version it started from."""

    comment = forms.CharField(
        label=_("What changed (optional)"), required=False, max_length=300,
        help_text=_("A few words kept with this version, for those who compare versions."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                      max_value=2_000_000_000)

    def section_data(self) -> dict:
        """The cleaned values that belong to the record, without comment and version."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("comment", "base_version")}


class TerritoriesField(ChoicesField):
    """Régions and départements, grouped by région so that the list can be scanned."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Territory.objects.all(), **kwargs)

    def grouped_choices(self):
        territories = list(Territory.objects.order_by("kind", "code"))
        regions = sorted((t for t in territories if t.kind == Territory.Kind.REGION),
                         key=lambda t: t.name)
        departments = [t for t in territories if t.kind == Territory.Kind.DEPARTMENT]
        groups = []
        for region in regions:
            options = [(region.pk, _("%(region)s (whole région)") % {"region": region.name})]
            options += [(d.pk, str(d)) for d in departments if d.parent_id == region.pk]
            groups.append((region.name, options))
        orphans = [(d.pk, str(d)) for d in departments if d.parent_id is None]
        if orphans:
            groups.append((_("Other départements"), orphans))
        return groups


class DescriptionForm(SectionForm):
    title = forms.CharField(label=_label("title"), max_length=200)
    summary = _text("summary", rows=4, required=True, max_length=1000,
                    help_text=_("In a few sentences: what it is, for whom, with what result."))
    is_public_innovation = forms.BooleanField(label=_label("is_public_innovation"),
                                              required=False)
    problem = _text("problem", rows=5,
                    help_text=_("The need or the social problem the innovation answers."))
    publics = ChoicesField(queryset=TargetPublic.objects.all(), required=False,
                           label=_label("publics"))
    themes = ChoicesField(queryset=Theme.objects.all(), required=False, label=_label("themes"))
    objectives = _text("objectives", rows=4, help_text=_("What the innovation aims to change."))
    observed_impacts = _text("observed_impacts", rows=4,
                             help_text=_("What changed for the beneficiaries, with figures."))
    territories = TerritoriesField(
        required=False, label=_label("territories"),
        help_text=_("Tick a région when it runs across the whole région, or the départements."),
    )
    beneficiaries_per_year = CountField(
        label=_label("beneficiaries_per_year"), required=False, min_value=0,
        max_value=2_000_000_000, help_text=_help("beneficiaries_per_year"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._territory_groups = self.fields["territories"].grouped_choices()
        self.fields["territories"].choices = self._territory_groups

    def territory_groups(self):
        """The territories' checkboxes, by région."""
        group_of = {str(pk): label for label, options in self._territory_groups
                    for pk, _label in options}
        grouped = {}
        for choice in self["territories"]:
            grouped.setdefault(group_of.get(str(choice.data["value"]), ""), []).append(choice)
        return list(grouped.items())

    def chosen_territories(self):
        return [choice.choice_label for choice in self["territories"] if choice.data["selected"]]

    @classmethod
    def initial_for(cls, innovation) -> dict:
        return {
            "title": innovation.title, "summary": innovation.summary,
            "is_public_innovation": innovation.is_public_innovation,
            "problem": innovation.problem, "objectives": innovation.objectives,
            "observed_impacts": innovation.observed_impacts,
            "beneficiaries_per_year": innovation.beneficiaries_per_year,
            "publics": [p.pk for p in innovation.publics.all()],
            "themes": [t.pk for t in innovation.themes.all()],
            "territories": [t.pk for t in innovation.territories.all()],
        }


class EvidenceForm(SectionForm):
    evidence_level = forms.ChoiceField(
        label=_label("evidence_level"), choices=Innovation.EvidenceLevel.choices,
        widget=forms.RadioSelect,
    )
    evidence_references = _text("evidence_references", rows=6)

    @classmethod
    def initial_for(cls, innovation) -> dict:
        return {"evidence_level": innovation.evidence_level,
                "evidence_references": innovation.evidence_references}


class ConditionsForm(SectionForm):
    prerequisites = _text("prerequisites", rows=5, help_text=_(
        "What must be in place before starting: partners, skills, premises, funding..."))
    success_factors = _text("success_factors", rows=5)
    failure_factors = _text("failure_factors", rows=5, help_text=_(
        "What made it fail or stall elsewhere, or could."))

    @classmethod
    def initial_for(cls, innovation) -> dict:
        return {name: getattr(innovation, name)
                for name in ("prerequisites", "success_factors", "failure_factors")}


class ListSectionForm(SectionForm):
    """A section made of lists (formsets): this form carries the comment and the version."""

    @classmethod
    def initial_for(cls, innovation) -> dict:
        return {}


class ScalingForm(SectionForm):
    objectives = forms.MultipleChoiceField(
        label=_("Scaling objectives"), choices=ScalingObjective.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The seed's matrix suggests scaling models for the objectives you tick."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for model in ScalingModel:
            self.fields[f"considered_{model.value}"] = forms.BooleanField(
                label=_("We consider this model"), required=False)
            if SUBTYPES[model]:
                self.fields[f"subtype_{model.value}"] = forms.ChoiceField(
                    label=_("Sub-type"), required=False,
                    choices=[("", _("Not chosen yet"))] + [(s.value, s.label)
                                                          for s in SUBTYPES[model]],
                )

    @classmethod
    def initial_for(cls, innovation) -> dict:
        initial = {"objectives": list(innovation.scaling_objectives)}
        for choice in innovation.model_choices.all():
            initial[f"considered_{choice.model}"] = True
            initial[f"subtype_{choice.model}"] = choice.subtype
        return initial

    def model_rows(self):
        """For each scaling model: its code, name, description, checkbox and sub-type field."""
        return [
            (model.value, model.label, DESCRIPTIONS[model], self[f"considered_{model.value}"],
             self[f"subtype_{model.value}"] if SUBTYPES[model] else None)
            for model in ScalingModel
        ]

    def clean(self):
        cleaned = super().clean()
        for model in ScalingModel:
            subtype = cleaned.get(f"subtype_{model.value}")
            if subtype and not cleaned.get(f"considered_{model.value}"):
                self.add_error(f"subtype_{model.value}", ValidationError(
                    _("Tick this model to consider it, or leave its sub-type empty."),
                    code="subtype_without_model"))
        return cleaned

    def section_data(self) -> dict:
        models = {
            model.value: self.cleaned_data.get(f"subtype_{model.value}") or ""
            for model in ScalingModel if self.cleaned_data.get(f"considered_{model.value}")
        }
        return {"objectives": self.cleaned_data["objectives"], "models": models}


# --- Lists inside sections ----------------------------------------------------------------


class RowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1,
                            max_value=2_000_000_000)

    def row(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items()
                if k not in ("id", ORDERING_FIELD_NAME, DELETION_FIELD_NAME)}
        data["pk"] = self.cleaned_data.get("id")
        return data


class StepForm(RowForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = LongTextField(label=_("Description"), rows=3)


class ComponentForm(StepForm):
    pass


class PartnerForm(RowForm):
    name = forms.CharField(
        label=_("Name"), max_length=200,
        widget=forms.TextInput(attrs={"list": "directory-structures", "autocomplete": "off"}),
    )
    contribution = LongTextField(label=_label("contribution", Partner), rows=2)
    phase = forms.ChoiceField(label=_label("phase", Partner), choices=Partner.Phase.choices,
                              initial=Partner.Phase.OPERATION)

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        cleaned["structure"] = None
        if name:
            # Linked to the directory when the name names exactly one structure.
            matches = list(Structure.objects.active().filter(name__iexact=name)[:2])
            if len(matches) == 1:
                cleaned["structure"] = matches[0]
        return cleaned


class EconomicLineForm(RowForm):
    # A blank first choice, so that an empty new row stays empty and is skipped.
    category = forms.ChoiceField(label=_label("category", EconomicLine),
                                 choices=[("", "—"), *EconomicLine.Category.choices])
    label = forms.CharField(label=_label("label", EconomicLine), max_length=200)
    nature = forms.CharField(label=_label("nature", EconomicLine), max_length=200,
                             required=False)
    amount = AmountField(label=_label("amount", EconomicLine), min_value=Decimal(0),
                         max_digits=12, decimal_places=2)
    unit = forms.ChoiceField(label=_label("unit", EconomicLine),
                             choices=EconomicLine.Unit.choices, initial=EconomicLine.Unit.EUROS)
    period = forms.ChoiceField(label=_label("period", EconomicLine),
                               choices=EconomicLine.Period.choices,
                               initial=EconomicLine.Period.PER_YEAR)

    def clean(self):
        cleaned = super().clean()
        try:
            check_line_unit(cleaned.get("unit"), cleaned.get("period"))
        except ValidationError as error:
            self.add_error("period", error)
        return cleaned


class RowFormSet(forms.BaseFormSet):
    """A list of rows that people add to, remove from and, when ordered, reorder."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if ORDERING_FIELD_NAME in form.fields:
            form.fields[ORDERING_FIELD_NAME].label = _("Position")
            form.fields[ORDERING_FIELD_NAME].min_value = 1
            form.fields[ORDERING_FIELD_NAME].max_value = 10_000
            form.fields[ORDERING_FIELD_NAME].widget.attrs.update({"min": 1, "class": "narrow"})
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Remove")

    def rows(self) -> list[dict]:
        """The rows kept, in the order asked for, as dicts for the services."""
        forms_kept = self.ordered_forms if self.can_order else [
            form for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]
        return [form.row() for form in forms_kept]


def _formset(form, *, ordered):
    return forms.formset_factory(
        form, formset=RowFormSet, extra=1, can_delete=True, can_order=ordered,
        max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS + 20,
    )


StepFormSet = _formset(StepForm, ordered=True)
ComponentFormSet = _formset(ComponentForm, ordered=True)
PartnerFormSet = _formset(PartnerForm, ordered=False)
EconomicLineFormSet = _formset(EconomicLineForm, ordered=False)


def rows_initial(objects, fields) -> list[dict]:
    """The initial data of a list's rows; `id` lets the service update rather than recreate."""
    return [{"id": obj.pk, **{name: getattr(obj, name) for name in fields}} for obj in objects]
