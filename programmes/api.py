"""Programmes, scaling projects, adopter sites, meetings and decisions in the read-only API."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities.api import TerritorySerializer
from communities.models import Structure
from essaimage.api.base import IdFilter, ScopedReadOnlyViewSet, read_only_schema

from .models import AdopterSite, Decision, Meeting, Programme, ScalingProject


class NamedSerializer(serializers.Serializer):
    """A related row by its id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TitledSerializer(serializers.Serializer):
    """A related row by its id and title."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


def _page_url():
    return serializers.CharField(source="get_absolute_url", read_only=True,
                                 help_text=_("Its page in the application."))


# --- Programmes ----------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    lead_structure = NamedSerializer(read_only=True)
    funders = NamedSerializer(many=True, read_only=True)
    url = _page_url()

    class Meta:
        model = Programme
        fields = ["id", "name", "description", "lead_structure", "funders", "start_date",
                  "end_date", "url"]


class ProgrammeApiFilter(django_filters.FilterSet):
    funder = IdFilter(field_name="funders", label=_("Id of a funder structure."))

    class Meta:
        model = Programme
        fields = ["funder"]


@read_only_schema(
    ProgrammeSerializer, tag="programmes",
    list_summary=_("Programmes"), retrieve_summary=_("One programme"),
    description=_("The programmes you run, fund or lead."))
class ProgrammeViewSet(ScopedReadOnlyViewSet):
    model = Programme
    select_related = ("lead_structure",)
    prefetch_related = (Prefetch("funders", queryset=Structure.objects.only("id", "name")
                                 .order_by("name", "pk")),)
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeApiFilter
    ordering_fields = ["name", "start_date", "id"]
    ordering = ["name", "id"]


# --- Scaling projects ----------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    programme = NamedSerializer(read_only=True)
    innovation = TitledSerializer(read_only=True)
    url = _page_url()

    class Meta:
        model = ScalingProject
        fields = ["id", "title", "programme", "innovation", "stage", "status", "started_on",
                  "url"]


class ProjectApiFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("Id of the programme."))
    innovation = IdFilter(field_name="innovation_id", label=_("Id of the innovation."))
    stage = django_filters.ChoiceFilter(choices=ScalingProject._meta.get_field("stage").choices,
                                        label=_("Stage"))
    status = django_filters.ChoiceFilter(choices=ScalingProject.Status.choices,
                                         label=_("Status"))

    class Meta:
        model = ScalingProject
        fields = ["programme", "innovation", "stage", "status"]


@read_only_schema(
    ProjectSerializer, tag="projects",
    list_summary=_("Scaling projects"), retrieve_summary=_("One scaling project"),
    description=_("The scaling projects whose management you read: staff, funders, the "
                  "innovator, committee members and sponsors. Adopters read their sites."))
class ProjectViewSet(ScopedReadOnlyViewSet):
    model = ScalingProject
    select_related = ("programme", "innovation")
    serializer_class = ProjectSerializer
    filterset_class = ProjectApiFilter
    ordering_fields = ["title", "started_on", "id"]
    ordering = ["title", "id"]


# --- Adopter sites -------------------------------------------------------------------------


class SiteSerializer(serializers.ModelSerializer):
    structure = NamedSerializer(read_only=True, help_text=_("The adopter structure."))
    territory = TerritorySerializer(read_only=True)
    display_name = serializers.CharField(source="__str__", read_only=True)
    url = _page_url()

    class Meta:
        model = AdopterSite
        fields = ["id", "display_name", "name", "project", "structure", "territory", "status",
                  "start_date", "url"]


class SiteApiFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", label=_("Id of the scaling project."))
    structure = IdFilter(field_name="structure_id", label=_("Id of the adopter structure."))
    status = django_filters.ChoiceFilter(choices=AdopterSite.Status.choices, label=_("Status"))
    department = django_filters.CharFilter(
        field_name="territory__code", max_length=10,
        label=_("INSEE code of the site's territory, e.g. 58"))

    class Meta:
        model = AdopterSite
        fields = ["project", "structure", "status", "department"]


@read_only_schema(
    SiteSerializer, tag="sites",
    list_summary=_("Adopter sites"), retrieve_summary=_("One adopter site"),
    description=_("The sites of the projects you read, your own structures' sites and the "
                  "sites you sponsor."))
class SiteViewSet(ScopedReadOnlyViewSet):
    model = AdopterSite
    select_related = ("structure", "territory")
    serializer_class = SiteSerializer
    filterset_class = SiteApiFilter
    ordering_fields = ["start_date", "status", "id"]
    ordering = ["id"]


# --- Meetings and decisions ----------------------------------------------------------------


class BodySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class MeetingSerializer(serializers.ModelSerializer):
    body = BodySerializer(read_only=True, help_text=_("The committee that meets."))
    project = serializers.IntegerField(source="body.project_id", read_only=True)
    agenda_items = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = _page_url()

    class Meta:
        model = Meeting
        fields = ["id", "title", "project", "body", "starts_at", "ends_at", "place", "status",
                  "agenda_items", "url"]


class MeetingApiFilter(django_filters.FilterSet):
    project = IdFilter(field_name="body__project_id", label=_("Id of the scaling project."))
    committee = IdFilter(field_name="body_id", label=_("Id of the committee."))
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte",
                                          label=_("Meetings on or after this day."))
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte",
                                        label=_("Meetings on or before this day."))

    class Meta:
        model = Meeting
        fields = ["project", "committee", "status", "date_from", "date_to"]


@read_only_schema(
    MeetingSerializer, tag="meetings",
    list_summary=_("Meetings of committees"), retrieve_summary=_("One meeting"),
    description=_("Meetings of the committees you sit on, and of the projects you read; "
                  "the latest first."))
class MeetingViewSet(ScopedReadOnlyViewSet):
    model = Meeting
    select_related = ("body",)
    serializer_class = MeetingSerializer
    filterset_class = MeetingApiFilter
    ordering_fields = ["starts_at", "id"]
    ordering = ["-starts_at", "-id"]


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)


class DecisionSerializer(serializers.ModelSerializer):
    meeting = MeetingRefSerializer(read_only=True)
    committee = serializers.IntegerField(source="meeting.body_id", read_only=True)
    project = serializers.IntegerField(source="meeting.body.project_id", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "kind", "text", "meeting", "committee", "project", "created_at"]


class DecisionApiFilter(django_filters.FilterSet):
    project = IdFilter(field_name="meeting__body__project_id",
                       label=_("Id of the scaling project."))
    meeting = IdFilter(field_name="meeting_id", label=_("Id of the meeting."))
    committee = IdFilter(field_name="meeting__body_id", label=_("Id of the committee."))
    kind = django_filters.ChoiceFilter(choices=Decision.Kind.choices, label=_("Kind"))

    class Meta:
        model = Decision
        fields = ["project", "meeting", "committee", "kind"]


@read_only_schema(
    DecisionSerializer, tag="decisions",
    list_summary=_("Decisions register"), retrieve_summary=_("One decision"),
    description=_("The decisions recorded at the meetings you may read."))
class DecisionViewSet(ScopedReadOnlyViewSet):
    model = Decision
    select_related = ("meeting__body",)
    serializer_class = DecisionSerializer
    filterset_class = DecisionApiFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def scope(self):
        # A decision belongs to its meeting: whoever reads the meeting reads its decisions.
        return Decision.objects.filter(meeting__in=Meeting.objects.visible_to(self.request.user))
