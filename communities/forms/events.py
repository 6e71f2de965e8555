"""Forms of community events: organising one, cancelling it, attendance and the report."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import MESSAGE_MAX_LENGTH, Event

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
MAX_CAPACITY = 100_000
DATABASE_MAX_ID = 2**63 - 1


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed in the browser's picker, read in Paris time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_INPUT, "%Y-%m-%dT%H:%M:%S",
                                            "%d/%m/%Y %H:%M"])
        kwargs.setdefault("help_text", _("Paris time."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # The picker shows the time where the event happens, whatever the server's zone.
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return super().prepare_value(value)


class LongText(forms.CharField):
    """A markdown text of a message's length at most; the limit is told before typing."""

    def __init__(self, *, rows=6, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MESSAGE_MAX_LENGTH)
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not database integers before querying with them."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdigit() or int(text) > DATABASE_MAX_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    starts_at = DateTimeLocalField(label=_("Starts at"))
    ends_at = DateTimeLocalField(label=_("Ends at"))
    place = forms.CharField(label=_("Place"), required=False,
                            max_length=Event._meta.get_field("place").max_length,
                            help_text=_("The address, for a meet-up, a visit or a workshop."))
    link = forms.URLField(label=_("Link to join online"), required=False, max_length=200,
                          assume_scheme="https",
                          help_text=_("For a webinar. Only the people registered see it."))
    capacity = forms.IntegerField(label=_("Seats"), required=False, max_value=MAX_CAPACITY,
                                  help_text=_("Leave empty for no limit. Once the seats are "
                                              "taken, people join a waiting list."))
    spaces = ModelMultipleChoiceField(
        label=_("Open to the spaces"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people of these spaces see the event and are told about it. An "
                    "event can be open to several cohorts."))
    description = LongText(label=_("Description"), rows=5,
                           help_text=_("Markdown: **bold**, lists with -, links."))
    agenda = LongText(label=_("Agenda"), rows=5,
                      help_text=_("One item per line, or a markdown list."))

    def __init__(self, *args, spaces, kept_spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spaces"].queryset = spaces
        # Spaces someone else opened the event to: shown, and kept whatever is ticked.
        self.kept_spaces = list(kept_spaces)

    @classmethod
    def initial_for(cls, event: Event, spaces) -> dict:
        initial = {name: getattr(event, name) for name in cls.base_fields if name != "spaces"}
        initial["spaces"] = [space.pk for space in spaces]
        return initial

    def event_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("spaces")
        return data


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=Event._meta.get_field("cancellation_reason").max_length,
        help_text=_("Sent by e-mail to the people registered and on the waiting list."),
        widget=forms.Textarea(attrs={"rows": 3}))


class AttendanceForm(forms.Form):
    """Present or absent, for each person registered."""

    CHOICES = [("present", _("Present")), ("absent", _("Absent")), ("", _("Not recorded"))]

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for registration in registrations:
            name = f"attended_{registration.pk}"
            initial = {True: "present", False: "absent"}.get(registration.attended, "")
            self.fields[name] = forms.ChoiceField(
                label=registration.person.display_name, choices=self.CHOICES, required=False,
                initial=initial, widget=forms.RadioSelect)
            self.rows.append((registration, name))

    def attendance(self) -> dict[int, bool]:
        values = {"present": True, "absent": False}
        return {registration.pk: values[self.cleaned_data[name]]
                for registration, name in self.rows if self.cleaned_data.get(name) in values}

    @property
    def bound_rows(self):
        return [(registration, self[name]) for registration, name in self.rows]


class ReportForm(forms.Form):
    report = LongText(label=_("Report"), rows=12, required=True,
                      help_text=_("What was said and decided, what comes next. Markdown."))
