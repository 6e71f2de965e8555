"""What the programmes app asks of a person on their home page."""

from django.db.models import Count, F, Q
from django.utils import timezone

from communities.models import Membership

from ..models import (
    ActionItem,
    AdopterSite,
    Meeting,
    Registration,
    ToolkitItem,
    TrainingSession,
)

LIMIT = 5


def sites_run_by(user):
    """The active adopter sites (neither candidate nor withdrawn) of the structures the person
    belongs to, whatever their role there: what makes them an adopter."""
    member_of = Membership.objects.filter(user=user).values("structure")
    return AdopterSite.objects.filter(structure__in=member_of).exclude(
        status__in=[AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN])


def my_sites(user):
    """The active adopter sites of the person's structures, with their project."""
    return list(
        sites_run_by(user)
        .select_related("project", "structure", "territory").order_by("project__title")[:LIMIT]
    )


def upcoming_meetings(user):
    """Meetings to come of the bodies the person sits on."""
    return list(
        Meeting.objects.filter(body__members__user=user, starts_at__gte=timezone.now(),
                               status=Meeting.Status.PLANNED)
        .select_related("body__project").order_by("starts_at")[:LIMIT]
    )


def my_open_actions(user):
    """Action items the person owns (as a person or as a committee seat), not done yet."""
    return list(
        ActionItem.objects.filter(Q(owner_user=user) | Q(owner__user=user),
                                  status__in=[ActionItem.Status.OPEN,
                                              ActionItem.Status.IN_PROGRESS])
        .select_related("project", "meeting").order_by("due_on")[:LIMIT]
    )


def my_next_sessions(user):
    """Training sessions to come the person is registered to."""
    return list(
        TrainingSession.objects.filter(
            registrations__person=user,
            registrations__status=Registration.Status.REGISTERED,
            starts_at__gte=timezone.now(), status=TrainingSession.Status.PLANNED,
        ).select_related("module").order_by("starts_at")[:LIMIT]
    )


def toolkit_to_acknowledge(sites) -> dict:
    """For each site, how many required toolkit items still wait for its acknowledgement."""
    if not sites:
        return {}
    required = dict(
        ToolkitItem.objects.filter(project__in={site.project_id for site in sites},
                                   is_required=True)
        .values("project").annotate(count=Count("pk")).values_list("project", "count")
    )
    # An acknowledgement counts only for the version the item hands over now.
    current = Q(acknowledgements__item__is_required=True,
                acknowledgements__version=F("acknowledgements__item__version"))
    acknowledged = dict(
        AdopterSite.objects.filter(pk__in=[site.pk for site in sites])
        .annotate(done=Count("acknowledgements", filter=current, distinct=True))
        .values_list("pk", "done")
    )
    return {site: required.get(site.project_id, 0) - acknowledged.get(site.pk, 0)
            for site in sites}


def my_projects(user):
    """The scaling projects a person follows, for the home page."""
    from ..models import ScalingProject

    return list(
        ScalingProject.objects.visible_to(user).select_related("programme", "innovation")
        .order_by("programme__name", "title")[:10]
    )
