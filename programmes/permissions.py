"""Who may see or change programmes, scaling projects and everything that hangs off them.

Reading starts from each QuerySet's `visible_to(user)`; changing is for the programme's staff
(and admins), except what adopters, committee members and sponsors do for themselves.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from communities.models import Membership
from essaimage.scoping import get_visible_or_404, require

from .models import (
    ActionItem,
    AdopterSite,
    Cohort,
    FundingOption,
    GovernanceBody,
    Meeting,
    Programme,
    Registration,
    ScalingProject,
    Sponsor,
    ToolkitItem,
    TrainingSession,
)
from .queries.directory import listed_sites

# --- Programmes and projects -------------------------------------------------------------


def is_programme_staff(user, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or programme.staff.filter(pk=user.pk).exists()


def can_edit_programme(user, programme: Programme) -> bool:
    return is_programme_staff(user, programme)


def can_read_programme(user, programme_id) -> bool:
    return Programme.objects.visible_to(user).filter(pk=programme_id).exists()


def get_programme_for_user(user, pk, *, write=False) -> Programme:
    """Return the programme if `user` may see it, or run it when `write` is set."""
    programme = get_visible_or_404(Programme.objects.select_related("lead_structure"), user,
                                   pk=pk)
    if write:
        require(is_programme_staff(user, programme))
    return programme


def get_programme_for_directory(user, pk) -> Programme:
    """Return the programme for its directory and map: open to whoever reads the programme and
    to the people of its adopter sites (adopters see their peers); a 404 for anyone else.

    A seat on a project's committee, sponsoring a project or owning its innovation opens that
    project, not the programme, so it does not open the directory either. The people of a site
    lose access when it withdraws, its project is archived or the programme is archived. The
    programme comes back with `is_reader` set, for the links to its other pages.
    """
    if not user.is_authenticated:
        raise Http404
    member_of = Membership.objects.filter(user=user).values("structure")
    reads = Exists(Programme.objects.visible_to(user).filter(pk=OuterRef("pk")))
    own_site = Exists(listed_sites().filter(project__programme=OuterRef("pk"),
                                            structure__in=member_of))
    programme = (Programme.objects.select_related("lead_structure").filter(pk=pk)
                 .annotate(is_reader=reads)
                 .filter(Q(is_reader=True) | Q(own_site, is_archived=False)).first())
    if programme is None:
        raise Http404
    return programme


def can_manage_project(user, project: ScalingProject) -> bool:
    """The programme's staff run its projects."""
    return is_programme_staff(user, project.programme)


def can_read_project(user, project: ScalingProject) -> bool:
    """Whether `user` reads the whole project, not only the pages of their own site."""
    return ScalingProject.objects.visible_to(user).filter(pk=project.pk).exists()


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


# --- Action items and the pooled grant ---------------------------------------------------------


def get_action_for_user(user, pk, *, write=False) -> ActionItem:
    """Return the action item if `user` may read it (with its meeting, if it has one), or
    update it when `write` is set: the project's staff, or the person who owns it."""
    action = get_project_part_for_user(ActionItem, user, pk)
    if action.meeting_id is not None and not Meeting.objects.visible_to(user).filter(
            pk=action.meeting_id).exists():
        raise Http404
    if write:
        require(can_manage_project(user, action.project) or is_action_owner(user, action))
    return action


def is_action_owner(user, action: ActionItem) -> bool:
    if not user.is_authenticated:
        return False
    if action.owner_user_id == user.pk:
        return True
    return action.owner_id is not None and action.owner.user_id == user.pk


