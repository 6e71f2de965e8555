"""Indicator values as CSV or XLSX: the columns of the export, on the shared machinery of
essaimage.exports (streamed CSV for French Excel, XLSX with real numbers and dates, formulas
neutralised)."""

from django.utils.translation import gettext_lazy as _

from essaimage import exports
from essaimage.exports import CHOICE, DATE, INTEGER, NUMBER, Column, rows_of

from .models import IndicatorValue

COLUMNS = [
    Column(_("Site"), "site", width=40),
    Column(_("Département"), "department", width=24),
    Column(_("Indicator"), "indicator", width=40),
    Column(_("Code"), "code"),
    Column(_("Period"), "period"),
    Column(_("Start"), "starts_on", DATE),
    Column(_("End"), "ends_on", DATE),
    Column(_("Category"), "category"),
    Column(_("Value"), "value", NUMBER),
    Column(_("Numerator"), "numerator", NUMBER),
    Column(_("Denominator"), "denominator", NUMBER),
    Column(_("Level"), "level", INTEGER),
    Column(_("Status"), "status", CHOICE, choices=IndicatorValue.Status),
    Column(_("Review comment"), "comment", width=40),
    Column(_("Narrative"), "narrative", width=40),
]


def headers() -> list[str]:
    """The headers in the user's language."""
    return exports.headers(COLUMNS)


def export_rows(values):
    """The rows of an export, as dicts, fetched in chunks on one cursor."""
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
         narrative) in rows_of(rows):
        yield {
            "site": f"{structure} — {site_name}" if site_name else structure,
            "department": f"{territory} ({code})",
            "indicator": indicator, "code": indicator_code, "period": period,
            "starts_on": starts_on, "ends_on": ends_on, "category": category or "",
            "value": value, "numerator": numerator, "denominator": denominator,
            "level": level, "status": status, "comment": comment, "narrative": narrative,
        }


def csv_response(values, filename: str):
    return exports.csv_response(export_rows(values), COLUMNS, filename)


def xlsx_response(values, filename: str):
    return exports.xlsx_response(export_rows(values), COLUMNS, filename,
                                 sheet_title=_("Values"))
