"""The services of stage II, with good and bad input: refusals carry a code."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programmes.models import (
    ActionItem,
    Attendance,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    Stakeholder,
)
from programmes.services import governance as services

from ..factories import BodyMemberFactory, GovernanceBodyFactory, MeetingFactory, UserFactory
from .test_governance_support import (  # noqa: F401  (fixtures)
    _private_media,
    meeting,
    outside_member,
    past_meeting,
    technical_committee,
    technical_meeting,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def refused(call, *args, **kwargs) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return codes(caught.value)


def schedule(body, by, **overrides):
    start = timezone.now() + timedelta(days=10)
    fields = {"title": "COPIL", "starts_at": start, "ends_at": start + timedelta(hours=2),
              "place": "Nevers", "video_link": "", "agenda": ""}
    return services.schedule_meeting(body, by=by, **{**fields, **overrides})


# --- Stakeholders and bodies ---------------------------------------------------------------------


def test_a_stakeholder_takes_its_structure_name_when_it_has_none(project, alice, ansa):
    stakeholder = services.save_stakeholder(project, by=alice, name="", structure=ansa,
                                            category=Stakeholder.Category.SOCIAL_ECONOMY)
    assert stakeholder.name == ansa.name
    assert stakeholder.history.first().history_user == alice


def test_a_stakeholder_needs_a_name_or_a_structure(project, alice):
    assert refused(services.save_stakeholder, project, by=alice, name="  ",
                   category=Stakeholder.Category.STATE) == {"name_required"}


def test_a_stakeholder_of_unknown_category_is_refused(project, alice):
    with pytest.raises(ValidationError):
        services.save_stakeholder(project, by=alice, name="X", category="martians")


@pytest.mark.parametrize("days", [[0], [61], [-1], [7, 1, 2, 3, 4, 5], ["sept"], [True],
                                  [7.5], [None]])
def test_reminder_days_out_of_range(project, alice, days):
    assert refused(services.save_body, project, by=alice, kind="steering", name="COPIL",
                   reminder_days=days) == {"reminder_days_out_of_range"}


def test_reminder_days_are_stored_earliest_first_without_repeats(project, alice):
    body = services.save_body(project, by=alice, kind="steering", name="COPIL",
                              reminder_days=["1", 7, 7, 14.0])
    assert body.reminder_days == [14, 7, 1]


def test_an_outside_member_needs_a_name(steering_committee, alice):
    assert refused(services.add_body_member, steering_committee, by=alice,
                   email="nobody@example.org") == {"name_required"}


def test_a_person_sits_once_on_a_body(steering_committee, alice, camille, outside_member):
    assert refused(services.add_body_member, steering_committee, by=alice,
                   email="camille@example.org") == {"already_member"}
    assert refused(services.add_body_member, steering_committee, by=alice, name="Jeanne",
                   email="JEANNE.VIDAL@example.org") == {"already_member"}


def test_a_member_with_an_account_keeps_its_name(steering_committee, alice, camille):
    member = steering_committee.members.get(user=camille)
    services.update_body_member(member, by=alice, name="Autre", position="chair")
    member.refresh_from_db()
    assert (member.name, member.position) == (camille.display_name, "chair")


def test_removing_a_member_keeps_their_actions_without_owner(past_meeting, outside_member,
                                                            alice):
    action = services.add_action_item(past_meeting, by=alice, title="Relancer la DDETS",
                                      owner=outside_member)
    services.remove_body_member(outside_member, by=alice)
    action.refresh_from_db()
    assert action.owner is None


# --- Meetings ------------------------------------------------------------------------------------


def test_a_meeting_in_the_past_is_not_scheduled(steering_committee, alice):
    start = timezone.now() - timedelta(hours=1)
    assert refused(schedule, steering_committee, alice, starts_at=start,
                   ends_at=start + timedelta(hours=2)) == {"meeting_in_the_past"}
    assert not Meeting.objects.exists()


def test_a_meeting_ending_before_it_starts_is_refused(steering_committee, alice):
    start = timezone.now() + timedelta(days=3)
    assert refused(schedule, steering_committee, alice, starts_at=start,
                   ends_at=start - timedelta(minutes=1)) == {"ends_before_start"}
    assert refused(schedule, steering_committee, alice, starts_at=start,
                   ends_at=start) == {"ends_before_start"}


def test_a_meeting_needs_a_place_or_a_video_link(steering_committee, alice):
    assert refused(schedule, steering_committee, alice, place="") == {"no_place"}
    meeting = schedule(steering_committee, alice, place="",
                       video_link="https://visio.example.org/copil")
    assert meeting.sequence == 0


def test_a_held_meeting_may_be_corrected_into_the_past(past_meeting, alice):
    start = past_meeting.starts_at - timedelta(hours=1)
    services.update_meeting(past_meeting, by=alice, starts_at=start)
    past_meeting.refresh_from_db()
    assert past_meeting.starts_at == start
    assert past_meeting.sequence == 1


def test_a_planned_meeting_is_not_moved_into_the_past(meeting, alice):
    start = timezone.now() - timedelta(days=1)
    assert refused(services.update_meeting, meeting, by=alice, starts_at=start,
                   ends_at=start + timedelta(hours=1)) == {"meeting_in_the_past"}


def test_only_date_time_and_place_give_a_new_calendar_version(meeting, alice):
    services.update_meeting(meeting, by=alice, agenda="Nouvel ordre du jour")
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    services.update_meeting(meeting, by=alice, place="Dijon")
    services.update_meeting(meeting, by=alice, place="Dijon")  # no change, no new version
    meeting.refresh_from_db()
    assert meeting.sequence == 1


@pytest.mark.parametrize(("start", "status", "target", "code"), [
    (14, "planned", "held", "meeting_not_started"),
    (-1, "cancelled", "held", "meeting_cancelled"),
    (-1, "held", "cancelled", "meeting_held"),
    (-1, "held", "planned", "meeting_held"),
    (1, "planned", "alien", "invalid_status"),
])
def test_meeting_status_changes_that_make_no_sense(steering_committee, alice, start, status,
                                                   target, code):
    begins = timezone.now() + timedelta(days=start)
    meeting = MeetingFactory(body=steering_committee, status=status, starts_at=begins,
                             ends_at=begins + timedelta(hours=1))
    assert refused(services.set_meeting_status, meeting, target, by=alice) == {code}


def test_cancelling_a_meeting_gives_calendars_a_new_version(meeting, alice):
    services.set_meeting_status(meeting, Meeting.Status.CANCELLED, by=alice)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    services.set_meeting_status(meeting, Meeting.Status.PLANNED, by=alice)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("planned", 2)


def test_attendance_is_recorded_and_changed(past_meeting, outside_member, camille, alice):
    seat = past_meeting.body.members.get(user=camille)
    assert services.record_attendance(past_meeting, {seat: "present", outside_member: "excused"},
                                      by=alice) == 2
    assert services.record_attendance(past_meeting, {seat: "present", outside_member: "absent"},
                                      by=alice) == 1
    assert services.record_attendance(past_meeting, {outside_member: ""}, by=alice) == 1
    assert dict(past_meeting.attendances.values_list("member__name", "status")) == {
        seat.name: Attendance.Status.PRESENT}


def test_attendance_is_for_members_of_the_body(past_meeting, technical_committee, alice):
    stranger = BodyMemberFactory(body=technical_committee)
    assert refused(services.record_attendance, past_meeting, {stranger: "present"},
                   by=alice) == {"not_a_member"}
    seat = BodyMemberFactory(body=past_meeting.body)
    assert refused(services.record_attendance, past_meeting, {seat: "asleep"},
                   by=alice) == {"invalid_status"}


def test_decisions_are_recorded_once_the_meeting_has_started(meeting, past_meeting, alice):
    assert refused(services.record_decision, meeting, by=alice, kind="general",
                   text="Trop tôt") == {"meeting_not_started"}
    decision = services.record_decision(past_meeting, by=alice, kind="general",
                                        text="  Lancer l'AMI  ")
    assert (decision.text, decision.created_by) == ("Lancer l'AMI", alice)
    assert refused(services.record_decision, past_meeting, by=alice, kind="general",
                   text=" ") == {"text_required"}


def test_a_proof_of_concept_is_decided_by_a_steering_committee(technical_committee, alice):
    start = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(body=technical_committee, starts_at=start,
                             ends_at=start + timedelta(hours=1))
    assert refused(services.record_decision, meeting, by=alice,
                   kind=Decision.Kind.PROOF_OF_CONCEPT,
                   text="Preuve faite") == {"not_steering_committee"}


def test_nothing_is_recorded_at_a_cancelled_meeting(past_meeting, outside_member, alice):
    past_meeting.status = Meeting.Status.CANCELLED
    past_meeting.save()
    assert refused(services.record_decision, past_meeting, by=alice, kind="general",
                   text="X") == {"meeting_cancelled"}
    assert refused(services.add_action_item, past_meeting, by=alice,
                   title="X") == {"meeting_cancelled"}
    assert refused(services.record_attendance, past_meeting, {outside_member: "present"},
                   by=alice) == {"meeting_cancelled"}
    assert refused(services.record_minutes, past_meeting, by=alice,
                   minutes="X") == {"meeting_cancelled"}


def test_action_owners_sit_on_the_body(past_meeting, technical_committee, alice, oscar,
                                       outside_member):
    stranger = BodyMemberFactory(body=technical_committee)
    assert refused(services.add_action_item, past_meeting, by=alice, title="X",
                   owner=stranger) == {"owner_not_member"}
    assert refused(services.add_action_item, past_meeting, by=alice, title="X",
                   owner=outside_member, owner_user=oscar) == {"two_owners"}
    action = services.add_action_item(past_meeting, by=alice, title="Relancer", owner_user=oscar)
    assert action.project == past_meeting.body.project


def test_an_action_done_then_reopened_loses_its_date(past_meeting, alice):
    action = services.add_action_item(past_meeting, by=alice, title="Relancer")
    services.update_action_item(action, by=alice, status=ActionItem.Status.DONE)
    assert action.done_on == timezone.localdate()
    services.update_action_item(action, by=alice, status=ActionItem.Status.OPEN)
    assert action.done_on is None
    assert action.history.count() == 3


def test_overdue_actions(past_meeting, alice):
    yesterday = timezone.localdate() - timedelta(days=1)
    action = services.add_action_item(past_meeting, by=alice, title="X", due_on=yesterday)
    assert action.is_overdue
    services.update_action_item(action, by=alice, status=ActionItem.Status.DONE)
    assert not action.is_overdue


@pytest.mark.parametrize(("name", "content", "code"), [
    ("rapport.pdf", b"MZ not a pdf", "file_content"),
    ("script.sh", b"#!/bin/sh", "file_type"),
    ("notes.txt", b"\x00\x01binary", "file_content"),
])
def test_documents_are_checked(_private_media, past_meeting, alice, name, content, code):
    assert refused(services.upload_document, past_meeting, by=alice, title="",
                   file=SimpleUploadedFile(name, content)) == {code}


def test_a_document_takes_the_file_name_without_title(_private_media, past_meeting, alice,
                                                     django_capture_on_commit_callbacks):
    document = services.upload_document(past_meeting, by=alice, title=" ",
                                        file=SimpleUploadedFile("odj.pdf", b"%PDF-1.4"))
    assert document.title == "odj.pdf"
    assert document.file.name.startswith(f"private/meetings/{past_meeting.pk}/")
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_document(document, by=alice)
    assert not storage.exists(name)


def test_other_committees_bodies_are_hidden_by_the_queryset(camille, steering_committee,
                                                            technical_committee):
    visible = set(GovernanceBody.objects.visible_to(camille))
    assert visible == {steering_committee}


def test_a_second_seat_opens_the_second_body(camille, technical_meeting):
    BodyMember.objects.create(body=technical_meeting.body, user=camille, name="Camille")
    assert Meeting.objects.visible_to(camille).filter(pk=technical_meeting.pk).exists()


def test_funders_of_the_programme_read_every_body(fanny, steering_committee,
                                                  technical_committee):
    assert set(GovernanceBody.objects.visible_to(fanny)) == {steering_committee,
                                                             technical_committee}


def test_bodies_of_other_projects_are_hidden(camille):
    other = GovernanceBodyFactory()
    BodyMemberFactory(body=other, user=UserFactory())
    assert not GovernanceBody.objects.visible_to(camille).filter(pk=other.pk).exists()
