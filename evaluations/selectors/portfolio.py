"""Reads of the funders' dashboards: what a person's portfolio covers, its headline figures,
the funnel of its projects, its indicators against their targets, fidelity, territories,
and the rows behind each figure.

One function, `portfolio_for_user`, says which projects a dashboard covers; it narrows
ScalingProject.visible_to to the readers the dashboards are for (the programme's staff, its
funders, the funders of a project's pool), so that no second rule decides who reads what.
Every figure is computed in the database, in a number of queries that does not depend on
the size of the portfolio.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat, Upper
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from communities.maps import department_choropleth
from communities.models import Membership, Structure, Territory
from essaimage.models import ReportJob
from innovations.models import Innovation
from programmes.models import (
    STAGE_ORDER,
    AdopterSite,
    FundingOption,
    OptionSite,
    Payment,
    Programme,
    Registration,
    ScalingProject,
    Stage,
    StrategyModel,
    TrainingSession,
)

from .. import charts
from ..models import FidelityScale, Indicator, IndicatorTarget, SiteReport
from . import fidelity
from .aggregation import (
    ACTIVE_SITE_STATUSES,
    DECIMAL,
    Band,
    Scope,
    _latest_per_site,
    counted_values,
    figures_key,
    indicator_totals,
)
from .dashboards import headline_indicators

ZERO = Decimal("0")
LIVE = (FundingOption.Status.OPTIONED, FundingOption.Status.CONFIRMED)
CONFIRMED = FundingOption.Status.CONFIRMED
ROWS_PER_PAGE = 25
LATEST_REPORTS = 5
# The indicator figures read every value of the range: kept in the cache under a key that
# changes with what they depend on (see `_figures_key`), as the project dashboard does.
FIGURES_TIMEOUT = 10 * 60


# --- What a dashboard covers -------------------------------------------------------------------


@dataclass(frozen=True)
class Portfolio:
    """The projects a dashboard covers before its filters, and whose money it counts: the
    funders' own structures, or every funder's (None) for staff, admins and committees."""

    projects: QuerySet
    funders: tuple[int, ...] | None = None
    share: object | None = None

    @cached_property
    def project_ids(self) -> list[int]:
        """The projects' ids, read once: the scoping subqueries of `projects` are the
        slowest part of a dashboard's queries, and every figure starts from them."""
        return list(self.projects.order_by().values_list("pk", flat=True))

    @property
    def live_projects(self) -> QuerySet:
        """The same projects as `projects`, by their ids: cheap to filter and to nest."""
        return ScalingProject.objects.filter(pk__any=self.project_ids)

    @property
    def programmes(self) -> QuerySet:
        return Programme.objects.filter(
            pk__in=self.live_projects.values("programme")).order_by("name", "pk")


def portfolio_projects(user) -> QuerySet:
    """The projects the person's portfolio covers: among those `user` reads
    (ScalingProject.visible_to, seats on committees aside), those of the programmes they run
    and those their structures fund (a programme's funders, a standing option in a pool).
    Admins: every live project."""
    projects = ScalingProject.objects.visible_to(user, through_committees=False)
    if user.is_superuser:
        return projects.active()  # visible_to opens archives to admins; dashboards do not
    member_of = Membership.objects.filter(user=user).values("structure")
    staffed = Programme.staff.through.objects.filter(user=user).values("programme")
    programme_funded = Programme.funders.through.objects.filter(
        structure__in=member_of).values("programme")
    pool_funded = (FundingOption.objects.filter(funder__in=member_of)
                   .exclude(status=FundingOption.Status.WITHDRAWN).values("pool__project"))
    return projects.filter(Q(programme__in=staffed) | Q(programme__in=programme_funded)
                           | Q(pk__in=pool_funded))


