"""Reading an uploaded spreadsheet into a header and rows, whatever tool wrote it.

CSV: UTF-8 with or without BOM, or Windows-1252 as Excel writes it in France; ";" (French
Excel) or "," (most other tools) or tabs, detected on the header line. XLSX: the first sheet,
read in streaming (openpyxl read_only), formulas giving the value Excel last computed. Anything
else, a PNG renamed .csv or an empty file, is refused with a reason the person understands.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from .values import looks_like_formula

# Signatures of files people upload by mistake instead of a spreadsheet.
NOT_SPREADSHEETS = (b"\x89PNG", b"\xff\xd8\xff", b"%PDF", b"GIF8", b"\xd0\xcf\x11\xe0",
                    b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
ZIP = b"PK\x03\x04"
EXTENSIONS = (".csv", ".xlsx")


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; `reason` is for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (line number in the file, cells)
    encoding: str = ""
    delimiter: str = ""


def read_table(handle, filename: str) -> Table:
    """The header and the rows of the file; raise UnreadableFile with the reason."""
    data = handle.read()
    extension = PurePath(filename or "").suffix.lower()
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(ZIP):
        return read_xlsx(data)
    if extension == ".xlsx" or any(data.startswith(sign) for sign in NOT_SPREADSHEETS):
        raise UnreadableFile(_("This file is not a spreadsheet: save it as CSV or XLSX "
                               "and try again."))
    return read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Excel writes in France when it saves "CSV (séparateur : point-virgule)".
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise UnreadableFile(_("This file is not a spreadsheet we can read: save it as CSV "
                               "UTF-8 or XLSX and try again.")) from None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return "\x00" in sample or controls > len(sample) // 100


def read_csv(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        raise UnreadableFile(_("This file is not a spreadsheet we can read.")) from None
    if _looks_binary(text):
        raise UnreadableFile(_("This file is not a spreadsheet: save it as CSV or XLSX "
                               "and try again."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise UnreadableFile(_("This CSV file is damaged: %(error)s") % {"error": error}) \
            from None
    rows = []
    headers = None
    for number, cells in enumerate(lines, start=1):
        if headers is None:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines above the header
            headers, header_line = cells, number
            continue
        rows.append((number, cells))
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    if header_line != 1:
        rows = [(number - header_line + 1, cells) for number, cells in rows]
    return Table(headers=[h.strip() for h in headers], rows=rows, encoding=encoding,
                 delimiter=delimiter)


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(_("This file is not an XLSX workbook: save it as XLSX (Excel "
                               "2007 or later) or CSV and try again.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        headers = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(cells)
            if headers is None:
                if not any(cell not in (None, "") for cell in cells):
                    continue
                headers = ["" if cell is None else str(cell).strip() for cell in cells]
                offset = number - 1
                continue
            rows.append((number - offset, cells))
    finally:
        workbook.close()
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    # Sheets often carry empty formatted columns on the right.
    while headers and headers[-1] == "":
        headers.pop()
    return Table(headers=headers, rows=rows, encoding="xlsx")


def is_blank(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def formula_in(value) -> bool:
    return isinstance(value, str) and looks_like_formula(value.strip())
