"""The steering committee pack ("dossier de séance") of a meeting: its agenda and who sits on
the body, the project's stage and the checks of its gate, the indicators against their targets
with their charts, the sites and their status, the decisions and the action items to follow,
and the minutes of the body's previous meeting.

Every figure comes from the selectors the pages use (programmes' governance queries and
pipeline, the evaluation dashboards), so that the pack and the screens never disagree. What is
missing (no member, no e-mail address, no target, no site, no minutes...) is said in the
pack, never fatal.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from essaimage.reports import IndicatorLine, ReportKind
from programmes.models import AdopterSite, Meeting
from programmes.permissions import can_manage_project
from programmes.pipeline import NUMERALS, checklist, stage_name
from programmes.queries import adopters as adopter_queries
from programmes.queries import governance as governance_queries
from programmes.selectors.pipeline import stage_steps

from .. import charts
from ..forms.dashboards import default_range
from ..selectors import dashboards
from ..selectors.aggregation import Band, Scope

KEY = "committee_pack"
TEMPLATE = "reports/committee_pack.html"
# A pack is read in a meeting: past this, the platform's site list says the rest.
SITES_LISTED = 40
# The table gives every indicator against its target; the first ones (by their position in
# the framework) also get the chart of their trend.
CHARTED_INDICATORS = 3
# Action items to follow: overdue, or due within this many days of the meeting.
ACTIONS_HORIZON_DAYS = 90
ACTIONS_LISTED = 40


# --- Who ---------------------------------------------------------------------------------------


def may_request(user, meeting: Meeting) -> bool:
    """The staff who run the project prepare its meetings' packs."""
    return user.is_authenticated and can_manage_project(user, meeting.body.project)


def may_read(user, meeting: Meeting) -> bool:
    """Whoever reads the meeting: the project's readers and the members of the body."""
    return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()


def filename(meeting: Meeting, params: dict) -> str:
    day = timezone.localtime(meeting.starts_at).date()
    return f"{slugify(meeting.body.name)[:50] or 'comite'}-{day:%Y-%m-%d}.pdf"


# --- The parts ---------------------------------------------------------------------------------


@dataclass
class MemberLine:
    member: object
    email: str
    attendance: str  # "" when not recorded

    @property
    def has_email(self) -> bool:
        return bool(self.email)


@dataclass
class SitesPart:
    count: int
    status_counts: list  # (label, count), in the statuses' order, the statuses that occur
    listed: list
    more: int


@dataclass
class IndicatorsPart:
    lines: list[IndicatorLine]
    rows: list  # dashboards.IndicatorRow of the charted indicators, with their chart
    count: int = 0
    without_target: list = field(default_factory=list)
    bands: dict = field(default_factory=dict)
    date_from: object = None
    date_to: object = None


def members_part(meeting: Meeting) -> list[MemberLine]:
    attendance = dict(meeting.attendances.values_list("member_id", "status"))
    return [MemberLine(member, member.email or (member.user.email if member.user else ""),
                       attendance.get(member.pk, ""))
            for member in governance_queries.body_members(meeting.body)]


def pack_scope(meeting: Meeting) -> Scope:
    """The last four quarters before the meeting (or before the project's latest reporting,
    when it stopped earlier): the dashboards' default range, seen from the meeting's day."""
    day = timezone.localtime(meeting.starts_at).date()
    anchor = dashboards.reporting_anchor([meeting.body.project_id])
    date_from, date_to = default_range(min(day, anchor) if anchor else day)
    return Scope(date_from=date_from, date_to=date_to)


def indicators_part(project, scope: Scope) -> IndicatorsPart:
    dashboard = dashboards.project_dashboard(project, scope)
    labels = dict(Band.choices)
    lines, without_target = [], []
    for row in dashboard.rows:
        indicator, total = row.indicator, row.total
        if total.target is None:
            without_target.append(indicator.name)
        note = ""
        if total.missing_sites:
            note = ngettext("%(count)d site of %(expected)d has not reported",
                            "%(count)d sites of %(expected)d have not reported",
                            total.missing_sites) % {"count": total.missing_sites,
                                                    "expected": total.expected_sites}
        bar = ""
        if row.progress_pct is not None:
            bar = charts.percent_bar(
                row.progress_pct, chart_id=f"progress-{indicator.pk}", band=total.band,
                title=_("Progress of %(indicator)s towards its target") % {
                    "indicator": indicator.name})
        lines.append(IndicatorLine(
            label=f"{indicator.code} — {indicator.name}",
            value="" if total.value is None else dashboards.display(total.value, indicator),
            target="" if total.target is None else dashboards.display(total.target, indicator),
            progress=row.progress_pct, band=total.band,
            band_label=str(labels.get(total.band, "")), note=note, bar=bar))
    return IndicatorsPart(lines, dashboard.rows[:CHARTED_INDICATORS], len(dashboard.rows),
                          without_target, dashboard.bands, scope.date_from, scope.date_to)


def sites_part(project) -> SitesPart:
    sites = AdopterSite.objects.filter(project=project)
    counts = adopter_queries.site_status_counts(sites)
    listed = list(sites.select_related("structure", "territory")
                  .order_by("structure__name", "name", "pk")[:SITES_LISTED])
    total = sum(counts.values())
    status_counts = [(label, counts[status]) for status, label in AdopterSite.Status.choices
                     if counts.get(status)]
    return SitesPart(total, status_counts, listed, max(total - len(listed), 0))


def build_context(meeting: Meeting, params: dict) -> dict:
    """Everything the pack shows, read from the database in a fixed number of queries."""
    meeting = (Meeting.objects.select_related("body__project__programme",
                                              "body__project__innovation")
               .get(pk=meeting.pk))
    body, project = meeting.body, meeting.body.project
    members = members_part(meeting)
    previous = governance_queries.previous_held_meeting(meeting)
    day = timezone.localtime(meeting.starts_at).date()
    actions = governance_queries.open_actions_of_body(
        body, due_by=day + timedelta(days=ACTIONS_HORIZON_DAYS), limit=ACTIONS_LISTED)
    sections = [
        ("agenda", _("Agenda and participants")),
        ("project", _("Where the project stands")),
        ("indicators", _("Indicators and targets")),
        ("sites", _("Adopter sites")),
        ("decisions", _("Decisions and action items")),
        ("previous", _("Minutes of the previous meeting")),
    ]
    return {
        "report_title": _("Meeting pack — %(meeting)s") % {"meeting": meeting.title},
        "report_subtitle": f"{body.name} · {date_format(day, 'DATE_FORMAT')}",
        "toc": sections,
        "meeting": meeting,
        "body": body,
        "project": project,
        "members": members,
        "members_without_email": [line.member.name for line in members if not line.has_email],
        "steps": stage_steps(project),
        "stage_numeral": NUMERALS[project.stage],
        "stage_name": stage_name(project.stage),
        "checks": checklist(project),
        "indicators": indicators_part(project, pack_scope(meeting)),
        "sites": sites_part(project),
        "decisions": list(meeting.decisions.order_by("created_at", "pk")),
        "actions": actions.listed,
        "actions_more": actions.more,
        "overdue_count": actions.overdue,
        "actions_horizon": day + timedelta(days=ACTIONS_HORIZON_DAYS),
        "previous": previous,
        "previous_decisions": list(previous.decisions.all()) if previous else [],
    }


def report_kind() -> ReportKind:
    return ReportKind(
        key=KEY,
        label=gettext_lazy("Meeting pack"),
        subject_model=Meeting,
        template=TEMPLATE,
        build_context=build_context,
        may_request=may_request,
        may_read=may_read,
        filename=filename,
    )
