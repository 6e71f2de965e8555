"""Reads for the adopters' pages: candidates with their scores, the site list with its figures
computed in the database, a site's page, cohorts and sponsors."""

from dataclasses import dataclass

from django.db.models import Avg, Count, F, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from communities.models import Territory
from innovations.models import Component

from ..models import (
    AdopterCandidate,
    AdopterSite,
    CandidateScore,
    Cohort,
    Registration,
    SiteAdaptation,
    Sponsor,
    StrategyComponent,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)

CANDIDATE_PAGE_SIZE = 50
SITE_PAGE_SIZE = 50
COHORT_SITES_PAGE_SIZE = 100
NOTES_PAGE_SIZE = 30


# --- Candidates ------------------------------------------------------------------------------


def candidates_for_list(project, *, status: str = ""):
    """The project's candidates with their average committee score and number of scores."""
    candidates = (
        project.candidates.select_related("structure", "territory", "application__call")
        .annotate(average_score=Avg("scores__score"), score_count=Count("scores"))
        .order_by("structure__name", "pk")
    )
    if status:
        candidates = candidates.filter(status=status)
    return candidates


def candidate_status_counts(project) -> dict[str, int]:
    counts = dict(project.candidates.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AdopterCandidate.Status.values}


def scores_by(user, candidates) -> dict[int, CandidateScore]:
    """The scores `user` gave to these candidates, by candidate."""
    return {score.candidate_id: score
            for score in CandidateScore.objects.filter(scorer=user, candidate__in=candidates)}


def candidate_with_scores(candidate):
    """A candidate's scores, each with its scorer, and their average."""
    scores = list(candidate.scores.select_related("scorer").order_by("-created_at", "pk"))
    average = sum(s.score for s in scores) / len(scores) if scores else None
    return scores, average


def candidate_site(candidate) -> AdopterSite | None:
    return AdopterSite.objects.filter(candidate=candidate).first()


# --- The site list ---------------------------------------------------------------------------


def _count_per_site(queryset, counted: str):
    """A subquery counting, for the site of the outer row, distinct values of `counted`."""
    return Coalesce(
        Subquery(queryset.order_by().values("site")
                 .annotate(n=Count(counted, distinct=True)).values("n"),
                 output_field=IntegerField()),
        0,
    )


def completed_registrations():
    """Registrations that complete a module: the person attended a held session of it."""
    return Registration.objects.filter(status=Registration.Status.REGISTERED, attended=True,
                                       session__status=TrainingSession.Status.HELD)


def sites_for_list(project, *, within=None, status: str = "", territory=None):
    """The project's sites with the figures of the list, computed in the database: modules
    completed and required toolkit items acknowledged at their current version."""
    modules_completed = _count_per_site(completed_registrations().filter(site=OuterRef("pk")),
                                        "session__module")
    toolkit_acknowledged = _count_per_site(
        ToolkitAcknowledgement.objects.filter(site=OuterRef("pk"), item__is_required=True,
                                              version=F("item__version")),
        "item")
    sites = within if within is not None else AdopterSite.objects.filter(project=project)
    sites = (
        sites.select_related("structure", "territory")
        .annotate(modules_completed=modules_completed, toolkit_acknowledged=toolkit_acknowledged)
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.only("pk", "name")))
        .order_by("structure__name", "pk")
    )
    if status:
        sites = sites.filter(status=status)
    if territory is not None:
        sites = sites.filter(Q(territory=territory) | Q(territory__parent=territory))
    return sites


def territories_of(sites):
    """The territories of these sites and their régions, for the list's filter."""
    return list(Territory.objects.filter(
        Q(adopter_sites__in=sites.values("pk")) | Q(children__adopter_sites__in=sites.values("pk"))
    ).distinct().order_by("-kind", "name"))


def site_status_counts(sites) -> dict[str, int]:
    counts = dict(sites.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AdopterSite.Status.values}


def required_toolkit_count(project) -> int:
    return ToolkitItem.objects.filter(project=project, is_required=True).count()


# --- A site's page ---------------------------------------------------------------------------


@dataclass
class StatusChange:
    status: str
    label: str
    at: object
    by: object
    reason: str


