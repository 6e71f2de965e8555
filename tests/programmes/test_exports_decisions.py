"""The project's register of decisions, under its Governance tab: the list page with its
filters (body, meeting, kind, dates) and its exports as CSV and XLSX, for every role."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from essaimage.exports import headers
from programmes.exports import DECISION_COLUMNS

from ..essaimage.export_helpers import column, read_csv, read_xlsx, xlsx_rows
from ..factories import MeetingFactory, ProgrammeFactory, ScalingProjectFactory
from .registers_cast import (  # noqa: F401 - governance is a fixture
    assert_rows_or_404,
    assert_sent_to_sign_in,
    governance,
    paris,
    roles,
    sign_in,
)

pytestmark = pytest.mark.django_db

GATE = "Go pour la phase de mobilisation."
SELECTION = "@Trois sites retenus : Nevers, Grenoble, Lyon."
TOOL = "Choisir un outil de suivi commun."
ALL = [TOOL, GATE, SELECTION]
STEERING = [GATE, SELECTION]


def list_url(project):
    return reverse("programmes:decision_list", args=[project.pk])


def export_url(project, fmt):
    return reverse("programmes:decision_export", args=[project.pk, fmt])


def texts(response) -> list[str]:
    return [decision.text for decision in response.context["page"].object_list]


def exported(rows) -> list[str]:
    return [text[1:] if text.startswith("'") else text for text in column(rows, 4)]


def exported_texts(response, fmt) -> list[str]:
    if fmt == "csv":
        return exported(read_csv(response)[1:])
    return column(xlsx_rows(read_xlsx(response)), 4)


# --- The list page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), roles(ALL, STEERING))
def test_each_role_sees_the_decisions_it_may_read(client, pipeline_cast, ines, project,
                                                  governance, name, expected):
    sign_in(client, pipeline_cast, ines, name)
    assert_rows_or_404(client.get(list_url(project)), expected, texts)


def test_the_page_links_each_decision_to_its_meeting(client, alice, project, governance):
    client.force_login(alice)
    html = client.get(list_url(project), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="{governance["first"].get_absolute_url()}#decisions"' in html
    assert "Passage d&#x27;étape" in html
    assert "<caption" in html
    assert f'href="{export_url(project, "xlsx")}"' in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"meeting": "first"}, STEERING),
    ({"body": "technical"}, [TOOL]),
    ({"kind": "gate"}, [GATE]),
    ({"date_from": "2025-04-01"}, [TOOL]),
    ({"date_to": "2025-03-10"}, STEERING),
    ({"meeting": "workshop", "kind": "gate"}, []),
    ({"kind": "nope"}, ALL),
])
def test_the_filters_apply_to_the_page_and_both_exports(client, alice, project, governance,
                                                        query, expected):
    for name in ("meeting", "body"):
        if name in query:
            query = {**query, name: governance[query[name]].pk}
    client.force_login(alice)
    assert texts(client.get(list_url(project), {**query, "page": "1"})) == expected
    assert exported(read_csv(client.get(export_url(project, "csv"), query))[1:]) == expected
    assert column(xlsx_rows(read_xlsx(client.get(export_url(project, "xlsx"), query))),
                  4) == expected


def test_a_committee_member_cannot_filter_their_way_to_another_committee(
        client, camille, project, governance):
    client.force_login(camille)
    for query in ({"meeting": governance["workshop"].pk},
                  {"body": governance["technical"].pk}):
        assert texts(client.get(list_url(project), query)) == STEERING
        assert exported(read_csv(client.get(export_url(project, "csv"), query))[1:]) == STEERING


def test_the_meeting_filter_offers_only_readable_meetings(client, camille, project,
                                                         governance):
    client.force_login(camille)
    form = client.get(list_url(project)).context["filterset"].form
    offered = {meeting.pk for meeting in form.fields["meeting"].queryset}
    assert offered == {governance["first"].pk, governance["second"].pk}


def test_the_list_is_paginated(client, alice, project, steering_committee):
    meeting = MeetingFactory(body=steering_committee)
    for number in range(51):
        meeting.decisions.create(text=f"Décision {number}")
    client.force_login(alice)
    assert len(client.get(list_url(project)).context["page"].object_list) == 50
    assert len(client.get(list_url(project), {"page": 2}).context["page"].object_list) == 1


def test_list_query_count_does_not_grow(client, alice, project, governance,
                                        django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        # session, user, project, staff (tabs), the bodies and meetings of the filter, the
        # count and the page of decisions with their meetings and bodies, the tabs' checks
        with django_assert_max_num_queries(15) as context:
            assert client.get(list_url(project)).status_code == 200
        return len(context.captured_queries)

    before = count()
    for number in range(30):
        governance["workshop"].decisions.create(text=f"Décision {number}")
    assert count() == before


# --- The exports ------------------------------------------------------------------------------


def test_csv_has_french_headers_dates_and_neutralised_formulas(client, alice, project,
                                                               governance):
    client.force_login(alice)
    response = client.get(export_url(project, "csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers(DECISION_COLUMNS)
    assert rows[0][0] == "Date" and rows[0][2:5] == ["Réunion", "Type", "Décision"]
    assert rows[2][:5] == ["10/03/2025", "Comité de pilotage TAPAJ", "COPIL de lancement",
                           "Passage d'étape", GATE]
    assert rows[3][3:5] == ["Sélection des essaimés", "'" + SELECTION]
    assert f'filename="decisions-{project.pk}-' in response["Content-Disposition"]


def test_xlsx_has_real_dates_and_plain_strings(client, alice, project, governance):
    client.force_login(alice)
    sheet = read_xlsx(client.get(export_url(project, "xlsx")))

    selection = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert selection[0].value == datetime(2025, 3, 10) and selection[0].is_date
    assert selection[4].value == SELECTION and selection[4].data_type == "s"
    assert selection[5].is_date


@pytest.mark.parametrize(("name", "expected"), roles(ALL, STEERING))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_role_exports_the_decisions_it_may_read(client, pipeline_cast, ines, project,
                                                     governance, name, expected, fmt):
    sign_in(client, pipeline_cast, ines, name)
    assert_rows_or_404(client.get(export_url(project, fmt)), expected,
                       lambda response: exported_texts(response, fmt))


def test_a_funder_gets_nothing_of_a_programme_it_does_not_fund(client, fanny, ansa):
    project = ScalingProjectFactory(programme=ProgrammeFactory(lead_structure=ansa))
    client.force_login(fanny)
    assert client.get(list_url(project)).status_code == 404
    assert client.get(export_url(project, "xlsx")).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, project):
    assert_sent_to_sign_in(client, (list_url(project), export_url(project, "csv"),
                                    export_url(project, "xlsx")))


def test_an_unknown_format_is_not_found(client, alice, project):
    client.force_login(alice)
    assert client.get(export_url(project, "txt")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_decisions(client, alice, project, governance,
                                                       fmt, django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        # session, user, project, the decisions with their meetings and bodies
        with django_assert_max_num_queries(5) as context:
            b"".join(client.get(export_url(project, fmt)).streaming_content)
        return len(context.captured_queries)

    before = count()
    for day in range(1, 20):
        meeting = MeetingFactory(body=governance["technical"], starts_at=paris(2024, 6, day, 9),
                                 ends_at=paris(2024, 6, day, 11))
        meeting.decisions.create(text=f"Décision {day}")
    assert count() == before
