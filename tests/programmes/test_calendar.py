"""Calendar files of meetings, parsed back with icalendar as a calendar would read them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from programmes.models import Meeting
from programmes.services import governance as services

from ..factories import MeetingFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def parse(response):
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def download(client, user, meeting):
    client.force_login(user)
    response = client.get(reverse("programmes:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    return response


@pytest.fixture
def spring_meeting(steering_committee):
    """The Sunday clocks go forward in Paris: 09:00 there is 07:00 UTC."""
    return MeetingFactory(body=steering_committee, title="COPIL de printemps",
                          starts_at=datetime(2027, 3, 28, 9, 0, tzinfo=PARIS),
                          ends_at=datetime(2027, 3, 28, 11, 30, tzinfo=PARIS),
                          place="Mairie de Nevers, salle du conseil",
                          agenda="Tour de table\n- Bilan du site pilote\n\nSuite à donner")


def test_the_file_is_a_calendar_download(client, camille, spring_meeting):
    response = download(client, camille, spring_meeting)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="copil-de-printemps-2027-03-28.ics"' in disposition


def test_the_event_says_what_when_where_and_which_version(client, camille, spring_meeting):
    calendar, event = parse(download(client, camille, spring_meeting))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == str(spring_meeting.uid)
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 3, 28, 9, 30, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "COPIL de printemps"
    assert str(event["LOCATION"]) == "Mairie de Nevers, salle du conseil"
    assert str(event["URL"]) == f"http://testserver/programmes/reunions/{spring_meeting.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "1. Tour de table\n2. Bilan du site pilote\n3. Suite à donner" in description
    assert spring_meeting.body.name in description


def test_the_day_before_the_change_of_time_is_one_hour_further_from_utc(client, camille,
                                                                        steering_committee):
    meeting = MeetingFactory(body=steering_committee,
                             starts_at=datetime(2027, 3, 27, 9, 0, tzinfo=PARIS),
                             ends_at=datetime(2027, 3, 27, 10, 0, tzinfo=PARIS))
    _calendar, event = parse(download(client, camille, meeting))
    assert event.decoded("DTSTART") == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence(client, alice, spring_meeting):
    services.update_meeting(spring_meeting, by=alice,
                            starts_at=datetime(2027, 3, 29, 14, 0, tzinfo=PARIS),
                            ends_at=datetime(2027, 3, 29, 16, 0, tzinfo=PARIS))
    _calendar, event = parse(download(client, alice, spring_meeting))
    assert str(event["UID"]) == str(spring_meeting.uid)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2027, 3, 29, 12, 0, tzinfo=UTC)


def test_a_cancelled_meeting_is_published_cancelled(client, alice, spring_meeting):
    services.set_meeting_status(spring_meeting, Meeting.Status.CANCELLED, by=alice)
    _calendar, event = parse(download(client, alice, spring_meeting))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_meeting_by_video_gives_its_link_as_location(client, alice, steering_committee):
    meeting = MeetingFactory(body=steering_committee, place="",
                             video_link="https://visio.example.org/copil")
    _calendar, event = parse(download(client, alice, meeting))
    assert str(event["LOCATION"]) == "https://visio.example.org/copil"
    assert "https://visio.example.org/copil" in str(event["DESCRIPTION"])


def test_special_characters_survive_the_round_trip(client, alice, steering_committee):
    meeting = MeetingFactory(body=steering_committee, title="COPIL; séance «extra», n°2",
                             place="12, rue de l'Église\\bâtiment B",
                             agenda="Point 1 : budget; trésorerie, etc.")
    _calendar, event = parse(download(client, alice, meeting))
    assert str(event["SUMMARY"]) == "COPIL; séance «extra», n°2"
    assert str(event["LOCATION"]) == "12, rue de l'Église\\bâtiment B"
    assert "1. Point 1 : budget; trésorerie, etc." in str(event["DESCRIPTION"])
