"""Versions of a record: one per change, with its author, and the comparison of any two."""

import pytest
from django.urls import reverse

from innovations.selectors.records import compare_snapshots, compare_versions, text_diff
from innovations.services import records as services

from ..factories import MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(ines, ines_structure):
    return services.create_innovation(owner=ines_structure, author=ines, title="TAPAJ",
                                      summary="Travail alternatif payé à la journée.")


def test_each_save_adds_a_version_only_when_something_changed(record, ines):
    services.update_conditions(record, author=ines, prerequisites="Un CAARUD.")
    services.update_conditions(record, author=ines, prerequisites="Un CAARUD.")
    services.update_dispositif(record, author=ines, steps=[{"title": "Repérage"}],
                               core_components=[], adaptable_components=[])
    step = record.steps.get()
    services.update_dispositif(record, author=ines, steps=[{"pk": step.pk, "title": "Repérage"}],
                               core_components=[], adaptable_components=[])
    assert list(record.revisions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


def test_versions_credit_each_contributor(record, ines, ines_structure):
    colleague = MembershipFactory(structure=ines_structure).user
    services.update_evidence(record, author=colleague, comment="Évaluation ajoutée",
                             evidence_level="external_evaluation")
    latest = record.revisions.order_by("-number").first()
    assert (latest.number, latest.author, latest.comment) == (2, colleague, "Évaluation ajoutée")


def test_comparing_shows_the_changed_fields_only(record, ines):
    services.update_description(record, author=ines, title="TAPAJ France",
                                summary="Travail alternatif payé à la journée.",
                                themes=[ThemeFactory(name="Jeunesse", slug="jeunesse")])
    comparison = compare_versions(record, 1, 2)
    assert [change.key for change in comparison.changes] == ["title", "themes"]
    title, themes = comparison.changes
    assert (title.kind, title.old, title.new) == ("value", "TAPAJ", "TAPAJ France")
    assert (themes.kind, themes.removed, themes.added) == ("list", [], ["Jeunesse"])


def test_long_texts_are_compared_word_by_word():
    segments = text_diff("Des jeunes en errance à Bordeaux.",
                         "Des jeunes en grande errance à Lyon.")
    changed = [(s.op, s.text) for s in segments if s.op != "equal"]
    assert ("insert", "grande ") in changed or ("insert", "grande") in changed
    assert ("delete", "Bordeaux.") in changed
    assert ("insert", "Lyon.") in changed
    assert "".join(s.text for s in segments if s.op != "insert") == (
        "Des jeunes en errance à Bordeaux.")
    assert "".join(s.text for s in segments if s.op != "delete") == (
        "Des jeunes en grande errance à Lyon.")


def test_very_long_texts_are_compared_line_by_line():
    old = "\n".join(f"ligne {n} " + "mot " * 10 for n in range(400))
    new = old.replace("ligne 200 ", "ligne deux cents ")
    segments = text_diff(old, new)
    assert [s.op for s in segments if s.op != "equal"] == ["delete", "insert"]


def test_lists_show_the_rows_removed_and_added(record, ines):
    services.update_dispositif(record, author=ines, steps=[], adaptable_components=[],
                               core_components=[{"title": "Paiement le jour même"},
                                                {"title": "Bas seuil"}])
    core = {c.title: c.pk for c in record.components.all()}
    services.update_dispositif(record, author=ines, steps=[], adaptable_components=[],
                               core_components=[{"pk": core["Bas seuil"], "title": "Bas seuil"},
                                                {"title": "Binôme éducateur"}])
    [change] = compare_versions(record, 2, 3).changes
    assert change.key == "components"
    assert len(change.removed) == 1 and "Paiement le jour même" in change.removed[0]
    assert len(change.added) == 1 and "Binôme éducateur" in change.added[0]


def test_old_versions_with_other_keys_can_still_be_compared():
    changes = compare_snapshots({"title": "A", "retired_field": 1}, {"title": "A", "new": [1]})
    assert {c.key for c in changes} == {"retired_field", "new"}


# --- The versions page ------------------------------------------------------------------------


@pytest.fixture
def three_versions(record, ines):
    services.update_conditions(record, author=ines, prerequisites="Un CAARUD.")
    services.update_conditions(record, author=ines, prerequisites="Un CAARUD et des chantiers.")
    return record


def versions_url(record):
    return reverse("innovations:innovation_versions", args=[record.pk])


def test_the_versions_page_compares_the_last_two_by_default(client, ines, three_versions):
    client.force_login(ines)
    response = client.get(versions_url(three_versions))
    comparison = response.context["comparison"]
    assert (comparison.old.number, comparison.new.number) == (2, 3)
    assert [c.key for c in comparison.changes] == ["prerequisites"]
    assert [r.number for r in response.context["page"]] == [3, 2, 1]
    html = response.content.decode()
    assert "<del>" in html and "<ins>" in html


def test_the_versions_page_compares_any_two(client, ines, three_versions):
    client.force_login(ines)
    response = client.get(versions_url(three_versions), {"de": "1", "a": "3"})
    comparison = response.context["comparison"]
    assert (comparison.old.number, comparison.new.number) == (1, 3)


@pytest.mark.parametrize("params", [
    {"de": "abc", "a": "3"}, {"de": "1", "a": "999"}, {"de": "-1", "a": "2"},
    {"de": "9" * 40, "a": "1"}, {"de": "1"}, {"a": ["1", "2"]}, {"page": "xyz"},
    {"de": "\x00", "a": "1"},
])
def test_the_versions_page_survives_any_query_string(client, ines, three_versions, params):
    client.force_login(ines)
    response = client.get(versions_url(three_versions), params)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison is not None


def test_a_single_version_has_nothing_to_compare(client, ines, record):
    client.force_login(ines)
    response = client.get(versions_url(record))
    assert response.status_code == 200
    assert response.context["comparison"] is None


@pytest.mark.parametrize(("name", "expected"), [
    ("ines", 200), ("admin", 200), ("bob", 404), ("oscar", 404), ("alice", 404),
])
def test_versions_of_a_draft_are_hidden_like_the_draft(client, cast, ines, record, name,
                                                       expected):
    people = {**cast, "ines": ines}
    client.force_login(people[name])
    assert client.get(versions_url(record)).status_code == expected


def test_versions_of_a_published_record_are_open_to_readers(client, oscar, record):
    record.status = "published"
    record.save(update_fields=["status"])
    client.force_login(oscar)
    assert client.get(versions_url(record)).status_code == 200


def test_versions_page_query_count_does_not_grow(client, ines, record,
                                                 django_assert_max_num_queries):
    client.force_login(ines)

    def count():
        # session, user, record with its owner, count of versions, page of versions with
        # their authors, the last two numbers, the two versions compared
        with django_assert_max_num_queries(8) as captured:
            assert client.get(versions_url(record)).status_code == 200
        return len(captured.captured_queries)

    services.update_conditions(record, author=ines, prerequisites="v2")
    small = count()
    for n in range(40):
        services.update_conditions(record, author=ines, prerequisites=f"v{n + 3}")
    assert count() == small
