"""Two people taking the last seat at the same moment: the event's row lock lets one in and
puts the other on the waiting list (on the real PostgreSQL)."""

import threading

import pytest
from django.db import connection

from communities.models import EventRegistration
from communities.services import events as services

from ..factories import EventFactory, MembershipFactory, StructureFactory, UserFactory
from ..factories import community_space
from .events_cast import later

R = EventRegistration.Status


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 — shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_last_seat_goes_to_one_person_only(reference_data):
    structure = StructureFactory()
    people = [UserFactory() for _ in range(4)]
    for person in people:
        MembershipFactory(user=person, structure=structure)
    organiser = UserFactory()
    space = community_space(structures=[structure], moderators=[organiser])
    event = EventFactory(organiser=organiser, spaces=[space], capacity=2,
                         starts_at=later(days=2), ends_at=later(days=2, hours=1))

    run_together(*[lambda person=person: services.register(event, person)
                   for person in people])

    statuses = sorted(event.registrations.values_list("status", flat=True))
    assert statuses == [R.REGISTERED, R.REGISTERED, R.WAITING, R.WAITING]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_freed_seat_is_given_once_when_two_people_cancel_at_once(reference_data):
    structure = StructureFactory()
    people = [UserFactory() for _ in range(4)]
    for person in people:
        MembershipFactory(user=person, structure=structure)
    organiser = UserFactory()
    space = community_space(structures=[structure], moderators=[organiser])
    event = EventFactory(organiser=organiser, spaces=[space], capacity=2,
                         starts_at=later(days=2), ends_at=later(days=2, hours=1))
    registrations = [services.register(event, person) for person in people]

    run_together(*[lambda r=r: services.cancel_registration(r) for r in registrations[:2]])

    statuses = dict(event.registrations.values_list("person", "status"))
    assert [statuses[p.pk] for p in people] == [R.CANCELLED, R.CANCELLED, R.REGISTERED,
                                                R.REGISTERED]
