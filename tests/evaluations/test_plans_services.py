"""The evaluation plan's services, with their bad inputs."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations.models import EvaluationPhase
from evaluations.selectors.plans import phase_list_label
from evaluations.services import plans as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def phase(project):
    return services.create_plan(project).phases.get(number=1)


def error_codes(excinfo, field):
    return [error.code for error in excinfo.value.error_dict[field]]


def test_a_plan_comes_with_its_three_phases_once(project, alice):
    plan = services.create_plan(project, by=alice)
    again = services.create_plan(project, by=alice)

    assert again.pk == plan.pk
    assert [(p.number, p.status) for p in plan.phases.order_by("number")] == [
        (1, "planned"), (2, "planned"), (3, "planned")]


def test_a_plan_missing_a_phase_gets_it_back(project):
    plan = services.create_plan(project)
    plan.phases.filter(number=2).delete()
    services.create_plan(project)
    assert sorted(plan.phases.values_list("number", flat=True)) == [1, 2, 3]


def test_update_phase_keeps_methods_in_the_order_of_the_choices(phase):
    services.update_phase(phase, methods=["peer_assessment", "qualitative", "qualitative"],
                          questions="  Qui s'approprie le modèle ?  ")
    phase.refresh_from_db()
    assert phase.methods == ["qualitative", "peer_assessment"]
    assert phase.questions == "Qui s'approprie le modèle ?"


def test_a_phase_cannot_end_before_it_starts(phase):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(phase, starts_on=date(2025, 6, 1), ends_on=date(2025, 5, 31))
    assert error_codes(excinfo, "ends_on") == ["ends_before_start"]
    phase.refresh_from_db()
    assert phase.starts_on is None


def test_an_unknown_method_is_refused(phase):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(phase, methods=["qualitative", "horoscope"])
    assert error_codes(excinfo, "methods") == ["unknown_method"]
    assert "horoscope" in excinfo.value.error_dict["methods"][0].message


def test_a_phase_is_not_completed_without_its_conclusion(phase):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(phase, status=EvaluationPhase.Status.COMPLETED, conclusion=" ")
    assert error_codes(excinfo, "conclusion") == ["conclusion_required"]

    services.update_phase(phase, status=EvaluationPhase.Status.COMPLETED,
                          conclusion="Appropriation réussie sur 3 sites sur 4.")
    phase.refresh_from_db()
    assert phase.status == EvaluationPhase.Status.COMPLETED


def test_an_unknown_status_is_refused(phase):
    with pytest.raises(ValidationError) as excinfo:
        services.update_phase(phase, status="abandoned")
    assert error_codes(excinfo, "status") == ["unknown_status"]


def test_update_phase_refuses_fields_it_does_not_own(phase):
    with pytest.raises(TypeError):
        services.update_phase(phase, plan=None)


@pytest.mark.parametrize("name", ["rapport.pdf", "rapport.docx", "tableau.xlsx", "note.odt"])
def test_reports_of_the_accepted_types_are_attached(_private_media, phase, alice, name):
    body = b"%PDF-1.4 x" if name.endswith(".pdf") else b"PK\x03\x04 zip"
    report = services.upload_phase_report(phase, by=alice, title="",
                                          file=SimpleUploadedFile(name, body))
    assert report.title == name.rsplit(".", 1)[0]
    assert report.uploaded_by == alice


@pytest.mark.parametrize(("name", "body", "code"), [
    ("image.png", b"\x89PNG\r\n\x1a\n", "file_type"),
    ("notes.txt", b"du texte", "file_type"),
    ("script", b"#!/bin/sh", "file_type"),
    ("faux.docx", b"%PDF-1.4", "file_content"),
])
def test_reports_of_a_forbidden_type_are_refused(_private_media, phase, alice, name, body,
                                                 code):
    with pytest.raises(ValidationError) as excinfo:
        services.upload_phase_report(phase, by=alice, title="X",
                                     file=SimpleUploadedFile(name, body))
    assert error_codes(excinfo, "file") == [code]
    assert not phase.reports.exists()


def test_a_report_too_heavy_is_refused(_private_media, phase, alice, monkeypatch):
    monkeypatch.setattr(services, "REPORT_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as excinfo:
        services.upload_phase_report(phase, by=alice, title="X", file=SimpleUploadedFile(
            "gros.pdf", b"%PDF-1.4" + b"0" * 200))
    assert error_codes(excinfo, "file") == ["file_size"]


def test_removing_a_report_removes_its_file(_private_media, phase, alice,
                                            django_capture_on_commit_callbacks):
    report = services.upload_phase_report(phase, by=alice, title="X",
                                          file=SimpleUploadedFile("r.pdf", b"%PDF-1.4"))
    storage, name = report.file.storage, report.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_phase_report(report, by=alice)
    assert not phase.reports.exists()
    assert not storage.exists(name)


def test_phase_labels_read_like_the_seed():
    assert phase_list_label([3]) in ("Phase 3",)
    assert phase_list_label([2, 3]) in ("Phases 2 and 3", "Phases 2 et 3")
    assert phase_list_label([1, 2, 3]) in ("Phases 1, 2 and 3", "Phases 1, 2 et 3")
