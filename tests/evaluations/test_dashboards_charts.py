"""The SVG charts: valid markup, accessible names, values placed in proportion."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from evaluations.charts import (
    Bar,
    Point,
    band_labels,
    bar_chart,
    fmt,
    line_chart,
    percent_bar,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(markup):
    root = ET.fromstring(str(markup))
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert set(labelled) <= ids  # the title and the description exist
    assert root.find("svg:title", NS).text and root.find("svg:desc", NS).text
    return root


def bars_of(root):
    return [rect for rect in root.iter(f"{{{NS['svg']}}}rect")
            if "bar" in (rect.get("class") or "").split() and rect.find("svg:title", NS)
            is not None]


def test_bars_are_proportional_to_their_values():
    root = parse(bar_chart([Bar("T1", 10), Bar("T2", 20), Bar("T3", 40)], chart_id="c",
                           title="Personnes accompagnées"))
    heights = [float(rect.get("height")) for rect in bars_of(root)]

    assert heights[1] == pytest.approx(2 * heights[0], rel=0.02)
    assert heights[2] == pytest.approx(4 * heights[0], rel=0.02)


def test_axis_labels_and_values_are_in_french_number_format():
    root = parse(bar_chart([Bar("T1", Decimal("1250.5"), target=Decimal("2000"),
                                band="watch")], chart_id="c", title="Nuitées"))
    texts = [text.text for text in root.iter(f"{{{NS['svg']}}}text")]

    assert "1\xa0250,50" in texts
    assert "2\xa0000" in texts  # a gridline
    assert "1\xa0250,50" in root.find("svg:desc", NS).text


def test_a_band_is_told_by_a_pattern_and_in_words_not_only_by_colour():
    root = parse(bar_chart([Bar("T1", 50, target=100, band="off_track")], chart_id="c",
                           title="x"))
    patterns = [rect for rect in root.iter(f"{{{NS['svg']}}}rect")
                if (rect.get("fill") or "").startswith("url(#c-crosshatch")]

    assert patterns
    assert band_labels()["off_track"] in root.find("svg:desc", NS).text
    assert any(text.get("class") == "chart-legend" for text in root.iter(
        f"{{{NS['svg']}}}text"))


def test_negative_values_hang_below_the_zero_line():
    root = parse(bar_chart([Bar("T1", 30), Bar("T2", -10)], chart_id="c", title="Solde"))
    zero = next(line for line in root.iter(f"{{{NS['svg']}}}line")
                if "chart-zero" in line.get("class"))
    up, down = bars_of(root)
    zero_y = float(zero.get("y1"))

    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(zero_y, abs=0.2)
    assert float(down.get("y")) == pytest.approx(zero_y, abs=0.2)
    assert float(up.get("height")) == pytest.approx(3 * float(down.get("height")), rel=0.05)


def test_all_zero_and_empty_data_still_give_a_valid_chart():
    root = parse(bar_chart([Bar("T1", 0), Bar("T2", 0)], chart_id="c", title="x"))
    assert len(bars_of(root)) == 2
    empty = parse(bar_chart([], chart_id="e", title="Rien"))
    assert not bars_of(empty)
    assert parse(line_chart([Point("T1", None)], chart_id="l", title="Rien")) is not None


def test_a_missing_value_is_written_missing_not_drawn_as_zero():
    root = parse(bar_chart([Bar("T1", 10), Bar("T2", None)], chart_id="c", title="x"))

    assert len(bars_of(root)) == 1
    assert "T2" in root.find("svg:desc", NS).text


def test_the_line_breaks_over_missing_periods_and_marks_pending_values():
    root = parse(line_chart([Point("T1", 10), Point("T2", 20), Point("T3", None),
                             Point("T4", 40, is_pending=True), Point("T5", 30)],
                            chart_id="l", title="Tendance", target=35))
    lines = list(root.iter(f"{{{NS['svg']}}}polyline"))
    circles = list(root.iter(f"{{{NS['svg']}}}circle"))

    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert len(circles) == 4
    assert ["is-pending" in c.get("class") for c in circles] == [False, False, True, False]
    ys = [float(c.get("cy")) for c in circles]
    assert ys[0] - ys[1] == pytest.approx((ys[0] - ys[2]) / 3, rel=0.02)  # 10, 20, 40


def test_the_percent_bar_is_clamped_on_screen_and_written_in_full():
    root = parse(percent_bar(Decimal("130"), chart_id="p", title="Fidélité"))
    filled = [rect for rect in root.iter(f"{{{NS['svg']}}}rect")
              if "band-none" in (rect.get("class") or "")]

    assert float(filled[0].get("width")) == 240
    assert "130" in root.find("svg:desc", NS).text
    half = parse(percent_bar(50, chart_id="q", title="x"))
    assert float([r for r in half.iter(f"{{{NS['svg']}}}rect")
                  if "band-none" in (r.get("class") or "")][0].get("width")) == 120


def test_text_is_escaped():
    root = parse(bar_chart([Bar("<script>", 1)], chart_id="c", title="a & b"))
    assert root.find("svg:title", NS).text == "a & b"


def test_numbers_follow_the_locale():
    assert fmt(Decimal("1234.5")) == "1\xa0234,50"
    assert fmt(Decimal("12")) == "12"
    assert fmt(None) == "—"


def test_the_axis_reaches_above_the_highest_value_or_target():
    root = parse(bar_chart([Bar("T1", 113505, target=441864)], chart_id="c", title="x"))
    target = next(line for line in root.iter(f"{{{NS['svg']}}}line")
                  if line.get("class") == "chart-target" and line.find("svg:title", NS)
                  is not None)
    top = min(float(line.get("y1")) for line in root.iter(f"{{{NS['svg']}}}line")
              if "chart-grid" in (line.get("class") or ""))

    assert float(target.get("y1")) >= top
