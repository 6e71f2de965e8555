"""The reminders of reporting periods, registered with essaimage.reminders in
EvaluationsConfig.ready(): to the people of each site that has not sent its report, a week
before the due date and the day after it; then, after settings.REMINDER_ESCALATION_DAYS, to
the programme's staff with the sites still missing.

A person reporting for several sites of the same project gets one e-mail per period listing
them. Sites whose reminders are paused are left out, of the e-mails and of the escalation.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from essaimage.emails import absolute_url, send_templated_email
from essaimage.reminders import (
    NO_LONGER_DUE,
    DueReminder,
    ReminderSource,
    language_of,
    paris_time,
    send_days,
    shifted,
)
from programmes.models import AdopterSite
from programmes.reminders import project_staff

from .models import Indicator, ReportingPeriod, SiteReport
from .selectors.aggregation import ACTIVE_SITE_STATUSES

# Days before the due date of the first reminder.
DUE_SOON_DAYS = 7
# Reports in these states were sent: nobody is reminded of them.
SENT_STATUSES = (SiteReport.Status.SUBMITTED, SiteReport.Status.RETURNED,
                 SiteReport.Status.VALIDATED)
# The sites named in the escalation e-mail; the others are counted.
ESCALATION_SITES_SHOWN = 30


def escalation_days() -> int:
    return settings.REMINDER_ESCALATION_DAYS


def _offsets() -> dict[str, int]:
    """Days from a period's due date to the day of each reminder."""
    return {"period_due": -DUE_SOON_DAYS, "period_overdue": 1,
            "period_escalation": escalation_days()}


def missing_sites(periods) -> dict[int, list[AdopterSite]]:
    """For each period, the active sites of its project, reminders not paused, that have not
    sent their report. Two queries whatever the number of periods and sites."""
    periods = list(periods)
    if not periods:
        return {}
    sites = list(AdopterSite.objects
                 .filter(project__in={period.project_id for period in periods},
                         status__in=ACTIVE_SITE_STATUSES, reminders_paused=False)
                 .select_related("structure", "territory").order_by("structure__name", "pk"))
    sent = set(SiteReport.objects.filter(period__in=periods, status__in=SENT_STATUSES)
               .values_list("site_id", "period_id"))
    by_project = {}
    for site in sites:
        by_project.setdefault(site.project_id, []).append(site)
    return {period.pk: [site for site in by_project.get(period.project_id, [])
                        if (site.pk, period.pk) not in sent]
            for period in periods}


def reporters(sites) -> dict[int, list]:
    """The people reporting for each structure of `sites` (its active members). One query."""
    people = {}
    memberships = (Membership.objects
                   .filter(structure__in={site.structure_id for site in sites},
                           user__is_active=True)
                   .select_related("user").order_by("user__last_name", "user__email"))
    for membership in memberships:
        people.setdefault(membership.structure_id, []).append(membership.user)
    return people


def _reported_periods():
    """Periods at a frequency some active indicator of the project is reported by sites."""
    reported = Indicator.objects.filter(project=OuterRef("project"), is_active=True,
                                        frequency=OuterRef("frequency"),
                                        reported_by=Indicator.ReportedBy.SITE)
    return ReportingPeriod.objects.filter(Exists(reported), project__is_archived=False)


class PeriodReminders(ReminderSource):
    kinds = {
        "period_due": _("Indicators due soon"),
        "period_overdue": _("Indicators overdue"),
        "period_escalation": _("Sites late with their indicators (to staff)"),
    }

    def due(self, start, end, *, project_id=None):
        days = send_days(start, end)
        if days is None:
            return
        offsets = _offsets()
        windows = {kind: shifted(days, -offset) for kind, offset in offsets.items()}
        first = min(window[0] for window in windows.values())
        last = max(window[1] for window in windows.values())
        periods = _reported_periods().filter(due_on__range=(first, last))
        if project_id is not None:
            periods = periods.filter(project_id=project_id)
        periods = [period for period in periods
                   if any(lo <= period.due_on <= hi for lo, hi in windows.values())]
        missing = missing_sites(periods)
        people = reporters([site for sites in missing.values() for site in sites])
        late = [p for p in periods if missing[p.pk]
                and windows["period_escalation"][0] <= p.due_on <= windows["period_escalation"][1]]
        staff = project_staff({period.project_id for period in late}) if late else {}
        for period in periods:
            if not missing[period.pk]:
                continue
            for kind, (lo, hi) in windows.items():
                day = period.due_on + timedelta(days=offsets[kind])
                if not lo <= period.due_on <= hi or period.ends_on >= day:
                    continue  # not this reminder's day, or the period is not over yet
                due_at = paris_time(day)
                if kind == "period_escalation":
                    recipients = staff.get(period.project_id, [])
                else:
                    recipients = {person.pk: person for site in missing[period.pk]
                                  for person in people.get(site.structure_id, [])}.values()
                for person in recipients:
                    yield DueReminder(
                        kind=kind, item=period, occurrence=period.due_on.isoformat(),
                        due_at=due_at, recipient_email=person.email, recipient=person,
                        recipient_name=person.display_name, project_id=period.project_id)

    def send(self, reminder):
        period = ReportingPeriod.objects.select_related("project").get(pk=reminder.item_id)
        if reminder.occurrence != period.due_on.isoformat() or period.project.is_archived:
            return NO_LONGER_DUE
        sites = missing_sites([period])[period.pk]
        if reminder.kind != "period_escalation":
            mine = set(Membership.objects.filter(user=reminder.recipient_id)
                       .values_list("structure_id", flat=True))
            sites = [site for site in sites if site.structure_id in mine]
        if not sites:
            return NO_LONGER_DUE
        entries = [(site, absolute_url(reverse("evaluations:report_entry",
                                               args=[site.pk, period.pk])))
                   for site in sites[:ESCALATION_SITES_SHOWN]]
        send_templated_email(
            f"reminder_{reminder.kind}", to=[reminder.recipient_email],
            language=language_of(reminder),
            context={"period": period, "project": period.project, "sites": entries,
                     "site_count": len(sites), "more": max(0, len(sites) - len(entries)),
                     "days_late": escalation_days(),
                     "periods_url": absolute_url(reverse("evaluations:period_list",
                                                         args=[period.project_id])),
                     "my_reports_url": absolute_url(reverse("evaluations:my_reports"))})
        return ""

    def display_queryset(self, model):
        return model.objects.all()

    def item_label(self, item):
        return _("Reporting period %(label)s") % {"label": item.label}

    def item_url(self, item):
        return reverse("evaluations:period_list", args=[item.project_id])


def register_reminders() -> None:
    from essaimage.reminders import register_reminder_source

    register_reminder_source(PeriodReminders())
