"""Event pages for every role: the people of the spaces it is open to read it and register;
people of other spaces and outsiders get a 404; organiser and moderators manage it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from icalendar import Calendar

from communities.models import Event, EventRegistration, Notification

from ..factories import EventFactory, EventRegistrationFactory
from .events_cast import *  # noqa: F401,F403
from .events_cast import later

pytestmark = pytest.mark.django_db

R = EventRegistration.Status
READERS = ["bob", "ben", "pia", "alice", "mathilde", "admin_user"]
STRANGERS = ["carol", "oscar"]
MANAGERS = ["alice", "mathilde", "admin_user"]
PARTICIPANTS = ["bob", "pia"]


def as_user(client, request, name):
    user = request.getfixturevalue(name)
    client.force_login(user)
    return user


def flashed(response, level=None):
    return [str(m) for m in get_messages(response.wsgi_request)
            if level is None or m.level_tag == level]


def form_data(space, **overrides):
    data = {"title": "Visite du site de Grenoble", "kind": "visit",
            "starts_at": later(days=8).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": later(days=8, hours=3).strftime("%Y-%m-%dT%H:%M"),
            "place": "12 rue des Alpes, Grenoble", "link": "", "capacity": "12",
            "spaces": [space.pk], "description": "On découvre **l'atelier**.",
            "agenda": "- Accueil café\n- Visite"}
    return data | overrides


# --- Reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_people_of_the_spaces_read_the_event(client, request, event, cohort_b, name):
    as_user(client, request, name)
    response = client.get(reverse("communities:event_detail", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rencontre des essaimés" in html
    assert "<strong>journée</strong>" in html  # description in markdown
    assert "<li>Accueil</li>" in html          # agenda in markdown
    assert "Promotion A" in html

    listing = client.get(reverse("communities:event_list"))
    assert "Rencontre des essaimés" in listing.content.decode()


@pytest.mark.parametrize("name", STRANGERS)
def test_other_cohorts_and_outsiders_get_a_404_everywhere(client, request, event, cohort_b,
                                                          name):
    as_user(client, request, name)
    for view in ("event_detail", "event_ics", "event_update", "event_cancel",
                 "event_attendance", "event_report"):
        assert client.get(reverse(f"communities:{view}", args=[event.pk])).status_code == 404
    for view in ("event_register", "event_unregister"):
        assert client.post(reverse(f"communities:{view}", args=[event.pk])).status_code == 404
    assert not event.registrations.exists()
    listing = client.get(reverse("communities:event_list"))
    assert "Rencontre des essaimés" not in listing.content.decode()


def test_anonymous_people_are_sent_to_sign_in(client, event):
    response = client.get(reverse("communities:event_detail", args=[event.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_event_open_to_two_cohorts_is_read_by_both(client, alice, carol, cohort_a,
                                                      cohort_b):
    event = EventFactory(organiser=alice, spaces=[cohort_a, cohort_b], title="Inter-promos")
    client.force_login(carol)
    assert client.get(reverse("communities:event_detail", args=[event.pk])).status_code == 200


def test_a_person_who_leaves_the_structure_loses_the_event_at_once(client, bob, bob_structure,
                                                                   event):
    client.force_login(bob)
    assert client.get(reverse("communities:event_detail", args=[event.pk])).status_code == 200
    bob.memberships.filter(structure=bob_structure).delete()
    assert client.get(reverse("communities:event_detail", args=[event.pk])).status_code == 404


def test_the_list_splits_upcoming_and_past_events_with_reports(client, bob, event, past_event):
    past_event.report = "Trois sites visités, **beaucoup** d'idées."
    past_event.save()
    client.force_login(bob)
    upcoming = client.get(reverse("communities:event_list")).content.decode()
    assert "Rencontre des essaimés" in upcoming and "Visite passée" not in upcoming
    past = client.get(reverse("communities:event_list"), {"quand": "passes"}).content.decode()
    assert "Visite passée" in past and "Rencontre des essaimés" not in past
    assert "<strong>beaucoup</strong>" in past


def test_the_list_shows_seats_left_full_and_my_status(client, bob, ben, pia, event, alice,
                                                      cohort_a):
    open_event = EventFactory(organiser=alice, spaces=[cohort_a], title="Atelier ouvert",
                              capacity=5)
    EventRegistrationFactory(event=open_event, person=ben)
    EventRegistrationFactory(event=event, person=bob)
    EventRegistrationFactory(event=event, person=ben)
    EventRegistrationFactory(event=event, person=pia, status=R.WAITING)
    client.force_login(bob)
    response = client.get(reverse("communities:event_list"))
    events = {e.title: e for e in response.context["page"].object_list}
    assert events["Atelier ouvert"].seats_left == 4
    assert events["Rencontre des essaimés"].seats_left == 0
    assert events["Rencontre des essaimés"].waiting_count == 1
    assert events["Rencontre des essaimés"].my_status == R.REGISTERED
    assert events["Atelier ouvert"].my_status is None


def test_the_list_can_show_one_space(client, alice, cohort_a, cohort_b, event):
    other = EventFactory(organiser=alice, spaces=[cohort_b], title="Promo B seulement")
    client.force_login(alice)
    html = client.get(reverse("communities:event_list"),
                      {"espace": cohort_b.pk}).content.decode()
    assert other.title in html and event.title not in html
    # A space one does not take part in shows nothing, whatever the id.
    response = client.get(reverse("communities:event_list"), {"espace": "99999999999999999999"})
    assert response.status_code == 200


def test_the_join_link_is_only_shown_to_the_people_registered(client, alice, bob, ben,
                                                              cohort_a):
    webinar = EventFactory(organiser=alice, spaces=[cohort_a], kind="webinar", place="",
                           link="https://visio.example.org/secret")
    EventRegistrationFactory(event=webinar, person=bob)
    url = reverse("communities:event_detail", args=[webinar.pk])
    client.force_login(ben)
    assert "visio.example.org/secret" not in client.get(url).content.decode()
    client.force_login(bob)
    assert "visio.example.org/secret" in client.get(url).content.decode()
    client.force_login(alice)
    assert "visio.example.org/secret" in client.get(url).content.decode()


# --- Registering -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTICIPANTS)
def test_participants_register_and_cancel(client, request, event, name):
    user = as_user(client, request, name)
    response = client.post(reverse("communities:event_register", args=[event.pk]))
    assert response.status_code == 302
    assert event.registrations.get(person=user).status == R.REGISTERED
    page = client.get(reverse("communities:event_detail", args=[event.pk])).content.decode()
    assert reverse("communities:event_unregister", args=[event.pk]) in page

    client.post(reverse("communities:event_unregister", args=[event.pk]))
    assert event.registrations.get(person=user).status == R.CANCELLED


def test_beyond_capacity_the_person_is_told_they_wait(client, event, bob, ben, pia):
    EventRegistrationFactory(event=event, person=bob)
    EventRegistrationFactory(event=event, person=ben)
    client.force_login(pia)
    page = client.get(reverse("communities:event_detail", args=[event.pk])).content.decode()
    assert "complet" in page.lower() or "full" in page.lower()
    response = client.post(reverse("communities:event_register", args=[event.pk]))
    assert event.registrations.get(person=pia).status == R.WAITING
    (message,) = flashed(response, "warning")
    assert "1" in message  # their position


def test_registering_twice_and_cancelling_twice_give_a_clear_message(client, event, bob):
    client.force_login(bob)
    url = reverse("communities:event_register", args=[event.pk])
    client.post(url)
    client.get(event.get_absolute_url())  # shows, and so clears, the success message
    response = client.post(url)
    assert response.status_code == 302
    assert len(flashed(response, "error")) == 1
    assert event.registrations.filter(person=bob).count() == 1
    client.get(event.get_absolute_url())

    cancel = reverse("communities:event_unregister", args=[event.pk])
    client.post(cancel)
    client.get(event.get_absolute_url())
    response = client.post(cancel)
    assert len(flashed(response, "error")) == 1
    assert event.registrations.get(person=bob).status == R.CANCELLED


def test_cancelling_without_a_registration_gives_a_message(client, event, bob):
    client.force_login(bob)
    response = client.post(reverse("communities:event_unregister", args=[event.pk]))
    assert response.status_code == 302 and len(flashed(response, "error")) == 1


def test_registration_after_the_start_is_refused(client, started_event, bob):
    client.force_login(bob)
    response = client.post(reverse("communities:event_register", args=[started_event.pk]))
    assert response.status_code == 302
    assert len(flashed(response, "error")) == 1
    assert not started_event.registrations.exists()


def test_registering_needs_a_post(client, event, bob):
    client.force_login(bob)
    assert client.get(reverse("communities:event_register", args=[event.pk])).status_code == 405


# --- Calendar file -------------------------------------------------------------------------


def test_the_calendar_file_parses_with_icalendar(client, bob, event):
    client.force_login(bob)
    response = client.get(reverse("communities:event_ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rencontre-des')
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Rencontre des essaimés"
    assert item.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert item.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert item.decoded("DTSTART").utcoffset().total_seconds() == 0  # written in UTC
    assert str(item["LOCATION"]) == "Maison des associations, Nevers"
    assert str(item["URL"]).endswith(event.get_absolute_url())
    assert str(item["STATUS"]) == "CONFIRMED"
    uid = str(item["UID"])
    assert uid == f"event-{event.pk}@testserver" or uid.startswith(f"event-{event.pk}@")
    # The same UID every time, so that a calendar updates rather than duplicates.
    again = Calendar.from_ical(client.get(
        reverse("communities:event_ics", args=[event.pk])).content).walk("VEVENT")[0]
    assert str(again["UID"]) == uid


def test_a_cancelled_event_exports_as_cancelled(client, alice, event, bob):
    from communities.services.events import cancel_event

    client.force_login(bob)
    before = Calendar.from_ical(client.get(
        reverse("communities:event_ics", args=[event.pk])).content).walk("VEVENT")[0]
    cancel_event(event, by=alice, reason="Grève")
    response = client.get(reverse("communities:event_ics", args=[event.pk]))
    (item,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(item["STATUS"]) == "CANCELLED"
    assert int(item["SEQUENCE"]) > int(before["SEQUENCE"])


def test_the_calendar_gives_the_join_link_only_to_the_people_registered(client, alice, bob,
                                                                        ben, cohort_a):
    webinar = EventFactory(organiser=alice, spaces=[cohort_a], kind="webinar", place="",
                           link="https://visio.example.org/secret")
    EventRegistrationFactory(event=webinar, person=bob)
    url = reverse("communities:event_ics", args=[webinar.pk])
    client.force_login(ben)
    assert b"visio.example.org/secret" not in client.get(url).content
    client.force_login(bob)
    item = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(item["LOCATION"]) == "https://visio.example.org/secret"


# --- Organising ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "mathilde", "admin_user"])
def test_moderators_organise_events(client, request, cohort_a, bob, name):
    user = as_user(client, request, name)
    url = reverse("communities:event_create")
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(cohort_a))
    event = Event.objects.get(title="Visite du site de Grenoble")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.organiser == user
    assert list(event.spaces.all()) == [cohort_a]
    assert Notification.objects.filter(recipient=bob, kind="new_event").exists()


@pytest.mark.parametrize("name", ["bob", "pia", "carol", "oscar"])
def test_participants_and_outsiders_cannot_organise(client, request, cohort_a, name):
    as_user(client, request, name)
    url = reverse("communities:event_create")
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(cohort_a)).status_code == 403
    assert not Event.objects.exists()


def test_the_list_offers_to_organise_to_moderators_only(client, alice, bob, cohort_a):
    client.force_login(alice)
    create = reverse("communities:event_create")
    assert create in client.get(reverse("communities:event_list")).content.decode()
    client.force_login(bob)
    assert create not in client.get(reverse("communities:event_list")).content.decode()


def test_only_the_spaces_one_moderates_are_offered(client, mathilde, cohort_a, cohort_b):
    client.force_login(mathilde)
    response = client.get(reverse("communities:event_create"))
    assert list(response.context["form"].fields["spaces"].queryset) == [cohort_a]
    response = client.post(reverse("communities:event_create"), form_data(cohort_b))
    assert response.status_code == 400
    assert response.context["form"].errors["spaces"]


@pytest.mark.parametrize("overrides, field", [
    ({"ends_at": later(days=7).strftime("%Y-%m-%dT%H:%M")}, "ends_at"),
    ({"starts_at": later(days=-1).strftime("%Y-%m-%dT%H:%M"),
      "ends_at": later(days=-1, hours=2).strftime("%Y-%m-%dT%H:%M")}, "starts_at"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "-4"}, "capacity"),
    ({"capacity": "douze"}, "capacity"),
    ({"spaces": []}, "spaces"),
    ({"spaces": ["abc"]}, "spaces"),
    ({"spaces": ["99999999999999999999999"]}, "spaces"),
    ({"place": "", "link": ""}, "place"),
    ({"link": "javascript:alert(1)"}, "link"),
    ({"title": ""}, "title"),
    ({"description": "x" * 10_001}, "description"),
    ({"starts_at": "demain"}, "starts_at"),
])
def test_bad_input_is_refused_next_to_the_field_and_kept(client, alice, cohort_a, overrides,
                                                         field):
    client.force_login(alice)
    response = client.post(reverse("communities:event_create"), form_data(cohort_a, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    kept = "Accueil café" if field in ("title", "place") else "Visite du site de Grenoble"
    assert kept in response.content.decode()  # what was typed stays
    assert not Event.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("name", MANAGERS)
def test_organiser_and_moderators_edit_the_event(client, request, event, cohort_a, name):
    as_user(client, request, name)
    url = reverse("communities:event_update", args=[event.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "Rencontre des essaimés"
    response = client.post(url, form_data(cohort_a, title="Rencontre d'automne"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Rencontre d'automne"


@pytest.mark.parametrize("name", PARTICIPANTS)
def test_participants_cannot_manage_the_event(client, request, event, started_event,
                                              past_event, cohort_a, name):
    as_user(client, request, name)
    assert client.get(reverse("communities:event_update", args=[event.pk])).status_code == 403
    assert client.post(reverse("communities:event_update", args=[event.pk]),
                       form_data(cohort_a)).status_code == 403
    assert client.post(reverse("communities:event_cancel", args=[event.pk]),
                       {"reason": "Non"}).status_code == 403
    assert client.get(reverse("communities:event_attendance",
                              args=[started_event.pk])).status_code == 403
    assert client.post(reverse("communities:event_report", args=[past_event.pk]),
                       {"report": "Moi aussi"}).status_code == 403
    event.refresh_from_db()
    past_event.refresh_from_db()
    assert not event.is_cancelled and past_event.report == ""


@pytest.mark.parametrize("name", MANAGERS)
def test_organiser_and_moderators_cancel_with_a_reason(client, request, event, bob, name,
                                                       django_capture_on_commit_callbacks):
    from django.core import mail

    as_user(client, request, name)
    EventRegistrationFactory(event=event, person=bob)
    url = reverse("communities:event_cancel", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Le lieu n'est plus disponible."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Le lieu n&#x27;est plus disponible." in page


# --- Attendance and report -----------------------------------------------------------------


@pytest.mark.parametrize("name", MANAGERS)
def test_attendance_once_the_event_has_started(client, request, started_event, event, bob,
                                               ben, name):
    as_user(client, request, name)
    before = client.get(reverse("communities:event_attendance", args=[event.pk]))
    assert before.status_code == 200
    assert before.context["has_started"] is False
    assert client.post(reverse("communities:event_attendance", args=[event.pk]),
                       {}).status_code == 400

    present = EventRegistrationFactory(event=started_event, person=bob)
    absent = EventRegistrationFactory(event=started_event, person=ben)
    url = reverse("communities:event_attendance", args=[started_event.pk])
    response = client.post(url, {f"attended_{present.pk}": "present",
                                 f"attended_{absent.pk}": "absent"})
    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


@pytest.mark.parametrize("name", MANAGERS)
def test_the_report_after_the_event_shows_on_its_page_and_in_the_past_list(
        client, request, past_event, started_event, name):
    as_user(client, request, name)
    too_early = client.post(reverse("communities:event_report", args=[started_event.pk]),
                            {"report": "Trop tôt"})
    assert too_early.status_code == 400
    started_event.refresh_from_db()
    assert started_event.report == ""

    url = reverse("communities:event_report", args=[past_event.pk])
    assert client.post(url, {"report": ""}).status_code == 400
    assert client.post(url, {"report": "x" * 10_001}).status_code == 400
    response = client.post(url, {"report": "Nous avons vu **trois** ateliers.\n\n"
                                           "<script>alert(1)</script>"})
    assert response.status_code == 302
    page = client.get(past_event.get_absolute_url()).content.decode()
    assert "<strong>trois</strong>" in page
    assert "<script>alert(1)</script>" not in page
    past = client.get(reverse("communities:event_list"), {"quand": "passes"}).content.decode()
    assert "<strong>trois</strong>" in past


# --- The space page's panel ----------------------------------------------------------------


def test_the_space_panel_shows_the_next_three_events_and_co_development(
        alice, cohort_a, cohort_b, event, past_event, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    from communities.selectors.events import upcoming_events_for_space

    EventFactory(organiser=alice, spaces=[cohort_a], title="Annulée", is_cancelled=True,
                 starts_at=later(days=1), ends_at=later(days=1, hours=1))
    EventFactory(organiser=alice, spaces=[cohort_b], title="Autre promo",
                 starts_at=later(days=1), ends_at=later(days=1, hours=1))
    for days in (2, 30, 40):
        EventFactory(organiser=alice, spaces=[cohort_a], title=f"Dans {days} jours",
                     starts_at=later(days=days), ends_at=later(days=days, hours=1))
    with django_assert_max_num_queries(1):
        space_events = upcoming_events_for_space(cohort_a)
    assert [e.title for e in space_events] == ["Dans 2 jours", "Rencontre des essaimés",
                                               "Dans 30 jours"]
    with django_assert_max_num_queries(0):
        html = render_to_string("communities/events/_space_events.html",
                                {"space": cohort_a, "space_events": space_events})
    assert "Dans 2 jours" in html and "Dans 40 jours" not in html
    assert reverse("communities:codev_list", args=[cohort_a.pk]) in html
    assert f"{reverse('communities:event_list')}?espace={cohort_a.pk}" in html