def portfolio_for_user(user) -> Portfolio | None:
    """The person's portfolio, or None when they neither run nor fund anything (the pages
    then answer 404). Staff and admins count every funder's money, funders their own. One
    query."""
    if not user.is_authenticated:
        return None
    projects = portfolio_projects(user)
    if user.is_superuser:
        return Portfolio(projects)
    flags = (Programme.objects.order_by().filter(pk__in=projects.values("programme"))
             .aggregate(any=Count("pk"), staffed=Count("pk", filter=Q(staff=user))))
    if not flags["any"]:
        return None
    if flags["staffed"]:
        return Portfolio(projects)
    funders = tuple(Membership.objects.filter(user=user).values_list("structure", flat=True))
    return Portfolio(projects, funders=funders)


def portfolio_for_share(share) -> Portfolio:
    """What a committee reads: the live projects of the shared programme, every funder's
    money."""
    return Portfolio(ScalingProject.objects.active().filter(programme=share.programme_id),
                     share=share)


# --- Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The portfolio after the filters: its projects and the sites of those projects (within
    the territory when one is chosen), the range and whose money counts."""

    projects: QuerySet
    sites: QuerySet
    scope: Scope
    funders: tuple[int, ...] | None = None
    territory: Territory | None = None
    project_ids: tuple[int, ...] = ()

    @property
    def active_sites(self) -> QuerySet:
        """Sites past selection, not withdrawn, started by the end of the range."""
        sites = self.sites.filter(status__in=ACTIVE_SITE_STATUSES)
        if self.scope.date_to:
            sites = sites.filter(Q(start_date__isnull=True)
                                 | Q(start_date__lte=self.scope.date_to))
        return sites


def select(portfolio: Portfolio, scope: Scope, *, programme=None, theme=None,
           territory: Territory | None = None) -> Selection:
    """Apply the dashboard's filters: a programme, a theme of the innovations, a territory (a
    région covers its départements; projects then count when they have a site there)."""
    projects = portfolio.live_projects
    if programme is not None:
        projects = projects.filter(programme=programme)
    if theme is not None:
        projects = projects.filter(innovation__in=Innovation.themes.through.objects.filter(
            theme=theme).values("innovation"))
    # The scoping subqueries run once (Portfolio.project_ids): every figure then reads a
    # plain list of projects.
    ids = (list(projects.order_by().values_list("pk", flat=True))
           if programme is not None or theme is not None else portfolio.project_ids)
    # Every figure filters by these ids: one array parameter each time (essaimage.lookups).
    sites = AdopterSite.objects.filter(project__any=ids)
    if territory is not None:
        sites = sites.filter(Q(territory=territory) | Q(territory__parent=territory))
        ids = list(sites.order_by().values_list("project", flat=True).distinct())
        sites = sites.filter(project__any=ids)
    return Selection(ScalingProject.objects.filter(pk__any=ids), sites, scope,
                     portfolio.funders, territory, tuple(sorted(ids)))


# --- Headline figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    optioned: Decimal = ZERO
    confirmed: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass(frozen=True)
class Headline:
    projects: int
    innovations: int
    structures: int
    sites: int
    methods: int
    people_reached: Decimal
    departments: int
    communes: int
    trainings: int
    people_trained: int
    money: Money = field(default_factory=Money)

    @property
    def sentence(self) -> str:
        """The figures as seed 002 opens: "7 innovations essaimées auprès de 48 structures,
        selon 7 méthodes d'essaimage, impliquant 500 personnes, 42 territoires"."""
        parts = [
            npgettext("headline figures", "%(count)s innovation scaled",
                      "%(count)s innovations scaled", self.innovations),
            npgettext("headline figures", "with %(structures)s structure",
                      "with %(structures)s structures", self.structures),
            npgettext("headline figures", "by %(methods)s scaling method",
                      "by %(methods)s scaling methods", self.methods),
            npgettext("headline figures", "reaching %(people)s person",
                      "reaching %(people)s people", int(self.people_reached)),
            npgettext("headline figures", "in %(departments)s département",
                      "in %(departments)s départements", self.departments),
        ]
        values = {"count": charts.fmt(self.innovations),
                  "structures": charts.fmt(self.structures),
                  "methods": charts.fmt(self.methods),
                  "people": charts.fmt(self.people_reached),
                  "departments": charts.fmt(self.departments)}
        return _("%(figures)s.") % {"figures": ", ".join(part % values for part in parts)}


