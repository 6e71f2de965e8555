"""Forms of the adopters' pages: candidates and their scores, sites, cohorts and sponsors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Structure, Territory
from innovations.forms.calls import ModelMultipleChoiceField

from ..models import AdopterCandidate, AdopterSite, Cohort
from ..services.adopters import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SCORE_MAX, SCORE_MIN

TEXT_MAX_LENGTH = 10_000
SEARCH_MAX_LENGTH = 100
PICKER_RESULTS = 15


# --- Shared fields ---------------------------------------------------------------------------


def is_database_id(value) -> bool:
    try:
        return 0 < int(str(value)) < 2**63
    except (TypeError, ValueError):
        return False


class ModelChoiceField(forms.ModelChoiceField):
    """Refuses ids that are not database integers before querying with them."""

    def to_python(self, value):
        if value not in self.empty_values and not is_database_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


class PickedChoiceField(ModelChoiceField):
    """A choice among many rows (the directory, the bank), offered a few at a time: the radio
    buttons list the results of a search, validation accepts any row of the queryset."""

    widget = forms.RadioSelect

    def offer(self, rows, label=str) -> None:
        self.widget.choices = [(row.pk, label(row)) for row in rows]


def clean_query(value) -> str:
    """What was typed in a search box, read straight from the request: bounded, and without
    the characters a database refuses."""
    return str(value or "").replace("\x00", "")[:SEARCH_MAX_LENGTH]


def structure_label(structure) -> str:
    territory = structure.territory_label
    return f"{structure.name} — {territory}" if territory else structure.name


class StructurePickerMixin:
    """A search box and the structures of the directory it finds, to choose one."""

    def setup_structure_picker(self, user, *, required=True):
        field = self.fields["structure"]
        field.required = required
        query = (self.data.get(self.add_prefix("structure_q")) if self.is_bound
                 else self.initial.get("structure_q")) or ""
        query = clean_query(query)
        directory = Structure.objects.visible_to(user).with_territories()
        offered = []
        chosen = self.data.get(self.add_prefix("structure")) if self.is_bound else None
        if is_database_id(chosen):
            offered = list(directory.filter(pk=int(chosen)))
        if len(query.strip()) >= 2:
            found = directory.search(query).exclude(pk__in=[s.pk for s in offered])
            offered += list(found.order_by("name", "pk")[:PICKER_RESULTS])
        self.structure_query = query
        self.structures_offered = offered
        field.offer(offered, structure_label)


def structure_picker_fields(required_label=_("Structure")):
    search = forms.CharField(
        label=_("Find the structure in the directory"), required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Two letters at least: name, acronym, town, SIRET or RNA."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    structure = PickedChoiceField(
        label=required_label, queryset=Structure.objects.active(),
        error_messages={"required": _("Search the directory and choose a structure."),
                        "invalid_choice": _("Choose a structure from the directory.")})
    return search, structure


class TerritoryField(forms.ChoiceField):
    """A région or a département, grouped, returned as a Territory; the form calls `load()`."""

    def load(self) -> None:
        territories = list(Territory.objects.order_by("kind", "code"))
        self._by_pk = {str(t.pk): t for t in territories}
        self.choices = [("", _("—"))] + [
            (_("Départements"), [(str(t.pk), str(t)) for t in territories
                                 if t.kind == Territory.Kind.DEPARTMENT]),
            (_("Regions"), sorted(((str(t.pk), t.name) for t in territories
                                   if t.kind == Territory.Kind.REGION), key=lambda c: c[1])),
        ]

    def prepare_value(self, value):
        return str(getattr(value, "pk", value) or "")

    def clean(self, value):
        value = super().clean(value)
        return self._by_pk.get(value) if value else None


class LongText(forms.CharField):
    def __init__(self, *, rows=4, max_length=TEXT_MAX_LENGTH, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}),
                         **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, **kwargs):
    kwargs.setdefault("required", False)
    return forms.DateField(label=label, widget=DateInput(),
                           input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)


# --- Candidates ------------------------------------------------------------------------------


class CandidateForm(StructurePickerMixin, forms.Form):
    structure_q, structure = structure_picker_fields(_("Candidate structure"))
    territory = TerritoryField(
        label=_("Territory"), required=False,
        help_text=_("Where the structure would run the innovation. Left empty: the structure's "
                    "département."))
    motivation = LongText(label=_("Motivation"))
    capacity = LongText(label=_("Capacity"),
                        help_text=_("People, premises, partners and budget it can devote."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].load()
        self.setup_structure_picker(user)


class CandidateFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + AdopterCandidate.Status.choices)


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your score"), coerce=int, widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
        help_text=_("1: not ready; 5: an excellent adopter."))
    comment = LongText(label=_("Comment"), rows=3, max_length=5000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=AdopterCandidate.Status.choices)
    start_date = date_field(_("Planned start of the site"),
                            help_text=_("When the candidate is selected (optional)."))


# --- Sites -----------------------------------------------------------------------------------


class SiteFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + AdopterSite.Status.choices)
    territory = forms.ChoiceField(label=_("Territory"), required=False)

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._territories = {str(t.pk): t for t in territories}
        regions = [(str(t.pk), t.name) for t in territories if t.kind == Territory.Kind.REGION]
        departments = [(str(t.pk), str(t)) for t in territories
                       if t.kind == Territory.Kind.DEPARTMENT]
        choices = [("", _("All"))]
        if regions:
            choices.append((_("Regions"), regions))
        if departments:
            choices.append((_("Départements"), departments))
        self.fields["territory"].choices = choices

    def filters(self) -> dict:
        """The valid filters; a value the list does not know is dropped, never refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status", ""),
                "territory": self._territories.get(data.get("territory") or "")}


class SiteStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX_LENGTH)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "Required to go back a step; %(max)s characters at most.") % {
            "max": REASON_MAX_LENGTH}
        self.fields["status"].choices = [
            (move.status, _("%(status)s (back a step)") % {"status": move.label}
             if move.is_back else move.label) for move in moves]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name of the site"), required=False, max_length=200,
                           help_text=_("Left empty: the structure and its territory."))
    start_date = date_field(_("Start date"))
    reminders_paused = forms.BooleanField(label=_("Pause reminders to this site"),
                                          required=False)


class AdaptationForm(forms.Form):
    """The local adaptation of one component; each component's form has its own prefix."""

    description = LongText(label=_("Local adaptation"), rows=3,
                           help_text=_("How the site adapts this component to its context. "
                                       "Empty it to remove the adaptation."))

    def __init__(self, *args, component, **kwargs):
        kwargs.setdefault("prefix", f"component-{component.pk}")
        super().__init__(*args, **kwargs)
        self.component = component


# --- Cohorts ---------------------------------------------------------------------------------


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Cohort._meta.get_field("name").max_length,
                           help_text=_("For example: Promotion 2024."))
    description = LongText(label=_("Description"), rows=3)
    starts_on = date_field(_("Start"))
    ends_on = date_field(_("End"))


class CohortSitesForm(forms.Form):
    sites = ModelMultipleChoiceField(
        label=_("Sites to add"), queryset=AdopterSite.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one site.")})

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sites"]
        field.queryset = sites if sites is not None else AdopterSite.objects.none()
        field.label_from_instance = lambda site: f"{site} — {site.project.title}"


class CohortRemoveForm(forms.Form):
    site = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


# --- Sponsors --------------------------------------------------------------------------------


class SponsorForm(StructurePickerMixin, forms.Form):
    email = forms.EmailField(label=_("A person, by e-mail"), required=False, max_length=254,
                             help_text=_("The person must have an account on Essaimage."))
    structure_q, structure = structure_picker_fields(_("Or a structure (a sponsoring group)"))
    site = ModelChoiceField(label=_("Site followed"), required=False,
                                  queryset=AdopterSite.objects.none(),
                                  empty_label=_("The whole project"))
    role = forms.CharField(label=_("Role"), required=False, max_length=200,
                           help_text=_("For example: public agent, sponsoring group."))
    since = date_field(_("Since"), help_text=_("Left empty: today."))

    def __init__(self, *args, user, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.setup_structure_picker(user, required=False)


class SponsorNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What you saw, advised or worry about. The project's "
                                       "team reads it."))

