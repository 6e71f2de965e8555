"""Demo innovations, calls, reviews and resources drawn from the seed documents.

Everything is written with upserts on natural keys, so that running seed_demo twice changes
nothing. Descriptions keep to what the seeds say; figures in economic grids are illustrative.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import slugify

from communities.models import Structure, Territory
from essaimage.demo import sync_m2m, upsert

from .models import (
    AdoptionChoice,
    Application,
    Call,
    College,
    Component,
    Criterion,
    EconomicLine,
    Endorsement,
    Innovation,
    Question,
    Resource,
    ResourceRating,
    ReviewAssignment,
    ScalingModelChoice,
    Score,
    Step,
    TargetPublic,
    Theme,
)
from .scaling import ScalingModel, ScalingObjective, ScalingSubtype
from .services.bank import resource_search_text
from .services.records import record_revision, refresh_search_document

PARIS = ZoneInfo("Europe/Paris")

THEMES = ["Emploi", "Insertion par l'activité économique", "Logement", "Petite enfance",
          "Alimentation", "Santé", "Handicap", "Jeunesse", "Numérique", "Mobilité", "Aidants",
          "Lutte contre la pauvreté"]
PUBLICS = ["Demandeurs d'emploi de longue durée", "Jeunes en errance", "Jeunes décrocheurs",
           "Familles", "Tout-petits (0-3 ans)", "Personnes sans domicile",
           "Aidants familiaux", "Habitants des quartiers prioritaires"]

AIS = ("Innovation accompagnée par l'Accélérateur d'innovation sociale pour l'accès à l'emploi "
       "(AIS#Emploi) de l'Ansa, qui repère des initiatives locales prometteuses, les modélise, "
       "les essaime et les évalue.")

# title, owner (structure name), departement, themes, publics, evidence, stage, summary, problem
INNOVATIONS = [
    ("TAPAJ — Travail alternatif payé à la journée", "TAPAJ France", "33",
     ["Emploi", "Jeunesse", "Santé"], ["Jeunes en errance"],
     Innovation.EvidenceLevel.EXTERNAL_EVALUATION, Innovation.Stage.EVALUATION,
     "Un dispositif d'insertion par le travail payé à la journée pour des jeunes en errance, "
     "sans exigence préalable, avec un accompagnement médico-social. " + AIS,
     "Des jeunes en grande précarité restent à l'écart des dispositifs d'insertion, qui leur "
     "demandent un engagement qu'ils ne peuvent pas encore tenir."),
    ("VITA Air", "Collectif VITA Air", "13", ["Emploi"], ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.EXTERNAL_EVALUATION, Innovation.Stage.EVALUATION,
     AIS + " En 2018, VITA est en phase 3 de son évaluation : impact et conditions de "
     "généralisation.",
     "Le chômage de longue durée éloigne durablement de l'emploi."),
    ("Parcours Gardien", "Association Parcours Gardien", "93", ["Emploi", "Logement"],
     ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.INTERNAL_MONITORING, Innovation.Stage.EVALUATION,
     AIS + " En 2018, Parcours Gardien est en phases 2 et 3 de son évaluation.",
     "Le chômage de longue durée éloigne durablement de l'emploi."),
    ("SOLENI", "SOLENI", "59", ["Emploi"], ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.INTERNAL_MONITORING, Innovation.Stage.EVALUATION,
     AIS + " En 2018, SOLENI est en phase 1 de son évaluation : mise en œuvre et "
     "appropriation.",
     "Le chômage de longue durée éloigne durablement de l'emploi."),
    ("Lieu ressources", "Lieu ressources Emploi", "69", ["Emploi"],
     ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.INTERNAL_MONITORING, Innovation.Stage.FEASIBILITY,
     AIS + " Sélectionné par l'appel à projets 2018.",
     "Les demandeurs d'emploi de longue durée manquent d'un lieu où trouver ressources et "
     "appuis."),
    ("Rallyes pour l'emploi", "Rallyes pour l'emploi", "44", ["Emploi", "Mobilité"],
     ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.NONE, Innovation.Stage.FEASIBILITY,
     AIS + " Sélectionné par l'appel à projets 2018.",
     "Les demandeurs d'emploi et les entreprises d'un territoire se connaissent mal."),
    ("Parler Bambin", "Agence nouvelle des solidarités actives", "75",
     ["Petite enfance"], ["Tout-petits (0-3 ans)", "Familles"],
     Innovation.EvidenceLevel.EXPERIMENTAL, Innovation.Stage.SCALING_UP,
     "Une formation-action des professionnels de crèche et des assistantes maternelles pour "
     "accompagner l'émergence du langage chez les tout-petits ; un programme national déployé "
     "depuis 2016 auprès de 96 crèches, avec une évaluation d'impact de grande ampleur.",
     "Les inégalités de langage apparaissent très tôt et pèsent ensuite sur la scolarité."),
    ("Logement d'abord", "Agence nouvelle des solidarités actives", "75",
     ["Logement", "Lutte contre la pauvreté"], ["Personnes sans domicile"],
     Innovation.EvidenceLevel.EXPERIMENTAL, Innovation.Stage.SCALING_UP,
     "Accéder directement à un logement ordinaire et être accompagné chez soi, plutôt que "
     "de passer par des étapes d'hébergement ; une échelle de fidélité au modèle guide "
     "l'essaimage et l'évaluation.",
     "Le parcours en escalier de l'hébergement vers le logement laisse beaucoup de personnes "
     "à la rue."),
    ("Cabine d'aérogommage", "Mouvement Emmaüs", "93",
     ["Insertion par l'activité économique"], ["Demandeurs d'emploi de longue durée"],
     Innovation.EvidenceLevel.INTERNAL_MONITORING, Innovation.Stage.SCALING_UP,
     "Une activité de rénovation de meubles par aérogommage, répliquée « clé en main » par "
     "les groupes Emmaüs sous l'égide d'un groupe parrain, avec un mode d'emploi, un appui "
     "méthodologique et une bourse.",
     "Les groupes locaux manquent de moyens pour développer seuls de nouvelles activités."),
]

TAPAJ_CORE = [
    ("Travail payé à la journée", "Une rémunération le jour même, sans engagement préalable."),
    ("Accompagnement médico-social", "Un suivi par une équipe spécialisée en addictologie."),
    ("Progression par paliers", "Des missions de plus en plus longues vers le droit commun."),
]
TAPAJ_ADAPTABLE = [
    ("Nature des chantiers", "Selon les partenaires employeurs du territoire."),
    ("Structure porteuse locale", "Association d'addictologie ou d'insertion."),
]
TAPAJ_STEPS = [
    ("Aller vers les jeunes", "Rencontre dans la rue ou dans les lieux d'accueil."),
    ("Premières demi-journées", "Missions courtes payées le jour même."),
    ("Missions plus longues", "Avec les entreprises et collectivités partenaires."),
    ("Relais vers le droit commun", "Formation, emploi, logement."),
]
TAPAJ_ECONOMICS = [
    (EconomicLine.Category.SETUP_TIME, "Montage du partenariat local", "", "40",
     EconomicLine.Unit.DAYS, EconomicLine.Period.ONE_OFF),
    (EconomicLine.Category.RUNNING_TIME, "Coordination et accompagnement", "", "1.5",
     EconomicLine.Unit.FTE, EconomicLine.Period.PER_YEAR),
    (EconomicLine.Category.INVESTMENT, "Équipement des chantiers", "Matériel", "8000",
     EconomicLine.Unit.EUROS, EconomicLine.Period.ONE_OFF),
    (EconomicLine.Category.RUNNING_COST, "Rémunération des jeunes", "", "60000",
     EconomicLine.Unit.EUROS, EconomicLine.Period.PER_YEAR),
    (EconomicLine.Category.EXCEPTIONAL_FUNDING, "Subvention d'amorçage", "", "20000",
     EconomicLine.Unit.EUROS, EconomicLine.Period.ONE_OFF),
    (EconomicLine.Category.COST_AVOIDED, "Hébergement d'urgence évité", "", "1200",
     EconomicLine.Unit.EUROS, EconomicLine.Period.PER_BENEFICIARY),
]

RUBRIC = [("Preuves d'impact", 3), ("Réplicabilité", 2), ("Volonté de transmettre de l'innovateur", 2),
          ("Viabilité économique", 1), ("Besoin sur d'autres territoires", 1),
          ("Potentiel d'essaimage", 1)]
QUESTIONS = [
    ("Quel problème votre innovation résout-elle, pour qui ?", Question.Kind.LONG_TEXT, []),
    ("Quels résultats avez-vous observés, et comment les mesurez-vous ?",
     Question.Kind.LONG_TEXT, []),
    ("Combien de personnes accompagnez-vous chaque année ?", Question.Kind.NUMBER, []),
    ("Votre innovation a-t-elle été évaluée ?", Question.Kind.CHOICE,
     ["Non", "Suivi interne", "Évaluation externe", "Évaluation expérimentale"]),
    ("Rapport d'évaluation ou bilan d'activité", Question.Kind.FILE, []),
]


def paris(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


def current_window() -> tuple[datetime, datetime]:
    """Open since the first of this month, for five months: the same all month long, so a
    second run of seed_demo changes nothing, and the demo always has calls open."""
    today = timezone.localdate()
    opens = paris(today.year, today.month, 1, 9)
    month = today.month + 5
    closes = paris(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, 18)
    return opens, closes


def seed_innovations(structures: dict, people: dict) -> dict:
    themes = {name: upsert(Theme, {"slug": slugify(name)}, {"name": name})[0] for name in THEMES}
    publics = {name: upsert(TargetPublic, {"slug": slugify(name)}, {"name": name})[0]
               for name in PUBLICS}
    departments = {t.code: t for t in Territory.objects.departments()}
    innovations = {}
    for (title, owner_name, department, theme_names, public_names, evidence, stage, summary,
         problem) in INNOVATIONS:
        owner = _structure(structures, owner_name, departments[department])
        innovation, created = upsert(Innovation, {"title": title}, {
            "owner": owner, "summary": summary, "problem": problem, "evidence_level": evidence,
            "stage": stage, "status": Innovation.Status.PUBLISHED,
        })
        if innovation.published_at is None:
            innovation.published_at = timezone.now()
            innovation.save(update_fields=["published_at"])
        sync_m2m(innovation.themes, [themes[name] for name in theme_names])
        sync_m2m(innovation.publics, [publics[name] for name in public_names])
        sync_m2m(innovation.territories, [departments[department]])
        innovations[title] = innovation
    tapaj = innovations["TAPAJ — Travail alternatif payé à la journée"]
    _seed_tapaj_model(tapaj)
    for innovation in innovations.values():
        record_revision(innovation, author=people["ines"] if innovation == tapaj else None,
                        comment="Fiche de démonstration")
        refresh_search_document(innovation)
    return innovations


def _structure(structures, name, department) -> Structure:
    for structure in structures.values():
        if structure.name == name:
            return structure
    structure, _ = upsert(Structure, {"name": name}, {
        "kind": Structure.Kind.ASSOCIATION, "department": department,
        "region": department.parent, "city": "",
        "description": "Structure porteuse d'une innovation (données de démonstration).",
    })
    structures[name] = structure
    return structure


def _seed_tapaj_model(tapaj: Innovation) -> None:
    upsert(Innovation, {"pk": tapaj.pk}, {
        "beneficiaries_per_year": 120,
        "prerequisites": "Un partenariat entre une structure d'addictologie, des employeurs "
                         "publics ou privés et les acteurs de l'insertion du territoire.",
        "success_factors": "La souplesse du premier contact ; la rémunération immédiate.",
        "failure_factors": "Des chantiers trop rares pour garder le rythme.",
        "scaling_objectives": [ScalingObjective.NUMBER_OF_TERRITORIES,
                               ScalingObjective.IMPACT_PER_BENEFICIARY],
    })
    tapaj.refresh_from_db()
    for order, (title, description) in enumerate(TAPAJ_CORE):
        upsert(Component, {"innovation": tapaj, "title": title},
               {"kind": Component.Kind.CORE, "description": description, "order": order})
    for order, (title, description) in enumerate(TAPAJ_ADAPTABLE):
        upsert(Component, {"innovation": tapaj, "title": title},
               {"kind": Component.Kind.ADAPTABLE, "description": description, "order": order})
    for order, (title, description) in enumerate(TAPAJ_STEPS):
        upsert(Step, {"innovation": tapaj, "title": title},
               {"description": description, "order": order})
    for category, label, nature, amount, unit, period in TAPAJ_ECONOMICS:
        upsert(EconomicLine, {"innovation": tapaj, "label": label}, {
            "category": category, "nature": nature, "amount": Decimal(amount), "unit": unit,
            "period": period})
    upsert(ScalingModelChoice, {"innovation": tapaj, "model": ScalingModel.SCALE_ACROSS},
           {"subtype": ScalingSubtype.FORMALISED})


# --- Calls -----------------------------------------------------------------------------------


def seed_calls(structures: dict, people: dict, innovations: dict) -> dict:
    ansa = structures["Ansa"]
    closed = _call("AIS#Emploi — appel à projets 2018", ansa, [people["alice"]],
                   opens=paris(2018, 6, 1), closes=paris(2018, 7, 13, 18),
                   description="Repérer des innovations ayant démontré leur impact pour l'accès "
                               "à l'emploi des demandeurs d'emploi de longue durée ; 2 à 3 "
                               "projets sélectionnés rejoignent l'étude de faisabilité.")
    opens, closes = current_window()
    open_call = _call("AIS#Emploi — appel à projets", ansa, [people["alice"]],
                      opens=opens, closes=closes,
                      description="Deuxième vague de l'accélérateur : innovations pour l'emploi "
                                  "des jeunes décrocheurs et des demandeurs d'emploi de longue "
                                  "durée. Un plan d'essaimage est demandé.",
                      scaling_plan=Call.ScalingPlan.REQUIRED)
    interest = _call("Générateur de solidarité — appel à manifestation d'intérêt",
                     structures["Unapei"], [people["julien"]],
                     opens=opens, closes=closes,
                     description="Les associations du réseau choisissent le dispositif qu'elles "
                                 "veulent reprendre sur leur territoire, avec l'appui de la tête "
                                 "de réseau.",
                     kind=Call.Kind.EXPRESSIONS_OF_INTEREST)
    sync_m2m(interest.offered_innovations, [
        innovations["TAPAJ — Travail alternatif payé à la journée"],
        innovations["Parler Bambin"], innovations["Cabine d'aérogommage"]])
    for call in (closed, open_call):
        _rubric(call)
    _closed_call_applications(closed, structures, people, innovations)
    upsert(Application, {"call": open_call, "structure": structures["TAPAJ"]}, {
        "title": "TAPAJ dans les quartiers prioritaires",
        "summary": "Adapter TAPAJ aux jeunes des quartiers prioritaires.",
        "created_by": people["ines"],
    })
    _pending_review(open_call, structures, people)
    carol_structure = structures["Le Fil"]
    application, _ = upsert(Application, {"call": interest, "structure": carol_structure}, {
        "title": "Reprendre la cabine d'aérogommage à Grenoble",
        "status": Application.Status.SUBMITTED, "created_by": people["carol"],
        "submitted_by": people["carol"], "submitted_at": paris(2026, 10, 5),
    })
    upsert(AdoptionChoice, {"application": application,
                            "innovation": innovations["Cabine d'aérogommage"]}, {
        "motivation": "Diversifier nos supports d'insertion avec une activité valorisante.",
        "capacity": "Un encadrant technique, un atelier de 200 m², un partenariat avec la "
                    "ressourcerie voisine."})
    return {"closed": closed, "open": open_call, "interest": interest}


def _pending_review(call, structures, people) -> None:
    """A submitted application waiting for rémi's review, so the reviewer login has work."""
    departments = {t.code: t for t in Territory.objects.departments()}
    structure = _structure(structures, "Garage solidaire du Morvan", departments["58"])
    application, _ = upsert(Application, {"call": call, "structure": structure}, {
        "title": "Garage solidaire : la mobilité pour retrouver un emploi",
        "summary": "Des réparations à prix solidaire et des véhicules prêtés aux personnes qui "
                   "reprennent un emploi loin de chez elles ; évaluation interne depuis 2022.",
        "scaling_plan": "Essaimer dans trois départements ruraux avec les garages associatifs.",
        "status": Application.Status.ELIGIBLE, "submitted_at": call.opens_at + timedelta(days=3),
    })
    upsert(ReviewAssignment, {"application": application, "reviewer": people["remi"]},
           {"college": call.colleges.get(name="Utilisateurs potentiels")})


