"""Messages are written in markdown and shown as sanitised HTML: whatever a person types,
a script or a style never reaches another person's browser."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a",
    "h3", "h4", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then only harmless tags kept; raw HTML typed by the author is shown
    as text, and links open nowhere but http(s) and mailto."""
    html = markdown.markdown(escape_html(text or ""), extensions=["sane_lists", "nl2br"],
                             output_format="html")
    # Code spans escape again what escape_html already escaped: undo that one level.
    html = html.replace("&amp;lt;", "&lt;").replace("&amp;amp;", "&amp;")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def escape_html(text: str) -> str:
    # Only < and & need escaping for HTML typed in a message to stay text; markdown's own
    # syntax (>, *, _, `) keeps working.
    return text.replace("&", "&amp;").replace("<", "&lt;")
