"""Tabs and links that later apps add to the pages of a scaling project and of a programme.

`programmes` draws a project's tabs but may not import `evaluations` (apps depend in one
direction); so an app that adds pages to a project registers its tab in AppConfig.ready()
and the project navigation asks this registry.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProjectTab:
    key: str
    label: str  # a lazy translation
    url_name: str  # reversed with the project's pk
    staff_only: bool = False  # shown to the programme's staff only


_project_tabs: dict[str, ProjectTab] = {}


def register_project_tab(key: str, label, url_name: str, *, staff_only: bool = False) -> None:
    _project_tabs[key] = ProjectTab(key, label, url_name, staff_only)


def extra_project_tabs(project, user=None) -> list[tuple[ProjectTab, str]]:
    """The registered tabs with their address for `project`, in registration order; the
    staff-only ones when `user` runs the project (asked once, only if such a tab exists)."""
    from programmes.permissions import can_manage_project

    tabs = list(_project_tabs.values())
    if any(tab.staff_only for tab in tabs) and not (
            user is not None and can_manage_project(user, project)):
        tabs = [tab for tab in tabs if not tab.staff_only]
    return [(tab, reverse(tab.url_name, args=[project.pk])) for tab in tabs]


_programme_links: dict[str, ProjectTab] = {}


def register_programme_link(key: str, label, url_name: str) -> None:
    _programme_links[key] = ProjectTab(key, label, url_name)


def extra_programme_links(programme) -> list[tuple[ProjectTab, str]]:
    """The registered links with their address for `programme`, in registration order."""
    return [(link, reverse(link.url_name, args=[programme.pk]))
            for link in _programme_links.values()]