def _range_start(scope: Scope):
    if not scope.date_from:
        return None
    return timezone.make_aware(datetime.combine(scope.date_from, time.min))


def _range_end(scope: Scope):
    """The first instant after the range (its last day included)."""
    if not scope.date_to:
        return None
    return timezone.make_aware(datetime.combine(scope.date_to + timedelta(days=1), time.min))


def held_sessions(selection: Selection) -> QuerySet:
    """Training sessions of the projects held within the range; with a territory, those a
    site of it registered to."""
    sessions = TrainingSession.objects.filter(module__project__in=selection.projects.values("pk"),
                                              status=TrainingSession.Status.HELD)
    if start := _range_start(selection.scope):
        sessions = sessions.filter(starts_at__gte=start)
    if end := _range_end(selection.scope):
        sessions = sessions.filter(starts_at__lt=end)
    if selection.territory is not None:
        sessions = sessions.filter(pk__in=Registration.objects.filter(
            site__in=selection.sites.values("pk")).values("session"))
    return sessions


def attendances(selection: Selection) -> QuerySet:
    """Registrations marked present at the held sessions, from the selection's sites."""
    return Registration.objects.filter(session__in=held_sessions(selection).values("pk"),
                                       site__in=selection.sites.values("pk"), attended=True)


def options(selection: Selection) -> QuerySet:
    """The pooled grant options on the projects (the funder's own ones for a funder)."""
    found = FundingOption.objects.filter(pool__project__in=selection.projects.values("pk"))
    if selection.funders is not None:
        found = found.filter(funder__in=selection.funders)
    return found


def payments(selection: Selection) -> QuerySet:
    """Payments under those options made by the end of the range (to a site of the
    territory when one is chosen)."""
    found = Payment.objects.filter(option__in=options(selection).values("pk"))
    if selection.scope.date_to:
        found = found.filter(paid_on__lte=selection.scope.date_to)
    if selection.territory is not None:
        found = found.filter(site__in=selection.sites.values("pk"))
    return found


def _standing(prefix: str, scope: Scope) -> Q:
    """Options standing at the end of the range: taken by then, not withdrawn by then."""
    standing = Q(**{f"{prefix}status__in": LIVE})
    if scope.date_to:
        standing = (Q(**{f"{prefix}optioned_on__lte": scope.date_to})
                    & (standing | Q(**{f"{prefix}status": FundingOption.Status.WITHDRAWN,
                                       f"{prefix}withdrawn_on__gt": scope.date_to})))
    return standing


def _confirmed(prefix: str, scope: Scope) -> Q:
    confirmed = Q(**{f"{prefix}status": CONFIRMED})
    if scope.date_to:
        confirmed &= Q(**{f"{prefix}confirmed_on__lte": scope.date_to})
    return confirmed


def money(selection: Selection) -> Money:
    """Optioned (standing at the end of the range), confirmed and paid by then; within a
    territory, the options' shares earmarked for its sites and the payments to them. Two
    queries."""
    scope = selection.scope
    if selection.territory is None:
        amounts = options(selection).aggregate(
            optioned=Sum("amount", filter=_standing("", scope)),
            confirmed=Sum("amount", filter=_confirmed("", scope)))
    else:
        amounts = OptionSite.objects.filter(
            option__in=options(selection).values("pk"),
            site__in=selection.sites.values("pk")).aggregate(
            optioned=Sum("amount", filter=_standing("option__", scope)),
            confirmed=Sum("amount", filter=_confirmed("option__", scope)))
    paid = payments(selection).aggregate(paid=Sum("amount"))["paid"]
    return Money(amounts["optioned"] or ZERO, amounts["confirmed"] or ZERO, paid or ZERO)


def people_reached_indicators(selection: Selection) -> QuerySet:
    """The active indicators flagged as counting people reached (numbers, not percentages)."""
    return Indicator.objects.filter(project__in=selection.projects.values("pk"), is_active=True,
                                    counts_people_reached=True,
                                    measure=Indicator.Measure.NUMBER)


