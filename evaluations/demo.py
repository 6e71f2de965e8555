"""Demo data for the evaluations: AIS#Emploi's projects in their evaluation phases (seed 002:
"Phase 3 : VITA ; Phases 2 et 3 : PG ; Phase 1 : TAPAJ / SOLENI"), a small library of standard
indicators, TAPAJ's indicator framework with two years of quarterly values from its two sites
(some missing, one value returned, the last quarter waiting for validation), a fidelity
scale with assessments and an open self-assessment questionnaire. Goes through the services,
as users would; safe to run again.
"""

from datetime import date, timedelta

from django.utils import timezone

from essaimage.demo import upsert
from innovations.models import EconomicLine
from programmes.models import AdopterSite, ScalingProject

from .demo_fidelity import build_demo_fidelity
from .models import (
    Question,
    Questionnaire,
    EvaluationPhase,
    EvaluationPlan,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    SiteReport,
    StandardIndicator,
    StandardScaleLevel,
)
from .services import indicators as indicator_services
from .services import questionnaires as questionnaire_services
from .services import reporting

Phase = EvaluationPhase.Number
Method = EvaluationPhase.Method
Status = EvaluationPhase.Status

FIRST_QUARTER = date(2019, 1, 1)
LAST_QUARTER = date(2020, 10, 1)

# Per project (by innovation title): the status of phases 1, 2 and 3.
PHASE_STATUSES = {
    "VITA Air": (Status.COMPLETED, Status.COMPLETED, Status.IN_PROGRESS),
    "Parcours Gardien": (Status.COMPLETED, Status.IN_PROGRESS, Status.IN_PROGRESS),
    "TAPAJ — Travail alternatif payé à la journée": (Status.IN_PROGRESS, Status.PLANNED,
                                                      Status.PLANNED),
    "SOLENI": (Status.IN_PROGRESS, Status.PLANNED, Status.PLANNED),
}

PHASES = {
    Phase.PROCESS: {
        "questions": "Le modèle est-il mis en œuvre comme prévu sur les sites essaimés ?\n"
                     "Les équipes se sont-elles approprié les composantes essentielles ?",
        "methods": [Method.QUALITATIVE, Method.SELF_ASSESSMENT, Method.PEER_ASSESSMENT],
        "evaluator": "Ansa, avec les sites (auto-évaluation et visites croisées)",
        "findings": "Les sites appliquent les composantes essentielles ; l'accès sans condition "
                    "préalable demande un appui renforcé au démarrage.",
        "conclusion": "La mise en œuvre est conforme au modèle, avec deux points de vigilance "
                      "suivis en comité technique.",
    },
    Phase.RESULTS: {
        "questions": "Quels résultats pour les personnes accompagnées : reprise d'activité, "
                     "accès aux droits, sorties vers l'emploi ou la formation ?",
        "methods": [Method.QUANTITATIVE, Method.EXTERNAL_EVALUATOR],
        "evaluator": "Cabinet d'évaluation indépendant",
        "findings": "Six personnes sur dix ont une sortie positive à un an.",
        "conclusion": "Les résultats tiennent sur les nouveaux territoires.",
    },
    Phase.IMPACT: {
        "questions": "Quels coûts évités pour la collectivité ? À quelles conditions "
                     "généraliser ?",
        "methods": [Method.QUANTITATIVE, Method.COMPARISON_GROUP],
        "evaluator": "Équipe de recherche associée (Dares)",
        "findings": "",
        "conclusion": "",
    },
}

STANDARD_INDICATORS = [
    {"code": "STD-PERS-ACC", "name": "Personnes accompagnées", "unit": "personnes",
     "measure": Indicator.Measure.NUMBER, "period_aggregation": Indicator.PeriodAggregation.SUM,
     "counts_people_reached": True, "phase": Phase.PROCESS,
     "definition": "Personnes entrées dans le dispositif pendant la période.",
     "data_source": "Fichier de suivi des entrées du site."},
    {"code": "STD-SORTIE-POS", "name": "Taux de sorties positives",
     "measure": Indicator.Measure.PERCENTAGE,
     "period_aggregation": Indicator.PeriodAggregation.SUM, "phase": Phase.RESULTS,
     "definition": "Sorties vers l'emploi, la formation ou un dispositif d'insertion, parmi "
                   "toutes les sorties de la période.",
     "data_source": "Fiches de sortie."},
    {"code": "STD-HEURES", "name": "Heures de travail rémunérées", "unit": "heures",
     "measure": Indicator.Measure.NUMBER, "period_aggregation": Indicator.PeriodAggregation.SUM,
     "phase": Phase.RESULTS, "definition": "Heures payées aux personnes accompagnées.",
     "data_source": "Bulletins de paie."},
]

