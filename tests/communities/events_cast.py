"""Who is who in the tests of events and co-development (import with *).

cohort_a   bob's structure takes part; alice and mathilde moderate it; pia is a named participant
cohort_b   carol's structure takes part; alice moderates it too
oscar      outsider; admin_user a platform admin
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from ..factories import EventFactory, MembershipFactory, UserFactory, community_space

__all__ = ["mathilde", "pia", "cohort_a", "cohort_b", "event", "started_event", "past_event",
           "ben", "later"]


def later(**kwargs):
    return timezone.now() + timedelta(**kwargs)


@pytest.fixture
def mathilde(db):
    """Programme staff moderating cohort A, who did not organise its events."""
    return UserFactory(email="mathilde@example.org", first_name="Mathilde", last_name="Roy")


@pytest.fixture
def pia(db):
    """A sponsor named in cohort A's space as a participant."""
    return UserFactory(email="pia@example.org", first_name="Pia", last_name="Blanc")


@pytest.fixture
def ben(bob_structure):
    """A colleague of bob's in the same structure, so also in cohort A."""
    user = UserFactory(email="ben@example.org", first_name="Ben", last_name="Lefèvre")
    MembershipFactory(user=user, structure=bob_structure)
    return user


@pytest.fixture
def cohort_a(bob, bob_structure, alice, mathilde, pia):
    return community_space(name="Promotion A", structures=[bob_structure],
                           moderators=[alice, mathilde], participants=[pia])


@pytest.fixture
def cohort_b(carol, carol_structure, alice):
    return community_space(name="Promotion B", structures=[carol_structure], moderators=[alice])


@pytest.fixture
def event(cohort_a, alice):
    return EventFactory(title="Rencontre des essaimés", organiser=alice, spaces=[cohort_a],
                        starts_at=later(days=10), ends_at=later(days=10, hours=3),
                        capacity=2, description="Une **journée** d'échanges.",
                        agenda="- Accueil\n- Retours d'expérience")


@pytest.fixture
def started_event(cohort_a, alice):
    return EventFactory(title="Atelier en cours", organiser=alice, spaces=[cohort_a],
                        starts_at=later(hours=-1), ends_at=later(hours=2))


@pytest.fixture
def past_event(cohort_a, alice):
    return EventFactory(title="Visite passée", kind="visit", organiser=alice, spaces=[cohort_a],
                        starts_at=later(days=-3), ends_at=later(days=-3, hours=2))
