"""The bench directory: structures and people, built from one seeded random generator.

Every row is written with bulk_create, so model save() methods and history signals do not
run: the builders set the derived fields (region, search_text) themselves.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from communities.models import Membership, Structure, Territory, User, fold
from communities.validators import department_code_for_postal_code, siret_is_valid

BENCH_EMAIL = "bench@essaimage.test"
BENCH_DOMAIN = "bench.essaimage.test"
BENCH_PASSWORD = "bench-only-password"
# Appears in many generated names (themes, "chantier d'insertion"...): the text search uses it.
COMMON_WORD = "insertion"
BATCH_SIZE = 2000
# A fixed "today", so that the same seed gives the same dates on any day.
REFERENCE_DATE = datetime(2025, 1, 1, 9, 0, tzinfo=dt_timezone.utc)

# --- Word lists -------------------------------------------------------------------

KIND_WEIGHTS = {
    Structure.Kind.ASSOCIATION: 40,
    Structure.Kind.SOCIAL_ENTERPRISE: 10,
    Structure.Kind.LOCAL_AUTHORITY: 10,
    Structure.Kind.COMPANY: 8,
    Structure.Kind.PUBLIC_BODY: 6,
    Structure.Kind.STATE_SERVICE: 5,
    Structure.Kind.OTHER: 5,
    Structure.Kind.FOUNDATION: 4,
    Structure.Kind.NETWORK_HEAD: 4,
    Structure.Kind.FUNDER: 4,
    Structure.Kind.RESEARCH: 4,
}

# Populous départements hold more structures; every other one weighs 1.
DEPARTMENT_WEIGHTS = {
    "75": 10, "13": 6, "69": 6, "59": 6, "93": 5, "92": 5, "33": 5, "31": 5, "44": 4,
    "67": 4, "34": 4, "06": 4, "35": 3, "38": 3, "76": 3, "62": 3, "94": 3, "91": 3,
    "78": 3, "77": 3, "95": 3, "57": 2, "83": 2, "974": 2,
}
NATIONAL_SHARE = 0.03  # structures with no département (national networks, head offices)

THEMES = [
    "l'insertion", "l'emploi", "la solidarité", "le logement", "la jeunesse",
    "l'inclusion numérique", "l'alimentation durable", "la mobilité", "la santé",
    "la culture", "le handicap", "la petite enfance", "l'économie circulaire", "le réemploi",
    "l'accès aux droits", "la parentalité", "l'éducation populaire", "le sport pour tous",
    "la transition écologique", "les aidants", "l'insertion par l'activité économique",
    "les seniors", "la lutte contre l'isolement", "la médiation sociale",
]
EVOCATIVE_NAMES = [
    "Le Relais", "L'Escale", "La Passerelle", "Le Tremplin", "L'Envol", "La Boussole",
    "Le Phare", "La Ruche", "La Clé", "L'Étape", "Le Lien", "Horizon", "Trait d'Union",
    "Les Jardins partagés", "La Fabrique", "L'Atelier", "Le Fil", "Les Compagnons",
    "La Main tendue", "Le Bon Accueil", "Cap Avenir", "Rebond", "Les Amis du quartier",
]
ASSOCIATION_WORDS = [
    "Association", "Collectif", "Maison", "Comité", "Réseau", "Espace", "Amicale",
]
SAINTS = [
    "Saint-Martin", "Saint-Germain", "Saint-Jean", "Sainte-Marie", "Saint-Pierre",
    "Saint-Étienne", "Saint-Laurent", "Saint-Julien", "Sainte-Anne", "Saint-Amand", "Saint-Rémy",
]
CITY_ROOTS = [
    "Villeneuve", "Montreuil", "Beaumont", "Châteauneuf", "Fontaine", "Villefranche",
    "Roche", "Neuville", "Bellevue", "Marsac", "Lussac", "Orval", "Vernon", "Brignac",
    "Aubigny", "Montigny", "Épinay", "Ivry", "Longueville", "Bourg", "Clairvaux", "Pontlevoy",
    "Rochefort", "Auberive", "Mirebeau", "Ambérieu", "Ouzouer", "Écully", "Isigny",
]
CITY_SUFFIXES = [
    "-sur-Loire", "-sur-Mer", "-en-Bresse", "-les-Bains", "-le-Château", "-la-Forêt",
    "-sur-Seine", "-du-Lac", "-en-Vexin", "-le-Vieux", "-sous-Bois", "", "", "", "", "",
]
STREET_NAMES = [
    "rue de la République", "avenue Victor-Hugo", "rue Jean-Jaurès", "place de la Mairie",
    "rue des Écoles", "chemin du Moulin", "avenue de la Gare", "boulevard Pasteur",
    "rue du Général-de-Gaulle", "allée des Lilas", "rue de l'Église", "impasse des Tilleuls",
]
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Jade", "Louise", "Alice",
    "Julie", "Claire", "Nathalie", "Isabelle", "Sophie", "Aïcha", "Fatou", "Hélène", "Anaïs",
    "Thomas", "Lucas", "Hugo", "Nicolas", "Julien", "Mehdi", "Karim", "Antoine", "Pierre",
    "Rémi", "Benoît", "François", "Jérôme", "Olivier", "Mathieu", "Yannick", "Loïc", "Paul",
    "Théo", "Youssef", "Amadou", "Gaëlle", "Élodie", "Maëlle", "Noémie", "Cédric",
    "Sébastien",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Le Gall", "Benali", "Diallo",
    "Nguyen", "Haddad", "Traoré", "Da Silva", "Kerhervé", "Le Goff", "Fabre", "N'Diaye",
]
JOB_TITLES = [
    "Directrice", "Directeur", "Chargée de mission", "Chargé de mission", "Coordinatrice",
    "Coordinateur", "Responsable de l'essaimage", "Chef de projet", "Cheffe de projet",
    "Conseillère en insertion professionnelle", "Éducateur spécialisé", "Bénévole",
    "Chargée de développement", "Responsable administratif et financier", "Présidente",
    "Trésorier", "Encadrant technique", "Animatrice de réseau", "",
]
DESCRIPTION_SENTENCES = [
    "Structure engagée pour {theme} à {city} et dans les communes voisines.",
    "Nous accompagnons chaque année plus de {count} personnes.",
    "Porte un dispositif essaimé dans {places} territoires depuis {year}.",
    "Travaille avec la mission locale et les acteurs de l'emploi du département.",
    "Bénévoles et salariés y construisent des réponses concrètes aux besoins des habitants.",
    "Lauréate d'un appel à projets consacré à {theme} en {year}.",
    "Anime un réseau de partenaires publics et privés autour de {theme}.",
    "Ouverte du lundi au vendredi, avec des permanences le samedi matin.",
]


# --- Small French helpers -------------------------------------------------------


def of(phrase: str) -> str:
    """French "de" before a phrase: "de la mobilité", "du logement", "des aidants"."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    return "de " + phrase


