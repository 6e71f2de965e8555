"""The map of départements shaded by a number: well-formed, accessible SVG, the right class for
each département, a legend with the bounds of the classes, and nothing typed left unescaped."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from communities.maps import (
    FILLS,
    OVERSEAS,
    class_bounds,
    class_of,
    department_choropleth,
    map_shapes,
)
from communities.models import Territory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def draw(counts, **kwargs):
    kwargs.setdefault("title", "Sites by département")
    kwargs.setdefault("description", "A map of France.")
    return ET.fromstring(str(department_choropleth(counts, **kwargs)))


def paths_by_code(figure):
    return {path.get("data-code"): path for path in figure.iter(f"{SVG}path")}


def css_class(element) -> int:
    classes = [c for c in element.get("class").split() if c.startswith("choropleth-c")]
    assert len(classes) == 1
    return int(classes[0].removeprefix("choropleth-c"))


def legend(figure) -> list[str]:
    items = figure.find(".//ul[@class='choropleth-legend']")
    return [item.find("span").text for item in items]


# --- The shipped map ---------------------------------------------------------------------------


def test_the_map_and_its_overseas_boxes_cover_every_departement_of_our_table():
    shapes = map_shapes()
    codes = set(Territory.objects.departments().values_list("code", flat=True))
    assert len(shapes.paths) == 96
    assert set(shapes.paths) | set(OVERSEAS) == codes
    assert not set(shapes.paths) & set(OVERSEAS)
    assert shapes.view_box == "0 0 613 585"


def test_the_map_is_read_from_disk_once():
    assert map_shapes() is map_shapes()


# --- Classes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("maximum", "bounds"), [
    (0, []),
    (1, [(1, 1)]),
    (3, [(1, 1), (2, 2), (3, 3)]),
    (4, [(1, 1), (2, 2), (3, 3), (4, 4)]),
    (5, [(1, 2), (3, 3), (4, 4), (5, 5)]),
    (10, [(1, 3), (4, 5), (6, 8), (9, 10)]),
    (200, [(1, 50), (51, 100), (101, 150), (151, 200)]),
])
def test_classes_are_equal_steps_up_to_the_maximum(maximum, bounds):
    assert class_bounds(maximum) == bounds


def test_the_highest_class_is_always_the_darkest():
    assert class_of(0, class_bounds(10)) == 0
    assert [class_of(n, class_bounds(10)) for n in (1, 3, 4, 5, 6, 8, 9, 10)] == [
        1, 1, 2, 2, 3, 3, 4, 4]
    # Fewer classes than colours: they take the darker ones.
    assert class_of(1, class_bounds(1)) == 4
    assert [class_of(n, class_bounds(2)) for n in (1, 2)] == [3, 4]


# --- The drawing -------------------------------------------------------------------------------


def test_the_figure_is_well_formed_and_the_map_an_image_with_title_and_description():
    figure = draw({"58": 3})
    svg = figure.find(f".//{SVG}svg")
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title.text == "Sites by département"
    assert desc.text == "A map of France."
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    assert len(paths_by_code(figure)) == 96


def test_each_departement_gets_the_class_of_its_count_and_says_it_in_its_title():
    figure = draw({"58": 10, "38": 1, "75": 5, "2A": 7})
    paths = paths_by_code(figure)
    assert css_class(paths["58"]) == 4
    assert css_class(paths["38"]) == 1
    assert css_class(paths["75"]) == 2
    assert css_class(paths["2A"]) == 3
    assert css_class(paths["01"]) == 0
    assert paths["58"].get("fill") == FILLS[4]
    assert paths["58"].get("data-count") == "10"
    assert paths["58"].find(f"{SVG}title").text == "Nièvre: 10 sites"
    assert paths["38"].find(f"{SVG}title").text == "Isère: 1 site"
    assert paths["01"].find(f"{SVG}title").text == "Ain: 0 sites"
    assert legend(figure) == ["0", "1–3", "4–5", "6–8", "9–10"]


def test_overseas_departements_are_boxes_shaded_the_same_way():
    figure = draw({"974": 4, "58": 4})
    boxes = {item.get("data-code"): item for item in
             figure.find(".//ul[@class='choropleth-overseas']")}
    assert list(boxes) == ["971", "972", "973", "974", "976"]
    reunion = boxes["974"]
    assert reunion.get("data-count") == "4"
    assert css_class(reunion.find(".//rect")) == css_class(paths_by_code(figure)["58"]) == 4
    assert "La Réunion" in "".join(reunion.itertext())
    assert css_class(boxes["976"].find(".//rect")) == 0


def test_zero_everywhere_draws_a_grey_map_without_links():
    figure = draw({}, url_for=lambda code: f"/?department={code}")
    assert {css_class(path) for path in paths_by_code(figure).values()} == {0}
    assert not list(figure.iter(f"{SVG}a"))
    assert not figure.find(".//ul[@class='choropleth-overseas']").findall(".//a")
    assert legend(figure) == ["0"]


def test_departements_with_sites_link_to_the_list_and_the_map_becomes_a_group_of_links():
    figure = draw({"58": 2, "38": 0, "971": 1},
                  url_for=lambda code: f"/annuaire/?status=launched&department={code}")
    svg = figure.find(f".//{SVG}svg")
    assert svg.get("role") == "group"
    links = list(svg.iter(f"{SVG}a"))
    assert [link.find(f"{SVG}path").get("data-code") for link in links] == ["58"]
    assert links[0].get("href") == "/annuaire/?status=launched&department=58"
    assert links[0].get("aria-label") == "Nièvre: 2 sites"
    overseas_links = figure.find(".//ul[@class='choropleth-overseas']").findall(".//a")
    assert [a.get("href") for a in overseas_links] == ["/annuaire/?status=launched&department=971"]


def test_what_the_caller_passes_is_escaped():
    html = str(department_choropleth(
        {"58": 1}, title='<script>alert("t")</script> & co', description="<b>d</b>",
        url_for=lambda code: f'/x/"><script>alert(1)</script>?d={code}'))
    assert "<script>" not in html
    assert "<b>" not in html
    figure = ET.fromstring(html)
    svg = figure.find(f".//{SVG}svg")
    assert svg.find(f"{SVG}title").text == '<script>alert("t")</script> & co'
    assert svg.find(f"{SVG}desc").text == "<b>d</b>"
    link = next(svg.iter(f"{SVG}a"))
    assert link.get("href") == '/x/"><script>alert(1)</script>?d=58'


def test_the_legend_credits_the_base_map():
    figure = draw({})
    credit = figure.find(".//p[@class='choropleth-credit']")
    assert "CC BY 4.0" in "".join(credit.itertext())
    assert credit.find("a").get("href") == "https://github.com/VictorCazanave/svg-maps"

