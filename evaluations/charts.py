"""Accessible SVG charts drawn on the server: no JavaScript library, no CDN.

Each function returns safe SVG markup with role="img", a <title> and a <desc> that says what
the chart shows in words. Bands are told apart by colour, by a pattern and in words (a
legend), never by colour alone. Numbers are written in the active locale ("1 250,5"); the
templates always put the figures in a real table next to the chart ("Voir les données").
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"

# Patterns: a solid bar is on track, hatching is "to watch", cross-hatching is "off track".
PATTERNS = {"watch": "hatch", "off_track": "crosshatch"}


def format_html(template: str, *args) -> SafeString:
    """format_html that leaves numbers as numbers, so that "{:.1f}" places them."""
    return mark_safe(template.format(*[arg if isinstance(arg, int | float | Decimal)
                                       else conditional_escape(arg) for arg in args]))


def band_labels() -> dict[str, str]:
    return {"on_track": _("On track"), "watch": _("To watch"), "off_track": _("Off track"),
            "none": _("No target")}


def fmt(value, places: int | None = None) -> str:
    """A number in the user's locale, with at most two decimals unless `places` says."""
    if value is None:
        return "—"
    value = Decimal(value)
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four gridlines."""
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis(values) -> tuple[float, float, list[float]]:
    """Low and high ends of an axis that holds every value and zero, with its gridlines."""
    numbers = [float(v) for v in values if v is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if low == high:
        high = 1.0
    step = _nice_step(high - low)
    start = step * (low // step)
    ticks = [round(start, 6)]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 6))
    return ticks[0], ticks[-1], ticks


def _defs(prefix: str) -> SafeString:
    return format_html(
        '<defs><pattern id="{0}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="chart-pattern-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="chart-pattern-line"/></pattern>'
        '<pattern id="{0}-crosshatch" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" class="chart-pattern-bg"/>'
        '<path d="M0,0 L6,6 M6,0 L0,6" class="chart-pattern-line"/></pattern></defs>',
        prefix)


def _frame(prefix: str, width: int, height: int, title: str, desc: str,
           body: SafeString, css: str) -> SafeString:
    return format_html(
        '<svg xmlns="{}" class="chart {}" role="img" aria-labelledby="{}-title {}-desc" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        SVG_NS, css, prefix, prefix, width, height, prefix, title, prefix, desc, body)


def _empty(prefix, width, height, title, css) -> SafeString:
    message = _("No data for this selection.")
    body = format_html('<text x="{}" y="{}" text-anchor="middle" class="chart-empty">{}</text>',
                       width / 2, height / 2, message)
    return _frame(prefix, width, height, title, message, body, css)


def _gridlines(ticks, y_of, left, right, unit) -> SafeString:
    """Gridlines with their values; the unit is written once, above the axis."""
    template = ('<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" class="chart-grid{4}"/>'
                '<text x="{5}" y="{2:.1f}" dy="4" text-anchor="end" class="chart-axis">{3}</text>')
    lines = "".join(format_html(template, left, right, y_of(tick), fmt(tick),
                                " chart-zero" if tick == 0 else "", left - 6) for tick in ticks)
    if unit:
        lines += format_html('<text x="0" y="10" class="chart-axis chart-unit">{}</text>', unit)
    return mark_safe(lines)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | int | None
    target: Decimal | float | int | None = None
    band: str = "none"


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, unit: str = "",
              width: int = 640, height: int = 260, legend: bool = True,
              value_axis: bool = True) -> SafeString:
    """Vertical bars (actual per period or per site) with the target as a marker and the band
    as colour, pattern and words; a missing value is a gap labelled as missing.

    Without `value_axis` the chart draws no gridlines nor their values (each bar carries its
    own value), and without `legend` no legend: a printed report gives the legend once for all
    its charts (`bar_legend`), since every word of an SVG costs WeasyPrint a layout per
    letter."""
    if not bars:
        return _empty(chart_id, width, height, title, "bar-chart")
    left, right, top, bottom = (64 if value_axis else 12), 12, 24, (58 if legend else 26)
    inner_w, inner_h = width - left - right, height - top - bottom
    low, high, ticks = _axis([b.value for b in bars] + [b.target for b in bars])

    def y_of(value) -> float:
        return top + inner_h * (high - float(value)) / (high - low)

    slot = inner_w / len(bars)
    bar_w = max(min(slot * 0.6, 48), 2)
    labels = band_labels()
    if value_axis:
        axis = _gridlines(ticks, y_of, left, width - right, unit)
    else:
        axis = format_html('<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" '
                           'class="chart-grid chart-zero"/>', left, width - right, y_of(0))
    parts = [_defs(chart_id), axis]
    words = []
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        centre = x + bar_w / 2
        if bar.value is None:
            parts.append(format_html(
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="chart-missing">{}</text>',
                centre, y_of(0) - 4, _("missing")))
            words.append(_("%(label)s: missing") % {"label": bar.label})
        else:
            y0, y1 = y_of(0), y_of(bar.value)
            y, h = min(y0, y1), max(abs(y1 - y0), 0.5)
            parts.append(format_html(
                '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" class="bar band-{}">'
                '<title>{} : {}</title></rect>',
                x, y, bar_w, h, bar.band, bar.label, fmt(bar.value)))
            if bar.band in PATTERNS:
                parts.append(format_html(
                    '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" '
                    'fill="url(#{}-{})" class="bar-pattern" aria-hidden="true"/>',
                    x, y, bar_w, h, chart_id, PATTERNS[bar.band]))
            value_y = y - 4 if float(bar.value) >= 0 else y + h + 12
            parts.append(format_html(
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="chart-value">{}</text>',
                centre, value_y, fmt(bar.value)))
            words.append(_("%(label)s: %(value)s") % {"label": bar.label,
                                                      "value": fmt(bar.value)})
        if bar.target is not None:
            ty = y_of(bar.target)
            parts.append(format_html(
                '<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" class="chart-target">'
                '<title>{} : {}</title></line>',
                x - 4, x + bar_w + 4, ty, ty, _("Target"), fmt(bar.target)))
            words[-1] += " " + _("(target %(target)s, %(band)s)") % {
                "target": fmt(bar.target), "band": labels.get(bar.band, "")}
        parts.append(format_html(
            '<text x="{:.1f}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
            centre, height - bottom + 16, bar.label))
    if legend:
        parts.append(_legend(chart_id, height - 18, left, [b.band for b in bars],
                             any(b.target is not None for b in bars)))
    desc = " ; ".join(words)
    return _frame(chart_id, width, height, title, desc, mark_safe("".join(parts)), "bar-chart")


def bar_legend(*, chart_id: str, title: str, width: int = 640, height: int = 24) -> SafeString:
    """The legend of the bar charts alone (the three bands, by colour, pattern and words, and
    the target's mark), for a page that draws several charts without their own legend."""
    labels = band_labels()
    desc = " ; ".join([_("%(band)s: %(look)s") % {"band": labels[key], "look": look}
                       for key, look in (("on_track", _("solid bar")),
                                         ("watch", _("hatched bar")),
                                         ("off_track", _("cross-hatched bar")))]
                      + [_("target: dashed line")])
    body = mark_safe(_defs(chart_id) + _legend(chart_id, height - 6, 2,
                                               ["on_track", "watch", "off_track"], True))
    return _frame(chart_id, width, height, title, desc, body, "bar-legend")


def _legend(chart_id, y, left, bands, has_target) -> SafeString:
    labels = band_labels()
    items, x = [], left
    for key in ("on_track", "watch", "off_track"):
        if key not in bands:
            continue
        items.append(format_html(
            '<rect x="{}" y="{}" width="12" height="12" class="bar band-{}"/>', x, y - 10, key))
        if key in PATTERNS:
            items.append(format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="url(#{}-{})"/>',
                x, y - 10, chart_id, PATTERNS[key]))
        items.append(format_html('<text x="{}" y="{}" class="chart-legend">{}</text>',
                                 x + 16, y, labels[key]))
        x += 24 + 8 * len(labels[key])
    if has_target:
        items.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-target"/>'
            '<text x="{}" y="{}" class="chart-legend">{}</text>',
            x, x + 16, y - 4, y - 4, x + 20, y, _("Target")))
    return format_html('<g class="chart-legend-group">{}</g>', mark_safe("".join(items)))


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | float | int | None
    is_pending: bool = False


