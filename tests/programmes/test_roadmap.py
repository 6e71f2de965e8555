"""The roadmap of a programme: every project on a timeline of months, stage by stage."""

from datetime import date

import pytest
from django.urls import reverse

from programmes.models import ScalingProject, Stage, StagePlan
from programmes.selectors.roadmap import ROADMAP_PER_PAGE

from ..factories import ProgrammeFactory, ScalingProjectFactory

pytestmark = pytest.mark.django_db

STAGES = [Stage.IDENTIFICATION, Stage.FEASIBILITY, Stage.MOBILISATION, Stage.SCALING_UP,
          Stage.EVALUATION]
# Seed 002, "Feuille de route 2018": Juin / Juillet–Octobre / Janvier / Février–Septembre /
# Janvier–Décembre.
SEED_PLAN = {
    Stage.IDENTIFICATION: (date(2018, 6, 1), date(2018, 6, 30)),
    Stage.FEASIBILITY: (date(2018, 7, 1), date(2018, 10, 31)),
    Stage.MOBILISATION: (date(2019, 1, 1), date(2019, 1, 31)),
    Stage.SCALING_UP: (date(2019, 2, 1), date(2019, 9, 30)),
    Stage.EVALUATION: (date(2019, 1, 1), date(2019, 12, 31)),
}


def planned_project(programme, title, stage=Stage.IDENTIFICATION, **kwargs):
    project = ScalingProjectFactory(programme=programme, title=title, stage=stage, **kwargs)
    StagePlan.objects.bulk_create([
        StagePlan(project=project, stage=s, planned_start=start, planned_end=end)
        for s, (start, end) in SEED_PLAN.items()])
    return project


