"""No input to the adopters' forms, however malformed or large, produces a server error."""

import pytest
from django.urls import reverse

from innovations.models import Component
from programmes.models import (
    AdopterCandidate,
    Cohort,
    ScalingStrategy,
    SiteAdaptation,
    Sponsor,
    SponsorNote,
    StrategyComponent,
)
from programmes.services import adopters as services

from ..factories import StructureFactory, department

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE programmes_adoptersite; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
    "2025-02-30",
    "javascript:alert(1)",
]


@pytest.fixture
def targets(pipeline_cast, project, programme, bob_site, alice):
    strategy = ScalingStrategy.objects.create(project=project)
    component = StrategyComponent.objects.create(strategy=strategy, title="Horaires",
                                                 kind=Component.Kind.ADAPTABLE)
    candidate = services.add_candidate(project, structure=StructureFactory(),
                                       territory=department("58"), by=alice)
    cohort = services.create_cohort(programme, name="Promotion", by=alice)
    return {"candidate": candidate, "cohort": cohort, "component": component,
            "sponsor": Sponsor.objects.get(user=pipeline_cast["paul"])}


def forms_of(cast, project, programme, bob_site, targets):
    alice, bob, paul, camille = cast["alice"], cast["bob"], cast["paul"], cast["camille"]
    candidate, cohort = targets["candidate"], targets["cohort"]
    component = targets["component"]
    return [
        (alice, reverse("programmes:candidate_list", args=[project.pk]),
         ["structure", "structure_q", "territory", "motivation", "capacity", "action"]),
        (alice, reverse("programmes:candidate_list", args=[project.pk]),
         ["structure_q", "search"]),
        (camille, reverse("programmes:candidate_detail", args=[candidate.pk]),
         ["score", "comment"]),
        (alice, reverse("programmes:candidate_decide", args=[candidate.pk]),
         ["decision", "start_date"]),
        (alice, reverse("programmes:site_update", args=[bob_site.pk]),
         ["action", "status", "reason"]),
        (alice, reverse("programmes:site_update", args=[bob_site.pk]),
         ["action", "name", "start_date", "reminders_paused"]),
        (bob, reverse("programmes:site_update", args=[bob_site.pk]),
         ["action", "component", f"component-{component.pk}-description"]),
        (alice, reverse("programmes:cohort_list", args=[programme.pk]),
         ["name", "description", "starts_on", "ends_on"]),
        (alice, reverse("programmes:cohort_detail", args=[cohort.pk]), ["action", "sites"]),
        (alice, reverse("programmes:cohort_detail", args=[cohort.pk]), ["action", "site"]),
        (alice, reverse("programmes:cohort_detail", args=[cohort.pk]),
         ["action", "name", "description", "starts_on", "ends_on"]),
        (alice, reverse("programmes:sponsor_list", args=[project.pk]),
         ["email", "structure", "structure_q", "site", "role", "since"]),
        (paul, reverse("programmes:sponsor_detail", args=[targets["sponsor"].pk]), ["text"]),
    ]


def test_malformed_and_oversized_input_never_breaks_a_form(client, pipeline_cast, project,
                                                           programme, bob_site, targets):
    for user, url, fields in forms_of(pipeline_cast, project, programme, bob_site, targets):
        client.force_login(user)
        for value in NASTY_VALUES:
            data = {field: value for field in fields}
            if "action" in fields and value in NASTY_VALUES[:3]:
                for action in ("status", "details", "adaptation", "add", "remove", "update",
                               "import", value):
                    response = client.post(url, {**data, "action": action})
                    assert response.status_code < 500, (url, action, value[:30])
            response = client.post(url, data)
            assert response.status_code < 500, (url, value[:30])
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500
        assert client.get(url, {"structure_q": HUGE, "status": HUGE, "territory": HUGE,
                                "page": HUGE}).status_code < 500
    # Only valid input was stored.
    assert AdopterCandidate.objects.count() == 1
    assert all(0 < len(a.description) <= 10_000 and "\x00" not in a.description
               for a in SiteAdaptation.objects.all())
    assert all(len(c.name) <= 200 for c in Cohort.objects.all())
    assert all(0 < len(n.text) <= 10_000 for n in SponsorNote.objects.all())


def test_lists_read_odd_addresses(client, pipeline_cast, project):
    client.force_login(pipeline_cast["alice"])
    for name in ("candidate_list", "site_list", "sponsor_list"):
        url = reverse(f"programmes:{name}", args=[project.pk])
        for value in ("", "-1", "9" * 400, "x", "\x00"):
            response = client.get(url, {"page": value, "status": value, "territory": value,
                                        "structure_q": value})
            assert response.status_code == 200, (name, value)
