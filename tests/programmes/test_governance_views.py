"""Who reaches each page of stage II, and what the pages do for staff."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programmes.models import (
    ActionItem,
    AwarenessAction,
    BodyMember,
    GovernanceBody,
    Meeting,
    MeetingDocument,
    Stakeholder,
)

from ..factories import MeetingFactory, StructureFactory
from .test_governance_support import (  # noqa: F401  (fixtures)
    _private_media,
    meeting,
    outside_member,
    past_meeting,
    technical_committee,
    technical_meeting,
)

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
# Readers who may not change anything get a 403; who may not see the project, a 404.
WRITERS = {"alice": "ok", "admin": "ok", "fanny": 403, "camille": 403, "paul": 403,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
STAFF_ONLY = {"alice": 200, "admin": 200, "fanny": 403, "camille": 403, "paul": 403,
              "bob": 404, "carol": 404, "remi": 404, "oscar": 404}


@pytest.fixture
def stakeholder(project):
    return Stakeholder.objects.create(project=project, name="DDETS de la Nièvre",
                                      category=Stakeholder.Category.STATE, interest=3,
                                      influence=3)


@pytest.fixture
def awareness(project):
    return AwarenessAction.objects.create(project=project, title="Présentation au CDIAE",
                                          date=date(2027, 2, 3), audience="SIAE de la Nièvre",
                                          participants=30)


@pytest.fixture
def action(past_meeting, outside_member):
    return ActionItem.objects.create(project=past_meeting.body.project, meeting=past_meeting,
                                     title="Envoyer le compte rendu", owner=outside_member,
                                     due_on=timezone.localdate() + timedelta(days=7))


@pytest.fixture
def technical_action(technical_meeting):
    return ActionItem.objects.create(project=technical_meeting.body.project,
                                     meeting=technical_meeting, title="Rédiger le cahier")


@pytest.fixture
def document(_private_media, past_meeting, alice):
    return MeetingDocument.objects.create(
        meeting=past_meeting, title="Dossier du COPIL", uploaded_by=alice,
        file=SimpleUploadedFile("dossier.pdf", b"%PDF-1.4 dossier"))


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stakeholder_list", "body_list", "action_list",
                                  "awareness_list"])
@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_project_pages_are_for_the_readers_of_the_project(client, pipeline_cast, project, name,
                                                          who, expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse(f"programmes:{name}", args=[project.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["project"] == project


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_meetings_of_the_steering_committee(client, pipeline_cast, meeting, who, expected):
    client.force_login(pipeline_cast[who])
    assert client.get(reverse("programmes:meeting_detail", args=[meeting.pk])
                      ).status_code == expected
    assert client.get(reverse("programmes:meeting_ics", args=[meeting.pk])
                      ).status_code == expected
    assert client.get(reverse("programmes:body_detail", args=[meeting.body_id])
                      ).status_code == expected


@pytest.mark.parametrize(("who", "expected"), {**READERS, "camille": 404}.items())
def test_a_committee_member_reads_nothing_of_another_committee(client, pipeline_cast,
                                                               technical_meeting, who,
                                                               expected):
    client.force_login(pipeline_cast[who])
    for url in (reverse("programmes:meeting_detail", args=[technical_meeting.pk]),
                reverse("programmes:meeting_ics", args=[technical_meeting.pk]),
                reverse("programmes:body_detail", args=[technical_meeting.body_id])):
        assert client.get(url).status_code == expected, url


def test_the_list_of_bodies_shows_a_member_only_their_own(client, camille, project,
                                                         steering_committee,
                                                         technical_committee):
    client.force_login(camille)
    response = client.get(reverse("programmes:body_list", args=[project.pk]))
    assert [body.pk for body in response.context["bodies"]] == [steering_committee.pk]
    assert response.context["form"] is None


def test_meetings_of_other_projects_are_hidden_from_committee_members(client, camille):
    elsewhere = MeetingFactory()
    client.force_login(camille)
    assert client.get(reverse("programmes:meeting_detail", args=[elsewhere.pk])
                      ).status_code == 404


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_documents_go_to_the_readers_of_the_meeting(client, pipeline_cast, document, who,
                                                    expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("programmes:document_download", args=[document.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


def test_documents_of_another_committee_are_hidden(client, camille, _private_media,
                                                   technical_meeting):
    document = MeetingDocument.objects.create(
        meeting=technical_meeting, title="Cahier des charges",
        file=SimpleUploadedFile("cahier.pdf", b"%PDF-1.4"))
    client.force_login(camille)
    assert client.get(reverse("programmes:document_download", args=[document.pk])
                      ).status_code == 404
    assert client.get(reverse("programmes:document_download", args=[999_999])
                      ).status_code == 404


def test_the_action_list_hides_actions_of_meetings_one_cannot_read(client, camille, alice,
                                                                  action, technical_action):
    client.force_login(camille)
    response = client.get(reverse("programmes:action_list", args=[action.project_id]))
    assert [a.pk for a in response.context["page"].object_list] == [action.pk]
    client.force_login(alice)
    response = client.get(reverse("programmes:action_list", args=[action.project_id]))
    assert {a.pk for a in response.context["page"].object_list} == {action.pk,
                                                                      technical_action.pk}


# --- Changing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), WRITERS.items())
def test_only_staff_add_stakeholders(client, pipeline_cast, project, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("programmes:stakeholder_list", args=[project.pk]), {
        "name": "Pôle emploi Nevers", "category": "employment_service", "interest": "2",
        "influence": "3", "engagement": "contacted"})
    if expected == "ok":
        assert response.status_code == 302
        assert project.stakeholders.get().name == "Pôle emploi Nevers"
    else:
        assert response.status_code == expected
        assert not project.stakeholders.exists()


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_stakeholders_are_edited_by_staff(client, pipeline_cast, stakeholder, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:stakeholder_update", args=[stakeholder.pk])
    assert client.get(url).status_code == expected
    response = client.post(reverse("programmes:stakeholder_delete", args=[stakeholder.pk]))
    assert Stakeholder.objects.filter(pk=stakeholder.pk).exists() == (expected != 200)
    assert response.status_code == (302 if expected == 200 else expected)


def test_a_stakeholder_is_linked_to_the_directory_by_name(client, alice, stakeholder):
    ddets = StructureFactory(name="DDETS de la Nièvre", acronym="DDETS 58")
    client.force_login(alice)
    response = client.post(reverse("programmes:stakeholder_update", args=[stakeholder.pk]), {
        "name": "", "structure": "DDETS de la Nièvre", "category": "state", "interest": "3",
        "influence": "2", "engagement": "engaged"})
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.structure == ddets
    assert stakeholder.influence == 2
    assert stakeholder.name == "DDETS de la Nièvre"


def test_an_unknown_structure_is_refused_next_to_the_field(client, alice, stakeholder):
    client.force_login(alice)
    response = client.post(reverse("programmes:stakeholder_update", args=[stakeholder.pk]), {
        "name": "X", "structure": "Structure qui n'existe pas", "category": "state",
        "interest": "3", "influence": "2", "engagement": "engaged"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["structure"][0].code == "not_in_directory"


def test_structure_suggestions_come_as_one_types(client, alice, project):
    StructureFactory(name="Mission locale de Nevers")
    client.force_login(alice)
    response = client.get(reverse("programmes:stakeholder_list", args=[project.pk]),
                          {"structure": "mission lo"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"Mission locale de Nevers" in response.content


def test_the_matrix_places_stakeholders_by_interest_and_influence(client, alice, project,
                                                                   stakeholder):
    Stakeholder.objects.create(project=project, name="Fédération des entreprises d'insertion",
                               category=Stakeholder.Category.INSERTION, interest=3, influence=1)
    client.force_login(alice)
    stakeholder_map = client.get(reverse("programmes:stakeholder_list", args=[project.pk])
                                 ).context["map"]
    high_influence, _medium, low_influence = stakeholder_map.matrix
    assert [cell.count for cell in high_influence] == [0, 0, 1]
    assert [cell.count for cell in low_influence] == [0, 0, 1]
    assert [group.category for group in stakeholder_map.groups] == ["state", "insertion"]


@pytest.mark.parametrize(("who", "expected"), WRITERS.items())
def test_only_staff_create_bodies(client, pipeline_cast, project, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("programmes:body_list", args=[project.pk]), {
        "kind": "technical", "name": "Comité technique", "frequency": "tous les mois",
        "reminder_days": "7, 1"})
    created = GovernanceBody.objects.filter(name="Comité technique")
    if expected == "ok":
        assert response.status_code == 302
        assert created.get().reminder_days == [7, 1]
    else:
        assert response.status_code == expected
        assert not created.exists()


@pytest.mark.parametrize("days", ["0", "61", "7, -1", "une semaine", "1,2,3,4,5,6", "7.5"])
def test_reminder_days_out_of_range_are_refused(client, alice, project, days):
    client.force_login(alice)
    response = client.post(reverse("programmes:body_list", args=[project.pk]), {
        "kind": "steering", "name": "COPIL", "reminder_days": days})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert errors["reminder_days"][0].code == "reminder_days_out_of_range"


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_members_are_managed_by_staff(client, pipeline_cast, steering_committee, who,
                                      expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:body_members", args=[steering_committee.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"action": "add", "name": "Marc Petit",
                                 "email": "marc@example.org", "position": "guest"})
    added = steering_committee.members.filter(name="Marc Petit")
    assert added.exists() == (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


def test_a_member_with_an_account_is_linked_to_it(client, alice, steering_committee, fanny,
                                                 funder_structure):
    client.force_login(alice)
    client.post(reverse("programmes:body_members", args=[steering_committee.pk]), {
        "action": "add", "email": "FANNY@example.org", "structure": funder_structure.name,
        "position": "member"})
    member = steering_committee.members.get(user=fanny)
    assert member.structure == funder_structure
    assert member.name == fanny.display_name
    response = client.post(reverse("programmes:body_members", args=[steering_committee.pk]), {
        "action": "add", "email": "fanny@example.org", "position": "member"})
    assert response.context["form"].errors.as_data()["email"][0].code == "already_member"


def test_staff_change_and_remove_a_seat(client, alice, steering_committee, outside_member):
    client.force_login(alice)
    url = reverse("programmes:body_members", args=[steering_committee.pk])
    client.post(url, {"action": "update", "member": outside_member.pk,
                      f"m{outside_member.pk}-position": "chair"})
    outside_member.refresh_from_db()
    assert outside_member.position == BodyMember.Position.CHAIR
    client.post(url, {"action": "remove", "member": outside_member.pk})
    assert not BodyMember.objects.filter(pk=outside_member.pk).exists()


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_meetings_are_scheduled_by_staff(client, pipeline_cast, steering_committee, who,
                                         expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:meeting_create", args=[steering_committee.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"title": "COPIL n°2", "starts_at": "2099-03-28T09:00",
                                 "ends_at": "2099-03-28T11:30", "place": "Nevers",
                                 "agenda": "Point d'étape\nBudget"})
    created = Meeting.objects.filter(title="COPIL n°2")
    assert created.exists() == (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_meetings_are_prepared_and_minuted_by_staff(client, pipeline_cast, past_meeting,
                                                    outside_member, _private_media, who,
                                                    expected):
    client.force_login(pipeline_cast[who])
    status = 302 if expected == 200 else expected
    pk = past_meeting.pk
    assert client.get(reverse("programmes:meeting_update", args=[pk])
                      ).status_code == expected
    posts = [
        ("meeting_update", {"action": "minutes", "minutes": "Compte rendu"}),
        ("meeting_attendance", {f"member_{outside_member.pk}": "excused"}),
        ("decision_create", {"kind": "general", "text": "Lancer l'appel à manifestation"}),
        ("action_create", {"title": "Préparer l'AMI", "owner": outside_member.pk,
                           "due_on": "2099-01-15"}),
        ("document_upload", {"title": "Ordre du jour",
                             "file": SimpleUploadedFile("odj.pdf", b"%PDF-1.4 ordre")}),
    ]
    for name, data in posts:
        response = client.post(reverse(f"programmes:{name}", args=[pk]), data)
        assert response.status_code == status, name
    past_meeting.refresh_from_db()
    assert (past_meeting.minutes == "Compte rendu") == (expected == 200)
    assert past_meeting.attendances.exists() == (expected == 200)
    assert past_meeting.decisions.exists() == (expected == 200)
    assert past_meeting.action_items.exists() == (expected == 200)
    assert past_meeting.documents.exists() == (expected == 200)


def test_the_meeting_page_shows_staff_their_forms_and_readers_none(client, alice, camille,
                                                                  past_meeting):
    client.force_login(alice)
    assert "decision_form" in client.get(past_meeting.get_absolute_url()).context
    client.force_login(camille)
    context = client.get(past_meeting.get_absolute_url()).context
    assert "decision_form" not in context
    assert context["can_edit"] is False


def test_a_meeting_is_marked_held_or_cancelled(client, alice, past_meeting, meeting):
    client.force_login(alice)
    past_meeting.status = Meeting.Status.PLANNED
    past_meeting.save()
    client.post(reverse("programmes:meeting_update", args=[past_meeting.pk]), {"action": "held"})
    client.post(reverse("programmes:meeting_update", args=[meeting.pk]),
                {"action": "cancelled"})
    past_meeting.refresh_from_db()
    meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.HELD
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1


def test_a_future_meeting_cannot_be_marked_held(client, alice, meeting):
    client.force_login(alice)
    response = client.post(reverse("programmes:meeting_update", args=[meeting.pk]),
                           {"action": "held"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_moving_a_meeting_increments_its_sequence(client, alice, meeting):
    client.force_login(alice)
    url = reverse("programmes:meeting_update", args=[meeting.pk])
    start = timezone.localtime(meeting.starts_at) + timedelta(days=1)
    data = {"action": "save", "title": meeting.title, "place": "Dijon", "video_link": "",
            "agenda": meeting.agenda, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Dijon", 1)
    data["agenda"] = "Un autre ordre du jour"
    client.post(url, data)
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # the agenda is not in the calendar's event time or place


def test_a_meeting_ending_before_it_starts_is_refused_next_to_the_end(client, alice,
                                                                     steering_committee):
    client.force_login(alice)
    response = client.post(reverse("programmes:meeting_create", args=[steering_committee.pk]),
                           {"title": "COPIL", "starts_at": "2099-03-28T11:00",
                            "ends_at": "2099-03-28T09:00", "place": "Nevers"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["ends_at"][0].code == "ends_before_start"
    assert not Meeting.objects.filter(title="COPIL").exists()


def test_a_refused_upload_keeps_the_meeting_page(client, alice, past_meeting, _private_media):
    client.force_login(alice)
    response = client.post(reverse("programmes:document_upload", args=[past_meeting.pk]),
                           {"file": SimpleUploadedFile("virus.exe", b"MZ...")})
    assert response.status_code == 200
    assert response.context["document_form"].errors.as_data()["file"][0].code == "file_type"
    assert not past_meeting.documents.exists()


def test_staff_remove_a_document(client, alice, document):
    client.force_login(alice)
    client.post(reverse("programmes:meeting_update", args=[document.meeting_id]),
                {"action": "delete_document", "document": document.pk})
    assert not MeetingDocument.objects.filter(pk=document.pk).exists()


# --- Action items ------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_actions_are_updated_by_staff(client, pipeline_cast, action, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:action_update", args=[action.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"title": action.title, "status": "done"})
    action.refresh_from_db()
    assert (action.status == ActionItem.Status.DONE) == (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


def test_the_owner_of_an_action_updates_its_status_only(client, camille, action,
                                                       steering_committee):
    action.owner = steering_committee.members.get(user=camille)
    action.save()
    client.force_login(camille)
    url = reverse("programmes:action_update", args=[action.pk])
    response = client.post(url, {"title": "Autre chose", "status": "in_progress"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status) == ("Envoyer le compte rendu", "in_progress")


def test_done_actions_are_dated(client, alice, action):
    client.force_login(alice)
    client.post(reverse("programmes:action_update", args=[action.pk]),
                {"title": action.title, "status": "done",
                 "owner": action.owner_id})
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_the_action_list_filters_by_status_and_owner(client, alice, action, past_meeting,
                                                    steering_committee, camille):
    late = ActionItem.objects.create(project=action.project, meeting=past_meeting,
                                     title="En retard", due_on=date(2020, 1, 1),
                                     owner_user=camille)
    done = ActionItem.objects.create(project=action.project, title="Fait", status="done")
    client.force_login(alice)
    url = reverse("programmes:action_list", args=[action.project_id])

    def listed(**params):
        return {a.pk for a in client.get(url, params).context["page"].object_list}

    assert listed() == {action.pk, late.pk, done.pk}
    assert listed(status="late") == {late.pk}
    assert listed(status="done") == {done.pk}
    assert listed(status="pending") == {action.pk, late.pk}
    assert listed(owner=f"u:{camille.pk}") == {late.pk}
    assert listed(owner=f"m:{action.owner_id}") == {action.pk}
    owners = dict(client.get(url).context["filters"].fields["owner"].choices)
    assert owners[f"u:{camille.pk}"] == camille.display_name
    assert late.is_overdue and not action.is_overdue


# --- Awareness actions -------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), WRITERS.items())
def test_only_staff_record_awareness_actions(client, pipeline_cast, project, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("programmes:awareness_list", args=[project.pk]), {
        "kind": "presentation", "title": "Présentation aux élus", "date": "2027-05-12",
        "audience": "Conseil départemental", "participants": "1 200",
        "outcome": "Soutien de principe"})
    if expected == "ok":
        assert response.status_code == 302
        assert project.awareness_actions.get().participants == 1200
    else:
        assert response.status_code == expected
        assert not project.awareness_actions.exists()


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_awareness_actions_are_edited_by_staff(client, pipeline_cast, awareness, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:awareness_update", args=[awareness.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"action": "save", "kind": "event", "title": "Forum",
                                 "date": "2027-02-04"})
    awareness.refresh_from_db()
    assert (awareness.title == "Forum") == (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


def test_staff_delete_an_awareness_action(client, alice, awareness):
    client.force_login(alice)
    client.post(reverse("programmes:awareness_update", args=[awareness.pk]),
                {"action": "delete"})
    assert not AwarenessAction.objects.filter(pk=awareness.pk).exists()


def test_pages_need_sign_in(client, project, meeting):
    for url in (reverse("programmes:stakeholder_list", args=[project.pk]),
                reverse("programmes:meeting_detail", args=[meeting.pk]),
                reverse("programmes:meeting_ics", args=[meeting.pk])):
        assert client.get(url).status_code == 302