APPROPRIATION_LEVELS = [
    (1, "Découverte", "L'équipe connaît le modèle mais ne l'applique pas encore."),
    (2, "Appropriation partielle", "Certaines composantes sont appliquées."),
    (3, "Appropriation", "Les composantes essentielles sont appliquées au quotidien."),
    (4, "Autonomie", "L'équipe adapte le modèle et le transmet à son tour."),
]

# (people accompanied, hours paid, positive exits, exits, appropriation level) per quarter,
# from the first quarter of 2019; None: the site did not report that quarter.
SITE_FIGURES = {
    "58": [(6, 410, 2, 4, 2), (8, 520, 3, 5, 2), (7, 480, 4, 6, 3), (9, 610, 4, 6, 3),
           (10, 650, 5, 7, 3), (8, 560, 5, 8, 3), (11, 720, 6, 9, 4), (12, 800, 7, 10, 4)],
    "38": [None, None, (4, 260, 1, 3, 1), (5, 330, 2, 4, 2),
           None, (6, 400, 3, 5, 2), (7, 450, 3, 5, 3), (8, 520, 4, 6, 3)],
}


def seed_evaluations(people, projects) -> None:
    alice = people["alice"]
    _library()
    for title, statuses in PHASE_STATUSES.items():
        _plan(projects[title], statuses)
    tapaj = projects["TAPAJ — Travail alternatif payé à la journée"]
    indicators = _framework(tapaj, alice)
    sites = list(AdopterSite.objects.filter(project=tapaj).select_related("territory"))
    periods = reporting.generate_periods(tapaj, Indicator.Frequency.QUARTERLY, FIRST_QUARTER,
                                         LAST_QUARTER, user=alice)
    _targets(indicators, alice)
    for site in sites:
        _reports(site, periods, indicators, people)
    build_demo_fidelity(tapaj, sites)
    _self_assessment(tapaj, sites, people)


def _library() -> None:
    for fields in STANDARD_INDICATORS:
        code, definition = fields["code"], {k: v for k, v in fields.items() if k != "code"}
        upsert(StandardIndicator, {"code": code}, definition)
    appropriation, _ = upsert(StandardIndicator, {"code": "STD-APPROPRIATION"}, {
        "name": "Appropriation du modèle par l'équipe du site",
        "kind": Indicator.Kind.QUALITATIVE, "measure": "", "phase": Phase.PROCESS,
        "period_aggregation": Indicator.PeriodAggregation.LATEST,
        "site_aggregation": Indicator.SiteAggregation.AVERAGE,
        "definition": "Niveau d'appropriation observé lors du point trimestriel.",
    })
    for value, label, description in APPROPRIATION_LEVELS:
        upsert(StandardScaleLevel, {"standard": appropriation, "value": value},
               {"label": label, "description": description})


def _plan(project: ScalingProject, statuses) -> None:
    plan, _ = upsert(EvaluationPlan, {"project": project}, {
        "summary": "Évaluation en trois phases, co-construite avec le comité de pilotage."})
    for number, status in zip(Phase, statuses, strict=True):
        fields = dict(PHASES[number], status=status,
                      starts_on=date(2018 + number - 1, 1, 1),
                      ends_on=date(2018 + number, 6, 30))
        if status != Status.COMPLETED:
            fields["conclusion"] = ""
        if status == Status.PLANNED:
            fields["findings"] = ""
        upsert(EvaluationPhase, {"plan": plan, "number": number}, fields)


def _framework(project: ScalingProject, user) -> dict[str, Indicator]:
    """The library's indicators, copied into the project; the costs avoided line of TAPAJ's
    economic model gives a value to each person accompanied."""
    indicators = {}
    for standard in StandardIndicator.objects.filter(code__startswith="STD-").order_by("code"):
        indicator = project.indicators.filter(code=standard.code).first()
        indicators[standard.code] = indicator or indicator_services.add_indicator_from_standard(
            project, standard, user)
    cost_line = EconomicLine.objects.filter(innovation=project.innovation,
                                            category=EconomicLine.Category.COST_AVOIDED).first()
    people_accompanied = indicators["STD-PERS-ACC"]
    if cost_line and people_accompanied.cost_avoided_line_id != cost_line.pk:
        indicator_services.update_indicator(people_accompanied, user=user,
                                            cost_avoided_line=cost_line)
    return indicators


