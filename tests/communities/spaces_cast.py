"""Who is who in the tests of spaces (import with *): two cohorts of the AIS#Emploi programme,
built through the programmes services, so their spaces are the ones ensure_cohort_space makes.

cohort A   bob's site: bob and bea (bob's colleague) take part; paul sponsors bob's site and
           is named as a participant; alice (programme staff) moderates
cohort B   carol's site: carol takes part; alice moderates
outsiders  fanny (funder), camille (committee), ines (innovator), remi, oscar
admin      a platform admin: moderates every space
"""

import pytest

from communities.services import spaces as services
from programmes.services import adopters as cohorts

from ..factories import MembershipFactory, UserFactory

__all__ = ["bea", "cohort_a", "cohort_b", "space_a", "space_b", "question_a", "answer_a",
           "thread_b", "everyone", "PDF"]

PDF = b"%PDF-1.4\n%fake but well-formed enough for the signature check\n"


@pytest.fixture
def bea(bob_structure):
    """bob's colleague in the same structure, so she takes part in cohort A's space."""
    user = UserFactory(email="bea@example.org", first_name="Béatrice", last_name="Léger")
    MembershipFactory(user=user, structure=bob_structure)
    return user


@pytest.fixture
def cohort_a(programme, alice, bob_site, paul):
    cohort = cohorts.create_cohort(programme, name="Promotion A", by=alice)
    cohorts.add_sites_to_cohort(cohort, [bob_site], by=alice)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def cohort_b(programme, alice, carol_site):
    cohort = cohorts.create_cohort(programme, name="Promotion B", by=alice)
    cohorts.add_sites_to_cohort(cohort, [carol_site], by=alice)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def space_a(cohort_a):
    return cohort_a.space


@pytest.fixture
def space_b(cohort_b):
    return cohort_b.space


@pytest.fixture
def question_a(space_a, bob):
    return services.create_thread(space_a, author=bob, title="Convaincre les bailleurs ?",
                                  kind="question", body="Comment avez-vous fait ?")


@pytest.fixture
def answer_a(question_a, bea):
    return services.add_reply(question_a, author=bea, body="Un chantier test d'abord.")


@pytest.fixture
def thread_b(space_b, carol):
    return services.create_thread(space_b, author=carol, title="Nos outils de suivi",
                                  kind="discussion", body="Un tableur partagé.")


@pytest.fixture
def everyone(pipeline_cast, ines, bea):
    return {**pipeline_cast, "ines": ines, "bea": bea}
