"""No input to the bank's forms, however malformed or large, produces a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innovations.models import Comment, Endorsement, Resource, ResourceRating
from innovations.services import bank as services

from ..factories import PublishedInnovationFactory

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE innovations_resource; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
    "javascript:alert(1)",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def targets(ines, ines_structure, bob):
    innovation = PublishedInnovationFactory(owner=ines_structure)
    resource = services.create_resource(created_by=ines, title="Guide",
                                        url="https://example.org/guide")
    comment = services.add_comment(innovation, author=bob, body="Bonjour")
    return {"innovation": innovation, "resource": resource, "comment": comment}


def forms_of(targets, bob, ines):
    innovation, resource = targets["innovation"], targets["resource"]
    return [
        (bob, reverse("innovations:endorse", args=[innovation.pk]),
         ["kind", "structure", "comment", "withdraw"]),
        (bob, reverse("innovations:endorse", args=[innovation.pk]),
         ["kind", "structure", "comment"]),
        (bob, reverse("innovations:comment_create", args=[innovation.pk]), ["body"]),
        (ines, reverse("innovations:comment_hide", args=[targets["comment"].pk]), ["restore"]),
        (bob, reverse("innovations:resource_create"),
         ["title", "kind", "innovation", "structure", "description", "url", "licence",
          "version", "is_published"]),
        (ines, reverse("innovations:resource_update", args=[resource.pk]),
         ["title", "kind", "innovation", "structure", "description", "url", "licence",
          "version", "is_published"]),
        (bob, reverse("innovations:resource_rate", args=[resource.pk]), ["stars", "comment"]),
    ]


def test_malformed_and_oversized_input_never_breaks_a_form(client, targets, bob, ines):
    for user, url, fields in forms_of(targets, bob, ines):
        client.force_login(user)
        for value in NASTY_VALUES:
            response = client.post(url, {field: value for field in fields})
            assert response.status_code < 500, (url, value[:30])
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500
    # Only valid input was stored: text comments (shown escaped), never invalid kinds or stars.
    assert not Endorsement.objects.exists()
    assert not ResourceRating.objects.exists()
    assert all(0 < len(c.body) <= 5000 and "\x00" not in c.body for c in Comment.objects.all())
    assert Resource.objects.count() == 1
    assert Resource.objects.get().title == "Guide"


def test_files_with_odd_names_are_refused_or_kept_safely(client, bob):
    client.force_login(bob)
    for name, content in [
        ("../../etc/passwd.pdf", b"%PDF-1.4"),
        ("a" * 300 + ".pdf", b"%PDF-1.4"),
        ("sans-extension", b"%PDF-1.4"),
        ("vide.pdf", b""),
        ("nul\x00.pdf", b"%PDF-1.4"),
    ]:
        response = client.post(reverse("innovations:resource_create"), {
            "title": "Kit", "kind": "guide", "licence": "cc_by", "version": "1.0",
            "file": SimpleUploadedFile(name, content),
        })
        assert response.status_code < 500, name
    for resource in Resource.objects.all():
        assert resource.file.name.startswith("private/resources/")
        assert ".." not in resource.file.name
