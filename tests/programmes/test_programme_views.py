"""A programme's page with its scaling projects, and opening a new project."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import ScalingProject, Stage, StagePlan

from ..factories import InnovationFactory, PublishedInnovationFactory, ScalingProjectFactory

pytestmark = pytest.mark.django_db

STAGES = [Stage.IDENTIFICATION, Stage.FEASIBILITY, Stage.MOBILISATION, Stage.SCALING_UP,
          Stage.EVALUATION]


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("admin", 200), ("fanny", 200),
    ("camille", 404), ("paul", 404), ("ines", 404),
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_who_reads_the_programme_page(client, everyone, programme, project, name, expected):
    client.force_login(everyone[name])
    response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert list(response.context["page"].object_list) == [project]
        assert response.context["can_edit"] == (name in ("alice", "admin"))


def test_the_programme_page_counts_projects_by_stage(client, alice, programme):
    for stage in (Stage.FEASIBILITY, Stage.FEASIBILITY, Stage.EVALUATION):
        ScalingProjectFactory(programme=programme, stage=stage)
    ScalingProjectFactory(programme=programme, stage=Stage.FEASIBILITY,
                          status=ScalingProject.Status.ON_HOLD)
    ScalingProjectFactory(programme=programme, is_archived=True)
    ScalingProjectFactory(stage=Stage.FEASIBILITY)  # another programme's
    client.force_login(alice)
    response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    counts = {c.stage: (c.total, c.on_hold) for c in response.context["stage_counts"]}
    assert counts[Stage.FEASIBILITY] == (3, 1)
    assert counts[Stage.EVALUATION] == (1, 0)
    assert counts[Stage.IDENTIFICATION] == (0, 0)
    assert response.context["page"].paginator.count == 4


def test_only_staff_are_offered_a_new_project(client, alice, fanny, programme):
    url = reverse("programmes:project_create", args=[programme.pk])
    client.force_login(alice)
    assert url.encode() in client.get(
        reverse("programmes:programme_detail", args=[programme.pk])).content
    client.force_login(fanny)
    assert url.encode() not in client.get(
        reverse("programmes:programme_detail", args=[programme.pk])).content


@pytest.mark.parametrize("count", [5, 40])
def test_programme_page_query_count_does_not_grow(client, alice, programme, count,
                                                  django_assert_max_num_queries):
    for index in range(count):
        ScalingProjectFactory(programme=programme, stage=STAGES[index % 5], staff_lead=alice)
    client.force_login(alice)
    # session, user, programme, staff check, staff, funders, count, page of projects with
    # innovation, innovator and lead, projects by stage and status
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    assert len(response.context["page"].object_list) == min(count, 25)


def test_the_programme_list_counts_projects(client, alice, programme, project):
    ScalingProjectFactory(programme=programme, is_archived=True)
    client.force_login(alice)
    page = client.get(reverse("programmes:programme_list")).context["page"]
    assert [p.project_count for p in page.object_list] == [1]


# --- Opening a project ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("admin", 200), ("fanny", 403),
    ("camille", 404), ("paul", 404), ("ines", 404), ("bob", 404), ("carol", 404),
    ("remi", 404), ("oscar", 404),
])
def test_only_staff_open_the_new_project_page(client, everyone, programme, name, expected):
    client.force_login(everyone[name])
    response = client.get(reverse("programmes:project_create", args=[programme.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("admin", 302), ("fanny", 403), ("camille", 404), ("bob", 404),
    ("oscar", 404),
])
def test_only_staff_open_a_project(client, everyone, programme, name, expected):
    innovation = PublishedInnovationFactory(title="Lieu ressources")
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:project_create", args=[programme.pk]), {
        "innovation": innovation.pk, "started_on": timezone.localdate().isoformat()})
    assert response.status_code == expected
    assert ScalingProject.objects.filter(innovation=innovation).exists() == (expected == 302)


def test_a_new_project_takes_the_innovations_title_and_a_lead(client, alice, programme):
    innovation = PublishedInnovationFactory(title="Rallyes pour l'emploi")
    client.force_login(alice)
    response = client.post(reverse("programmes:project_create", args=[programme.pk]), {
        "innovation": innovation.pk, "title": "", "staff_lead": alice.pk,
        "started_on": "2018-06-01"})
    project = ScalingProject.objects.get(innovation=innovation)
    assert response.url == project.get_absolute_url()
    assert (project.title, project.staff_lead, project.programme) == (
        "Rallyes pour l'emploi", alice, programme)
    assert StagePlan.objects.get(project=project, stage=Stage.IDENTIFICATION).actual_start \
        .isoformat() == "2018-06-01"


def test_the_innovation_can_be_preselected(client, alice, programme):
    innovation = PublishedInnovationFactory()
    client.force_login(alice)
    response = client.get(reverse("programmes:project_create", args=[programme.pk]),
                          {"innovation": innovation.pk})
    assert response.context["form"]["innovation"].value() == str(innovation.pk)


def test_drafts_are_not_offered(client, alice, programme):
    draft = InnovationFactory()
    client.force_login(alice)
    response = client.post(reverse("programmes:project_create", args=[programme.pk]), {
        "innovation": draft.pk, "started_on": "2018-06-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["innovation"].as_data()[0].code == "invalid_choice"
    assert not ScalingProject.objects.exists()


def test_the_lead_must_be_programme_staff(client, alice, remi, programme):
    client.force_login(alice)
    response = client.post(reverse("programmes:project_create", args=[programme.pk]), {
        "innovation": PublishedInnovationFactory().pk, "staff_lead": remi.pk,
        "started_on": "2018-06-01"})
    assert response.status_code == 200
    assert "staff_lead" in response.context["form"].errors


def test_editing_a_project(client, alice, project):
    client.force_login(alice)
    response = client.post(reverse("programmes:project_update", args=[project.pk]), {
        "title": "TAPAJ en Nièvre", "description": "Trois sites.", "staff_lead": alice.pk})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.description, project.staff_lead) == (
        "TAPAJ en Nièvre", "Trois sites.", alice)
