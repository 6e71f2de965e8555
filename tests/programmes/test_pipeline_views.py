"""Every page of the pipeline for every member of the cast: who reads, who acts, who gets 404."""

import pytest
from django.urls import reverse

from programmes.models import ScalingProject, StageEvent

pytestmark = pytest.mark.django_db

READERS = ["alice", "admin", "fanny", "camille", "paul", "ines"]
STAFF = ["alice", "admin"]
HIDDEN_FROM = ["bob", "carol", "remi", "oscar"]
EVERYONE = READERS + HIDDEN_FROM

PROJECT_PAGES = ["project_detail", "project_schedule", "feasibility", "strategy"]


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


def expected_read(name):
    return 200 if name in READERS else 404


@pytest.mark.parametrize("name", EVERYONE)
@pytest.mark.parametrize("page", PROJECT_PAGES)
def test_who_reads_the_pages_of_a_project(client, everyone, project, name, page):
    client.force_login(everyone[name])
    response = client.get(reverse(f"programmes:{page}", args=[project.pk]))
    assert response.status_code == expected_read(name)
    if response.status_code == 200:
        assert response.context["project"] == project
        assert response.context["can_edit"] == (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_open_the_edit_page_of_a_project(client, everyone, project, name):
    client.force_login(everyone[name])
    response = client.get(reverse("programmes:project_update", args=[project.pk]))
    assert response.status_code == (200 if name in STAFF else 403 if name in READERS else 404)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_record_a_gate_decision(client, everyone, project, name):
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:project_gate", args=[project.pk]), {
        "decision": "hold", "reason": "En attente du financement.", "decided_on": "2024-01-10"})
    assert response.status_code == (302 if name in STAFF else 403 if name in READERS else 404)
    project.refresh_from_db()
    assert (project.status == ScalingProject.Status.ON_HOLD) == (name in STAFF)
    assert StageEvent.objects.filter(project=project).exists() == (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_reopen_a_stage(client, everyone, project, name):
    project.stage = ScalingProject._meta.get_field("stage").choices[2][0]
    project.save()
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:project_reopen", args=[project.pk]), {
        "stage": "feasibility", "reason": "L'étude doit être complétée.",
        "decided_on": "2024-01-10"})
    assert response.status_code == (302 if name in STAFF else 403 if name in READERS else 404)
    project.refresh_from_db()
    assert (project.stage == "feasibility") == (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
@pytest.mark.parametrize("page", ["project_gate", "project_reopen"])
def test_decision_urls_lead_readers_back_to_the_project(client, everyone, project, name, page):
    client.force_login(everyone[name])
    response = client.get(reverse(f"programmes:{page}", args=[project.pk]))
    assert response.status_code == (302 if name in READERS else 404)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_change_the_schedule(client, everyone, project, name):
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:project_schedule", args=[project.pk]), {
        "planned_start_feasibility": "2018-07-01", "planned_end_feasibility": "2018-10-31"})
    assert response.status_code == (302 if name in STAFF else 403 if name in READERS else 404)
    plan = project.stage_plans.filter(stage="feasibility").first()
    assert (plan is not None and plan.planned_start is not None) == (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_score_the_assessment(client, everyone, project, name):
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:feasibility", args=[project.pk]), {
        "score_impact_shown": "3", "evidence_impact_shown": "Évaluation externe.",
        "recommendation": "undecided"})
    assert response.status_code == (302 if name in STAFF else 403 if name in READERS else 404)
    assert hasattr(ScalingProject.objects.get(pk=project.pk), "assessment") == (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_staff_change_the_strategy(client, everyone, project, name):
    client.force_login(everyone[name])
    response = client.post(reverse("programmes:strategy", args=[project.pk]), {
        "part": "strategy", "balance": "2", "use_scale_up": "on", "subtype_scale_up": "flexible"})
    assert response.status_code == (302 if name in STAFF else 403 if name in READERS else 404)
    project = ScalingProject.objects.get(pk=project.pk)
    assert (hasattr(project, "strategy") and project.strategy.models.exists()) == (name in STAFF)


def test_readers_see_no_form(client, fanny, project):
    client.force_login(fanny)
    response = client.get(reverse("programmes:project_detail", args=[project.pk]))
    assert response.context["gate_form"] is None
    assert response.context["reopen_form"] is None
    assert b'action="%s"' % reverse("programmes:project_gate", args=[project.pk]).encode() \
        not in response.content


def test_the_pages_need_sign_in(client, project):
    for page in PROJECT_PAGES + ["project_update"]:
        response = client.get(reverse(f"programmes:{page}", args=[project.pk]))
        assert response.status_code == 302


def test_only_held_or_started_steering_meetings_are_offered(client, alice, project):
    from datetime import timedelta

    from django.utils import timezone

    from programmes.models import GovernanceBody, Meeting

    from ..factories import GovernanceBodyFactory, MeetingFactory

    committee = GovernanceBodyFactory(project=project)
    past = timezone.now() - timedelta(days=7)
    held = MeetingFactory(body=committee, starts_at=past, status=Meeting.Status.HELD)
    MeetingFactory(body=committee)  # planned, two weeks ahead
    MeetingFactory(body=committee, starts_at=past, status=Meeting.Status.CANCELLED)
    MeetingFactory(body=GovernanceBodyFactory(project=project,
                                              kind=GovernanceBody.Kind.TECHNICAL),
                   starts_at=past)
    client.force_login(alice)
    form = client.get(reverse("programmes:project_detail", args=[project.pk])).context[
        "gate_form"]
    assert list(form.fields["meeting"].queryset) == [held]
    response = client.post(reverse("programmes:project_gate", args=[project.pk]), {
        "decision": "go", "reason": "Validé en COPIL.", "meeting": held.pk,
        "decided_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert project.stage_events.get().meeting == held


def test_a_refused_go_says_what_is_missing_next_to_the_form(client, alice, project):
    project.stage = "feasibility"
    project.save()
    client.force_login(alice)
    response = client.post(reverse("programmes:project_gate", args=[project.pk]), {
        "decision": "go", "reason": "On y va.", "decided_on": "2024-01-10"})
    assert response.status_code == 200
    errors = response.context["gate_form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["unmet_checks"]
    assert not StageEvent.objects.exists()


def test_a_go_from_the_last_stage_is_refused_with_a_code(client, alice, project):
    project.stage = "evaluation"
    project.save()
    client.force_login(alice)
    response = client.post(reverse("programmes:project_gate", args=[project.pk]), {
        "decision": "go", "reason": "Fin.", "decided_on": "2024-01-10"})
    assert response.status_code == 200
    assert response.context["gate_form"].non_field_errors().as_data()[0].code == \
        "invalid_transition"


@pytest.mark.parametrize("count", [3, 30])
def test_project_page_query_count_does_not_grow(client, alice, project, count,
                                                django_assert_max_num_queries):
    from ..factories import AdopterSiteFactory, MeetingFactory

    for index in range(count):
        StageEvent.objects.create(project=project, kind="hold", from_stage="identification",
                                  to_stage="identification", reason=f"Motif {index}",
                                  author=alice, meeting=MeetingFactory(body__project=project),
                                  checklist=[{"code": "innovation_published", "met": True}])
        AdopterSiteFactory(project=project, status=["selected", "trained"][index % 2])
    client.force_login(alice)
    # session, user, project, staff check, checklist, history, key figures (3), schedule,
    # the gate and reopen forms' meetings (2); the project report's panel: who may read it,
    # its history (and its content type, the first time), who may ask for it
    with django_assert_max_num_queries(17):
        response = client.get(reverse("programmes:project_detail", args=[project.pk]))
    assert len(response.context["history"]) == count
