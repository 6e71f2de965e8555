"""The fixed cast of the tests (HOUSE-STYLE §8) and shared fixtures.

alice  programme staff (Ansa, staff of the programme)
bob    adopter: manager of the structure "Essor Emploi Nièvre"
carol  adopter elsewhere: manager of "Atelier Le Fil" in Isère
fanny  funder: member of the foundation funding the programme
remi   reviewer: a plain member of a network head
oscar  outsider: signed in, member of nothing
admin  platform administrator (superuser)
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from communities.models import Membership, Structure, Territory
from communities.territories import load_territories

# Playwright keeps an event loop running in the test thread once a journey has started, and
# tests use the ORM from that thread: Django's async guard would refuse (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .factories import (  # noqa: E402
    MembershipFactory,
    ProgrammeFactory,
    StructureFactory,
    UserFactory,
    department,
)


def _database_order(item):
    """0: rolled-back tests, 1: tests on a real transaction (they flush every table), 2: no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(marker and (marker.kwargs.get("transaction")
                                     or marker.kwargs.get("reset_sequences")))
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # pytest-django runs flushing tests last, but pytest then regroups the tests by session-scoped
    # parameters (Playwright's browser) and can put a flush before rolled-back tests, which would
    # lose the territories loaded by a data migration. Sorting again, last, keeps Django's order.
    items.sort(key=_database_order)


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits live in the cache: one test's failed logins must not block the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(transactional_db):
    """Territories for tests on a real transaction, whose flush empties every table."""
    load_territories(Territory)


@pytest.fixture
def ansa(db):
    return StructureFactory(name="Agence nouvelle des solidarités actives", acronym="Ansa",
                            department=department("75"), city="Paris")


@pytest.fixture
def bob_structure(db):
    return StructureFactory(name="Essor Emploi Nièvre", department=department("58"))


@pytest.fixture
def carol_structure(db):
    return StructureFactory(name="Atelier Le Fil", kind=Structure.Kind.SOCIAL_ENTERPRISE,
                            department=department("38"), city="Grenoble")


@pytest.fixture
def funder_structure(db):
    return StructureFactory(name="Fondation pour l'essaimage", kind=Structure.Kind.FUNDER,
                            department=department("69"), city="Lyon")


