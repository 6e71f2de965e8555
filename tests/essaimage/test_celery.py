"""Background work through a real Celery worker on the real Redis that `make test` starts."""

import os
import time

import pytest
from django.conf import settings
from django.core import mail

from communities.services import structures as services
from communities.models import Membership

pytestmark = pytest.mark.services


@pytest.fixture
def real_worker():
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis server started by `make test`")
    from celery.contrib.testing.worker import start_worker

    import communities.tasks  # noqa: F401  (registers the task with the worker)
    from essaimage.celery import app

    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.django_db(transaction=True)
def test_the_invitation_email_is_sent_by_a_real_worker(reference_data, real_worker, bob,
                                                      bob_structure):
    invitation = services.invite_member(bob_structure, email="worker@example.org",
                                        role=Membership.Role.MEMBER, invited_by=bob)
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_the_suite_runs_on_postgresql_when_make_test_starts_it():
    if not os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite fallback run")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