def _call(title, organiser, managers, *, opens, closes, description,
          kind=Call.Kind.PROJECTS, scaling_plan=Call.ScalingPlan.REWARDED) -> Call:
    call, _ = upsert(Call, {"title": title}, {
        "organiser": organiser, "kind": kind, "description": description,
        "opens_at": opens, "closes_at": closes, "scaling_plan": scaling_plan,
        "published_at": opens - timedelta(days=1),
    })
    sync_m2m(call.managers, managers)
    return call


def _rubric(call: Call) -> None:
    for order, (label, kind, choices) in enumerate(QUESTIONS):
        upsert(Question, {"call": call, "label": label}, {
            "kind": kind, "choices": choices, "order": order,
            "is_required": kind != Question.Kind.FILE})
    for order, (name, weight) in enumerate(RUBRIC):
        upsert(Criterion, {"call": call, "name": name},
               {"weight": Decimal(weight), "max_score": 5, "order": order})
    upsert(College, {"call": call, "name": "Innovateurs"},
           {"description": "Des porteurs d'innovations déjà essaimées."})
    upsert(College, {"call": call, "name": "Utilisateurs potentiels"},
           {"description": "Des structures qui pourraient reprendre l'innovation."})


# applicant structure, title, decision, scores by reviewer (innovators college, users college)
CLOSED_CALL_APPLICATIONS = [
    ("Lieu ressources Emploi", "Lieu ressources", Application.Status.SELECTED, [5, 4, 4, 3, 4, 4],
     [4, 4, 5, 3, 4, 4]),
    ("Rallyes pour l'emploi", "Rallyes pour l'emploi", Application.Status.SELECTED,
     [4, 4, 5, 3, 4, 3], [4, 5, 4, 2, 4, 4]),
    ("Jeun'ESS Créative", "Jeun'ESS Créative", Application.Status.WAITING_LIST,
     [3, 4, 4, 3, 3, 3], [3, 3, 4, 2, 4, 3]),
]


