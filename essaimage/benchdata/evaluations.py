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
from communities.models import Membership
from innovations.models import Component, EconomicLine
from innovations.scaling import ScalingModel, ScalingSubtype
from programmes.models import (
    AdopterSite,
    FundingOption,
    FundingPool,
    OptionSite,
    Payment,
    Registration,
    ScalingProject,
    ScalingStrategy,
    Stage,
    Stakeholder,
    StrategyComponent,
    StrategyModel,
    TrainingModule,
    TrainingSession,
)

from .directory import REFERENCE_DATE, BenchData

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


# --- The project of the report benchmark -------------------------------------------------------

REPORT_PROJECT_TITLE = "Essaimage de mesure : rapport de 50 sites"
REPORT_SITES = 50


def create_report_project(data: BenchData, programme, structures,
                          site_count: int = REPORT_SITES) -> ScalingProject:
    """A project of the programme with something in every part of its PDF report: a strategy,
    stakeholders, `site_count` sites that report 20 indicators over 12 quarters, a training
    plan attended, an evaluation plan with findings, a fidelity scale and a pooled grant."""
    rng = data.rng
    used = AdopterSite.objects.filter(project__programme=programme).values("project")
    project = (ScalingProject.objects.filter(programme=programme).exclude(pk__in=used)
               .order_by("pk").first())
    project.title = REPORT_PROJECT_TITLE
    project.stage = Stage.EVALUATION
    project.save(update_fields=["title", "stage"])
    statuses = [AdopterSite.Status.LAUNCHED] * 6 + [AdopterSite.Status.AUTONOMOUS] * 2 + [
        AdopterSite.Status.TRAINED, AdopterSite.Status.WITHDRAWN]
    sites = AdopterSite.objects.bulk_create(
        [AdopterSite(project=project, structure=structure,
                     territory=structure.department or rng.choice(data.departments),
                     status=rng.choice(statuses),
                     start_date=REFERENCE_DATE.date() - timedelta(days=rng.randint(60, 900)))
         for structure in rng.sample(structures, site_count)])
    _strategy(rng, project, data.departments)
    _training(rng, project, sites)
    _plan(project)
    project.evaluation_plan.phases.update(
        findings="Les sites appliquent le cœur du modèle ; l'appropriation progresse avec "
                 "l'accompagnement des pairs.",
        conclusion="Poursuivre l'essaimage en consolidant la formation des nouveaux sites.")
    indicators = _indicators(rng, project, len(sites))
    periods = ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(project=project, frequency=Indicator.Frequency.QUARTERLY,
                         starts_on=start, ends_on=end, due_on=end + timedelta(days=30),
                         label=f"T{(start.month - 1) // 3 + 1} {start.year}")
         for start, end in quarters()])
    _values(rng, _reports(rng, sites, periods), indicators)
    _fidelity(rng, project)
    _pool(rng, project, sites, structures)
    return project


def _strategy(rng, project, departments) -> None:
    strategy = ScalingStrategy.objects.create(
        project=project, target_sites=60, balance=ScalingStrategy.Balance.RATHER_STANDARDISED,
        economic_model="Un fonds d'amorçage par site, puis des financements locaux.",
        communication="Une lettre trimestrielle aux partenaires ; des visites de sites.")
    strategy.target_territories.set(rng.sample(departments, 12))
    StrategyModel.objects.create(strategy=strategy, model=ScalingModel.SCALE_UP,
                                 subtype=ScalingSubtype.FRANCHISED)
    StrategyComponent.objects.bulk_create(
        [StrategyComponent(strategy=strategy, kind=Component.Kind.CORE, order=n,
                           title=f"Composante essentielle n°{n}",
                           description="Ce que chaque site fait de la même façon.")
         for n in range(1, 5)]
        + [StrategyComponent(strategy=strategy, kind=Component.Kind.ADAPTABLE, order=n,
                             title=f"Composante adaptable n°{n}",
                             description="Ce que chaque site adapte à son territoire.")
           for n in range(1, 4)])
    Stakeholder.objects.bulk_create(
        [Stakeholder(project=project, name=f"Partie prenante n°{n}", category=category,
                     role="Soutien au déploiement", interest=rng.randint(1, 3),
                     influence=rng.randint(1, 3))
         for n, category in enumerate(rng.choices(Stakeholder.Category.values, k=15), start=1)])


def _training(rng, project, sites) -> None:
    modules = TrainingModule.objects.bulk_create(
        [TrainingModule(project=project, title=f"Module de formation n°{n}", order=n,
                        objectives="Mettre en œuvre le cœur du dispositif.",
                        duration_hours=Decimal("7")) for n in range(1, 5)])
    sessions = TrainingSession.objects.bulk_create(
        [TrainingSession(module=module, capacity=60, duration_hours=Decimal("7"),
                         starts_at=REFERENCE_DATE - timedelta(days=40 * n + 20 * k),
                         status=TrainingSession.Status.HELD, place="Paris")
         for n, module in enumerate(modules, start=1) for k in range(2)])
    people = {}
    for structure, user in Membership.objects.filter(
            structure__in=[site.structure_id for site in sites]).values_list("structure",
                                                                           "user"):
        people.setdefault(structure, user)
    Registration.objects.bulk_create(
        [Registration(session=session, person_id=people[site.structure_id], site=site,
                      attended=rng.random() < 0.85)
         for session in sessions[::2] for site in sites
         if site.structure_id in people and rng.random() < 0.8],
        ignore_conflicts=True)


def _pool(rng, project, sites, structures) -> None:
    active = [site for site in sites if site.status != AdopterSite.Status.WITHDRAWN]
    pool = FundingPool.objects.create(project=project, pilot_site=active[0])
    funders = rng.sample(structures, 3)
    lead, second, third = FundingOption.objects.bulk_create([
        FundingOption(pool=pool, funder=funders[0], amount=Decimal("300000"), is_lead=True,
                      status=FundingOption.Status.CONFIRMED,
                      confirmed_on=REFERENCE_DATE.date()),
        FundingOption(pool=pool, funder=funders[1], amount=Decimal("150000"),
                      status=FundingOption.Status.CONFIRMED,
                      confirmed_on=REFERENCE_DATE.date()),
        FundingOption(pool=pool, funder=funders[2], amount=Decimal("80000"))])
    OptionSite.objects.bulk_create(
        [OptionSite(option=lead, site=site, amount=Decimal("5000")) for site in active[:40]])
    Payment.objects.bulk_create(
        [Payment(option=lead, site=site, amount=Decimal("2500"),
                 paid_on=REFERENCE_DATE.date()) for site in active[:30]]
        + [Payment(option=second, amount=Decimal("50000"), paid_on=REFERENCE_DATE.date())])


def delete_evaluations(programmes) -> None:
    """Delete the bench's evaluation rows in bulk: their history signals would otherwise make
    Django load a million rows one by one to cascade."""
    # Payments protect their options, which go with their projects.
    Payment.objects.filter(option__pool__project__programme__in=programmes).delete()
    values = IndicatorValue.objects.filter(indicator__project__programme__in=programmes)
    values._raw_delete(values.db)
    reports = SiteReport.objects.filter(period__project__programme__in=programmes)
    reports._raw_delete(reports.db)
    ratings = FidelityRating.objects.filter(
        assessment__site__project__programme__in=programmes)
    ratings._raw_delete(ratings.db)
    assessments = FidelityAssessment.objects.filter(site__project__programme__in=programmes)
    assessments._raw_delete(assessments.db)
