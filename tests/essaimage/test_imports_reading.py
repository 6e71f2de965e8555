"""Reading spreadsheets: encodings, separators, XLSX, formulas, files that are no
spreadsheet, French numbers and dates."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils.translation import gettext

from essaimage.imports.reading import UnreadableFile, read_table
from essaimage.imports.values import BadValue, looks_like_formula, parse_date, parse_decimal

from .imports_helpers import csv_bytes, xlsx_bytes

ROWS = [["Nom", "Ville"], ["Économie solidaire", "Évreux"]]


def read(data, name="fichier.csv"):
    return read_table(BytesIO(data), name)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False),
                                               ("cp1252", False)])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_windows_1252(encoding, bom):
    table = read(csv_bytes(ROWS, encoding=encoding, bom=bom))

    assert table.headers == ["Nom", "Ville"]
    assert table.rows == [(2, ["Économie solidaire", "Évreux"])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_separator_is_found_on_the_header_line(delimiter):
    table = read(csv_bytes([["Nom", "Valeur"], ["Le Fil", "12,5"]], delimiter=";")
                 if delimiter == ";" else csv_bytes([["Nom", "Valeur"], ["Le Fil", "12.5"]],
                                                    delimiter=delimiter))

    assert table.headers == ["Nom", "Valeur"]
    assert table.rows[0][1][0] == "Le Fil"


def test_a_quoted_comma_in_a_comma_separated_file_stays_in_its_cell():
    table = read(b'Nom,Ville\r\n"Atelier, Le Fil",Grenoble\r\n')

    assert table.rows == [(2, ["Atelier, Le Fil", "Grenoble"])]


def test_xlsx_gives_numbers_dates_and_the_cached_value_of_formulas():
    data = xlsx_bytes([["Nom", "Valeur", "Date", "Calcul"],
                       ["Le Fil", 12.5, datetime(2025, 12, 31), "=1+1"]], cached={"D2": "2"})

    table = read(data, "fichier.xlsx")

    assert table.headers == ["Nom", "Valeur", "Date", "Calcul"]
    number, cells = table.rows[0]
    assert number == 2
    assert cells[:3] == ["Le Fil", 12.5, datetime(2025, 12, 31)]
    assert cells[3] == 2


@pytest.mark.parametrize(("data", "name"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv"),
    (b"%PDF-1.7\n", "rapport.csv"),
    (b"Nom;Ville\r\n", "faux.xlsx"),
    (b"PK\x03\x04 not really a zip", "faux.xlsx"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_reason(data, name):
    with pytest.raises(UnreadableFile) as refused:
        read(data, name)

    assert "spreadsheet" in refused.value.reason or "XLSX" in refused.value.reason


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \r\n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(UnreadableFile) as refused:
        read(data)

    # In the language active when the file is read (the worker's: the author's).
    assert refused.value.reason == gettext("The file is empty.")


@pytest.mark.parametrize(("text", "expected"), [
    ("12,5", Decimal("12.5")), ("1 234,5", Decimal("1234.5")), ("1\u202f234,50",
                                                                 Decimal("1234.50")),
    ("1234.5", Decimal("1234.5")), ("-3", Decimal("-3")), ("", None), (7, Decimal(7)),
    (2.5, Decimal("2.5")),
])
def test_french_decimals_are_read(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["douze", "1,2,3", "12 %", "1.234,5"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(BadValue):
        parse_decimal(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("31/12/2025", date(2025, 12, 31)), ("1/2/2026", date(2026, 2, 1)),
    ("2025-12-31", date(2025, 12, 31)), ("2025-12-31T00:00:00", date(2025, 12, 31)),
    (datetime(2025, 12, 31, 0, 0), date(2025, 12, 31)), ("", None),
])
def test_dates_are_read_in_french_iso_and_xlsx_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "12/31", "demain", "2025-13-01"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(BadValue):
        parse_date(text)


@pytest.mark.parametrize(("text", "is_formula"), [
    ("=1+1", True), ('=HYPERLINK("http://x","clic")', True), ("@SUM(A1)", True),
    ("+A1", True), ("-2+3", True), ("-5", False), ("-2,5", False),
    ("+33 (0)1 23 45 67 89", False), ("Économie", False), ("", False),
])
def test_cells_that_a_spreadsheet_would_run_are_recognised(text, is_formula):
    assert looks_like_formula(text) is is_formula
