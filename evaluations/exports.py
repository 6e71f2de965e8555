"""Indicator values as CSV or XLSX, streamed: a 240,000-row export never sits in memory.

CSV is what French Excel opens without a wizard: UTF-8 with a byte order mark, ";" between
cells, decimal commas, dates as dd/mm/yyyy. XLSX holds real numbers and dates, with a bold,
frozen header row and an autofilter. Cells typed by people that start like a formula
(= + - @, a tab or a carriage return) are neutralised: an apostrophe in CSV, a plain string
in XLSX.
"""

import csv
import tempfile
from datetime import date
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import IndicatorValue

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

# Column: (header, key in the row, kind); kinds: text, date, number, level.
COLUMNS = [
    ("Site", "site", "text"),
    ("Département", "department", "text"),
    ("Indicator", "indicator", "text"),
    ("Code", "code", "text"),
    ("Period", "period", "text"),
    ("Start", "starts_on", "date"),
    ("End", "ends_on", "date"),
    ("Category", "category", "text"),
    ("Value", "value", "number"),
    ("Numerator", "numerator", "number"),
    ("Denominator", "denominator", "number"),
    ("Level", "level", "level"),
    ("Status", "status", "text"),
    ("Review comment", "comment", "text"),
    ("Narrative", "narrative", "text"),
]


def headers() -> list[str]:
    # Marked for translation where they are listed; translated here, in the user's language.
    labels = {"Site": _("Site"), "Département": _("Département"), "Indicator": _("Indicator"),
              "Code": _("Code"), "Period": _("Period"), "Start": _("Start"), "End": _("End"),
              "Category": _("Category"), "Value": _("Value"), "Numerator": _("Numerator"),
              "Denominator": _("Denominator"), "Level": _("Level"), "Status": _("Status"),
              "Review comment": _("Review comment"), "Narrative": _("Narrative")}
    return [labels[header] for header, _key, _kind in COLUMNS]


def export_rows(values):
    """The rows of an export, as dicts, fetched in chunks on one cursor."""
    statuses = dict(IndicatorValue.Status.choices)
    rows = (values.order_by("report__site__structure__name", "report__site_id",
                            "indicator__position", "indicator__code",
                            "report__period__starts_on", "category_id")
            .values_list("report__site__structure__name", "report__site__name",
                         "report__site__territory__name", "report__site__territory__code",
                         "indicator__name", "indicator__code", "report__period__label",
                         "report__period__starts_on", "report__period__ends_on",
                         "category__label", "value", "numerator", "denominator", "level",
                         "status", "review_comment", "narrative"))
    for (structure, site_name, territory, code, indicator, indicator_code, period, starts_on,
         ends_on, category, value, numerator, denominator, level, status, comment,
         narrative) in rows.iterator(chunk_size=CHUNK):
        yield {
            "site": f"{structure} — {site_name}" if site_name else structure,
            "department": f"{territory} ({code})",
            "indicator": indicator, "code": indicator_code, "period": period,
            "starts_on": starts_on, "ends_on": ends_on, "category": category or "",
            "value": value, "numerator": numerator, "denominator": denominator,
            "level": level, "status": str(statuses.get(status, status)),
            "comment": comment, "narrative": narrative,
        }


def _safe_text(text) -> str:
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def french_decimal(number: Decimal | None) -> str:
    """"1234,5": a decimal comma and no grouping, which French Excel reads as a number."""
    if number is None:
        return ""
    text = format(Decimal(number).normalize(), "f")
    return text.replace(".", ",")


def _csv_cell(value, kind) -> str:
    if kind == "number":
        return french_decimal(value)
    if kind == "level":
        return "" if value is None else str(value)
    if kind == "date":
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""
    return _safe_text(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(values):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headers())
    for row in export_rows(values):
        yield writer.writerow([_csv_cell(row[key], kind) for _h, key, kind in COLUMNS])


def csv_response(values, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(values)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


NUMBER_FORMAT = "#,##0.00"
DATE_FORMAT = "DD/MM/YYYY"
WIDTHS = {"site": 40, "department": 24, "indicator": 40, "comment": 40, "narrative": 40}


def write_workbook(values, target) -> int:
    """Write the values as a one-sheet workbook in write-only mode (rows go to disk as they
    come); return the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Values"))
    for index, (_header, key, _kind) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 14)
    # Panes and widths go before the rows in the file: set them before the first row.
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers():
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in export_rows(values):
        cells = []
        for _header, key, kind in COLUMNS:
            value = row[key]
            cell = WriteOnlyCell(sheet, value=value if kind != "text" else None)
            if kind == "text":
                # Set as a string whatever it starts with: never read as a formula.
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"
            elif kind == "number" and value is not None:
                cell.number_format = NUMBER_FORMAT
            elif kind == "date" and value is not None:
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
        count += 1
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(target)
    return count


def xlsx_response(values, filename: str) -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_workbook(values, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
