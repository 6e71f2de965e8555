"""The reminder scan end to end: the task beat sends, run by a real Celery worker on the real
Redis that `make test` starts, queues the sends, which the worker runs too."""

import time
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from essaimage.models import SentReminder
from essaimage.reminders import PARIS, SEND_TIME, paris_day

from ..factories import BodyMemberFactory, GovernanceBodyFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.services


def test_beat_schedules_the_scan_every_fifteen_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["scan-reminders"]
    assert entry["task"] == "essaimage.tasks.scan_reminders_task"
    assert entry["schedule"].minute == {0, 15, 30, 45}


@pytest.mark.django_db(transaction=True)
def test_a_scan_run_by_a_real_worker_sends_the_reminders_due(reference_data, real_worker):
    from essaimage.tasks import scan_reminders_task

    # A meeting whose J-1 reminder (09:00 in Paris the day before) is due now.
    now = timezone.localtime(timezone.now(), PARIS)
    day = paris_day(now) + timedelta(days=1 if now.time() >= SEND_TIME else 0)
    start = datetime.combine(day, datetime.min.time().replace(hour=20), tzinfo=PARIS)
    body = GovernanceBodyFactory(reminder_days=[1])
    for email in ("one@example.org", "two@example.org"):
        BodyMemberFactory(body=body, user=UserFactory(email=email))
    MeetingFactory(body=body, starts_at=start, ends_at=start + timedelta(hours=2))

    scan_reminders_task.delay()  # what beat sends every 15 minutes
    deadline = time.monotonic() + 30
    while len(mail.outbox) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert all(m.attachments for m in mail.outbox)  # the calendar invitation
    deadline = time.monotonic() + 10
    while (SentReminder.objects.filter(status=SentReminder.Status.SENT).count() < 2
           and time.monotonic() < deadline):
        time.sleep(0.1)
    assert SentReminder.objects.filter(status=SentReminder.Status.SENT).count() == 2
