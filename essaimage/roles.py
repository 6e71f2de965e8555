"""The roles a person holds, gathered from every app.

Roles come from memberships and assignments that live in different apps, and
`communities` may not import `programmes`; so each app registers a provider in its
AppConfig.ready() and this module asks them all. Roles drive what the interface
offers (home page, navigation); object access is decided by each QuerySet's
`visible_to(user)` and the access helpers in each app's permissions.py.
"""

from collections.abc import Callable, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_STAFF = "programme_staff", _("Programme staff")
    INNOVATOR = "innovator", _("Innovator")
    ADOPTER = "adopter", _("Adopter")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    SPONSOR = "sponsor", _("Sponsor")
    FUNDER = "funder", _("Funder")
    ADMIN = "admin", _("Administrator")


RoleProvider = Callable[[object], Iterable[Role]]
_providers: list[RoleProvider] = []


def role_provider(func: RoleProvider) -> RoleProvider:
    """Register `func(user)` as a source of roles; use it as a decorator."""
    if func not in _providers:
        _providers.append(func)
    return func


def roles_of(user) -> frozenset[Role]:
    """Every role `user` holds, computed once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_essaimage_roles", None)
    if cached is None:
        cached = frozenset(role for provider in _providers for role in provider(user))
        user._essaimage_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)
