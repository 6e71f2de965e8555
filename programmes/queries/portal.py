"""What the member portal reads from the programmes: a person's adopter sites, their sponsors
and their programme contacts. A constant number of queries, whatever the number of sites."""

from dataclasses import dataclass, field

from django.db.models import Q

from ..models import Programme, Sponsor
from .home import sites_run_by


def portal_sites(user) -> list:
    """Every active site of the structures the person belongs to (as manager or member), with
    its project, the project's programme, innovation and staff lead."""
    return list(sites_run_by(user)
                .select_related("project__programme", "project__innovation",
                                "project__staff_lead", "structure", "territory")
                .order_by("project__title", "structure__name", "pk"))


def sponsors_of(sites) -> list[Sponsor]:
    """The sponsors following these sites, and those following their whole project."""
    if not sites:
        return []
    return list(Sponsor.objects.filter(
        Q(site__in=[site.pk for site in sites])
        | Q(site__isnull=True, project__in={site.project_id for site in sites}))
        .select_related("user", "structure", "project", "site__structure", "site__territory")
        .order_by("project__title", "site_id", "pk"))


@dataclass
class ProgrammeContact:
    """Whom a site asks about its project: the project's staff lead, or when it has none the
    programme's staff."""

    project: object
    people: list = field(default_factory=list)


def contacts_of(sites) -> list[ProgrammeContact]:
    """One contact per project of these sites, by project title; at most one query."""
    projects = {site.project_id: site.project for site in sites}
    without_lead = {project.programme_id for project in projects.values()
                    if project.staff_lead_id is None}
    staff = {}
    if without_lead:
        links = (Programme.staff.through.objects
                 .filter(programme__in=without_lead, user__is_active=True)
                 .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
        for link in links:
            staff.setdefault(link.programme_id, []).append(link.user)
    contacts = []
    for project in sorted(projects.values(), key=lambda project: project.title):
        if project.staff_lead_id is not None:
            people = [project.staff_lead]
        else:
            people = staff.get(project.programme_id, [])
        contacts.append(ProgrammeContact(project, people))
    return contacts
