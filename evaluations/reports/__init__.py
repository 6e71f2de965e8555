"""PDF reports built from the evaluations' data. The project, site and funder reports each hold
a context builder (a pure read of the database), who may ask for the report and who may read
it; `report_kinds()` hands them to essaimage.reports, which queues, renders and stores them
(registered in evaluations/apps.py)."""

import re
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from ..selectors.aggregation import Band
from ..selectors.dashboards import display, progress_pct


@dataclass(frozen=True)
class Section:
    """A chapter of a report: its anchor (the id of its heading) and its title, for the table
    of contents."""

    anchor: str
    title: str

    def as_toc(self) -> tuple[str, str]:
        return (self.anchor, self.title)


def indicator_line(figure, *, label: str = "", missing_sites: int = 0):
    """A row of the reports' shared indicator table from a figure of the aggregation (a
    project's IndicatorTotal, a site's SiteFigure): written with its unit, in the reader's
    locale, as the dashboards write it."""
    from essaimage.reports import IndicatorLine

    indicator = figure.indicator
    return IndicatorLine(
        label=label or f"{indicator.code} — {indicator.name}",
        value="" if figure.value is None else display(figure.value, indicator),
        target="" if figure.target is None else display(figure.target, indicator),
        progress=progress_pct(figure.progress),
        band=figure.band, band_label=str(Band(figure.band).label),
        note=ngettext("%(count)s site has not reported", "%(count)s sites have not reported",
                      missing_sites) % {"count": missing_sites} if missing_sites else "")


# A tooltip of one shape (a bar, a target mark): it helps on screen, never on paper, and each
# costs WeasyPrint a node to style and lay out. The chart's own <title> and <desc> stay.
_SHAPE_TOOLTIP = re.compile(r"<title>[^<]*</title>(?=</(?:rect|line|circle)>)")


def for_print(svg: str) -> str:
    """An SVG chart of evaluations.charts without the tooltips of its shapes."""
    return mark_safe(_SHAPE_TOOLTIP.sub("", str(svg)))


def report_kinds() -> list:
    """The project, site and funder reports, for evaluations/apps.py to register."""
    from . import funder_report, project_report, site_report

    return [module.report_kind() for module in (project_report, site_report, funder_report)]
