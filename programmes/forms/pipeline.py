"""Forms of the pipeline: projects, gate decisions, schedule, roadmap filters, stage I."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from innovations.forms.records import (
    ComponentFormSet,
    CountField,
    LongTextField,
    TerritoriesField,
)
from innovations.models import Innovation
from innovations.scaling import DESCRIPTIONS, SUBTYPES, ScalingModel

from .. import pipeline
from ..models import (
    STAGE_ORDER,
    AssessmentScore,
    GovernanceBody,
    Meeting,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    Stage,
)

MAX_ID = 2_147_483_647
REASON_MAX = 5000
TEXT_MAX = 10_000


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


class ObjectChoiceField(forms.ModelChoiceField):
    """A row picked in a list; a value that cannot be an id is refused before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if not text.isdigit() or not 0 < int(text) <= MAX_ID:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=False, help_text="", **kwargs):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=DateInput(), **kwargs)


# --- Projects -------------------------------------------------------------------------------


class InnovationChoiceField(ObjectChoiceField):
    def label_from_instance(self, innovation):
        return f"{innovation.title} — {innovation.owner.name}"


class StaffChoiceField(ObjectChoiceField):
    def label_from_instance(self, person):
        return person.display_name


class ProjectCreateForm(forms.Form):
    innovation = InnovationChoiceField(
        queryset=Innovation.objects.none(), label=_("Innovation to scale up"),
        empty_label=_("Choose a published innovation"),
        help_text=_("Only records published in the knowledge bank can be scaled up."))
    title = forms.CharField(
        label=_label(ScalingProject, "title"), max_length=200, required=False,
        help_text=_("Leave it empty to use the innovation's title."))
    description = LongTextField(label=_label(ScalingProject, "description"), rows=3)
    staff_lead = StaffChoiceField(queryset=None, label=_label(ScalingProject, "staff_lead"),
                                  required=False, empty_label=_("Nobody yet"),
                                  help_text=_("One of the programme's staff."))
    started_on = date_field(_("Start of stage 0"), required=True,
                            help_text=_("When the identification began, e.g. the call for "
                                        "projects."))

    def __init__(self, *args, programme, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = (Innovation.objects.published()
                                              .select_related("owner").order_by("title", "pk"))
        self.fields["staff_lead"].queryset = programme.staff.order_by("last_name", "first_name")
        self.fields["started_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ProjectUpdateForm(forms.Form):
    title = forms.CharField(label=_label(ScalingProject, "title"), max_length=200)
    description = LongTextField(label=_label(ScalingProject, "description"), rows=5)
    staff_lead = StaffChoiceField(queryset=None, label=_label(ScalingProject, "staff_lead"),
                                  required=False, empty_label=_("Nobody yet"))

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("initial", {"title": project.title, "description": project.description,
                                      "staff_lead": project.staff_lead_id})
        super().__init__(*args, **kwargs)
        self.fields["staff_lead"].queryset = project.programme.staff.order_by("last_name",
                                                                              "first_name")


# --- Gate decisions ---------------------------------------------------------------------------


class MeetingChoiceField(ObjectChoiceField):
    def label_from_instance(self, meeting):
        day = timezone.localtime(meeting.starts_at).date()
        return f"{meeting.title} ({day:%d/%m/%Y})"


class DecisionForm(forms.Form):
    """What every decision carries: its reason, date and, maybe, the meeting that took it."""

    reason = LongTextField(label=_("Reason"), required=True, max_length=REASON_MAX, rows=3,
                           help_text=_("Kept in the project's history."))
    decided_on = date_field(_("Date of the decision"), required=True,
                            help_text=_("Today or earlier."))
    meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(), required=False,
        label=_("Decided at a steering committee meeting"),
        empty_label=_("Not at a meeting"),
        help_text=_("The decision is then also entered in that meeting's decisions register."))

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.project = project
        # The meetings that took place (or are taking place): a decision is not taken ahead.
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__project=project, body__kind=GovernanceBody.Kind.STEERING,
                                   starts_at__lte=timezone.now())
            .exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at"))
        self.fields["decided_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class GateForm(DecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(kind, pipeline.TRANSITIONS[kind].label) for kind in pipeline.GATE_DECISIONS])

    field_order = ["decision", "reason", "decided_on", "meeting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the decisions possible now; one that became impossible meanwhile still reaches
        # the service, which says why.
        available = set(pipeline.available_decisions(self.project))
        self.fields["decision"].widget.choices = [
            choice for choice in self.fields["decision"].choices if choice[0] in available]


class ReopenForm(DecisionForm):
    stage = forms.ChoiceField(label=_("Stage to reopen"),
                              choices=[(stage, Stage(stage).label) for stage in STAGE_ORDER])

    field_order = ["stage", "reason", "decided_on", "meeting"]

    def __init__(self, *args, **kwargs):
        # Beside the gate form on the project's page: its fields need ids of their own.
        kwargs.setdefault("auto_id", "reopen_%s")
        super().__init__(*args, **kwargs)
        reopenable = pipeline.reopenable_stages(self.project)
        self.fields["stage"].widget.choices = [
            choice for choice in self.fields["stage"].choices if choice[0] in reopenable]
        if reopenable:
            self.fields["stage"].initial = reopenable[-1]


# --- Schedule -------------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    """The planned start and end of each stage."""

    def __init__(self, *args, plans, **kwargs):
        initial = {}
        for stage in STAGE_ORDER:
            plan = plans.get(stage)
            initial[f"planned_start_{stage}"] = plan.planned_start if plan else None
            initial[f"planned_end_{stage}"] = plan.planned_end if plan else None
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for stage in STAGE_ORDER:
            self.fields[f"planned_start_{stage}"] = date_field(_("Planned start"))
            self.fields[f"planned_end_{stage}"] = date_field(_("Planned end"))

    def rows(self):
        return [(stage, Stage(stage).label, self[f"planned_start_{stage}"],
                 self[f"planned_end_{stage}"]) for stage in STAGE_ORDER]

    def clean(self):
        cleaned = super().clean()
        for stage in STAGE_ORDER:
            start = cleaned.get(f"planned_start_{stage}")
            end = cleaned.get(f"planned_end_{stage}")
            if start and end and end < start:
                self.add_error(f"planned_end_{stage}", ValidationError(
                    _("A stage must end after it starts."), code="end_before_start"))
        return cleaned

    def planned(self) -> dict:
        return {stage: (self.cleaned_data.get(f"planned_start_{stage}"),
                        self.cleaned_data.get(f"planned_end_{stage}")) for stage in STAGE_ORDER}


# --- Roadmap filters --------------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.Field):
    """A month typed as 2018-06 (what browsers' month inputs send)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "type": "month", "placeholder": "2018-06", "maxlength": 7}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = MONTH.match(text[:8])
        if not match or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2200:
            raise ValidationError(_("Enter a month such as 2018-06."), code="invalid_month")
        return date(int(match[1]), int(match[2]), 1)


class RoadmapFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=[("", _("All stages"))] + [
                                  (stage, Stage(stage).label) for stage in STAGE_ORDER])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + list(
                                   ScalingProject.Status.choices))
    start = MonthField(label=_("From (month)"))
    end = MonthField(label=_("To (month)"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", ValidationError(_("The last month comes after the first."),
                                                  code="end_before_start"))
        return cleaned

    def filters(self) -> dict:
        """The filters to apply: the valid ones; a wrong one is ignored (and shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("stage", "status", "start", "end")
                if data.get(name) and name not in self.errors}


# --- Stage I: replicability assessment -----------------------------------------------------

Criterion = AssessmentScore.Criterion
Recommendation = ReplicabilityAssessment.Recommendation

CRITERION_HELP = {
    Criterion.IMPACT_SHOWN: _("Is the impact on beneficiaries proven? 1: no evidence; "
                              "4: an external or experimental evaluation."),
    Criterion.MODELLING_DONE: _("Is the dispositif described so that others can run it, "
                                "with its core and adaptable components?"),
    Criterion.WILLINGNESS: _("Does the innovator want to see others run it, and accept "
                             "adaptations?"),
    Criterion.CAPACITY: _("Can the innovator train and support adopters: people, time, "
                          "tools?"),
    Criterion.ECONOMIC_VIABILITY: _("Can an adopter site fund it over time: costs, resources, "
                                    "costs avoided?"),
    Criterion.NEED: _("Is the need present on the target territories, and is no one already "
                      "answering it?"),
    Criterion.PREREQUISITES: _("Can the prerequisites (partners, skills, premises) be met "
                               "where it will be adopted?"),
    Criterion.RISKS: _("Are the risks of failure known, and their mitigations?"),
}

SCORE_CHOICES = [("", _("not scored")), (1, "1"), (2, "2"), (3, "3"), (4, "4")]


class AssessmentForm(forms.Form):
    summary = LongTextField(label=_label(ReplicabilityAssessment, "summary"), rows=5,
                            max_length=TEXT_MAX,
                            help_text=_("What the study concludes, and on what conditions."))
    recommendation = forms.ChoiceField(
        label=_label(ReplicabilityAssessment, "recommendation"), choices=Recommendation.choices,
        widget=forms.RadioSelect, initial=Recommendation.UNDECIDED,
        help_text=_("Recommend once every criterion is scored."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[f"score_{criterion.value}"] = forms.TypedChoiceField(
                label=_("Score from 1 (weak) to 4 (strong)"), choices=SCORE_CHOICES,
                coerce=int, empty_value=None, required=False, widget=forms.RadioSelect)
            self.fields[f"evidence_{criterion.value}"] = LongTextField(
                label=_("Evidence"), rows=2, max_length=TEXT_MAX,
                help_text=_("Documents, figures, interviews that support the score."))

    @classmethod
    def initial_for(cls, summary) -> dict:
        initial = {"recommendation": summary.recommendation}
        if summary.assessment is not None:
            initial["summary"] = summary.assessment.summary
        for row in summary.rows:
            initial[f"score_{row.criterion}"] = row.score if row.score is not None else ""
            initial[f"evidence_{row.criterion}"] = row.evidence
        return initial

    def rows(self):
        """For each criterion: its code, name, guidance, score and evidence fields."""
        return [(c.value, c.label, CRITERION_HELP[c], self[f"score_{c.value}"],
                 self[f"evidence_{c.value}"]) for c in Criterion]

    def scores(self) -> dict:
        return {c: (self.cleaned_data.get(f"score_{c}"),
                    self.cleaned_data.get(f"evidence_{c}", "")) for c in Criterion.values}


# --- Stage I: scaling strategy ------------------------------------------------------------------


class StrategyForm(forms.Form):
    balance = forms.TypedChoiceField(
        label=_("Between standardisation and autonomy"), coerce=int,
        choices=ScalingStrategy.Balance.choices, widget=forms.RadioSelect,
        help_text=_("Standardisation: the same everywhere, under central control, at lower "
                    "cost. Autonomy: each adopter appropriates and adapts it locally."))
    target_territories = TerritoriesField(
        required=False, label=_label(ScalingStrategy, "target_territories"),
        help_text=ScalingStrategy._meta.get_field("target_territories").help_text)
    target_sites = CountField(label=_label(ScalingStrategy, "target_sites"), required=False,
                              min_value=0, max_value=100_000)
    economic_model = LongTextField(
        label=_label(ScalingStrategy, "economic_model"), rows=5, max_length=TEXT_MAX,
        help_text=_("What the scaling itself costs and who pays: transfer fees, a grant, "
                    "a pooled fund, the adopters' own resources..."))
    communication = LongTextField(
        label=_label(ScalingStrategy, "communication"), rows=4, max_length=TEXT_MAX,
        help_text=_("Whom to tell, with what message, through which channels."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for model in ScalingModel:
            self.fields[f"use_{model.value}"] = forms.BooleanField(
                label=_("The strategy uses this model"), required=False)
            if SUBTYPES[model]:
                self.fields[f"subtype_{model.value}"] = forms.ChoiceField(
                    label=_("Sub-type"), required=False,
                    choices=[("", _("Not chosen yet"))] + [(s.value, s.label)
                                                          for s in SUBTYPES[model]])
        self._territory_groups = self.fields["target_territories"].grouped_choices()
        self.fields["target_territories"].choices = self._territory_groups

    @classmethod
    def initial_for(cls, strategy) -> dict:
        initial = {
            "balance": strategy.balance, "target_sites": strategy.target_sites,
            "economic_model": strategy.economic_model, "communication": strategy.communication,
            "target_territories": [t.pk for t in strategy.target_territories.all()],
        }
        for row in strategy.models.all():
            initial[f"use_{row.model}"] = True
            initial[f"subtype_{row.model}"] = row.subtype
        return initial

    def model_rows(self):
        return [(model.value, model.label, DESCRIPTIONS[model], self[f"use_{model.value}"],
                 self[f"subtype_{model.value}"] if SUBTYPES[model] else None)
                for model in ScalingModel]

    def territory_groups(self):
        group_of = {str(pk): label for label, options in self._territory_groups
                    for pk, _name in options}
        grouped = {}
        for choice in self["target_territories"]:
            grouped.setdefault(group_of.get(str(choice.data["value"]), ""), []).append(choice)
        return list(grouped.items())

    def chosen_territories(self):
        return [choice.choice_label for choice in self["target_territories"]
                if choice.data["selected"]]

    def clean(self):
        cleaned = super().clean()
        for model in ScalingModel:
            if cleaned.get(f"subtype_{model.value}") and not cleaned.get(f"use_{model.value}"):
                self.add_error(f"subtype_{model.value}", ValidationError(
                    _("Tick this model to use it, or leave its sub-type empty."),
                    code="subtype_without_model"))
        return cleaned

    def strategy_data(self) -> dict:
        models = {model.value: self.cleaned_data.get(f"subtype_{model.value}") or ""
                  for model in ScalingModel if self.cleaned_data.get(f"use_{model.value}")}
        return {
            "models": models, "balance": self.cleaned_data["balance"],
            "target_territories": list(self.cleaned_data["target_territories"]),
            "target_sites": self.cleaned_data["target_sites"],
            "economic_model": self.cleaned_data["economic_model"],
            "communication": self.cleaned_data["communication"],
        }


COMPONENT_KINDS = ("core", "adaptable")


def with_extra_row(data, prefix):
    """The submitted data with one more empty row in the list `prefix`."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(min(int(data.get(key, "0")) + 1, 10_000))
    except ValueError:
        pass  # the formset will say its management data is broken
    return data


def component_formsets(data, components: dict[str, list]):
    """The core and adaptable components as two ordered lists of rows, bound to `data`."""
    return {
        kind: ComponentFormSet(
            data, prefix=kind,
            initial=[{"id": c.pk, "title": c.title, "description": c.description}
                     for c in components[kind]])
        for kind in COMPONENT_KINDS
    }


def component_rows(formsets) -> list[dict]:
    """The rows kept in both lists, in order, as the service takes them."""
    return [{**row, "kind": kind} for kind in COMPONENT_KINDS
            for row in formsets[kind].rows()]
