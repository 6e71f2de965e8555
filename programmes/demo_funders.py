"""Demo funders of AIS#Emploi: the DGEFP (fanny), the Région Auvergne-Rhône-Alpes and the
Fondation pour l'essaimage solidaire take options on the projects of VITA Air, Parcours
Gardien and SOLENI, whose adopter sites, strategies and trainings give the funders'
dashboards realistic figures for 2020. Safe to run again."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from communities.models import Membership, Structure, Territory, User
from essaimage.demo import DEMO_DOMAIN, upsert

from .models import (
    AdopterSite,
    FundingOption,
    FundingPool,
    OptionSite,
    Payment,
    Registration,
    ScalingStrategy,
    StrategyModel,
    TrainingModule,
    TrainingSession,
)

PARIS = ZoneInfo("Europe/Paris")
REGION = "Région Auvergne-Rhône-Alpes"
FOUNDATION = "Fondation pour l'essaimage solidaire"

# project's innovation, scaling model and sub-type, adopter sites: (structure, département,
# city, postal code, status, start, one person trained)
PROJECTS = {
    "VITA Air": ("scale_up", "franchised", [
        ("Régie de quartier Lyon 8e", "69", "Lyon", "69008", "launched", date(2019, 9, 1),
         ("Léa", "Garnier")),
        ("Entraide Emploi Grenoble", "38", "Grenoble", "38000", "launched", date(2019, 10, 1),
         ("Mehdi", "Haddad")),
        ("Tremplin Clermont", "63", "Clermont-Ferrand", "63000", "trained", date(2020, 3, 1),
         ("Sophie", "Lambert")),
    ]),
    "Parcours Gardien": ("scale_out", "horizontal", [
        ("Habitat Solidaire Saint-Étienne", "42", "Saint-Étienne", "42000", "launched",
         date(2019, 11, 1), ("Julie", "Perrin")),
        ("Gardiens d'Avenir Villeurbanne", "69", "Villeurbanne", "69100", "autonomous",
         date(2019, 6, 1), ("Karim", "Benoît")),
    ]),
    "SOLENI": ("scale_together", "strategic", [
        ("Solidarités Emploi Lille", "59", "Lille", "59000", "launched", date(2020, 2, 1),
         ("Nathalie", "Roussel")),
    ]),
}

# funder, project, amount, lead, status, optioned on, confirmed on,
# [(site, share)], [(site or None, amount, paid on, reference)]
OPTIONS = [
    ("DGEFP", "VITA Air", "80000", True, "confirmed", date(2019, 5, 2), date(2019, 7, 1),
     [("Régie de quartier Lyon 8e", "40000"), ("Entraide Emploi Grenoble", "40000")],
     [("Régie de quartier Lyon 8e", "20000", date(2019, 9, 15), "DGEFP-VITA-01"),
      ("Entraide Emploi Grenoble", "20000", date(2020, 2, 10), "DGEFP-VITA-02"),
      ("Régie de quartier Lyon 8e", "15000", date(2020, 9, 20), "DGEFP-VITA-03")]),
    (REGION, "VITA Air", "50000", False, "confirmed", date(2019, 6, 12), date(2019, 12, 5),
     [("Tremplin Clermont", "25000"), ("Régie de quartier Lyon 8e", "25000")],
     [("Tremplin Clermont", "12500", date(2020, 4, 3), "ARA-2020-117")]),
    (FOUNDATION, "VITA Air", "30000", False, "optioned", date(2020, 1, 20), None,
     [("Entraide Emploi Grenoble", "30000")], []),
    (REGION, "Parcours Gardien", "45000", True, "confirmed", date(2019, 3, 1),
     date(2019, 5, 15),
     [("Habitat Solidaire Saint-Étienne", "20000"), ("Gardiens d'Avenir Villeurbanne", "25000")],
     [("Gardiens d'Avenir Villeurbanne", "25000", date(2019, 7, 1), "ARA-2019-042"),
      ("Habitat Solidaire Saint-Étienne", "10000", date(2020, 1, 15), "ARA-2020-009")]),
    ("DGEFP", "Parcours Gardien", "35000", False, "optioned", date(2020, 5, 4), None, [], []),
    ("DGEFP", "SOLENI", "25000", True, "confirmed", date(2019, 10, 1), date(2020, 1, 6),
     [("Solidarités Emploi Lille", "25000")],
     [(None, "10000", date(2020, 3, 2), "DGEFP-SOL-01")]),
]


def seed_funders(structures, people, projects) -> dict[str, Structure]:
    """The Région, sites on three more projects of AIS#Emploi, their strategy and training,
    and the pooled grant options of three funders."""
    departments = {t.code: t for t in Territory.objects.departments()}
    region, _ = upsert(Structure, {"name": REGION}, {
        "kind": Structure.Kind.LOCAL_AUTHORITY, "department": departments["69"],
        "region": departments["69"].parent, "city": "Lyon", "postal_code": "69002",
        "description": "Collectivité qui cofinance l'essaimage d'innovations pour l'emploi."})
    funders = {"DGEFP": structures["DGEFP"], REGION: region,
               FOUNDATION: structures[FOUNDATION]}
    by_innovation = {project.innovation.title.split(" — ")[0]: project
                     for project in projects.values()}
    sites = {}
    for title, (model, subtype, site_rows) in PROJECTS.items():
        project = by_innovation[title]
        strategy, _ = upsert(ScalingStrategy, {"project": project},
                             {"target_sites": len(site_rows) + 2})
        upsert(StrategyModel, {"strategy": strategy, "model": model}, {"subtype": subtype})
        trainees = []
        for name, code, city, postal_code, status, start, (first, last) in site_rows:
            structure, _ = upsert(Structure, {"name": name}, {
                "kind": Structure.Kind.ASSOCIATION, "department": departments[code],
                "region": departments[code].parent, "city": city,
                "postal_code": postal_code})
            sites[name], _ = upsert(AdopterSite, {"project": project, "structure": structure}, {
                "territory": departments[code], "status": status, "start_date": start})
            trainees.append((sites[name], _person(first, last, structure)))
        _training(project, title, trainees)
    for (funder, title, amount, is_lead, status, optioned_on, confirmed_on, shares,
         paid) in OPTIONS:
        pool, _ = upsert(FundingPool, {"project": by_innovation[title]}, {})
        option, _ = upsert(FundingOption, {"pool": pool, "funder": funders[funder]}, {
            "amount": Decimal(amount), "is_lead": is_lead, "status": status,
            "optioned_on": optioned_on, "confirmed_on": confirmed_on})
        for site, share in shares:
            upsert(OptionSite, {"option": option, "site": sites[site]},
                   {"amount": Decimal(share)})
        for site, value, paid_on, reference in paid:
            upsert(Payment, {"option": option, "reference": reference}, {
                "site": sites[site] if site else None, "amount": Decimal(value),
                "paid_on": paid_on})
    return funders


def _person(first_name: str, last_name: str, structure: Structure) -> User:
    """A member of an adopter structure who attends trainings; no password: not a demo
    login."""
    email = f"{first_name}.{last_name}".lower().replace("é", "e").replace("î", "i")
    user, created = upsert(User, {"email": f"{email}@{DEMO_DOMAIN}"},
                           {"first_name": first_name, "last_name": last_name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    upsert(Membership, {"user": user, "structure": structure}, {})
    return user


def _training(project, title: str, trainees) -> None:
    """A module and a session held in 2020, every site's person present."""
    module, _ = upsert(TrainingModule, {"project": project, "title": f"Les fondamentaux de "
                                                                      f"{title}"},
                       {"objectives": "S'approprier le cœur du dispositif et ses outils.",
                        "duration_hours": Decimal("7"), "order": 1})
    session, _ = upsert(TrainingSession, {"module": module,
                                          "starts_at": datetime(2020, 6, 9, 9, tzinfo=PARIS)}, {
        "duration_hours": Decimal("7"), "place": "Lyon", "trainer": "Équipe de l'Ansa",
        "capacity": 15, "status": TrainingSession.Status.HELD})
    for site, person in trainees:
        upsert(Registration, {"session": session, "person": person},
               {"site": site, "attended": True, "satisfaction": 4})
