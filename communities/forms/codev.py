"""Forms of co-development sessions: proposing one, writing at each step, moving the steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CodevContribution, CodevSession
from ..services.codev import TEXT_STEP
from .events import DateTimeLocalField, LongText


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.display_name

    def to_python(self, value):
        if value not in self.empty_values and (not str(value).isdigit()
                                                or int(str(value)) > 2**63 - 1):
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("The situation in a few words."))
    case_holder = PersonChoiceField(
        label=_("Case-holder"), queryset=None, required=False,
        empty_label=_("Myself"),
        help_text=_("The person who brings the situation."))
    facilitator = PersonChoiceField(
        label=_("Facilitator"), queryset=None,
        help_text=_("A person of the space who runs the steps and keeps the time."))
    scheduled_at = DateTimeLocalField(label=_("Date and time"))
    place = forms.CharField(label=_("Place or link"), max_length=300,
                            help_text=_("The address, or the link of the video call."))
    problem_statement = LongText(
        label=_("Problem statement"), rows=6,
        help_text=_("The situation, what is at stake, what has been tried. It can be "
                    "completed at step 1."))

    def __init__(self, *args, people, for_someone_else: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = people
        if for_someone_else:
            self.fields["case_holder"].queryset = people
        else:
            del self.fields["case_holder"]


class TextForm(forms.Form):
    """One of the session's texts, for the step it is written at."""

    name = forms.ChoiceField(choices=[(name, name) for name in TEXT_STEP],
                             widget=forms.HiddenInput)
    text = LongText(label=_("Text"), rows=8, required=True)

    LABELS = {
        "problem_statement": _("Problem statement"),
        "expectation": _("What I expect from the consultants"),
        "action_plan": _("Synthesis and action plan"),
        "lessons": _("Lessons learnt"),
    }
    HELP = {
        "problem_statement": _("The situation, what is at stake for you, what you have tried."),
        "expectation": _("The question you put to the group: what kind of help you want."),
        "action_plan": _("What you keep from the advice and what you will do, by when."),
        "lessons": _("What each person takes away, for themselves and for their site."),
    }

    def __init__(self, *args, name=None, **kwargs):
        super().__init__(*args, **kwargs)
        name = name or (self.data.get("name") if self.is_bound else None)
        if name in self.LABELS:
            self.fields["text"].label = self.LABELS[name]
            self.fields["text"].help_text = self.HELP[name]
            self.initial.setdefault("name", name)


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(choices=CodevContribution.Kind.choices, widget=forms.HiddenInput)
    text = LongText(label=_("Your contribution"), rows=4, required=True)

    LABELS = {
        CodevContribution.Kind.QUESTION: _("Your clarifying question"),
        CodevContribution.Kind.ADVICE: _("Your reaction or advice"),
    }

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind or (self.data.get("kind") if self.is_bound else None)
        if kind in self.LABELS:
            self.fields["text"].label = self.LABELS[kind]
            self.initial.setdefault("kind", kind)


class StepForm(forms.Form):
    direction = forms.ChoiceField(choices=[("next", "next"), ("back", "back")])
    from_step = forms.TypedChoiceField(choices=CodevSession.Step.choices, coerce=int,
                                       required=False, empty_value=None)


class ConsultantForm(forms.Form):
    action = forms.ChoiceField(choices=[("join", "join"), ("leave", "leave")])
