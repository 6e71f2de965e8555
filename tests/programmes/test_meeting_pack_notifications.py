"""A meeting pack grows: the members of the body hear of it, once per meeting until they read
it, and never for a meeting already past."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.models import Notification
from communities.services.notifications import mark_read
from programmes.services import governance as services

from ..factories import BodyMemberFactory, UserFactory
from .test_governance_support import (  # noqa: F401  (fixtures)
    _private_media,
    meeting,
    outside_member,
    past_meeting,
    technical_meeting,
    technical_committee,
)

pytestmark = pytest.mark.django_db

PACK = Notification.Kind.MEETING_PACK


def upload(meeting, by, name="ordre-du-jour.pdf"):
    return services.upload_document(meeting, by=by, title="",
                                    file=SimpleUploadedFile(name, b"%PDF-1.4"))


def packs(user):
    return list(Notification.objects.filter(recipient=user, kind=PACK))


def test_the_members_of_the_body_hear_of_a_new_document(_private_media, meeting, camille,
                                                        alice, outside_member,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(meeting, alice)

    (notification,) = packs(camille)
    assert notification.url == meeting.get_absolute_url()
    assert meeting.title in notification.title
    assert notification.actor == alice
    assert not packs(alice)
    # Meeting packs come by e-mail at once unless the person chose otherwise.
    assert [message.to for message in mail.outbox] == [[camille.email]]


def test_five_documents_in_a_row_make_one_unread_item(_private_media, meeting, camille, alice):
    for number in range(5):
        upload(meeting, alice, f"piece-{number}.pdf")
    assert len(packs(camille)) == 1

    mark_read(camille)
    upload(meeting, alice, "complement.pdf")
    assert len(packs(camille)) == 2


def test_each_meeting_has_its_own_item(_private_media, meeting, technical_meeting, camille,
                                       alice):
    BodyMemberFactory(body=technical_meeting.body, user=camille)
    upload(meeting, alice)
    upload(technical_meeting, alice)
    assert {n.url for n in packs(camille)} == {meeting.get_absolute_url(),
                                                technical_meeting.get_absolute_url()}


def test_other_bodies_members_hear_nothing(_private_media, technical_meeting, camille, alice):
    upload(technical_meeting, alice)
    assert not packs(camille)


def test_past_or_cancelled_meetings_notify_nobody(_private_media, meeting, past_meeting,
                                                  camille, alice):
    upload(past_meeting, alice)
    meeting.status = "cancelled"
    meeting.save()
    upload(meeting, alice)
    assert not Notification.objects.exists()


def test_the_uploader_is_not_told_of_their_own_document(_private_media, meeting, camille):
    upload(meeting, camille)
    assert not Notification.objects.exists()


def test_a_member_who_left_the_platform_is_not_notified(_private_media, meeting, camille,
                                                        alice):
    gone = UserFactory(is_active=False)
    BodyMemberFactory(body=meeting.body, user=gone)
    upload(meeting, alice)
    assert not packs(gone)
    assert len(packs(camille)) == 1


def test_a_refused_upload_notifies_nobody(_private_media, meeting, camille, alice):
    with pytest.raises(ValidationError):
        services.upload_document(meeting, by=alice, title="",
                                 file=SimpleUploadedFile("virus.exe", b"MZ"))
    assert not Notification.objects.exists()
