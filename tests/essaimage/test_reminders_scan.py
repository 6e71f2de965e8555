"""The reminder scan and sends (essaimage.reminders): what is due when, in Paris time across the
changes of summer time; each reminder once, whether the scan runs twice or two scans run at
once; failed sends retried, then visible as failed, then sent again on request."""

import threading
from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from essaimage import reminders
from essaimage.models import SentReminder
from essaimage.reminders import paris_time, scan_reminders, send_days
from programmes.models import Meeting

from ..factories import BodyMemberFactory, GovernanceBodyFactory, MeetingFactory, UserFactory

Status = SentReminder.Status


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def run_scan(django_capture_on_commit_callbacks):
    """Scan at `now` and run the sends it queues (eagerly, as the tests' Celery does)."""

    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return scan_reminders(now, **kwargs)

    return run


@pytest.fixture
def committee(db):
    """A committee with three members: one with an account, one outside with an address,
    one outside without."""
    body = GovernanceBodyFactory(name="COPIL TAPAJ")
    BodyMemberFactory(body=body, user=UserFactory(email="camille@example.org"))
    BodyMemberFactory(body=body, user=None, name="Denis Préfet", email="Denis@Example.org")
    BodyMemberFactory(body=body, user=None, name="Élise Sans-Adresse", email="")
    return body


def meeting_at(body, start, **fields) -> Meeting:
    return MeetingFactory(body=body, starts_at=start, ends_at=start + timedelta(hours=2),
                          **fields)


def sent_to(kind="meeting"):
    return sorted(SentReminder.objects.filter(kind=kind, status=Status.SENT)
                  .values_list("recipient_email", flat=True))


# --- Time ---------------------------------------------------------------------------------------


def test_a_source_that_cannot_send_fails_when_registered_not_during_a_scan():
    class DueOnly(reminders.ReminderSource):
        kinds = {"due_only": "Due only"}

        def due(self, start, end, *, project_id=None):
            return []

    with pytest.raises(TypeError, match="send"):
        reminders.register_reminder_source(DueOnly())
    assert "due_only" not in {kind for source in reminders.reminder_sources()
                              for kind in source.kinds}


def test_send_days_are_the_days_whose_nine_o_clock_falls_in_the_window():
    # 09:00 in Paris is 08:00 UTC in winter.
    assert send_days(utc(2027, 1, 10, 8, 0), utc(2027, 1, 11, 8, 0)) == (
        datetime(2027, 1, 11).date(), datetime(2027, 1, 11).date())
    assert send_days(utc(2027, 1, 10, 8, 1), utc(2027, 1, 11, 7, 59)) is None
    # 09:00 in Paris is 07:00 UTC in summer.
    assert paris_time(datetime(2027, 7, 1).date()) == utc(2027, 7, 1, 7, 0)


@pytest.mark.parametrize(("start", "j1_utc", "j7_utc"), [
    # Summer time starts on Sunday 28 March 2027: J-1 is in summer time, J-7 in winter time.
    (utc(2027, 3, 29, 8, 0), utc(2027, 3, 28, 7, 0), utc(2027, 3, 22, 8, 0)),
    # It ends on Sunday 31 October 2027: J-1 is in winter time, J-7 in summer time.
    (utc(2027, 11, 1, 9, 0), utc(2027, 10, 31, 8, 0), utc(2027, 10, 25, 7, 0)),
])
def test_meeting_reminders_go_at_nine_paris_time_across_summer_time_changes(
        run_scan, committee, start, j1_utc, j7_utc):
    meeting = meeting_at(committee, start)  # 10:00 in Paris, the Monday after the change
    assert meeting.starts_at.astimezone(reminders.PARIS).hour == 10

    for reminder_at in (j7_utc, j1_utc):
        run_scan(reminder_at - timedelta(seconds=1))
        days = 7 if reminder_at == j7_utc else 1
        assert not SentReminder.objects.filter(occurrence__startswith=f"J-{days}:").exists()
        run_scan(reminder_at)
        assert SentReminder.objects.filter(occurrence__startswith=f"J-{days}:",
                                           status=Status.SENT).count() == 2
    assert len(mail.outbox) == 4


# --- Once, and once only ------------------------------------------------------------------------


