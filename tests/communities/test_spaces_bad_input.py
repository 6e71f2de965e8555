"""Bad input in spaces: refused next to the field with what was typed kept, never stored, and
HTML typed in a message or a title shown as text, never run."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Attachment, Post, Thread
from communities.services import spaces as services

from .spaces_cast import *  # noqa: F403
from .spaces_cast import PDF

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def create(client, space, **data):
    return client.post(reverse("communities:thread_create", args=[space.pk]),
                       {"title": "Un titre", "kind": "discussion", "body": "Un message", **data})


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"body": ""}, "body", "This field is required."),
    ({"body": "   \n  "}, "body", "This field is required."),
    ({"body": "x" * 10_001}, "body", "at most 10000 characters"),
    ({"title": ""}, "title", "This field is required."),
    ({"title": "t" * 201}, "title", "at most 200 characters"),
    ({"kind": "poll"}, "kind", "Select a valid choice."),
])
def test_bad_threads_are_refused_next_to_the_field(client, bob, space_a, data, field, message):
    client.force_login(bob)
    response = create(client, space_a, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not Thread.objects.exists()
    if field != "body" and data.get("body") is None:
        assert "Un message" in response.content.decode()  # what was typed is kept


def test_a_message_of_exactly_the_limit_is_taken(client, bob, space_a):
    client.force_login(bob)
    assert create(client, space_a, body="x" * 10_000).status_code == 302


@pytest.mark.parametrize(("body", "code"), [
    ("", "message_empty"), (" ", "message_empty"), ("x" * 10_001, "message_too_long"),
])
def test_services_refuse_bad_messages_too(bob, space_a, question_a, body, code):
    with pytest.raises(ValidationError) as refusal:
        services.add_reply(question_a, author=bob, body=body)
    assert refusal.value.error_dict["body"][0].code == code
    with pytest.raises(ValidationError):
        services.create_thread(space_a, author=bob, title="T", kind="discussion", body=body)
    assert Post.objects.count() == 1


@pytest.mark.parametrize(("title", "code"), [("", "title_empty"), ("t" * 201, "title_too_long")])
def test_services_refuse_bad_titles(bob, space_a, title, code):
    with pytest.raises(ValidationError) as refusal:
        services.create_thread(space_a, author=bob, title=title, kind="question", body="B")
    assert refusal.value.error_dict["title"][0].code == code


def test_an_empty_reply_is_refused_and_the_page_still_works(client, bob, question_a):
    client.force_login(bob)
    response = client.post(reverse("communities:thread_reply", args=[question_a.pk]),
                           {"body": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert question_a.posts.count() == 1


def test_html_in_messages_and_titles_is_shown_as_text(client, bob, bea, space_a):
    client.force_login(bob)
    create(client, space_a, title=f"Titre {SCRIPT}", body=f"Avant {SCRIPT} {IMAGE} après")
    thread = Thread.objects.get()
    client.post(reverse("communities:thread_reply", args=[thread.pk]),
                {"body": f"**gras** {IMAGE} [lien](javascript:alert(3))"})
    client.force_login(bea)
    for url in [thread.get_absolute_url(), space_a.get_absolute_url(),
                reverse("communities:space_list")]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html, url
        assert "javascript:" not in html
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "<strong>gras</strong>" in html


@pytest.mark.parametrize(("name", "content", "error"), [
    ("setup.exe", b"MZ\x90\x00binary", "Files of type .exe are not accepted"),
    ("rapport.pdf", b"<html>not a pdf</html>", "This file is not a real pdf document"),
    ("notes.txt", b"text\x00with a NUL", "This file is not a text file"),
    ("sans-extension", b"hello", "Files of type (none) are not accepted"),
])
def test_attachments_of_the_wrong_type_are_refused(client, bob, space_a, question_a, name,
                                                   content, error):
    client.force_login(bob)
    response = create(client, space_a, attachments=[SimpleUploadedFile(name, content)])
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["attachments"])
    assert name in " ".join(response.context["form"].errors["attachments"])
    reply = client.post(reverse("communities:thread_reply", args=[question_a.pk]),
                        {"body": "Avec fichier", "attachments": [SimpleUploadedFile(name,
                                                                                    content)]})
    assert reply.status_code == 200
    assert error in reply.content.decode()
    assert Thread.objects.count() == 1 and Attachment.objects.count() == 0
    assert not Post.objects.filter(body="Avec fichier").exists()


def test_attachments_too_large_are_refused(client, settings, bob, space_a):
    settings.COMMUNITY_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(bob)
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * 2000)
    response = create(client, space_a, attachments=[big])
    assert "the limit is 1.0\xa0KB" in " ".join(response.context["form"].errors["attachments"])
    assert not Thread.objects.exists()
    small = SimpleUploadedFile("petit.pdf", PDF)
    assert create(client, space_a, attachments=[small]).status_code == 302


def test_more_than_three_attachments_are_refused(client, bob, space_a):
    client.force_login(bob)
    files = [SimpleUploadedFile(f"f{n}.pdf", PDF) for n in range(4)]
    response = create(client, space_a, attachments=files)
    assert "3 files at most" in " ".join(response.context["form"].errors["attachments"])
    assert not Thread.objects.exists()


def test_a_bad_attachment_leaves_nothing_behind(bob, space_a):
    with pytest.raises(ValidationError):
        services.create_thread(space_a, author=bob, title="T", kind="discussion", body="B",
                               files=[SimpleUploadedFile("ok.pdf", PDF),
                                      SimpleUploadedFile("ko.exe", b"MZ")])
    assert not Thread.objects.exists() and not Attachment.objects.exists()


def test_lock_and_pin_take_only_their_two_values(client, alice, question_a):
    client.force_login(alice)
    client.post(reverse("communities:thread_lock", args=[question_a.pk]), {"locked": "yes"})
    client.post(reverse("communities:thread_pin", args=[question_a.pk]), {})
    question_a.refresh_from_db()
    assert not question_a.is_locked and not question_a.is_pinned


def test_unknown_objects_are_404(client, alice):
    client.force_login(alice)
    for name in ["thread_detail", "post_edit", "attachment_download", "post_hide"]:
        assert client.get(reverse(f"communities:{name}", args=[999999])).status_code == 404
    assert client.get(reverse("communities:space_detail", args=[999999])).status_code == 404


def test_a_search_with_only_punctuation_or_nul_lists_everything(client, bob, space_a,
                                                                question_a):
    client.force_login(bob)
    for text in ["&|!():*'", "\x00", "a"]:
        response = client.get(space_a.get_absolute_url(), {"q": text})
        assert response.status_code == 200
        assert question_a.title in response.content.decode()
