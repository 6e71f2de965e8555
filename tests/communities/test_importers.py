"""Importing structures: matching by SIRET, RNA or reference, French cells, bad inputs, all
or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.models import Structure
from essaimage.imports.services import confirm_import
from essaimage.models import ImportJob
from tests.essaimage.imports_helpers import (
    STRUCTURE_HEADER,
    analysed,
    csv_bytes,
    errors_of,
    in_french,
    xlsx_bytes,
)
from tests.factories import StructureFactory, department

SIRET_A = "82012345600015"
SIRET_B = "41816609600069"
SIRET_C = "30212345600022"

pytestmark = pytest.mark.django_db

# The model's validators speak the platform's language (French) in the worker.
CHECKSUM = str(_("This SIRET fails its checksum: check for a mistyped digit."))
POSTAL_CODE = str(_("A postal code has 5 digits."))
FORMULA = "This cell holds a formula: type its value instead."
MISSING = "The required column “%(header)s” is missing from the header."


@pytest.fixture
def staff(alice, programme):
    return alice


def run(staff, rows, capture, *, name="structures.csv", data=None, **options):
    data = data if data is not None else csv_bytes([STRUCTURE_HEADER, *rows], **options)
    return analysed("structures", staff, name, data, capture)


def confirm(job, staff, capture):
    with capture(execute=True):
        confirm_import(job, by=staff)
    job.refresh_from_db()
    return job


def test_a_clean_file_previews_then_imports_everything(staff,
                                                       django_capture_on_commit_callbacks):
    before = Structure.objects.count()
    job = run(staff, [[SIRET_A, "", "R-1", "Essor Emploi Eure", "Association", "27000",
                       "Évreux", ""],
                      ["", "W271234567", "", "Économie Solidaire 27", "association", "",
                       "Évreux", "27"]], django_capture_on_commit_callbacks, bom=True)

    assert job.status == ImportJob.Status.PREVIEW_READY
    assert (job.to_create, job.to_update, job.error_count) == (2, 0, 0)
    assert Structure.objects.count() == before  # a preview writes nothing

    job = confirm(job, staff, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE
    created = Structure.objects.get(siret=SIRET_A)
    assert created.city == "Évreux"
    assert created.department == department("27")  # from the postal code
    assert created.region_id == department("27").parent_id
    assert created.search_text == "essor emploi eure  evreux 82012345600015 "
    assert created.history.count() == 1
    assert Structure.objects.get(rna="W271234567").department == department("27")


def test_windows_1252_and_commas_are_read(staff, django_capture_on_commit_callbacks):
    job = run(staff, [[SIRET_A, "", "", "Économie Évreux", "Association", "27000", "Évreux",
                       "27"]], django_capture_on_commit_callbacks, encoding="cp1252",
              delimiter=",")

    assert job.error_count == 0
    assert job.report["create"] == [{"row": 2, "label": "Économie Évreux"}]


def test_known_structures_are_matched_by_siret_then_rna_then_reference(
        staff, django_capture_on_commit_callbacks):
    by_siret = StructureFactory(siret=SIRET_A, name="Ancien nom")
    by_rna = StructureFactory(rna="W581234567", name="Asso")
    by_ref = StructureFactory(external_ref="CRM-9", name="Réf", city="Nevers")
    job = run(staff, [[SIRET_A, "", "", "Nouveau nom", "Association", "", "", ""],
                      ["", "W581234567", "", "Asso renommée", "Association", "", "", ""],
                      ["", "", "CRM-9", "Réf", "Entreprise", "", "", ""]],
              django_capture_on_commit_callbacks)

    assert (job.to_create, job.to_update) == (0, 3)
    confirm(job, staff, django_capture_on_commit_callbacks)

    by_siret.refresh_from_db()
    by_rna.refresh_from_db()
    by_ref.refresh_from_db()
    assert by_siret.name == "Nouveau nom"
    assert by_rna.name == "Asso renommée"
    assert by_ref.kind == Structure.Kind.COMPANY
    assert by_ref.city == "Nevers"  # a blank cell leaves the value
    assert by_siret.history.count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written(staff,
                                                          django_capture_on_commit_callbacks):
    StructureFactory(siret=SIRET_C, name="Une")
    StructureFactory(rna="W581234567", name="Autre")
    before = Structure.objects.count()
    job = run(staff, [
        [SIRET_A, "", "", "Bonne", "Association", "", "", "58"],
        ["", "", "", "", "Association", "", "", ""],  # no name
        ["12345678901234", "", "", "Mauvais SIRET", "Association", "", "", ""],
        ["", "", "", "Département inconnu", "Association", "", "", "99"],
        ["", "", "", "Type inconnu", "Coopérative lunaire", "", "", ""],
        [SIRET_A, "", "", "Doublon", "Association", "", "", ""],
        ["", "", "", "", "", "", "", ""],  # blank line: skipped
        ["", "", "", "=HYPERLINK(\"http://x\")", "Association", "", "", ""],
        ["", "", "", "Calcul", "Association", "=1+1", "", ""],
        [SIRET_C, "W581234567", "", "Conflit", "Association", "", "", ""],
        ["", "", "", "Code postal", "Association", "580", "", ""],
    ], django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.PREVIEW_READY
    assert errors_of(job) == [
        (3, "Nom", in_french("This column must be filled in.")),
        (4, "SIRET", CHECKSUM),
        (5, "Département", in_french("Unknown département code “%(code)s” (write its INSEE "
                                     "code, e.g. 58, 2A or 974).", code="99")),
        (6, "Type", in_french("Not one of the allowed values (see the template's second "
                              "sheet).")),
        (7, "SIRET", in_french("Row %(row)d has the same value: one structure per row.",
                               row=2)),
        (9, "Nom", in_french(FORMULA)),
        (10, "Code postal", in_french(FORMULA)),
        (11, "SIRET", in_french("%(columns)s designate different structures of the platform.",
                                columns="SIRET, RNA")),
        (12, "Code postal", POSTAL_CODE),
    ]
    assert job.report["skipped_blank"] == 1
    assert job.report["errors"][1]["value"] == "12345678901234"
    with pytest.raises(ValidationError) as refused:
        confirm_import(job, by=staff)
    assert refused.value.code == "has_errors"
    assert Structure.objects.count() == before


def test_a_png_renamed_csv_fails_with_a_reason(staff, django_capture_on_commit_callbacks):
    job = run(staff, [], django_capture_on_commit_callbacks,
              data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))

    assert job.status == ImportJob.Status.FAILED
    assert job.error == in_french("This file is not a spreadsheet: save it as CSV or XLSX and "
                                  "try again.")


def test_missing_and_unknown_headers_are_reported_on_line_one(
        staff, django_capture_on_commit_callbacks):
    job = run(staff, [], django_capture_on_commit_callbacks,
              data=csv_bytes([["siret", "Couleur"], [SIRET_A, "bleu"]]))

    assert errors_of(job) == [
        (1, "", in_french("Unknown column “%(header)s”: use the template's headers.",
                          header="Couleur")),
        (1, "Nom", in_french(MISSING, header="Nom")),
        (1, "Type", in_french(MISSING, header="Type")),
    ]
    assert job.to_create == 0


def test_headers_match_whatever_their_case_and_accents(staff,
                                                       django_capture_on_commit_callbacks):
    job = run(staff, [], django_capture_on_commit_callbacks,
              data=csv_bytes([["NOM", "type", "REFERENCE EXTERNE", "departement"],
                              ["Le Fil", "Association", "X-1", "2a"]]))

    assert job.error_count == 0
    assert job.to_create == 1


def test_xlsx_numbers_keep_their_leading_zeros_and_text_formulas_are_refused(
        staff, django_capture_on_commit_callbacks):
    data = xlsx_bytes([STRUCTURE_HEADER,
                       [int(SIRET_A), None, None, "Ain Solidaire", "Association", 1000,
                        "Bourg", 1],
                       [None, None, None, "=1+1", "Association", None, None, None]],
                      text_cells=[(3, 4)])

    job = run(staff, [], django_capture_on_commit_callbacks, name="s.xlsx", data=data)

    assert errors_of(job) == [(3, "Nom", in_french(FORMULA))]
    assert job.to_create == 1


def test_confirming_twice_imports_once(staff, django_capture_on_commit_callbacks):
    job = run(staff, [[SIRET_A, "", "", "Une fois", "Association", "", "", ""]],
              django_capture_on_commit_callbacks)

    confirm(job, staff, django_capture_on_commit_callbacks)
    assert confirm_import(job, by=staff) is False

    assert Structure.objects.filter(siret=SIRET_A).count() == 1


def test_an_import_that_meets_new_data_writes_nothing(staff,
                                                      django_capture_on_commit_callbacks):
    job = run(staff, [[SIRET_A, "", "", "Nouvelle", "Association", "", "", ""],
                      ["", "W581234567", "", "Autre", "Association", "", "", ""]],
              django_capture_on_commit_callbacks)
    # Between preview and confirmation, someone registers a structure with the same RNA and
    # another one with the SIRET: the file now designates two different structures.
    StructureFactory(rna="W581234567", name="Déjà là", siret=SIRET_B)
    StructureFactory(siret=SIRET_A, external_ref="", name="Arrivée")
    before = Structure.objects.count()

    job = confirm(job, staff, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE or job.status == ImportJob.Status.FAILED
    # Both rows now update existing structures: nothing is created.
    assert Structure.objects.count() == before


def test_a_failure_while_writing_rolls_everything_back(staff, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    from communities import importers

    job = run(staff, [[SIRET_A, "", "", "Une", "Association", "", "", ""],
                      [SIRET_B, "", "", "Deux", "Association", "", "", ""]],
              django_capture_on_commit_callbacks)
    before = Structure.objects.count()
    history_before = Structure.history.count()
    monkeypatch.setattr(importers, "BATCH", 1)
    calls = []

    def failing_bulk_update(*args, **kwargs):
        raise RuntimeError("disk full")

    original = importers.create_with_history

    def create_then_fail(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(importers, "create_with_history", create_then_fail)

    job = confirm(job, staff, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.FAILED
    assert job.error == "RuntimeError: disk full"
    assert Structure.objects.count() == before
    assert calls == [1, 1]  # the first row was written before the failure
    assert Structure.history.count() == history_before


def test_people_who_are_not_programme_staff_may_not_import_structures(
        bob, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(bob, [[SIRET_A, "", "", "Non", "Association", "", "", ""]],
            django_capture_on_commit_callbacks)
    assert not ImportJob.objects.exists()
