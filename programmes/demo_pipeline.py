"""Demo scaling projects of AIS#Emploi in their real 2018 stages (seed 002), with TAPAJ's
governance, adopter sites, trainings, toolkit, sponsors and pooled grant filled in.

Upserts on natural keys: running seed_demo twice changes nothing.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from communities.models import Territory
from essaimage.demo import sync_m2m, upsert
from innovations.models import Component, Resource

from .models import (
    ActionItem,
    AdopterCandidate,
    AdopterSite,
    AssessmentScore,
    Attendance,
    AwarenessAction,
    BodyMember,
    Cohort,
    Decision,
    FundingOption,
    FundingPool,
    GovernanceBody,
    Meeting,
    OptionSite,
    Payment,
    Registration,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    SiteAdaptation,
    Sponsor,
    SponsorNote,
    Stage,
    StageEvent,
    StagePlan,
    Stakeholder,
    StrategyComponent,
    StrategyModel,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)

PARIS = ZoneInfo("Europe/Paris")

# innovation title, stage in 2018 (seed 002's roadmap: "Phase 3: VITA; Phases 2 et 3: PG;
# Phase 1: TAPAJ/SOLENI/LR/EF/Rallyes"), planned stage months
PROJECTS = [
    ("VITA Air", Stage.EVALUATION),
    ("Parcours Gardien", Stage.EVALUATION),
    ("TAPAJ — Travail alternatif payé à la journée", Stage.EVALUATION),
    ("SOLENI", Stage.EVALUATION),
    ("Lieu ressources", Stage.FEASIBILITY),
    ("Rallyes pour l'emploi", Stage.FEASIBILITY),
]
# The 2018 roadmap's months for a project selected by the call: 0 in June, I July–October,
# II in January, III February–September, IV January–December of the next year.
ROADMAP_2018 = [
    (Stage.IDENTIFICATION, date(2018, 6, 1), date(2018, 6, 30)),
    (Stage.FEASIBILITY, date(2018, 7, 1), date(2018, 10, 31)),
    (Stage.MOBILISATION, date(2019, 1, 1), date(2019, 1, 31)),
    (Stage.SCALING_UP, date(2019, 2, 1), date(2019, 9, 30)),
    (Stage.EVALUATION, date(2020, 1, 1), date(2020, 12, 31)),
]


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def first_of_next_month(hour) -> datetime:
    """A date to come that stays the same all month long, so re-running changes nothing."""
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return paris(year, month, 1, hour)


def seed_pipeline(structures, people, programmes, innovations) -> dict:
    ais = programmes["ais"]
    projects = {}
    for index, (title, stage) in enumerate(PROJECTS):
        innovation = innovations[title]
        project, _ = upsert(ScalingProject, {"programme": ais, "innovation": innovation}, {
            "title": f"Essaimage de {innovation.title.split(' — ')[0]}", "stage": stage,
            "staff_lead": people["alice"], "started_on": date(2015 + min(index, 3), 1, 1),
        })
        _plans(project, stage, shift_years=0 if stage == Stage.FEASIBILITY else -2)
        projects[title] = project
    tapaj = projects["TAPAJ — Travail alternatif payé à la journée"]
    _feasibility(tapaj)
    body, meetings = _governance(tapaj, structures, people)
    sites = _sites(tapaj, structures, people)
    _training(tapaj, sites, people)
    _toolkit(tapaj, sites, people)
    _funding(tapaj, sites, structures, meetings)
    cohort, _ = upsert(Cohort, {"programme": ais, "name": "Promotion TAPAJ 2019"}, {
        "starts_on": date(2019, 2, 1), "ends_on": date(2019, 12, 31),
        "description": "Les sites qui reprennent TAPAJ en 2019 et apprennent ensemble."})
    sync_m2m(cohort.sites, list(sites.values()))
    return projects


def _plans(project, stage, shift_years) -> None:
    reached = [s for s, *_ in ROADMAP_2018][: [s for s, *_ in ROADMAP_2018].index(stage) + 1]
    for plan_stage, start, end in ROADMAP_2018:
        start = start.replace(year=start.year + shift_years)
        end = end.replace(year=end.year + shift_years)
        done = plan_stage in reached[:-1]
        upsert(StagePlan, {"project": project, "stage": plan_stage}, {
            "planned_start": start, "planned_end": end,
            "actual_start": start if plan_stage in reached else None,
            "actual_end": end if done else None,
        })
        if done:
            upsert(StageEvent, {"project": project, "from_stage": plan_stage,
                                "kind": StageEvent.Kind.GO}, {
                "to_stage": reached[reached.index(plan_stage) + 1],
                "reason": "Étape validée en comité de pilotage.", "decided_on": end,
            })


def _feasibility(project) -> None:
    assessment, _ = upsert(ReplicabilityAssessment, {"project": project}, {
        "summary": "Un impact démontré sur le premier site, un modèle formalisé et une forte "
                   "volonté de transmettre ; les partenariats locaux sont le point d'attention.",
        "recommendation": ReplicabilityAssessment.Recommendation.GO,
    })
    for criterion, score in zip(AssessmentScore.Criterion.values, [4, 3, 4, 3, 3, 4, 3, 3]):
        upsert(AssessmentScore, {"assessment": assessment, "criterion": criterion},
               {"score": score, "evidence": "Étude de faisabilité 2016."})
    strategy, _ = upsert(ScalingStrategy, {"project": project}, {
        "balance": ScalingStrategy.Balance.RATHER_STANDARDISED, "target_sites": 10,
        "economic_model": "Financement d'amorçage par le fonds d'essaimage, puis relais par "
                          "les collectivités et les fondations.",
        "communication": "Présentation aux têtes de réseau de l'addictologie et de "
                         "l'insertion ; visites du site de Bordeaux.",
    })
    sync_m2m(strategy.target_territories, list(Territory.objects.regions().filter(
        code__in=["27", "84", "75"])))
    upsert(StrategyModel, {"strategy": strategy, "model": "scale_across"},
           {"subtype": "formalised"})
    for order, component in enumerate(project.innovation.components.all()):
        upsert(StrategyComponent, {"strategy": strategy, "source": component}, {
            "kind": component.kind, "title": component.title,
            "description": component.description, "order": order})


def _governance(project, structures, people):
    body, _ = upsert(GovernanceBody, {"project": project, "name": "Comité de pilotage TAPAJ"}, {
        "kind": GovernanceBody.Kind.STEERING, "frequency": "Chaque trimestre",
        "reminder_days": [7, 1]})
    members = {}
    for key, position, structure in [("alice", BodyMember.Position.SECRETARY, "Ansa"),
                                     ("camille", BodyMember.Position.CHAIR,
                                      "Région Bourgogne-Franche-Comté"),
                                     ("fanny", BodyMember.Position.MEMBER, "DGEFP"),
                                     ("paul", BodyMember.Position.MEMBER, "DDETS de la Nièvre"),
                                     ("ines", BodyMember.Position.MEMBER, "TAPAJ")]:
        person = people[key]
        members[key], _ = upsert(BodyMember, {"body": body, "user": person}, {
            "name": person.display_name, "email": person.email, "position": position,
            "structure": structures[structure]})
    for name, category, interest, influence in [
        ("France Travail", Stakeholder.Category.EMPLOYMENT_SERVICE, 2, 3),
        ("Région Bourgogne-Franche-Comté", Stakeholder.Category.LOCAL_AUTHORITIES, 3, 3),
        ("DDETS de la Nièvre", Stakeholder.Category.STATE, 3, 2),
        ("Fédération Addiction", Stakeholder.Category.SOCIAL_ECONOMY, 3, 2),
        ("Entreprises du BTP de Nevers", Stakeholder.Category.PRIVATE_PARTNERS, 1, 2),
    ]:
        upsert(Stakeholder, {"project": project, "name": name}, {
            "category": category, "interest": interest, "influence": influence,
            "engagement": Stakeholder.Engagement.ENGAGED})
    held, _ = upsert(Meeting, {"body": body, "title": "COPIL de lancement"}, {
        "starts_at": paris(2019, 1, 15, 14), "ends_at": paris(2019, 1, 15, 16, 30),
        "place": "Ansa, 28 rue du Sentier, Paris", "status": Meeting.Status.HELD,
        "agenda": "Bilan de l'étude de faisabilité\nSélection des sites essaimés\n"
                  "Preuve du concept sur le site pilote\nCalendrier des formations",
        "minutes": "Le comité valide l'étude de faisabilité et retient deux premiers sites."})
    for key, member in members.items():
        upsert(Attendance, {"meeting": held, "member": member},
               {"status": Attendance.Status.EXCUSED if key == "paul"
                else Attendance.Status.PRESENT})
    upsert(Decision, {"meeting": held, "kind": Decision.Kind.ADOPTER_SELECTION},
           {"text": "Les sites de Nevers et de Grenoble sont retenus."})
    upsert(Decision, {"meeting": held, "kind": Decision.Kind.PROOF_OF_CONCEPT},
           {"text": "La preuve du concept est établie sur le site pilote de Nevers."})
    upsert(ActionItem, {"project": project, "title": "Envoyer les conventions aux sites"}, {
        "meeting": held, "owner": members["alice"], "due_on": date(2019, 2, 1),
        "status": ActionItem.Status.DONE, "done_on": date(2019, 1, 28)})
    upcoming, _ = upsert(Meeting, {"body": body, "title": "COPIL de suivi"}, {
        "starts_at": first_of_next_month(14),
        "ends_at": first_of_next_month(16),
        "video_link": "https://visio.example.org/copil-tapaj",
        "agenda": "Point sur les sites\nIndicateurs du trimestre\nQuestions diverses"})
    upsert(ActionItem, {"project": project, "title": "Préparer le bilan des formations"}, {
        "meeting": held, "owner": members["camille"],
        "due_on": upcoming.starts_at.date() - timedelta(days=7)})
    upsert(AwarenessAction, {"project": project, "title": "Présentation aux têtes de réseau"}, {
        "kind": AwarenessAction.Kind.PRESENTATION, "date": date(2018, 11, 20),
        "audience": "Fédérations de l'addictologie et de l'insertion", "participants": 40,
        "outcome": "Douze structures intéressées."})
    return body, {"held": held, "upcoming": upcoming}


def _sites(project, structures, people) -> dict:
    departments = {t.code: t for t in Territory.objects.departments()}
    sites = {}
    for key, code, status in [("Essor Emploi Nièvre", "58", AdopterSite.Status.LAUNCHED),
                              ("Le Fil", "38", AdopterSite.Status.TRAINED)]:
        structure = structures[key]
        candidate, _ = upsert(AdopterCandidate, {
            "project": project, "structure": structure, "territory": departments[code]}, {
            "motivation": "Des jeunes en errance sans solution sur notre territoire.",
            "capacity": "Un encadrant et des partenaires employeurs.",
            "status": AdopterCandidate.Status.SELECTED})
        sites[key], _ = upsert(AdopterSite, {"project": project, "structure": structure}, {
            "territory": departments[code], "candidate": candidate, "status": status,
            "start_date": date(2019, 3, 1)})
    adaptable = StrategyComponent.objects.filter(strategy__project=project,
                                                 kind=Component.Kind.ADAPTABLE).first()
    if adaptable:
        upsert(SiteAdaptation, {"site": sites["Essor Emploi Nièvre"], "component": adaptable},
               {"description": "Chantiers d'entretien des espaces verts avec la ville de "
                               "Nevers."})
    sponsor, _ = upsert(Sponsor, {"project": project, "user": people["paul"]}, {
        "site": sites["Essor Emploi Nièvre"], "role": "Agent public, DDETS de la Nièvre"})
    upsert(SponsorNote, {"sponsor": sponsor, "author": people["paul"]},
           {"text": "Visite du site : bonne dynamique avec les employeurs publics."})
    return sites


def _training(project, sites, people) -> None:
    core = list(StrategyComponent.objects.filter(strategy__project=project,
                                                 kind=Component.Kind.CORE))
    module, _ = upsert(TrainingModule, {"project": project, "title": "Les fondamentaux de TAPAJ"},
                       {"objectives": "Comprendre le travail payé à la journée et le "
                                      "seuil d'accès bas.",
                        "duration_hours": Decimal("7"), "order": 1})
    sync_m2m(module.components, core)
    held, _ = upsert(TrainingSession, {"module": module, "starts_at": paris(2019, 3, 12, 9)}, {
        "duration_hours": Decimal("7"), "place": "Bordeaux", "trainer": "Inès Benali",
        "capacity": 12, "status": TrainingSession.Status.HELD})
    upsert(Registration, {"session": held, "person": people["bob"]}, {
        "site": sites["Essor Emploi Nièvre"], "attended": True, "satisfaction": 5})
    upsert(Registration, {"session": held, "person": people["carol"]}, {
        "site": sites["Le Fil"], "attended": True, "satisfaction": 4})
    upsert(TrainingSession, {"module": module, "trainer": "Inès Benali", "place": "En ligne"}, {
        "starts_at": first_of_next_month(9), "duration_hours": Decimal("3"),
        "is_remote": True, "video_link": "https://visio.example.org/tapaj", "capacity": 20})


def _toolkit(project, sites, people) -> None:
    for order, title in enumerate(["Mode d'emploi TAPAJ",
                                   "Modèle de convention avec les employeurs"]):
        resource = Resource.objects.get(title=title)
        item, _ = upsert(ToolkitItem, {"project": project, "resource": resource},
                         {"version": resource.version, "order": order})
        upsert(ToolkitAcknowledgement, {"item": item, "site": sites["Essor Emploi Nièvre"],
                                        "version": item.version},
               {"acknowledged_by": people["bob"]})


def _funding(project, sites, structures, meetings) -> None:
    proof = Decision.objects.get(meeting=meetings["held"], kind=Decision.Kind.PROOF_OF_CONCEPT)
    pool, _ = upsert(FundingPool, {"project": project}, {
        "pilot_site": sites["Essor Emploi Nièvre"], "proof_of_concept": proof,
        "proof_of_concept_on": date(2019, 1, 15)})
    lead, _ = upsert(FundingOption, {"pool": pool, "funder": structures["DGEFP"]}, {
        "amount": Decimal("60000"), "is_lead": True, "status": FundingOption.Status.CONFIRMED,
        "optioned_on": date(2018, 11, 1), "confirmed_on": date(2018, 12, 1),
        "conditions": "Site pilote dans la Nièvre."})
    foundation, _ = upsert(FundingOption, {
        "pool": pool, "funder": structures["Fondation pour l'essaimage solidaire"]}, {
        "amount": Decimal("40000"), "status": FundingOption.Status.CONFIRMED,
        "optioned_on": date(2018, 11, 15), "confirmed_on": date(2019, 1, 20),
        "conditions": "Sous réserve de la preuve du concept."})
    upsert(OptionSite, {"option": lead, "site": sites["Essor Emploi Nièvre"]},
           {"amount": Decimal("60000")})
    upsert(OptionSite, {"option": foundation, "site": sites["Le Fil"]},
           {"amount": Decimal("40000")})
    upsert(Payment, {"option": lead, "reference": "DGEFP-2019-01"}, {
        "site": sites["Essor Emploi Nièvre"], "amount": Decimal("30000"),
        "paid_on": date(2019, 2, 15)})
