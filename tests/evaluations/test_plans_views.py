"""The evaluation plan's pages: who reaches them, what staff do there, the programme's view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.models import EvaluationPhase, EvaluationPlan, PhaseReport
from evaluations.services.plans import create_plan, update_phase

from ..factories import AdopterSiteFactory, ScalingProjectFactory

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
STAFF_ONLY = {"alice": 200, "admin": 200, "fanny": 403, "camille": 403, "paul": 403,
              "bob": 404, "carol": 404, "remi": 404, "oscar": 404}


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(project):
    return create_plan(project)


@pytest.fixture
def phase(plan):
    return plan.phases.get(number=1)


@pytest.fixture
def report(_private_media, phase, alice):
    return PhaseReport.objects.create(phase=phase, title="Rapport intermédiaire",
                                      uploaded_by=alice,
                                      file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))


def pdf(name="rapport.pdf", body=b"%PDF-1.4 contenu"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_the_plan_is_for_the_readers_of_the_project(client, pipeline_cast, project, plan, who,
                                                    expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:plan", args=[project.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["plan"] == plan
        assert response.context["can_manage"] is (who in ("alice", "admin"))


def test_the_innovator_reads_the_plan(client, ines, project, plan):
    client.force_login(ines)
    assert client.get(reverse("evaluations:plan", args=[project.pk])).status_code == 200


def test_the_plan_page_shows_the_three_phases_and_the_evaluation_tab(client, alice, project,
                                                                    plan):
    phase = plan.phases.get(number=2)
    update_phase(phase, status=EvaluationPhase.Status.IN_PROGRESS, evaluator="Cabinet Pluricité",
                 methods=["comparison_group", "quantitative"], questions="Les sorties en emploi "
                 "sont-elles plus nombreuses ?")
    client.force_login(alice)
    response = client.get(reverse("evaluations:plan", args=[project.pk]))
    content = response.content.decode()
    for number in (1, 2, 3):
        assert f'id="phase-{number}"' in content
    assert "Cabinet Pluricité" in content
    assert reverse("evaluations:plan", args=[project.pk]) in content
    assert 'aria-current="page">' in content
    assert reverse("evaluations:fidelity", args=[project.pk]) in content


def test_the_project_tabs_link_to_the_evaluation(client, alice, project):
    client.force_login(alice)
    response = client.get(reverse("programmes:project_detail", args=[project.pk]))
    assert reverse("evaluations:plan", args=[project.pk]) in response.content.decode()


def test_a_project_without_plan_offers_staff_to_create_it(client, alice, fanny, project):
    client.force_login(alice)
    response = client.get(reverse("evaluations:plan", args=[project.pk]))
    assert response.context["plan"] is None
    assert b'name="create_plan"' in response.content
    client.force_login(fanny)
    response = client.get(reverse("evaluations:plan", args=[project.pk]))
    assert b'name="create_plan"' not in response.content


# --- Creating the plan -----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), {**STAFF_ONLY, "alice": 302, "admin": 302}.items())
def test_only_staff_create_the_plan(client, pipeline_cast, project, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("evaluations:plan", args=[project.pk]))
    assert response.status_code == expected
    created = EvaluationPlan.objects.filter(project=project).exists()
    assert created is (expected == 302)
    if created:
        assert list(project.evaluation_plan.phases.values_list("number", flat=True)) == [1, 2, 3]


# --- Editing a phase -------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_only_staff_edit_a_phase(client, pipeline_cast, phase, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("evaluations:phase_update", args=[phase.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"status": "in_progress", "evaluator": "X"})
    assert response.status_code == (302 if expected == 200 else expected)
    phase.refresh_from_db()
    assert (phase.status == "in_progress") is (expected == 200)


def test_staff_save_a_phase(client, alice, phase):
    client.force_login(alice)
    response = client.post(reverse("evaluations:phase_update", args=[phase.pk]), {
        "questions": "Le dispositif est-il approprié ?", "methods": ["qualitative",
                                                                    "self_assessment"],
        "evaluator": "Équipe Ansa", "starts_on": "2025-01-06", "ends_on": "2025-06-30",
        "status": "completed", "findings": "Bonne appropriation.",
        "conclusion": "Passer à la phase 2.",
    })
    assert response.status_code == 302
    assert response.url.endswith("#phase-1")
    phase.refresh_from_db()
    assert phase.status == "completed"
    assert phase.methods == ["qualitative", "self_assessment"]
    assert phase.conclusion == "Passer à la phase 2."


@pytest.mark.parametrize(("data", "field", "code_text"), [
    ({"status": "planned", "starts_on": "2025-06-01", "ends_on": "2025-05-01"}, "ends_on",
     "before"),
    ({"status": "completed", "conclusion": "  "}, "conclusion", "conclusion"),
    ({"status": "planned", "methods": ["astrology"]}, "methods", ""),
])
def test_a_bad_phase_is_refused_next_to_its_field_keeping_the_input(client, alice, phase, data,
                                                                    field, code_text):
    client.force_login(alice)
    data = {"evaluator": "Gardé tel quel", **data}
    response = client.post(reverse("evaluations:phase_update", args=[phase.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert form["evaluator"].value() == "Gardé tel quel"
    phase.refresh_from_db()
    assert phase.status == "planned" and phase.evaluator == ""


# --- Reports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), {**STAFF_ONLY, "alice": 302, "admin": 302}.items())
def test_only_staff_upload_a_report(client, pipeline_cast, _private_media, phase, who,
                                    expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("evaluations:report_upload", args=[phase.pk]),
                           {"title": "Note d'étape", "file": pdf()})
    assert response.status_code == expected
    assert phase.reports.exists() is (expected == 302)


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n...."), "png"),
    (SimpleUploadedFile("faux.pdf", b"ceci n'est pas un pdf"), "pdf"),
])
def test_a_report_of_a_forbidden_type_is_refused(client, alice, _private_media, phase, upload,
                                                 message):
    client.force_login(alice)
    response = client.post(reverse("evaluations:report_upload", args=[phase.pk]),
                           {"title": "Gardé", "file": upload})
    assert response.status_code == 200
    assert "file" in response.context["report_form"].errors
    assert response.context["report_form"]["title"].value() == "Gardé"
    assert not phase.reports.exists()


def test_a_report_too_heavy_is_refused(client, alice, _private_media, phase, settings,
                                       monkeypatch):
    monkeypatch.setattr("evaluations.services.plans.REPORT_MAX_BYTES", 20)
    client.force_login(alice)
    response = client.post(reverse("evaluations:report_upload", args=[phase.pk]),
                           {"file": pdf(body=b"%PDF-1.4 " + b"0" * 50)})
    assert "file" in response.context["report_form"].errors
    assert not phase.reports.exists()


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_reports_are_downloaded_by_the_readers_of_the_project(client, pipeline_cast, report,
                                                              who, expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:report_download", args=[report.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 rapport"
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(("who", "expected"), {**STAFF_ONLY, "alice": 302, "admin": 302}.items())
def test_only_staff_remove_a_report(client, pipeline_cast, report, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("evaluations:report_delete", args=[report.pk]))
    assert response.status_code == expected
    assert PhaseReport.objects.filter(pk=report.pk).exists() is (expected != 302)


def test_the_plan_page_links_the_reports(client, fanny, project, report):
    client.force_login(fanny)
    response = client.get(reverse("evaluations:plan", args=[project.pk]))
    assert reverse("evaluations:report_download", args=[report.pk]) in response.content.decode()


# --- The programme's phases ------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), {**READERS, "camille": 404, "paul": 404}.items())
def test_the_programme_phases_are_for_who_sees_the_programme(client, pipeline_cast, programme,
                                                             plan, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("evaluations:programme_phases", args=[programme.pk]))
    assert response.status_code == expected


def _in_phases(project, *numbers):
    plan = create_plan(project)
    for phase in plan.phases.filter(number__in=numbers):
        update_phase(phase, status=EvaluationPhase.Status.IN_PROGRESS)


def test_the_programme_groups_projects_by_their_current_phases(client, alice, programme):
    for title, numbers in (("VITA Air", (3,)), ("Parcours Gardien", (2, 3)), ("TAPAJ", (1,)),
                           ("SOLENI", (1,))):
        _in_phases(ScalingProjectFactory(programme=programme, title=title), *numbers)
    ScalingProjectFactory(programme=programme, title="Sans plan")
    client.force_login(alice)
    response = client.get(reverse("evaluations:programme_phases", args=[programme.pk]))
    groups = [(str(g.label), [title for _pk, title in g.projects])
              for g in response.context["groups"]]
    assert [titles for _label, titles in groups] == [["VITA Air"], ["Parcours Gardien"],
                                                     ["SOLENI", "TAPAJ"]]
    assert [g.numbers for g in response.context["groups"]] == [(3,), (2, 3), (1,)]
    rows = {project.title: phases for project, phases in response.context["rows"]}
    assert rows["Sans plan"] == [None, None, None]
    assert [phase.status for phase in rows["Parcours Gardien"]] == [
        "planned", "in_progress", "in_progress"]


def test_the_programme_phases_query_count_does_not_grow(client, alice, programme,
                                                        django_assert_max_num_queries):
    def page_queries():
        client.force_login(alice)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("evaluations:programme_phases",
                                      args=[programme.pk])).status_code == 200
        return len(captured)

    for _n in range(2):
        _in_phases(ScalingProjectFactory(programme=programme), 1)
    few = page_queries()
    for _n in range(12):
        project = ScalingProjectFactory(programme=programme)
        _in_phases(project, 1, 2)
        AdopterSiteFactory(project=project)
    assert page_queries() == few
    # session, user, programme, is it visible, count, projects with plans, their phases,
    # the current phases, staff check
    with django_assert_max_num_queries(10):
        client.get(reverse("evaluations:programme_phases", args=[programme.pk]))


def test_the_programme_page_links_to_its_evaluation_phases(client, alice, programme):
    client.force_login(alice)
    response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    url = reverse("evaluations:programme_phases", args=[programme.pk])
    assert f'href="{url}"' in response.content.decode()


def test_a_project_page_offers_the_evaluation_tab(client, alice, project):
    client.force_login(alice)
    response = client.get(reverse("programmes:project_detail", args=[project.pk]))
    url = reverse("evaluations:plan", args=[project.pk])
    assert f'href="{url}"' in response.content.decode()
