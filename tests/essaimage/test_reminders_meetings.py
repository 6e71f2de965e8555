"""Reminders of governance meetings (programmes.reminders): before the meeting with the
invitation and the pack, a new version when its date or place changes, a cancellation; in each
member's language; never while the committee's reminders are paused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from icalendar import Calendar

from essaimage.models import ReportJob, SentReminder
from essaimage.reminders import NO_LONGER_DUE, PAUSED, SUPERSEDED, scan_reminders
from programmes.models import Meeting
from programmes.services import governance as services

from ..factories import BodyMemberFactory, GovernanceBodyFactory, MeetingFactory, UserFactory

Status = SentReminder.Status


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# A meeting on Wednesday 10 February 2027 at 14:00 in Paris: J-7 and J-1 at 09:00 in Paris
# (08:00 UTC, winter time) on the 3rd and the 9th.
START = utc(2027, 2, 10, 13, 0)
J7, J1 = utc(2027, 2, 3, 8, 0), utc(2027, 2, 9, 8, 0)


@pytest.fixture
def run_scan(django_capture_on_commit_callbacks):
    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return scan_reminders(now, **kwargs)

    return run


@pytest.fixture
def committee(db):
    body = GovernanceBodyFactory(name="COPIL TAPAJ")
    BodyMemberFactory(body=body, user=UserFactory(email="camille@example.org", language="fr"))
    BodyMemberFactory(body=body, user=UserFactory(email="john@example.org", language="en"))
    BodyMemberFactory(body=body, user=None, name="Denis Préfet", email="denis@example.org")
    return body


@pytest.fixture
def meeting(committee):
    return MeetingFactory(body=committee, title="COPIL n°3", starts_at=START,
                          ends_at=START + timedelta(hours=2), place="Nevers, salle du conseil",
                          agenda="Bilan des sites\nSélection de la cohorte 2")


def calendar_of(message) -> Calendar:
    (ics,) = [content for name, content, mimetype in message.attachments
              if mimetype.startswith("text/calendar")]
    return Calendar.from_ical(ics)


def event_of(message):
    return calendar_of(message).walk("VEVENT")[0]


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


# --- Before the meeting -------------------------------------------------------------------------


def test_members_get_reminders_seven_days_and_one_day_before(run_scan, meeting):
    assert meeting.body.reminder_days == [7, 1]  # the default of a new body
    run_scan(J7 - timedelta(minutes=1))
    assert not mail.outbox
    run_scan(J7)
    assert sorted(by_recipient()) == ["camille@example.org", "denis@example.org",
                                      "john@example.org"]
    mail.outbox.clear()
    run_scan(J1 + timedelta(minutes=14))
    assert len(mail.outbox) == 3
    occurrences = set(SentReminder.objects.values_list("occurrence", flat=True))
    assert occurrences == {"J-7:2027-02-10T13:00:00+00:00", "J-1:2027-02-10T13:00:00+00:00"}


def test_the_reminder_is_in_the_member_s_language_with_text_html_and_a_link(run_scan, meeting):
    run_scan(J1)
    messages = by_recipient()
    french, english, outside = (messages["camille@example.org"], messages["john@example.org"],
                                messages["denis@example.org"])
    assert french.body.startswith("Bonjour,")
    assert english.body.startswith("Hello,")
    assert outside.body.startswith("Bonjour,")  # no account: the platform's language
    assert "takes place tomorrow" in english.body
    assert "Agenda:" in english.body and "1. Bilan des sites" in english.body
    link = f"/programmes/reunions/{meeting.pk}/"
    assert link in english.body
    html, mimetype = english.alternatives[0]
    assert mimetype == "text/html" and link in html and "<ol>" in html
    assert "COPIL n°3" in english.subject


def test_the_reminder_carries_a_calendar_invitation(run_scan, meeting):
    run_scan(J7)
    calendar = calendar_of(by_recipient()["john@example.org"])
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == str(meeting.uid)
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == START
    assert str(event["LOCATION"]) == "Nevers, salle du conseil"
    assert str(event["ATTENDEE"]) == "mailto:john@example.org"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_the_pack_is_attached_when_a_ready_one_exists(run_scan, meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    run_scan(J7)
    assert all(len(message.attachments) == 1 for message in mail.outbox)  # the ICS only
    mail.outbox.clear()

    job = ReportJob(kind="committee_pack", subject=meeting, status=ReportJob.Status.READY,
                    finished_at=timezone.now())
    job.file.save("pack.pdf", ContentFile(b"%PDF-1.7 pack"), save=False)
    job.save()
    ReportJob.objects.create(kind="committee_pack", subject=meeting,
                             status=ReportJob.Status.FAILED, params_key="other")
    run_scan(J1)
    message = by_recipient()["camille@example.org"]
    pdfs = [(name, content) for name, content, mimetype in message.attachments
            if mimetype == "application/pdf"]
    assert pdfs == [("copil-n3-2027-02-10-dossier.pdf", b"%PDF-1.7 pack")]
    assert "meeting pack (PDF) are attached" in by_recipient()["john@example.org"].body


def test_a_missing_pack_file_does_not_stop_the_reminder(run_scan, meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ReportJob.objects.create(kind="committee_pack", subject=meeting, file="gone/pack.pdf",
                             status=ReportJob.Status.READY)
    run_scan(J1)
    assert len(mail.outbox) == 3
    assert all(len(message.attachments) == 1 for message in mail.outbox)


def test_each_committee_chooses_its_days(run_scan, meeting):
    meeting.body.reminder_days = [3]
    meeting.body.save()
    run_scan(J7)
    run_scan(J1)
    assert not mail.outbox
    run_scan(utc(2027, 2, 7, 8, 0))
    assert len(mail.outbox) == 3
    assert SentReminder.objects.filter(occurrence__startswith="J-3:").count() == 3


def test_a_committee_without_reminder_days_sends_none(run_scan, meeting):
    meeting.body.reminder_days = []
    meeting.body.save()
    run_scan(J1)
    assert not mail.outbox


def test_a_paused_committee_gets_nothing_and_nothing_piles_up(run_scan, meeting):
    meeting.body.reminders_paused = True
    meeting.body.save()
    run_scan(J7)
    assert not SentReminder.objects.exists()
    meeting.body.reminders_paused = False
    meeting.body.save()
    run_scan(J7 + timedelta(days=2))  # the J-7 reminder is two days old: not sent late
    assert not mail.outbox
    run_scan(J1)
    assert len(mail.outbox) == 3


def test_a_reminder_queued_before_a_pause_is_not_sent(db, meeting, django_capture_on_commit_callbacks):
    scan_reminders(J1, queue=False)
    meeting.body.reminders_paused = True
    meeting.body.save()
    from essaimage.reminders import send_reminder

    row = SentReminder.objects.filter(status=Status.QUEUED).first()
    assert send_reminder(row.pk) == Status.SKIPPED
    row.refresh_from_db()
    assert row.error == PAUSED
    assert not mail.outbox


def test_cancelled_and_held_meetings_get_no_reminder(run_scan, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    run_scan(J1)
    assert not SentReminder.objects.filter(kind="meeting").exists()


def test_a_member_who_left_the_committee_is_not_reminded(db, meeting):
    from essaimage.reminders import send_reminder

    scan_reminders(J1, queue=False)
    meeting.body.members.filter(user__email="john@example.org").delete()
    row = SentReminder.objects.get(recipient_email="john@example.org")
    assert send_reminder(row.pk) == Status.SKIPPED
    row.refresh_from_db()
    assert row.error == NO_LONGER_DUE


# --- Changes and cancellation ---------------------------------------------------------------


@pytest.fixture
def future_meeting(committee):
    start = timezone.now() + timedelta(days=20)
    return MeetingFactory(body=committee, title="COPIL n°4", starts_at=start,
                          ends_at=start + timedelta(hours=2), place="Nevers")


def test_a_new_date_sends_an_update_with_a_higher_sequence(
        future_meeting, alice, django_capture_on_commit_callbacks):
    new_start = future_meeting.starts_at + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(future_meeting, by=alice, starts_at=new_start,
                                ends_at=new_start + timedelta(hours=3))
    assert len(mail.outbox) == 3
    message = by_recipient()["john@example.org"]
    assert "has changed" in message.body
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start.replace(microsecond=0)
    assert set(SentReminder.objects.values_list("kind", "occurrence")) == {
        ("meeting_update", "seq:1")}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(future_meeting, by=alice, place="Dijon")
    assert event_of(by_recipient()["john@example.org"])["SEQUENCE"] == 2


def test_changing_only_the_agenda_or_the_title_sends_nothing(
        future_meeting, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(future_meeting, by=alice, agenda="Nouveau point",
                                title="COPIL n°4 bis")
    assert not mail.outbox


def test_a_cancelled_meeting_sends_a_cancellation(
        future_meeting, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_meeting_status(future_meeting, Meeting.Status.CANCELLED, by=alice)
    assert len(mail.outbox) == 3
    message = by_recipient()["camille@example.org"]
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    assert "Meeting cancelled" in by_recipient()["john@example.org"].subject

    # Planned again: the invitation comes back, with the next sequence.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_meeting_status(future_meeting, Meeting.Status.PLANNED, by=alice)
    calendar = calendar_of(by_recipient()["camille@example.org"])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 2


def test_an_update_overtaken_by_a_newer_one_is_not_sent(future_meeting, alice):
    from essaimage.reminders import send_reminder

    services.update_meeting(future_meeting, by=alice, place="Dijon")  # on_commit not run
    services.update_meeting(future_meeting, by=alice, place="Auxerre")
    older = SentReminder.objects.filter(occurrence="seq:1").first()
    assert send_reminder(older.pk) == Status.SKIPPED
    older.refresh_from_db()
    assert older.error == SUPERSEDED
    newer = SentReminder.objects.filter(occurrence="seq:2").first()
    assert send_reminder(newer.pk) == Status.SENT
    assert "Auxerre" in mail.outbox[0].body


def test_a_paused_committee_hears_of_no_change(
        future_meeting, alice, django_capture_on_commit_callbacks):
    future_meeting.body.reminders_paused = True
    future_meeting.body.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(future_meeting, by=alice, place="Dijon")
        services.set_meeting_status(future_meeting, Meeting.Status.CANCELLED, by=alice)
    assert not mail.outbox
    assert not SentReminder.objects.exists()


def test_a_moved_meeting_is_reminded_at_its_new_date(db, meeting, alice, run_scan):
    scan_reminders(J7, queue=False)  # J-7 of the old date, not sent yet
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=START + timedelta(days=7),
                                                 ends_at=START + timedelta(days=7, hours=2))
    from essaimage.reminders import send_reminder

    stale = SentReminder.objects.filter(kind="meeting", status=Status.QUEUED).first()
    assert send_reminder(stale.pk) == Status.SKIPPED
    run_scan(J7 + timedelta(days=7))  # J-7 of the new date: a new occurrence
    assert SentReminder.objects.filter(kind="meeting", status=Status.SENT).count() == 3
