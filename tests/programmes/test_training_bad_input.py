"""No input to the training and toolkit forms, however malformed or large, produces a server
error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Registration, ToolkitItem, TrainingModule, TrainingSession
from programmes.services import training as services

from ..factories import ResourceFactory, TrainingModuleFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE programmes_registration; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
    "1e400",
    "2025-13-45T25:61",
    "javascript:alert(1)",
]


@pytest.fixture
def targets(project, bob, bob_site, alice):
    module = TrainingModuleFactory(project=project)
    session = TrainingSessionFactory(module=module, capacity=3)
    held = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    registration = Registration.objects.create(session=held, person=bob, site=bob_site,
                                               attended=True)
    TrainingSession.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - timedelta(days=1))
    item = services.add_toolkit_item(project, resource=ResourceFactory(), by=alice)
    return {"module": module, "session": session, "registration": registration, "item": item}


def test_malformed_and_oversized_input_never_breaks_a_form(client, pipeline_cast, project,
                                                           targets):
    alice, bob = pipeline_cast["alice"], pipeline_cast["bob"]
    module, session = targets["module"], targets["session"]
    forms = [
        (alice, reverse("programmes:training_plan", args=[project.pk]),
         ["title", "objectives", "pedagogy", "duration_hours", "components"]),
        (alice, reverse("programmes:module_update", args=[module.pk]),
         ["action", "title", "objectives", "pedagogy", "duration_hours", "components"]),
        (alice, reverse("programmes:session_create", args=[module.pk]),
         ["starts_at", "duration_hours", "is_remote", "place", "video_link", "trainer",
          "capacity"]),
        (alice, reverse("programmes:session_update", args=[session.pk]),
         ["action", "confirm", "starts_at", "duration_hours", "place", "capacity"]),
        (alice, reverse("programmes:session_register", args=[session.pk]),
         ["email", "site", "accept_waiting_list"]),
        (bob, reverse("programmes:session_register", args=[session.pk]),
         ["site", "accept_waiting_list"]),
        (alice, reverse("programmes:session_attendance",
                        args=[targets["registration"].session_id]),
         [f"attended_{targets['registration'].pk}"]),
        (bob, reverse("programmes:registration_feedback", args=[targets["registration"].pk]),
         ["satisfaction", "comment"]),
        (alice, reverse("programmes:toolkit", args=[project.pk]),
         ["action", "resource", "resource_q", "is_required", "item"]),
        (bob, reverse("programmes:toolkit_acknowledge", args=[targets["item"].pk]), ["site"]),
    ]
    for user, url, fields in forms:
        client.force_login(user)
        for value in NASTY_VALUES:
            data = {field: value for field in fields}
            if "action" in fields and value in NASTY_VALUES[:3]:
                for action in ("save", "up", "down", "cancel", "add", "new_version", "remove"):
                    response = client.post(url, {**data, "action": action})
                    assert response.status_code < 500, (url, action, value[:30])
            response = client.post(url, data)
            assert response.status_code < 500, (url, value[:30])
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500
    # Only valid input was stored.
    assert TrainingModule.objects.count() == 1
    assert TrainingSession.objects.count() == 2
    assert ToolkitItem.objects.count() == 1
    registration = Registration.objects.get(pk=targets["registration"].pk)
    assert registration.satisfaction is None
    assert not Registration.objects.filter(session=session).exists()


def test_pages_read_odd_addresses(client, alice, project, targets):
    client.force_login(alice)
    for url in (reverse("programmes:training_plan", args=[project.pk]),
                reverse("programmes:toolkit", args=[project.pk]),
                targets["session"].get_absolute_url()):
        for value in ("", "-1", "9" * 400, "x", "\x00", HUGE):
            response = client.get(url, {"page": value, "item": value, "resource_q": value})
            assert response.status_code == 200, (url, value[:10])
