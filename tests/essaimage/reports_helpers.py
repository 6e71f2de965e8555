"""Reading the PDF reports in tests, with poppler's tools (pdftotext, pdfinfo)."""

import re
import subprocess


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, page after page (pages end with a form feed)."""
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()


def pdf_info(pdf: bytes) -> dict:
    output = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode()
    return dict(re.findall(r"^([^:]+):\s*(.*)$", output, flags=re.MULTILINE))


def squeeze(text: str) -> str:
    """Text with its runs of spaces (and no-break spaces) made one, to look for phrases."""
    return re.sub(r"[ \u00a0\u202f]+", " ", text)
