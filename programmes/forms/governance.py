"""Forms of stage II: stakeholders, bodies and members, meetings and what is recorded at them,
awareness actions. Forms check the input; the services decide (programmes/services)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from communities.models import Structure, User
from innovations.forms.records import CountField, LongTextField

from ..models import (
    ActionItem,
    Attendance,
    AwarenessAction,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    Stakeholder,
)
from ..services.governance import clean_reminder_days

TEXT = 10_000
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class StructureNameField(forms.CharField):
    """A structure of the directory, typed by its name (the page suggests names as one types)."""

    default_error_messages = {
        "unknown": _("No structure of the directory has this name: pick one of the "
                     "suggestions, or register the structure first."),
        "ambiguous": _("Several structures have this name: type it with its acronym in "
                       "brackets, as suggested."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "list": "directory-structures", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Structure):
            return suggestion_label(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        matches = list(Structure.objects.active().filter(name__iexact=text)[:2])
        if not matches:
            bracketed = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
            if bracketed:
                matches = list(Structure.objects.active().filter(
                    name__iexact=bracketed[1].strip(), acronym__iexact=bracketed[2].strip())[:2])
        if not matches:
            raise ValidationError(self.error_messages["unknown"], code="not_in_directory")
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous_structure")
        return matches[0]


def suggestion_label(structure: Structure) -> str:
    return f"{structure.name} ({structure.acronym})" if structure.acronym else structure.name


# --- Stakeholders ------------------------------------------------------------------------------


class StakeholderForm(forms.ModelForm):
    structure = StructureNameField(
        label=_("Structure in the directory (optional)"),
        help_text=_("Type a few letters of its name and pick it from the suggestions."))
    notes = LongTextField(label=_("Notes"), rows=3)

    class Meta:
        model = Stakeholder
        fields = ["name", "structure", "contact", "category", "role", "interest", "influence",
                  "engagement", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave it empty to use the structure's name.")

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("structure") and not self.has_error(
                "structure"):
            self.add_error("name", ValidationError(
                _("Give the stakeholder a name, or link it to a structure of the directory."),
                code="name_required"))
        return data


# --- Bodies and members ------------------------------------------------------------------------


class ReminderDaysField(forms.CharField):
    """Days before a meeting, typed as "7, 1"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        days = [day for day in re.split(r"[\s,;]+", text) if day]
        try:
            return clean_reminder_days(days)
        except ValidationError as error:
            raise ValidationError(error.message_dict["reminder_days"][0],
                                  code="reminder_days_out_of_range") from None


class BodyForm(forms.ModelForm):
    reminder_days = ReminderDaysField(
        label=_("Reminders (days before)"),
        help_text=_("Days before each meeting when members get a reminder, separated by "
                    "commas: for example 7, 1. From 1 to 60."))

    class Meta:
        model = GovernanceBody
        fields = ["kind", "name", "frequency", "reminder_days", "reminders_paused"]


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=254,
        help_text=_("If the person has an account, their seat is linked to it; otherwise "
                    "give their name too."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    structure = StructureNameField(label=_("Structure represented"))
    position = forms.ChoiceField(label=_("Position"), choices=BodyMember.Position.choices,
                                 initial=BodyMember.Position.MEMBER)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("name") and not self.has_error("email"):
            raise ValidationError(_("Give the member's e-mail address or name."),
                                  code="name_required")
        return data


class MemberUpdateForm(forms.Form):
    structure = StructureNameField(label=_("Structure represented"))
    position = forms.ChoiceField(label=_("Position"), choices=BodyMember.Position.choices)


# --- Meetings ----------------------------------------------------------------------------------


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


class MeetingForm(forms.Form):
    """A plain form: the service checks the dates and says why next to the right field."""

    title = forms.CharField(label=_label(Meeting, "title"), max_length=200)
    starts_at = forms.DateTimeField(label=_label(Meeting, "starts_at"),
                                    help_text=_("Paris time."), widget=DateTimeInput(),
                                    input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_label(Meeting, "ends_at"), help_text=_("Paris time."),
                                  widget=DateTimeInput(), input_formats=DATETIME_FORMATS)
    place = forms.CharField(label=_label(Meeting, "place"), max_length=300, required=False,
                            help_text=_("An address; leave it empty for a meeting by video."))
    video_link = forms.URLField(label=_label(Meeting, "video_link"), required=False,
                                max_length=200, assume_scheme="https")
    agenda = LongTextField(label=_label(Meeting, "agenda"), rows=6,
                           help_text=_("One item per line."))


class MinutesForm(forms.Form):
    minutes = LongTextField(label=_("Minutes"), rows=12, max_length=50_000)


class AttendanceForm(forms.Form):
    """One choice per member of the body."""

    def __init__(self, *args, members, attendance, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {f"member_{member.pk}": member for member in members}
        choices = [("", _("Not recorded")), *Attendance.Status.choices]
        for name, member in self.members.items():
            label = member.name if not member.structure_id else (
                f"{member.name} — {member.structure.name}")
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                  initial=attendance.get(member.pk, ""))

    def statuses(self) -> dict:
        return {member: self.cleaned_data.get(name, "") for name, member in self.members.items()}


class DecisionForm(forms.ModelForm):
    text = LongTextField(label=_("Decision"), rows=3, required=True)

    class Meta:
        model = Decision
        fields = ["kind", "text"]


class PersonByEmailField(forms.EmailField):
    """A person with an account, given by their e-mail address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.email if isinstance(value, User) else value

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("Nobody has an account with this address."),
                                  code="unknown_person")
        return person


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner (member of the body)"), required=False,
                                   queryset=BodyMember.objects.none())
    owner_user = PersonByEmailField(
        label=_("Or a person (e-mail address)"),
        help_text=_("Someone with an account who is not on the body."))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = BodyMember.objects.filter(pk__in=[m.pk for m in members])
        # The choices come from the members already on the page: no query to show them.
        field.choices = [("", "—"), *((m.pk, m.name) for m in members)]

    def clean(self):
        data = super().clean()
        if data.get("owner") and data.get("owner_user"):
            raise ValidationError(_("Choose a member of the body or a person, not both."),
                                  code="two_owners")
        return data


class ActionUpdateForm(ActionForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave it empty to use the file's name."))
    file = forms.FileField(label=_("File"), max_length=200,
                           help_text=_("PDF, office document, image or text; 10 MB at most."))


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("pending", _("To do or in progress")), ("late", _("Overdue")),
        *ActionItem.Status.choices])
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Everyone")), *owners]


# --- Awareness actions -------------------------------------------------------------------------


class AwarenessForm(forms.ModelForm):
    participants = CountField(label=_("Participants"), required=False, min_value=0,
                              max_value=1_000_000)
    outcome = LongTextField(label=_("Outcome"), rows=4)

    class Meta:
        model = AwarenessAction
        fields = ["kind", "title", "date", "audience", "participants", "outcome"]
        widgets = {"date": DateInput()}
