"""Reads for the fidelity pages. Scores are computed in the database: a score is the sum of the
levels given over the number of items rated times the highest level, as a percentage (the
Housing First fidelity scale's "total as % of the maximum")."""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    FloatField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast

from programmes.models import AdopterSite

from ..models import (
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityLevelDescription,
    FidelityRating,
    FidelityScale,
)

SITES_PER_PAGE = 50
SORTS = ("name", "total", "-total")


def _percent_of_maximum():
    """Over a group of ratings: sum of levels / (ratings × highest level of their scale)."""
    return (Cast(Sum("level"), FloatField()) * 100.0
            / Cast(Count("pk") * Max("item__domain__scale__max_level"), FloatField()))


def _latest_completed(site_ref="pk"):
    return (FidelityAssessment.objects
            .filter(site_id=OuterRef(site_ref), status=FidelityAssessment.Status.COMPLETED)
            .order_by("-assessed_on", "-pk"))


def latest_completed_assessment(site_ref="pk") -> Subquery:
    """The id of the site's latest completed assessment, to annotate sites with."""
    return Subquery(_latest_completed(site_ref).values("pk")[:1])


def assessment_totals(assessments) -> QuerySet:
    """Rows of `assessment` (id) and `pct`, the total of each of `assessments` (ids, or a
    subquery of them) as a % of its scale's maximum."""
    return (FidelityRating.objects.order_by().filter(assessment__in=assessments)
            .values("assessment").annotate(pct=_percent_of_maximum()))


def annotate_latest_fidelity(sites):
    """The sites annotated with their latest completed fidelity assessment:
    `fidelity_assessment_id`, `fidelity_assessed_on` and `fidelity_total_pct` (None when the
    site was never assessed), in one SQL statement the caller may filter, order or join with
    its own figures (the dashboards compare fidelity with each site's results)."""
    latest = _latest_completed()
    total = (FidelityRating.objects.filter(assessment_id=OuterRef("fidelity_assessment_id"))
             .order_by().values("assessment_id").annotate(pct=_percent_of_maximum())
             .values("pct")[:1])
    return (sites.annotate(fidelity_assessment_id=latest_completed_assessment(),
                           fidelity_assessed_on=Subquery(latest.values("assessed_on")[:1]))
            .annotate(fidelity_total_pct=Subquery(total, output_field=FloatField())))


def latest_fidelity_totals(sites) -> dict[int, float | None]:
    """Each site's latest completed fidelity total, as a % of the maximum, by site id."""
    return dict(annotate_latest_fidelity(sites.order_by()).values_list(
        "pk", "fidelity_total_pct"))


# --- The scale -------------------------------------------------------------------------------


def scale_for_page(project) -> FidelityScale | None:
    """The project's scale with its domains, their items, their components and worded levels
    (four queries whatever the size of the scale), or None."""
    return (FidelityScale.objects.filter(project=project)
            .prefetch_related(Prefetch(
                "domains",
                queryset=FidelityDomain.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("items", queryset=FidelityItem.objects.select_related("component")
                             .order_by("position", "pk").prefetch_related(
                                 Prefetch("levels", queryset=FidelityLevelDescription.objects
                                          .order_by("level")))))))
            .first())


def core_component_count(project) -> int:
    from ..services.fidelity import core_components

    return core_components(project).count()


def scale_items(scale: FidelityScale) -> list[FidelityItem]:
    """The items of a scale loaded by scale_for_page(), domain by domain."""
    return [item for domain in scale.domains.all() for item in domain.items.all()]


# --- A site's profile and its evolution ------------------------------------------------------


@dataclass
class DomainScore:
    domain: FidelityDomain
    pct: float | None
    score: int = 0
    maximum: int = 0


@dataclass
class AssessmentScores:
    assessment: FidelityAssessment
    total_pct: float | None
    domains: list[DomainScore] = field(default_factory=list)


def _scores_by_assessment_and_domain(ratings) -> dict[tuple[int, int], dict]:
    rows = (ratings.order_by().values("assessment_id", "item__domain_id")
            .annotate(score=Sum("level"), rated=Count("pk"), pct=_percent_of_maximum()))
    return {(row["assessment_id"], row["item__domain_id"]): row for row in rows}


def site_assessments(site, *, include_drafts: bool):
    """The site's assessments, oldest first, with their score and number of ratings computed
    in the database."""
    assessments = (site.fidelity_assessments.select_related("rater")
                   .annotate(rated=Count("ratings"), score=Sum("ratings__level"))
                   .order_by("assessed_on", "pk"))
    if not include_drafts:
        assessments = assessments.filter(status=FidelityAssessment.Status.COMPLETED)
    return assessments


def _pct(score, maximum):
    return None if not maximum else score * 100.0 / maximum


@dataclass
class SiteProfile:
    assessments: list  # every assessment shown, oldest first, with `.total_pct`
    evolution: list[AssessmentScores]  # completed ones, oldest first, per domain
    latest: AssessmentScores | None
    flagged: list  # ratings of the latest assessment at or below the alert threshold
    chart: "LineChart | None"


