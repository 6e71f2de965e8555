"""The import pages, for every role: upload, preview, confirm, cancel, templates, history."""

import io
import time

import pytest
from django.urls import reverse

from communities.models import Structure
from essaimage.models import ImportJob
from tests.essaimage.imports_helpers import STRUCTURE_HEADER, csv_bytes, upload

pytestmark = pytest.mark.django_db

SIRET = "82012345600015"
GOOD = csv_bytes([STRUCTURE_HEADER, [SIRET, "", "", "Essor Eure", "Association", "27000",
                                     "Évreux", ""]])
BAD = csv_bytes([STRUCTURE_HEADER, [SIRET, "", "", "Essor Eure", "Association", "", "", "99"]])


def send(client, data, capture, name="structures.csv", kind="structures"):
    with capture(execute=True):
        return client.post(reverse("imports:home"), {"kind": kind, "file": upload(name, data)})


@pytest.fixture
def job(client, alice, programme, django_capture_on_commit_callbacks):
    client.force_login(alice)
    send(client, GOOD, django_capture_on_commit_callbacks)
    client.logout()
    return ImportJob.objects.get()


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("admin", 200), ("bob", 403),
                                             ("carol", 403), ("fanny", 403), ("remi", 403),
                                             ("oscar", 403)])
def test_the_import_page_is_for_people_who_may_import(client, cast, who, status):
    client.force_login(cast[who])

    response = client.get(reverse("imports:home"))

    assert response.status_code == status


