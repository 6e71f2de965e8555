"""No input to the record's forms, however malformed or large, produces a server error."""

import pytest
from django.urls import reverse

from innovations.services import records as services

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE innovations_innovation; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
    "1e400",
    "NaN",
]

SECTION_FIELDS = {
    "description": ["title", "summary", "is_public_innovation", "problem", "publics", "themes",
                    "objectives", "observed_impacts", "territories", "beneficiaries_per_year",
                    "comment", "base_version"],
    "evidence": ["evidence_level", "evidence_references", "comment", "base_version"],
    "conditions": ["prerequisites", "success_factors", "failure_factors", "comment",
                   "base_version"],
    "scaling": ["objectives", "considered_scale_up", "subtype_scale_up", "subtype_scale_deep",
                "comment", "base_version"],
    "model": ["comment", "base_version"],
    "partners": ["comment", "base_version"],
    "economics": ["comment", "base_version"],
}
ROWS = {
    "model": {"steps": ["id", "title", "description", "ORDER", "DELETE"],
              "core": ["id", "title", "description", "ORDER", "DELETE"],
              "adaptable": ["id", "title", "description", "ORDER", "DELETE"]},
    "partners": {"partners": ["id", "name", "contribution", "phase", "DELETE"]},
    "economics": {"lines": ["id", "category", "label", "nature", "amount", "unit", "period",
                            "DELETE"]},
}


@pytest.fixture
def draft(ines, ines_structure):
    return services.create_innovation(owner=ines_structure, author=ines, title="TAPAJ",
                                      summary="Travail alternatif payé à la journée.")


def nasty_posts(section, value):
    fields = {name: value for name in SECTION_FIELDS[section]}
    yield fields
    yield {name: [value, value] for name in SECTION_FIELDS[section]}
    for prefix, names in ROWS.get(section, {}).items():
        rows = {f"{prefix}-{i}-{name}": value for i in range(2) for name in names}
        management = {f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0"}
        yield {**fields, **rows, **management}
        yield {**fields, **rows, **management, "add": prefix}


def broken_lists(section):
    """Management data of each list tampered with: wrong counts, or none at all."""
    for prefix, names in ROWS.get(section, {}).items():
        rows = {f"{prefix}-{i}-{name}": "1" for i in range(2) for name in names}
        for total in ("abc", "1000000", "-1", "", "9" * 400, "\x00"):
            yield {**rows, f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": "0"}
            yield {**rows, f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": total}
            yield {**rows, "add": prefix, f"{prefix}-TOTAL_FORMS": total}
        yield rows


@pytest.mark.parametrize("section", list(SECTION_FIELDS))
def test_malformed_and_oversized_input_never_breaks_a_section(client, ines, draft, section):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, section])
    for value in NASTY_VALUES:
        for data in nasty_posts(section, value):
            response = client.post(url, data)
            assert response.status_code < 500, (section, value[:20], list(data)[:3])
    for data in broken_lists(section):
        assert client.post(url, data).status_code < 500, (section, data)
    assert client.post(url, {}).status_code < 500
    assert client.post(url, {"add": "nothing"}).status_code < 500
    draft.refresh_from_db()
    assert draft.title == "TAPAJ"


@pytest.mark.parametrize("value", NASTY_VALUES)
def test_malformed_input_never_breaks_creation(client, ines, value):
    client.force_login(ines)
    url = reverse("innovations:innovation_create")
    for data in ({"owner": value, "title": value, "summary": value},
                 {"owner": [value, value], "title": [value], "summary": value}):
        assert client.post(url, data).status_code < 500
    assert client.get(url, {"structure": value}).status_code == 200


@pytest.mark.parametrize("params", [
    {"suggestions": "1", "objectives": "alien"},
    {"suggestions": "1", "objectives": ["\x00", "é" * 5000]},
    {"suggestions": "1", "considered_scale_up": HUGE[:3000]},
])
def test_live_suggestions_survive_any_query_string(client, ines, draft, params):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "scaling"])
    assert client.get(url, params, HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.parametrize("typed", ["", "a", "\x00", HUGE[:5000], "%", "_", "'"])
def test_directory_suggestions_survive_any_name(client, ines, draft, typed):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "partners"])
    assert client.get(url, {"partners-3-name": typed}, HTTP_HX_REQUEST="true").status_code == 200


def test_scripts_in_a_record_are_shown_as_text(client, ines, draft):
    services.update_description(draft, author=ines, title="<script>alert('x')</script>",
                                problem="<img src=x onerror=alert(1)>")
    client.force_login(ines)
    for url in (draft.get_absolute_url(),
                reverse("innovations:innovation_versions", args=[draft.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "<img src=x" not in html