def test_scanning_twice_sends_each_reminder_once(run_scan, committee):
    start = utc(2027, 2, 10, 13, 0)
    meeting_at(committee, start)
    first = run_scan(utc(2027, 2, 9, 8, 0))
    second = run_scan(utc(2027, 2, 9, 8, 15))
    assert (first.queued, first.skipped) == (2, 1)
    assert (second.queued, second.skipped) == (0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@example.org", "denis@example.org"]
    assert sent_to() == ["camille@example.org", "denis@example.org"]


def test_a_member_without_an_address_is_recorded_as_not_sent(run_scan, committee):
    meeting_at(committee, utc(2027, 2, 10, 13, 0))
    run_scan(utc(2027, 2, 9, 8, 0))
    skipped = SentReminder.objects.get(status=Status.SKIPPED)
    assert skipped.recipient_email == ""
    assert skipped.error == reminders.NO_EMAIL
    reminders.describe([skipped])
    assert skipped.recipient_label == "Élise Sans-Adresse"
    assert skipped.reason == "non envoyé : pas d'adresse e-mail"


def test_a_reminder_late_by_more_than_a_day_is_not_sent(run_scan, committee):
    meeting_at(committee, utc(2027, 2, 10, 13, 0))  # J-1 at 08:00 UTC on 9 February
    run_scan(utc(2027, 2, 10, 8, 1))
    assert not SentReminder.objects.exists()


def test_the_same_reminder_is_queued_once_when_recorded_twice_in_one_call(db, committee):
    meeting = meeting_at(committee, utc(2027, 2, 10, 13, 0))
    due = reminders.DueReminder(kind="meeting", item=meeting, occurrence="J-1:x",
                                due_at=utc(2027, 2, 9, 8, 0), recipient_email="a@example.org")
    assert reminders.record_reminders([due, due], queue=False) == (1, 0)
    assert reminders.record_reminders([due], queue=False) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_reminder_once(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    bodies = [GovernanceBodyFactory() for _ in range(3)]
    for body in bodies:
        for _ in range(4):
            BodyMemberFactory(body=body)
        meeting_at(body, utc(2027, 2, 10, 13, 0))
    now = utc(2027, 2, 9, 8, 0)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            barrier.wait()
            # One row per statement, so that the two scans interleave as much as they can.
            results.append(scan_reminders(now, batch_size=1))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(result.queued for result in results) == 12
    assert SentReminder.objects.filter(status=Status.SENT).count() == 12
    assert len(mail.outbox) == 12
    assert len({m.to[0] for m in mail.outbox}) == 12


def test_a_second_delivery_of_the_same_send_sends_nothing(db, committee):
    meeting = meeting_at(committee, utc(2027, 2, 10, 13, 0))
    due = reminders.DueReminder(kind="meeting", item=meeting,
                                occurrence=f"J-1:{reminders.instant(meeting.starts_at)}",
                                due_at=utc(2027, 2, 9, 8, 0),
                                recipient_email="denis@example.org")
    reminders.record_reminders([due], queue=False)
    row = SentReminder.objects.get()
    assert reminders.send_reminder(row.pk, attempt=0) == Status.SENT
    assert reminders.send_reminder(row.pk, attempt=0) == ""
    assert len(mail.outbox) == 1


# --- Failures -----------------------------------------------------------------------------------


@pytest.fixture
def failures_stay_in_the_worker():
    """Eager tasks, but their failures handled as a worker does (retries, on_failure) instead
    of raised to the caller."""
    from essaimage.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPException("421 service not available")


def test_a_failing_smtp_server_is_retried_then_the_reminder_shows_failed(
        committee, settings, failures_stay_in_the_worker):
    from essaimage.tasks import send_reminder_task

    meeting_at(committee, utc(2027, 2, 10, 13, 0))
    reminders.scan_reminders(utc(2027, 2, 9, 8, 0), queue=False)
    row = SentReminder.objects.get(recipient_email="camille@example.org")
    settings.EMAIL_BACKEND = "tests.essaimage.test_reminders_scan.FailingBackend"
    send_reminder_task.delay(row.pk)  # eager: the retries run at once
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == send_reminder_task.max_retries + 1
    assert row.error == "SMTPException: 421 service not available"
    assert row.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.retry_reminder(row) is True
    assert reminders.retry_reminder(row) is False  # a second click queues nothing more
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (Status.QUEUED, 0, "")
    send_reminder_task.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]


def test_a_send_that_recovers_keeps_its_attempts(committee, monkeypatch,
                                                 failures_stay_in_the_worker):
    from essaimage.tasks import send_reminder_task
    from programmes import reminders as programme_reminders

    meeting_at(committee, utc(2027, 2, 10, 13, 0))
    reminders.scan_reminders(utc(2027, 2, 9, 8, 0), queue=False)
    row = SentReminder.objects.get(recipient_email="camille@example.org")
    real_send, calls = programme_reminders.send_templated_email, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("connection reset")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(programme_reminders, "send_templated_email", flaky)
    send_reminder_task.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 3)
    assert len(mail.outbox) == 1


def test_reminders_queued_for_hours_are_shown_failed(db, committee):
    meeting = meeting_at(committee, utc(2027, 2, 10, 13, 0))
    due = reminders.DueReminder(kind="meeting", item=meeting, occurrence="J-1:x",
                                due_at=utc(2027, 2, 9, 8, 0), recipient_email="a@example.org")
    reminders.record_reminders([due], now=utc(2027, 2, 9, 8, 0), queue=False)
    assert reminders.fail_stale_reminders(utc(2027, 2, 9, 13, 0)) == 0
    assert reminders.fail_stale_reminders(utc(2027, 2, 9, 14, 1)) == 1
    row = SentReminder.objects.get()
    assert (row.status, row.error) == (Status.FAILED, reminders.INTERRUPTED)


def test_a_reminder_of_a_kind_no_source_knows_is_not_sent(db, committee):
    meeting = meeting_at(committee, utc(2027, 2, 10, 13, 0))
    due = reminders.DueReminder(kind="retired_kind", item=meeting, occurrence="x",
                                due_at=utc(2027, 2, 9, 8, 0), recipient_email="a@example.org")
    reminders.record_reminders([due], queue=False)
    row = SentReminder.objects.get()
    assert reminders.send_reminder(row.pk) == Status.SKIPPED
    row.refresh_from_db()
    assert row.error == reminders.UNKNOWN_KIND
    assert not mail.outbox