def _people_reached(selection: Selection, indicators: list[Indicator]) -> Decimal:
    """People reached at the selection's sites: each indicator's figure per site over the
    range by its own rule, so that a "latest" count is taken once, never added up across
    periods, and a cumulative one is summed; then summed across sites and indicators. Two
    queries."""
    if not indicators:
        return ZERO
    scope = selection.scope
    site_ids = selection.sites.values("pk")
    summed = [i.pk for i in indicators if i.period_aggregation == Indicator.PeriodAggregation.SUM]
    others = [i.pk for i in indicators if i.pk not in summed]
    total = ZERO
    if summed:
        total += counted_values(summed, scope).filter(report__site__in=site_ids).aggregate(
            total=Sum("amount"))["total"] or ZERO
    if others:
        values = counted_values(others, scope).filter(report__site__in=site_ids)
        site_mean = (counted_values(others, scope)
                     .filter(report__site=OuterRef("report__site"),
                             indicator=OuterRef("indicator"))
                     .values("indicator").annotate(mean=Avg("amount")).values("mean"))
        latest = _latest_per_site(values).values("pk")
        total += counted_values(others, scope).filter(pk__in=latest).annotate(
            site_value=Case(
                When(indicator__period_aggregation=Indicator.PeriodAggregation.AVERAGE,
                     then=Subquery(site_mean, output_field=DECIMAL)),
                default=F("amount"), output_field=DECIMAL),
        ).aggregate(total=Sum("site_value"))["total"] or ZERO
    return total.quantize(Decimal(1)) if total == total.to_integral_value() else total


def headline_figures(selection: Selection, figures=None) -> Headline:
    """Innovations being scaled, adopter structures, scaling methods, people reached (from
    `figures`, read here when not given), départements and communes, trainings and people
    trained, money: seven queries besides the indicator figures."""
    projects = selection.projects.order_by().aggregate(
        projects=Count("pk", distinct=True), innovations=Count("innovation", distinct=True))
    commune = Concat("structure__postal_code", Value(" "), Upper("structure__city"))
    sites = selection.active_sites.order_by().aggregate(
        sites=Count("pk"), structures=Count("structure", distinct=True),
        departments=Count("territory", distinct=True,
                          filter=Q(territory__kind=Territory.Kind.DEPARTMENT)),
        communes=Count(commune, distinct=True, filter=~Q(structure__city="")))
    methods = StrategyModel.objects.filter(
        strategy__project__in=selection.projects.values("pk")).aggregate(
        n=Count("model", distinct=True))["n"]
    people = (figures or indicator_figures(selection)).people_reached
    trainings = held_sessions(selection).aggregate(n=Count("pk", distinct=True))["n"]
    trained = attendances(selection).aggregate(n=Count("person", distinct=True))["n"]
    return Headline(
        projects=projects["projects"], innovations=projects["innovations"],
        structures=sites["structures"], sites=sites["sites"], methods=methods,
        people_reached=people, departments=sites["departments"], communes=sites["communes"],
        trainings=trainings, people_trained=trained, money=money(selection))


# --- Funnel, indicators, fidelity, territories -------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int
    share_pct: int


def stage_funnel(selection: Selection) -> list[FunnelStep]:
    """How many projects stand at each stage of the roadmap, in its order. One query."""
    counts = dict(selection.projects.order_by().values("stage").annotate(n=Count("pk"))
                  .values_list("stage", "n"))
    total = sum(counts.values())
    return [FunnelStep(stage, Stage(stage).label, counts.get(stage, 0),
                       round(100 * counts.get(stage, 0) / total) if total else 0)
            for stage in STAGE_ORDER]


