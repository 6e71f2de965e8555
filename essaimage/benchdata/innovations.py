"""The bench knowledge bank and a large call: innovations, resources, applications, reviews.

Written with bulk_create like the directory; derived fields (search documents, weighted
scores) are computed here the way the services compute them.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from communities.models import Structure, fold
from innovations.models import (
    Application,
    Call,
    College,
    Component,
    Criterion,
    Endorsement,
    Innovation,
    Resource,
    ResourceRating,
    ReviewAssignment,
    ScalingModelChoice,
    Score,
    TargetPublic,
    Theme,
)
from innovations.scaling import SUBTYPES, ScalingModel
from innovations.services.records import SEARCH_CONFIG

from .directory import BATCH_SIZE, EVOCATIVE_NAMES, REFERENCE_DATE, BenchData, slug

# A word present in many innovation texts, for the bench's bank search.
BANK_QUERY = "evaluation insertion"

THEMES = [
    "Emploi", "Insertion par l'activité économique", "Logement", "Petite enfance",
    "Alimentation", "Santé", "Handicap", "Jeunesse", "Numérique", "Mobilité", "Aidants",
    "Lutte contre la pauvreté",
]
PUBLICS = [
    "Demandeurs d'emploi de longue durée", "Jeunes en errance", "Familles monoparentales",
    "Personnes âgées isolées", "Personnes en situation de handicap", "Tout-petits (0-3 ans)",
    "Personnes sans domicile", "Habitants des quartiers prioritaires",
]
TITLE_PATTERNS = [
    "{name} : {action} {public}",
    "{action_cap} {public} par {means}",
    "Parcours {adjective} vers {goal}",
    "{name}, {means} pour {goal}",
]
ACTIONS = ["accompagner", "remobiliser", "former", "outiller", "rapprocher de l'emploi",
           "loger", "soutenir", "mettre en réseau"]
MEANS = ["le travail payé à la journée", "la médiation", "les pairs-aidants", "le tutorat",
         "un lieu ressources", "des rallyes pour l'emploi", "la formation-action",
         "le numérique", "un groupement d'employeurs", "les entreprises du territoire"]
GOALS = ["l'emploi durable", "le logement", "l'autonomie", "les droits", "la qualification",
         "le lien social", "la santé"]
ADJECTIVES = ["renforcé", "intégré", "territorial", "collectif", "personnalisé", "accéléré"]
SUMMARY = ("Innovation sociale pour {goal}, expérimentée {place} puis essaimée. "
           "Son évaluation montre des effets sur l'insertion des personnes accompagnées.")
PROBLEM = ("Les personnes concernées renoncent souvent à leurs droits et restent éloignées "
           "de {goal} ; les dispositifs existants ne vont pas vers elles.")
RESOURCE_TITLES = ["Guide de mise en œuvre", "Modèle de convention", "Fiche action",
                   "Kit de communication", "Support de formation", "Grille d'auto-évaluation",
                   "Mode d'emploi", "Tableau de suivi des indicateurs"]


class BankData:
    """Unsaved innovations, resources, and a reviewed call, from the directory's generator."""

    def __init__(self, data: BenchData):
        self.rng = data.rng
        self.departments = data.departments

    def innovation(self, owner: Structure, number: int) -> Innovation:
        rng = self.rng
        public = rng.choice(PUBLICS).lower()
        title = rng.choice(TITLE_PATTERNS).format(
            name=rng.choice(EVOCATIVE_NAMES), action=rng.choice(ACTIONS),
            action_cap=rng.choice(ACTIONS).capitalize(), public=public,
            means=rng.choice(MEANS), goal=rng.choice(GOALS), adjective=rng.choice(ADJECTIVES),
        )[:190] + f" #{number}"
        goal = rng.choice(GOALS)
        place = "à " + (owner.city or "Paris")
        published = rng.random() < 0.9
        created_at = REFERENCE_DATE - timedelta(days=rng.randint(30, 6 * 365))
        return Innovation(
            owner=owner, title=title,
            summary=SUMMARY.format(goal=goal, place=place),
            problem=PROBLEM.format(goal=goal),
            objectives="Réduire le non-recours et favoriser une insertion durable.",
            observed_impacts="Taux de sortie positive supérieur au territoire de comparaison.",
            evidence_level=rng.choice(Innovation.EvidenceLevel.values),
            stage=rng.choice(Innovation.Stage.values),
            beneficiaries_per_year=rng.choice([30, 80, 150, 400, 1200]),
            status=Innovation.Status.PUBLISHED if published else Innovation.Status.DRAFT,
            published_at=created_at + timedelta(days=rng.randint(1, 25)) if published else None,
            created_at=created_at,
        )

    def components(self, innovation: Innovation) -> list[Component]:
        kinds = [Component.Kind.CORE] * self.rng.randint(2, 4) + \
            [Component.Kind.ADAPTABLE] * self.rng.randint(1, 3)
        return [Component(innovation=innovation, kind=kind, order=index,
                          title=f"{self.rng.choice(MEANS).capitalize()}",
                          description="Ce qui fait le cœur du dispositif.")
                for index, kind in enumerate(kinds)]

    def resource(self, innovation: Innovation | None, author, number: int) -> Resource:
        rng = self.rng
        title = f"{rng.choice(RESOURCE_TITLES)} n°{number}"
        return Resource(
            innovation=innovation, structure=innovation.owner if innovation else None,
            title=title, description="Document réutilisable par les structures essaimées.",
            kind=rng.choice(Resource.Kind.values), licence=rng.choice(Resource.Licence.values),
            url=f"https://ressources.example/{slug(title)}", version=f"{rng.randint(1, 3)}.0",
            download_count=rng.randint(0, 500), created_by=author,
            search_text=fold(title), created_at=REFERENCE_DATE - timedelta(days=rng.randint(0, 900)),
        )


