"""Forms for setting up calls, applying, screening, assigning reviewers and deciding."""

import re
from decimal import Decimal

from django import forms
from django.core.validators import validate_email
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities.models import Structure, Territory, User

from ..models import Application, Call, College, Criterion, Question, Theme
from ..services.calls import asks_scaling_plan, offered_innovations_choices, question_field

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
MAX_EMAILS = 200
TEXT_ANSWER_MAX = 500
LONG_ANSWER_MAX = 20_000


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed in the browser's picker, read in Paris time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_INPUT, "%Y-%m-%dT%H:%M:%S",
                                            "%d/%m/%Y %H:%M", "%d/%m/%Y"])
        kwargs.setdefault("help_text", _("Paris time."))
        super().__init__(**kwargs)


class FrenchDecimalField(forms.DecimalField):
    """A number as French people type it: "1 234,5" as well as "1234.5"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input, so that browsers accept the decimal comma.
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not database integers before querying with them."""

    def _check_values(self, value):
        for pk in value:
            try:
                valid = 0 < int(str(pk)) < 2**63
            except (TypeError, ValueError):
                valid = False
            if not valid:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class GroupedTerritoriesField(forms.MultipleChoiceField):
    """Régions and départements in one list, grouped, returned as Territory objects."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        territories = list(Territory.objects.order_by("kind", "code"))
        self._by_pk = {str(t.pk): t for t in territories}
        self.choices = [
            (_("Regions"), [(str(t.pk), t.name) for t in sorted(
                (t for t in territories if t.kind == Territory.Kind.REGION),
                key=lambda t: t.name)]),
            (_("Départements"), [(str(t.pk), str(t)) for t in territories
                                 if t.kind == Territory.Kind.DEPARTMENT]),
        ]

    def prepare_value(self, value):
        if value is None:
            return []
        return [str(getattr(v, "pk", v)) for v in value]

    def clean(self, value):
        return [self._by_pk[pk] for pk in super().clean(value)]


# --- Calls ------------------------------------------------------------------------------------


class CallForm(forms.ModelForm):
    opens_at = DateTimeLocalField(label=_("Opens on"))
    closes_at = DateTimeLocalField(label=_("Closes on"),
                                   help_text=_("Paris time. Submissions are refused after it."))
    reviews_due_at = DateTimeLocalField(
        label=_("Reviews due by"), required=False,
        help_text=_("Paris time. Optional: reviewers who have not finished get a reminder "
                    "three days before."))
    description = forms.CharField(label=_("Description"), max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 8}))
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Eligible kinds of structure"), choices=Structure.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind of structure may apply."),
    )
    themes = ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offered_innovations = ModelMultipleChoiceField(
        label=_("Innovations offered for adoption"), queryset=offered_innovations_choices(),
        required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("For a call for expressions of interest: the proven innovations, published "
                    "in the knowledge bank, that structures may choose to adopt. Hold Ctrl (or "
                    "Cmd) to choose several."),
    )

    class Meta:
        model = Call
        fields = ["kind", "title", "description", "organiser", "themes", "eligible_kinds",
                  "eligible_territories", "opens_at", "closes_at", "reviews_due_at",
                  "scaling_plan",
                  "offered_innovations"]
        widgets = {"kind": forms.RadioSelect, "scaling_plan": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_territories"] = GroupedTerritoriesField(
            label=_("Eligible territories"), required=False,
            widget=forms.SelectMultiple(attrs={"size": 10}),
            help_text=_("None chosen: the whole of France. A région includes its départements. "
                        "Hold Ctrl (or Cmd) to choose several."),
            initial=(list(self.instance.eligible_territories.all())
                     if self.instance.pk else []),
        )
        self.fields["offered_innovations"].label_from_instance = (
            lambda innovation: f"{innovation.title} — {innovation.owner}")
        organisers = Structure.objects.active().order_by("name")
        if not user.is_superuser:
            organisers = organisers.filter(memberships__user=user)
        self.fields["organiser"].queryset = organisers
        self.fields["organiser"].help_text = _("The structure that runs the call.")
        if self.instance.pk and self.instance.is_published:
            for name in ("opens_at", "closes_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("The call is published: extend its deadline "
                                                "instead.")
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", forms.ValidationError(
                _("The call must close after it opens."), code="closes_before_opening"))
        return cleaned

    def _post_clean(self):
        # The service validates the call as a whole; skip the model's own full_clean here.
        pass

    def call_fields(self) -> dict:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        return {name: value for name, value in data.items()
                if not (self.fields[name].disabled and self.instance.pk)}


class ManagerForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"), max_length=254,
                             help_text=_("They must already have an account on Essaimage."))


class ExtendDeadlineForm(forms.Form):
    closes_at = DateTimeLocalField(label=_("New closing date"))


# --- The application form and the rubric ------------------------------------------------------


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("Options"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one option per line."),
    )

    class Meta:
        model = Question
        fields = ["label", "help_text", "kind", "choices", "is_required", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean_choices(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["choices"].splitlines()]
        options = [line[:200] for line in lines if line]
        return list(dict.fromkeys(options))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Question.Kind.CHOICE and len(cleaned.get("choices") or []) < 2:
            self.add_error("choices", forms.ValidationError(
                _("Give at least two options."), code="choices_missing"))
        return cleaned


QuestionFormSet = inlineformset_factory(Call, Question, form=QuestionForm, extra=2,
                                        can_delete=True, max_num=100, absolute_max=200,
                                        validate_max=True)


class CriterionForm(forms.ModelForm):
    weight = FrenchDecimalField(label=_("Weight"), max_digits=5, decimal_places=2,
                                min_value=Decimal("0.01"), initial=Decimal("1"))

    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_score", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CollegeForm(forms.ModelForm):
    class Meta:
        model = College
        fields = ["name", "description"]


CriterionFormSet = inlineformset_factory(Call, Criterion, form=CriterionForm, extra=1,
                                         can_delete=True, max_num=50, absolute_max=100,
                                         validate_max=True)
CollegeFormSet = inlineformset_factory(Call, College, form=CollegeForm, extra=1,
                                       can_delete=True, max_num=20, absolute_max=50,
                                       validate_max=True)


# --- Applying ---------------------------------------------------------------------------------


class ApplicationStartForm(forms.Form):
    structure = forms.ModelChoiceField(label=_("Applying structure"),
                                       queryset=Structure.objects.none())
    title = forms.CharField(label=_("Project title"), max_length=200, required=False,
                            help_text=_("You can change it until you submit."))

    def __init__(self, *args, user, call, **kwargs):
        super().__init__(*args, **kwargs)
        structures = Structure.objects.filter(memberships__user=user).order_by("name")
        self.fields["structure"].queryset = structures
        first_two = list(structures[:2])
        if len(first_two) == 1:
            self.fields["structure"].initial = first_two[0].pk
        if call.is_for_expressions_of_interest:
            del self.fields["title"]


class ApplicationForm(forms.Form):
    """The applicant's draft: the call's fixed fields and one field per question.

    Drafts may be incomplete, so required answers are marked but only checked on submission.
    """

    title = forms.CharField(label=_("Project title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("In a few lines: what the project does, for whom, "
                                          "and what it has proven."))
    territory = forms.ModelChoiceField(
        label=_("Territory of the project"), required=False,
        queryset=Territory.objects.order_by("-kind", "code"),
    )
    scaling_plan = forms.CharField(
        label=_("Scaling-up plan"), required=False, max_length=LONG_ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, call, application, questions, offered=(), answers=None,
                 adoption_choices=None, **kwargs):
        self.call = call
        self.application = application
        self.questions = list(questions)
        self.offered = list(offered)
        answers = answers or {}
        adoption_choices = adoption_choices or {}
        initial = {
            "title": application.title, "summary": application.summary,
            "territory": application.territory_id, "scaling_plan": application.scaling_plan,
        }
        for question in self.questions:
            answer = answers.get(question.pk)
            if answer is not None and question.kind != Question.Kind.FILE:
                initial[question_field(question)] = (
                    answer.number if question.kind == Question.Kind.NUMBER else answer.text)
        for innovation in self.offered:
            choice = adoption_choices.get(innovation.pk)
            if choice is not None:
                initial[f"adopt_{innovation.pk}"] = True
                initial[f"motivation_{innovation.pk}"] = choice.motivation
                initial[f"capacity_{innovation.pk}"] = choice.capacity
        super().__init__(*args, initial=initial, **kwargs)
        self.answers = answers
        self.fields["territory"].label_from_instance = str
        if not asks_scaling_plan(call):
            del self.fields["scaling_plan"]
        else:
            self.fields["scaling_plan"].required = call.scaling_plan == Call.ScalingPlan.REQUIRED
            self.fields["scaling_plan"].help_text = (
                _("Required by this call: how the innovation could spread to other "
                  "territories, and who would carry it.")
                if call.scaling_plan == Call.ScalingPlan.REQUIRED else
                _("Rewarded by this call: how the innovation could spread to other "
                  "territories, and who would carry it."))
        for question in self.questions:
            self.fields[question_field(question)] = self._answer_field(question)
            if question.kind == Question.Kind.FILE:
                self.fields[f"{question_field(question)}_clear"] = forms.BooleanField(
                    label=_("Remove the file sent"), required=False)
        for innovation in self.offered:
            self.fields[f"adopt_{innovation.pk}"] = forms.BooleanField(
                label=_("We want to adopt %(innovation)s") % {"innovation": innovation.title},
                required=False)
            self.fields[f"motivation_{innovation.pk}"] = forms.CharField(
                label=_("Motivation"), required=False, max_length=LONG_ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Why this innovation, for which needs of your territory."))
            self.fields[f"capacity_{innovation.pk}"] = forms.CharField(
                label=_("Capacity"), required=False, max_length=LONG_ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("People, premises, partners and budget you can devote to it."))

    def _answer_field(self, question):
        common = {"label": question.label, "help_text": question.help_text,
                  "required": question.is_required}
        if question.kind == Question.Kind.LONG_TEXT:
            return forms.CharField(max_length=LONG_ANSWER_MAX,
                                   widget=forms.Textarea(attrs={"rows": 6}), **common)
        if question.kind == Question.Kind.NUMBER:
            return FrenchDecimalField(max_digits=14, decimal_places=2, localize=False,
                                      widget=forms.TextInput, **common)
        if question.kind == Question.Kind.CHOICE:
            return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in question.choices]],
                                     **common)
        if question.kind == Question.Kind.FILE:
            return forms.FileField(max_length=200, **common)
        return forms.CharField(max_length=TEXT_ANSWER_MAX, **common)

    def full_clean(self):
        # A draft may be incomplete: the required marks are for the reader, and the
        # service checks required answers when the application is submitted.
        required = {name: f.required for name, f in self.fields.items() if name != "title"}
        for name in required:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name, value in required.items():
                self.fields[name].required = value

    # What the template shows, grouped.

    def question_rows(self):
        """Each question's field, with its file answer and the field to remove it."""
        for question in self.questions:
            name = question_field(question)
            yield {
                "question": question,
                "field": self[name],
                "clear": self[f"{name}_clear"] if question.kind == Question.Kind.FILE else None,
                "answer": self.answers.get(question.pk),
            }

    def adoption_rows(self):
        for innovation in self.offered:
            yield {
                "innovation": innovation,
                "adopt": self[f"adopt_{innovation.pk}"],
                "motivation": self[f"motivation_{innovation.pk}"],
                "capacity": self[f"capacity_{innovation.pk}"],
            }

    # What the services take.

    def application_fields(self) -> dict:
        names = ["title", "summary", "territory", "scaling_plan"]
        return {name: self.cleaned_data[name] or ("" if name != "territory" else None)
                for name in names if name in self.fields}

    def answer_values(self) -> dict:
        return {q.pk: self.cleaned_data.get(question_field(q)) for q in self.questions
                if q.kind != Question.Kind.FILE}

    def uploaded_files(self) -> dict:
        return {q.pk: self.cleaned_data[question_field(q)] for q in self.questions
                if q.kind == Question.Kind.FILE and self.cleaned_data.get(question_field(q))}

    def cleared_files(self) -> list:
        return [q.pk for q in self.questions if q.kind == Question.Kind.FILE
                and self.cleaned_data.get(f"{question_field(q)}_clear")
                and not self.cleaned_data.get(question_field(q))]

    def adoption_choices(self) -> dict | None:
        if not self.call.is_for_expressions_of_interest:
            return None
        return {
            innovation.pk: (self.cleaned_data.get(f"motivation_{innovation.pk}", ""),
                            self.cleaned_data.get(f"capacity_{innovation.pk}", ""))
            for innovation in self.offered if self.cleaned_data.get(f"adopt_{innovation.pk}")
        }