def can_read_pool(user, project: ScalingProject) -> bool:
    """The pooled grant is for the project's staff and for its funders: those of the programme
    and those holding an option in the pool. One query: the project's tabs ask on every page."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member_of = Membership.objects.filter(user=user).values("structure")
    holds_option = Exists(FundingOption.objects.filter(pool__project=project,
                                                       funder__in=member_of))
    return (Programme.objects.filter(pk=project.programme_id)
            .filter(Q(staff=user) | Q(funders__in=member_of) | holds_option).exists())


def get_pool_project_for_user(user, pk, *, write=False) -> ScalingProject:
    """Return the project whose pool `user` may read, or run when `write` is set; readers of
    the project who are not its funders get a 404, as if there were no pool."""
    project = get_project_for_user(user, pk)
    if not can_read_pool(user, project):
        raise Http404
    if write:
        require(can_manage_project(user, project))
    return project


def get_option_for_user(user, pk, *, write=False) -> FundingOption:
    """Return a funding option if `user` may read its pool, or change it when `write` is set."""
    option = (FundingOption.objects.select_related("pool__project__programme", "funder")
              .filter(pk=pk, pool__project__in=ScalingProject.objects.visible_to(user)).first())
    if option is None or not can_read_pool(user, option.pool.project):
        raise Http404
    if write:
        require(can_manage_project(user, option.pool.project))
    return option


# --- Adopters, training and toolkit ----------------------------------------------------------


@dataclass
class ProjectParticipation:
    """What a person may do on a project's adopter pages: its readers read them all, its staff
    run them, the people of its sites act for their own sites only."""

    project: ScalingProject
    reads_project: bool
    can_manage: bool
    own_sites: list

    @property
    def own_active_sites(self) -> list:
        """Their own sites that take part now: those they register people and acknowledge for."""
        return [site for site in self.own_sites if site.is_active]


def get_project_for_participant(user, pk) -> ProjectParticipation:
    """Return the project with what `user` may do there, for its readers and for the people of
    its adopter sites (who see their own sites only); a 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    readable = ScalingProject.objects.visible_to(user).filter(pk=OuterRef("pk"))
    project = (ScalingProject.objects.select_related("programme", "innovation__owner",
                                                     "staff_lead")
               .annotate(is_reader=Exists(readable)).filter(pk=pk).first())
    if project is None:
        raise Http404
    own_sites = list(AdopterSite.objects.filter(project=project, structure__memberships__user=user)
                     .select_related("structure", "territory").distinct())
    if not project.is_reader and (not own_sites or project.is_archived
                                  or project.programme.is_archived):
        raise Http404
    can_manage = project.is_reader and can_manage_project(user, project)
    return ProjectParticipation(project, project.is_reader, can_manage, own_sites)


def is_site_manager(user, site: AdopterSite) -> bool:
    return user.is_authenticated and Membership.objects.filter(
        user=user, structure_id=site.structure_id, role=Membership.Role.MANAGER).exists()


def get_cohort_for_user(user, pk, *, write=False) -> Cohort:
    """Return the cohort if `user` may see its programme, or change it when `write` is set."""
    cohort = (Cohort.objects.select_related("programme")
              .filter(pk=pk, programme__in=Programme.objects.visible_to(user)).first())
    if cohort is None:
        raise Http404
    if write:
        require(is_programme_staff(user, cohort.programme))
    return cohort


def can_write_sponsor_notes(user, sponsor: Sponsor) -> bool:
    """The sponsor (the person, or the people of the sponsoring structure) and the staff."""
    if not user.is_authenticated:
        return False
    if sponsor.user_id == user.pk or can_manage_project(user, sponsor.project):
        return True
    return sponsor.structure_id is not None and Membership.objects.filter(
        user=user, structure_id=sponsor.structure_id).exists()


def get_sponsor_for_user(user, pk, *, write_notes=False) -> Sponsor:
    """Return the sponsor if `user` reads its project, checking they may write notes when
    `write_notes` is set."""
    sponsor = get_project_part_for_user(Sponsor, user, pk)
    if write_notes:
        require(can_write_sponsor_notes(user, sponsor))
    return sponsor


def get_registration_for_user(user, pk, *, cancel=False) -> Registration:
    """Return a registration to readers of the project and to the people of its site; when
    `cancel` is set, only the person, the managers of their site's structure and the staff."""
    registration = (Registration.objects
                    .select_related("session__module__project__programme", "site__structure",
                                    "person")
                    .filter(pk=pk).first())
    if registration is None or not user.is_authenticated:
        raise Http404
    project = registration.session.module.project
    is_own = registration.person_id == user.pk or is_site_member(user, registration.site)
    if not is_own and not can_read_project(user, project):
        raise Http404
    if cancel:
        require(registration.person_id == user.pk or can_manage_project(user, project)
                or is_site_manager(user, registration.site))
    return registration


def get_toolkit_item_for_user(user, pk, *, write=False) -> ToolkitItem:
    """Return a toolkit item to readers of its project and to the people of its sites, or to
    its staff when `write` is set."""
    item = (ToolkitItem.objects.select_related("project__programme", "resource")
            .filter(Q(project__in=ScalingProject.objects.visible_to(user))
                    | Q(project__in=AdopterSite.objects.visible_to(user).values("project")))
            .filter(pk=pk).first())
    if item is None:
        raise Http404
    if write:
        require(can_manage_project(user, item.project))
    return item