def site_profile(site, scale: FidelityScale, domains: list[FidelityDomain], *,
                 include_drafts: bool) -> SiteProfile:
    """The site's fidelity per domain in its latest completed assessment, its evolution
    across assessments and the items that need support; a fixed number of queries."""
    assessments = list(site_assessments(site, include_drafts=include_drafts))
    for assessment in assessments:
        assessment.total_pct = _pct(assessment.score, assessment.rated * scale.max_level)
    completed = [a for a in assessments if a.status == FidelityAssessment.Status.COMPLETED]
    scores = _scores_by_assessment_and_domain(
        FidelityRating.objects.filter(assessment__site=site,
                                      assessment__status=FidelityAssessment.Status.COMPLETED))
    evolution = []
    for assessment in completed:
        row = AssessmentScores(assessment, assessment.total_pct)
        for domain in domains:
            cell = scores.get((assessment.pk, domain.pk))
            row.domains.append(DomainScore(domain, cell["pct"] if cell else None,
                                           cell["score"] if cell else 0,
                                           cell["rated"] * scale.max_level if cell else 0))
        evolution.append(row)
    latest = evolution[-1] if evolution else None
    flagged = []
    if latest is not None:
        flagged = list(FidelityRating.objects
                       .filter(assessment=latest.assessment, level__lte=scale.alert_threshold)
                       .select_related("item__domain")
                       .order_by("item__domain__position", "item__domain_id", "item__position",
                                 "item_id"))
    chart = line_chart([(a.assessment.assessed_on, a.total_pct) for a in evolution])
    return SiteProfile(assessments, evolution, latest, flagged, chart)


# --- Comparison across sites -----------------------------------------------------------------


def comparison_sites(project, *, sort: str = "name"):
    """The project's sites (withdrawn ones aside) with their latest completed total, sorted by
    name or by total (sites never assessed last)."""
    sites = annotate_latest_fidelity(
        AdopterSite.objects.filter(project=project).exclude(status=AdopterSite.Status.WITHDRAWN)
        .select_related("structure", "territory"))
    if sort == "total":
        return sites.order_by(F("fidelity_total_pct").desc(nulls_last=True),
                              "structure__name", "pk")
    if sort == "-total":
        return sites.order_by(F("fidelity_total_pct").asc(nulls_last=True),
                              "structure__name", "pk")
    return sites.order_by("structure__name", "name", "pk")


def fill_comparison(sites: list, scale: FidelityScale, domains: list[FidelityDomain]) -> None:
    """Give each site of a page its score per domain (`.domain_scores`) and the items of its
    latest assessment that need support (`.flagged`): two queries for the whole page."""
    assessment_ids = [s.fidelity_assessment_id for s in sites if s.fidelity_assessment_id]
    scores = _scores_by_assessment_and_domain(
        FidelityRating.objects.filter(assessment_id__in=assessment_ids))
    flagged: dict[int, list] = {}
    for rating in (FidelityRating.objects
                   .filter(assessment_id__in=assessment_ids, level__lte=scale.alert_threshold)
                   .select_related("item")
                   .order_by("item__domain__position", "item__domain_id", "item__position",
                             "item_id")):
        flagged.setdefault(rating.assessment_id, []).append(rating)
    for site in sites:
        site.domain_scores = [
            DomainScore(domain, (scores.get((site.fidelity_assessment_id, domain.pk)) or {})
                        .get("pct"))
            for domain in domains
        ]
        site.flagged = flagged.get(site.fidelity_assessment_id, [])


def domain_averages(project, domains: list[FidelityDomain]) -> list[DomainScore]:
    """Each domain's score over the latest completed assessment of every site, in one query."""
    latest_ids = annotate_latest_fidelity(
        AdopterSite.objects.filter(project=project)
        .exclude(status=AdopterSite.Status.WITHDRAWN)).values("fidelity_assessment_id")
    rows = dict(FidelityRating.objects.filter(assessment_id__in=latest_ids)
                .order_by().values("item__domain_id").annotate(pct=_percent_of_maximum())
                .values_list("item__domain_id", "pct"))
    return [DomainScore(domain, rows.get(domain.pk)) for domain in domains]


def own_sites_with_totals(sites: list[AdopterSite]):
    """An adopter's own sites with their latest fidelity total (one query)."""
    return list(annotate_latest_fidelity(
        AdopterSite.objects.filter(pk__in=[s.pk for s in sites])
        .select_related("structure", "territory")).order_by("structure__name", "pk"))


# --- A small line chart ----------------------------------------------------------------------


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value: float


@dataclass
class LineChart:
    width: int
    height: int
    points: list[ChartPoint]
    gridlines: list[tuple[float, int]]  # (y, percent)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def line_chart(values, *, width: int = 560, height: int = 200) -> LineChart | None:
    """Points of a 0–100 % line over dated values, for an SVG drawn in the template."""
    from django.utils.formats import date_format

    values = [(day, pct) for day, pct in values if pct is not None]
    if not values:
        return None
    left, right, top, bottom = 44, 44, 12, 28
    inner_w, inner_h = width - left - right, height - top - bottom
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    points = [
        ChartPoint(left + (index * step if len(values) > 1 else inner_w / 2),
                   top + inner_h * (1 - pct / 100), date_format(day, "SHORT_DATE_FORMAT"), pct)
        for index, (day, pct) in enumerate(values)
    ]
    gridlines = [(top + inner_h * (1 - p / 100), p) for p in (0, 25, 50, 75, 100)]
    return LineChart(width, height, points, gridlines)
