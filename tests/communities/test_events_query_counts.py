"""The event pages run a fixed number of queries, whatever the number of events and people."""

import pytest
from django.urls import reverse

from communities.models import EventRegistration

from ..factories import EventFactory, EventRegistrationFactory, UserFactory
from .events_cast import *  # noqa: F401,F403
from .events_cast import later

pytestmark = pytest.mark.django_db

# session, user, the header (unread notifications...), can create (moderated spaces), count,
# page of events with their counts and the viewer's status, their spaces
LIST_QUERIES = 7
# session, user, the header, event, event again with its counts, may manage, the viewer's
# registration, its spaces, the registrations with their people
DETAIL_QUERIES = 9


def list_queries(client, user, events, spaces, count, django_assert_max_num_queries,
                 **params):
    for index in range(count):
        event = EventFactory(organiser=user, spaces=spaces, capacity=3,
                             starts_at=later(days=index + 1 if not params else -index - 2),
                             ends_at=later(days=index + 1, hours=1) if not params
                             else later(days=-index - 2, hours=1),
                             report="Compte rendu **court**." if params else "")
        for person in events["people"][: index % 5]:
            EventRegistrationFactory(event=event, person=person)
    client.force_login(user)
    with django_assert_max_num_queries(LIST_QUERIES) as context:
        response = client.get(reverse("communities:event_list"), params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [{}, {"quand": "passes"}])
def test_event_list_query_count_does_not_grow(client, bob, alice, cohort_a, cohort_b, params,
                                              django_assert_max_num_queries):
    people = {"people": [bob, *UserFactory.create_batch(4)]}
    small = list_queries(client, alice, people, [cohort_a, cohort_b], 10,
                         django_assert_max_num_queries, **params)
    large = list_queries(client, alice, people, [cohort_a, cohort_b], 40,
                         django_assert_max_num_queries, **params)
    assert small == large


def test_event_list_for_a_participant_does_not_grow(client, bob, alice, cohort_a,
                                                    django_assert_max_num_queries):
    for index in range(50):
        event = EventFactory(organiser=alice, spaces=[cohort_a], starts_at=later(days=index + 1),
                             ends_at=later(days=index + 1, hours=2), capacity=10)
        EventRegistrationFactory(event=event, person=bob,
                                 status=EventRegistration.Status.WAITING if index % 2 else
                                 EventRegistration.Status.REGISTERED)
    client.force_login(bob)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("communities:event_list"))
    assert len(response.context["page"].object_list) == 20


@pytest.mark.parametrize("viewer", ["alice", "bob"])
def test_event_detail_with_a_hundred_registrations(client, request, event, bob,
                                                   django_assert_max_num_queries, viewer):
    event.capacity = 60
    event.save()
    for index, person in enumerate(UserFactory.create_batch(100)):
        EventRegistrationFactory(event=event, person=person,
                                 status=EventRegistration.Status.REGISTERED if index < 60
                                 else EventRegistration.Status.WAITING)
    client.force_login(request.getfixturevalue(viewer))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("communities:event_detail", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["event"].registered_count == 60
    assert response.context["event"].waiting_count == 40
    if viewer == "alice":
        assert len(response.context["registrations"].waiting) == 40
