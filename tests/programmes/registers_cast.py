"""A project's governance for the tests of its registers: a steering committee (camille sits
on it) and a technical committee, three meetings and three decisions."""

from datetime import datetime

import pytest
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
