"""Fixtures of the project, site and funder report tests: TAPAJ's project with something in
every part of the report, and the text of a PDF."""

import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations.models import (
    Answer,
    FidelityAssessment,
    IndicatorValue,
    Question,
    QuestionnaireAssignment,
    SiteReport,
)
from innovations.models import Component
from innovations.scaling import ScalingModel, ScalingSubtype
from programmes.models import (
    AdopterSite,
    Registration,
    ScalingStrategy,
    SiteAdaptation,
    Stakeholder,
    StrategyComponent,
    StrategyModel,
    TrainingSession,
)
from programmes.services import funding

from ..factories import (
    EvaluationPhaseFactory,
    EvaluationPlanFactory,
    EvaluationQuestionFactory,
    FidelityAssessmentFactory,
    FidelityDomainFactory,
    FidelityItemFactory,
    FidelityRatingFactory,
    FidelityScaleFactory,
    FundingOptionFactory,
    FundingPoolFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MembershipFactory,
    PercentageIndicatorFactory,
    QuestionnaireFactory,
    ReportingPeriodFactory,
    StructureFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    department,
)

D = Decimal
VALIDATED = IndicatorValue.Status.VALIDATED


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    """The text of a PDF as pdftotext reads it, with French no-break spaces as plain ones:
    laid out as on the page (a table's row on one line), or in the order it was drawn (a
    cell's words together, even when they wrap)."""
    mode = "-layout" if layout else "-raw"
    text = subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return text.replace("\u202f", " ").replace("\xa0", " ")


def squeeze(text: str) -> str:
    """The text on one line with single spaces, to look for words across line breaks."""
    return " ".join(text.split())


def validated_report(site, period, values: dict):
    """A validated report of `site` for `period` holding {indicator: value or (num, den)}."""
    now = timezone.now()
    report = SiteReport.objects.create(site=site, period=period,
                                       status=SiteReport.Status.VALIDATED, submitted_at=now,
                                       validated_at=now, locked_at=now)
    for indicator, value in values.items():
        if isinstance(value, tuple):
            IndicatorValue.objects.create(report=report, indicator=indicator, status=VALIDATED,
                                          numerator=D(value[0]), denominator=D(value[1]))
        else:
            IndicatorValue.objects.create(report=report, indicator=indicator, status=VALIDATED,
                                          value=D(value))
    return report


@pytest.fixture
def second_funder(db):
    return StructureFactory(name="Caisse des dépôts", kind="funder")


@pytest.fixture
def full_project(project, bob_site, carol_site, alice, funder_structure, second_funder, bob):
    """TAPAJ's project with a strategy, stakeholders, two active sites, a training, an
    evaluation plan, two indicators reported over two quarters, a fidelity scale and a pool
    where the programme's funder leads (confirmed, partly paid) and another funder holds an
    option."""
    bob_site.status = AdopterSite.Status.LAUNCHED
    bob_site.start_date = date(2024, 9, 1)
    bob_site.save()
    carol_site.status = AdopterSite.Status.TRAINED
    carol_site.save()

    strategy = ScalingStrategy.objects.create(project=project, target_sites=12,
                                              balance=ScalingStrategy.Balance.RATHER_STANDARDISED,
                                              economic_model="Un fonds d'amorçage par site.")
    strategy.target_territories.set([department("58"), department("38")])
    StrategyModel.objects.create(strategy=strategy, model=ScalingModel.SCALE_ACROSS,
                                 subtype=ScalingSubtype.FORMALISED)
    core = StrategyComponent.objects.create(strategy=strategy, kind=Component.Kind.CORE,
                                            title="Travail payé à la journée")
    adaptable = StrategyComponent.objects.create(strategy=strategy,
                                                 kind=Component.Kind.ADAPTABLE,
                                                 title="Nature des chantiers")
    SiteAdaptation.objects.create(site=bob_site, component=adaptable,
                                  description="Espaces verts de la ville de Nevers")
    Stakeholder.objects.create(project=project, name="Conseil départemental de la Nièvre",
                               category=Stakeholder.Category.LOCAL_AUTHORITIES,
                               interest=3, influence=3, engagement="committed")
    Stakeholder.objects.create(project=project, name="France Travail",
                               category=Stakeholder.Category.EMPLOYMENT_SERVICE)

    module = TrainingModuleFactory(project=project, title="Les fondamentaux de TAPAJ")
    module.components.add(core)
    session = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD,
                                     starts_at=timezone.make_aware(datetime(2025, 2, 3, 9)))
    Registration.objects.create(session=session, person=bob, site=bob_site, attended=True)
    carol_person = MembershipFactory(structure=carol_site.structure).user
    Registration.objects.create(session=session, person=carol_person, site=carol_site,
                                attended=False)

    plan = EvaluationPlanFactory(project=project, summary="Évaluation en trois phases.")
    EvaluationPhaseFactory(plan=plan, number=1, status="completed",
                           findings="Les sites appliquent le cœur du modèle.")
    EvaluationPhaseFactory(plan=plan, number=2, status="in_progress", findings="")

    people = IndicatorFactory(project=project, code="PERS", name="Jeunes accompagnés",
                              unit="personnes")
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 3, 31), value=D("40"))
    IndicatorTargetFactory(indicator=people, site=bob_site, period_end=date(2025, 3, 31),
                           value=D("20"))
    share = PercentageIndicatorFactory(project=project, code="SORT",
                                       name="Sorties positives")  # no target at all
    q1 = ReportingPeriodFactory(project=project)
    q2 = ReportingPeriodFactory(project=project, starts_on=date(2025, 4, 1),
                                ends_on=date(2025, 6, 30), due_on=date(2025, 7, 31),
                                label="T2 2025")
    validated_report(bob_site, q1, {people: 12, share: (3, 4)})
    validated_report(bob_site, q2, {people: 9, share: (2, 5)})
    validated_report(carol_site, q1, {people: 7, share: (1, 2)})
    SiteReport.objects.create(site=carol_site, period=q2, status=SiteReport.Status.RETURNED)

    scale = FidelityScaleFactory(project=project, title="Échelle TAPAJ")
    domain = FidelityDomainFactory(scale=scale, name="Cœur du modèle")
    item = FidelityItemFactory(domain=domain, label="Paiement le jour même", component=core)
    for day, level in ((date(2025, 1, 15), 2), (date(2025, 6, 15), 4)):
        FidelityRatingFactory(item=item, level=level, assessment=FidelityAssessmentFactory(
            site=bob_site, assessed_on=day, status=FidelityAssessment.Status.COMPLETED))

    questionnaire = QuestionnaireFactory(project=project, title="Auto-évaluation 2025",
                                         status="open")
    question = EvaluationQuestionFactory(questionnaire=questionnaire,
                                         label="L'accueil est-il inconditionnel ?",
                                         kind=Question.Kind.SCALE)
    assignment = QuestionnaireAssignment.objects.create(
        questionnaire=questionnaire, site=bob_site,
        status=QuestionnaireAssignment.Status.SUBMITTED, submitted_at=timezone.now())
    Answer.objects.create(assignment=assignment, question=question, number=4)

    pool = funding.get_or_create_pool(project)
    funding.set_pilot_site(pool, bob_site, by=alice)
    lead = funding.save_option(pool, by=alice, funder=funder_structure, amount=D("40000"),
                               is_lead=True, shares=[funding.Share(bob_site, D("25000"))])
    funding.confirm_option(lead, by=alice)
    funding.record_payment(lead, by=alice, amount=D("12500.50"), paid_on=date(2025, 3, 1),
                           site=bob_site)
    funding.save_option(pool, by=alice, funder=second_funder, amount=D("30000"))
    project.refresh_from_db()
    return project


