"""The bench community: an adopter in 3 structures with 30 sites (what their portal must
show fast), and a cohort space with 5,000 threads, one of them 200 replies long."""

from datetime import timedelta

from django.utils import timezone

from communities.models import (
    Event,
    EventRegistration,
    Membership,
    Notification,
    Post,
    Space,
    SpaceMember,
    Thread,
    User,
)
from programmes.models import AdopterSite, Cohort, Programme, ScalingProject

from .directory import BATCH_SIZE, BENCH_DOMAIN, REFERENCE_DATE, BenchData

PORTAL_EMAIL = f"adherente@{BENCH_DOMAIN}"
STRUCTURES_OF_PORTAL_PERSON = 3
SITES_PER_STRUCTURE = 10
THREADS = 5000
LONG_THREAD_REPLIES = 200
COHORT_STRUCTURES = 200
EVENTS = 40
NOTIFICATIONS = 500

SUBJECTS = [
    "Mobiliser les partenaires du service public de l'emploi",
    "Recruter les premiers bénéficiaires",
    "Convention avec le département",
    "Former un nouvel encadrant technique",
    "Trouver un local adapté",
    "Suivi des indicateurs trimestriels",
    "Adapter le modèle en milieu rural",
    "Financement de la deuxième année",
]
MESSAGE = ("Bonjour à toutes et à tous, nous avançons sur ce point et aimerions connaître "
           "votre expérience : comment avez-vous fait sur votre territoire ? Merci d'avance "
           "pour vos retours, **même partiels**.")


def create_community(data: BenchData, programme: Programme, directory: dict) -> dict:
    rng = data.rng
    person, structures = _portal_person(data, directory)
    sites = _portal_sites(data, programme, structures)
    cohort_structures = [*structures, *rng.sample(directory["structures"], COHORT_STRUCTURES)]
    space = Space.objects.create(name="Promotion de mesure", kind=Space.Kind.COHORT,
                                 description="Promotion générée pour le banc de mesure.")
    space.structures.set(cohort_structures)
    SpaceMember.objects.create(space=space, user=directory["bench_user"],
                               role=SpaceMember.Role.MODERATOR)
    cohort = Cohort.objects.create(programme=programme, name="Promotion de mesure",
                                   space=space)
    cohort.sites.set(sites)
    authors = _members_of(cohort_structures)
    threads, posts = _threads(rng, space, authors)
    events = _events(rng, space, directory["bench_user"], person)
    _notifications(rng, person, threads)
    return {"person": person, "sites": len(sites), "threads": threads, "posts": posts,
            "events": events, "space": space}


def _portal_person(data: BenchData, directory: dict):
    person = User.objects.create(email=PORTAL_EMAIL, first_name="Adèle", last_name="Essaimée",
                                 password=directory["bench_user"].password,
                                 date_joined=REFERENCE_DATE)
    # Structures without sites yet, so that the person's 30 sites are exactly the ones below.
    taken = set(AdopterSite.objects.values_list("structure", flat=True))
    structures = [s for s in directory["structures"] if s.pk not in taken][
        :STRUCTURES_OF_PORTAL_PERSON]
    Membership.objects.bulk_create(
        [Membership(user=person, structure=structure, created_at=REFERENCE_DATE,
                    role=Membership.Role.MANAGER if n == 0 else Membership.Role.MEMBER)
         for n, structure in enumerate(structures)])
    return person, structures


def _portal_sites(data: BenchData, programme: Programme, structures) -> list[AdopterSite]:
    """Ten sites per structure, in projects that report indicators (periods fall due)."""
    projects = list(ScalingProject.objects.filter(programme=programme,
                                                  reporting_periods__isnull=False)
                    .distinct().order_by("pk")[:SITES_PER_STRUCTURE * len(structures)])
    sites = []
    for n, structure in enumerate(structures):
        for project in projects[n * SITES_PER_STRUCTURE:(n + 1) * SITES_PER_STRUCTURE]:
            sites.append(AdopterSite(
                project=project, structure=structure,
                territory=structure.department or data.rng.choice(data.departments),
                status=AdopterSite.Status.LAUNCHED,
                start_date=REFERENCE_DATE.date() - timedelta(days=400)))
    return AdopterSite.objects.bulk_create(sites)


def _members_of(structures) -> list[int]:
    return list(Membership.objects.filter(structure__in=structures)
                .values_list("user", flat=True)[:2000])


def _threads(rng, space: Space, authors: list[int]) -> tuple[int, int]:
    threads = []
    for n in range(THREADS):
        created = REFERENCE_DATE - timedelta(minutes=90 * (THREADS - n))
        replies = LONG_THREAD_REPLIES if n == THREADS - 1 else rng.randint(0, 5)
        threads.append(Thread(
            space=space, title=f"{rng.choice(SUBJECTS)} ({n + 1})",
            kind=Thread.Kind.QUESTION if n % 3 == 0 else Thread.Kind.DISCUSSION,
            author_id=rng.choice(authors), created_at=created,
            last_activity_at=created + timedelta(minutes=10 * replies), reply_count=replies,
            is_pinned=n >= THREADS - 2))
    threads = Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
    posts = []
    for thread in threads:
        posts.append(Post(thread=thread, author_id=thread.author_id, body=MESSAGE,
                          is_opening=True, created_at=thread.created_at))
        posts.extend(Post(thread=thread, author_id=rng.choice(authors), body=MESSAGE,
                          created_at=thread.created_at + timedelta(minutes=10 * (r + 1)))
                     for r in range(thread.reply_count))
    Post.objects.bulk_create(posts, batch_size=BATCH_SIZE)
    return len(threads), len(posts)


def _events(rng, space: Space, organiser: User, person: User) -> int:
    # Around the day the bench runs, so that half of them are still to come.
    start = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    events = Event.objects.bulk_create(
        [Event(title=f"Rencontre de la promotion n°{n + 1}", kind=Event.Kind.MEETUP,
               starts_at=start + timedelta(days=7 * (n - EVENTS // 2)),
               ends_at=start + timedelta(days=7 * (n - EVENTS // 2), hours=3),
               place="Paris", capacity=40, organiser=organiser)
         for n in range(EVENTS)])
    Event.spaces.through.objects.bulk_create(
        [Event.spaces.through(event=event, space=space) for event in events])
    EventRegistration.objects.bulk_create(
        [EventRegistration(event=event, person=person) for event in events[::2]])
    return len(events)


def _notifications(rng, person: User, threads: int) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=person, kind=Notification.Kind.REPLY,
                      title=f"Nouvelle réponse dans « {rng.choice(SUBJECTS)} »",
                      url="/communaute/", created_at=REFERENCE_DATE - timedelta(hours=n),
                      read_at=None if n < 40 else REFERENCE_DATE)
         for n in range(NOTIFICATIONS)], batch_size=BATCH_SIZE)


def delete_community(programmes) -> None:
    spaces = Space.objects.filter(cohort__programme__in=programmes)
    Event.objects.filter(spaces__in=spaces).delete()
    spaces.delete()
