"""Fidelity and results: for the sites of a page of the fidelity comparison, one indicator's
figure (validated values, every period) next to each site's fidelity total, and whether the
most faithful sites get further towards their targets than the others.

A fixed number of queries whatever the number of sites: one for the indicators to choose from,
then site_figures() once for the whole page."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Indicator
from .aggregation import ACTIVE_SITE_STATUSES, Scope, SiteFigure, site_figures
from .dashboards import display, progress_pct

HIGH_FIDELITY = 75  # % of the scale's maximum: the scale's "high fidelity" line
SCOPE = Scope()  # validated values, every period; targets in force today


def results_indicators(project) -> list[Indicator]:
    """The project's active quantitative indicators, by phase then position (one query)."""
    return list(Indicator.objects.filter(project=project, is_active=True,
                                         kind=Indicator.Kind.QUANTITATIVE)
                .order_by("phase", "position", "code", "pk"))


@dataclass(frozen=True)
class ResultRow:
    site: object  # AdopterSite, annotated with `fidelity_total_pct`
    figure: SiteFigure

    @property
    def fidelity_pct(self) -> float | None:
        return self.site.fidelity_total_pct

    @property
    def is_missing(self) -> bool:
        return self.figure.value is None

    @property
    def expected(self) -> bool:
        """Candidate sites do not report yet: no figure is not "missing" for them."""
        return self.site.status in ACTIVE_SITE_STATUSES

    @property
    def shown(self) -> str:
        return display(self.figure.value, self.figure.indicator)

    @property
    def target_shown(self) -> str:
        return display(self.figure.target, self.figure.indicator)

    @property
    def progress_pct(self) -> Decimal | None:
        return progress_pct(self.figure.progress)

    @property
    def is_high(self) -> bool | None:
        if self.fidelity_pct is None:
            return None
        return self.fidelity_pct >= HIGH_FIDELITY


@dataclass(frozen=True)
class GroupAverage:
    average_pct: Decimal
    sites: int


@dataclass(frozen=True)
class FidelityResults:
    indicator: Indicator
    rows: list[ResultRow]
    high: GroupAverage | None  # sites at HIGH_FIDELITY % or more, with a progress
    low: GroupAverage | None  # assessed sites below it, with a progress

    @property
    def has_summary(self) -> bool:
        return self.high is not None and self.low is not None

    @property
    def chart(self) -> "Scatter | None":
        return scatter(self)


def _average(rows: list[ResultRow]) -> GroupAverage | None:
    progresses = [row.figure.progress for row in rows if row.figure.progress is not None]
    if not progresses:
        return None
    mean = sum(progresses, Decimal(0)) / len(progresses)
    return GroupAverage(progress_pct(mean), len(progresses))


def fidelity_results(indicator: Indicator, sites: list) -> FidelityResults:
    """The indicator's figure for each site of the page (annotated by
    annotate_latest_fidelity), and the average progress towards the target of the sites at
    75 % of fidelity or more against the assessed sites below; sites never assessed, without
    a figure or without a target are in neither average."""
    sites = list(sites)
    figures = site_figures([indicator], sites, SCOPE) if sites else []
    rows = [ResultRow(figure.site, figure) for figure in figures]
    return FidelityResults(indicator, rows,
                           high=_average([row for row in rows if row.is_high is True]),
                           low=_average([row for row in rows if row.is_high is False]))


# --- A small scatter: fidelity on x, progress on y -------------------------------------------


@dataclass(frozen=True)
class ScatterPoint:
    x: float
    y: float
    row: ResultRow


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    points: list[ScatterPoint]
    x_ticks: list[tuple[float, int]]  # (x, fidelity %)
    y_ticks: list[tuple[float, int]]  # (y, progress %)
    left: int
    top: int
    bottom_y: float
    right_x: float
    high_x: float  # the 75 % line


def scatter(results: FidelityResults, *, width: int = 560, height: int = 260) -> Scatter | None:
    """Sites with both a fidelity total and a progress, placed for an SVG drawn in the
    template (the table beside it holds the same figures)."""
    placed = [row for row in results.rows
              if row.fidelity_pct is not None and row.progress_pct is not None]
    if not placed:
        return None
    left, right, top, bottom = 48, 16, 12, 36
    inner_w, inner_h = width - left - right, height - top - bottom
    top_pct = max(100, max(int(row.progress_pct) for row in placed))
    top_pct = -(-top_pct // 50) * 50  # up to the next 50 %
    low_pct = min(0, min(int(row.progress_pct) for row in placed) // 50 * 50)
    span = top_pct - low_pct

    def x_of(pct):
        return left + inner_w * float(pct) / 100

    def y_of(pct):
        return top + inner_h * (1 - (float(pct) - low_pct) / span)

    return Scatter(
        width, height,
        [ScatterPoint(x_of(row.fidelity_pct), y_of(row.progress_pct), row) for row in placed],
        [(x_of(p), p) for p in (0, 25, 50, 75, 100)],
        [(y_of(p), p) for p in range(low_pct, top_pct + 1, 50)],
        left, top, top + inner_h, left + inner_w, x_of(HIGH_FIDELITY))
