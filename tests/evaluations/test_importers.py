"""Importing indicator values: through the entry form's checks, saved as drafts."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from essaimage.imports.services import confirm_import
from essaimage.models import ImportJob
from evaluations.models import IndicatorValue, SiteReport
from tests.essaimage.imports_helpers import analysed, csv_bytes, errors_of, in_french
from tests.factories import (
    IndicatorFactory,
    PercentageIndicatorFactory,
    ReportingPeriodFactory,
    SiteReportFactory,
)

pytestmark = pytest.mark.django_db

LOCKED = datetime(2025, 8, 1, tzinfo=UTC)
HEADER = ["Site", "Code indicateur", "Période", "Début de période", "Valeur", "Numérateur",
          "Dénominateur", "Commentaire"]


@pytest.fixture
def setup(project, bob_site, carol_site):
    bob_site.external_ref = "SITE-BOB"
    bob_site.save(update_fields=["external_ref"])
    return {
        "count": IndicatorFactory(project=project, code="BEN"),
        "rate": PercentageIndicatorFactory(project=project, code="TAUX"),
        "q1": ReportingPeriodFactory(project=project),
        "q2": ReportingPeriodFactory(project=project, starts_on=date(2025, 4, 1),
                                     ends_on=date(2025, 6, 30), due_on=date(2025, 7, 31),
                                     label="T2 2025"),
    }


def run(user, rows, capture):
    return analysed("indicator_values", user, "valeurs.csv", csv_bytes([HEADER, *rows]),
                    capture)


def test_values_are_imported_as_drafts(alice, setup, bob_site, carol_site,
                                       django_capture_on_commit_callbacks):
    job = run(alice, [["SITE-BOB", "BEN", "T1 2025", "", "12,5", "", "", "Bien"],
                      [str(carol_site.pk), "BEN", "", "01/04/2025", "1 234", "", "", ""],
                      ["SITE-BOB", "TAUX", "t1 2025", "", "", "3", "4", ""]],
              django_capture_on_commit_callbacks)
    assert (job.to_create, job.error_count) == (3, 0), job.report
    assert not IndicatorValue.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job, by=alice)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.DONE
    value = IndicatorValue.objects.get(report__site=bob_site, indicator=setup["count"])
    assert value.value == Decimal("12.5")
    assert value.status == IndicatorValue.Status.DRAFT
    assert value.narrative == "Bien"
    assert IndicatorValue.objects.get(report__site=carol_site).value == Decimal("1234")
    rate = IndicatorValue.objects.get(indicator=setup["rate"])
    assert (rate.numerator, rate.denominator) == (Decimal(3), Decimal(4))


def test_bad_values_are_reported_row_by_row(alice, setup, bob_site,
                                            django_capture_on_commit_callbacks):
    SiteReportFactory(site=bob_site, period=setup["q2"], status=SiteReport.Status.VALIDATED,
                      validated_at=LOCKED, locked_at=LOCKED)
    job = run(alice, [
        ["SITE-BOB", "BEN", "T1 2025", "", "douze", "", "", ""],
        ["SITE-BOB", "INCONNU", "T1 2025", "", "1", "", "", ""],
        ["999999", "BEN", "T1 2025", "", "1", "", "", ""],
        ["SITE-BOB", "TAUX", "T1 2025", "", "", "5", "4", ""],
        ["SITE-BOB", "BEN", "T2 2025", "", "1", "", "", ""],
        ["SITE-BOB", "BEN", "T3 2030", "", "1", "", "", ""],
        ["SITE-BOB", "BEN", "", "31/12/2025", "=1+1", "", "", ""],
        ["SITE-BOB", "TAUX", "T1 2025", "", "", "1", "4", ""],
        ["SITE-BOB", "TAUX", "T1 2025", "", "", "2", "4", ""],
    ], django_capture_on_commit_callbacks)

    reasons = errors_of(job)
    rows = [(row, column) for row, column, _reason in reasons]
    assert rows == [(2, "Valeur"), (3, "Code indicateur"), (4, "Site"), (5, "Numérateur"),
                    (6, "Période"), (7, "Période"), (8, "Valeur"), (10, "Code indicateur")]
    assert reasons[0][2] == in_french("“%(value)s” is not a number (write 1234,5 or 1 234,5).",
                                      value="douze")
    assert reasons[7][2] == in_french("Row %(row)d gives this value already.", row=9)
    assert job.to_create == 1
    assert not IndicatorValue.objects.exists()