def of_place(place: str) -> str:
    """French "de" before a proper noun, with elision: "de Nevers", "d'Ivry"."""
    return ("d'" if fold(place[0]) in "aeiouy" else "de ") + place


def acronym_of(name: str) -> str:
    initials = "".join(word[0] for word in name.replace("'", " ").split() if word[0].isupper())
    return fold(initials).upper() if 2 <= len(initials) <= 8 else ""


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def postal_code_in(rng: random.Random, department_code: str) -> str:
    if len(department_code) == 3:  # overseas: 971xx
        return f"{department_code}{rng.randint(0, 9) * 10:02d}"
    if department_code in ("2A", "2B"):  # Corsica shares "20": 200xx-201xx is Corse-du-Sud
        hundreds = rng.randint(0, 1) if department_code == "2A" else rng.randint(2, 9)
        return f"20{hundreds}{rng.randint(0, 9)}0"
    return f"{department_code}{rng.randint(0, 99) * 10:03d}"


def random_siret(rng: random.Random) -> str:
    """Fourteen digits passing the Luhn check, like the INSEE register's."""
    while True:
        body = f"{rng.randint(1, 9)}{rng.randint(0, 10**12 - 1):012d}"
        for check_digit in "0123456789":
            if siret_is_valid(body + check_digit):
                return body + check_digit


# --- The generator --------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str
    postal_code: str
    department: Territory | None


