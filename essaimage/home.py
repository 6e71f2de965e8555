"""The home page: what a person must do next, given the roles they hold.

This module composes every app's selectors; apps import it only to register, in their
AppConfig.ready(), the next steps of an app this module may not import (see
`next_step_provider`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.selectors import structures as community_selectors
from innovations.selectors import home as innovation_selectors
from programmes import selectors as programme_selectors
from programmes.queries import home as programme_queries

from .roles import Role, roles_of

# People who act for others should protect their account with a second factor.
ROLES_THAT_SHOULD_USE_MFA = {Role.ADMIN, Role.PROGRAMME_STAFF, Role.FUNDER}


@dataclass(frozen=True)
class NextStep:
    title: str
    url: str
    detail: str = ""


# Apps above programmes (evaluations) would invert the dependencies if imported here: they
# register a provider instead, as apps register their roles (essaimage.roles). A provider
# takes the person and their roles and returns (title, url, detail) triples.
NextStepProvider = Callable[[object, set], Iterable[tuple[str, str, str]]]
_step_providers: list[NextStepProvider] = []


def next_step_provider(func: NextStepProvider) -> NextStepProvider:
    """Register `func(user, roles)` as a source of next steps; use it as a decorator."""
    if func not in _step_providers:
        _step_providers.append(func)
    return func


def build_home(user) -> dict:
    roles = roles_of(user)
    memberships = list(community_selectors.memberships_of(user))
    invitations = list(community_selectors.invitations_for(user))
    programmes = programme_selectors.programmes_for_home(user)
    follows_projects = roles & {Role.PROGRAMME_STAFF, Role.FUNDER, Role.COMMITTEE_MEMBER,
                                Role.SPONSOR, Role.INNOVATOR, Role.ADMIN}
    managed = [m.structure for m in memberships if m.is_manager]
    sites = programme_queries.my_sites(user) if Role.ADOPTER in roles else []
    return {
        "roles": sorted(roles, key=lambda role: list(Role).index(role)),
        "role_labels": [Role(role).label for role in roles],
        "memberships": memberships,
        "invitations": invitations,
        "programmes": programmes,
        "projects": programme_queries.my_projects(user) if follows_projects else [],
        "sites": sites,
        "next_steps": _next_steps(user, roles, memberships, invitations, managed, sites),
        "is_programme_staff": Role.PROGRAMME_STAFF in roles,
        "is_funder": Role.FUNDER in roles,
    }


def _next_steps(user, roles, memberships, invitations, managed, sites) -> list[NextStep]:
    steps = []
    if not user.has_complete_profile:
        steps.append(NextStep(_("Complete your profile"), reverse("communities:profile"),
                              _("Your name tells colleagues who they work with.")))
    for invitation in invitations:
        steps.append(NextStep(
            _("Answer the invitation of %(structure)s") % {"structure": invitation.structure},
            invitation.get_absolute_url(),
            _("You are invited as %(role)s.") % {"role": invitation.get_role_display().lower()},
        ))
    if not memberships and not invitations:
        steps.append(NextStep(
            _("Join your structure"), reverse("communities:structure_list"),
            _("Find it in the directory and ask one of its managers for an invitation, or "
              "register it if it is not there yet."),
        ))
    for structure in managed:
        if not (structure.department_id or structure.region_id):
            steps.append(NextStep(
                _("Say where %(structure)s works") % {"structure": structure},
                reverse("communities:structure_update", args=[structure.pk]),
                _("Without a département or region it cannot be found by territory."),
            ))
    steps += _innovation_steps(user, roles)
    steps += _programme_steps(user, roles, sites)
    for provider in _step_providers:
        steps += [NextStep(*step) for step in provider(user, roles)]
    if roles & ROLES_THAT_SHOULD_USE_MFA and not _uses_mfa(user):
        steps.append(NextStep(
            _("Turn on two-factor authentication"), reverse("mfa_index"),
            _("You see other structures' data: protect your account with a second factor."),
        ))
    return steps


def _innovation_steps(user, roles) -> list[NextStep]:
    steps = []
    if Role.REVIEWER in roles:
        count = innovation_selectors.reviews_to_do(user)
        if count:
            steps.append(NextStep(
                ngettext("%(count)d application to review", "%(count)d applications to review",
                         count) % {"count": count},
                reverse("innovations:review_list"),
                _("Declare any conflict of interest before scoring."),
            ))
    for application in innovation_selectors.draft_applications(user):
        steps.append(NextStep(
            _("Finish your application to %(call)s") % {"call": application.call},
            reverse("innovations:application_edit", args=[application.pk]),
            _("The call closes on %(date)s.") % {
                "date": date_format(localtime(application.call.closes_at), "DATETIME_FORMAT")},
        ))
    for innovation in innovation_selectors.draft_records(user):
        steps.append(NextStep(
            _("Complete and publish the record of %(title)s") % {"title": innovation},
            innovation.get_absolute_url(),
            _("Published records can be found by peers in the knowledge bank."),
        ))
    if Role.PROGRAMME_STAFF in roles:
        for call in innovation_selectors.calls_needing_staff(user):
            steps.append(NextStep(
                _("Follow the applications to %(call)s") % {"call": call},
                reverse("innovations:call_applications", args=[call.pk]),
                _("%(screen)d to screen, %(reviews)d reviews not submitted yet.") % {
                    "screen": call.to_screen, "reviews": call.reviews_missing},
            ))
    return steps


def _programme_steps(user, roles, sites) -> list[NextStep]:
    steps = []
    if Role.ADOPTER in roles:
        for site, waiting in programme_queries.toolkit_to_acknowledge(sites).items():
            if waiting > 0:
                steps.append(NextStep(
                    ngettext("Acknowledge %(count)d toolkit item for %(site)s",
                             "Acknowledge %(count)d toolkit items for %(site)s", waiting)
                    % {"count": waiting, "site": site},
                    site.get_absolute_url(),
                    _("Say you received the guides and templates of %(project)s.")
                    % {"project": site.project},
                ))
        for session in programme_queries.my_next_sessions(user):
            steps.append(NextStep(
                _("Training: %(module)s") % {"module": session.module},
                session.get_absolute_url(),
                date_format(localtime(session.starts_at), "DATETIME_FORMAT"),
            ))
    if Role.COMMITTEE_MEMBER in roles:
        for meeting in programme_queries.upcoming_meetings(user):
            steps.append(NextStep(
                _("Prepare the meeting %(meeting)s") % {"meeting": meeting},
                meeting.get_absolute_url(),
                date_format(localtime(meeting.starts_at), "DATETIME_FORMAT"),
            ))
    for action in programme_queries.my_open_actions(user):
        steps.append(NextStep(
            _("Action to carry out: %(action)s") % {"action": action},
            action.meeting.get_absolute_url() if action.meeting_id
            else reverse("programmes:action_list", args=[action.project_id]),
            _("Due on %(date)s.") % {"date": date_format(action.due_on)} if action.due_on
            else "",
        ))
    return steps


def _uses_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
