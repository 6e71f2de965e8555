"""The project report's lighter print drawing: charts without gridline values nor a legend of
their own (the chapter gives one legend), map outlines straightened, and a contents page with
fewer leader boxes; the dashboards' charts are drawn as before."""

import base64
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext

from evaluations.charts import Bar, band_labels, bar_chart, bar_legend
from evaluations.reports import project_report

from ..factories import ScalingProjectFactory
from .test_reports_builders import html_of

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(markup):
    root = ET.fromstring(str(markup))
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text and root.find("svg:desc", NS).text
    return root


def texts(root, cls):
    return [text.text for text in root.iter(f"{SVG}text") if text.get("class") == cls]


BARS = [Bar("T1 2025", 1250, 2000, "watch"), Bar("T2 2025", 2400, 2000, "on_track"),
        Bar("T3 2025", None, 2000)]


def test_a_print_chart_keeps_its_bars_values_targets_and_periods_but_no_axis_nor_legend():
    root = parse(bar_chart(BARS, chart_id="c", title="Personnes", unit="personnes",
                           legend=False, value_axis=False))

    assert texts(root, "chart-value") == ["1\xa0250", "2\xa0400"]
    assert texts(root, "chart-axis") == ["T1 2025", "T2 2025", "T3 2025"]  # no gridline value
    assert texts(root, "chart-missing")  # a missing period is still said
    assert "personnes" not in ET.tostring(root, encoding="unicode")
    assert root.find(".//svg:g[@class='chart-legend-group']", NS) is None
    targets = [line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-target"]
    assert len(targets) == 3
    grid = [line for line in root.iter(f"{SVG}line") if "chart-grid" in line.get("class", "")]
    assert [line.get("class") for line in grid] == ["chart-grid chart-zero"]
    # The bars still tell the band by a pattern, and the description in words.
    assert any((rect.get("fill") or "").startswith("url(#c-hatch") for rect in root.iter(
        f"{SVG}rect"))
    assert band_labels()["watch"] in root.find("svg:desc", NS).text


def test_a_print_chart_stands_on_zero_with_its_bars_in_proportion():
    root = parse(bar_chart([Bar("T1", 10), Bar("T2", 40)], chart_id="c", title="x",
                           height=228, legend=False, value_axis=False))
    zero = float(next(line for line in root.iter(f"{SVG}line")
                      if "chart-zero" in line.get("class", "")).get("y1"))
    bars = [rect for rect in root.iter(f"{SVG}rect") if "bar" in rect.get("class", "").split()]

    assert [float(bar.get("y")) + float(bar.get("height")) for bar in bars] == [
        pytest.approx(zero, abs=0.2)] * 2
    assert float(bars[1].get("height")) == pytest.approx(4 * float(bars[0].get("height")),
                                                         rel=0.02)
    assert zero < 228 - 20  # the period labels fit below it


def test_the_dashboards_chart_keeps_its_axis_and_legend_by_default():
    root = parse(bar_chart(BARS, chart_id="c", title="x", unit="personnes"))

    assert "2\xa0000" in texts(root, "chart-axis")  # a gridline's value
    assert "personnes" in texts(root, "chart-axis chart-unit")
    assert root.find(".//svg:g[@class='chart-legend-group']", NS) is not None


def test_the_legend_alone_names_each_band_its_pattern_and_the_target():
    root = parse(bar_legend(chart_id="legend", title="Légende"))
    labels = band_labels()

    assert texts(root, "chart-legend") == [labels["on_track"], labels["watch"],
                                           labels["off_track"], "Cible"]
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.get("fill")]
    assert "url(#legend-hatch)" in fills and "url(#legend-crosshatch)" in fills
    description = root.find("svg:desc", NS).text
    assert all(labels[key] in description for key in ("on_track", "watch", "off_track"))


def test_the_report_gives_the_legend_once_and_its_charts_none(programme):
    from .reports_support import project_of_sites

    project = ScalingProjectFactory(programme=programme)
    project_of_sites(project, 2, indicators=3, quarters=10)

    context = project_report.build_context(project, {})
    html = html_of("project_report", project)

    for row in context["dashboard"].rows:
        assert "chart-legend-group" not in row.chart and "chart-unit" not in row.chart
        assert len(re.findall(r'class="chart-value"', row.chart)) == 8  # its latest periods
    images = re.findall(r'<img class="chart bar-legend" src="data:image/svg\+xml;base64,'
                        r'([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 1
    legend = base64.b64decode(images[0][0]).decode()
    assert "<style>" in legend and "chart-legend-group" in legend
    title = conditional_escape(gettext("Legend of the indicators' charts"))
    assert images[0][1].startswith(f"{title} — ")
    assert html.count('<img class="chart bar-chart"') == 3


def test_a_report_without_charts_has_no_legend(programme):
    project = ScalingProjectFactory(programme=programme)

    assert project_report.build_context(project, {})["chart_legend"] == ""
    assert "bar-legend" not in html_of("project_report", project)


def test_outlines_lose_the_points_that_barely_stray_and_keep_their_corners():
    # A square whose sides wobble by 0.3 units, and a notch of 5 units on its last side.
    svg = ('<path d="m 0,0 10,0.3 10,-0.3 10,0.3 10,-0.3 0,40 -15,0 -5,5 -5,-5 -15,0 z"/>')

    thinned = project_report.lighter_outlines(svg, tolerance=2)

    assert 'd="M0.0 0.0 40.0 0.0 40.0 40.0 25.0 40.0 20.0 45.0 15.0 40.0 0.0 40.0Z"' in thinned


def test_the_contents_leader_repeats_several_dots_at_a_time():
    css = open(finders.find("css/reports.css"), encoding="utf-8").read()

    leader = re.search(r'\.toc a::after \{\s*content: leader\("([^"]*)"\)', css)
    assert leader and len(leader.group(1)) > 1 and set(leader.group(1)) == {"."}
