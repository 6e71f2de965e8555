"""Template tools of the PDF reports: French typography, numbers in the reader's locale, and
the panel that requests a report and lists its history on the page it is about."""

import base64
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

NNBSP = "\u202f"  # narrow no-break space: « espace fine insécable »
# Whitespace before a high punctuation mark, and inside French quotation marks.
_BEFORE_HIGH = re.compile(r"[ \u00a0\u202f]+([;:!?])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")


def french_typography(text: str) -> str:
    """Narrow no-break spaces before ; : ! ? (where a space was typed, so that URLs, times and
    HTML entities are left alone) and inside « »."""
    text = _BEFORE_HIGH.sub(NNBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    return _BEFORE_CLOSING.sub(NNBSP + "»", text)


_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(style|script)\b", re.IGNORECASE)


def french_typography_html(html: str) -> str:
    """French typography applied to the text of a whole HTML document, never inside its tags,
    stylesheets or scripts: the words of the templates get it as well as the data."""
    parts = _TAG.split(html)
    raw = None
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            opening = _RAW.match(part)
            if opening:
                raw = opening.group(1).lower()
            elif raw and part.lower().startswith(f"</{raw}"):
                raw = None
        elif raw is None and part:
            parts[index] = french_typography(part)
    return "".join(parts)


@register.filter(is_safe=True, needs_autoescape=True)
def fr_typo(value, autoescape=True):
    """French typography for the text of a report, when the report speaks French."""
    text = conditional_escape(value) if autoescape else str(value)
    if not (get_language() or "").startswith("fr"):
        return text
    result = french_typography(str(text))
    return mark_safe(result) if autoescape or hasattr(text, "__html__") else result


@register.filter
def num(value, places=None):
    """A number in the reader's locale, thousands grouped ("12 500,5"); a dash when missing.
    `places` fixes the decimals; by default whole numbers have none and others at most two."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if places in (None, ""):
        places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def report_panel(context, subject, kind_key, params=None):
    """The panel of one kind of report about `subject`: its state, its history, a button to
    ask for it. Renders nothing when the kind is not registered or the reader may not read it,
    so that a page can include panels of apps it does not know."""
    from essaimage.views_reports import panel_context

    request = context.get("request")
    if request is None or subject is None:
        return ""
    panel = panel_context(request, kind_key, subject)
    if panel is None:
        return ""
    return render_to_string("reports/_panel.html", panel, request=request)


@register.simple_tag
def report_static(path: str) -> str:
    """The address of a static file for WeasyPrint, under its own name: the PDF fetcher
    reads it from the app folders or STATIC_ROOT, whatever the manifest says (essaimage.pdf)."""
    return "/" + settings.STATIC_URL.strip("/") + "/" + path.lstrip("/")


@lru_cache(maxsize=1)
def _chart_rules() -> str:
    path = finders.find("css/reports-charts.css")
    return Path(path).read_text(encoding="utf-8") if path else ""


_SVG_CLASS = re.compile(r'class="([^"]*)"')
_SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_SVG_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


@register.filter(is_safe=True)
def chart_svg(svg):
    """A chart of evaluations.charts ready for print: the same vector SVG, with its style rules
    inside it, embedded as an image whose alternative text is the chart's title and
    description. WeasyPrint draws an SVG apart from the page's stylesheet, and an image is
    laid out and tagged (a figure with its alternative text) at a fraction of the cost of
    an inline <svg> tree."""
    text = str(svg or "")
    start = text.find("<svg")
    end = text.find(">", start)
    if start < 0 or end < 0:
        return svg
    classes = _SVG_CLASS.search(text, start, end)
    title, desc = _SVG_TITLE.search(text), _SVG_DESC.search(text)
    # Title and description are already escaped by the chart: they go into the attribute as is.
    alt = " — ".join(part.group(1).strip() for part in (title, desc) if part)
    styled = f"{text[:end + 1]}<style>{_chart_rules()}</style>{text[end + 1:]}"
    data = base64.b64encode(styled.encode()).decode("ascii")
    return mark_safe(f'<img class="{classes.group(1) if classes else "chart"}" '
                     f'src="data:image/svg+xml;base64,{data}" alt="{alt}">')
