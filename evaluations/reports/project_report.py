"""The scaling project report: the innovation and its model, the strategy, the stakeholders,
the sites, the trainings, the evaluation (phases, indicators, fidelity) and the pooled grant.

Every figure comes from the selectors the pages use (the dashboards' aggregation, the pool's
sums, the training plan's counts), so that the report and the screens never disagree. A
missing piece (no strategy, no site, no plan, no scale, no pool...) is said, never fatal.
"""

import base64
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.maps import department_choropleth
from programmes.models import (
    AdopterSite,
    FundingPool,
    Registration,
    ScalingProject,
    ScalingStrategy,
    Stakeholder,
    TrainingSession,
)
from programmes.permissions import can_manage_project, can_read_pool
from programmes.queries.funding import pool_options, pool_totals
from programmes.queries.training import completion_matrix, modules_for_plan
from programmes.selectors.feasibility import strategy_page

from .. import charts
from ..models import FidelityAssessment
from ..selectors import dashboards
from ..selectors import fidelity as fidelity_selectors
from ..selectors.aggregation import ACTIVE_SITE_STATUSES, Scope
from ..selectors.plans import plan_for_page
from . import Section, for_print, indicator_line

KEY = "project_report"
TEMPLATE = "reports/project_report.html"


# --- Who ---------------------------------------------------------------------------------------


def may_request(user, project: ScalingProject) -> bool:
    """The project's staff ask for its report."""
    return user.is_authenticated and can_manage_project(user, project)


def may_read(user, project: ScalingProject) -> bool:
    """Its staff and its funders (of the programme, or holding an option in its pool) read it:
    the report holds the pooled grant, which the project's other readers do not see."""
    if not user.is_authenticated:
        return False
    return can_manage_project(user, project) or (
        ScalingProject.objects.visible_to(user).filter(pk=project.pk).exists()
        and can_read_pool(user, project))


def filename(project: ScalingProject, params: dict) -> str:
    return (f"rapport-projet-{slugify(project.title)[:60] or project.pk}-"
            f"{timezone.localdate():%Y-%m-%d}.pdf")


# --- The parts ---------------------------------------------------------------------------------


@dataclass
class StakeholderGroup:
    label: str
    stakeholders: list


def stakeholder_groups(project) -> list[StakeholderGroup]:
    """The stakeholder map as a table: by category in the map's order, the most influential
    first."""
    groups: dict[str, StakeholderGroup] = {}
    rows = (Stakeholder.objects.filter(project=project).select_related("structure")
            .order_by("category", "-influence", "-interest", "name", "pk"))
    labels = dict(Stakeholder.Category.choices)
    for stakeholder in rows:
        groups.setdefault(stakeholder.category,
                          StakeholderGroup(str(labels.get(stakeholder.category,
                                                          stakeholder.category)), []))
        groups[stakeholder.category].stakeholders.append(stakeholder)
    order = list(Stakeholder.Category.values)
    return [groups[key] for key in sorted(groups, key=lambda k: order.index(k)
                                          if k in order else len(order))]


@dataclass
class RegionGroup:
    name: str
    sites: list


@dataclass
class SitesPart:
    sites: list
    by_region: list[RegionGroup]
    status_counts: list  # (label, count), in the statuses' order
    active: int
    map_svg: str = ""
    per_department: dict = field(default_factory=dict)  # INSEE code → sites on the map
    outside_map: list = field(default_factory=list)  # sites whose territory is a région


def _region_of(territory) -> str:
    if territory.parent_id is not None:
        return territory.parent.name
    return territory.name


def sites_part(project) -> SitesPart:
    """Every site of the project with its territory and status, grouped by région, and a map
    of the départements they are in."""
    sites = list(AdopterSite.objects.filter(project=project)
                 .select_related("structure", "territory__parent")
                 .order_by("structure__name", "name", "pk"))
    groups: dict[str, RegionGroup] = {}
    for site in sites:
        region = _region_of(site.territory)
        groups.setdefault(region, RegionGroup(region, [])).sites.append(site)
    by_region = [groups[name] for name in sorted(groups)]
    counts: dict[str, int] = {}
    for site in sites:
        counts[site.status] = counts.get(site.status, 0) + 1
    status_counts = [(label, counts[status]) for status, label in AdopterSite.Status.choices
                     if counts.get(status)]
    part = SitesPart(sites, by_region, status_counts,
                     active=sum(1 for site in sites if site.status in ACTIVE_SITE_STATUSES))
    shown = [site for site in sites if site.status != AdopterSite.Status.WITHDRAWN]
    for site in shown:
        if site.territory.kind == site.territory.Kind.DEPARTMENT:
            code = site.territory.code
            part.per_department[code] = part.per_department.get(code, 0) + 1
        else:
            part.outside_map.append(site)
    if part.per_department:
        part.map_svg = _department_map(part.per_department, project)
    return part


