"""The bench evaluation: one project of 1,000 sites × 20 indicators × 12 quarters (about
228,000 validated values: some sites skip some quarters), and more projects of the programme
with fewer sites (85 × 40 sites by default), so that the programme holds about 1,000,000
values. Rows go in with bulk_create in batches of 10,000; about a minute on two cores."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from evaluations.models import (
    EvaluationPhase,
    EvaluationPlan,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityRating,
    FidelityScale,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ReportingPeriod,
    SiteReport,
)
from innovations.models import EconomicLine
from programmes.models import AdopterSite, ScalingProject

from .directory import BenchData

VALUE_BATCH = 10_000
QUARTERS = 12
FIRST_QUARTER = date(2022, 1, 1)  # twelve quarters, up to the end of 2024
INDICATORS = 20
REPORTING_RATE = 0.95  # a site skips about one quarter in twenty

# (rule across periods, rule across sites, measure, unit), in turn
KINDS = [
    ("sum", "sum", "number", "personnes"),
    ("sum", "sum", "number", "personnes"),
    ("sum", "sum", "number", "heures"),
    ("average", "sum", "number", "personnes"),
    ("latest", "sum", "number", "partenaires"),
    ("sum", "sum", "percentage", ""),
    ("latest", "average", "number", "jours"),
]


def quarters() -> list[tuple[date, date]]:
    spans, start = [], FIRST_QUARTER
    for _ in range(QUARTERS):
        next_start = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
        spans.append((start, next_start - timedelta(days=1)))
        start = next_start
    return spans


def create_evaluations(data: BenchData, programme, big_project: ScalingProject,
                       project_count: int, sites_per_project: int, structures) -> dict:
    """The big project's evaluation (plan, indicators, values, fidelity) and `project_count`
    more projects of `sites_per_project` sites each reporting the same way."""
    rng = data.rng
    others = list(ScalingProject.objects.filter(programme=programme)
                  .exclude(pk=big_project.pk).order_by("pk")[:project_count])
    new_sites = []
    for project in others:
        for structure in rng.sample(structures, sites_per_project):
            new_sites.append(AdopterSite(
                project=project, structure=structure,
                territory=structure.department or rng.choice(data.departments),
                status=AdopterSite.Status.LAUNCHED))
    AdopterSite.objects.bulk_create(new_sites, batch_size=VALUE_BATCH)
    counts = {"values": 0, "reports": 0}
    for project in [big_project, *others]:
        _plan(project)
        # Every site reports, withdrawn ones too (what they reported before leaving counts):
        # 1,000 sites × 20 indicators × 12 quarters on the big project, less the skipped ones.
        sites = list(AdopterSite.objects.filter(project=project).only("pk"))
        indicators = _indicators(rng, project, len(sites))
        periods = ReportingPeriod.objects.bulk_create(
            [ReportingPeriod(project=project, frequency=Indicator.Frequency.QUARTERLY,
                             starts_on=start, ends_on=end, due_on=end + timedelta(days=30),
                             label=f"T{(start.month - 1) // 3 + 1} {start.year}")
             for start, end in quarters()])
        reports = _reports(rng, sites, periods)
        counts["reports"] += len(reports)
        counts["values"] += _values(rng, reports, indicators)
    counts["ratings"] = _fidelity(rng, big_project)
    return counts


def _plan(project) -> None:
    plan = EvaluationPlan.objects.create(project=project)
    EvaluationPhase.objects.bulk_create(
        [EvaluationPhase(plan=plan, number=number,
                         status=status, methods=[EvaluationPhase.Method.QUANTITATIVE])
         for number, status in [(1, "completed"), (2, "in_progress"), (3, "planned")]])


def _indicators(rng, project, site_count: int) -> list[Indicator]:
    night = EconomicLine.objects.create(innovation=project.innovation,
                                        category=EconomicLine.Category.COST_AVOIDED,
                                        label="Nuitée d'hébergement d'urgence évitée",
                                        amount=Decimal("45"))
    indicators = []
    for n in range(INDICATORS):
        period_rule, site_rule, measure, unit = KINDS[n % len(KINDS)]
        indicators.append(Indicator(
            project=project, code=f"IND-{n + 1:02d}", position=n,
            name=f"Indicateur de mesure n°{n + 1}", measure=measure, unit=unit,
            period_aggregation=period_rule, site_aggregation=site_rule,
            cost_avoided_line=night if n == 0 else None))
    indicators = Indicator.objects.bulk_create(indicators)
    IndicatorTarget.objects.bulk_create(
        [IndicatorTarget(indicator=indicator, period_end=date(year, 12, 31),
                         value=_target(indicator, site_count, year - 2021,
                                       rng.uniform(0.8, 1.3)))
         for indicator in indicators for year in (2022, 2023, 2024)])
    return indicators


def _target(indicator, site_count: int, years: int, ambition: float) -> Decimal:
    """About what the sites report (30 a quarter on average), some targets out of reach."""
    if indicator.is_percentage:
        figure = 50
    elif indicator.site_aggregation == Indicator.SiteAggregation.AVERAGE:
        figure = 30
    elif indicator.period_aggregation == Indicator.PeriodAggregation.SUM:
        figure = 30 * 4 * years * REPORTING_RATE * site_count
    else:
        figure = 30 * site_count
    return Decimal(round(figure * ambition))


def _reports(rng, sites, periods) -> list[SiteReport]:
    now = timezone.now()
    reports = [SiteReport(site=site, period=period, status=SiteReport.Status.VALIDATED,
                          submitted_at=now, validated_at=now, locked_at=now)
               for site in sites for period in periods if rng.random() < REPORTING_RATE]
    return SiteReport.objects.bulk_create(reports, batch_size=VALUE_BATCH)


def _values(rng, reports, indicators) -> int:
    total, batch = 0, []
    for report in reports:
        for indicator in indicators:
            if indicator.is_percentage:
                denominator = rng.randint(5, 40)
                batch.append(IndicatorValue(
                    report=report, indicator=indicator, status=IndicatorValue.Status.VALIDATED,
                    numerator=Decimal(rng.randint(0, denominator)),
                    denominator=Decimal(denominator)))
            else:
                batch.append(IndicatorValue(
                    report=report, indicator=indicator, status=IndicatorValue.Status.VALIDATED,
                    value=Decimal(rng.randint(0, 60))))
            if len(batch) == VALUE_BATCH:
                IndicatorValue.objects.bulk_create(batch)
                total += len(batch)
                batch = []
    IndicatorValue.objects.bulk_create(batch)
    return total + len(batch)


def _fidelity(rng, project) -> int:
    scale = FidelityScale.objects.create(project=project, title="Échelle de fidélité")
    items = []
    for d in range(3):
        domain = FidelityDomain.objects.create(scale=scale, name=f"Domaine {d + 1}", position=d)
        items += FidelityItem.objects.bulk_create(
            [FidelityItem(domain=domain, label=f"Item {d + 1}.{i + 1}", position=i)
             for i in range(4)])
    sites = list(AdopterSite.objects.filter(project=project).only("pk"))
    assessments = FidelityAssessment.objects.bulk_create(
        [FidelityAssessment(site=site, assessed_on=date(2024, 6, 30),
                            status=FidelityAssessment.Status.COMPLETED)
         for site in sites if rng.random() < 0.8], batch_size=VALUE_BATCH)
    ratings = [FidelityRating(assessment=assessment, item=item, level=rng.randint(1, 4))
               for assessment in assessments for item in items]
    FidelityRating.objects.bulk_create(ratings, batch_size=VALUE_BATCH)
    return len(ratings)


def delete_evaluations(programmes) -> None:
    """Delete the bench's evaluation rows in bulk: their history signals would otherwise make
    Django load a million rows one by one to cascade."""
    values = IndicatorValue.objects.filter(indicator__project__programme__in=programmes)
    values._raw_delete(values.db)
    reports = SiteReport.objects.filter(period__project__programme__in=programmes)
    reports._raw_delete(reports.db)
    ratings = FidelityRating.objects.filter(
        assessment__site__project__programme__in=programmes)
    ratings._raw_delete(ratings.db)
    assessments = FidelityAssessment.objects.filter(site__project__programme__in=programmes)
    assessments._raw_delete(assessments.db)