# --- Screening, assigning and deciding ---------------------------------------------------------


class ScreeningForm(forms.Form):
    is_eligible = forms.TypedChoiceField(
        label=_("Eligibility"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Why, in a few words; the applicant does not see it."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(status.value, status.label) for status in Application.DECISIONS],
    )
    message = forms.CharField(label=_("Message to the applicant"), required=False,
                              max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Sent by e-mail with the decision."))


class ReviewerEmailsField(forms.CharField):
    """E-mail addresses, one per line or separated by commas, of people with an account."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        emails = [e.strip().lower() for e in re.split(r"[\s,;]+", value or "") if e.strip()]
        emails = list(dict.fromkeys(emails))
        if len(emails) > MAX_EMAILS:
            raise forms.ValidationError(
                _("At most %(count)d addresses at a time.") % {"count": MAX_EMAILS},
                code="too_many")
        invalid = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                invalid.append(email)
        if invalid:
            raise forms.ValidationError(
                _("Not an e-mail address: %(emails)s.") % {"emails": ", ".join(invalid[:10])},
                code="invalid")
        people = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = set(emails) - {person.email.lower() for person in people}
        if unknown:
            raise forms.ValidationError(
                ngettext("Nobody has an account with this address: %(emails)s.",
                         "Nobody has an account with these addresses: %(emails)s.",
                         len(unknown)) % {"emails": ", ".join(sorted(unknown)[:10])},
                code="unknown_person")
        return people


class AssignForm(forms.Form):
    applications = ModelMultipleChoiceField(
        label=_("Applications"), queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one application.")},
    )
    reviewers = ModelMultipleChoiceField(
        label=_("Reviewers already working on this call"), queryset=User.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    emails = ReviewerEmailsField(
        label=_("Other reviewers, by e-mail address"), required=False, max_length=20_000,
        help_text=_("One address per line. They must already have an account."),
    )
    college = forms.ModelChoiceField(label=_("Review college"), queryset=College.objects.none())

    def __init__(self, *args, call, applications, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
        self.fields["reviewers"].queryset = pool
        self.fields["reviewers"].label_from_instance = (
            lambda person: f"{person.display_name} ({person.email})")
        self.fields["college"].queryset = call.colleges.all()

    def clean(self):
        cleaned = super().clean()
        reviewers = list(cleaned.get("reviewers") or []) + list(cleaned.get("emails") or [])
        if not self.errors and not reviewers:
            raise forms.ValidationError(_("Choose at least one reviewer."), code="no_reviewer")
        cleaned["all_reviewers"] = list({person.pk: person for person in reviewers}.values())
        return cleaned

