"""No input to the governance and funding pages, however malformed or large, gives a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import ActionItem, AwarenessAction, Stakeholder

from .test_governance_support import (  # noqa: F401  (fixtures)
    _private_media,
    isere_option,
    lead_option,
    outside_member,
    past_meeting,
    pool,
    proof_decision,
    second_funder,
)

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE programmes_meeting; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "0",
    "9" * 400,
    "1e400",
    "NaN",
    "Infinity",
    "2027-03-28T02:30",  # a time that does not exist in Paris
    "2025-02-30T25:61",
    "u:99999999999999999999",
    "m:-1",
]


@pytest.fixture
def forms(alice, camille, project, steering_committee, past_meeting, outside_member,
          lead_option, isere_option, _private_media):
    stakeholder = Stakeholder.objects.create(project=project, name="DDETS", category="state")
    awareness = AwarenessAction.objects.create(project=project, title="Forum",
                                               date="2027-01-01")
    action = ActionItem.objects.create(project=project, meeting=past_meeting, title="Relancer",
                                       owner=steering_committee.members.get(user=camille))
    stakeholder_fields = ["name", "structure", "contact", "category", "role", "interest",
                          "influence", "engagement", "notes"]
    meeting_fields = ["action", "title", "starts_at", "ends_at", "place", "video_link",
                      "agenda", "minutes", "document"]
    option_fields = ["funder", "amount", "is_lead", "territories", "conditions",
                     *[f"share_{site.pk}" for site in project.sites.all()]]
    pool_project = lead_option.pool.project_id
    return [
        (alice, reverse("programmes:stakeholder_list", args=[project.pk]), stakeholder_fields),
        (alice, reverse("programmes:stakeholder_update", args=[stakeholder.pk]),
         stakeholder_fields),
        (alice, reverse("programmes:body_list", args=[project.pk]),
         ["kind", "name", "frequency", "reminder_days", "reminders_paused"]),
        (alice, reverse("programmes:body_detail", args=[steering_committee.pk]),
         ["kind", "name", "frequency", "reminder_days", "reminders_paused"]),
        (alice, reverse("programmes:body_members", args=[steering_committee.pk]),
         ["action", "email", "name", "structure", "position", "member",
          f"m{outside_member.pk}-structure", f"m{outside_member.pk}-position"]),
        (alice, reverse("programmes:meeting_create", args=[steering_committee.pk]),
         meeting_fields),
        (alice, reverse("programmes:meeting_update", args=[past_meeting.pk]), meeting_fields),
        (alice, reverse("programmes:meeting_attendance", args=[past_meeting.pk]),
         [f"member_{m.pk}" for m in steering_committee.members.all()]),
        (alice, reverse("programmes:decision_create", args=[past_meeting.pk]),
         ["kind", "text"]),
        (alice, reverse("programmes:action_create", args=[past_meeting.pk]),
         ["title", "owner", "owner_user", "due_on"]),
        (alice, reverse("programmes:document_upload", args=[past_meeting.pk]),
         ["title", "file"]),
        (alice, reverse("programmes:action_update", args=[action.pk]),
         ["title", "owner", "owner_user", "due_on", "status", "next"]),
        (camille, reverse("programmes:action_update", args=[action.pk]), ["status", "next"]),
        (alice, reverse("programmes:awareness_list", args=[project.pk]),
         ["kind", "title", "date", "audience", "participants", "outcome"]),
        (alice, reverse("programmes:awareness_update", args=[awareness.pk]),
         ["action", "kind", "title", "date", "audience", "participants", "outcome"]),
        (alice, reverse("programmes:pool_detail", args=[pool_project]), ["pilot_site"]),
        (alice, reverse("programmes:option_create", args=[pool_project]), option_fields),
        (alice, reverse("programmes:option_update", args=[isere_option.pk]), option_fields),
        (alice, reverse("programmes:option_withdraw", args=[isere_option.pk]), ["reason"]),
        (alice, reverse("programmes:payment_create", args=[lead_option.pk]),
         ["amount", "paid_on", "site", "reference"]),
        (alice, reverse("programmes:option_confirm", args=[lead_option.pk]), []),
        (alice, reverse("programmes:proof_of_concept", args=[pool_project]),
         ["decision", "decided_on"]),
    ]


def test_malformed_and_oversized_input_never_breaks_a_form(client, forms):
    for user, url, fields in forms:
        client.force_login(user)
        for value in NASTY_VALUES:
            response = client.post(url, {field: value for field in fields})
            assert response.status_code < 500, (url, value[:30])
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500, url


def test_a_huge_file_is_refused_without_breaking(client, alice, past_meeting, _private_media,
                                                 settings):
    client.force_login(alice)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * (11 * 1024 * 1024))
    response = client.post(reverse("programmes:document_upload", args=[past_meeting.pk]),
                           {"title": "Gros", "file": big})
    assert response.status_code == 200
    assert response.context["document_form"].errors.as_data()["file"][0].code == "file_size"


@pytest.mark.parametrize("params", [
    {"status": "alien", "owner": "x", "page": "abc"},
    {"owner": "u:" + "9" * 50, "page": "-5"},
    {"owner": "m:\x00", "page": "999999"},
    {"status": "late", "owner": "u:"},
])
def test_the_action_list_survives_any_query_string(client, alice, project, params):
    client.force_login(alice)
    response = client.get(reverse("programmes:action_list", args=[project.pk]), params)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["stakeholder_list", "awareness_list"])
def test_lists_survive_any_page_number(client, alice, project, name):
    client.force_login(alice)
    for page in ("abc", "-1", "9" * 40, "\x00"):
        response = client.get(reverse(f"programmes:{name}", args=[project.pk]), {"page": page})
        assert response.status_code == 200


def test_suggestions_survive_any_text(client, alice, project, steering_committee):
    client.force_login(alice)
    for value in NASTY_VALUES:
        for url, field in ((reverse("programmes:stakeholder_list", args=[project.pk]),
                            "structure"),
                           (reverse("programmes:body_members", args=[steering_committee.pk]),
                            "structure"),
                           (reverse("programmes:option_create", args=[project.pk]), "funder")):
            response = client.get(url, {field: value}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200


def test_scripts_in_titles_are_shown_as_text(client, alice, past_meeting):
    past_meeting.title = "<script>alert('x')</script>"
    past_meeting.agenda = "<img src=x onerror=alert(1)>"
    past_meeting.save()
    client.force_login(alice)
    html = client.get(past_meeting.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
