"""Demo data for the community of AIS#Emploi's adopters: the TAPAJ 2019 cohort's space with
a pinned welcome, a question carol asked and bob answered (marked helpful), a discussion
with a message hidden by moderation, a co-development session where carol brought her
problem, a meet-up to come with seats left and a past webinar with its report, and the
notifications that all this left. Safe to run again: dates hang on the current month.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from communities.models import (
    CodevContribution,
    CodevSession,
    Event,
    EventRegistration,
    Notification,
    Post,
    Thread,
)
from essaimage.demo import sync_m2m, upsert

from .models import Cohort
from .services.community import ensure_cohort_space, ensure_programme_space

WELCOME = (
    "Bienvenue dans l'espace de la promotion TAPAJ 2019 !\n\n"
    "Ici, les sites qui reprennent TAPAJ partagent leurs questions, leurs outils et leurs "
    "réussites. Quelques règles simples :\n\n"
    "- posez vos questions aux pairs avec le type **Question** : celle ou celui qui a posé "
    "la question marque la réponse qui l'a aidé ;\n"
    "- mentionnez quelqu'un avec @Prénom Nom pour le prévenir ;\n"
    "- les documents partagés restent dans l'espace de la promotion."
)
QUESTION = (
    "Nous démarrons les premières journées de travail en Isère. Comment avez-vous convaincu "
    "les bailleurs sociaux de proposer des chantiers d'une demi-journée ? Les nôtres "
    "trouvent le format trop court pour être rentable."
)
ANSWER = (
    "Dans la Nièvre, nous avons commencé par un seul chantier test avec Nièvre Habitat : "
    "entretien d'espaces verts, 4 heures, 3 jeunes et un encadrant. Le bailleur a vu que "
    "le travail était fait et que les jeunes revenaient. Ensuite la convention a suivi.\n\n"
    "Ce qui a aidé : présenter le **coût évité** (une nuitée d'hébergement d'urgence) plutôt "
    "que le prix de la prestation. @Carole Dubois je vous envoie notre trame de convention."
)
THANKS = "Merci Bob, c'est exactement ce qu'il nous fallait. Nous tentons un chantier test."
DISCUSSION = (
    "Partageons nos outils de suivi des heures travaillées : tableur, application, "
    "carnet papier ? Nous utilisons un tableur partagé avec le référent du CCAS."
)
OFF_TOPIC = "Vends vélo cargo, très bon état, prix à débattre."


def month_start() -> datetime:
    """The start of the current month, Paris time: stable all month, so a re-run changes
    nothing."""
    now = timezone.localtime()
    return now.replace(day=1, hour=9, minute=0, second=0, microsecond=0)


def seed_community(programmes, people) -> dict:
    ais = programmes["ais"]
    cohort = Cohort.objects.get(programme=ais, name="Promotion TAPAJ 2019")
    space = ensure_cohort_space(cohort)
    ensure_programme_space(ais)
    anchor = month_start()
    _threads(space, people, anchor)
    _codev(space, people, anchor)
    _events(space, people, anchor)
    _notifications(space, people, anchor)
    return {"space": space}


def _thread(space, *, title, kind, author, created_at, **values):
    thread, _ = upsert(Thread, {"space": space, "title": title}, {
        "kind": kind, "author": author, "created_at": created_at, **values})
    return thread


def _post(thread, *, author, body, created_at, opening=False, **values):
    post, _ = upsert(Post, {"thread": thread, "author": author, "created_at": created_at}, {
        "body": body, "is_opening": opening, **values})
    return post


def _threads(space, people, anchor) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    welcome_at = anchor - timedelta(days=60)
    welcome = _thread(space, title="Bienvenue dans l'espace de la promotion",
                      kind=Thread.Kind.DISCUSSION, author=alice, created_at=welcome_at,
                      last_activity_at=welcome_at, is_pinned=True, reply_count=0)
    _post(welcome, author=alice, body=WELCOME, created_at=welcome_at, opening=True)

    asked_at = anchor - timedelta(days=12)
    answered_at = asked_at + timedelta(hours=5)
    thanked_at = answered_at + timedelta(hours=2)
    question = _thread(space, title="Convaincre les bailleurs sociaux de proposer des chantiers",
                       kind=Thread.Kind.QUESTION, author=carol, created_at=asked_at,
                       last_activity_at=thanked_at, reply_count=2)
    _post(question, author=carol, body=QUESTION, created_at=asked_at, opening=True)
    answer = _post(question, author=bob, body=ANSWER, created_at=answered_at)
    sync_m2m(answer.mentions, [carol])
    _post(question, author=carol, body=THANKS, created_at=thanked_at)
    if question.helpful_post_id != answer.pk:
        question.helpful_post = answer
        question.save(update_fields=["helpful_post"])

    shared_at = anchor - timedelta(days=5)
    hidden_at = shared_at + timedelta(hours=3)
    discussion = _thread(space, title="Quels outils pour suivre les heures travaillées ?",
                         kind=Thread.Kind.DISCUSSION, author=bob, created_at=shared_at,
                         last_activity_at=hidden_at, reply_count=1)
    _post(discussion, author=bob, body=DISCUSSION, created_at=shared_at, opening=True)
    _post(discussion, author=carol, body=OFF_TOPIC, created_at=hidden_at, is_hidden=True,
          hidden_reason="Hors sujet : les petites annonces n'ont pas leur place ici.",
          hidden_by=alice)


def _codev(space, people, anchor) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    session, _ = upsert(CodevSession, {"space": space, "title": "Garder les jeunes après le "
                                                                "premier mois"}, {
        "case_holder": carol, "facilitator": alice,
        "scheduled_at": anchor - timedelta(days=8), "place": "Visioconférence",
        "step": CodevSession.Step.ACTION_PLAN,
        "problem_statement": (
            "Sur nos douze premiers jeunes, la moitié ne revient plus après le premier mois. "
            "Les journées se passent bien, mais le lien se perd entre deux chantiers."),
        "expectation": "Des idées concrètes pour garder le contact entre deux journées.",
        "action_plan": (
            "1. Un SMS la veille de chaque chantier, envoyé par l'encadrant.\n"
            "2. Un temps d'accueil collectif le lundi matin au local.\n"
            "3. Faire le point à six semaines avec la Mission locale."),
    })
    sync_m2m(session.consultants, [bob])
    for kind, text in [
        (CodevContribution.Kind.QUESTION, "Les jeunes ont-ils un référent unique chez vous ?"),
        (CodevContribution.Kind.ADVICE, "Chez nous, le SMS de la veille a tout changé : "
                                        "présence de 60 % à 85 % en deux mois."),
    ]:
        upsert(CodevContribution, {"session": session, "kind": kind, "author": bob},
               {"text": text})


def _events(space, people, anchor) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    meetup_at = anchor + timedelta(days=45, hours=1)
    meetup, _ = upsert(Event, {"title": "Rencontre de la promotion TAPAJ à Nevers"}, {
        "kind": Event.Kind.VISIT, "organiser": alice, "capacity": 12,
        "starts_at": meetup_at, "ends_at": meetup_at + timedelta(hours=6),
        "place": "Essor Emploi Nièvre, 12 rue des Ateliers, 58000 Nevers",
        "description": "Une journée sur le site de Nevers : visite d'un chantier, échanges "
                       "entre encadrants, déjeuner partagé.",
        "agenda": "- 10 h : accueil et café\n- 10 h 30 : visite d'un chantier\n"
                  "- 12 h 30 : déjeuner\n- 14 h : atelier « garder le lien avec les jeunes »",
    })
    sync_m2m(meetup.spaces, [space])
    upsert(EventRegistration, {"event": meetup, "person": carol}, {"status": "registered"})

    webinar_at = anchor - timedelta(days=20, hours=-5)
    webinar, _ = upsert(Event, {"title": "Webinaire : déclarer ses indicateurs"}, {
        "kind": Event.Kind.WEBINAR, "organiser": alice, "capacity": None,
        "starts_at": webinar_at, "ends_at": webinar_at + timedelta(hours=1, minutes=30),
        "link": "https://visio.essaimage.test/indicateurs",
        "description": "Comment déclarer chaque trimestre, et que faire d'une valeur renvoyée.",
        "report": "Douze participants. Les questions ont porté sur les pourcentages "
                  "(numérateur et dénominateur) et sur les périodes manquantes. La trame "
                  "de suivi des heures est dans la boîte à outils.",
    })
    sync_m2m(webinar.spaces, [space])
    for person in (bob, carol):
        upsert(EventRegistration, {"event": webinar, "person": person},
               {"status": "registered", "attended": True})


def _notifications(space, people, anchor) -> None:
    bob, carol = people["bob"], people["carol"]
    question = Thread.objects.get(space=space, kind=Thread.Kind.QUESTION)
    for recipient, actor, kind, title, days in [
        (carol, bob, Notification.Kind.REPLY,
         f"Bob Lefèvre a répondu dans « {question.title} »", 12),
        (carol, bob, Notification.Kind.MENTION,
         f"Bob Lefèvre vous a mentionnée dans « {question.title} »", 12),
        (bob, carol, Notification.Kind.HELPFUL_ANSWER,
         f"Votre réponse a été marquée utile dans « {question.title} »", 11),
    ]:
        upsert(Notification, {"recipient": recipient, "kind": kind, "title": title}, {
            "actor": actor, "url": question.get_absolute_url(),
            "created_at": anchor - timedelta(days=days)})
