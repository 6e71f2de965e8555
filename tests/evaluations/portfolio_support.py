"""A hand-built portfolio whose headline figures are known, for the funders' dashboard tests.

AIS#Emploi (alice runs it, fanny's foundation funds it) has two projects:

- TAPAJ (scale up): sites N1 and N2 of two structures in Nevers (58000, Nièvre) and G in
  Grenoble (38000, Isère), all launched; a withdrawn site W in the Rhône; a "latest" count of
  people accompanied over the four quarters of 2025: N1 10, 20, 30, 40 (latest: 40) and G 5
  each quarter (5): 45 people, never 100 + 20.
- SOLENI (scale up and scale out): site L in Lille (59000, Nord); a cumulative count of new
  people: 10 + 20 + 30 + 40 = 100, and an unvalidated 1,000 that does not count.

People reached: 45 + 100 = 145. Départements 3 (58, 38, 59; W is withdrawn), communes 3 (Nevers,
Grenoble, Lille), structures 4, innovations 2, methods 2 (scale up, scale out).
Trainings held in 2025: 2 (a planned one and one of 2024 do not count); people trained: 2
(p1 twice, p2 once; p3 absent).
Money: fanny's foundation optioned 60,000 on TAPAJ, confirmed in February 2025, paid 10,000 +
5,000; the Région optioned 40,000 (standing, unconfirmed) and withdrew another 7,000 on SOLENI.
Fanny: optioned 60,000, confirmed 60,000, paid 15,000. Staff: 100,000, 60,000, 15,000.

Another programme (not funded by fanny), with the Région's own option and site in the Gironde,
is outside fanny's portfolio.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from communities.models import Structure, User
from evaluations.models import Indicator, IndicatorValue, SiteReport
from evaluations.selectors.aggregation import Scope
from programmes.models import (
    AdopterSite,
    FundingOption,
    Payment,
    Programme,
    ScalingProject,
    ScalingStrategy,
    StrategyModel,
    TrainingSession,
)

from ..factories import (
    AdopterSiteFactory,
    FundingOptionFactory,
    FundingPoolFactory,
    IndicatorFactory,
    MembershipFactory,
    ProgrammeFactory,
    PublishedInnovationFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    StructureFactory,
    TrainingModuleFactory,
    TrainingRegistrationFactory,
    TrainingSessionFactory,
    UserFactory,
    department,
)

PARIS = ZoneInfo("Europe/Paris")
YEAR = Scope(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
LAUNCHED = AdopterSite.Status.LAUNCHED
VALIDATED = IndicatorValue.Status.VALIDATED


@dataclass
class Dataset:
    programme: Programme
    tapaj: ScalingProject
    soleni: ScalingProject
    other_project: ScalingProject
    sites: dict
    region: Structure
    region_user: User


def quarters(project):
    return [ReportingPeriodFactory(project=project, label=f"T{n} 2025",
                                   starts_on=date(2025, 3 * n - 2, 1),
                                   ends_on=date(2025, 3 * n, [31, 30, 30, 31][n - 1]),
                                   due_on=date(2026, 1, 31))
            for n in (1, 2, 3, 4)]


def record(indicator, site, period, value, status=VALIDATED):
    report, _ = SiteReport.objects.get_or_create(site=site, period=period)
    return IndicatorValue.objects.create(report=report, indicator=indicator, status=status,
                                         value=Decimal(value))


def structure(name, code, city, postal_code):
    return StructureFactory(name=name, department=department(code), city=city,
                            postal_code=postal_code)


def strategy(project, *models):
    plan = ScalingStrategy.objects.create(project=project)
    for model in models:
        StrategyModel.objects.create(strategy=plan, model=model)


def build(programme, project, funder_structure) -> Dataset:
    tapaj = project
    soleni = ScalingProjectFactory(programme=programme, title="Essaimage de SOLENI",
                                   innovation=PublishedInnovationFactory(title="SOLENI"))
    sites = {
        "N1": AdopterSiteFactory(project=tapaj, status=LAUNCHED, territory=department("58"),
                                 structure=structure("Essor Nevers", "58", "Nevers", "58000")),
        "N2": AdopterSiteFactory(project=tapaj, status=LAUNCHED, territory=department("58"),
                                 structure=structure("Régie Nevers", "58", "NEVERS", "58000")),
        "G": AdopterSiteFactory(project=tapaj, status=LAUNCHED, territory=department("38"),
                                structure=structure("Le Fil", "38", "Grenoble", "38000")),
        "W": AdopterSiteFactory(project=tapaj, status=AdopterSite.Status.WITHDRAWN,
                                territory=department("69"),
                                structure=structure("Parti", "69", "Lyon", "69001")),
        "L": AdopterSiteFactory(project=soleni, status=LAUNCHED, territory=department("59"),
                                structure=structure("Solidarités Lille", "59", "Lille",
                                                    "59000")),
    }
    strategy(tapaj, "scale_up")
    strategy(soleni, "scale_up", "scale_out")

    latest = IndicatorFactory(project=tapaj, code="PERS", counts_people_reached=True,
                              period_aggregation=Indicator.PeriodAggregation.LATEST)
    not_people = IndicatorFactory(project=tapaj, code="HEURES", unit="heures")
    for period, value in zip(quarters(tapaj), [10, 20, 30, 40], strict=True):
        record(latest, sites["N1"], period, value)
        record(latest, sites["G"], period, 5)
        record(not_people, sites["N1"], period, 1000)
    summed = IndicatorFactory(project=soleni, code="NOUV", counts_people_reached=True,
                              period_aggregation=Indicator.PeriodAggregation.SUM)
    soleni_quarters = quarters(soleni)
    for period, value in zip(soleni_quarters, [10, 20, 30, 40], strict=True):
        record(summed, sites["L"], period, value)
    # A second value of the cumulative count awaiting validation: not counted.
    other = AdopterSiteFactory(project=soleni, status=AdopterSite.Status.CANDIDATE,
                               territory=department("59"),
                               structure=structure("En attente", "59", "Lille", "59000"))
    record(summed, other, soleni_quarters[0], 1000, status=IndicatorValue.Status.SUBMITTED)

    module = TrainingModuleFactory(project=tapaj)
    held = [TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD,
                                   starts_at=datetime(2025, month, 10, 9, tzinfo=PARIS))
            for month in (3, 9)]
    planned = TrainingSessionFactory(module=module, starts_at=datetime(2025, 11, 4, 9,
                                                                       tzinfo=PARIS))
    before = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD,
                                    starts_at=datetime(2024, 12, 31, 22, tzinfo=PARIS))
    p1, p2, p3 = UserFactory(), UserFactory(), UserFactory()
    for session, person, site, attended in [
            (held[0], p1, "N1", True), (held[0], p2, "G", True), (held[0], p3, "G", False),
            (held[1], p1, "N1", True), (planned, p3, "G", None), (before, p3, "G", True)]:
        TrainingRegistrationFactory(session=session, person=person, site=sites[site],
                                    attended=attended)

    region = StructureFactory(name="Région Hauts-de-France", kind=Structure.Kind.LOCAL_AUTHORITY)
    region_user = UserFactory(email="region@example.org")
    MembershipFactory(user=region_user, structure=region)
    pool = FundingPoolFactory(project=tapaj)
    mine = FundingOptionFactory(pool=pool, funder=funder_structure, amount=Decimal("60000"),
                                is_lead=True, status=FundingOption.Status.CONFIRMED,
                                optioned_on=date(2024, 11, 1), confirmed_on=date(2025, 2, 1))
    FundingOptionFactory(pool=pool, funder=region, amount=Decimal("40000"),
                         optioned_on=date(2025, 3, 1))
    Payment.objects.create(option=mine, site=sites["N1"], amount=Decimal("10000"),
                           paid_on=date(2025, 3, 15))
    Payment.objects.create(option=mine, site=sites["G"], amount=Decimal("5000"),
                           paid_on=date(2025, 10, 1))
    FundingOptionFactory(pool=FundingPoolFactory(project=soleni), funder=region,
                         amount=Decimal("7000"), status=FundingOption.Status.WITHDRAWN,
                         optioned_on=date(2025, 1, 5), withdrawn_on=date(2025, 2, 5))

    other_programme = ProgrammeFactory(name="Générateur de solidarité",
                                       lead_structure=programme.lead_structure)
    other_project = ScalingProjectFactory(programme=other_programme, title="Essaimage ailleurs")
    AdopterSiteFactory(project=other_project, status=LAUNCHED, territory=department("33"),
                       structure=structure("Bordeaux Emploi", "33", "Bordeaux", "33000"))
    FundingOptionFactory(pool=FundingPoolFactory(project=other_project), funder=region,
                         amount=Decimal("90000"), optioned_on=date(2025, 1, 5))
    return Dataset(programme, tapaj, soleni, other_project, sites, region, region_user)
