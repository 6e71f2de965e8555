"""Messages are written in markdown and shown as sanitised HTML: whatever a person types,
a script or a style never reaches another person's browser."""

import re
from collections.abc import Iterable
from html import escape

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from .mentions import find_mentions

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a",
    "h3", "h4", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


# A mention is marked in the text by characters nobody types (Unicode private use), which
# markdown leaves alone, then turned into a <span> before nh3 sanitises the whole.
MENTION_OPEN, MENTION_CLOSE = "\ue000", "\ue001"
MENTION_MARK = re.compile(f"{MENTION_OPEN}(\\d+){MENTION_CLOSE}")
TAG = re.compile(r"<[^<>]*>")


def render_markdown(text: str, *, mentions: Iterable[str] = ()) -> SafeString:
    """Markdown to HTML, then only harmless tags kept; raw HTML typed by the author is shown
    as text, and links open nowhere but http(s) and mailto. The "@Name" of each name in
    `mentions` is highlighted."""
    text, marked = _mark_mentions(text or "", mentions)
    html = markdown.markdown(escape_html(text), extensions=["sane_lists", "nl2br"],
                             output_format="html")
    # Code spans escape again what escape_html already escaped: undo that one level.
    html = html.replace("&amp;lt;", "&lt;").replace("&amp;amp;", "&amp;")
    tag_attribute_values = None
    if marked:
        # Inside a tag (a link's title), a mention stays plain text.
        html = TAG.sub(lambda tag: MENTION_MARK.sub(
            lambda match: escape(marked[int(match[1])]), tag[0]), html)
        html = MENTION_MARK.sub(
            lambda match: f'<span class="mention">{escape(marked[int(match[1])])}</span>', html)
        tag_attribute_values = {"span": {"class": {"mention"}}}
    clean = nh3.clean(html, tags=ALLOWED_TAGS | ({"span"} if marked else set()),
                      attributes=ALLOWED_ATTRIBUTES, tag_attribute_values=tag_attribute_values,
                      url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def _mark_mentions(text: str, names: Iterable[str]) -> tuple[str, list[str]]:
    text = text.replace(MENTION_OPEN, "").replace(MENTION_CLOSE, "")
    found = find_mentions(text, names) if names else []
    marked, pieces, position = [], [], 0
    for mention in found:
        pieces += [text[position:mention.start],
                   f"{MENTION_OPEN}{len(marked)}{MENTION_CLOSE}"]
        marked.append(text[mention.start:mention.end])
        position = mention.end
    pieces.append(text[position:])
    return "".join(pieces), marked


def escape_html(text: str) -> str:
    # Only < and & need escaping for HTML typed in a message to stay text; markdown's own
    # syntax (>, *, _, `) keeps working.
    return text.replace("&", "&amp;").replace("<", "&lt;")