def _closed_call_applications(call, structures, people, innovations) -> None:
    departments = {t.code: t for t in Territory.objects.departments()}
    criteria = list(call.criteria.order_by("order"))
    innovators, users = list(call.colleges.order_by("pk"))
    reviewers = [(people["ines"], innovators), (people["remi"], users)]
    for owner, title, decision, *scores in CLOSED_CALL_APPLICATIONS:
        structure = _structure(structures, owner, departments["75"])
        application, _ = upsert(Application, {"call": call, "structure": structure}, {
            "title": title, "summary": f"{title} : une innovation pour l'accès à l'emploi.",
            "status": decision, "submitted_at": paris(2018, 7, 10),
            "decided_at": paris(2018, 9, 20), "decided_by": people["alice"],
            "decision_message": "Merci pour votre candidature ; le comité de sélection a "
                                "rendu son avis.",
            "innovation": innovations.get(title),
        })
        for (reviewer, college), values in zip(reviewers, scores):
            assignment, _ = upsert(ReviewAssignment,
                                   {"application": application, "reviewer": reviewer}, {
                                       "college": college,
                                       "status": ReviewAssignment.Status.SUBMITTED,
                                       "submitted_at": paris(2018, 9, 1),
                                       "weighted_score": _weighted(criteria, values)})
            for criterion, value in zip(criteria, values):
                upsert(Score, {"assignment": assignment, "criterion": criterion},
                       {"value": value})


