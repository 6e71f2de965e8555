"""The report pages (essaimage.views_reports), for every role, on the committee pack of a
meeting: the project's staff ask for it; its readers and the committee's members read it;
everyone else gets a 404, as if the meeting did not exist."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from essaimage import reports
from essaimage.models import ReportJob

from ..factories import MeetingFactory

Status = ReportJob.Status
KIND = "committee_pack"
REQUESTERS = ["alice", "admin"]
READERS = ["camille", "fanny", "paul", "ines"]
OUTSIDERS = ["bob", "carol", "remi", "oscar"]
HTMX = {"HTTP_HX_REQUEST": "true",
        "HTTP_HX_CURRENT_URL": "http://testserver/programmes/seances/1/"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


@pytest.fixture
def meeting(steering_committee):
    return MeetingFactory(body=steering_committee, title="COPIL de suivi",
                          agenda="Point sur les sites\nIndicateurs")


def _job(meeting, status=Status.READY, *, by=None, error="", pages=4, when=None):
    job = ReportJob.objects.create(
        kind=KIND, subject_type=reports._content_type(meeting), subject_id=meeting.pk,
        params={}, params_key=f"k{ReportJob.objects.count()}", status=status, error=error,
        requested_by=by, attempts=1)
    if status == Status.READY:
        job.file.save(f"{job.pk}-comite-de-pilotage-2026-12-01.pdf",
                      ContentFile(b"%PDF-1.7 fake"), save=False)
        job.size, job.pages, job.finished_at = 13, pages, timezone.now()
        job.save(update_fields=["file", "size", "pages", "finished_at"])
    if when is not None:
        ReportJob.objects.filter(pk=job.pk).update(requested_at=when)
    return job


def _panel_url(meeting):
    return reverse("reports:panel", args=[KIND, meeting.pk])


def _request_url(meeting):
    return reverse("reports:request", args=[KIND, meeting.pk])


# --- The meeting page ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUESTERS)
def test_staff_see_the_panel_with_its_button(client, people, name, meeting):
    client.force_login(people[name])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'id="report-panel-{KIND}-{meeting.pk}"' in page
    assert _request_url(meeting) in page


@pytest.mark.parametrize("name", READERS)
def test_readers_see_the_panel_without_the_button(client, people, name, meeting):
    _job(meeting, by=people["alice"])
    client.force_login(people[name])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'id="report-panel-{KIND}-{meeting.pk}"' in page
    assert _request_url(meeting) not in page
    assert reverse("reports:download", args=[ReportJob.objects.get().pk]) in page


def test_the_tag_renders_nothing_for_an_unknown_kind_or_an_outsider(people, meeting):
    template = Template('{% load reports %}[{% report_panel meeting kind %}]')
    request = RequestFactory().get("/")
    request.htmx = False
    request.user = people["oscar"]
    assert template.render(Context({"meeting": meeting, "kind": KIND,
                                    "request": request})) == "[]"
    request.user = people["alice"]
    assert template.render(Context({"meeting": meeting, "kind": "no_such_report",
                                    "request": request})) == "[]"
    assert "report-panel" in template.render(Context({"meeting": meeting, "kind": KIND,
                                                      "request": request}))


# --- The panel ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUESTERS + READERS)
def test_readers_get_the_panel(client, people, name, meeting):
    client.force_login(people[name])
    assert client.get(_panel_url(meeting), **HTMX).status_code == 200
    assert client.get(_panel_url(meeting)).status_code == 200


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_a_404_for_the_panel(client, people, name, meeting):
    client.force_login(people[name])
    assert client.get(_panel_url(meeting), **HTMX).status_code == 404
    assert client.get(_panel_url(meeting)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, meeting):
    response = client.get(_panel_url(meeting))
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_unknown_kinds_and_subjects_are_404(client, people, meeting):
    client.force_login(people["alice"])
    assert client.get(reverse("reports:panel", args=["no_such_report", meeting.pk])
                      ).status_code == 404
    assert client.get(reverse("reports:panel", args=[KIND, meeting.pk + 1000])
                      ).status_code == 404


def test_the_panel_polls_only_while_a_report_is_on_its_way(client, people, meeting):
    client.force_login(people["alice"])
    assert 'hx-trigger="every 2s"' not in client.get(_panel_url(meeting), **HTMX).content.decode()

    job = _job(meeting, Status.QUEUED, by=people["alice"])
    panel = client.get(_panel_url(meeting), **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in panel
    assert "report-progress" in panel
    assert _request_url(meeting) not in panel  # no second request while one is on its way

    ReportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    assert 'hx-trigger="every 2s"' in client.get(_panel_url(meeting), **HTMX).content.decode()

    ReportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=reports.INTERRUPTED)
    panel = client.get(_panel_url(meeting), **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' not in panel
    assert reverse("reports:retry", args=[job.pk]) in panel


def test_the_poll_that_sees_the_end_says_so(client, people, meeting):
    job = _job(meeting, Status.RUNNING, by=people["alice"])
    client.force_login(people["alice"])
    live = f'id="report-panel-{KIND}-{meeting.pk}-live" hx-swap-oob="innerHTML"'
    panel = client.get(_panel_url(meeting), {"was": "running"}, **HTMX).content.decode()
    assert live not in panel and '"was": "running"' in panel

    ReportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error="x")
    panel = client.get(_panel_url(meeting), {"was": "running"}, **HTMX).content.decode()
    assert live in panel and ("The report could not be generated." in panel
                              or "Le rapport n&#x27;a pas pu être généré." in panel)

    ReportJob.objects.filter(pk=job.pk).update(status=Status.READY)
    panel = client.get(_panel_url(meeting), {"was": "queued"}, **HTMX).content.decode()
    assert live in panel and ("The report is ready." in panel
                              or "Le rapport est prêt." in panel)
    assert live not in client.get(_panel_url(meeting), **HTMX).content.decode()


def test_the_history_lists_ready_and_failed_reports(client, people, meeting):
    now = timezone.now()
    _job(meeting, Status.READY, by=people["alice"], pages=7, when=now - timedelta(days=2))
    failed = _job(meeting, Status.FAILED, by=people["admin"], error="RuntimeError: boom",
                  when=now - timedelta(days=1))
    client.force_login(people["camille"])

    panel = client.get(_panel_url(meeting), **HTMX).content.decode()

    assert "Alice Martin" in panel and "Adèle Admin" in panel
    assert "RuntimeError: boom" in panel and "report-failed" in panel
    assert "7" in panel and "13" in panel  # pages and size
    # A reader who may not request sees no retry button.
    assert reverse("reports:retry", args=[failed.pk]) not in panel


def test_the_panel_queries_do_not_grow_with_the_history(client, people, meeting,
                                                       django_assert_max_num_queries):
    for n in range(15):
        _job(meeting, Status.READY if n % 2 else Status.FAILED, by=people["alice"],
             error="x", when=timezone.now() - timedelta(hours=n))
    client.force_login(people["alice"])
    # session, user, meeting (visible), may_read (visible), content type, jobs with authors,
    # may_request (meeting's project, programme staff)
    with django_assert_max_num_queries(10):
        response = client.get(_panel_url(meeting), **HTMX)
    assert response.content.decode().count("<li>") == 10  # the last ten


# --- Asking for a report ------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUESTERS)
def test_staff_ask_for_the_pack(client, people, name, meeting,
                                django_capture_on_commit_callbacks):
    client.force_login(people[name])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(_request_url(meeting), {"next": meeting.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    job = ReportJob.objects.get()
    assert (job.kind, job.subject_id, job.status, job.requested_by) == (
        KIND, meeting.pk, Status.QUEUED, people[name])
    assert len(callbacks) == 1


@pytest.mark.parametrize("name", READERS)
def test_readers_may_not_ask_for_the_pack(client, people, name, meeting):
    client.force_login(people[name])
    assert client.post(_request_url(meeting)).status_code == 403
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_asking_get_a_404(client, people, name, meeting):
    client.force_login(people[name])
    assert client.post(_request_url(meeting)).status_code == 404
    assert not ReportJob.objects.exists()


def test_asking_is_a_post(client, people, meeting):
    client.force_login(people["alice"])
    assert client.get(_request_url(meeting)).status_code == 405


def test_asking_with_htmx_returns_the_polling_panel(client, people, meeting,
                                                   django_capture_on_commit_callbacks):
    client.force_login(people["alice"])
    with django_capture_on_commit_callbacks():
        response = client.post(_request_url(meeting), **HTMX)
    panel = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in panel
    # The live region of the page, outside the polled part, says what happened.
    assert f'id="report-panel-{KIND}-{meeting.pk}-live" hx-swap-oob="innerHTML"' in panel


def test_asking_twice_gives_the_report_on_its_way(client, people, meeting,
                                                  django_capture_on_commit_callbacks):
    client.force_login(people["alice"])
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(_request_url(meeting))
        response = client.post(_request_url(meeting), follow=True)
    assert ReportJob.objects.count() == 1
    assert len(callbacks) == 1
    messages = [str(message) for message in response.context["messages"]]
    assert any("already" in m or "déjà" in m for m in messages)


def test_an_unsafe_next_goes_back_to_the_meeting(client, people, meeting,
                                                 django_capture_on_commit_callbacks):
    client.force_login(people["alice"])
    with django_capture_on_commit_callbacks():
        response = client.post(_request_url(meeting), {"next": "https://evil.example/"})
    assert response["Location"] == meeting.get_absolute_url()


def test_once_generated_the_panel_offers_the_download(
        client, people, meeting, django_capture_on_commit_callbacks):
    client.force_login(people["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_request_url(meeting), **HTMX)
    job = ReportJob.objects.get()
    assert job.status == Status.READY
    panel = client.get(_panel_url(meeting), **HTMX).content.decode()
    assert reverse("reports:download", args=[job.pk]) in panel
    assert 'hx-trigger="every 2s"' not in panel


# --- Downloading --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUESTERS + READERS)
def test_readers_download_a_ready_pack(client, people, name, meeting):
    job = _job(meeting, by=people["alice"])
    client.force_login(people[name])
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="comite-de-pilotage-2026-12-01.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fake"


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_cannot_download(client, people, name, meeting):
    job = _job(meeting, by=people["alice"])
    client.force_login(people[name])
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING, Status.FAILED])
def test_only_ready_reports_download(client, people, meeting, status):
    job = _job(meeting, status, by=people["alice"])
    client.force_login(people["alice"])
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_a_report_whose_meeting_is_gone_is_404(client, people, meeting):
    job = _job(meeting, by=people["alice"])
    meeting.delete()
    client.force_login(people["admin"])
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


# --- Retrying -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUESTERS)
def test_staff_retry_a_failed_pack(client, people, name, meeting,
                                   django_capture_on_commit_callbacks):
    job = _job(meeting, Status.FAILED, by=people["alice"], error=reports.INTERRUPTED)
    client.force_login(people[name])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("reports:retry", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.requested_by == people[name]
    assert len(callbacks) == 1


@pytest.mark.parametrize("name", READERS)
def test_readers_may_not_retry(client, people, name, meeting):
    job = _job(meeting, Status.FAILED, by=people["alice"], error="x")
    client.force_login(people[name])
    assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == Status.FAILED


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_retrying_get_a_404(client, people, name, meeting):
    job = _job(meeting, Status.FAILED, by=people["alice"], error="x")
    client.force_login(people[name])
    assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 404


def test_a_ready_pack_is_not_retried(client, people, meeting):
    job = _job(meeting, by=people["alice"])
    client.force_login(people["alice"])
    response = client.post(reverse("reports:retry", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == Status.READY
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_retrying_with_htmx_returns_the_panel(client, people, meeting,
                                              django_capture_on_commit_callbacks):
    job = _job(meeting, Status.FAILED, by=people["alice"], error="x")
    client.force_login(people["alice"])
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("reports:retry", args=[job.pk]), **HTMX)
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in response.content.decode()
