"""Filters of the project's registers of meetings and decisions (django-filter), shared by
the list pages and their exports."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .forms.governance import DateInput
from .models import Attendance, Decision, GovernanceBody, Meeting


def visible_meetings(project, user):
    """The project's meetings `user` may read (a committee member: their committee's), with
    what the register shows of each."""
    return (
        Meeting.objects.visible_to(user).filter(body__project=project)
        .select_related("body")
        .annotate(decision_count=Count("decisions", distinct=True),
                  present_count=Count("attendances", distinct=True, filter=Q(
                      attendances__status=Attendance.Status.PRESENT)))
        .order_by("-starts_at", "-pk")
    )


def visible_decisions(project, user):
    """The project's decisions `user` may read: those of the meetings they may read."""
    meetings = Meeting.objects.visible_to(user).filter(body__project=project)
    return (
        Decision.objects.filter(meeting__in=meetings.values("pk"))
        .select_related("meeting__body")
        .order_by("-meeting__starts_at", "-meeting_id", "created_at", "pk")
    )


class _RegisterFilter(django_filters.FilterSet):
    """The body and the date range, offered from what the person may read of the project.
    (Each register lists its filters, these included, in its Meta.fields order.)"""

    date_field = "starts_at"

    date_from = django_filters.DateFilter(label=_("From"), method="filter_from",
                                          widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="filter_to", widget=DateInput())

    def __init__(self, data=None, *args, project, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["body"].queryset = (GovernanceBody.objects.visible_to(user)
                                         .filter(project=project).order_by("kind", "name", "pk"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__date__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__date__lte": value})

    @property
    def is_filtered(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return any(value not in (None, "") for value in self.form.cleaned_data.values())


class MeetingFilter(_RegisterFilter):
    body = django_filters.ModelChoiceFilter(
        label=_("Body"), queryset=GovernanceBody.objects.none(), empty_label=_("All bodies"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Meeting.Status.choices, empty_label=_("All"))

    class Meta:
        model = Meeting
        fields = ["body", "status", "date_from", "date_to"]


class DecisionFilter(_RegisterFilter):
    date_field = "meeting__starts_at"

    body = django_filters.ModelChoiceFilter(
        label=_("Body"), field_name="meeting__body", queryset=GovernanceBody.objects.none(),
        empty_label=_("All bodies"))
    meeting = django_filters.ModelChoiceFilter(
        label=_("Meeting"), queryset=Meeting.objects.none(), empty_label=_("All meetings"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Decision.Kind.choices, empty_label=_("All kinds"))

    class Meta:
        model = Decision
        fields = ["body", "meeting", "kind", "date_from", "date_to"]

    def __init__(self, data=None, *args, project, user, **kwargs):
        super().__init__(data, *args, project=project, user=user, **kwargs)
        self.filters["meeting"].queryset = (
            Meeting.objects.visible_to(user).filter(body__project=project)
            .order_by("-starts_at", "-pk"))
