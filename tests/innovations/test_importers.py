"""Importing innovation records: drafts created through the record's services, updates only
by who may edit the record."""

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from essaimage.imports.services import confirm_import
from essaimage.models import ImportJob
from innovations.models import Innovation
from tests.essaimage.imports_helpers import analysed, csv_bytes, errors_of
from tests.factories import InnovationFactory, StructureFactory

pytestmark = pytest.mark.django_db

HEADER = ["Référence externe", "SIRET porteur", "Référence porteur", "Titre", "Résumé",
          "Innovation publique", "Niveau de preuve", "Bénéficiaires par an"]
SIRET = "82012345600015"


@pytest.fixture
def owner(db):
    return StructureFactory(siret=SIRET, name="TAPAJ France")


def run(user, rows, capture):
    return analysed("innovations", user, "innovations.csv", csv_bytes([HEADER, *rows]), capture)


def test_records_are_created_as_drafts_with_a_version(alice, programme, owner,
                                                      django_capture_on_commit_callbacks):
    job = run(alice, [["INNO-1", SIRET, "", "TAPAJ", "Travail payé à la journée", "non",
                       "Suivi interne", "120"]], django_capture_on_commit_callbacks)
    assert (job.to_create, job.error_count) == (1, 0), job.report
    assert not Innovation.objects.filter(owner=owner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job, by=alice)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.DONE
    innovation = Innovation.objects.get(owner=owner)
    assert (innovation.external_ref, innovation.status) == ("INNO-1", Innovation.Status.DRAFT)
    assert innovation.evidence_level == Innovation.EvidenceLevel.INTERNAL_MONITORING
    assert innovation.beneficiaries_per_year == 120
    assert innovation.revisions.count() == 1


def test_bad_rows_and_records_staff_may_not_edit_are_reported(
        alice, programme, owner, django_capture_on_commit_callbacks):
    InnovationFactory(owner=owner, external_ref="INNO-9", title="Existante")
    job = run(alice, [
        ["INNO-9", SIRET, "", "Nouveau titre", "Résumé", "", "", ""],
        ["INNO-2", "", "", "Sans porteur", "Résumé", "", "", ""],
        ["INNO-3", "", "INCONNU", "Porteur inconnu", "Résumé", "", "", ""],
        ["INNO-4", SIRET, "", "Mauvais", "Résumé", "peut-être", "Légende", "-3"],
        ["INNO-5", SIRET, "", "Une", "Résumé", "", "", ""],
        ["INNO-5", SIRET, "", "Deux", "Résumé", "", "", ""],
    ], django_capture_on_commit_callbacks)

    assert [(row, column) for row, column, _reason in errors_of(job)] == [
        (2, "Référence externe"), (3, "SIRET porteur"), (4, "SIRET porteur"),
        (5, "Bénéficiaires par an"), (5, "Innovation publique"), (5, "Niveau de preuve"),
        (7, "Référence externe")]
    with translation.override("fr"):  # the reasons are in the author's language
        assert errors_of(job)[0][2] == _("Only the innovator's members may change this record.")
    assert Innovation.objects.get(external_ref="INNO-9").title == "Existante"


def test_admins_update_known_records(admin_user, owner, django_capture_on_commit_callbacks):
    innovation = InnovationFactory(owner=owner, external_ref="INNO-9", title="Ancien")
    job = run(admin_user, [["INNO-9", SIRET, "", "Nouveau", "Résumé revu", "oui", "", ""]],
              django_capture_on_commit_callbacks)
    assert job.to_update == 1

    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job, by=admin_user)

    innovation.refresh_from_db()
    assert (innovation.title, innovation.is_public_innovation) == ("Nouveau", True)