def create_bank(data: BenchData, directory: dict, innovation_count: int,
                resource_count: int) -> dict:
    """Themes, publics, innovations with their facets and components, resources, endorsements."""
    bank = BankData(data)
    rng = bank.rng
    themes = [Theme.objects.get_or_create(slug=slug(name), defaults={"name": name})[0]
              for name in THEMES]
    publics = [TargetPublic.objects.get_or_create(slug=slug(name), defaults={"name": name})[0]
               for name in PUBLICS]
    owners = directory["structures"]
    innovations = Innovation.objects.bulk_create(
        [bank.innovation(rng.choice(owners), number) for number in range(1, innovation_count + 1)],
        batch_size=BATCH_SIZE,
    )
    _link(Innovation.themes.through, innovations, "theme", themes, rng, 1, 3)
    _link(Innovation.publics.through, innovations, "targetpublic", publics, rng, 1, 2)
    _link(Innovation.territories.through, innovations, "territory", bank.departments, rng, 1, 4)
    ScalingModelChoice.objects.bulk_create(
        [ScalingModelChoice(innovation=innovation, model=model,
                            subtype=rng.choice(SUBTYPES[model] or [""]))
         for innovation in innovations
         for model in rng.sample(list(ScalingModel), rng.randint(0, 2))],
        batch_size=BATCH_SIZE,
    )
    Component.objects.bulk_create(
        [c for innovation in innovations for c in bank.components(innovation)],
        batch_size=BATCH_SIZE,
    )
    _fill_search_documents()
    people = directory["people"]
    resources = Resource.objects.bulk_create(
        [bank.resource(rng.choice(innovations) if rng.random() < 0.7 else None,
                       rng.choice(people), number)
         for number in range(1, resource_count + 1)],
        batch_size=BATCH_SIZE,
    )
    ratings = {(rng.choice(resources).pk, rng.choice(people).pk)
               for _ in range(resource_count)}
    ResourceRating.objects.bulk_create(
        [ResourceRating(resource_id=resource, user_id=user, stars=rng.randint(1, 5))
         for resource, user in ratings],
        batch_size=BATCH_SIZE,
    )
    endorsements = {(rng.choice(innovations).pk, rng.choice(people).pk,
                     rng.choice(Endorsement.Kind.values)) for _ in range(innovation_count * 3)}
    Endorsement.objects.bulk_create(
        [Endorsement(innovation_id=i, user_id=u, kind=k) for i, u, k in endorsements],
        batch_size=BATCH_SIZE,
    )
    return {"innovations": innovations, "resources": resources}


