"""A committee pack generated end to end: asked for over HTTP, queued on the real Redis, rendered
by a real Celery worker, stored, then downloaded."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from essaimage.models import ReportJob

from ..factories import MeetingFactory
from .reports_helpers import pdf_text, squeeze

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_the_pack(reference_data, real_worker, settings, tmp_path,
                                          client, alice, camille, steering_committee):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(body=steering_committee, title="COPIL de suivi",
                             starts_at=timezone.now() + timezone.timedelta(days=7),
                             agenda="Point sur les sites\nValidation du budget")
    client.force_login(alice)

    response = client.post(reverse("reports:request", args=["committee_pack", meeting.pk]))

    assert response.status_code == 302
    job = ReportJob.objects.get()
    deadline = time.monotonic() + 60
    while job.is_in_progress and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == ReportJob.Status.READY, job.error
    assert job.attempts == 1 and job.pages >= 6
    stored = (tmp_path / job.file.name).read_bytes()
    assert len(stored) == job.size
    text = squeeze(pdf_text(stored))
    assert "COPIL de suivi" in text
    assert "Point sur les sites" in text and "Validation du budget" in text
    assert "Camille Roux" in text

    client.force_login(camille)
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