@dataclass(frozen=True)
class IndicatorSummary:
    bands: dict
    indicators: int
    projects: int

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(band, label, count), in the order of the bands."""
        return [(band, label, self.bands.get(band, 0)) for band, label in Band.choices]


@dataclass(frozen=True)
class IndicatorFigures:
    """The figures that read indicator values: people reached, and the headline indicators
    against their targets."""

    people_reached: Decimal
    summary: IndicatorSummary


def indicator_figures(selection: Selection) -> IndicatorFigures:
    """People reached and the headline indicators of every project of the selection by band.
    They read every value of the range (about 300,000 for the bench programme), so they are
    kept in the cache under a key that changes with the selection, the reports, the sites,
    the targets and the indicators they depend on (five small queries)."""
    headline = list(headline_indicators(selection.projects.values("pk")))
    people = list(people_reached_indicators(selection))
    return cache.get_or_set(_figures_key(selection, headline + people),
                            lambda: _indicator_figures(selection, headline, people),
                            FIGURES_TIMEOUT)


def _indicator_figures(selection: Selection, headline: list, people: list) -> IndicatorFigures:
    bands = dict.fromkeys(Band.values, 0)
    for total in indicator_totals(headline, selection.scope) if headline else []:
        bands[total.band] += 1
    summary = IndicatorSummary(bands, len(headline), len({i.project_id for i in headline}))
    return IndicatorFigures(_people_reached(selection, people), summary)


def _figures_key(selection: Selection, indicators) -> str:
    """Changes when the filters, a report (services save it whenever its values change), a
    site, a project target or an indicator of the selection changes."""
    ids = sorted({i.pk for i in indicators})
    reports = SiteReport.objects.order_by().filter(
        period__project__in=selection.projects.values("pk")).aggregate(
        count=Count("pk"), changed=Max("updated_at"))
    sites = selection.sites.order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    targets = IndicatorTarget.objects.order_by().filter(
        indicator__any=ids, site__isnull=True).aggregate(count=Count("pk"), last=Max("pk"))
    definitions = sorted((i.pk, i.project_id, i.measure, i.kind, i.direction, i.baseline,
                          i.period_aggregation, i.site_aggregation, i.frequency,
                          i.counts_people_reached, i.is_active) for i in indicators)
    territory = selection.territory.pk if selection.territory else None
    return figures_key("portfolio-figures", selection.project_ids, territory, selection.scope,
                       translation.get_language(), reports, sites, targets, definitions)


@dataclass(frozen=True)
class FidelitySummary:
    assessed: int
    expected: int
    average_pct: float | None
    below_half: int


def fidelity_summary(selection: Selection) -> FidelitySummary:
    """The latest fidelity total of each active site of the projects that have a fidelity
    scale: how many were assessed, their average, how many score under half of the maximum.
    Two queries: the sites and their latest assessment, then the totals of those assessments
    from their ratings in one pass (a total per site in a subquery took four times longer)."""
    # Only projects with a fidelity scale assess their sites.
    sites = (selection.active_sites.order_by()
             .filter(project__in=FidelityScale.objects.values("project"))
             .annotate(latest=fidelity.latest_completed_assessment()))
    counts = sites.aggregate(expected=Count("pk"), assessed=Count("latest"))
    totals = fidelity.assessment_totals(sites.values("latest")).aggregate(
        average=Avg("pct"), below_half=Count("assessment", filter=Q(pct__lt=50)))
    average = totals["average"]
    return FidelitySummary(counts["assessed"], counts["expected"],
                           None if average is None else round(average), totals["below_half"])


def department_counts(selection: Selection) -> dict[str, int]:
    """Active sites per département (INSEE code). One query."""
    return dict(selection.active_sites.order_by()
                .filter(territory__kind=Territory.Kind.DEPARTMENT)
                .values("territory__code").annotate(n=Count("pk"))
                .values_list("territory__code", "n"))


# --- Every figure of a dashboard, kept a few minutes ---------------------------------------------


# A dashboard's figures take some twenty queries over the whole portfolio; a funder going back
# and forth between filters, or a committee opening the page after the meeting's invitation,
# reads them from the cache. The page says when they were computed, and offers to compute them
# again (`refresh`): a report validated a minute ago need not wait.
DASHBOARD_TIMEOUT = 5 * 60


@dataclass(frozen=True)
class DashboardFigures:
    headline: Headline
    funnel: list[FunnelStep]
    indicators: IndicatorSummary
    fidelity: FidelitySummary
    departments: dict[str, int]
    computed_at: datetime


def dashboard_figures(selection: Selection, *, refresh: bool = False) -> DashboardFigures:
    """The headline figures, the funnel, the indicators against their targets, fidelity and
    the sites per département of `selection`: from the cache when they were computed less
    than DASHBOARD_TIMEOUT ago, unless `refresh` asks to compute them now."""
    key = _dashboard_key(selection)
    if refresh:
        cache.delete(key)
    return cache.get_or_set(key, lambda: _dashboard_figures(selection), DASHBOARD_TIMEOUT)


def _dashboard_figures(selection: Selection) -> DashboardFigures:
    indicators = indicator_figures(selection)
    return DashboardFigures(
        headline=headline_figures(selection, indicators), funnel=stage_funnel(selection),
        indicators=indicators.summary, fidelity=fidelity_summary(selection),
        departments=department_counts(selection), computed_at=timezone.now())


def _dashboard_key(selection: Selection) -> str:
    """The selection's projects, territory and range, and whose money counts (a funder's
    dashboard never reads another's from the cache)."""
    territory = selection.territory.pk if selection.territory else None
    return figures_key("portfolio-dashboard", selection.project_ids, territory,
                       selection.scope, selection.funders, translation.get_language())