def site_status_history(site) -> list[StatusChange]:
    """Each change of the site's status, latest first, with who made it and why."""
    changes = []
    previous = None
    records = site.history.select_related("history_user").order_by("history_date", "history_id")
    for record in records:
        if record.status != previous:
            changes.append(StatusChange(record.status, AdopterSite.Status(record.status).label,
                                        record.history_date, record.history_user,
                                        record.history_change_reason or ""))
            previous = record.status
    return changes[::-1]


def site_adaptations(site) -> list[tuple[StrategyComponent, SiteAdaptation | None]]:
    """Each adaptable component of the strategy with the site's adaptation of it, if any."""
    components = list(StrategyComponent.objects.filter(strategy__project=site.project_id,
                                                       kind=Component.Kind.ADAPTABLE))
    adaptations = {a.component_id: a for a in site.adaptations.all()}
    return [(component, adaptations.get(component.pk)) for component in components]


def site_registrations(site):
    """The registrations of the site's people, session by session, latest first."""
    return list(
        site.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("person", "session__module")
        .order_by("-session__starts_at", "person__last_name", "pk")
    )


def project_modules(project) -> list[TrainingModule]:
    return list(TrainingModule.objects.filter(project=project).only("pk", "title", "order",
                                                                        "project"))


@dataclass
class PersonCompletion:
    person: object
    completed: set


def completion_of_people(registrations) -> list[PersonCompletion]:
    """Per person, the modules completed (attended a held session), from their registrations."""
    people: dict[int, PersonCompletion] = {}
    for registration in registrations:
        entry = people.setdefault(registration.person_id,
                                  PersonCompletion(registration.person, set()))
        if (registration.status == Registration.Status.REGISTERED and registration.attended
                and registration.session.status == TrainingSession.Status.HELD):
            entry.completed.add(registration.session.module_id)
    return sorted(people.values(), key=lambda p: (p.person.last_name, p.person.first_name))


@dataclass
class ToolkitLine:
    item: ToolkitItem
    acknowledged: object  # the acknowledgement of the current version, if any
    acknowledged_before: object  # the latest acknowledgement of an older version


def site_toolkit(site) -> list[ToolkitLine]:
    """The project's toolkit as the site received it."""
    items = list(ToolkitItem.objects.filter(project=site.project_id).select_related("resource"))
    acknowledgements = {}
    for ack in (ToolkitAcknowledgement.objects.filter(site=site)
                .select_related("acknowledged_by").order_by("acknowledged_at")):
        acknowledgements.setdefault(ack.item_id, []).append(ack)
    lines = []
    for item in items:
        acks = acknowledgements.get(item.pk, [])
        current = next((a for a in acks if a.version == item.version), None)
        older = next((a for a in reversed(acks) if a.version != item.version), None)
        lines.append(ToolkitLine(item, current, older))
    return lines


def site_sponsors(site):
    """Who sponsors the site, and who sponsors its whole project."""
    return list(
        Sponsor.objects.filter(Q(site=site) | Q(project=site.project_id, site__isnull=True))
        .select_related("user", "structure").order_by("site", "pk")
    )


# --- Cohorts ---------------------------------------------------------------------------------


def cohorts_for_list(programme):
    return programme.cohorts.annotate(site_count=Count("sites")).order_by("-starts_on", "name")


def cohort_sites(cohort):
    return (cohort.sites.select_related("structure", "territory", "project")
            .order_by("project__title", "structure__name", "pk"))


def sites_for_cohort(cohort):
    """Sites of the programme's projects that are in none of its cohorts yet."""
    in_a_cohort = Cohort.sites.through.objects.filter(
        cohort__programme=cohort.programme_id).values("adoptersite")
    return (AdopterSite.objects.filter(project__programme=cohort.programme_id)
            .exclude(pk__in=in_a_cohort)
            .select_related("structure", "territory", "project")
            .order_by("project__title", "structure__name", "pk"))


# --- Sponsors --------------------------------------------------------------------------------


def sponsors_for_list(project):
    return (
        project.sponsors.select_related("user", "structure", "site__structure",
                                        "site__territory")
        .annotate(note_count=Count("notes"), last_note_at=Max("notes__created_at"))
        .order_by("site", "pk")
    )


def sponsor_notes(sponsor):
    return sponsor.notes.select_related("author").order_by("-created_at", "-pk")
