"""Checks over every template of the project, for mistakes a page shows rather than raises."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
TEMPLATES = sorted(path for directory in TEMPLATE_DIRS for path in directory.rglob("*")
                   if path.suffix in {".html", ".txt", ".ics", ".xml"})


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(path.parents[1])))
def test_one_line_comments_close_on_their_line(path):
    # Django's {# #} comment is one line only: an unclosed one is printed on the page as text.
    unclosed = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.count("{#") > line.count("#}")]

    assert unclosed == [], f"{path}: {{# without #}} on lines {unclosed}: use {{% comment %}}"
