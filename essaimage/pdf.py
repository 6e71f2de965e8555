"""HTML to PDF with WeasyPrint, for the reports (essaimage.reports).

WeasyPrint fetches what the HTML links to; here it may only read our own static files (the
report stylesheet, fonts, images) and data: URIs. Nothing leaves the machine: a report that
quotes a user's link to an image elsewhere does not make the server fetch it.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Tagged PDF (structure tree, reading order, alternative texts of the SVG charts) for screen
# readers. WeasyPrint 70 also offers pdf_variant="pdf/ua-1", which adds the PDF/UA
# identification on top of the same tags; it is declared experimental, so we tag without
# claiming conformance.
PDF_OPTIONS = {"pdf_tags": True, "optimize_images": True}


class StaticOnlyFetcher(URLFetcher):
    """Serve the static files the report links to; refuse every other address."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "http", "https", "file"}, timeout=5)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise ValueError(f"Reports only read static files: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": content_type})


def static_path(url: str) -> Path | None:
    """The file a static address points to, found as `collectstatic` would find it."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(urlsplit(url).path)
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix):]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return Path(found) if found else None


def html_to_pdf_with_pages(html: str, base_url: str | None = None) -> tuple[bytes, int]:
    """The PDF of `html` and its number of pages (known from the layout, for free)."""
    document = HTML(string=html, base_url=base_url or settings.SITE_URL,
                    url_fetcher=StaticOnlyFetcher()).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of `html`, its relative links resolved against `base_url`."""
    return html_to_pdf_with_pages(html, base_url)[0]
