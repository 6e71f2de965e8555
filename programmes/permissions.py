"""Who may see or change programmes, scaling projects and everything that hangs off them.

Reading starts from each QuerySet's `visible_to(user)`; changing is for the programme's staff
(and admins), except what adopters, committee members and sponsors do for themselves.
"""

from django.http import Http404

from communities.models import Membership
from essaimage.scoping import get_visible_or_404, require

from .models import (
    AdopterSite,
    GovernanceBody,
    Meeting,
    Programme,
    ScalingProject,
    TrainingSession,
)

# --- Programmes and projects -------------------------------------------------------------


def is_programme_staff(user, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or programme.staff.filter(pk=user.pk).exists()


def can_edit_programme(user, programme: Programme) -> bool:
    return is_programme_staff(user, programme)


def get_programme_for_user(user, pk, *, write=False) -> Programme:
    """Return the programme if `user` may see it, or run it when `write` is set."""
    programme = get_visible_or_404(Programme.objects.select_related("lead_structure"), user,
                                   pk=pk)
    if write:
        require(is_programme_staff(user, programme))
    return programme


def can_manage_project(user, project: ScalingProject) -> bool:
    """The programme's staff run its projects."""
    return is_programme_staff(user, project.programme)


def get_project_for_user(user, pk, *, write=False) -> ScalingProject:
    """Return the project if `user` may see it, or change it when `write` is set."""
    project = get_visible_or_404(
        ScalingProject.objects.select_related("programme", "innovation__owner", "staff_lead"),
        user, pk=pk,
    )
    if write:
        require(can_manage_project(user, project))
    return project


def get_project_part_for_user(model, user, pk, *, write=False):
    """Return an object that belongs to a project (a stakeholder, an action, an option...):
    visible with its project, changed by the project's staff."""
    visible_projects = ScalingProject.objects.visible_to(user)
    obj = (model.objects.select_related("project__programme")
           .filter(pk=pk, project__in=visible_projects).first())
    if obj is None:
        raise Http404
    if write:
        require(can_manage_project(user, obj.project))
    return obj


# --- Governance ------------------------------------------------------------------------------


def is_body_member(user, body: GovernanceBody) -> bool:
    return user.is_authenticated and body.members.filter(user=user).exists()


def get_body_for_user(user, pk, *, write=False) -> GovernanceBody:
    body = get_visible_or_404(GovernanceBody.objects.select_related("project__programme"),
                              user, pk=pk)
    if write:
        require(can_manage_project(user, body.project))
    return body


def get_meeting_for_user(user, pk, *, write=False) -> Meeting:
    """Return the meeting if `user` may read it (its committee's members may), or prepare and
    minute it (the project's staff) when `write` is set."""
    meeting = get_visible_or_404(
        Meeting.objects.select_related("body__project__programme"), user, pk=pk)
    if write:
        require(can_manage_project(user, meeting.body.project))
    return meeting


def can_score_candidates(user, project: ScalingProject) -> bool:
    """Staff and the members of the project's steering committee score adopter candidates."""
    if can_manage_project(user, project):
        return True
    return user.is_authenticated and project.bodies.filter(
        kind=GovernanceBody.Kind.STEERING, members__user=user).exists()


# --- Sites and training ----------------------------------------------------------------------


def is_site_member(user, site: AdopterSite) -> bool:
    """People of the adopter structure act for their site: registrations, acknowledgements."""
    return user.is_authenticated and Membership.objects.filter(
        user=user, structure_id=site.structure_id).exists()


def get_site_for_user(user, pk, *, write=False) -> AdopterSite:
    """Return the adopter site if `user` may see it, or change it when `write` is set."""
    site = get_visible_or_404(
        AdopterSite.objects.select_related("project__programme", "structure", "territory"),
        user, pk=pk,
    )
    if write:
        require(can_manage_project(user, site.project))
    return site


def get_session_for_user(user, pk, *, write=False) -> TrainingSession:
    session = get_visible_or_404(
        TrainingSession.objects.select_related("module__project__programme"), user, pk=pk)
    if write:
        require(can_manage_project(user, session.module.project))
    return session
