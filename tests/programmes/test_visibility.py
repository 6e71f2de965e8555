import pytest

from programmes.models import AdopterSite, ScalingProject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "visible"), [
    ("alice", True), ("fanny", True), ("camille", True), ("paul", True), ("admin", True),
    ("bob", False), ("carol", False), ("remi", False), ("oscar", False),
])
def test_who_sees_a_scaling_project(pipeline_cast, project, name, visible):
    assert ScalingProject.objects.visible_to(pipeline_cast[name]).filter(pk=project.pk).exists() \
        == visible


def test_the_innovator_follows_the_scaling_of_their_innovation(ines, project):
    assert ScalingProject.objects.visible_to(ines).filter(pk=project.pk).exists()


@pytest.mark.parametrize(("name", "sites"), [
    ("bob", {"bob"}), ("carol", {"carol"}), ("alice", {"bob", "carol"}),
    ("paul", {"bob", "carol"}), ("oscar", set()), ("remi", set()),
])
def test_adopters_see_their_own_site_only(pipeline_cast, bob_site, carol_site, name, sites):
    names = {bob_site.pk: "bob", carol_site.pk: "carol"}
    seen = AdopterSite.objects.visible_to(pipeline_cast[name]).values_list("pk", flat=True)
    assert {names[pk] for pk in seen} == sites


def test_archived_projects_are_hidden_from_their_staff(pipeline_cast, project):
    project.is_archived = True
    project.save()
    assert not ScalingProject.objects.visible_to(pipeline_cast["alice"]).exists()