def _weighted(criteria, values) -> Decimal:
    total = sum(c.weight for c in criteria)
    weighted = sum(Decimal(v) / c.max_score * c.weight for c, v in zip(criteria, values))
    return (weighted / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Resources and endorsements -----------------------------------------------------------------


RESOURCES = [
    ("Mode d'emploi TAPAJ", "TAPAJ — Travail alternatif payé à la journée",
     Resource.Kind.GUIDE, "https://example.org/tapaj/mode-emploi.pdf"),
    ("Modèle de convention avec les employeurs",
     "TAPAJ — Travail alternatif payé à la journée", Resource.Kind.TEMPLATE,
     "https://example.org/tapaj/convention.docx"),
    ("Échelle de fidélité Logement d'abord", "Logement d'abord", Resource.Kind.EVALUATION_TOOL,
     "https://example.org/logement-d-abord/echelle-fidelite.pdf"),
    ("Support de formation-action", "Parler Bambin", Resource.Kind.TRAINING,
     "https://example.org/parler-bambin/formation.pdf"),
    ("L'essaimage à l'épreuve du terrain", None, Resource.Kind.GUIDE,
     "https://www.solidarites-actives.com/"),
    ("Grille de caractérisation du modèle économique", None, Resource.Kind.EVALUATION_TOOL,
     "https://example.org/grille-modele-economique.xlsx"),
]


def seed_bank(structures: dict, people: dict, innovations: dict) -> None:
    for title, innovation_title, kind, url in RESOURCES:
        innovation = innovations.get(innovation_title) if innovation_title else None
        resource, _ = upsert(Resource, {"title": title}, {
            "innovation": innovation, "kind": kind, "url": url,
            "structure": innovation.owner if innovation else structures["Ansa"],
            "created_by": people["alice"], "licence": Resource.Licence.CC_BY_SA,
        })
        search_text = resource_search_text(resource)
        if resource.search_text != search_text:
            Resource.objects.filter(pk=resource.pk).update(search_text=search_text)
        upsert(ResourceRating, {"resource": resource, "user": people["bob"]}, {"stars": 5})
    tapaj = innovations["TAPAJ — Travail alternatif payé à la journée"]
    upsert(Endorsement, {"innovation": tapaj, "user": people["bob"],
                         "kind": Endorsement.Kind.WANT_TO_ADOPT}, {
        "structure": structures["Essor Emploi Nièvre"],
        "comment": "Nous voulons proposer TAPAJ aux jeunes de Nevers."})
    upsert(Endorsement, {"innovation": innovations["Parler Bambin"], "user": people["carol"],
                         "kind": Endorsement.Kind.RUN_IT}, {"structure": structures["Le Fil"]})
