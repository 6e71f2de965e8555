"""Decision e-mails through a real Celery worker on the Redis that `make test` starts."""

import time

import pytest
from django.core import mail

from innovations.services import calls as services

from ..factories import SubmittedApplicationFactory

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_the_decision_email_is_sent_by_a_real_worker(
        reference_data, real_worker, alice, ines, ines_structure, open_call):  # noqa: F811
    import innovations.tasks  # noqa: F401  (registers the tasks with the worker)

    application = SubmittedApplicationFactory(call=open_call, structure=ines_structure,
                                              status="eligible", submitted_by=ines)
    services.decide_application(application, decision="selected", message="Bravo", by=alice)
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[ines.email]]
    application.refresh_from_db()
    assert application.innovation.get_absolute_url() in mail.outbox[0].body
