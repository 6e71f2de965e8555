"""Reusable resources: sharing files and links, versions, downloads, ratings, lists."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Membership
from innovations.models import Resource, ResourceRating
from innovations.services import bank as services
from essaimage.uploads import MAX_UPLOAD_BYTES

from ..factories import (
    InnovationFactory,
    MembershipFactory,
    PublishedInnovationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERYONE = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin", "ines"]
PDF = b"%PDF-1.4\n% Guide d'essaimage\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def everyone(cast, ines):
    return {**cast, "ines": ines}


@pytest.fixture
def tapaj(ines_structure):
    return PublishedInnovationFactory(title="TAPAJ", owner=ines_structure)


def pdf(name="guide.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def guide(ines, ines_structure, tapaj):
    """A published PDF guide of TAPAJ, shared by ines for her structure."""
    return services.create_resource(
        created_by=ines, file=pdf("guide-tapaj.pdf"), title="Guide de l'évaluation TAPAJ",
        innovation=tapaj, structure=ines_structure, kind=Resource.Kind.GUIDE,
    )


@pytest.fixture
def draft_resource(ines, ines_structure):
    return ResourceFactory(title="Brouillon de kit", created_by=ines, structure=ines_structure,
                           is_published=False)


def error_codes(response, field=None, form="form") -> set[str]:
    errors = response.context[form].errors.as_data()
    return {error.code for name, items in errors.items() if field in (None, name)
            for error in items}


def listed(response) -> list[str]:
    return [resource.title for resource in response.context["page"].object_list]


# --- Who sees and who changes what ---------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_everyone_signed_in_reads_published_resources(client, everyone, guide, name):
    client.force_login(everyone[name])
    assert listed(client.get(reverse("innovations:resource_list"))) == [guide.title]
    response = client.get(reverse("innovations:resource_detail", args=[guide.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] == (name in ("ines", "admin"))
    response = client.get(reverse("innovations:resource_download", args=[guide.pk]))
    assert response.status_code == 200
    guide.refresh_from_db()
    assert guide.download_count == 1


def test_anonymous_people_see_no_resource(client, guide):
    for url in [reverse("innovations:resource_list"),
                reverse("innovations:resource_detail", args=[guide.pk]),
                reverse("innovations:resource_download", args=[guide.pk]),
                reverse("innovations:resource_create")]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    guide.refresh_from_db()
    assert guide.download_count == 0


@pytest.mark.parametrize(("name", "status"), [
    ("ines", 200), ("admin", 200), ("bob", 404), ("oscar", 404), ("alice", 404),
])
def test_unpublished_resources_are_seen_by_their_authors_only(client, everyone, draft_resource,
                                                              name, status):
    client.force_login(everyone[name])
    for route in ("resource_detail", "resource_update", "resource_download"):
        response = client.get(reverse(f"innovations:{route}", args=[draft_resource.pk]))
        assert response.status_code in ((200, 302) if status == 200 else (404,)), route
    assert (draft_resource.title in listed(client.get(reverse("innovations:resource_list")))) \
        == (status == 200)


def test_resources_of_a_draft_innovation_stay_with_its_innovators(client, ines, oscar,
                                                                  ines_structure):
    draft = InnovationFactory(owner=ines_structure)
    kit = ResourceFactory(innovation=draft, structure=ines_structure, created_by=ines)
    client.force_login(oscar)
    assert client.get(reverse("innovations:resource_detail", args=[kit.pk])).status_code == 404
    client.force_login(ines)
    assert client.get(reverse("innovations:resource_detail", args=[kit.pk])).status_code == 200


@pytest.mark.parametrize(("name", "status"), [
    ("ines", 200), ("admin", 200), ("bob", 403), ("carol", 403), ("alice", 403),
    ("fanny", 403), ("remi", 403), ("oscar", 403),
])
def test_authors_their_structure_and_admins_edit_a_resource(client, everyone, guide, name,
                                                            status):
    client.force_login(everyone[name])
    url = reverse("innovations:resource_update", args=[guide.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"title": "Changé", "kind": "guide", "licence": "cc_by",
                                 "version": "1.0", "is_published": "on"})
    guide.refresh_from_db()
    assert (guide.title == "Changé") == (status == 200)


def test_members_of_the_publishing_structure_edit_it_too(client, ines_structure, guide):
    colleague = UserFactory()
    MembershipFactory(user=colleague, structure=ines_structure, role=Membership.Role.MEMBER)
    client.force_login(colleague)
    response = client.post(reverse("innovations:resource_update", args=[guide.pk]), {
        "title": guide.title, "kind": "template", "licence": guide.licence,
        "version": guide.version, "is_published": "on", "structure": ines_structure.pk,
        "innovation": guide.innovation_id,
    })
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.kind == Resource.Kind.TEMPLATE
    assert guide.file  # the file is kept when no new one is sent


# --- Sharing --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_signed_in_people_share_a_link(client, everyone, name):
    client.force_login(everyone[name])
    assert client.get(reverse("innovations:resource_create")).status_code == 200
    response = client.post(reverse("innovations:resource_create"), {
        "title": "Kit de communication", "kind": "communication", "licence": "cc_by_sa",
        "version": "1.0", "url": "https://example.org/kit", "is_published": "on",
    })
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == resource.get_absolute_url()
    assert resource.created_by == everyone[name]
    assert resource.search_text == "kit de communication   "


def test_a_shared_file_is_stored_privately(client, ines, ines_structure, tapaj, media_root):
    client.force_login(ines)
    response = client.post(reverse("innovations:resource_create"), {
        "title": "Guide", "kind": "guide", "licence": "etalab", "version": "1.0",
        "innovation": tapaj.pk, "structure": ines_structure.pk, "is_published": "on",
        "file": pdf("Guide TAPAJ.pdf"),
    })
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.file.name.startswith("private/resources/")
    assert Path(media_root, resource.file.name).read_bytes() == PDF
    assert (resource.innovation, resource.structure, resource.version) == (tapaj, ines_structure,
                                                                          "1.0")


def test_the_innovation_is_chosen_from_the_page_it_comes_from(client, bob, tapaj):
    client.force_login(bob)
    response = client.get(reverse("innovations:resource_create"), {"innovation": tapaj.pk})
    assert response.context["form"]["innovation"].value() == tapaj.pk


@pytest.mark.parametrize(("data", "field", "code"), [
    ({}, "file", "file_or_link_required"),
    ({"url": "https://example.org/x", "file": "pdf"}, "url", "file_and_link"),
    ({"url": "javascript:alert(1)"}, "url", "invalid"),
    ({"file": ("virus.exe", b"MZ\x90\x00")}, "file", "file_type"),
    ({"file": ("faux.pdf", b"<html>not a pdf</html>")}, "file", "file_content"),
    ({"file": ("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)}, "file", "file_size"),
])
def test_a_resource_needs_one_valid_file_or_link(client, bob, data, field, code):
    client.force_login(bob)
    post = {"title": "Kit", "kind": "guide", "licence": "cc_by", "version": "1.0", **data}
    if data.get("file") == "pdf":
        post["file"] = pdf()
    elif "file" in data:
        post["file"] = SimpleUploadedFile(*data["file"])
    response = client.post(reverse("innovations:resource_create"), post)

    assert response.status_code == 200
    assert error_codes(response, field) == {code}
    assert not Resource.objects.exists()
    # What was typed is kept.
    assert response.context["form"]["title"].value() == "Kit"


def test_nobody_publishes_for_a_structure_or_a_draft_of_others(client, bob, carol_structure,
                                                               ines_structure):
    draft = InnovationFactory(owner=ines_structure)
    client.force_login(bob)
    response = client.post(reverse("innovations:resource_create"), {
        "title": "Kit", "kind": "guide", "licence": "cc_by", "version": "1.0",
        "url": "https://example.org", "structure": carol_structure.pk, "innovation": draft.pk,
    })
    assert error_codes(response) == {"invalid_choice"}
    assert set(response.context["form"].errors) == {"structure", "innovation"}
    with pytest.raises(ValidationError) as refused:
        services.create_resource(created_by=bob, title="Kit", url="https://example.org",
                                 structure=carol_structure, innovation=draft)
    assert {name: errors[0].code for name, errors in refused.value.error_dict.items()} == {
        "structure": "not_a_member", "innovation": "innovation_not_visible"}


# --- Versions -------------------------------------------------------------------------------


def test_a_new_file_is_a_new_version_and_history_keeps_the_old_one(client, ines, guide):
    client.force_login(ines)
    old_name = guide.file.name
    response = client.post(reverse("innovations:resource_update", args=[guide.pk]), {
        "title": guide.title, "kind": guide.kind, "licence": guide.licence,
        "version": guide.version, "innovation": guide.innovation_id,
        "structure": guide.structure_id, "is_published": "on",
        "file": pdf("guide-tapaj-v2.pdf", PDF + b"v2"),
    })

    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.version == "1.1"
    assert guide.file.name != old_name
    versions = [(record.version, record.file) for record in guide.history.order_by("history_date")]
    assert versions == [("1.0", old_name), ("1.1", guide.file.name)]
    assert guide.history.first().history_user == ines


def test_a_version_typed_with_the_new_file_is_kept(ines, guide):
    services.update_resource(guide, by=ines, file=pdf(), version="2.0-beta")
    assert guide.version == "2.0-beta"


@pytest.mark.parametrize(("before", "after"), [
    ("1.0", "1.1"), ("1.9", "1.10"), ("2", "3"), ("v2-beta", "v3-beta"), ("", "1.1"),
    ("bêta", "bêta.1"), ("9" * 20, "9" * 20),
])
def test_next_version(before, after):
    assert services.next_version(before) == after


def test_a_link_replaces_a_file_and_a_file_replaces_a_link(ines, guide):
    services.update_resource(guide, by=ines, url="https://example.org/en-ligne")
    assert (guide.file.name, guide.url) == ("", "https://example.org/en-ligne")

    services.update_resource(guide, by=ines, file=pdf(), url="https://example.org/en-ligne")
    assert guide.file and guide.url == ""

    with pytest.raises(ValidationError) as refused:
        services.update_resource(guide, by=ines, file=pdf(), url="https://example.org/autre")
    assert refused.value.error_dict["url"][0].code == "file_and_link"


def test_a_link_cannot_be_emptied(ines):
    kit = services.create_resource(created_by=ines, title="Kit", url="https://example.org")
    with pytest.raises(ValidationError) as refused:
        services.update_resource(kit, by=ines, url="")
    assert refused.value.error_dict["file"][0].code == "file_or_link_required"


# --- Downloads ------------------------------------------------------------------------------


def test_downloading_a_file_counts_each_download(client, bob, carol, guide):
    url = reverse("innovations:resource_download", args=[guide.pk])
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="guide-tapaj' in response["Content-Disposition"]

    client.force_login(carol)
    client.get(url)
    guide.refresh_from_db()
    assert guide.download_count == 2


def test_following_a_link_counts_too(client, bob):
    kit = ResourceFactory(url="https://example.org/kit.pdf")
    client.force_login(bob)
    response = client.get(reverse("innovations:resource_download", args=[kit.pk]))
    assert response.status_code == 302
    assert response["Location"] == "https://example.org/kit.pdf"
    kit.refresh_from_db()
    assert kit.download_count == 1


def test_counting_is_atomic(guide):
    stale = Resource.objects.get(pk=guide.pk)
    services.record_download(guide)
    services.record_download(stale)
    guide.refresh_from_db()
    assert guide.download_count == 2


def test_a_missing_file_is_a_404_and_not_a_download(client, bob, guide, media_root):
    Path(media_root, guide.file.name).unlink()
    client.force_login(bob)
    assert client.get(reverse("innovations:resource_download", args=[guide.pk])).status_code \
        == 404
    guide.refresh_from_db()
    assert guide.download_count == 0


def test_hidden_resources_are_not_downloaded_by_outsiders(client, oscar, draft_resource):
    client.force_login(oscar)
    response = client.get(reverse("innovations:resource_download", args=[draft_resource.pk]))
    assert response.status_code == 404
    draft_resource.refresh_from_db()
    assert draft_resource.download_count == 0


# --- Ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"])
def test_peers_rate_a_resource(client, everyone, guide, name):
    client.force_login(everyone[name])
    response = client.post(reverse("innovations:resource_rate", args=[guide.pk]),
                           {"stars": "4", "comment": "Très utile pour démarrer."})
    assert response.status_code == 302
    rating = guide.ratings.get()
    assert (rating.user, rating.stars, rating.comment) == (everyone[name], 4,
                                                           "Très utile pour démarrer.")


def test_rating_again_replaces_ones_rating(client, bob, guide):
    client.force_login(bob)
    url = reverse("innovations:resource_rate", args=[guide.pk])
    client.post(url, {"stars": "5"})
    client.post(url, {"stars": "2", "comment": "À bien relire finalement."})

    rating = ResourceRating.objects.get()
    assert (rating.stars, rating.comment) == (2, "À bien relire finalement.")
    response = client.get(guide.get_absolute_url())
    assert response.context["rating_form"]["stars"].value() == 2
    assert response.context["ratings"]["average"] == 2


@pytest.mark.parametrize(("stars", "code"), [
    ("0", "stars_out_of_range"), ("6", "stars_out_of_range"), ("-1", "stars_out_of_range"),
    ("abc", "invalid"), ("", "required"), ("9" * 400, "stars_out_of_range"),
])
def test_ratings_are_from_one_to_five_stars(client, bob, guide, stars, code):
    client.force_login(bob)
    response = client.post(reverse("innovations:resource_rate", args=[guide.pk]),
                           {"stars": stars})
    assert response.status_code == 200
    assert error_codes(response, "stars", form="rating_form") == {code}
    assert not ResourceRating.objects.exists()


@pytest.mark.parametrize("stars", [0, 6, -3, None, "x"])
def test_the_rating_service_checks_the_bounds(bob, guide, stars):
    with pytest.raises(ValidationError) as refused:
        services.rate_resource(guide, user=bob, stars=stars)
    assert refused.value.error_dict["stars"][0].code == "stars_out_of_range"


def test_authors_do_not_rate_their_own_resource(client, ines, guide):
    client.force_login(ines)
    response = client.post(reverse("innovations:resource_rate", args=[guide.pk]),
                           {"stars": "5"})
    assert response.status_code == 200
    assert error_codes(response, form="rating_form") == {"own_resource"}
    assert not response.context["may_rate"]


def test_unpublished_resources_are_not_rated(ines_structure, draft_resource):
    colleague = UserFactory()
    MembershipFactory(user=colleague, structure=ines_structure)
    with pytest.raises(ValidationError) as refused:
        services.rate_resource(draft_resource, user=colleague, stars=3)
    assert refused.value.code == "not_published"


def test_rating_takes_a_post_and_a_visible_resource(client, oscar, guide, draft_resource):
    client.force_login(oscar)
    assert client.get(reverse("innovations:resource_rate", args=[guide.pk])).status_code == 405
    response = client.post(reverse("innovations:resource_rate", args=[draft_resource.pk]),
                           {"stars": "3"})
    assert response.status_code == 404


# --- The list -------------------------------------------------------------------------------


@pytest.fixture
def shelf(ines, bob, carol, oscar, tapaj):
    """Three resources with downloads and ratings, oldest first."""
    guide = ResourceFactory(title="Guide de l'évaluation", kind=Resource.Kind.GUIDE,
                            licence=Resource.Licence.CC_BY, created_by=ines, innovation=tapaj)
    template = ResourceFactory(title="Modèle de convention", kind=Resource.Kind.TEMPLATE,
                               licence=Resource.Licence.ETALAB, created_by=ines)
    training = ResourceFactory(title="Formation des encadrants", kind=Resource.Kind.TRAINING,
                               licence=Resource.Licence.CC_BY, created_by=ines)
    for resource in (guide, template, training):
        resource.search_text = services.resource_search_text(resource)
        resource.save()
    Resource.objects.filter(pk=template.pk).update(download_count=30)
    Resource.objects.filter(pk=training.pk).update(download_count=5)
    for user, stars in ((bob, 5), (carol, 4)):
        services.rate_resource(training, user=user, stars=stars)
    services.rate_resource(template, user=bob, stars=3)
    return {"guide": guide, "template": template, "training": training}


def resource_list(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("innovations:resource_list"), params)
    assert response.status_code == 200
    return listed(response)


def test_the_list_sorts_by_recent_downloads_or_rating(client, oscar, shelf):
    assert resource_list(client, oscar) == ["Formation des encadrants", "Modèle de convention",
                                            "Guide de l'évaluation"]
    assert resource_list(client, oscar, sort="downloads") == [
        "Modèle de convention", "Formation des encadrants", "Guide de l'évaluation"]
    assert resource_list(client, oscar, sort="rating") == [
        "Formation des encadrants", "Modèle de convention", "Guide de l'évaluation"]


def test_the_list_filters_by_kind_licence_text_and_innovation(client, oscar, shelf, tapaj):
    assert resource_list(client, oscar, kind="template") == ["Modèle de convention"]
    assert resource_list(client, oscar, licence="cc_by") == ["Formation des encadrants",
                                                             "Guide de l'évaluation"]
    assert resource_list(client, oscar, q="EVALUATION") == ["Guide de l'évaluation"]
    assert resource_list(client, oscar, q="tapaj") == ["Guide de l'évaluation"]
    assert resource_list(client, oscar, innovation=tapaj.pk) == ["Guide de l'évaluation"]


def test_the_list_shows_average_ratings(client, oscar, shelf):
    client.force_login(oscar)
    response = client.get(reverse("innovations:resource_list"), {"sort": "rating"})
    first = response.context["page"].object_list[0]
    assert (first.average_rating, first.rating_count) == (4.5, 2)


def test_the_list_paginates_and_answers_htmx_with_results_only(client, oscar):
    ResourceFactory.create_batch(25)
    client.force_login(oscar)
    response = client.get(reverse("innovations:resource_list"), {"page": "2"},
                          HTTP_HX_REQUEST="true")
    assert len(response.context["page"].object_list) == 5
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="resource-status" hx-swap-oob="innerHTML"' in html


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"kind": "alien"}, {"licence": "\x00"}, {"sort": "hack"},
    {"q": "é" * 3000}, {"q": "\x00"}, {"innovation": "999999"}, {"innovation": "abc"},
    {"sort": ["rating", "downloads"]},
])
def test_the_list_survives_any_query_string(client, oscar, shelf, params):
    client.force_login(oscar)
    assert client.get(reverse("innovations:resource_list"), params).status_code == 200