def territory_map(counts: dict[str, int], url_for=None):
    return department_choropleth(
        counts, title=_("Adopter sites by département"),
        description=_("Each département is shaded by the number of active adopter sites of "
                      "the dashboard's projects."),
        url_for=url_for, id_prefix="portfolio-map")


# --- Reports -----------------------------------------------------------------------------------


def report_funders(user, portfolio: Portfolio) -> QuerySet:
    """The funders whose PDF report the person may read: their own structures among the
    portfolio's funders, or those staff may read (funder_report.readable_funders)."""
    from ..reports import funder_report

    programme_funders = Programme.funders.through.objects.filter(
        programme__in=portfolio.live_projects.values("programme")).values_list(
        "structure", flat=True)
    pool_funders = FundingOption.objects.filter(
        pool__project__any=portfolio.project_ids).values_list("funder", flat=True)
    # The funders first, as a short list: the access rule then checks each of them.
    if portfolio.funders is not None:
        programme_funders = programme_funders.filter(structure__in=portfolio.funders)
        pool_funders = pool_funders.filter(funder__in=portfolio.funders)
    ids = set(programme_funders.order_by().union(pool_funders.order_by()))
    return funder_report.readable_funders(
        user, Structure.objects.filter(pk__in=ids).order_by("name", "pk"))


def latest_reports(funders) -> list[ReportJob]:
    """The latest funder reports ready to download, for `funders`. One query."""
    from django.contrib.contenttypes.models import ContentType

    from ..reports import funder_report

    return list(ReportJob.objects.filter(
        kind=funder_report.KEY, status=ReportJob.Status.READY,
        subject_type=ContentType.objects.get_for_model(Structure),
        subject_id__in=funders.values("pk")).prefetch_related("subject")
        .order_by("-finished_at", "-pk")[:LATEST_REPORTS])

# --- The rows behind each figure ---------------------------------------------------------------

ROW_KINDS = ("projets", "innovations", "structures", "sites", "methodes", "personnes-touchees",
             "formations", "personnes-formees", "options", "versements")


