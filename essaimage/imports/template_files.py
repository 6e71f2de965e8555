"""The blank files people fill in: French headers, one example row; the XLSX has a second
sheet that describes each column and lists its allowed values."""

import csv
import io

from django.utils.translation import gettext as _

from . import Importer


def template_csv(importer: Importer) -> bytes:
    """UTF-8 with a BOM and ";" separators, as French Excel opens it without a wizard."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in importer.columns])
    writer.writerow([column.example for column in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(importer: Importer, user) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Data")[:31]
    sheet.append([column.header for column in importer.columns])
    example = sheet.max_row + 1
    for position, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=example, column=position, value=column.example or None)
        cell.data_type = "s"  # an example such as "-" or "=" stays text
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        sheet.cell(row=1, column=position).font = Font(bold=True)
    sheet.freeze_panes = "A2"

    allowed = importer.allowed_values(user)
    help_sheet = workbook.create_sheet(_("Allowed values")[:31])
    help_sheet.append([_("Column"), _("Required"), _("What it holds"), _("Allowed values")])
    for position in range(1, 5):
        help_sheet.cell(row=1, column=position).font = Font(bold=True)
    for column in importer.columns:
        values = allowed.get(column.key, [])
        help_sheet.append([column.header, _("yes") if column.required else _("no"),
                           str(column.label), values[0] if values else ""])
        for value in values[1:]:
            help_sheet.append(["", "", "", value])
    for letter, width in zip("ABCD", (28, 10, 60, 50), strict=True):
        help_sheet.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
