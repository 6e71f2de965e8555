"""Importing adopter sites into the projects one runs."""

import pytest

from essaimage.imports.services import confirm_import
from essaimage.models import ImportJob
from programmes.models import AdopterSite
from tests.essaimage.imports_helpers import analysed, csv_bytes, errors_of, in_french
from tests.factories import ScalingProjectFactory, StructureFactory, department

pytestmark = pytest.mark.django_db

HEADER = ["Référence externe", "Projet", "SIRET structure", "RNA structure",
          "Référence structure", "Département", "Nom du site", "Statut", "Date de début"]
SIRET = "82012345600015"


@pytest.fixture
def adopter(db):
    return StructureFactory(siret=SIRET, name="Essor Eure", department=department("27"))


def run(user, rows, capture):
    return analysed("sites", user, "sites.csv", csv_bytes([HEADER, *rows]), capture)


def test_sites_are_created_then_matched_by_reference(alice, project, adopter,
                                                     django_capture_on_commit_callbacks):
    job = run(alice, [["S-1", str(project.pk), SIRET, "", "", "", "Évreux", "", "01/03/2026"]],
              django_capture_on_commit_callbacks)
    assert (job.to_create, job.error_count) == (1, 0)
    assert not AdopterSite.objects.filter(structure=adopter).exists()  # preview only

    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job, by=alice)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.DONE
    site = AdopterSite.objects.get(structure=adopter)
    assert (site.external_ref, site.territory, site.name) == ("S-1", department("27"), "Évreux")
    assert str(site.start_date) == "2026-03-01"
    assert site.status == AdopterSite.Status.SELECTED
    assert job.report["result"]["url"] == project.get_absolute_url()

    again = run(alice, [["S-1", f"{project.pk} — {project.title}", SIRET, "", "", "", "Évreux 2",
                         "", ""]], django_capture_on_commit_callbacks)
    assert (again.to_create, again.to_update, again.error_count) == (0, 1, 0)


def test_bad_site_rows_are_reported(alice, project, adopter, bob_site,
                                    django_capture_on_commit_callbacks):
    other_project = ScalingProjectFactory()  # a programme alice does not staff
    before = AdopterSite.objects.count()
    job = run(alice, [
        ["", str(other_project.pk), SIRET, "", "", "", "", "", ""],
        ["", str(project.pk), "", "", "", "", "", "", ""],
        ["", str(project.pk), "", "", "INCONNUE", "", "", "", ""],
        ["", str(project.pk), SIRET, "", "", "99", "", "", ""],
        ["A", str(project.pk), SIRET, "", "", "", "", "", ""],
        ["B", str(project.pk), SIRET, "", "", "", "", "", ""],
        ["", str(project.pk), bob_site.structure.siret or "", "", "", "58", "", "Lancé", ""],
        ["", str(project.pk), SIRET, "", "", "", "", "", "32/01/2026"],
    ], django_capture_on_commit_callbacks)

    reasons = errors_of(job)
    assert reasons[0] == (2, "Projet", in_french("No project you run has this number."))
    assert reasons[1] == (3, "SIRET structure",
                          in_french("Give the structure's SIRET, RNA or reference."))
    assert reasons[2][:2] == (4, "SIRET structure")
    assert reasons[3][:2] == (5, "Département") and "99" in reasons[3][2]
    assert (7, "SIRET structure", in_french("Row %(row)d is the same site.", row=6)) in reasons
    assert any(row == 9 and column == "Date de début" for row, column, _ in reasons)
    assert AdopterSite.objects.count() == before


def test_only_staff_of_a_running_programme_may_import_sites(bob, fanny, oscar,
                                                            django_capture_on_commit_callbacks,
                                                            project):
    from django.core.exceptions import PermissionDenied

    for person in (bob, fanny, oscar):
        with pytest.raises(PermissionDenied):
            run(person, [], django_capture_on_commit_callbacks)