@pytest.fixture
def seed_programme(programme):
    programme.start_date, programme.end_date = date(2018, 1, 1), date(2018, 12, 31)
    programme.save()
    return programme


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("admin", 200), ("fanny", 200),
    ("camille", 404), ("paul", 404), ("bob", 404), ("carol", 404), ("remi", 404),
    ("oscar", 404),
])
def test_who_reads_the_roadmap(client, pipeline_cast, programme, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.get(reverse("programmes:roadmap", args=[programme.pk]))
    assert response.status_code == expected


def test_the_timeline_spans_the_programme_and_the_plans(client, alice, seed_programme):
    planned_project(seed_programme, "TAPAJ", Stage.FEASIBILITY)
    client.force_login(alice)
    roadmap = client.get(reverse("programmes:roadmap", args=[seed_programme.pk])).context[
        "roadmap"]
    assert (roadmap.start, roadmap.end) == (date(2018, 1, 1), date(2019, 12, 1))
    assert len(roadmap.months) == 24
    assert [(y.year, y.months) for y in roadmap.years] == [(2018, 12), (2019, 12)]


def test_each_stage_is_a_bar_over_its_months(client, alice, seed_programme):
    planned_project(seed_programme, "TAPAJ", Stage.FEASIBILITY)
    client.force_login(alice)
    row = client.get(reverse("programmes:roadmap", args=[seed_programme.pk])).context[
        "roadmap"].rows[0]
    planned = {bar.stage: (bar.first, bar.last) for bar in row.bars if bar.is_planned}
    assert planned == {
        Stage.IDENTIFICATION: (6, 6),    # Juin
        Stage.FEASIBILITY: (7, 10),      # Juillet - Octobre
        Stage.MOBILISATION: (13, 13),    # Janvier
        Stage.SCALING_UP: (14, 21),      # Février - Septembre
        Stage.EVALUATION: (13, 24),      # Janvier - Décembre
    }
    assert [bar.stage for bar in row.bars if bar.is_current] == [Stage.FEASIBILITY]
    assert row.bars[0].style == "grid-column:6/7;grid-row:1"
    # The evaluation runs beside mobilisation and scaling-up: it gets a line of its own.
    lanes = {bar.stage: bar.lane for bar in row.bars if bar.is_planned}
    assert lanes == {Stage.IDENTIFICATION: 1, Stage.FEASIBILITY: 1, Stage.MOBILISATION: 1,
                     Stage.SCALING_UP: 1, Stage.EVALUATION: 2}
    assert row.lanes == 3


def test_actual_dates_draw_a_second_bar(client, alice, seed_programme):
    project = planned_project(seed_programme, "VITA Air", Stage.FEASIBILITY)
    StagePlan.objects.filter(project=project, stage=Stage.IDENTIFICATION).update(
        actual_start=date(2018, 6, 4), actual_end=date(2018, 7, 2))
    StagePlan.objects.filter(project=project, stage=Stage.FEASIBILITY).update(
        actual_start=date(2018, 7, 2))
    client.force_login(alice)
    row = client.get(reverse("programmes:roadmap", args=[seed_programme.pk]),
                     {"end": "2019-12"}).context["roadmap"].rows[0]
    actual = {bar.stage: bar for bar in row.bars if not bar.is_planned}
    assert {bar.lane for bar in actual.values()} == {row.lanes}
    assert (actual[Stage.IDENTIFICATION].first, actual[Stage.IDENTIFICATION].last) == (6, 7)
    # The running stage goes on to today, beyond the window.
    assert actual[Stage.FEASIBILITY].is_running
    assert actual[Stage.FEASIBILITY].clipped_end
    dates = {stage.step.stage: stage for stage in row.stages}
    assert dates[Stage.IDENTIFICATION].actual_end == date(2018, 7, 2)


def test_the_text_alternative_lists_every_stage_with_its_dates(client, alice, seed_programme):
    planned_project(seed_programme, "Parcours Gardien", Stage.EVALUATION)
    client.force_login(alice)
    response = client.get(reverse("programmes:roadmap", args=[seed_programme.pk]))
    row = response.context["roadmap"].rows[0]
    assert [s.step.stage for s in row.stages] == STAGES
    assert [s.step.is_current for s in row.stages] == [False] * 4 + [True]
    html = response.content.decode()
    assert 'class="roadmap-list"' in html
    assert "Parcours Gardien" in html


def test_filters_by_stage_and_status(client, alice, seed_programme):
    planned_project(seed_programme, "TAPAJ", Stage.FEASIBILITY)
    planned_project(seed_programme, "SOLENI", Stage.FEASIBILITY,
                    status=ScalingProject.Status.ON_HOLD)
    planned_project(seed_programme, "VITA Air", Stage.EVALUATION)
    client.force_login(alice)
    url = reverse("programmes:roadmap", args=[seed_programme.pk])

    def titles(**query):
        return [row.project.title for row in client.get(url, query).context["roadmap"].rows]

    assert titles() == ["SOLENI", "TAPAJ", "VITA Air"]
    assert titles(stage="feasibility") == ["SOLENI", "TAPAJ"]
    assert titles(stage="feasibility", status="on_hold") == ["SOLENI"]
    assert titles(stage="nowhere") == ["SOLENI", "TAPAJ", "VITA Air"]  # ignored, and said
    counts = {c.stage: c.total for c in client.get(url).context["roadmap"].counts}
    assert counts == {Stage.IDENTIFICATION: 0, Stage.FEASIBILITY: 2, Stage.MOBILISATION: 0,
                      Stage.SCALING_UP: 0, Stage.EVALUATION: 1}


def test_the_window_can_be_chosen_by_month(client, alice, seed_programme):
    planned_project(seed_programme, "TAPAJ")
    client.force_login(alice)
    url = reverse("programmes:roadmap", args=[seed_programme.pk])
    roadmap = client.get(url, {"start": "2019-01", "end": "2019-06"}).context["roadmap"]
    assert (roadmap.start, roadmap.end, len(roadmap.months)) == (date(2019, 1, 1),
                                                                 date(2019, 6, 1), 6)
    bars = {(bar.stage, bar.lane): bar for bar in roadmap.rows[0].bars}
    assert (Stage.FEASIBILITY, 1) not in bars  # entirely before the window
    assert bars[(Stage.SCALING_UP, 1)].clipped_end
    assert (bars[(Stage.SCALING_UP, 1)].first, bars[(Stage.SCALING_UP, 1)].last) == (2, 6)


@pytest.mark.parametrize("query", [
    {"start": "2019-13"}, {"start": "june"}, {"end": "0000-01"}, {"start": "9" * 400},
    {"start": "2019-06", "end": "2019-01"}, {"page": "-1"}, {"page": "9" * 50},
])
def test_wrong_filters_fall_back_to_the_default_window(client, alice, seed_programme, query):
    planned_project(seed_programme, "TAPAJ")
    client.force_login(alice)
    response = client.get(reverse("programmes:roadmap", args=[seed_programme.pk]), query)
    assert response.status_code == 200
    assert response.context["roadmap"].rows


def test_a_very_long_span_is_cut_to_sixty_months(client, alice):
    programme = ProgrammeFactory(staff=[alice], start_date=date(2000, 1, 1),
                                 end_date=date(2030, 12, 31))
    client.force_login(alice)
    roadmap = client.get(reverse("programmes:roadmap", args=[programme.pk])).context["roadmap"]
    assert len(roadmap.months) == 60
    assert roadmap.is_truncated


def test_the_roadmap_paginates(client, alice, programme):
    ScalingProjectFactory.create_batch(ROADMAP_PER_PAGE + 3, programme=programme)
    client.force_login(alice)
    url = reverse("programmes:roadmap", args=[programme.pk])
    assert len(client.get(url).context["roadmap"].rows) == ROADMAP_PER_PAGE
    assert len(client.get(url, {"page": 2}).context["roadmap"].rows) == 3


def test_archived_projects_are_not_on_the_roadmap(client, alice, programme):
    planned_project(programme, "Ancien", is_archived=True)
    client.force_login(alice)
    assert client.get(reverse("programmes:roadmap", args=[programme.pk])).context[
        "roadmap"].rows == []


def roadmap_queries(client, programme, django_assert_max_num_queries, count):
    for index in range(count):
        planned_project(programme, f"Projet {index:03}", STAGES[index % 5])
    url = reverse("programmes:roadmap", args=[programme.pk])
    # session, user, programme, staff check, span of the plans, stage counts, count, page of
    # projects, their plans
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["roadmap"].rows) == count


