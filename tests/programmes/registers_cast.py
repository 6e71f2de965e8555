"""A project's governance for the tests of its registers: a steering committee (camille sits
on it) and a technical committee, three meetings and three decisions."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Attendance, BodyMember, Decision, GovernanceBody, Meeting

from ..factories import GovernanceBodyFactory, MeetingFactory


def paris(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def governance(project, steering_committee, camille):
    technical = GovernanceBodyFactory(project=project, kind=GovernanceBody.Kind.TECHNICAL,
                                      name="Comité technique TAPAJ")
    first = MeetingFactory(body=steering_committee, title="COPIL de lancement",
                           starts_at=paris(2025, 3, 10, 14), ends_at=paris(2025, 3, 10, 16),
                           place="=Mairie de Nevers", status=Meeting.Status.HELD)
    second = MeetingFactory(body=steering_committee, title="COPIL de mi-parcours",
                            starts_at=paris(2025, 6, 12, 9, 30), ends_at=paris(2025, 6, 12, 12),
                            place="Dijon")
    workshop = MeetingFactory(body=technical, title="Atelier outils",
                              starts_at=paris(2025, 4, 2, 10), ends_at=paris(2025, 4, 2, 12),
                              place="En ligne", status=Meeting.Status.HELD)
    Attendance.objects.create(meeting=first, member=BodyMember.objects.get(user=camille),
                              status=Attendance.Status.PRESENT)
    Decision.objects.create(meeting=first, kind=Decision.Kind.GATE,
                            text="Go pour la phase de mobilisation.")
    Decision.objects.create(meeting=first, kind=Decision.Kind.ADOPTER_SELECTION,
                            text="@Trois sites retenus : Nevers, Grenoble, Lyon.")
    Decision.objects.create(meeting=workshop, text="Choisir un outil de suivi commun.")
    return {"steering": steering_committee, "technical": technical, "first": first,
            "second": second, "workshop": workshop}


# --- Who reads a register ----------------------------------------------------------------------


def roles(readers, committee) -> list[tuple[str, list | None]]:
    """(name, rows) for each role: the project's readers get `readers`, camille her
    committee's `committee`, the others a 404 (None)."""
    return [("alice", readers), ("admin", readers), ("fanny", readers), ("paul", readers),
            ("ines", readers), ("camille", committee),
            ("bob", None), ("carol", None), ("remi", None), ("oscar", None)]


def sign_in(client, pipeline_cast, ines, name) -> None:
    client.force_login({**pipeline_cast, "ines": ines}[name])


def assert_rows_or_404(response, expected, rows_of) -> None:
    """The rows `rows_of(response)` reads are `expected`, or the page is a 404 (None)."""
    if expected is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert rows_of(response) == expected


def assert_sent_to_sign_in(client, urls) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