@pytest.fixture
def alice(ansa):
    user = UserFactory(email="alice@example.org", first_name="Alice", last_name="Martin",
                       is_staff=True)
    MembershipFactory(user=user, structure=ansa, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def bob(bob_structure):
    user = UserFactory(email="bob@example.org", first_name="Bob", last_name="Lefèvre")
    MembershipFactory(user=user, structure=bob_structure, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def carol(carol_structure):
    user = UserFactory(email="carol@example.org", first_name="Carole", last_name="Dubois")
    MembershipFactory(user=user, structure=carol_structure, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def fanny(funder_structure):
    user = UserFactory(email="fanny@example.org", first_name="Fanny", last_name="Morel")
    MembershipFactory(user=user, structure=funder_structure)
    return user


@pytest.fixture
def remi(db):
    user = UserFactory(email="remi@example.org", first_name="Rémi", last_name="Garnier")
    MembershipFactory(user=user, structure=StructureFactory(name="Unapei",
                                                             kind=Structure.Kind.NETWORK_HEAD))
    return user


@pytest.fixture
def oscar(db):
    return UserFactory(email="oscar@example.org", first_name="Oscar", last_name="Petit")


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.org", first_name="Adèle", last_name="Admin",
                       is_staff=True, is_superuser=True)


@pytest.fixture
def programme(ansa, alice, funder_structure):
    return ProgrammeFactory(name="AIS#Emploi 2018", lead_structure=ansa, staff=[alice],
                            funders=[funder_structure])


@pytest.fixture
def cast(alice, bob, carol, fanny, remi, oscar, admin_user, programme):
    """Everyone, by name, for tests that go through each role in turn."""
    return {"alice": alice, "bob": bob, "carol": carol, "fanny": fanny, "remi": remi,
            "oscar": oscar, "admin": admin_user}


# --- Innovations -----------------------------------------------------------------------------


@pytest.fixture
def ines(db):
    """An innovator: manager of the structure that created TAPAJ."""
    user = UserFactory(email="ines@example.org", first_name="Inès", last_name="Benali")
    MembershipFactory(user=user, role=Membership.Role.MANAGER,
                      structure=StructureFactory(name="TAPAJ France", department=department("33")))
    return user


@pytest.fixture
def ines_structure(ines):
    return ines.memberships.get().structure


@pytest.fixture
def open_call(alice, ansa):
    """A published call for projects managed by alice, with a rubric and two colleges."""
    from .factories import CallFactory, CollegeFactory, CriterionFactory, QuestionFactory

    call = CallFactory(title="AIS#Emploi — appel à projets 2018", organiser=ansa,
                       managers=[alice])
    QuestionFactory(call=call, label="Quel problème votre innovation résout-elle ?",
                    is_required=True)
    CriterionFactory(call=call, name="Preuves d'impact", weight=2, max_score=5)
    CriterionFactory(call=call, name="Réplicabilité", weight=1, max_score=5)
    CollegeFactory(call=call, name="Innovateurs")
    CollegeFactory(call=call, name="Utilisateurs potentiels")
    return call


# --- Programmes ------------------------------------------------------------------------------


@pytest.fixture
def project(programme, ines_structure):
    """AIS#Emploi's scaling project of TAPAJ, run by alice, funded through the programme."""
    from .factories import PublishedInnovationFactory, ScalingProjectFactory

    innovation = PublishedInnovationFactory(title="TAPAJ", owner=ines_structure)
    return ScalingProjectFactory(programme=programme, innovation=innovation,
                                 title="Essaimage de TAPAJ")


@pytest.fixture
def bob_site(project, bob_structure):
    from .factories import AdopterSiteFactory

    return AdopterSiteFactory(project=project, structure=bob_structure,
                              territory=department("58"))


@pytest.fixture
def carol_site(project, carol_structure):
    from .factories import AdopterSiteFactory

    return AdopterSiteFactory(project=project, structure=carol_structure,
                              territory=department("38"))


@pytest.fixture
def steering_committee(project):
    from .factories import GovernanceBodyFactory

    return GovernanceBodyFactory(project=project, name="Comité de pilotage TAPAJ")


@pytest.fixture
def camille(steering_committee):
    """A committee member: sits on the project's steering committee, member of a région."""
    from .factories import BodyMemberFactory

    user = UserFactory(email="camille@example.org", first_name="Camille", last_name="Roux")
    MembershipFactory(user=user, structure=StructureFactory(
        name="Région Bourgogne-Franche-Comté", kind=Structure.Kind.LOCAL_AUTHORITY))
    BodyMemberFactory(body=steering_committee, user=user)
    return user


@pytest.fixture
def paul(project, bob_site):
    """A sponsor ("parrain"): a public agent following the project and bob's site."""
    from programmes.models import Sponsor

    user = UserFactory(email="paul@example.org", first_name="Paul", last_name="Mercier")
    MembershipFactory(user=user, structure=StructureFactory(
        name="DDETS de la Nièvre", kind=Structure.Kind.STATE_SERVICE))
    Sponsor.objects.create(project=project, site=bob_site, user=user, role="Agent public")
    return user


@pytest.fixture
def pipeline_cast(cast, project, bob_site, carol_site, camille, paul):
    """The cast with the scaling project's roles: adopters on sites, a committee member,
    a sponsor; fanny funds the programme."""
    return {**cast, "camille": camille, "paul": paul}


# --- Background work ------------------------------------------------------------------------


@pytest.fixture
def real_worker():
    """A real Celery worker, in this process, consuming the real Redis that `make test` starts.
    Tests that use it run on a real transaction (the worker reads committed rows)."""
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis server started by `make test`")
    from celery.contrib.testing.worker import start_worker

    # Register the tasks with the worker.
    import communities.tasks  # noqa: F401
    import essaimage.tasks  # noqa: F401
    import evaluations.tasks  # noqa: F401
    import innovations.tasks  # noqa: F401
    import programmes.tasks  # noqa: F401
    from essaimage.celery import app

    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(task_always_eager=True)