@pytest.mark.parametrize("count", [5, 40])
def test_roadmap_query_count_does_not_grow(client, alice, seed_programme,
                                           django_assert_max_num_queries, count):
    client.force_login(alice)
    roadmap_queries(client, seed_programme, django_assert_max_num_queries, count)


@pytest.mark.parametrize("count", [5, 40])
def test_roadmap_query_count_does_not_grow_for_a_funder(client, fanny, seed_programme,
                                                        django_assert_max_num_queries, count):
    client.force_login(fanny)
    roadmap_queries(client, seed_programme, django_assert_max_num_queries, count)


def test_stages_begun_before_the_programme_are_cut_at_its_start(client, alice, seed_programme):
    project = planned_project(seed_programme, "VITA Air", Stage.EVALUATION)
    StagePlan.objects.filter(project=project, stage=Stage.IDENTIFICATION).update(
        planned_start=date(2016, 6, 1), actual_start=date(2016, 6, 4),
        actual_end=date(2016, 7, 2))
    client.force_login(alice)
    roadmap = client.get(reverse("programmes:roadmap", args=[seed_programme.pk])).context[
        "roadmap"]
    assert roadmap.start == date(2018, 1, 1)
    bars = {(bar.stage, bar.is_planned): bar for bar in roadmap.rows[0].bars}
    assert bars[(Stage.IDENTIFICATION, True)].clipped_start
    assert (Stage.IDENTIFICATION, False) not in bars  # over before the window opens
