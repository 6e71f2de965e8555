"""The export of indicator values: CSV for French Excel, XLSX with real numbers, only what
the user may see, and no formula smuggled in."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from evaluations.exports import headers
from evaluations.models import IndicatorValue, SiteReport

from ..factories import IndicatorFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

VALIDATED = IndicatorValue.Status.VALIDATED


@pytest.fixture
def values(project, bob_site, carol_site):
    quarter = ReportingPeriodFactory(project=project, label="T1 2025")
    people = IndicatorFactory(project=project, code="PERS", name="Personnes accompagnées")
    bob_report = SiteReport.objects.create(site=bob_site, period=quarter)
    carol_report = SiteReport.objects.create(site=carol_site, period=quarter)
    IndicatorValue.objects.create(report=bob_report, indicator=people, value=Decimal("12.5"),
                                  status=VALIDATED, narrative="=HYPERLINK(\"http://x\")")
    IndicatorValue.objects.create(report=carol_report, indicator=people, value=Decimal(1250),
                                  status=IndicatorValue.Status.RETURNED,
                                  review_comment="@Carol : vérifier le chiffre")
    return people


def export_url(project, fmt):
    return reverse("evaluations:values_export", args=[project.pk, fmt])


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_csv_has_french_headers_decimal_commas_and_dates(client, alice, project, values):
    client.force_login(alice)
    response = client.get(export_url(project, "csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers()
    by_site = {row[0]: row for row in rows[1:]}
    bob = by_site["Essor Emploi Nièvre"]
    assert bob[1] == "Nièvre (58)"
    assert bob[3:7] == ["PERS", "T1 2025", "01/01/2025", "31/03/2025"]
    assert bob[8] == "12,5"
    assert by_site["Atelier Le Fil"][8] == "1250"
    assert 'attachment; filename="valeurs-' in response["Content-Disposition"]


def test_formulas_typed_by_people_are_neutralised(client, alice, project, values):
    client.force_login(alice)
    rows = read_csv(client.get(export_url(project, "csv")))
    by_site = {row[0]: row for row in rows[1:]}

    assert by_site["Essor Emploi Nièvre"][14] == "'=HYPERLINK(\"http://x\")"
    assert by_site["Atelier Le Fil"][13] == "'@Carol : vérifier le chiffre"

    sheet = read_xlsx(client.get(export_url(project, "xlsx")))
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    narrative = cells["Essor Emploi Nièvre"][14]
    assert narrative.value == "=HYPERLINK(\"http://x\")" and narrative.data_type == "s"


def test_xlsx_holds_real_numbers_and_dates_under_a_frozen_bold_header(client, alice, project,
                                                                       values):
    client.force_login(alice)
    response = client.get(export_url(project, "xlsx"))
    sheet = read_xlsx(response)

    with translation.override("fr"):
        assert [cell.value for cell in sheet[1]] == headers()
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O3"
    bob = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Essor Emploi Nièvre")
    assert bob[8].value == 12.5 and bob[8].data_type == "n"
    assert bob[8].number_format == "#,##0.00"
    assert bob[5].value == datetime(2025, 1, 1) and bob[5].is_date


def test_an_adopter_exports_only_their_own_sites(client, bob, carol, project, values):
    client.force_login(bob)
    rows = read_csv(client.get(export_url(project, "csv")))
    assert [row[0] for row in rows[1:]] == ["Essor Emploi Nièvre"]

    sheet = read_xlsx(client.get(export_url(project, "xlsx")))
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Essor Emploi Nièvre"]


def test_asking_for_another_sites_values_gives_nothing(client, bob, project, values,
                                                       carol_site):
    client.force_login(bob)
    rows = read_csv(client.get(export_url(project, "csv"), {"site": carol_site.pk}))
    assert rows[1:] == []


@pytest.mark.parametrize("name, rows", [
    ("alice", 2), ("admin", 2), ("fanny", 2), ("camille", 2), ("paul", 2), ("ines", 2),
    ("bob", 1), ("carol", 1), ("remi", None), ("oscar", None),
])
def test_who_may_export_what(client, pipeline_cast, ines, project, values, name, rows):
    client.force_login({**pipeline_cast, "ines": ines}[name])
    response = client.get(export_url(project, "csv"))
    if rows is None:
        assert response.status_code == 404
    else:
        assert len(read_csv(response)) - 1 == rows


def test_filters_keep_a_site_an_indicator_a_status_and_a_range(client, alice, project, values,
                                                               bob_site):
    other = IndicatorFactory(project=project)
    IndicatorValue.objects.create(report=SiteReport.objects.get(site=bob_site), indicator=other,
                                  value=Decimal(3), status=VALIDATED)
    client.force_login(alice)

    def sites_and_codes(**query):
        return [(row[0], row[3]) for row in read_csv(client.get(export_url(project, "csv"),
                                                               query))[1:]]

    assert sites_and_codes(site=bob_site.pk, indicator=values.pk) == [
        ("Essor Emploi Nièvre", "PERS")]
    assert sites_and_codes(status="returned") == [("Atelier Le Fil", "PERS")]
    assert sites_and_codes(date_from="2025-04-01") == []
    assert len(sites_and_codes(date_from="2025-01-01", date_to="2025-03-31")) == 3


def test_an_unknown_format_is_not_found(client, alice, project):
    client.force_login(alice)
    assert client.get(export_url(project, "pdf")).status_code == 404