def row_queryset(selection: Selection, kind: str, params) -> QuerySet:
    """The rows behind one figure of the dashboard, in a stable order: `params` may narrow
    them (a stage, a département, an option's status)."""
    if kind == "projets":
        projects = selection.projects.select_related("programme", "innovation")
        if params.get("etape") in STAGE_ORDER:
            projects = projects.filter(stage=params["etape"])
        return projects.order_by("programme__name", "title", "pk")
    if kind == "innovations":
        return (Innovation.objects.filter(pk__in=selection.projects.values("innovation"))
                .select_related("owner")
                .annotate(project_count=Count("scaling_projects", filter=Q(
                    scaling_projects__in=selection.projects.values("pk"))))
                .order_by("title", "pk"))
    if kind == "structures":
        return (Structure.objects.filter(pk__in=selection.active_sites.values("structure"))
                .select_related("department")
                .annotate(site_count=Count("adopter_sites", filter=Q(
                    adopter_sites__in=selection.active_sites.values("pk"))))
                .order_by("name", "pk"))
    if kind in ("sites", "personnes-touchees"):
        if kind == "sites":
            sites = selection.active_sites
        else:
            # The sites whose values count in the figure.
            counted = counted_values(people_reached_indicators(selection).values("pk"),
                                     selection.scope)
            sites = selection.sites.filter(pk__in=counted.values("report__site"))
        if params.get("departement"):
            sites = sites.filter(territory__kind=Territory.Kind.DEPARTMENT,
                                 territory__code=params["departement"])
        return (sites.select_related("structure", "territory", "project")
                .order_by("structure__name", "pk"))
    if kind == "methodes":
        return (StrategyModel.objects.filter(
            strategy__project__in=selection.projects.values("pk"))
            .select_related("strategy__project").order_by("model", "strategy__project__title",
                                                          "pk"))
    if kind == "formations":
        return (held_sessions(selection).select_related("module__project")
                .annotate(present=Count("registrations", filter=Q(
                    registrations__attended=True,
                    registrations__site__in=selection.sites.values("pk"))))
                .order_by("-starts_at", "pk"))
    if kind == "personnes-formees":
        return (attendances(selection)
                .select_related("person", "site__structure", "session__module")
                .order_by("person__last_name", "person__first_name", "person",
                          "-session__starts_at", "pk"))
    if kind == "options":
        found = options(selection).select_related("funder", "pool__project")
        if params.get("statut") == "confirmed":
            found = found.filter(_confirmed("", selection.scope))
        else:
            found = found.filter(_standing("", selection.scope))
        return found.order_by("pool__project__title", "funder__name", "pk")
    if kind == "versements":
        return (payments(selection).select_related("option__funder", "option__pool__project",
                                                   "site__structure")
                .order_by("-paid_on", "-pk"))
    raise ValueError(kind)


@dataclass(frozen=True)
class PeopleRow:
    site: AdopterSite
    figures: list  # SiteFigure of each people-reached indicator of the site's project
    total: Decimal | None


def people_rows(selection: Selection, sites: list[AdopterSite]) -> list[PeopleRow]:
    """For a page of sites, each people-reached indicator's figure over the range by its own
    rule, and their sum: three queries."""
    from .aggregation import site_figures

    if not sites:
        return []
    indicators = list(people_reached_indicators(selection).filter(
        project__in={site.project_id for site in sites}).order_by("position", "pk"))
    figures = site_figures(indicators, sites, selection.scope) if indicators else []
    by_site: dict[int, list] = {}
    for figure in figures:
        if figure.indicator.project_id == figure.site.project_id:
            by_site.setdefault(figure.site.pk, []).append(figure)
    rows = []
    for site in sites:
        own = by_site.get(site.pk, [])
        values = [figure.value for figure in own if figure.value is not None]
        rows.append(PeopleRow(site, own, sum(values, ZERO) if values else None))
    return rows


# --- Home --------------------------------------------------------------------------------------


def home_steps(user, roles):
    """A funder's (and the staff's) way to the dashboard from their home page; no query."""
    from django.urls import reverse

    from essaimage.roles import Role

    if Role.FUNDER in roles:
        yield (_("See the figures of what you fund"),
               reverse("evaluations:portfolio_dashboard"),
               _("Innovations, structures, people reached, territories, trainings and money, "
                 "from the programmes' data."))
    elif Role.PROGRAMME_STAFF in roles:
        yield (_("See the funders' dashboard"), reverse("evaluations:portfolio_dashboard"),
               _("The headline figures of your programmes, as their funders read them; share "
                 "it with a committee."))
