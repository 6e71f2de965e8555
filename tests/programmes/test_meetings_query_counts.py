"""The governance pages run the same number of queries with 5 rows or with 40."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.models import (
    ActionItem,
    Attendance,
    AwarenessAction,
    Decision,
    MeetingDocument,
    Stakeholder,
)

from ..factories import BodyMemberFactory, MeetingFactory, StructureFactory, UserFactory
from .test_governance_support import _private_media, past_meeting  # noqa: F401

pytestmark = pytest.mark.django_db


def fill_meeting(meeting, count, alice):
    for number in range(count):
        member = BodyMemberFactory(body=meeting.body, user=UserFactory(),
                                   structure=StructureFactory())
        Attendance.objects.create(meeting=meeting, member=member, status="present")
        Decision.objects.create(meeting=meeting, text=f"Décision {number}", created_by=alice)
        ActionItem.objects.create(project=meeting.body.project, meeting=meeting,
                                  title=f"Action {number}", owner=member,
                                  due_on=date(2020, 1, 1) if number % 2 else None)
        ActionItem.objects.create(project=meeting.body.project, meeting=meeting,
                                  title=f"Action personnelle {number}", owner_user=alice)
        MeetingDocument.objects.create(meeting=meeting, title=f"Pièce {number}",
                                       uploaded_by=alice,
                                       file=SimpleUploadedFile(f"p{number}.pdf", b"%PDF-1.4"))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["alice", "camille"])
def test_the_meeting_page_does_not_grow_with_its_content(client, pipeline_cast, _private_media,
                                                         steering_committee, who,
                                                         django_assert_max_num_queries):
    alice = pipeline_cast["alice"]
    start = timezone.now() - timedelta(days=3)
    small = MeetingFactory(body=steering_committee, starts_at=start,
                           ends_at=start + timedelta(hours=2))
    large = MeetingFactory(body=steering_committee, starts_at=start,
                           ends_at=start + timedelta(hours=2))
    fill_meeting(small, 5, alice)
    fill_meeting(large, 40, alice)
    client.force_login(pipeline_cast[who])
    client.get(small.get_absolute_url())  # fills the caches of a first request (content types)
    small_count = count_queries(client, small.get_absolute_url())
    # session, user, meeting with body, project and programme (visible_to), staff check,
    # members, attendance, documents, decisions, actions, the funding tab, the header, whether
    # the person runs the project (staff-only tabs), the committee pack's panel (3)
    with django_assert_max_num_queries(15):
        large_count = count_queries(client, large.get_absolute_url())
    assert large_count == small_count


def test_the_body_page_does_not_grow_with_its_meetings(client, alice, steering_committee,
                                                       django_assert_max_num_queries):
    def add_meetings(count):
        for number in range(count):
            start = timezone.now() + timedelta(days=number - count // 2)
            meeting = MeetingFactory(body=steering_committee, starts_at=start,
                                     ends_at=start + timedelta(hours=1))
            Decision.objects.create(meeting=meeting, text=f"Décision {number}")
            BodyMemberFactory(body=steering_committee, structure=StructureFactory())

    client.force_login(alice)
    url = steering_committee.get_absolute_url()
    add_meetings(5)
    small_count = count_queries(client, url)
    add_meetings(35)
    # session, user, body (visible_to), staff check, members, coming and past meetings,
    # decisions register, the header, whether the person runs the project (staff-only tabs)
    with django_assert_max_num_queries(11):
        assert count_queries(client, url) == small_count


def test_project_lists_do_not_grow(client, alice, project, past_meeting,
                                   django_assert_max_num_queries):
    def add_rows(count):
        for number in range(count):
            Stakeholder.objects.create(project=project, name=f"Acteur {number}",
                                       category="state", structure=StructureFactory(),
                                       interest=number % 3 + 1, influence=(number // 3) % 3 + 1)
            AwarenessAction.objects.create(project=project, title=f"Forum {number}",
                                           date=date(2027, 1, 1))
            member = BodyMemberFactory(body=past_meeting.body, user=UserFactory())
            ActionItem.objects.create(project=project, meeting=past_meeting, owner=member,
                                      title=f"Action {number}")
            ActionItem.objects.create(project=project, owner_user=UserFactory(),
                                      title=f"Autre action {number}")

    client.force_login(alice)
    urls = [reverse(f"programmes:{name}", args=[project.pk])
            for name in ("stakeholder_list", "awareness_list", "action_list", "body_list")]
    add_rows(5)
    small = [count_queries(client, url) for url in urls]
    add_rows(35)
    for url, small_count in zip(urls, small, strict=True):
        with django_assert_max_num_queries(12):
            assert count_queries(client, url) == small_count, url