def _department_map(per_department: dict[str, int], project) -> str:
    total = sum(per_department.values())
    return map_as_image(lighter_outlines(department_choropleth(
        per_department, id_prefix=f"sites-map-{project.pk}",
        title=_("Sites of %(project)s per département") % {"project": project.title},
        description=ngettext("%(count)s site in %(departments)s département(s).",
                             "%(count)s sites in %(departments)s département(s).", total)
        % {"count": total, "departments": len(per_department)})))


# The outlines of the départements hold 11,000 points, drawn a tenth of a millimetre apart at
# the size of the printed map: every point costs WeasyPrint time, and most do not show.
_OUTLINE = re.compile(r' d="(m [^"]+)"')
PRINT_TOLERANCE = 2.5  # in units of the map's view box, about 0.4 mm on paper


def lighter_outlines(svg: str, tolerance: float = PRINT_TOLERANCE) -> str:
    """The map with its outlines thinned for print: along each outline, a point closer than
    `tolerance` to the last one kept is dropped (outlines of relative "m … z" moves only;
    anything else is left as it is)."""
    return mark_safe(_OUTLINE.sub(lambda match: f' d="{_thin(match.group(1), tolerance)}"',
                                  str(svg)))


_MAP_SVG = re.compile(r'<svg [^>]*class="choropleth-map".*?</svg>', re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)
_AREA_TOOLTIP = re.compile(r"<title>[^<]*</title>(?=</path>)")


def map_as_image(figure: str) -> str:
    """The map's drawing as an image of the same vector SVG, its alternative text the map's
    title and description: WeasyPrint lays an image out and tags it at a fraction of the cost
    of an inline tree of a hundred outlines. The légende and the overseas départements stay
    text. The tooltips of the départements go: paper has no pointer."""
    def image(match) -> str:
        svg = _AREA_TOOLTIP.sub("", match.group(0))
        title, desc = _TITLE.search(svg), _DESC.search(svg)
        # Both are escaped by the map already: they go into the attribute as they are.
        alt = " — ".join(part.group(1).strip() for part in (title, desc) if part)
        data = base64.b64encode(svg.encode()).decode("ascii")
        return f'<img class="choropleth-map" src="data:image/svg+xml;base64,{data}" alt="{alt}">'

    return mark_safe(_MAP_SVG.sub(image, str(figure), count=1))


# The outlines are the same for every report (only the colours differ): a worker thins each
# département once.
@lru_cache(maxsize=512)
def _thin(path: str, tolerance: float) -> str:
    tokens = path.replace(",", " ").split()
    if any(token.isalpha() and token not in ("m", "z") for token in tokens):
        return path
    outlines, points, start, x, y = [], [], (0.0, 0.0), 0.0, 0.0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "z":
            outlines.append(_kept(points, tolerance))
            points, (x, y) = [], start
            index += 1
        elif token == "m":
            if points:
                outlines.append(_kept(points, tolerance))
            x, y = x + float(tokens[index + 1]), y + float(tokens[index + 2])
            start, points = (x, y), [(x, y)]
            index += 3
        else:  # an implicit relative line
            x, y = x + float(token), y + float(tokens[index + 1])
            points.append((x, y))
            index += 2
    if points:
        outlines.append(_kept(points, tolerance))
    return " ".join(outlines)


def _kept(points: list[tuple[float, float]], tolerance: float) -> str:
    kept = [points[0]]
    for point in points[1:-1]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= tolerance:
            kept.append(point)
    if len(points) > 1:
        kept.append(points[-1])
    kept = _straightened(kept, PRINT_DEVIATION)
    return "M" + " ".join(f"{px:.1f} {py:.1f}" for px, py in kept) + "Z"


# Then a point that strays less than this from the line its kept neighbours draw is dropped
# too (Douglas-Peucker): under 0.2 mm on paper, and a third of the points left go.
PRINT_DEVIATION = 1.0