def project_of_sites(project, count: int, *, indicators: int = 8, quarters: int = 12):
    """`project` with `count` active sites in as many départements as there are, each
    reporting `indicators` quarterly indicators over `quarters` quarters, a fidelity scale
    assessed everywhere, a training and a pool: the size of report the issue sets a limit
    for."""
    from communities.models import Territory
    from evaluations.models import FidelityRating, Indicator, IndicatorTarget, ReportingPeriod

    departments = list(Territory.objects.departments().order_by("code"))
    structures = [StructureFactory(name=f"Structure essaimée n°{n:02d}") for n in range(count)]
    sites = AdopterSite.objects.bulk_create(
        [AdopterSite(project=project, structure=structure,
                     territory=departments[n % len(departments)],
                     status=AdopterSite.Status.LAUNCHED, start_date=date(2023, 1, 1))
         for n, structure in enumerate(structures)])
    rules = ["sum", "sum", "average", "latest"]
    framework = [IndicatorFactory(project=project, code=f"IND-{n:02d}", position=n,
                                  name=f"Indicateur n°{n}", period_aggregation=rules[n % 4])
                 for n in range(indicators)]
    for indicator in framework:
        IndicatorTargetFactory(indicator=indicator, period_end=date(2025, 12, 31),
                               value=D(count * 30 * (quarters if indicator.period_aggregation
                                                     == "sum" else 1)))
    periods = []
    start = date(2023, 1, 1)
    for n in range(quarters):
        year, quarter = start.year + n // 4, n % 4
        first = date(year, 3 * quarter + 1, 1)
        last = (date(year + 1, 1, 1) if quarter == 3 else date(year, 3 * quarter + 4, 1))
        periods.append(ReportingPeriod(
            project=project, frequency=Indicator.Frequency.QUARTERLY, starts_on=first,
            ends_on=date.fromordinal(last.toordinal() - 1),
            due_on=date.fromordinal(last.toordinal() + 29), label=f"T{quarter + 1} {year}"))
    periods = ReportingPeriod.objects.bulk_create(periods)
    now = timezone.now()
    reports = SiteReport.objects.bulk_create(
        [SiteReport(site=site, period=period, status=SiteReport.Status.VALIDATED,
                    submitted_at=now, validated_at=now, locked_at=now)
         for site in sites for period in periods])
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(report=report, indicator=indicator, status=VALIDATED,
                        value=D((report.pk + indicator.pk) % 50))
         for report in reports for indicator in framework])
    scale = FidelityScaleFactory(project=project)
    items = [FidelityItemFactory(domain=FidelityDomainFactory(scale=scale, name=f"Domaine {d}"))
             for d in range(4)]
    assessments = FidelityAssessment.objects.bulk_create(
        [FidelityAssessment(site=site, assessed_on=date(2025, 6, 30),
                            status=FidelityAssessment.Status.COMPLETED) for site in sites])
    FidelityRating.objects.bulk_create(
        [FidelityRating(assessment=assessment, item=item, level=1 + (assessment.pk + n) % 4)
         for assessment in assessments for n, item in enumerate(items)])
    module = TrainingModuleFactory(project=project)
    TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    pool = FundingPoolFactory(project=project)
    FundingOptionFactory(pool=pool, amount=D("100000"))
    assert IndicatorTarget.objects.filter(indicator__project=project).count() == indicators
    return sites
