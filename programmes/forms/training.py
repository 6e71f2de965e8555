"""Forms of the training plan, its sessions, registrations and the toolkit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.forms.calls import (
    DateTimeLocalField,
    FrenchDecimalField,
    ModelMultipleChoiceField,
)
from innovations.models import Resource

from ..models import AdopterSite, TrainingModule, TrainingSession
from ..services.training import (
    COMMENT_MAX_LENGTH,
    MIN_SESSION_HOURS,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
)
from .adopters import (
    SEARCH_MAX_LENGTH,
    LongText,
    clean_query,
    ModelChoiceField,
    PickedChoiceField,
    is_database_id,
)

MAX_CAPACITY = 10_000
MAX_HOURS = 1000
PICKER_RESULTS = 15


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    objectives = LongText(label=_("Learning objectives"), required=True, rows=4,
                          help_text=_("What the people trained will know and be able to do."))
    pedagogy = forms.ChoiceField(label=_("Pedagogy"), choices=TrainingModule.Pedagogy.choices)
    duration_hours = FrenchDecimalField(label=_("Duration (hours)"), required=False,
                                        min_value=0, max_value=MAX_HOURS, max_digits=5,
                                        decimal_places=1)
    components = ModelMultipleChoiceField(
        label=_("Core components taught"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The core components of the strategy this module passes on."))

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = components


class SessionForm(forms.Form):
    starts_at = DateTimeLocalField(label=_("Starts at"))
    duration_hours = FrenchDecimalField(label=_("Duration (hours)"), min_value=MIN_SESSION_HOURS,
                                        max_value=MAX_HOURS, max_digits=5, decimal_places=1)
    is_remote = forms.BooleanField(label=_("Remote session"), required=False)
    place = forms.CharField(label=_("Place"), required=False,
                            max_length=TrainingSession._meta.get_field("place").max_length,
                            help_text=_("Address of an on-site session."))
    video_link = forms.URLField(label=_("Video link"), required=False, max_length=200,
                                assume_scheme="https",
                                help_text=_("For a remote session."))
    trainer = forms.CharField(label=_("Trainer"), required=False, max_length=200)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=MAX_CAPACITY)

    @classmethod
    def initial_for(cls, session: TrainingSession) -> dict:
        return {name: getattr(session, name) for name in cls.base_fields}


class SessionCancelForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, cancel this session"))


class RegistrationForm(forms.Form):
    """Registering oneself (choosing one's site) or, for the staff, someone of a site."""

    email = forms.EmailField(label=_("E-mail of the person to register"), max_length=254,
                             help_text=_("A person of one of the project's adopter sites."))
    site = ModelChoiceField(label=_("Site they come from"), queryset=None,
                                  required=False, empty_label=_("Their site"))
    accept_waiting_list = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sites, for_someone_else: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if for_someone_else:
            # The person's sites are offered once the e-mail tells who they are.
            self.fields["site"].widget = forms.HiddenInput()
        else:
            del self.fields["email"]
            self.fields["site"].label = _("I come from the site")
            self.fields["site"].empty_label = None
            self.fields["site"].required = True
            if len(sites) == 1:
                self.fields["site"].widget = forms.HiddenInput()

    def offer_sites(self, sites) -> None:
        """Let the staff choose among the sites the person belongs to, when they are several."""
        if len(sites) > 1:
            self.fields["site"].widget = forms.Select(
                choices=[("", _("Choose their site"))] + [(s.pk, str(s)) for s in sites])


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


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with this session?"), coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(SATISFACTION_MIN, SATISFACTION_MAX + 1)],
        help_text=_("1: not at all; 5: very satisfied."))
    comment = LongText(label=_("Comment (optional)"), rows=4, max_length=COMMENT_MAX_LENGTH,
                       help_text=_("What was useful, what was missing."))


class ToolkitItemForm(forms.Form):
    resource_q = forms.CharField(
        label=_("Find a resource of the bank"), required=False, max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words of its title. Without a search, the innovation's resources are "
                    "offered."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    resource = PickedChoiceField(
        label=_("Resource"), queryset=Resource.objects.none(),
        error_messages={"required": _("Choose a resource of the bank."),
                        "invalid_choice": _("Choose a resource of the bank you can see.")})
    is_required = forms.BooleanField(label=_("Every site must acknowledge it"), required=False,
                                     initial=True)

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Resource.objects.visible_to(user)
        field = self.fields["resource"]
        field.queryset = visible
        query = clean_query(self.data.get("resource_q") if self.is_bound
                            else self.initial.get("resource_q"))
        offered = visible.exclude(toolkit_items__project=project).select_related("innovation")
        if len(query.strip()) >= 2:
            offered = offered.filter(title__icontains=query.strip())
        else:
            offered = offered.filter(innovation=project.innovation_id)
        self.resources_offered = list(offered.order_by("title", "pk")[:PICKER_RESULTS])
        chosen = self.data.get("resource") if self.is_bound else None
        if is_database_id(chosen) and not any(
                str(r.pk) == str(chosen) for r in self.resources_offered):
            self.resources_offered = list(visible.filter(pk=int(chosen))) + \
                self.resources_offered
        self.resource_query = query
        field.offer(self.resources_offered,
                    lambda r: _("%(title)s (version %(version)s)") % {"title": r.title,
                                                                      "version": r.version})


class ToolkitActionForm(forms.Form):
    ACTIONS = [("new_version", "new_version"), ("required", "required"),
               ("optional", "optional"), ("remove", "remove")]

    item = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(choices=ACTIONS)


class AcknowledgeForm(forms.Form):
    site = ModelChoiceField(label=_("For the site"), queryset=None,
                                  empty_label=None)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


def active_site_queryset(sites):
    """The active ones among these sites, as a queryset a form can validate against."""
    return AdopterSite.objects.filter(pk__in=[s.pk for s in sites if s.is_active])