def _straightened(points: list[tuple[float, float]], deviation: float) -> list:
    """The points of a line with those that stray less than `deviation` from the straight
    line between the points kept around them dropped; the first and last stay."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = None, deviation
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                away = abs(dy * (px - ax) - dx * (py - ay)) / length
            else:
                away = math.hypot(px - ax, py - ay)
            if away > distance:
                farthest, distance = index, away
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


@dataclass
class ModuleLine:
    module: object
    held: int
    planned: int
    cancelled: int
    registered: int  # registrations to held sessions
    attended: int

    @property
    def attendance_pct(self) -> Decimal | None:
        if not self.registered:
            return None
        return (Decimal(100) * self.attended / self.registered).quantize(Decimal(1))


@dataclass
class TrainingPart:
    modules: list[ModuleLine]
    sessions_held: int
    registered: int
    attended: int
    active_sites: int = 0
    completed_all: int = 0  # active sites whose people completed every module
    completed_none: int = 0

    @property
    def attendance_pct(self) -> Decimal | None:
        if not self.registered:
            return None
        return (Decimal(100) * self.attended / self.registered).quantize(Decimal(1))

    @property
    def completed_some(self) -> int:
        return self.active_sites - self.completed_all - self.completed_none


def training_part(project, sites) -> TrainingPart:
    """The training plan module by module (sessions held, attendance in held sessions); each
    active site gets `modules_completed`, the modules its people completed."""
    modules = modules_for_plan(project)
    attendance = {row["session__module"]: row for row in (
        Registration.objects.filter(session__module__project=project,
                                    status=Registration.Status.REGISTERED,
                                    session__status=TrainingSession.Status.HELD)
        .order_by().values("session__module")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(attended=True))))}
    lines = []
    for module in modules:
        sessions = list(module.sessions.all())
        row = attendance.get(module.pk, {})
        lines.append(ModuleLine(
            module,
            held=sum(1 for s in sessions if s.status == TrainingSession.Status.HELD),
            planned=sum(1 for s in sessions if s.status == TrainingSession.Status.PLANNED),
            cancelled=sum(1 for s in sessions if s.status == TrainingSession.Status.CANCELLED),
            registered=row.get("registered", 0), attended=row.get("attended", 0)))
    part = TrainingPart(lines, sum(line.held for line in lines),
                        sum(line.registered for line in lines),
                        sum(line.attended for line in lines))
    active = [site for site in sites if site.status in ACTIVE_SITE_STATUSES]
    if modules and active:
        completion = completion_matrix(active, modules)
        for site in active:
            site.modules_completed = len(completion[site.pk])
        part.active_sites = len(active)
        part.completed_all = sum(1 for site in active if site.modules_completed == len(modules))
        part.completed_none = sum(1 for site in active if not site.modules_completed)
    return part


@dataclass
class FidelityPart:
    overview: object  # dashboards.FidelityOverview, its `sites` the lowest totals
    domains: list


def fidelity_part(overview, sites) -> FidelityPart | None:
    """The average per domain (the dashboard's overview), each site's latest total (set on
    the sites as `fidelity_total_pct`) and, for the sites with the lowest totals, their score
    per domain."""
    if overview is None:
        return None
    domains = list(overview.scale.domains.order_by("position", "pk"))
    totals = fidelity_selectors.latest_fidelity_totals(
        AdopterSite.objects.filter(pk__in=[site.pk for site in sites]))
    for site in sites:
        site.fidelity_total_pct = totals.get(site.pk)
    fidelity_selectors.fill_comparison(overview.sites, overview.scale, domains)
    assessed_on = dict(FidelityAssessment.objects.filter(
        pk__in=[site.fidelity_assessment_id for site in overview.sites])
        .values_list("pk", "assessed_on"))
    for site in overview.sites:
        site.fidelity_assessed_on = assessed_on.get(site.fidelity_assessment_id)
    return FidelityPart(overview, domains)


@dataclass
class MoneyPart:
    pool: FundingPool
    options: list
    totals: object  # PoolTotals


def money_part(project) -> MoneyPart | None:
    """The pooled grant as its page computes it: each funder's option and the pool's totals."""
    pool = (FundingPool.objects.filter(project=project)
            .select_related("pilot_site__structure", "pilot_site__territory",
                            "proof_of_concept__meeting").first())
    if pool is None:
        return None
    return MoneyPart(pool, pool_options(pool), pool_totals(pool))


# The periods a chart of the report shows, the latest: bars stay legible on paper, and a
# running total still counts from the start of the project.
PRINTED_PERIODS = 8
# Indicators drawn, the first of the framework's order: a chart is the costliest piece of the
# PDF (a 50-site report of 20 indicators renders in 3 s with twelve), and the table above the
# charts gives every indicator against its target.
CHARTED_INDICATORS = 12
# A plot area of 140 units (the dashboard's has 178) without the legend's band below it:
# three indicators to a page rather than two.
PRINTED_CHART_HEIGHT = 190


def printed_chart(row) -> str:
    """The dashboard's chart of an indicator over its latest PRINTED_PERIODS periods, each bar
    with its value, without the gridlines' values nor a legend: the chapter gives the legend
    once (`chart_legend`). Each word of an SVG costs WeasyPrint a layout per letter, and these
    took a third of the letters of a chart."""
    series = row.series[-PRINTED_PERIODS:]
    if not series:
        return for_print(row.chart)
    indicator = row.indicator
    bars = [charts.Bar(dashboards.period_label(figure.period), figure.shown, figure.target,
                       figure.band) for figure in series]
    title = (_("%(indicator)s, cumulative since the start of the range, against its target")
             if row.is_cumulative else _("%(indicator)s per period, against its target")) % {
        "indicator": indicator.name}
    return for_print(charts.bar_chart(bars, chart_id=f"indicator-{indicator.pk}", title=title,
                                      height=PRINTED_CHART_HEIGHT, legend=False,
                                      value_axis=False))


def chart_legend() -> str:
    """The legend of every chart of the indicators' chapter."""
    return charts.bar_legend(chart_id="indicator-charts-legend",
                             title=_("Legend of the indicators' charts"))


# --- The report --------------------------------------------------------------------------------


def sections() -> dict[str, Section]:
    return {key: Section(f"section-{key}", title) for key, title in [
        ("summary", _("In brief")),
        ("innovation", _("The innovation and its model")),
        ("strategy", _("The scaling strategy")),
        ("stakeholders", _("Stakeholders")),
        ("sites", _("Adopter sites")),
        ("training", _("Training")),
        ("evaluation", _("Evaluation phases and findings")),
        ("indicators", _("Indicators against their targets")),
        ("fidelity", _("Fidelity to the model")),
        ("money", _("Pooled scaling grant")),
    ]}


def build_context(project: ScalingProject, params: dict) -> dict:
    """Everything the project report shows, read once: a fixed number of queries for the
    project's parts, then the dashboard's and the pool's own."""
    project = (ScalingProject.objects
               .select_related("programme", "innovation__owner", "staff_lead")
               .get(pk=project.pk))
    scope = Scope()  # every period of the project, validated values
    strategy = (ScalingStrategy.objects.filter(project=project)
                .prefetch_related("models", "target_territories").first())
    sites = sites_part(project)
    dashboard = dashboards.project_dashboard(project, scope)
    for index, row in enumerate(dashboard.rows):
        row.chart = printed_chart(row) if index < CHARTED_INDICATORS else ""
    plan = plan_for_page(project)
    parts = sections()
    return {
        "report_title": _("Scaling project report"),
        "report_subtitle": project.title,
        "toc": [section.as_toc() for section in parts.values()],
        "sections": parts,
        "project": project,
        "programme": project.programme,
        "innovation": project.innovation,
        "scope": scope,
        "strategy": strategy_page(project, strategy),
        "has_strategy": strategy is not None,
        "balance_choices": ScalingStrategy.Balance.choices,
        "stakeholder_groups": stakeholder_groups(project),
        "sites": sites,
        "training": training_part(project, sites.sites),
        "plan": plan,
        "phases": list(plan.phases.all()) if plan else [],
        "dashboard": dashboard,
        "indicator_lines": [indicator_line(row.total, missing_sites=row.total.missing_sites)
                            for row in dashboard.rows],
        "indicator_caption": _("Every active indicator against the target in force today"),
        "chart_legend": chart_legend() if any(row.chart for row in dashboard.rows) else "",
        "fidelity": fidelity_part(dashboard.fidelity, sites.sites),
        "money": money_part(project),
    }


def report_kind():
    from essaimage.reports import ReportKind

    return ReportKind(key=KEY, label=gettext_lazy("Scaling project report"),
                      subject_model=ScalingProject, template=TEMPLATE,
                      build_context=build_context, may_request=may_request, may_read=may_read,
                      filename=filename)
