"""Forms of the questionnaires: building one, sending it, and answering it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.forms.calls import ModelMultipleChoiceField, ReviewerEmailsField
from programmes.forms.adopters import LongText, ModelChoiceField, date_field

from ..models import Question, Questionnaire
from ..services.questionnaires import (
    CHOICE_MAX_LENGTH,
    MAX_CHOICES,
    SCALE_HIGHEST,
    SCALE_LOWEST,
    TEXT_ANSWER_MAX_LENGTH,
    answer_field_name,
)

K = Question.Kind


class QuestionnaireForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Questionnaire.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = LongText(label=_("Introduction"), rows=4,
                            help_text=_("What respondents read first: why they are asked, how "
                                        "their answers are used."))
    opens_on = date_field(_("Opens on"))
    closes_on = date_field(_("Closes on"),
                           help_text=_("After this date, answers are no longer taken."))

    @classmethod
    def initial_for(cls, questionnaire: Questionnaire) -> dict:
        return {name: getattr(questionnaire, name) for name in cls.base_fields}

    def __init__(self, *args, kind_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if kind_locked:
            del self.fields["kind"]


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=500)
    help_text = LongText(label=_("Help for respondents"), rows=2, max_length=2000)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    scale_min = forms.IntegerField(label=_("Lowest point of the scale"), initial=1,
                                   required=False, min_value=SCALE_LOWEST,
                                   max_value=SCALE_HIGHEST)
    scale_max = forms.IntegerField(label=_("Highest point of the scale"), initial=5,
                                   required=False, min_value=SCALE_LOWEST,
                                   max_value=SCALE_HIGHEST)
    scale_min_label = forms.CharField(label=_("Label of the lowest point"), max_length=100,
                                      required=False,
                                      help_text=_("For example: “Not at all”."))
    scale_max_label = forms.CharField(label=_("Label of the highest point"), max_length=100,
                                      required=False,
                                      help_text=_("For example: “Completely”."))
    choices = forms.CharField(
        label=_("Choices"), required=False,
        max_length=MAX_CHOICES * (CHOICE_MAX_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice question: one choice per line, two at least."))
    required = forms.BooleanField(label=_("An answer is required"), required=False,
                                  initial=True)

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {name: getattr(question, name) for name in cls.base_fields}
        initial["choices"] = "\n".join(question.choices or [])
        return initial

    def clean_choices(self):
        return self.cleaned_data["choices"].splitlines()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == K.SCALE:
            for name in ("scale_min", "scale_max"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, forms.ValidationError(
                        _("Give both ends of the scale."), code="scale_bounds_required"))
        return cleaned


class SendForm(forms.Form):
    """Sites (all active ones, or those ticked) and people, by e-mail; for a peer
    assessment, the site they assess."""

    all_sites = forms.BooleanField(label=_("All the active sites of the project"),
                                   required=False)
    sites = ModelMultipleChoiceField(label=_("Sites"), queryset=None, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    peer_site = ModelChoiceField(
        label=_("Site assessed by these sites"), queryset=None, required=False,
        empty_label=_("None: each site assesses itself"),
        help_text=_("For a peer assessment: the sites ticked answer about this site."))
    people = ReviewerEmailsField(
        label=_("People, by e-mail address"), required=False, max_length=20_000,
        help_text=_("One address per line: people of the project's sites, its staff, "
                    "committee members or sponsors, who already have an account."))
    due_on = date_field(_("Due on"),
                        help_text=_("Leave empty to use the closing date of the questionnaire."))

    def __init__(self, *args, sites, is_peer_assessment: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites
        self.fields["peer_site"].queryset = sites
        if not is_peer_assessment:
            del self.fields["peer_site"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_sites"):
            cleaned["sites"] = list(self.fields["sites"].queryset)
        return cleaned


# --- Answering -------------------------------------------------------------------------------


class AnswerForm(forms.Form):
    """One input per question: a row of radio buttons for a scale, radio buttons or checkboxes
    for choices, a text area for text. Nothing is required here: a draft may be partial, and
    the service says what a submission lacks."""

    def __init__(self, *args, questions, answers=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        self.rows = []
        for question in questions:
            name = answer_field_name(question)
            answer = answers.get(question.pk)
            if question.kind == K.SCALE:
                field = forms.TypedChoiceField(
                    coerce=int, empty_value=None, widget=forms.RadioSelect,
                    choices=[(point, str(point))
                             for point in range(question.scale_min, question.scale_max + 1)],
                    initial=answer.number if answer else None)
            elif question.kind == K.SINGLE_CHOICE:
                field = forms.ChoiceField(
                    widget=forms.RadioSelect, choices=[(c, c) for c in question.choices],
                    initial=(answer.choices or [None])[0] if answer else None)
            elif question.kind == K.MULTIPLE_CHOICE:
                field = forms.MultipleChoiceField(
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(c, c) for c in question.choices],
                    initial=answer.choices if answer else [])
            else:
                field = forms.CharField(
                    max_length=TEXT_ANSWER_MAX_LENGTH, strip=True,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=answer.text if answer else "")
            field.required = False
            field.label = question.label
            field.help_text = question.help_text
            field.disabled = disabled
            self.fields[name] = field
            self.rows.append((question, name))

    def answers(self) -> dict:
        """The answers by question id, as the service takes them."""
        return {question.pk: self.cleaned_data.get(name) for question, name in self.rows}

    def bound_rows(self):
        return [(question, self[name]) for question, name in self.rows]