def line_chart(points: list[Point], *, chart_id: str, title: str, unit: str = "",
               target=None, width: int = 640, height: int = 240) -> SafeString:
    """A trend across periods: validated values as filled dots, values awaiting validation
    as hollow dots (and said so in words), missing periods as gaps in the line."""
    if not any(p.value is not None for p in points):
        return _empty(chart_id, width, height, title, "line-chart")
    left, right, top, bottom = 64, 16, 24, 40
    inner_w, inner_h = width - left - right, height - top - bottom
    low, high, ticks = _axis([p.value for p in points] + [target])

    def y_of(value) -> float:
        return top + inner_h * (high - float(value)) / (high - low)

    step = inner_w / (len(points) - 1) if len(points) > 1 else 0
    xs = [left + (step * i if len(points) > 1 else inner_w / 2) for i in range(len(points))]
    parts = [_gridlines(ticks, y_of, left, width - right, unit)]
    if target is not None:
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" class="chart-target">'
            '<title>{} : {}</title></line>',
            left, width - right, y_of(target), y_of(target), _("Target"), fmt(target)))
    segment, segments = [], []
    for x, point in zip(xs, points, strict=True):
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x:.1f},{y_of(point.value):.1f}")
    if segment:
        segments.append(segment)
    parts.extend(format_html('<polyline points="{}" class="chart-line" fill="none"/>',
                             " ".join(s)) for s in segments if len(s) > 1)
    words = []
    for x, point in zip(xs, points, strict=True):
        if point.value is None:
            words.append(_("%(label)s: missing") % {"label": point.label})
        else:
            state = _("awaiting validation") if point.is_pending else _("validated")
            parts.append(format_html(
                '<circle cx="{:.1f}" cy="{:.1f}" r="4" class="chart-point{}">'
                '<title>{} : {} ({})</title></circle>',
                x, y_of(point.value), " is-pending" if point.is_pending else "",
                point.label, fmt(point.value), state))
            words.append(_("%(label)s: %(value)s (%(state)s)") % {
                "label": point.label, "value": fmt(point.value), "state": state})
        parts.append(format_html(
            '<text x="{:.1f}" y="{}" text-anchor="middle" class="chart-axis">{}</text>',
            x, height - bottom + 16, point.label))
    if target is not None:
        words.append(_("target %(target)s") % {"target": fmt(target)})
    return _frame(chart_id, width, height, title, " ; ".join(words),
                  mark_safe("".join(parts)), "line-chart")


def percent_bar(value, *, chart_id: str, title: str, band: str = "none",
                width: int = 240, height: int = 20) -> SafeString:
    """A horizontal bar for a percentage (clamped to 0–100 % on screen, written in full)."""
    if value is None:
        text = _("missing")
        filled = 0.0
    else:
        text = f"{fmt(value, 0)}\u202f%"
        filled = max(0.0, min(float(value), 100.0)) * width / 100
    body = [format_html('<rect x="0" y="0" width="{}" height="{}" class="percent-track"/>',
                        width, height)]
    if filled:
        body.append(format_html(
            '<rect x="0" y="0" width="{:.1f}" height="{}" class="bar band-{}"/>',
            filled, height, band))
        if band in PATTERNS:
            body.append(format_html(
                '<rect x="0" y="0" width="{:.1f}" height="{}" fill="url(#{}-{})"/>',
                filled, height, chart_id, PATTERNS[band]))
    desc = f"{text} — {band_labels().get(band, '')}" if band != "none" else text
    return _frame(chart_id, width, height, title, desc,
                  mark_safe(_defs(chart_id) + "".join(body)), "percent-bar")
