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


_project_tabs: dict[str, ProjectTab] = {}


def register_project_tab(key: str, label, url_name: str) -> None:
    _project_tabs[key] = ProjectTab(key, label, url_name)


def extra_project_tabs(project) -> list[tuple[ProjectTab, str]]:
    """The registered tabs with their address for `project`, in registration order."""
    return [(tab, reverse(tab.url_name, args=[project.pk])) for tab in _project_tabs.values()]


_programme_links: dict[str, ProjectTab] = {}


def register_programme_link(key: str, label, url_name: str) -> None:
    _programme_links[key] = ProjectTab(key, label, url_name)


def extra_programme_links(programme) -> list[tuple[ProjectTab, str]]:
    """The registered links with their address for `programme`, in registration order."""
    return [(link, reverse(link.url_name, args=[programme.pk]))
            for link in _programme_links.values()]