class BenchData:
    """Builds unsaved model instances from one seeded random generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.departments = list(Territory.objects.departments().order_by("code"))
        if len(self.departments) < 90:
            raise CommandError("The départements are missing: run `manage.py migrate` first.")
        self.cities = {d.code: self._cities_of(d) for d in self.departments}
        self.department_weights = [DEPARTMENT_WEIGHTS.get(d.code, 1) for d in self.departments]
        self.used_sirets: set[str] = set()
        self.used_rnas: set[str] = set()

    def _cities_of(self, department: Territory) -> list[City]:
        cities = []
        for _ in range(12):
            name = self.rng.choice(SAINTS + CITY_ROOTS) + self.rng.choice(CITY_SUFFIXES)
            postal_code = postal_code_in(self.rng, department.code)
            assert department_code_for_postal_code(postal_code) == department.code
            cities.append(City(name, postal_code, department))
        return cities

    def _date(self, max_days: int) -> datetime:
        return REFERENCE_DATE - timedelta(days=self.rng.randint(0, max_days),
                                          minutes=self.rng.randint(0, 24 * 60))

    def _city(self) -> City:
        department = self.rng.choices(self.departments, self.department_weights)[0]
        return self.rng.choice(self.cities[department.code])

    def _name(self, kind: str, city: City) -> str:
        rng = self.rng
        theme = rng.choice(THEMES)
        surname = rng.choice(LAST_NAMES)
        place = city.name
        department = city.department.name if city.department else "France"
        patterns = {
            Structure.Kind.ASSOCIATION: [
                f"{rng.choice(ASSOCIATION_WORDS)} {of(theme)} {of_place(place)}",
                f"{rng.choice(EVOCATIVE_NAMES)} {of_place(place)}",
                f"{rng.choice(ASSOCIATION_WORDS)} {rng.choice(EVOCATIVE_NAMES)}",
            ],
            Structure.Kind.SOCIAL_ENTERPRISE: [
                f"Atelier chantier d'insertion {of_place(place)}",
                f"Régie de quartier {of_place(place)}",
                f"Entreprise d'insertion {rng.choice(EVOCATIVE_NAMES)}",
                f"{rng.choice(EVOCATIVE_NAMES)} Scop",
            ],
            Structure.Kind.LOCAL_AUTHORITY: [
                f"Commune {of_place(place)}",
                f"Centre communal d'action sociale {of_place(place)}",
                f"Communauté de communes du Pays {of_place(place)}",
                f"Conseil départemental – {department}",
            ],
            Structure.Kind.COMPANY: [
                f"{surname} {rng.choice(['Conseil', 'Services', 'Bâtiment', 'Logistique'])}",
                f"{surname} et Associés",
                f"Transports {surname}",
            ],
            Structure.Kind.PUBLIC_BODY: [
                f"Mission locale {of_place(place)}",
                f"France Travail {place}",
                f"Caisse d'allocations familiales – {department}",
                f"Office public de l'habitat {of_place(place)}",
            ],
            Structure.Kind.STATE_SERVICE: [
                f"DDETS – {department}",
                f"Sous-préfecture {of_place(place)}",
                f"Service pénitentiaire d'insertion et de probation – {department}",
            ],
            Structure.Kind.FOUNDATION: [
                f"Fondation {surname}",
                f"Fondation {rng.choice(FIRST_NAMES)} {surname}",
                f"Fondation pour {theme}",
            ],
            Structure.Kind.NETWORK_HEAD: [
                f"Fédération départementale {of(theme)} – {department}",
                f"Réseau national {of(theme)}",
                f"Union régionale des acteurs {of(theme)}",
            ],
            Structure.Kind.FUNDER: [
                f"Fonds de dotation {surname}",
                f"Fonds territorial {of(theme)}",
                f"Initiative {place}",
            ],
            Structure.Kind.RESEARCH: [
                f"Laboratoire d'évaluation {of(theme)}",
                f"Observatoire régional {of(theme)}",
                f"Institut {surname}",
            ],
            Structure.Kind.OTHER: [
                f"Tiers-lieu {rng.choice(EVOCATIVE_NAMES)}",
                f"Collectif citoyen {of_place(place)}",
                f"Groupement {of(theme)} {of_place(place)}",
            ],
        }
        return rng.choice(patterns[kind])[:200]

    def _description(self, city: City) -> str:
        sentences = self.rng.sample(DESCRIPTION_SENTENCES, self.rng.randint(1, 3))
        return " ".join(sentences).format(
            theme=self.rng.choice(THEMES),
            city=city.name,
            count=self.rng.choice([50, 120, 300, 800, 1500]),
            places=self.rng.randint(2, 40),
            year=self.rng.randint(2008, 2024),
        )

    def _unique(self, make, used: set[str]) -> str:
        value = make()
        while value in used:
            value = make()
        used.add(value)
        return value

    def structure(self, created_by: User) -> Structure:
        rng = self.rng
        kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        city = self._city()
        is_national = rng.random() < NATIONAL_SHARE
        name = self._name(kind, city)
        acronym = acronym_of(name) if rng.random() < 0.3 else ""
        siret = ""
        if rng.random() < 0.7:
            siret = self._unique(lambda: random_siret(rng), self.used_sirets)
        rna = ""
        if kind == Structure.Kind.ASSOCIATION and rng.random() < 0.8:
            rna = self._unique(lambda: f"W{rng.randint(10**8, 10**9 - 1)}", self.used_rnas)
        has_web = rng.random() < 0.4
        created_at = self._date(5 * 365)
        return Structure(
            name=name,
            acronym=acronym,
            kind=kind,
            siret=siret,
            rna=rna,
            street_address=f"{rng.randint(1, 120)} {rng.choice(STREET_NAMES)}",
            postal_code=city.postal_code,
            city=city.name,
            department_id=None if is_national else city.department.pk,
            region_id=None if is_national else city.department.parent_id,
            website=f"https://www.{slug(name)[:50]}.example" if has_web else "",
            email=f"contact@{slug(name)[:50]}.example" if has_web else "",
            phone=f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                  f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            description=self._description(city),
            # bulk_create skips Structure.save(), which normally derives this.
            search_text=fold(" ".join([name, acronym, city.name, siret, rna])),
            is_archived=rng.random() < 0.02,
            created_by=created_by,  # the bench login: how --reset finds bench rows
            created_at=created_at,
            updated_at=created_at,
        )

    def user(self, number: int, password_hash: str) -> User:
        first_name = self.rng.choice(FIRST_NAMES)
        last_name = self.rng.choice(LAST_NAMES)
        return User(
            email=f"{slug(first_name)}.{slug(last_name)}.{number}@{BENCH_DOMAIN}",
            password=password_hash,
            first_name=first_name,
            last_name=last_name,
            job_title=self.rng.choice(JOB_TITLES),
            language="fr" if self.rng.random() < 0.9 else "en",
            date_joined=self._date(4 * 365),
        )



def create_directory(data: BenchData, structure_count: int, user_count: int) -> dict:
    """Structures, people (one shared password hash), memberships and the bench login."""
    # Hashing is deliberately slow: one hash shared by every bench person.
    password_hash = make_password(BENCH_PASSWORD)
    bench_user = User.objects.create(
        email=BENCH_EMAIL, password=password_hash, first_name="Benoît", last_name="Mesure",
        date_joined=REFERENCE_DATE,
    )
    structures = Structure.objects.bulk_create(
        [data.structure(bench_user) for _ in range(structure_count)], batch_size=BATCH_SIZE
    )
    people = User.objects.bulk_create(
        [data.user(number, password_hash) for number in range(1, user_count + 1)],
        batch_size=BATCH_SIZE,
    )
    memberships = _memberships(data.rng, structures, people)
    memberships.append(
        Membership(user=bench_user, structure=structures[0], created_at=REFERENCE_DATE)
    )
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True)
         for user in [bench_user, *people]],
        batch_size=BATCH_SIZE,
    )
    return {"bench_user": bench_user, "structures": structures, "people": people,
            "memberships": len(memberships)}


def _memberships(rng, structures, people) -> list[Membership]:
    """One membership per person; the first person of each structure manages it."""
    memberships = []
    for index, user in enumerate(people):
        # The first len(structures) people give every structure a manager (about 10%).
        if index < len(structures):
            structure, role = structures[index], Membership.Role.MANAGER
        else:
            structure, role = rng.choice(structures), Membership.Role.MEMBER
        since = max(user.date_joined, structure.created_at) + timedelta(days=rng.randint(0, 60))
        memberships.append(
            Membership(user=user, structure=structure, role=role, created_at=since)
        )
    return memberships
