"""The knowledge bank as CSV and XLSX: the bank's own search and facets, published
innovations only, whoever asks; formulas neutralised, bounded queries."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from essaimage.exports import headers
from innovations.exports import INNOVATION_COLUMNS
from innovations.models import Endorsement, Innovation
from innovations.scaling import ScalingModel

from ..essaimage.export_helpers import column, read_csv, read_xlsx, xlsx_rows
from ..factories import InnovationFactory, ThemeFactory, department
from .test_bank_search import ON_POSTGRESQL, bank_innovation, public

pytestmark = pytest.mark.django_db

EVIDENCE = Innovation.EvidenceLevel
STAGE = Innovation.Stage


def export_url(fmt):
    return reverse("innovations:bank_export", args=[fmt])


@pytest.fixture
def bank(ines_structure, bob):
    employment = ThemeFactory(slug="emploi", name="Emploi")
    housing = ThemeFactory(slug="logement", name="Logement")
    tapaj = bank_innovation(
        "TAPAJ", owner=ines_structure, themes=[employment], publics=[public("Jeunes en errance")],
        territories=[department("33")], models=[ScalingModel.SCALE_UP],
        evidence_level=EVIDENCE.EXTERNAL_EVALUATION, stage=STAGE.SCALING_UP,
        beneficiaries_per_year=120, is_public_innovation=False,
        published_at=timezone.make_aware(datetime(2024, 5, 2, 10)),
        summary="Travail alternatif payé à la journée pour des jeunes en errance.")
    Endorsement.objects.create(innovation=tapaj, user=bob, kind=Endorsement.Kind.RUN_IT)
    bank_innovation(
        "=2+2 Atelier", themes=[housing], evidence_level=EVIDENCE.NONE,
        stage=STAGE.FEASIBILITY, summary="@cmd|' /C calc'!A0",
        published_at=timezone.make_aware(datetime(2024, 1, 15, 10)))
    # Never in the bank: a draft of the innovator's and an archived record.
    bank_innovation("Brouillon d'Inès", factory=InnovationFactory, owner=ines_structure)
    bank_innovation("Ancienne", status=Innovation.Status.ARCHIVED,
                    published_at=timezone.now())
    return tapaj


def test_csv_has_french_headers_and_the_bank_figures(client, alice, bank):
    client.force_login(alice)
    response = client.get(export_url("csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers(INNOVATION_COLUMNS)
    assert rows[0][:5] == ["Titre", "Porteur de projet", "Innovation publique",
                           "Niveau de preuve", "Étape"]
    tapaj = next(row for row in rows[1:] if row[0] == "TAPAJ")
    assert tapaj[1:5] == ["TAPAJ France", "Non", "Évaluation externe", "III · Essaimage"]
    assert tapaj[5:9] == ["Emploi", "Jeunes en errance", "Gironde (33)",
                          "Diffusion par duplication (scale up)"]
    assert tapaj[9:13] == ["120", "02/05/2024", "1", "0"]
    assert 'attachment; filename="innovations-' in response["Content-Disposition"]


def test_formulas_in_titles_and_summaries_are_neutralised(client, alice, bank):
    client.force_login(alice)
    rows = read_csv(client.get(export_url("csv")))
    atelier = next(row for row in rows[1:] if "Atelier" in row[0])
    assert atelier[0] == "'=2+2 Atelier"
    assert atelier[13] == "'@cmd|' /C calc'!A0"

    sheet = read_xlsx(client.get(export_url("xlsx")))
    cells = next(row for row in sheet.iter_rows(min_row=2) if "Atelier" in row[0].value)
    assert cells[0].value == "=2+2 Atelier" and cells[0].data_type == "s"


def test_xlsx_has_real_numbers_and_dates(client, alice, bank):
    client.force_login(alice)
    sheet = read_xlsx(client.get(export_url("xlsx"), HTTP_ACCEPT_LANGUAGE="fr"))

    with translation.override("fr"):
        assert [cell.value for cell in sheet[1]] == headers(INNOVATION_COLUMNS)
    tapaj = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "TAPAJ")
    assert tapaj[9].value == 120 and tapaj[9].data_type == "n"
    assert tapaj[10].value == datetime(2024, 5, 2) and tapaj[10].is_date
    assert tapaj[11].value == 1 and tapaj[11].data_type == "n"


@pytest.mark.parametrize("query, titles", [
    ({}, ["TAPAJ", "=2+2 Atelier"]),  # the most recently published first, as in the bank
    ({"sort": "title"}, ["=2+2 Atelier", "TAPAJ"]),
    ({"theme": "emploi"}, ["TAPAJ"]),
    ({"stage": "feasibility"}, ["=2+2 Atelier"]),
    ({"evidence": ["none", "external_evaluation"]}, ["TAPAJ", "=2+2 Atelier"]),
    ({"territory": "75"}, ["TAPAJ"]),  # Nouvelle-Aquitaine, where Gironde is
    ({"model": "scale_deep"}, []),
])
def test_the_banks_facets_and_order_apply_to_both_formats(client, bob, bank, query, titles):
    client.force_login(bob)
    assert column(read_csv(client.get(export_url("csv"), query))[1:], 0) == [
        ("'" + title if title.startswith("=") else title) for title in titles]
    assert column(xlsx_rows(read_xlsx(client.get(export_url("xlsx"), query))), 0) == titles


@ON_POSTGRESQL
def test_the_banks_text_search_applies(client, bob, bank):
    client.force_login(bob)
    rows = read_csv(client.get(export_url("csv"), {"q": "jeunes errance"}))
    assert column(rows[1:], 0) == ["TAPAJ"]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin",
                                  "ines"])
def test_everyone_exports_published_innovations_only(client, cast, ines, bank, name):
    client.force_login({**cast, "ines": ines}[name])
    assert column(xlsx_rows(read_xlsx(client.get(export_url("xlsx")))), 0) == [
        "TAPAJ", "=2+2 Atelier"]


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get(export_url("csv")).status_code == 302


def test_an_unknown_format_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(export_url("ods")).status_code == 404


def test_the_bank_links_to_both_exports_with_its_search(client, bob, bank):
    client.force_login(bob)
    html = client.get(reverse("innovations:bank_search"),
                      {"theme": "emploi", "page": "1"}).content.decode()
    assert f'href="{export_url("csv")}?theme=emploi"' in html
    assert f'href="{export_url("xlsx")}?theme=emploi"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_innovations(client, alice, bank, fmt,
                                                  django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(export_url(fmt)).streaming_content)
        return len(queries)

    one = count()
    theme = ThemeFactory(slug="sante", name="Santé")
    for n in range(20):
        bank_innovation(f"Innovation {n}", themes=[theme], territories=[department("58")],
                        models=[ScalingModel.SCALE_OUT], published_at=timezone.now())
    # session, user, the innovations with owners and counts, their themes, publics,
    # territories and scaling models
    with django_assert_max_num_queries(7):
        b"".join(client.get(export_url(fmt)).streaming_content)
    assert count() == one
