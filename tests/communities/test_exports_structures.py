"""The directory of structures as CSV and XLSX: the directory's filters, what the person may
see (archived entries for admins only), formulas neutralised, bounded queries, streamed."""

from datetime import datetime

import pytest
from django.db.models.signals import post_init
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from communities.exports import STRUCTURE_COLUMNS
from communities.models import Structure
from essaimage.exports import headers

from ..essaimage.export_helpers import column, read_csv, read_xlsx, xlsx_rows
from ..factories import StructureFactory, department

pytestmark = pytest.mark.django_db

ALL = ["Agence nouvelle des solidarités actives", "Atelier Le Fil", "Essor Emploi Nièvre",
       "Fondation pour l'essaimage", "TAPAJ France", "Unapei"]


def export_url(fmt):
    return reverse("communities:structure_export", args=[fmt])


@pytest.fixture
def archived(db):
    return StructureFactory(name="Ancienne association", is_archived=True)


@pytest.fixture
def tricky(db):
    structure = StructureFactory(name='=HYPERLINK("http://x","Cliquez")', acronym="@ASSO",
                                 department=department("58"))
    Structure.objects.filter(pk=structure.pk).update(
        created_at=timezone.make_aware(datetime(2024, 2, 29, 23, 30)))
    return structure


def test_csv_has_french_headers_and_dates_as_french_excel_reads_them(client, cast, ines,
                                                                   tricky):
    client.force_login(cast["alice"])
    response = client.get(export_url("csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers(STRUCTURE_COLUMNS)
    assert rows[0][0] == "Nom" and rows[0][2:4] == ["Type", "SIRET"]
    assert rows[0][8:10] == ["Département", "Région"]
    by_name = {row[0]: row for row in rows[1:]}
    carol = by_name["Atelier Le Fil"]
    assert carol[2] == "Entreprise de l'ESS"
    assert carol[7:9] == ["Grenoble", "Isère (38)"]
    assert carol[9] == "Auvergne-Rhône-Alpes"
    assert carol[14] == "Non"
    assert by_name["'" + tricky.name][13] == "29/02/2024"
    assert 'attachment; filename="structures-' in response["Content-Disposition"]


def test_formulas_typed_in_a_structure_are_neutralised(client, alice, tricky):
    client.force_login(alice)
    rows = read_csv(client.get(export_url("csv")))
    row = next(row for row in rows[1:] if "HYPERLINK" in row[0])
    assert row[:2] == ["'" + tricky.name, "'@ASSO"]

    sheet = read_xlsx(client.get(export_url("xlsx")))
    cells = next(row for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in row[0].value)
    assert cells[0].value == tricky.name and cells[0].data_type == "s"
    assert cells[1].value == "@ASSO" and cells[1].data_type == "s"


def test_xlsx_has_a_bold_frozen_header_and_real_dates(client, alice, tricky):
    client.force_login(alice)
    sheet = read_xlsx(client.get(export_url("xlsx"), HTTP_ACCEPT_LANGUAGE="fr"))

    with translation.override("fr"):
        assert [cell.value for cell in sheet[1]] == headers(STRUCTURE_COLUMNS)
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    row = next(row for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in row[0].value)
    assert row[13].value == datetime(2024, 2, 29) and row[13].is_date
    assert row[8].value == "Nièvre (58)"


@pytest.mark.parametrize("query, names", [
    ({"department": "38"}, ["Atelier Le Fil"]),
    ({"region": "84"}, ["Atelier Le Fil", "Fondation pour l'essaimage"]),
    ({"kind": "funder"}, ["Fondation pour l'essaimage"]),
    ({"q": "atelier"}, ["Atelier Le Fil"]),
    ({"q": "atelier", "kind": "association"}, []),
    ({"department": "not-a-code"}, ALL),  # an invalid filter filters nothing, as on the page
])
def test_the_directorys_filters_apply_to_both_formats(client, cast, ines, query, names):
    client.force_login(cast["bob"])
    assert column(read_csv(client.get(export_url("csv"), query))[1:], 0) == names
    assert column(xlsx_rows(read_xlsx(client.get(export_url("xlsx"), query))), 0) == names


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"])
def test_everyone_exports_the_open_directory_and_only_admins_see_archived_entries(
        client, cast, ines, archived, name):
    client.force_login(cast[name])
    names = column(read_csv(client.get(export_url("csv")))[1:], 0)
    expected = sorted([*ALL, archived.name]) if name == "admin" else ALL
    assert names == expected
    assert len(xlsx_rows(read_xlsx(client.get(export_url("xlsx"))))) == len(expected)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(export_url("csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_format_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(export_url("pdf")).status_code == 404


def test_the_directory_page_links_to_both_exports_with_its_filters(client, bob):
    client.force_login(bob)
    page = client.get(reverse("communities:structure_list"), {"kind": "funder", "page": "1"})
    html = page.content.decode()
    assert f'href="{export_url("csv")}?kind=funder"' in html
    assert f'href="{export_url("xlsx")}?kind=funder"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_structures(client, alice, fmt,
                                                 django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(export_url(fmt), {"kind": "association"})
            b"".join(response.streaming_content)
        return len(queries)

    one = count()
    StructureFactory.create_batch(30, department=department("58"))
    # session, user, the structures with their territories
    with django_assert_max_num_queries(3):
        response = client.get(export_url(fmt), {"kind": "association"})
        b"".join(response.streaming_content)
    assert count() == one


def test_a_large_directory_streams_in_chunks(client, alice, monkeypatch):
    Structure.objects.bulk_create(
        Structure(name=f"Association {n:04}", kind=Structure.Kind.ASSOCIATION)
        for n in range(5000))
    monkeypatch.setattr("essaimage.exports.CHUNK", 500)
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    client.force_login(alice)
    response = client.get(export_url("csv"))
    assert response.streaming
    post_init.connect(count, sender=Structure)
    try:
        lines = iter(response.streaming_content)
        next(lines), next(lines)  # the header and the first structure
        # One chunk read from the cursor, not the 5,001 structures.
        assert 0 < len(built) <= 500
        # The 4,999 others and alice's own structure.
        assert sum(1 for _line in lines) == 5000
    finally:
        post_init.disconnect(count, sender=Structure)


def test_a_large_directory_makes_a_whole_workbook(client, alice):
    Structure.objects.bulk_create(
        Structure(name=f"Association {n:04}", kind=Structure.Kind.ASSOCIATION)
        for n in range(5000))
    client.force_login(alice)
    assert len(xlsx_rows(read_xlsx(client.get(export_url("xlsx"))))) == 5001