def test_the_upload_form_shows_its_fields_with_their_labels(client, alice, programme):
    client.force_login(alice)

    content = client.get(reverse("imports:home")).content.decode()

    assert '<select name="kind"' in content
    assert '<input type="file" name="file"' in content
    assert 'aria-describedby="id_file_help"' in content


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("imports:home"))

    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_a_file_is_uploaded_analysed_and_previewed(client, alice, programme,
                                                   django_capture_on_commit_callbacks):
    client.force_login(alice)

    response = send(client, GOOD, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert job.status == ImportJob.Status.PREVIEW_READY
    assert "Essor Eure" in page.content.decode()
    assert reverse("imports:confirm", args=[job.pk]) in page.content.decode()
    assert not Structure.objects.filter(siret=SIRET).exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused_next_to_the_field(client, alice, programme,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(alice)

    response = send(client, b"\x89PNG\r\n\x1a\n", django_capture_on_commit_callbacks,
                    name="photo.png")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_png_renamed_csv_fails_with_its_reason_on_the_page(client, alice, programme,
                                                            django_capture_on_commit_callbacks):
    client.force_login(alice)
    send(client, b"\x89PNG\r\n\x1a\n" + bytes(40), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()

    assert job.status == ImportJob.Status.FAILED
    assert job.error in page or "tableur" in page


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("admin", 404), ("bob", 404),
                                             ("fanny", 404), ("oscar", 404)])
def test_an_import_is_seen_by_its_author_only(client, cast, job, who, status):
    client.force_login(cast[who])

    assert client.get(job.get_absolute_url()).status_code == status


@pytest.mark.parametrize("who", ["admin", "bob", "oscar"])
def test_others_cannot_confirm_or_cancel_an_import(client, cast, job, who,
                                                   django_capture_on_commit_callbacks):
    client.force_login(cast[who])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW_READY


def test_confirming_imports_once_and_shows_the_done_page(client, alice, job,
                                                         django_capture_on_commit_callbacks):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Structure.objects.filter(siret=SIRET).count() == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("communities:structure_list") in page


def test_a_preview_with_errors_cannot_be_confirmed(client, alice, programme,
                                                   django_capture_on_commit_callbacks):
    client.force_login(alice)
    send(client, BAD, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "99" in page
    assert reverse("imports:confirm", args=[job.pk]) not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW_READY
    assert not Structure.objects.filter(siret=SIRET).exists()


def test_cancelling_drops_the_import_and_its_file(client, alice, job):
    client.force_login(alice)
    name = job.file.name

    response = client.post(reverse("imports:cancel", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.CANCELLED
    assert not job.file
    assert not job.file.storage.exists(name)


def test_the_progress_part_is_served_to_htmx_polls(client, alice, job):
    client.force_login(alice)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.ANALYSING,
                                               rows_total=10, rows_done=4)

    response = client.get(job.get_absolute_url() + "?poll=1", HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert content.startswith("\n<div id=\"import-state\"") or 'id="import-state"' in content
    assert "<html" not in content
    assert 'hx-trigger="every 1s"' in content
    assert 'value="4"' in content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_are_downloaded_by_who_may_import(client, alice, bob, programme, fmt):
    url = reverse("imports:template", args=["structures", fmt])
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(alice)

    response = client.get(url)

    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = data.decode("utf-8-sig").splitlines()
        assert text[0].startswith("SIRET;RNA;Référence externe;Nom;Sigle;Type")
        assert len(text) == 2  # the header and one example
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data))
        data_sheet, allowed = workbook.worksheets
        assert [cell.value for cell in data_sheet[1]][:4] == ["SIRET", "RNA",
                                                               "Référence externe", "Nom"]
        assert data_sheet.max_row == 2
        values = [row[3] for row in allowed.iter_rows(values_only=True)]
        assert "Association" in values and "Fondation" in values


def test_unknown_templates_are_not_found(client, alice, programme):
    client.force_login(alice)

    assert client.get(reverse("imports:template", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("imports:template", args=["structures", "pdf"])).status_code == 404


def test_site_staff_see_the_site_and_value_imports_only(client, alice, project):
    from django.contrib.auth.models import Group  # noqa: F401: alice is not an admin

    client.force_login(alice)
    kinds = [key for key, _label in
             client.get(reverse("imports:home")).context["form"].fields["kind"].choices]

    assert kinds[:1] == ["structures"]
    assert "sites" in kinds and "indicator_values" in kinds


def test_the_history_page_does_not_query_more_with_more_imports(
        client, alice, programme, django_assert_max_num_queries):
    for number in range(30):
        ImportJob.objects.create(kind="structures", author=alice, original_name=f"{number}.csv",
                                 status=ImportJob.Status.DONE, to_create=number)
    client.force_login(alice)

    # session, user, roles (one per importer's check: structures, sites, values), count and
    # page of jobs, allowed values (projects, indicators), navigation
    with django_assert_max_num_queries(16):
        response = client.get(reverse("imports:home"))
    assert len(response.context["page"]) == 20


def test_the_preview_page_does_not_query_more_with_more_errors(
        client, alice, job, django_assert_max_num_queries):
    report = {"errors": [{"row": n, "column": "Nom", "value": "", "reason": "x"}
                         for n in range(2, 2000)], "create": [], "update": []}
    ImportJob.objects.filter(pk=job.pk).update(report=report, error_count=1998)
    client.force_login(alice)

    with django_assert_max_num_queries(8):
        response = client.get(job.get_absolute_url() + "?page=3")
    assert len(response.context["errors"]) == 50
    assert response.context["errors"][0]["row"] == 102


def test_fifty_thousand_structures_import(alice, programme):
    # The bench's import (essaimage.benchdata.imports), whose goal is under 60 s on
    # PostgreSQL. The time is printed rather than asserted: `make bench` holds the goal.
    from essaimage.benchdata.imports import analyse_and_import, upload_structures_csv

    job_id = upload_structures_csv(alice)
    started = time.perf_counter()
    created = analyse_and_import(job_id)
    elapsed = time.perf_counter() - started

    assert created == 50_000
    imported = Structure.objects.filter(external_ref__startswith="BENCH-IMPORT-")
    assert imported.count() == 50_000
    history = Structure.history.filter(external_ref__startswith="BENCH-IMPORT-")
    assert history.filter(history_type="+", history_user=alice,
                          history_change_reason="import").count() == 50_000
    job = ImportJob.objects.get()
    print(f"50,000 structures: {elapsed:.1f} s {job.report['timings']}")
    assert job.to_create == 50_000 and job.error_count == 0
