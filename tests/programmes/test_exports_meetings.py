"""The project's meetings, under its Governance tab: the list page with its filters and its
exports as CSV and XLSX, for every role (a committee member reads their committee's
meetings only)."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from essaimage.exports import headers
from programmes.exports import MEETING_COLUMNS
from programmes.models import Meeting

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

ALL = ["COPIL de mi-parcours", "Atelier outils", "COPIL de lancement"]
STEERING = ["COPIL de mi-parcours", "COPIL de lancement"]


def list_url(project):
    return reverse("programmes:meeting_list", args=[project.pk])


def export_url(project, fmt):
    return reverse("programmes:meeting_export", args=[project.pk, fmt])


def titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["page"].object_list]


def exported_titles(response, fmt) -> list[str]:
    rows = read_csv(response)[1:] if fmt == "csv" else xlsx_rows(read_xlsx(response))
    return column(rows, 2)


# --- The list page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), roles(ALL, STEERING))
def test_each_role_sees_the_meetings_it_may_read(client, pipeline_cast, ines, project,
                                                 governance, name, expected):
    sign_in(client, pipeline_cast, ines, name)
    assert_rows_or_404(client.get(list_url(project)), expected, titles)


def test_the_page_shows_each_meeting_with_its_body_status_and_figures(client, alice, project,
                                                                      governance):
    client.force_login(alice)
    response = client.get(list_url(project), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    first = response.context["page"].object_list[2]
    assert (first.present_count, first.decision_count) == (1, 2)
    assert "<caption" in html and 'scope="col"' in html
    decisions = reverse("programmes:decision_list", args=[project.pk])
    assert f'href="{decisions}?meeting={governance["first"].pk}"' in html
    assert f'href="{export_url(project, "csv")}"' in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"status": "held"}, ["Atelier outils", "COPIL de lancement"]),
    ({"date_from": "2025-04-01"}, ["COPIL de mi-parcours", "Atelier outils"]),
    ({"date_to": "2025-03-31"}, ["COPIL de lancement"]),
    ({"date_from": "2025-04-02", "date_to": "2025-04-02"}, ["Atelier outils"]),
    ({"body": "technical"}, ["Atelier outils"]),
    ({"date_from": "pas une date", "status": "nope"}, ALL),
])
def test_the_filters_apply_to_the_page_and_both_exports(client, alice, project, governance,
                                                        query, expected):
    if query.get("body"):
        query = {"body": governance[query["body"]].pk}
    client.force_login(alice)
    response = client.get(list_url(project), {**query, "page": "1"})
    assert titles(response) == expected
    assert column(read_csv(client.get(export_url(project, "csv"), query))[1:], 2) == expected
    assert column(xlsx_rows(read_xlsx(client.get(export_url(project, "xlsx"), query))),
                  2) == expected


def test_a_bad_date_is_said_next_to_its_field_and_kept(client, alice, project, governance):
    client.force_login(alice)
    html = client.get(list_url(project), {"date_from": "2025-13-45"}).content.decode()
    assert 'id="id_date_from_errors"' in html
    assert 'value="2025-13-45"' in html


def test_a_committee_member_cannot_filter_their_way_to_another_committee(
        client, camille, project, governance):
    client.force_login(camille)
    query = {"body": governance["technical"].pk}
    assert titles(client.get(list_url(project), query)) == STEERING
    assert column(read_csv(client.get(export_url(project, "csv"), query))[1:], 2) == STEERING


def test_the_list_is_paginated(client, alice, project, steering_committee):
    for day in range(1, 32):
        MeetingFactory(body=steering_committee, starts_at=paris(2025, 1, day, 9),
                       ends_at=paris(2025, 1, day, 11))
    client.force_login(alice)
    response = client.get(list_url(project))
    assert len(response.context["page"].object_list) == 30
    assert len(client.get(list_url(project), {"page": 2}).context["page"].object_list) == 1


def test_the_governance_pages_link_to_each_other(client, alice, project, governance):
    client.force_login(alice)
    html = client.get(reverse("programmes:body_list", args=[project.pk])).content.decode()
    assert f'href="{list_url(project)}"' in html
    assert f'href="{reverse("programmes:decision_list", args=[project.pk])}"' in html


def test_list_query_count_does_not_grow(client, alice, project, governance,
                                        django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        # session, user, project, staff (tabs), the bodies of the filter, the count and the
        # page of meetings with their bodies and figures, the tabs' checks
        with django_assert_max_num_queries(14) as context:
            assert client.get(list_url(project)).status_code == 200
        return len(context.captured_queries)

    before = count()
    for day in range(1, 20):
        MeetingFactory(body=governance["technical"], starts_at=paris(2025, 2, day, 9),
                       ends_at=paris(2025, 2, day, 11))
    assert count() == before


# --- The exports ------------------------------------------------------------------------------


def test_csv_has_french_headers_local_times_and_neutralised_formulas(client, alice, project,
                                                                     governance):
    client.force_login(alice)
    response = client.get(export_url(project, "csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers(MEETING_COLUMNS)
    assert rows[0][2:7] == ["Réunion", "Début", "Fin", "Lieu", "Statut"]
    first = rows[3]
    assert first[:2] == ["Comité de pilotage TAPAJ", "Comité de pilotage"]
    assert first[2:9] == ["COPIL de lancement", "10/03/2025 14:00", "10/03/2025 16:00",
                          "'=Mairie de Nevers", "Tenue", "1", "2"]
    assert rows[1][6] == "Prévue"
    assert f'filename="reunions-{project.pk}-' in response["Content-Disposition"]


def test_xlsx_has_real_local_datetimes_and_numbers(client, alice, project, governance):
    client.force_login(alice)
    sheet = read_xlsx(client.get(export_url(project, "xlsx"), HTTP_ACCEPT_LANGUAGE="fr"))

    with translation.override("fr"):
        assert [cell.value for cell in sheet[1]] == headers(MEETING_COLUMNS)
    first = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert first[3].value == datetime(2025, 3, 10, 14) and first[3].is_date
    assert first[3].number_format == "DD/MM/YYYY HH:MM"
    assert first[5].value == "=Mairie de Nevers" and first[5].data_type == "s"
    assert (first[7].value, first[8].value) == (1, 2) and first[8].data_type == "n"


@pytest.mark.parametrize(("name", "expected"), roles(ALL, STEERING))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_role_exports_the_meetings_it_may_read(client, pipeline_cast, ines, project,
                                                    governance, name, expected, fmt):
    sign_in(client, pipeline_cast, ines, name)
    assert_rows_or_404(client.get(export_url(project, fmt)), expected,
                       lambda response: exported_titles(response, fmt))


def test_a_funder_gets_nothing_of_a_programme_it_does_not_fund(client, fanny, ansa):
    project = ScalingProjectFactory(programme=ProgrammeFactory(lead_structure=ansa))
    client.force_login(fanny)
    assert client.get(list_url(project)).status_code == 404
    assert client.get(export_url(project, "csv")).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, project):
    assert_sent_to_sign_in(client, (list_url(project), export_url(project, "csv"),
                                    export_url(project, "xlsx")))


def test_an_unknown_format_is_not_found(client, alice, project):
    client.force_login(alice)
    assert client.get(export_url(project, "pdf")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_meetings(client, alice, project, governance, fmt,
                                                      django_assert_max_num_queries):
    client.force_login(alice)

    def count():
        # session, user, project, the meetings with their bodies and figures
        with django_assert_max_num_queries(5) as context:
            b"".join(client.get(export_url(project, fmt)).streaming_content)
        return len(context.captured_queries)

    before = count()
    for day in range(1, 25):
        meeting = MeetingFactory(body=governance["steering"], starts_at=paris(2024, 5, day, 9),
                                 ends_at=paris(2024, 5, day, 11), status=Meeting.Status.HELD)
        meeting.decisions.create(text=f"Décision {day}")
    assert count() == before
