"""Lists as CSV or XLSX, streamed: a 240,000-row export never sits in memory.

An export is a list of `Column`s (a header msgid, how to read the value from a row, a kind)
and rows, usually a QuerySet read in chunks on one cursor (`rows_of`). The views that offer
one start from the list's own `visible_to(user)` QuerySet and its own filters, so that an
export never shows more than the page it comes from.

CSV is what French Excel opens without a wizard: UTF-8 with a byte order mark, ";" between
cells, decimal commas, dates as dd/mm/yyyy. XLSX holds real numbers and dates, with a bold,
frozen header row and an autofilter. Cells typed by people that start like a formula
(= + - @, a tab or a carriage return) are neutralised: an apostrophe in CSV, a plain string
in XLSX.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
INTEGER = "integer"
MONEY = "money"
BOOL = "bool"
CHOICE = "choice"
KINDS = (TEXT, DATE, DATETIME, NUMBER, INTEGER, MONEY, BOOL, CHOICE)

NUMBER_FORMAT = "#,##0.00"
MONEY_FORMAT = '#,##0.00 "€"'
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export.

    `header` is an English msgid (marked with gettext_lazy or gettext_noop where the columns
    are listed), translated when the export is written. `value` reads the cell from a row:
    a dotted attribute path ("structure.name"), a dict key when rows are dicts, or a function
    of the row. A CHOICE column gives its `choices` (a TextChoices or value → label pairs);
    a list value (themes of an innovation) is joined with commas.
    """

    header: Any
    value: str | Callable[[Any], Any]
    kind: str = TEXT
    choices: Any = None
    width: int = 14

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of column: {self.kind!r}")
        if self.kind == CHOICE and self.choices is None:
            raise ValueError("A choice column needs its choices.")

    def reader(self) -> Callable[[Any], Any]:
        if callable(self.value):
            return self.value
        attribute = attrgetter(self.value)
        key = itemgetter(self.value)
        return lambda row: key(row) if isinstance(row, dict) else attribute(row)


def rows_of(queryset, chunk_size: int | None = None):
    """The rows of a QuerySet, fetched `chunk_size` (CHUNK) at a time on one cursor;
    prefetched relations come once per chunk."""
    return queryset.iterator(chunk_size=chunk_size or CHUNK)


def export_format(fmt: str) -> str:
    """The format asked for in the address, or a 404 for any other."""
    if fmt not in FORMATS:
        raise Http404
    return fmt


def dated_filename(stem: str) -> str:
    """"structures-2026-03-31": what the file is, and the day it was taken (Paris time)."""
    return f"{stem}-{timezone.localdate():%Y-%m-%d}"


def headers(columns) -> list[str]:
    """The columns' headers in the active language (a lazy msgid, or a plain one marked with
    gettext_noop)."""
    return [str(column.header) if isinstance(column.header, Promise) else _(column.header)
            for column in columns]


# --- Reading cells ------------------------------------------------------------------------


class _Prepared:
    """Columns with their readers and translated labels, built once, in the language of
    the request: a streamed body is written after the view returned."""

    def __init__(self, columns):
        self.columns = list(columns)
        self.headers = headers(self.columns)
        self.readers = [column.reader() for column in self.columns]
        self.labels = [self._labels(column) for column in self.columns]
        self.yes, self.no = _("Yes"), _("No")

    @staticmethod
    def _labels(column) -> dict:
        if column.kind != CHOICE:
            return {}
        choices = getattr(column.choices, "choices", column.choices)
        return {value: str(label) for value, label in choices}

    def values(self, row):
        for column, read, labels in zip(self.columns, self.readers, self.labels):
            value = read(row)
            if column.kind == CHOICE:
                value = labels.get(value, value or "")
            elif column.kind == BOOL and value is not None:
                value = self.yes if value else self.no
            elif isinstance(value, (list, tuple)):
                value = ", ".join(str(item) for item in value)
            yield column.kind, value


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def _safe_text(text) -> str:
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def french_decimal(number: Decimal | float | int | None, places: int | None = None) -> str:
    """"1234,5": a decimal comma and no grouping, which French Excel reads as a number."""
    if number is None:
        return ""
    number = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
    if places is None:
        text = format(number.normalize(), "f")
    else:
        text = format(number.quantize(Decimal(1).scaleb(-places)), "f")
    return text.replace(".", ",")


