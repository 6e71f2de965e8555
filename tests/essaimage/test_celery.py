"""Background work through a real Celery worker on the real Redis that `make test` starts
(the `real_worker` fixture is in conftest.py)."""

import os
import time

import pytest
from django.conf import settings
from django.core import mail

from communities.services import structures as services
from communities.models import Membership

pytestmark = pytest.mark.services


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
