"""Reads for the training plan, its sessions and the toolkit: seats counted in the database,
the coverage of the core components, who completed which module."""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from communities.models import Membership
from innovations.models import Component

from ..models import (
    AdopterSite,
    Registration,
    StrategyComponent,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)
from .adopters import completed_registrations

MATRIX_PAGE_SIZE = 50
ITEM_SITES_PAGE_SIZE = 100
R = Registration.Status


def with_seat_counts(sessions):
    """Sessions with their numbers of registered people and of people waiting."""
    return sessions.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=R.REGISTERED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=R.WAITING_LIST)),
    )


def modules_for_plan(project) -> list[TrainingModule]:
    """The training plan in order, each module with its components and its sessions."""
    sessions = with_seat_counts(TrainingSession.objects.order_by("starts_at", "pk"))
    return list(
        TrainingModule.objects.filter(project=project)
        .prefetch_related(Prefetch("components", queryset=StrategyComponent.objects.order_by(
                              "order", "pk")),
                          Prefetch("sessions", queryset=sessions))
        .order_by("order", "pk")
    )


@dataclass
class Coverage:
    component: StrategyComponent
    modules: list

    @property
    def is_covered(self) -> bool:
        return bool(self.modules)


def coverage_of_core(project, modules) -> list[Coverage]:
    """Each core component of the strategy with the modules that teach it (none: a gap)."""
    core = StrategyComponent.objects.filter(strategy__project=project,
                                            kind=Component.Kind.CORE)
    teaching = {}
    for module in modules:
        for component in module.components.all():
            teaching.setdefault(component.pk, []).append(module)
    return [Coverage(component, teaching.get(component.pk, [])) for component in core]


def completion_matrix(sites, modules) -> dict[int, dict[int, int]]:
    """For each site, the modules its people completed, with how many people did."""
    matrix: dict[int, dict[int, int]] = {site.pk: {} for site in sites}
    rows = (completed_registrations()
            .filter(site__in=[site.pk for site in sites],
                    session__module__in=[module.pk for module in modules])
            .order_by().values("site", "session__module")
            .annotate(people=Count("person", distinct=True)))
    for row in rows:
        matrix[row["site"]][row["session__module"]] = row["people"]
    return matrix


@dataclass
class MatrixRow:
    site: AdopterSite
    cells: list  # number of people who completed each module, in the plan's order

    @property
    def completed_count(self) -> int:
        return sum(1 for people in self.cells if people)


def matrix_rows(sites, modules) -> list[MatrixRow]:
    matrix = completion_matrix(sites, modules)
    return [MatrixRow(site, [matrix[site.pk].get(module.pk, 0) for module in modules])
            for site in sites]


# --- A session -------------------------------------------------------------------------------


def session_with_counts(session) -> TrainingSession:
    return with_seat_counts(TrainingSession.objects.filter(pk=session.pk)).select_related(
        "module__project__programme").get()


@dataclass
class SessionRegistrations:
    registered: list
    waiting: list  # in the order they will get a seat
    cancelled: list


def session_registrations(session, *, within_sites=None) -> SessionRegistrations:
    """The session's registrations, by status; only those of `within_sites` when given."""
    registrations = (session.registrations
                     .select_related("person", "site__structure", "site__territory")
                     .order_by("registered_at", "pk"))
    if within_sites is not None:
        registrations = registrations.filter(site__in=within_sites)
    result = SessionRegistrations([], [], [])
    for registration in registrations:
        if registration.status == R.REGISTERED:
            result.registered.append(registration)
        elif registration.status == R.WAITING_LIST:
            result.waiting.append(registration)
        else:
            result.cancelled.append(registration)
    return result


def waiting_positions(session) -> dict[int, int]:
    """Each waiting registration's place in the queue (1 is next)."""
    waiting = (session.registrations.filter(status=R.WAITING_LIST)
               .order_by("registered_at", "pk").values_list("pk", flat=True))
    return {pk: index for index, pk in enumerate(waiting, start=1)}


def structures_managed_by(user) -> set[int]:
    """The structures whose managers `user` is: they act for all of their site's people."""
    return set(Membership.objects.filter(user=user, role=Membership.Role.MANAGER)
               .values_list("structure_id", flat=True))


def is_upcoming(session) -> bool:
    return (session.status == TrainingSession.Status.PLANNED
            and session.starts_at > timezone.now())


# --- Toolkit ---------------------------------------------------------------------------------


def toolkit_items(project):
    """The toolkit in order, each item with how many sites acknowledged its current version."""
    acknowledged = (ToolkitAcknowledgement.objects
                    .filter(item=OuterRef("pk"), version=OuterRef("version"))
                    .order_by().values("item").annotate(n=Count("site", distinct=True))
                    .values("n"))
    return list(
        ToolkitItem.objects.filter(project=project).select_related("resource")
        .annotate(acknowledged_count=Subquery(acknowledged))
        .order_by("order", "pk")
    )


def active_sites(project):
    return AdopterSite.objects.filter(project=project).exclude(
        status__in=[AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN])


def acknowledgements_by(sites, items) -> dict[tuple[int, int], ToolkitAcknowledgement]:
    """The acknowledgements of these sites for the current version of these items."""
    versions = {item.pk: item.version for item in items}
    acks = ToolkitAcknowledgement.objects.filter(site__in=[s.pk for s in sites],
                                                 item__in=list(versions),
                                                 version=F("item__version"))
    return {(ack.item_id, ack.site_id): ack for ack in acks.select_related("acknowledged_by")}


def item_sites(item):
    """The project's active sites with their acknowledgement of the item's current version."""
    current = ToolkitAcknowledgement.objects.filter(item=item, version=item.version,
                                                    site=OuterRef("pk"))
    return (active_sites(item.project_id).select_related("structure", "territory")
            .annotate(acknowledged_at=Subquery(current.values("acknowledged_at")[:1]))
            .order_by(F("acknowledged_at").desc(nulls_last=True), "structure__name", "pk"))
