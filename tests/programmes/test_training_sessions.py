"""Training sessions: planning, registrations with a waiting list, cancellation and promotion,
attendance and satisfaction."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programmes.models import AdopterSite, Registration, TrainingSession
from programmes.services import training as services

from ..factories import (
    AdopterSiteFactory,
    MembershipFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
R = Registration.Status


@pytest.fixture
def module(project):
    return TrainingModuleFactory(project=project, title="Accueillir les jeunes")


@pytest.fixture
def session(module):
    return TrainingSessionFactory(module=module, capacity=2)


def people_of(site, count):
    return [MembershipFactory(structure=site.structure).user for _ in range(count)]


def hold(session):
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=4))
    session.refresh_from_db()
    return session


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("paul", 200), ("camille", 200), ("bob", 200),
    ("carol", 200), ("admin", 200), ("remi", 404), ("oscar", 404),
])
def test_a_session_is_seen_by_readers_and_the_sites_people(client, pipeline_cast, session,
                                                           name, expected):
    client.force_login(pipeline_cast[name])
    assert client.get(session.get_absolute_url()).status_code == expected


def test_adopters_see_only_their_own_structures_registrations(client, bob, carol, session,
                                                              bob_site, carol_site):
    services.register_person(session, person=bob, site=bob_site, by=bob)
    services.register_person(session, person=carol, site=carol_site, by=carol)
    client.force_login(bob)
    registered = client.get(session.get_absolute_url()).context["registrations"].registered
    assert [r.person for r in registered] == [bob]


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("bob", 403), ("paul", 403), ("oscar", 404),
])
def test_only_staff_plan_and_change_sessions(client, pipeline_cast, module, session, name,
                                             expected):
    client.force_login(pipeline_cast[name])
    starts = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {"starts_at": starts, "duration_hours": "2,5", "place": "Nevers", "capacity": "12",
            "trainer": "Léa"}
    response = client.post(reverse("programmes:session_create", args=[module.pk]), data)
    # The module belongs to the project's management, which adopters do not see.
    assert response.status_code == (404 if name == "bob" else expected)
    assert TrainingSession.objects.filter(trainer="Léa").exists() == (expected == 302)
    response = client.post(reverse("programmes:session_update", args=[session.pk]),
                           {**data, "trainer": "Marc"})
    assert response.status_code == expected


def test_a_session_is_planned_in_paris_time(client, alice, module):
    client.force_login(alice)
    year = timezone.now().year + 1
    client.post(reverse("programmes:session_create", args=[module.pk]), {
        "starts_at": f"{year}-07-01T09:30", "duration_hours": "3", "is_remote": "on",
        "video_link": "https://visio.example.org/tapaj", "capacity": "8"})
    session = TrainingSession.objects.get()
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "09:30"
    assert session.starts_at.utcoffset() is not None


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"is_remote": True, "video_link": ""}, "video_link", "video_link_required"),
    ({"place": ""}, "place", "place_required"),
    ({"capacity": 0}, "capacity", "capacity_too_small"),
    ({"starts_at": timezone.now() - timedelta(days=1)}, "starts_at", "session_in_past"),
])
def test_bad_sessions_are_refused(module, alice, changes, field, code):
    fields = {"starts_at": timezone.now() + timedelta(days=3), "duration_hours": 2,
              "place": "Nevers", "capacity": 5, **changes}
    with pytest.raises(ValidationError) as error:
        services.create_session(module, by=alice, **fields)
    assert error.value.error_dict[field][0].code == code


# --- Registrations ---------------------------------------------------------------------------


def test_people_register_themselves_for_their_site(client, bob, session, bob_site):
    client.force_login(bob)
    response = client.post(reverse("programmes:session_register", args=[session.pk]),
                           {"site": bob_site.pk})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.person, registration.site, registration.status) == (
        bob, bob_site, R.REGISTERED)


def test_nobody_registers_for_another_structures_site(client, bob, session, bob_site,
                                                      carol_site):
    client.force_login(bob)
    response = client.post(reverse("programmes:session_register", args=[session.pk]),
                           {"site": carol_site.pk})
    assert response.status_code == 400
    assert not Registration.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.register_person(session, person=bob, site=carol_site, by=bob)
    assert error.value.error_dict["site"][0].code == "not_from_a_site"


@pytest.mark.parametrize("name", ["fanny", "paul", "alice"])
def test_readers_without_a_site_cannot_register_themselves(client, pipeline_cast, session,
                                                           bob_site, name):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:session_register", args=[session.pk]),
                           {"site": bob_site.pk})
    assert response.status_code == 403


def test_staff_register_someone_by_email(client, alice, bob, session, bob_site):
    client.force_login(alice)
    response = client.post(reverse("programmes:session_register", args=[session.pk]),
                           {"email": "BOB@example.org"})
    assert response.status_code == 302
    assert Registration.objects.get().site == bob_site


def test_staff_choose_the_site_of_someone_in_two(client, alice, bob, project, session,
                                                 bob_site):
    second = AdopterSiteFactory(project=project, structure=MembershipFactory(user=bob).structure)
    client.force_login(alice)
    url = reverse("programmes:session_register", args=[session.pk])
    response = client.post(url, {"email": "bob@example.org"})
    assert response.status_code == 400
    assert response.context["staff_form"].has_error("site", "site_required")
    response = client.post(url, {"email": "bob@example.org", "site": second.pk})
    assert response.status_code == 302
    assert Registration.objects.get().site == second


def test_staff_cannot_register_strangers(client, alice, session, bob_site):
    UserFactory(email="stranger@example.org")
    client.force_login(alice)
    url = reverse("programmes:session_register", args=[session.pk])
    for email in ("stranger@example.org", "ghost@example.org"):
        response = client.post(url, {"email": email})
        assert response.status_code == 400
    assert not Registration.objects.exists()


def test_beyond_capacity_people_go_on_the_waiting_list(session, bob_site):
    first, second, third, fourth = people_of(bob_site, 4)
    statuses = [services.register_person(session, person=p, site=bob_site, by=p).status
                for p in (first, second, third, fourth)]
    assert statuses == [R.REGISTERED, R.REGISTERED, R.WAITING_LIST, R.WAITING_LIST]
    fourth_registration = Registration.objects.get(person=fourth)
    assert services.waiting_list_position(fourth_registration) == 2


def test_without_accepting_the_waiting_list_a_full_session_is_refused(session, bob_site):
    first, second, third = people_of(bob_site, 3)
    for person in (first, second):
        services.register_person(session, person=person, site=bob_site, by=person)
    with pytest.raises(ValidationError) as error:
        services.register_person(session, person=third, site=bob_site, by=third,
                                 accept_waiting_list=False)
    assert error.value.code == "session_full"
    assert not Registration.objects.filter(person=third).exists()


def test_registering_twice_is_refused(session, bob, bob_site):
    services.register_person(session, person=bob, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.register_person(session, person=bob, site=bob_site, by=bob)
    assert error.value.code == "already_registered"


def test_cancelled_or_past_sessions_take_no_registration(session, bob, bob_site, alice):
    services.cancel_session(session, by=alice)
    with pytest.raises(ValidationError) as error:
        services.register_person(session, person=bob, site=bob_site, by=bob)
    assert error.value.code == "session_cancelled"
    past = hold(TrainingSessionFactory(module=session.module))
    with pytest.raises(ValidationError) as error:
        services.register_person(past, person=bob, site=bob_site, by=bob)
    assert error.value.code == "session_past"


def test_a_withdrawn_sites_people_cannot_register(session, bob, bob_site):
    AdopterSite.objects.filter(pk=bob_site.pk).update(status=AdopterSite.Status.WITHDRAWN)
    bob_site.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.register_person(session, person=bob, site=bob_site, by=bob)
    assert error.value.error_dict["site"][0].code == "not_from_a_site"


# --- Cancelling and the waiting list ---------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_waiting_with_an_email(
        client, bob, session, bob_site, django_capture_on_commit_callbacks):
    other, first_waiting, second_waiting = people_of(bob_site, 3)
    mine = services.register_person(session, person=bob, site=bob_site, by=bob)
    services.register_person(session, person=other, site=bob_site, by=other)
    services.register_person(session, person=first_waiting, site=bob_site, by=first_waiting)
    services.register_person(session, person=second_waiting, site=bob_site, by=second_waiting)

    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("programmes:registration_cancel", args=[mine.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    statuses = dict(Registration.objects.values_list("person", "status"))
    assert statuses == {bob.pk: R.CANCELLED, other.pk: R.REGISTERED,
                        first_waiting.pk: R.REGISTERED, second_waiting.pk: R.WAITING_LIST}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [first_waiting.email]
    assert "Accueillir les jeunes" in mail.outbox[0].subject

    # A task delivered twice sends once.
    from programmes.tasks import send_seat_offered_email_task

    send_seat_offered_email_task(Registration.objects.get(person=first_waiting).pk)
    assert len(mail.outbox) == 1


def test_cancelling_twice_is_refused(session, bob, bob_site):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    services.cancel_registration(registration, by=bob)
    with pytest.raises(ValidationError) as error:
        services.cancel_registration(registration, by=bob)
    assert error.value.code == "already_cancelled"


def test_cancelling_a_waiting_place_promotes_nobody(session, bob_site,
                                                    django_capture_on_commit_callbacks):
    first, second, third = people_of(bob_site, 3)
    for person in (first, second, third):
        services.register_person(session, person=person, site=bob_site, by=person)
    waiting = Registration.objects.get(person=third)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_registration(waiting, by=third) == []
    assert not mail.outbox


def test_more_seats_let_the_waiting_in(session, bob_site, alice,
                                       django_capture_on_commit_callbacks):
    people = people_of(bob_site, 3)
    for person in people:
        services.register_person(session, person=person, site=bob_site, by=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session, by=alice, capacity=3)
    assert not Registration.objects.filter(status=R.WAITING_LIST).exists()
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationError) as error:
        services.update_session(session, by=alice, capacity=1)
    assert error.value.error_dict["capacity"][0].code == "capacity_below_registered"


def test_registering_again_after_cancelling_goes_to_the_end(session, bob, bob_site):
    first = services.register_person(session, person=bob, site=bob_site, by=bob)
    services.cancel_registration(first, by=bob)
    again = services.register_person(session, person=bob, site=bob_site, by=bob)
    assert again.pk == first.pk and again.status == R.REGISTERED


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 302), ("alice", 302), ("fanny", 403), ("paul", 403), ("carol", 404),
    ("oscar", 404),
])
def test_who_may_cancel_a_registration(client, pipeline_cast, session, bob, bob_site, name,
                                       expected):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:registration_cancel", args=[registration.pk]))
    assert response.status_code == expected
    registration.refresh_from_db()
    assert (registration.status == R.CANCELLED) == (expected == 302)


def test_a_sites_manager_cancels_for_a_colleague(client, bob, session, bob_site):
    colleague = people_of(bob_site, 1)[0]
    registration = services.register_person(session, person=colleague, site=bob_site,
                                            by=colleague)
    client.force_login(bob)
    assert client.post(reverse("programmes:registration_cancel",
                               args=[registration.pk])).status_code == 302


# --- Attendance and satisfaction -------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("bob", 403), ("oscar", 404),
])
def test_staff_mark_attendance_after_the_session(client, pipeline_cast, session, bob, bob_site,
                                                 name, expected):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:session_attendance", args=[session.pk]),
                           {f"attended_{registration.pk}": "present"})
    assert response.status_code == expected
    registration.refresh_from_db()
    session.refresh_from_db()
    assert (registration.attended is True) == (expected == 302)
    assert (session.status == TrainingSession.Status.HELD) == (expected == 302)


def test_attendance_waits_for_the_session_to_start(session, bob, bob_site, alice):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(session, attendance={registration.pk: True}, by=alice)
    assert error.value.code == "session_not_started"


def test_attendance_is_for_registered_people_only(session, bob, bob_site, alice):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(session, attendance={registration.pk + 1000: True}, by=alice)
    assert error.value.code == "not_registered"


def test_satisfaction_before_the_session_is_held_is_refused(session, bob, bob_site):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(registration, by=bob, satisfaction=5)
    assert error.value.code == "not_held"


def test_satisfaction_is_given_once_by_the_attendee_themself(client, session, bob, alice,
                                                             bob_site):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    services.record_attendance(session, attendance={registration.pk: True}, by=alice)
    url = reverse("programmes:registration_feedback", args=[registration.pk])
    client.force_login(alice)
    assert client.post(url, {"satisfaction": "5"}).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 200
    response = client.post(url, {"satisfaction": "4", "comment": "Très concret."})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.satisfaction, registration.satisfaction_comment) == (4, "Très concret.")
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(registration, by=bob, satisfaction=1)
    assert error.value.code == "already_answered"
    client.force_login(alice)
    page = client.get(session.get_absolute_url())
    assert page.context["average_satisfaction"] == 4


def test_absent_people_give_no_opinion(session, bob, alice, bob_site):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    services.record_attendance(session, attendance={registration.pk: False}, by=alice)
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(registration, by=bob, satisfaction=3)
    assert error.value.code == "not_attended"


@pytest.mark.parametrize("value", [0, 6, "x", None])
def test_satisfaction_is_one_to_five(session, bob, alice, bob_site, value):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    services.record_attendance(session, attendance={registration.pk: True}, by=alice)
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(registration, by=bob, satisfaction=value)
    assert error.value.error_dict["satisfaction"][0].code == "satisfaction_out_of_range"


def test_someone_else_cannot_answer_for_an_attendee(session, bob, carol, alice, bob_site):
    registration = services.register_person(session, person=bob, site=bob_site, by=bob)
    hold(session)
    services.record_attendance(session, attendance={registration.pk: True}, by=alice)
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(registration, by=carol, satisfaction=3)
    assert error.value.code == "not_your_registration"


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_session_page_query_count_does_not_grow(client, pipeline_cast, module, bob_site,
                                                name, django_assert_max_num_queries):
    session = TrainingSessionFactory(module=module, capacity=30)

    def count_for(number):
        for person in people_of(bob_site, number):
            services.register_person(session, person=person, site=bob_site, by=person)
        client.force_login(pipeline_cast[name])
        with django_assert_max_num_queries(25) as context:
            assert client.get(session.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    assert count_for(5) == count_for(35)  # 40 registrations, ten of them waiting
