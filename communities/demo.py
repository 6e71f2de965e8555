"""Demo people and structures drawn from the seed documents (Ansa, Unapei, Emmaüs, HAPA...)."""

from allauth.account.models import EmailAddress

from django.contrib.auth.models import Group

from essaimage.apps import PROGRAMME_STAFF_GROUP
from essaimage.demo import DEMO_DOMAIN, DEMO_PASSWORD, upsert

from .models import Membership, Structure, Territory, User

# name, acronym, kind, département, city, postal code, website, description
STRUCTURES = [
    ("Agence nouvelle des solidarités actives", "Ansa", Structure.Kind.ASSOCIATION, "75",
     "Paris", "75002", "https://www.solidarites-actives.com",
     "Association qui lutte contre la pauvreté par l'expérimentation sociale ; elle pilote "
     "l'Accélérateur d'innovation sociale pour l'accès à l'emploi (AIS#Emploi)."),
    ("Unapei", "", Structure.Kind.NETWORK_HEAD, "75", "Paris", "", "https://www.unapei.org",
     "Fédération d'associations de personnes handicapées mentales et de leurs familles ; "
     "son Générateur de solidarité transmet les dispositifs remarquables entre associations."),
    ("Mouvement Emmaüs", "Emmaüs France", Structure.Kind.NETWORK_HEAD, "93", "Montreuil", "",
     "https://emmaus-france.org",
     "Avec Emmaüs Innove, les groupes locaux répliquent « clé en main » les innovations de "
     "leurs pairs, sous l'égide d'un groupe parrain."),
    ("Réseau HAPA", "HAPA", Structure.Kind.NETWORK_HEAD, "", "", "", "https://www.reseau-hapa.eu",
     "Réseau des porteurs d'habitats partagés et accompagnés ; trois parcours "
     "d'accompagnement dont un dédié à l'essaimage territorial."),
    ("TAPAJ France", "TAPAJ", Structure.Kind.ASSOCIATION, "33", "Bordeaux", "", "",
     "Travail alternatif payé à la journée : un dispositif d'insertion pour des jeunes en "
     "errance, essaimé dans le cadre de l'AIS#Emploi."),
    ("Délégation générale à l'emploi et à la formation professionnelle", "DGEFP",
     Structure.Kind.STATE_SERVICE, "75", "Paris", "", "",
     "Soutien continu de l'AIS#Emploi."),
    ("Agence nationale de la cohésion des territoires", "ANCT", Structure.Kind.PUBLIC_BODY,
     "93", "Saint-Denis", "", "", ""),
    ("Région Bourgogne-Franche-Comté", "", Structure.Kind.LOCAL_AUTHORITY, "21", "Dijon", "",
     "", "Porte le Générateur Bourgogne-Franche-Comté."),
    ("France Travail", "", Structure.Kind.PUBLIC_BODY, "75", "Paris", "", "",
     "Service public de l'emploi."),
    ("Fondation pour l'essaimage solidaire", "", Structure.Kind.FUNDER, "69", "Lyon", "69002",
     "", "Fondation de démonstration qui finance des projets d'essaimage."),
    ("DDETS de la Nièvre", "", Structure.Kind.STATE_SERVICE, "58", "Nevers", "58000", "",
     "Direction départementale de l'emploi, du travail et des solidarités."),
    ("Essor Emploi Nièvre", "", Structure.Kind.ASSOCIATION, "58", "Nevers", "58000", "",
     "Association d'insertion de démonstration, structure essaimée."),
    ("Atelier d'insertion Le Fil", "Le Fil", Structure.Kind.SOCIAL_ENTERPRISE, "38", "Grenoble",
     "38000", "", "Atelier chantier d'insertion de démonstration, structure essaimée."),
]

# The demo cast: e-mail prefix, first name, last name, job, structure, membership role, and
# the platform role each login demonstrates.
PEOPLE = [
    ("admin", "Adèle", "Admin", "Opératrice de la plateforme", None, None, "admin"),
    ("alice", "Alice", "Martin", "Chargée de mission AIS#Emploi", "Ansa",
     Membership.Role.MANAGER, "programme staff"),
    ("ines", "Inès", "Benali", "Coordinatrice nationale", "TAPAJ", Membership.Role.MANAGER,
     "innovator"),
    ("bob", "Bob", "Lefèvre", "Directeur", "Essor Emploi Nièvre", Membership.Role.MANAGER,
     "adopter"),
    ("carol", "Carole", "Dubois", "Encadrante technique", "Le Fil", Membership.Role.MANAGER,
     "adopter (another site)"),
    ("remi", "Rémi", "Garnier", "Chargé d'innovation", "Unapei", Membership.Role.MEMBER,
     "reviewer"),
    ("camille", "Camille", "Roux", "Chargée de mission ESS", "Région Bourgogne-Franche-Comté",
     Membership.Role.MEMBER, "committee member"),
    ("paul", "Paul", "Mercier", "Chef de service insertion", "DDETS de la Nièvre",
     Membership.Role.MEMBER, "sponsor"),
    ("fanny", "Fanny", "Morel", "Chargée de mission expérimentation", "DGEFP",
     Membership.Role.MEMBER, "funder"),
    ("oscar", "Oscar", "Petit", "", None, None, "outsider"),
    ("julien", "Julien", "Fabre", "Chargé de mission Générateur de solidarité", "Unapei",
     Membership.Role.MANAGER, "programme staff (Unapei)"),
]


def seed_structures() -> dict[str, Structure]:
    departments = {t.code: t for t in Territory.objects.departments()}
    structures = {}
    for name, acronym, kind, department, city, postal_code, website, description in STRUCTURES:
        structure, _ = upsert(
            Structure,
            {"name": name},
            {
                "acronym": acronym,
                "kind": kind,
                "department": departments.get(department),
                "region": departments[department].parent if department else None,
                "city": city,
                "postal_code": postal_code,
                "website": website,
                "description": description,
            },
        )
        structures[acronym or name] = structure
    return structures


def seed_people(structures: dict[str, Structure]) -> dict[str, User]:
    people = {}
    for prefix, first_name, last_name, job, structure_key, role, _demonstrates in PEOPLE:
        email = f"{prefix}@{DEMO_DOMAIN}"
        user, created = upsert(
            User,
            {"email": email},
            {
                "first_name": first_name,
                "last_name": last_name,
                "job_title": job,
                "is_staff": prefix in ("admin", "alice"),
                "is_superuser": prefix == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if user.is_staff and not user.is_superuser:
            user.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if structure_key:
            upsert(Membership, {"user": user, "structure": structures[structure_key]},
                   {"role": role})
        people[prefix] = user
    return people
