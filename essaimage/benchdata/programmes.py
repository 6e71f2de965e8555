"""The bench programme: 500 scaling projects on a roadmap, one of them with 1,000 sites."""

from datetime import date, timedelta
from decimal import Decimal

from innovations.models import Innovation
from programmes.models import (
    STAGE_ORDER,
    ActionItem,
    AdopterSite,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
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
    _governance_of(data, directory, big)
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


BENCH_MEETING_TITLE = "COPIL de mesure"


def _governance_of(data: BenchData, directory: dict, project: ScalingProject) -> None:
    """The big project's steering committee: 12 members, a meeting held and the next one with
    its agenda, 10 decisions and 10 action items, for the committee pack."""
    rng = data.rng
    body = GovernanceBody.objects.create(project=project, name="Comité de pilotage de mesure",
                                         reminder_days=[7, 1])
    members = BodyMember.objects.bulk_create(
        [BodyMember(body=body, name=f"Membre {n} du comité", structure=structure,
                    email=f"membre-{n}@comite.essaimage.test" if n % 6 else "",
                    position=BodyMember.Position.CHAIR if n == 1 else BodyMember.Position.MEMBER)
         for n, structure in enumerate(rng.sample(directory["structures"], 12), start=1)])
    held = Meeting.objects.create(
        body=body, title="COPIL de lancement", status=Meeting.Status.HELD,
        starts_at=REFERENCE_DATE - timedelta(days=90),
        ends_at=REFERENCE_DATE - timedelta(days=90) + timedelta(hours=2), place="Paris",
        minutes="\n\n".join(f"Point {n} : le comité prend acte de l'avancement et demande "
                              "un bilan des sites pour la prochaine séance." for n in range(1, 6)))
    Meeting.objects.create(
        body=body, title=BENCH_MEETING_TITLE, starts_at=REFERENCE_DATE + timedelta(days=7),
        ends_at=REFERENCE_DATE + timedelta(days=7, hours=2), place="Lyon",
        agenda="\n".join(["Validation du compte rendu", "Point sur les sites",
                          "Indicateurs du trimestre", "Fidélité au modèle", "Budget",
                          "Questions diverses"]))
    Decision.objects.bulk_create(
        [Decision(meeting=held, text=f"Décision n°{n} : le comité valide l'étape proposée.")
         for n in range(1, 11)])
    ActionItem.objects.bulk_create(
        [ActionItem(project=project, meeting=held, owner=rng.choice(members),
                    title=f"Action n°{n} : préparer le bilan demandé",
                    due_on=REFERENCE_DATE.date() + timedelta(days=rng.randint(-20, 40)))
         for n in range(1, 11)])


def _first_members(sites) -> dict:
    """One person per adopter structure, to register to trainings."""
    from communities.models import Membership

    rows = Membership.objects.filter(structure__in=[s.structure_id for s in sites]).values_list(
        "structure", "user")
    first = {}
    for structure, user in rows:
        first.setdefault(structure, user)
    return first
