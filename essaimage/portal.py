"""The member portal ("Mon portail"): what an adopter structure's people need, gathered from
every app and scoped to the structures they belong to.

Like the home page, this module composes the apps' selectors. The tasks with their due dates
come from providers the apps register in their AppConfig.ready() (see
`portal_task_provider`): evaluations may not be imported here, and each app knows best what
its people must do.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from communities.selectors import portal as community_selectors
from programmes.queries import home as programme_home
from programmes.queries import portal as programme_selectors

# Beyond this, the list of things to do links to the apps' own pages.
TASK_LIMIT = 25


@dataclass(frozen=True)
class PortalTask:
    """One thing to do: `kind` is a short label ("Indicators", "Training"...), `due` its date
    if it has one (a deadline, or the day of an appointment when `is_deadline` is false),
    `site` the adopter site it concerns (None when it is the person's own)."""

    title: str
    url: str
    kind: str
    due: date | None = None
    site: object = None
    detail: str = ""
    is_deadline: bool = True

    @property
    def is_overdue(self) -> bool:
        return self.is_deadline and self.due is not None and self.due < timezone.localdate()


# A provider takes the person and their active adopter sites (project loaded) and returns
# PortalTasks, without a query per site.
PortalTaskProvider = Callable[[object, list], Iterable[PortalTask]]
_task_providers: list[PortalTaskProvider] = []


def portal_task_provider(func: PortalTaskProvider) -> PortalTaskProvider:
    """Register `func(user, sites)` as a source of the portal's tasks; use it as a decorator."""
    if func not in _task_providers:
        _task_providers.append(func)
    return func


def portal_tasks(user, sites) -> list[PortalTask]:
    """Every registered provider's tasks, the nearest due date first, undated ones last."""
    tasks = [task for provider in _task_providers for task in provider(user, sites)]
    return sorted(tasks, key=lambda task: (task.due is None, task.due or date.max, task.title))


def build_portal(user) -> dict:
    """Everything the portal shows, read for the structures the person belongs to now."""
    sites = programme_selectors.portal_sites(user)
    tasks = portal_tasks(user, sites)
    return {
        "sites": sites,
        # Their programmes, for the directory of their peers (already loaded with the sites).
        "programmes": list({site.project.programme_id: site.project.programme
                            for site in sites}.values()),
        "tasks": tasks[:TASK_LIMIT],
        "more_tasks": max(len(tasks) - TASK_LIMIT, 0),
        "overdue_count": sum(1 for task in tasks if task.is_overdue),
        "meetings": programme_home.upcoming_meetings(user),
        "events": community_selectors.upcoming_events(user),
        "threads": community_selectors.latest_threads(user),
        "sponsors": programme_selectors.sponsors_of(sites),
        "contacts": programme_selectors.contacts_of(sites),
    }