def _link(through, innovations, field, targets, rng, low, high) -> None:
    rows = [through(innovation_id=innovation.pk, **{f"{field}_id": target.pk})
            for innovation in innovations
            for target in rng.sample(targets, rng.randint(low, high))]
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _fill_search_documents() -> None:
    """What services.records.refresh_search_document writes, for every row at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE innovations_innovation SET search_text = "
            "lower(title || ' ' || summary || ' ' || problem || ' ' || objectives)"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE innovations_innovation SET search_text = unaccent(search_text), "
                f"search_vector = setweight(to_tsvector('{SEARCH_CONFIG}', title || ' ' || "
                f"summary), 'A') || setweight(to_tsvector('{SEARCH_CONFIG}', problem || ' ' || "
                "objectives || ' ' || observed_impacts), 'B')"
            )


def create_reviewed_call(data: BenchData, directory: dict, application_count: int,
                         reviews_per_application: int) -> Call:
    """A closed call with its applications scored by two colleges, 10% of reviews missing."""
    rng = data.rng
    bench_user = directory["bench_user"]
    call = Call.objects.create(
        title="Appel à projets de mesure", description="Appel généré pour le banc de mesure.",
        organiser=directory["structures"][0],
        opens_at=REFERENCE_DATE - timedelta(days=120), closes_at=REFERENCE_DATE - timedelta(days=60),
        published_at=REFERENCE_DATE - timedelta(days=121),
    )
    call.managers.add(bench_user)
    criteria = Criterion.objects.bulk_create(
        [Criterion(call=call, name=name, weight=Decimal(weight), max_score=5, order=index)
         for index, (name, weight) in enumerate([
             ("Preuves d'impact", 3), ("Réplicabilité", 2), ("Volonté de transmettre", 2),
             ("Viabilité économique", 1), ("Besoin sur d'autres territoires", 2)])]
    )
    colleges = College.objects.bulk_create(
        [College(call=call, name="Innovateurs"), College(call=call, name="Utilisateurs potentiels")]
    )
    applicants = rng.sample(directory["structures"][1:], application_count)
    applications = Application.objects.bulk_create(
        [Application(call=call, structure=structure, title=f"Projet {index}",
                     summary="Un projet à essaimer.",
                     status=Application.Status.ELIGIBLE,
                     submitted_at=REFERENCE_DATE - timedelta(days=70))
         for index, structure in enumerate(applicants, start=1)],
        batch_size=BATCH_SIZE,
    )
    reviewers = rng.sample(directory["people"], 200)
    assignments = []
    for application in applications:
        for position, reviewer in enumerate(rng.sample(reviewers, reviews_per_application)):
            submitted = rng.random() > 0.1
            assignments.append(ReviewAssignment(
                application=application, reviewer=reviewer,
                college=colleges[0] if position < (reviews_per_application + 1) // 2 else colleges[1],
                status=ReviewAssignment.Status.SUBMITTED if submitted
                else ReviewAssignment.Status.PENDING,
                submitted_at=REFERENCE_DATE - timedelta(days=62) if submitted else None,
            ))
    assignments = ReviewAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    scores = []
    total_weight = sum(c.weight for c in criteria)
    for assignment in assignments:
        if assignment.status != ReviewAssignment.Status.SUBMITTED:
            continue
        values = {criterion: rng.randint(0, criterion.max_score) for criterion in criteria}
        scores += [Score(assignment=assignment, criterion=c, value=v) for c, v in values.items()]
        weighted = sum(Decimal(v) / c.max_score * c.weight for c, v in values.items())
        assignment.weighted_score = (weighted / total_weight * 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
    Score.objects.bulk_create(scores, batch_size=BATCH_SIZE)
    ReviewAssignment.objects.bulk_update(assignments, ["weighted_score"], batch_size=BATCH_SIZE)
    return call

