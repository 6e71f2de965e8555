"""Files for the import tests: CSV in any encoding and separator, XLSX written by openpyxl
(with a cached formula value patched in, as Excel would leave it)."""

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from essaimage.imports.services import start_import
from essaimage.models import ImportJob

STRUCTURE_HEADER = ["SIRET", "RNA", "Référence externe", "Nom", "Type", "Code postal", "Ville",
                    "Département"]


def csv_bytes(rows, *, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(cell for cell in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, text_cells=(), cached=None) -> bytes:
    """A workbook of `rows`; cells listed in `text_cells` ((row, column) from 1) stay text even
    when they start with "="; `cached` {"A2": "2"} adds the value Excel would have computed to
    formula cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for row, column in text_cells:
        sheet.cell(row=row, column=column).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if cached:
        data = _with_cached_values(data, cached)
    return data


def _with_cached_values(data: bytes, cached: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in cached.items():
                    xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                                 rf"\1\2<v>{value}</v>", xml)
                content = xml.encode()
            target.writestr(item, content)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def analysed(kind: str, user, name: str, data: bytes, django_capture_on_commit_callbacks
             ) -> ImportJob:
    """Upload the file and run its analysis (eager Celery, after the commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(kind, upload(name, data), by=user)
    job.refresh_from_db()
    return job


def errors_of(job: ImportJob) -> list[tuple]:
    return [(error["row"], error["column"], error["reason"]) for error in job.report["errors"]]


def in_french(msgid: str, **params) -> str:
    """A reason as the import reports it to a French-speaking author (the cast's default)."""
    with translation.override("fr"):
        text = translation.gettext(msgid)
    return text % params if params else text
