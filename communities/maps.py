"""A map of the French départements shaded by a number (a choropleth), drawn as inline SVG.

The outlines of the 96 metropolitan départements ship with the platform
(`data/france_departements.json`, CC BY 4.0, see its LICENSE file): no tile server, no
JavaScript. The overseas départements are not on that map; they are drawn as a row of labelled
boxes beside it, shaded the same way. Names come from our table of territories.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from .models import Territory

MAP_DATA = Path(__file__).resolve().parent / "data" / "france_departements.json"

# Overseas départements, in the order of their INSEE codes (there is no 975).
OVERSEAS = ("971", "972", "973", "974", "976")

# Zero, then four blues from light to dark (ColorBrewer "Blues"). Each class draws its borders
# in a colour that stands out from its own fill (at least 3:1), so that two neighbours of the
# same class stay apart; neighbours of different classes differ by their fill.
FILLS = ("#eef0f3", "#b3d3ec", "#6baed6", "#2171b5", "#08306b")
STROKES = ("#6b7280", "#4b5563", "#163b68", "#ffffff", "#ffffff")
CLASS_COUNT = len(FILLS)


@dataclass(frozen=True)
class MapShapes:
    view_box: str
    paths: dict[str, str]  # INSEE code → SVG path data


@lru_cache(maxsize=1)
def map_shapes() -> MapShapes:
    """The outlines of the metropolitan départements, read from disk once per process."""
    with MAP_DATA.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return MapShapes(view_box=data["viewBox"], paths=data["paths"])


def class_bounds(maximum: int) -> list[tuple[int, int]]:
    """The ranges (low, high) of the shaded classes, in equal steps from 1 to `maximum`; fewer
    classes than colours when the maximum is small, so that no class is empty by construction."""
    if maximum <= 0:
        return []
    steps = min(CLASS_COUNT - 1, maximum)
    bounds = []
    low = 1
    for step in range(1, steps + 1):
        high = math.ceil(maximum * step / steps)
        bounds.append((low, high))
        low = high + 1
    return bounds


def class_of(count: int, bounds: list[tuple[int, int]]) -> int:
    """The colour class of `count`: 0 for none, then 1 to 4, the darkest for the highest
    range (when there are fewer ranges, they take the darker colours)."""
    if count <= 0 or not bounds:
        return 0
    offset = CLASS_COUNT - len(bounds)
    for index, (_low, high) in enumerate(bounds):
        if count <= high:
            return offset + index
    return CLASS_COUNT - 1


def _department_names() -> dict[str, str]:
    return dict(Territory.objects.departments().values_list("code", "name"))


def _label(name: str, count: int) -> str:
    return ngettext("%(name)s: %(count)s site", "%(name)s: %(count)s sites", count) % {
        "name": name, "count": count}


def _range_label(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _swatch(css_class: int, extra_class: str) -> SafeString:
    return format_html(
        '<svg class="{}" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" '
        'focusable="false"><rect class="choropleth-c{}" x="0.5" y="0.5" width="19" height="19" '
        'fill="{}" stroke="{}"/></svg>',
        extra_class, css_class, FILLS[css_class], STROKES[css_class])


def department_choropleth(counts: dict[str, int], *, title, description, url_for=None,
                          id_prefix: str = "choropleth") -> SafeString:
    """A figure with the map of départements shaded by `counts` (INSEE code → number), the
    overseas départements beside it, and a legend with the bounds of each class.

    Every département carries its name and number in a <title>. With `url_for` (code → URL),
    the départements that have something link to it, e.g. to filter a list; the map is then a
    group of links rather than one image, since an image's content is hidden from assistive
    technologies and its links would be unreachable.
    """
    shapes = map_shapes()
    names = _department_names()
    bounds = class_bounds(max(counts.values(), default=0))

    def area(code: str, shape: SafeString, label: str, count: int) -> SafeString:
        if url_for is None or count <= 0:
            return shape
        return format_html('<a href="{}" aria-label="{}">{}</a>', url_for(code), label, shape)

    paths = []
    for code, path in shapes.paths.items():
        count = counts.get(code, 0)
        css_class = class_of(count, bounds)
        label = _label(names.get(code, code), count)
        shape = format_html(
            '<path class="choropleth-area choropleth-c{}" data-code="{}" data-count="{}" d="{}" '
            'fill="{}" stroke="{}"><title>{}</title></path>',
            css_class, code, count, path, FILLS[css_class], STROKES[css_class], label)
        paths.append(area(code, shape, label, count))

    overseas = []
    for code in OVERSEAS:
        count = counts.get(code, 0)
        css_class = class_of(count, bounds)
        name = names.get(code, code)
        content = format_html(
            '{}<span class="choropleth-name">{}</span> <span class="choropleth-count">{}'
            '<span class="visually-hidden"> {}</span></span>',
            _swatch(css_class, "choropleth-box"), name, count, npgettext("number of adopter sites", "site", "sites", count))
        if url_for is not None and count > 0:
            content = format_html('<a href="{}">{}</a>', url_for(code), content)
        overseas.append(format_html('<li data-code="{}" data-count="{}">{}</li>',
                                    code, count, content))

    legend = [format_html('<li>{}<span>{}</span></li>', _swatch(0, "choropleth-swatch"), "0")]
    offset = CLASS_COUNT - len(bounds)
    legend += [format_html('<li>{}<span>{}</span></li>',
                           _swatch(offset + index, "choropleth-swatch"), _range_label(low, high))
               for index, (low, high) in enumerate(bounds)]

    role = "group" if url_for is not None else "img"
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="choropleth-map" viewBox="{}" '
        'role="{}" aria-labelledby="{}-title" aria-describedby="{}-desc" '
        'preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        shapes.view_box, role, id_prefix, id_prefix, id_prefix, title, id_prefix, description,
        mark_safe("".join(paths)),
    )
    return format_html(
        '<figure class="choropleth" id="{}">'
        '<div class="choropleth-drawing">{}'
        '<ul class="choropleth-overseas" aria-label="{}">{}</ul></div>'
        '<figcaption class="choropleth-caption">'
        '<p class="choropleth-legend-title">{}</p>'
        '<ul class="choropleth-legend">{}</ul>'
        '<p class="choropleth-credit">{}</p>'
        '</figcaption></figure>',
        id_prefix, svg, _("Overseas départements"), mark_safe("".join(overseas)),
        _("Number of sites per département"), mark_safe("".join(legend)),
        format_html(_("Base map: {link}, CC BY 4.0."),
                    link=format_html('<a href="{}">{}</a>',
                                     "https://github.com/VictorCazanave/svg-maps",
                                     "svg-maps (Victor Cazanave)")),
    )