def _csv_cell(kind: str, value) -> str:
    if kind == NUMBER:
        return french_decimal(value)
    if kind == MONEY:
        return french_decimal(value, places=2)
    if kind == INTEGER:
        return "" if value is None else str(value)
    if kind == DATETIME:
        return _local(value).strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else ""
    if kind == DATE:
        if isinstance(value, datetime):
            value = _local(value).date()
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""
    return _safe_text(value)


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable, columns) -> Iterable[str]:
    """The lines of the CSV file, the header first (with the byte order mark)."""
    prepared = _Prepared(columns)
    return _csv_lines(rows, prepared)


def _csv_lines(rows, prepared: _Prepared):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(prepared.headers)
    for row in rows:
        yield writer.writerow([_csv_cell(kind, value) for kind, value in prepared.values(row)])


def csv_response(rows: Iterable, columns, filename: str) -> StreamingHttpResponse:
    """A CSV download written as the rows come from the database."""
    lines = csv_lines(rows, columns)
    response = StreamingHttpResponse((line.encode("utf-8") for line in lines),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# --- XLSX -----------------------------------------------------------------------------------


def _sheet_title(title) -> str:
    # Excel refuses these characters and titles longer than 31 characters.
    text = str(title or _("Export"))
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:31]


def _xlsx_cell(sheet, kind: str, value):
    """A cell for write-only mode: a plain value when openpyxl's own typing is right (it
    costs a tenth of a cell object), a cell with its type or number format otherwise."""
    if kind in (TEXT, CHOICE, BOOL):
        text = "" if value is None else str(value)
        if not text.startswith(FORMULA_STARTS):
            return text or None
        cell = WriteOnlyCell(sheet)
        # Set as a string whatever it starts with: never read as a formula.
        cell.value = text
        cell.data_type = "s"
        return cell
    if value is None or (kind == INTEGER and isinstance(value, int)):
        return value
    if kind == DATETIME:
        value = _local(value) if isinstance(value, datetime) else None
    elif kind == DATE and isinstance(value, datetime):
        value = _local(value).date()
    elif kind in (NUMBER, MONEY) and isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = {NUMBER: NUMBER_FORMAT, MONEY: MONEY_FORMAT,
                              INTEGER: INTEGER_FORMAT, DATE: DATE_FORMAT,
                              DATETIME: DATETIME_FORMAT}[kind]
    return cell


def write_workbook(rows: Iterable, columns, target, *, sheet_title=None) -> int:
    """Write the rows as a one-sheet workbook in write-only mode (rows go to disk as they
    come); return the number of rows."""
    prepared = _Prepared(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    for index, column in enumerate(prepared.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    # Panes and widths go before the rows in the file: set them before the first row.
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in prepared.headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, kind, value) for kind, value in prepared.values(row)])
        count += 1
    last = get_column_letter(len(prepared.columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(target)
    return count


def xlsx_response(rows: Iterable, columns, filename: str, *, sheet_title=None) -> FileResponse:
    """An XLSX download, written to a temporary file on disk first (a workbook is a zip)."""
    spool = tempfile.TemporaryFile()
    write_workbook(rows, columns, spool, sheet_title=sheet_title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type=XLSX_TYPE)


def export_response(fmt: str, rows: Iterable, columns, *, filename: str, sheet_title=None):
    """The rows as a CSV or XLSX download, `fmt` being "csv" or "xlsx"."""
    if export_format(fmt) == "csv":
        return csv_response(rows, columns, filename)
    return xlsx_response(rows, columns, filename, sheet_title=sheet_title)