def _targets(indicators, user) -> None:
    for year in (2019, 2020):
        end = date(year, 12, 31)
        indicator_services.set_target(indicators["STD-PERS-ACC"], user=user, period_end=end,
                                      value="60" if year == 2019 else "80")
        indicator_services.set_target(indicators["STD-HEURES"], user=user, period_end=end,
                                      value="3500" if year == 2019 else "4500")
        indicator_services.set_target(indicators["STD-SORTIE-POS"], user=user, period_end=end,
                                      value="50" if year == 2019 else "60")
        indicator_services.set_target(indicators["STD-APPROPRIATION"], user=user,
                                      period_end=end, level=3 if year == 2019 else 4)


def _reports(site: AdopterSite, periods: list[ReportingPeriod], indicators, people) -> None:
    """Enter, submit and validate each quarter as the site and the staff would; the last
    quarter stays submitted (Nièvre) or returned with a comment (Isère)."""
    reporter = people["bob"] if site.territory.code == "58" else people["carol"]
    alice = people["alice"]
    for index, (period, figures) in enumerate(zip(periods, SITE_FIGURES[site.territory.code],
                                                  strict=True)):
        if figures is None or SiteReport.objects.filter(site=site, period=period).exists():
            continue
        accompanied, hours, positive, exits, level = figures
        report = reporting.open_report(site, period, reporter)
        reporting.save_values(report, [
            reporting.Entry(indicators["STD-PERS-ACC"], value=accompanied),
            reporting.Entry(indicators["STD-HEURES"], value=hours),
            reporting.Entry(indicators["STD-SORTIE-POS"], numerator=positive,
                            denominator=exits),
            reporting.Entry(indicators["STD-APPROPRIATION"], level=level,
                            narrative="Point trimestriel avec l'équipe."),
        ], reporter)
        reporting.submit_report(report, reporter)
        if index < len(periods) - 1:
            reporting.validate_report(report, alice)
        elif site.territory.code == "38":
            value = IndicatorValue.objects.get(report=report,
                                               indicator=indicators["STD-HEURES"])
            reporting.return_value(value, alice, "Le total ne correspond pas aux bulletins de "
                                                 "paie transmis : pouvez-vous vérifier ?")


SELF_ASSESSMENT = "Auto-évaluation de l'appropriation du modèle TAPAJ"
QUESTIONS = [
    {"label": "L'équipe maîtrise-t-elle l'accueil sans condition préalable ?",
     "kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 5,
     "scale_min_label": "Pas du tout", "scale_max_label": "Tout à fait"},
    {"label": "Les partenaires locaux (mission locale, CSAPA) sont-ils mobilisés ?",
     "kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 5,
     "scale_min_label": "Pas du tout", "scale_max_label": "Tout à fait"},
    {"label": "Sur quoi souhaitez-vous être accompagnés ?",
     "kind": Question.Kind.MULTIPLE_CHOICE,
     "choices": ["Relations avec les employeurs", "Accompagnement des jeunes",
                 "Financement du site", "Évaluation"]},
    {"label": "Ce qui a le mieux fonctionné ce semestre", "kind": Question.Kind.TEXT,
     "required": False},
]


def _self_assessment(project: ScalingProject, sites, people) -> None:
    """A self-assessment open now, sent to both sites: Nièvre has answered, Isère has not."""
    if Questionnaire.objects.filter(project=project, title=SELF_ASSESSMENT).exists():
        return
    alice, today = people["alice"], timezone.localdate()
    questionnaire = questionnaire_services.create_questionnaire(
        project, by=alice, kind=Questionnaire.Kind.SELF_ASSESSMENT, title=SELF_ASSESSMENT,
        introduction="Un point d'étape avant le prochain comité de pilotage.",
        opens_on=today - timedelta(days=7), closes_on=today + timedelta(days=21))
    questions = [questionnaire_services.add_question(questionnaire, by=alice, **fields)
                 for fields in QUESTIONS]
    questionnaire_services.open_questionnaire(questionnaire, by=alice)
    assignments = questionnaire_services.send_questionnaire(
        questionnaire, by=alice, sites=sites, due_on=today + timedelta(days=14))
    for assignment in assignments:
        if assignment.site and assignment.site.territory.code == "58":
            questionnaire_services.save_answers(assignment, by=people["bob"], submit=True,
                                                answers={
                questions[0]: 4, questions[1]: 3,
                questions[2]: ["Relations avec les employeurs", "Évaluation"],
                questions[3]: "Les chantiers avec le bailleur social de Nevers."})
