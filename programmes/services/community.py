"""The community spaces of a programme, kept in step with its sites: each cohort's space (the
structures of its sites, the staff who moderate, the sponsors who follow) and the programme's
open space for all its adopters.

Every function here is idempotent: call it after any change to sites or cohorts and it only
writes what differs. Structures follow the sites exactly (a structure whose sites left goes);
named members are only ever added, since a moderator may also have been named by hand.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import Space, SpaceMember

from ..models import AdopterSite, Cohort, Programme, Sponsor

S = AdopterSite.Status
Role = SpaceMember.Role


def _set_structures(space: Space, structure_ids: set[int]) -> None:
    current = set(space.structures.values_list("pk", flat=True))
    if current != structure_ids:
        space.structures.set(structure_ids)


def _add_members(space: Space, *, moderators, participants=()) -> None:
    """Name the moderators (raising a participant to moderator) and the participants who are
    not named yet."""
    roles = dict(space.memberships.values_list("user", "role"))
    for user_id in set(moderators):
        if user_id not in roles:
            SpaceMember.objects.create(space=space, user_id=user_id, role=Role.MODERATOR)
        elif roles[user_id] != Role.MODERATOR:
            member = space.memberships.get(user_id=user_id)
            member.role = Role.MODERATOR
            member.save(update_fields=["role"])
        roles[user_id] = Role.MODERATOR
    for user_id in set(participants) - set(roles):
        SpaceMember.objects.create(space=space, user_id=user_id, role=Role.PARTICIPANT)


def _staff_ids(programme: Programme) -> list[int]:
    return list(programme.staff.filter(is_active=True).values_list("pk", flat=True))


@transaction.atomic
def ensure_cohort_space(cohort: Cohort) -> Space:
    """Give the cohort its space if it has none, named after it, and bring it in step: the
    structures of its sites that have not withdrawn, the programme staff as moderators, the
    sponsors (people) of its sites and of their projects as participants."""
    cohort = (Cohort.objects.select_for_update(of=("self",))
              .select_related("programme", "space").get(pk=cohort.pk))
    space = cohort.space
    if space is None:
        space = Space.objects.create(name=cohort.name, kind=Space.Kind.COHORT,
                                     description=cohort.description)
        cohort.space = space
        cohort.save(update_fields=["space"])
    elif space.name != cohort.name:
        space.name = cohort.name
        space.save(update_fields=["name"])
    sites = cohort.sites.exclude(status=S.WITHDRAWN)
    _set_structures(space, set(sites.values_list("structure", flat=True)))
    sponsors = (Sponsor.objects.filter(user__isnull=False, user__is_active=True)
                .filter(Q(site__in=sites.values("pk"))
                        | Q(site__isnull=True, project__in=sites.values("project")))
                .values_list("user", flat=True))
    _add_members(space, moderators=_staff_ids(cohort.programme), participants=sponsors)
    return space


@transaction.atomic
def ensure_programme_space(programme: Programme) -> Space:
    """Give the programme its open space if it has none, and bring it in step: the structures
    of every active site of its projects, the programme staff as moderators."""
    programme = (Programme.objects.select_for_update(of=("self",)).select_related("space")
                 .get(pk=programme.pk))
    space = programme.space
    if space is None:
        # A name is stored once for everyone: in the platform's language, not the caller's.
        with translation.override(settings.LANGUAGE_CODE):
            space = Space.objects.create(
                name=_("%(programme)s — adopters' space") % {"programme": programme.name},
                kind=Space.Kind.PROGRAMME,
                description=_("The space open to every adopter of the programme, beside each "
                              "cohort's own."))
        programme.space = space
        programme.save(update_fields=["space"])
    active = (AdopterSite.objects.filter(project__programme=programme)
              .exclude(status__in=[S.CANDIDATE, S.WITHDRAWN]))
    _set_structures(space, set(active.values_list("structure", flat=True)))
    _add_members(space, moderators=_staff_ids(programme))
    return space


def sync_site_spaces(site: AdopterSite) -> None:
    """After a site is created or changes status: its programme's space and its cohorts'."""
    ensure_programme_space(site.project.programme)
    for cohort in Cohort.objects.filter(sites=site):
        ensure_cohort_space(cohort)
