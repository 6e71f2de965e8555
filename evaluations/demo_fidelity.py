"""Demo data: a French fidelity scale for a scaling project and two assessments per site.

Inspired by the Logement d'abord (Housing First) fidelity scale of seed 000: items grouped in
domains, four worded levels each, the total as a share of the maximum. The project's core
components come first, as items of their own domain; the other domains adapt the Housing First
scale's themes (access, choice, separation of housing and support, recovery orientation,
partnerships) to an inclusion programme. Called by seed_demo; safe to call twice.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from programmes.models import AdopterSite, ScalingProject

from .models import (
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityLevelDescription,
    FidelityRating,
    FidelityScale,
)
from .services.fidelity import core_components

CORE_LEVELS = [
    "Composante absente ou non mise en œuvre.",
    "Mise en œuvre partielle ou occasionnelle, sans organisation stable.",
    "Mise en œuvre pour la plupart des personnes, avec des écarts au modèle.",
    "Mise en œuvre complète, régulière et conforme au modèle.",
]

DOMAINS = [
    ("Accès et public accueilli", [
        ("Accès direct, sans condition préalable",
         "Les personnes entrent dans le dispositif sans étape préalable ni exigence de "
         "« capacité » à démontrer.",
         ["Entrée réservée à celles et ceux qui ont validé plusieurs étapes préalables.",
          "Des conditions d'entrée subsistent (assiduité, sevrage, projet formalisé).",
          "Peu de conditions ; quelques refus motivés par l'organisation du site.",
          "Aucune condition préalable : le dispositif s'adapte à la personne."]),
        ("Public prioritaire atteint",
         "Le site accueille le public visé par le modèle (personnes les plus éloignées).",
         ["Moins d'un quart des personnes accueillies relèvent du public visé.",
          "Entre un quart et la moitié relèvent du public visé.",
          "Entre la moitié et les trois quarts relèvent du public visé.",
          "Plus des trois quarts relèvent du public visé."]),
    ]),
    ("Choix et autodétermination", [
        ("Choix de la personne",
         "La personne choisit son parcours, le rythme et les objectifs de l'accompagnement.",
         ["Les objectifs sont fixés par l'équipe.",
          "La personne est consultée mais l'équipe décide.",
          "Les objectifs sont construits avec la personne la plupart du temps.",
          "La personne décide de ses objectifs ; l'équipe soutient ses choix."]),
        ("Séparation de l'activité et de l'accompagnement",
         "Perdre ou quitter l'activité ne fait pas perdre l'accompagnement, et inversement.",
         ["L'accompagnement s'arrête avec l'activité.",
          "L'accompagnement continue parfois, au cas par cas.",
          "L'accompagnement continue en règle générale, sans écrit.",
          "La continuité de l'accompagnement est garantie et écrite."]),
    ]),
    ("Accompagnement", [
        ("Intensité et disponibilité de l'accompagnement",
         "Fréquence des contacts et capacité à répondre vite en cas de difficulté.",
         ["Moins d'un contact par mois.",
          "Un contact par mois environ.",
          "Un contact par semaine ; délais de réponse de quelques jours.",
          "Contacts adaptés au besoin, jusqu'à plusieurs par semaine ; réponse sous 24 h."]),
        ("Orientation vers le rétablissement et réduction des risques",
         "L'équipe s'appuie sur les forces des personnes et accompagne sans jugement les "
         "conduites à risque.",
         ["Approche centrée sur les manques ; les rechutes entraînent une sortie.",
          "Quelques pratiques de réduction des risques, non partagées par l'équipe.",
          "Pratiques partagées, formalisées dans le projet du site.",
          "Pratiques partagées, formalisées et évaluées avec les personnes."]),
    ]),
    ("Partenariats et ancrage territorial", [
        ("Partenariats opérationnels",
         "Le site travaille avec les acteurs du territoire (SPE, santé, logement, employeurs).",
         ["Pas de partenariat formalisé.",
          "Des contacts ponctuels avec quelques acteurs.",
          "Des conventions avec les principaux acteurs.",
          "Un réseau actif qui se réunit et oriente les personnes régulièrement."]),
        ("Pair-aidance et participation",
         "Les personnes accompagnées et des pairs participent à la vie du dispositif.",
         ["Aucune participation des personnes.",
          "Participation consultative ponctuelle.",
          "Instance de participation régulière.",
          "Pairs intégrés à l'équipe et participation aux décisions du site."]),
    ]),
]


def _add_item(domain, position, label, description, levels, component=None):
    item = FidelityItem.objects.create(domain=domain, position=position, label=label[:200],
                                       description=description, component=component)
    FidelityLevelDescription.objects.bulk_create([
        FidelityLevelDescription(item=item, level=level, description=text)
        for level, text in enumerate(levels, start=1)])
    return item


@transaction.atomic
def build_demo_fidelity(project: ScalingProject, sites: list[AdopterSite]) -> FidelityScale:
    """Give the project a French fidelity scale, if it has none with items, and each site two
    completed assessments a year apart (a self-assessment, then an external one) that show
    progress with a few items still needing support."""
    scale, _created = FidelityScale.objects.get_or_create(
        project=project, defaults={"title": f"Échelle de fidélité au modèle — {project.title}"
                                   [:200], "max_level": 4, "alert_threshold": 2})
    if not FidelityItem.objects.filter(domain__scale=scale).exists():
        components = list(core_components(project))
        position = 0
        if components:
            core = FidelityDomain.objects.create(scale=scale, name="Cœur du modèle",
                                                 position=position)
            for index, component in enumerate(components):
                _add_item(core, index, component.title,
                          component.description or "Composante non négociable du modèle.",
                          CORE_LEVELS, component=component)
            position += 1
        for name, items in DOMAINS:
            domain = FidelityDomain.objects.create(scale=scale, name=name, position=position)
            position += 1
            for index, (label, description, levels) in enumerate(items):
                _add_item(domain, index, label, description, levels)

    items = list(FidelityItem.objects.filter(domain__scale=scale)
                 .order_by("domain__position", "position", "pk"))
    today = timezone.localdate()
    for site in sites:
        # The same site always gets the same levels: the demo reads the same after a rebuild.
        draw = random.Random(f"fidelity-{site.pk}")
        first_levels = [draw.choice((1, 2, 2, 3, 3)) for _item in items]
        for assessed_on, method, levels in (
            (today - timedelta(days=365), FidelityAssessment.Method.SELF_ASSESSMENT,
             first_levels),
            (today - timedelta(days=45), FidelityAssessment.Method.EXTERNAL,
             [min(4, level + draw.choice((0, 1, 1, 2))) for level in first_levels]),
        ):
            assessment, created = FidelityAssessment.objects.get_or_create(
                site=site, assessed_on=assessed_on, method=method,
                defaults={"status": FidelityAssessment.Status.COMPLETED,
                          "rater_name": "" if method == FidelityAssessment.Method.SELF_ASSESSMENT
                          else "Cabinet d'évaluation Itinéraires"})
            if not created:
                continue
            FidelityRating.objects.bulk_create([
                FidelityRating(assessment=assessment, item=item, level=level,
                               comment="Point de vigilance : appui à prévoir."
                               if level <= scale.alert_threshold else "")
                for item, level in zip(items, levels, strict=True)])
    return scale
