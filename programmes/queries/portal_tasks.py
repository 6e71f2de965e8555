"""What the programmes ask of adopters on their portal: the training sessions they (or their
sites) are registered to, and the toolkit items their sites have not acknowledged yet.
Registered with essaimage.portal in ProgrammesConfig.ready()."""

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaimage.portal import PortalTask

from ..models import Registration, TrainingSession
from .home import toolkit_to_acknowledge


def training_tasks(user, sites) -> list[PortalTask]:
    """One task per session to come that the person, or someone of their sites, is registered
    to. One query."""
    registrations = (
        Registration.objects
        .filter(Q(person=user) | Q(site__in=[site.pk for site in sites]),
                status=Registration.Status.REGISTERED,
                session__status=TrainingSession.Status.PLANNED,
                session__starts_at__gte=timezone.now())
        .select_related("session__module", "site__structure", "site__territory")
        .order_by("session__starts_at", "pk"))
    by_session = {}
    for registration in registrations:
        by_session.setdefault(registration.session_id, []).append(registration)
    tasks = []
    for registered in by_session.values():
        session = registered[0].session
        starts_at = localtime(session.starts_at)
        where = _("remote") if session.is_remote else session.place
        mine = any(registration.person_id == user.pk for registration in registered)
        who = (_("You are registered.") if mine else ngettext(
            "%(count)d person of your sites is registered.",
            "%(count)d people of your sites are registered.", len(registered))
            % {"count": len(registered)})
        detail = " · ".join(part for part in (date_format(starts_at, "DATETIME_FORMAT"), where,
                                              who) if part)
        tasks.append(PortalTask(
            title=_("Training: %(module)s") % {"module": session.module},
            url=session.get_absolute_url(), kind=_("Training"), due=starts_at.date(),
            site=registered[0].site, detail=detail, is_deadline=False))
    return tasks


def toolkit_tasks(user, sites) -> list[PortalTask]:
    """For each site, the required toolkit items still to acknowledge (no due date). Two
    queries."""
    tasks = []
    for site, waiting in toolkit_to_acknowledge(sites).items():
        if waiting > 0:
            tasks.append(PortalTask(
                title=ngettext("Acknowledge %(count)d toolkit item",
                               "Acknowledge %(count)d toolkit items", waiting)
                % {"count": waiting},
                url=f"{site.get_absolute_url()}#toolkit-title", kind=_("Toolkit"), site=site,
                detail=_("Say you received the guides and templates of %(project)s.")
                % {"project": site.project}))
    return tasks
