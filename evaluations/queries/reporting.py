"""What the reporting pages read: the calendar with its counts, an adopter's periods to report,
the rows of a report's entry form, and the review queue."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from communities.models import Membership
from programmes.models import AdopterSite

from ..models import (
    Disaggregation,
    Evidence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ReportingPeriod,
    SiteReport,
)
from ..selectors.aggregation import ACTIVE_SITE_STATUSES

Status = SiteReport.Status
REVIEW_PAGE_SIZE = 25
PERIOD_PAGE_SIZE = 40
# Periods already sent shown under each site of "my reports", beyond those still to do.
DONE_PER_SITE = 4


# --- The calendar ----------------------------------------------------------------------------


def periods_with_counts(project):
    """The project's periods, newest first, each with how many of its active sites' reports
    are in each status, counted by the database; `missing` is computed by the page from the
    number of expected sites."""
    active = Q(site_reports__site__status__in=ACTIVE_SITE_STATUSES)
    counts = {status: Count("site_reports", filter=active & Q(site_reports__status=status))
              for status in Status.values}
    return (ReportingPeriod.objects.filter(project=project)
            .annotate(**{f"{status}_count": count for status, count in counts.items()},
                      report_count=Count("site_reports", filter=active))
            .order_by("-starts_on", "frequency"))


def expected_site_count(project) -> int:
    return AdopterSite.objects.filter(project=project, status__in=ACTIVE_SITE_STATUSES).count()


# --- My reports --------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    period: ReportingPeriod
    report: SiteReport | None
    status: str  # a SiteReport.Status, or "not_started"
    is_overdue: bool

    @property
    def needs_action(self) -> bool:
        return self.status in ("not_started", Status.DRAFT, Status.RETURNED)


@dataclass
class SiteRows:
    site: AdopterSite
    to_do: list = field(default_factory=list)
    done: list = field(default_factory=list)


def reporting_sites(user):
    """The active adopter sites of the person's structures, with their project."""
    member_of = Membership.objects.filter(user=user).values("structure")
    return list(AdopterSite.objects.filter(structure__in=member_of,
                                           status__in=ACTIVE_SITE_STATUSES,
                                           project__is_archived=False)
                .select_related("project", "structure", "territory")
                .order_by("project__title", "structure__name", "pk"))


def my_periods(sites, today: date | None = None) -> list[SiteRows]:
    """For each site, the periods it reports (ended, at a frequency some active indicator of
    its project is reported by sites) newest first: those still to do, then the last ones
    sent. Two queries whatever the number of sites and periods."""
    today = today or timezone.localdate()
    if not sites:
        return []
    project_ids = {site.project_id for site in sites}
    reported = Indicator.objects.filter(
        project=OuterRef("project"), frequency=OuterRef("frequency"), is_active=True,
        reported_by=Indicator.ReportedBy.SITE)
    periods = list(ReportingPeriod.objects.filter(project__in=project_ids, ends_on__lt=today)
                   .filter(Exists(reported)).order_by("-ends_on", "frequency"))
    reports = {(report.site_id, report.period_id): report
               for report in SiteReport.objects.filter(site__in=[site.pk for site in sites],
                                                       period__in=[p.pk for p in periods])}
    result = []
    for site in sites:
        rows = SiteRows(site)
        for period in periods:
            if period.project_id != site.project_id:
                continue
            report = reports.get((site.pk, period.pk))
            status = report.status if report else "not_started"
            row = PeriodRow(period, report, status,
                            is_overdue=period.due_on < today and status in (
                                "not_started", Status.DRAFT))
            if row.needs_action:
                rows.to_do.append(row)
            elif len(rows.done) < DONE_PER_SITE:
                rows.done.append(row)
        result.append(rows)
    return result


def periods_to_report(user, today: date | None = None) -> list[tuple[AdopterSite, int, int]]:
    """For the home page: each site with how many periods wait for it and how many of those
    were returned, leaving out sites with nothing to do."""
    steps = []
    for rows in my_periods(reporting_sites(user), today):
        if rows.to_do:
            returned = sum(1 for row in rows.to_do if row.status == Status.RETURNED)
            steps.append((rows.site, len(rows.to_do), returned))
    return steps


# --- The entry form --------------------------------------------------------------------------


@dataclass
class EntryRow:
    """One line of the entry form: an indicator's total, or one of its categories."""

    indicator: Indicator
    category: object = None
    value: IndicatorValue | None = None
    target: IndicatorTarget | None = None
    is_editable: bool = False
    first_of_indicator: bool = True

    @property
    def is_total(self) -> bool:
        return self.category is None

    @property
    def category_id(self):
        return self.category.pk if self.category else None


def report_indicators(project, frequency: str):
    """The active indicators reported at this frequency, with their scale and breakdowns."""
    return list(Indicator.objects.filter(project=project, is_active=True, frequency=frequency)
                .prefetch_related("levels", Prefetch(
                    "disaggregations",
                    queryset=Disaggregation.objects.prefetch_related("categories")))
                .order_by("phase", "position", "code"))


def site_targets(indicators, site, period) -> dict:
    """The site's target in force at the end of the period, per (indicator, category)."""
    targets = {}
    for target in (IndicatorTarget.objects.filter(indicator__in=[i.pk for i in indicators],
                                                  site=site, period_end__lte=period.ends_on)
                   .order_by("period_end")):
        targets[(target.indicator_id, target.category_id)] = target
    return targets


def entry_rows(indicators, report: SiteReport | None, site, period, *, can_enter_site: bool,
               can_manage: bool) -> list[EntryRow]:
    """The form's rows: each indicator's total, then one row per category of its breakdowns,
    with the value already entered and the target beside it."""
    values = {}
    if report is not None:
        values = {(value.indicator_id, value.category_id): value
                  for value in report.values.all()}
    targets = site_targets(indicators, site, period)
    rows = []
    for indicator in indicators:
        is_editable = (can_manage if indicator.reported_by == Indicator.ReportedBy.STAFF
                       else can_enter_site)
        rows.append(EntryRow(indicator, None, values.get((indicator.pk, None)),
                             targets.get((indicator.pk, None)), is_editable))
        for disaggregation in indicator.disaggregations.all():
            for category in disaggregation.categories.all():
                rows.append(EntryRow(indicator, category,
                                     values.get((indicator.pk, category.pk)),
                                     targets.get((indicator.pk, category.pk)), is_editable,
                                     first_of_indicator=False))
    return rows


def report_for_page(site, period) -> SiteReport | None:
    return (SiteReport.objects.filter(site=site, period=period)
            .select_related("submitted_by", "validated_by")
            .prefetch_related("values", Prefetch(
                "evidence", queryset=Evidence.objects.select_related("uploaded_by")))
            .first())


# --- Review ----------------------------------------------------------------------------------


REVIEW_STATUSES = [Status.SUBMITTED, Status.RETURNED]


def review_queue(project, *, period=None, status: str = ""):
    """Reports waiting for staff (submitted) or for their site (returned), oldest submitted
    first, each with how many of its values were returned."""
    statuses = [status] if status in REVIEW_STATUSES else REVIEW_STATUSES
    reports = (SiteReport.objects.filter(site__project=project, status__in=statuses)
               .select_related("site__structure", "site__territory", "period", "submitted_by")
               .annotate(returned_count=Count(
                   "values", filter=Q(values__status=IndicatorValue.Status.RETURNED)),
                   value_count=Count("values"))
               .order_by("period__starts_on", "submitted_at", "pk"))
    if period is not None:
        reports = reports.filter(period=period)
    return reports
