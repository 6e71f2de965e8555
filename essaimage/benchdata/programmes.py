"""The bench programme: 500 scaling projects on a roadmap, one of them with 1,000 sites."""

from datetime import date, timedelta
from decimal import Decimal

from innovations.models import Innovation
from programmes.models import (
    STAGE_ORDER,
    AdopterSite,
    Programme,
    Registration,
    ScalingProject,
    StagePlan,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)

from .directory import BATCH_SIZE, REFERENCE_DATE, BenchData

PROGRAMME_START = date(2022, 1, 1)


def create_programme(data: BenchData, directory: dict, bank: dict, project_count: int,
                     site_count: int) -> Programme:
    """A programme run by the bench login, its projects at every stage, and a big project."""
    rng = data.rng
    bench_user = directory["bench_user"]
    programme = Programme.objects.create(
        name="Programme de mesure", lead_structure=directory["structures"][0],
        start_date=PROGRAMME_START, end_date=date(2026, 12, 31),
        description="Programme généré pour le banc de mesure.",
    )
    programme.staff.add(bench_user)
    published = [i for i in bank["innovations"] if i.status == Innovation.Status.PUBLISHED]
    projects = ScalingProject.objects.bulk_create(
        [ScalingProject(programme=programme, innovation=innovation,
                        title=f"Essaimage : {innovation.title}"[:200],
                        stage=rng.choice(STAGE_ORDER),
                        status=rng.choice(ScalingProject.Status.values),
                        staff_lead=bench_user, started_on=PROGRAMME_START)
         for innovation in rng.sample(published, min(project_count, len(published)))],
        batch_size=BATCH_SIZE,
    )
    StagePlan.objects.bulk_create(
        [plan for project in projects for plan in _plans(rng, project)], batch_size=BATCH_SIZE)
    big = projects[0]
    _sites_of(data, directory, bank["resources"], big, site_count)
    return programme


def _plans(rng, project) -> list[StagePlan]:
    start = PROGRAMME_START + timedelta(days=rng.randint(0, 500))
    plans = []
    for index, stage in enumerate(STAGE_ORDER):
        end = start + timedelta(days=rng.randint(45, 240))
        reached = index <= STAGE_ORDER.index(project.stage)
        plans.append(StagePlan(project=project, stage=stage, planned_start=start,
                               planned_end=end,
                               actual_start=start if reached else None,
                               actual_end=end if index < STAGE_ORDER.index(project.stage)
                               else None))
        start = end + timedelta(days=1)
    return plans


def _sites_of(data: BenchData, directory: dict, resources, project: ScalingProject,
              count: int) -> None:
    """Sites with trainings attended and toolkit items acknowledged, as on a real project."""
    rng = data.rng
    structures = rng.sample(directory["structures"], count)
    sites = AdopterSite.objects.bulk_create(
        [AdopterSite(project=project, structure=structure,
                     territory=structure.department or rng.choice(data.departments),
                     status=rng.choice(AdopterSite.Status.values[1:]),
                     start_date=REFERENCE_DATE.date() - timedelta(days=rng.randint(0, 700)))
         for structure in structures],
        batch_size=BATCH_SIZE,
    )
    modules = TrainingModule.objects.bulk_create(
        [TrainingModule(project=project, title=f"Module {n}", order=n,
                        objectives="Mettre en œuvre le cœur du dispositif.",
                        duration_hours=Decimal("7")) for n in range(1, 5)])
    sessions = TrainingSession.objects.bulk_create(
        [TrainingSession(module=module, capacity=400, duration_hours=Decimal("7"),
                         starts_at=REFERENCE_DATE - timedelta(days=30 * n),
                         status=TrainingSession.Status.HELD, place="Paris")
         for n, module in enumerate(modules, start=1)])
    registrations = []
    person_of_site = _first_members(sites)
    for session in sessions:
        for site in rng.sample(sites, len(sites) // 3):
            person = person_of_site.get(site.structure_id)
            if person is not None:
                registrations.append(Registration(session=session, person_id=person, site=site,
                                                  attended=rng.random() < 0.85))
    Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE,
                                     ignore_conflicts=True)
    items = ToolkitItem.objects.bulk_create(
        [ToolkitItem(project=project, resource=resource, version=resource.version, order=n)
         for n, resource in enumerate(resources[:6])])
    ToolkitAcknowledgement.objects.bulk_create(
        [ToolkitAcknowledgement(item=item, site=site, version=item.version)
         for item in items for site in sites if rng.random() < 0.6],
        batch_size=BATCH_SIZE,
    )


def _first_members(sites) -> dict:
    """One person per adopter structure, to register to trainings."""
    from communities.models import Membership

    rows = Membership.objects.filter(structure__in=[s.structure_id for s in sites]).values_list(
        "structure", "user")
    first = {}
    for structure, user in rows:
        first.setdefault(structure, user)
    return first
