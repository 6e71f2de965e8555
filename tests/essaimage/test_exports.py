"""The export machinery: columns of every kind, CSV for French Excel, XLSX with real numbers
and dates, formulas neutralised, headers in the reader's language."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from essaimage import exports
from essaimage.exports import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    INTEGER,
    MONEY,
    NUMBER,
    Column,
    csv_lines,
    french_decimal,
    write_workbook,
)
from programmes.models import Meeting

COLUMNS = [
    Column(_("Name"), "name"),
    Column(_("Date"), "day", DATE),
    Column(_("Starts at"), "moment", DATETIME),
    Column(_("Value"), "value", NUMBER),
    Column(_("Level"), "level", INTEGER),
    Column(_("Amount"), "amount", MONEY),
    Column(_("Archived"), "archived", BOOL),
    Column(_("Status"), "status", CHOICE, choices=Meeting.Status),
    Column(_("Themes"), lambda row: row["themes"]),
]

ROW = {
    "name": "=SUM(A1:A9)", "day": date(2025, 3, 31),
    # 9:30 UTC is 11:30 in Paris in summer time.
    "moment": datetime(2025, 6, 2, 9, 30, tzinfo=UTC),
    "value": Decimal("1234.50"), "level": 3, "amount": Decimal("15000"), "archived": True,
    "status": "held", "themes": ["Emploi", "Logement"],
}
EMPTY = {"name": None, "day": None, "moment": None, "value": None, "level": None,
         "amount": None, "archived": None, "status": "", "themes": []}


def csv_rows(rows, columns=COLUMNS):
    text = "".join(csv_lines(rows, columns))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def workbook_sheet(rows, columns=COLUMNS, **kwargs):
    target = io.BytesIO()
    count = write_workbook(rows, columns, target, **kwargs)
    target.seek(0)
    return count, load_workbook(target).active


def test_csv_cells_are_what_french_excel_reads():
    with translation.override("fr"):
        header, row, empty = csv_rows([ROW, EMPTY])

    assert header == ["Nom", "Date", "Début", "Valeur", "Niveau", "Montant", "Archivée",
                      "Statut", "Thèmes"]
    assert row == ["'=SUM(A1:A9)", "31/03/2025", "02/06/2025 11:30", "1234,5", "3",
                   "15000,00", "Oui", "Tenue", "Emploi, Logement"]
    assert empty == ["", "", "", "", "", "", "", "", ""]


def test_headers_and_labels_follow_the_readers_language():
    with translation.override("en"):
        header, row = csv_rows([ROW])
    assert header[:3] == ["Name", "Date", "Starts at"]
    assert row[6:8] == ["Yes", "Held"]


@pytest.mark.parametrize("typed", ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(typed):
    _header, row = csv_rows([{**EMPTY, "name": typed}])
    assert row[0] == "'" + typed

    _count, sheet = workbook_sheet([{**EMPTY, "name": typed}])
    cell = sheet["A2"]
    # A string cell, never a formula (XML turns a carriage return into a line feed).
    assert cell.data_type == "s" and cell.value.strip() == typed.strip()


def test_xlsx_holds_real_numbers_dates_and_local_times_under_a_bold_frozen_header():
    with translation.override("fr"):
        count, sheet = workbook_sheet([ROW, EMPTY], sheet_title=_("Values"))

    assert count == 2
    assert sheet.title == "Valeurs"
    assert [cell.value for cell in sheet[1]][:3] == ["Nom", "Date", "Début"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"
    name, day, moment, value, level, amount, archived, status, themes = sheet[2]
    assert name.value == "=SUM(A1:A9)" and name.data_type == "s"
    assert day.value == datetime(2025, 3, 31) and day.is_date
    assert day.number_format == "DD/MM/YYYY"
    assert moment.value == datetime(2025, 6, 2, 11, 30) and moment.is_date
    assert value.value == 1234.5 and value.data_type == "n"
    assert value.number_format == "#,##0.00"
    assert level.value == 3 and level.data_type == "n"
    assert amount.value == 15000 and amount.number_format == '#,##0.00 "€"'
    assert (archived.value, status.value, themes.value) == ("Oui", "Tenue", "Emploi, Logement")
    assert [cell.value for cell in sheet[3]][1:6] == [None] * 5


def test_a_sheet_title_excel_refuses_is_made_acceptable():
    _count, sheet = workbook_sheet([], sheet_title="Sites: [Nièvre]/Isère " + "x" * 40)
    assert sheet.title == "Sites   Nièvre  Isère xxxxxxxxx"
    assert len(sheet.title) == 31


def test_an_empty_export_still_has_its_header():
    assert csv_rows([]) == [[str(column.header) for column in COLUMNS]]
    count, sheet = workbook_sheet([])
    assert count == 0 and sheet.max_row == 1 and sheet.auto_filter.ref == "A1:I1"


def test_columns_read_dotted_attributes_dict_keys_and_functions():
    class Site:
        class structure:  # noqa: N801 - stands for a related object
            name = "Essor Emploi Nièvre"

    assert Column("Structure", "structure.name").reader()(Site) == "Essor Emploi Nièvre"
    assert Column("Name", "name").reader()({"name": "Atelier"}) == "Atelier"
    assert Column("Twice", lambda row: row * 2).reader()(2) == 4


def test_a_column_of_an_unknown_kind_or_a_choice_without_choices_is_refused():
    with pytest.raises(ValueError):
        Column("Name", "name", "percentage")
    with pytest.raises(ValueError):
        Column("Status", "status", CHOICE)


@pytest.mark.parametrize("number, places, text", [
    (Decimal("12.50"), None, "12,5"), (Decimal("1E+3"), None, "1000"), (7, None, "7"),
    (0.1, None, "0,1"), (Decimal("3.456"), 2, "3,46"), (None, None, ""),
    (Decimal("-4.2"), None, "-4,2"),
])
def test_french_decimals_have_a_comma_and_no_grouping(number, places, text):
    assert french_decimal(number, places) == text


def test_only_csv_and_xlsx_are_formats():
    assert exports.export_format("csv") == "csv"
    with pytest.raises(Http404):
        exports.export_format("pdf")


def test_file_names_carry_the_day_in_paris(monkeypatch):
    # 23:30 UTC on New Year's Eve is already the new year in Paris.
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert exports.dated_filename("structures") == "structures-2026-01-01"


def test_responses_are_downloads_named_after_the_list():
    response = exports.export_response("csv", iter([ROW]), COLUMNS, filename="liste-2025-01-31")
    assert response["Content-Disposition"] == 'attachment; filename="liste-2025-01-31.csv"'
    assert response.streaming
    response = exports.export_response("xlsx", iter([ROW]), COLUMNS, filename="liste")
    assert 'filename="liste.xlsx"' in response["Content-Disposition"]
    assert response["Content-Type"] == exports.XLSX_TYPE
