"""A project's reminders page ("Relances"): for the project's staff only; what was sent, what is
planned, with filters and pages whose queries do not grow; pausing a committee or a site, and
sending a failed reminder again."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from essaimage.models import SentReminder
from essaimage.reminders import DueReminder, record_reminders

from ..factories import (
    ActionItemFactory,
    BodyMemberFactory,
    IndicatorFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    UserFactory,
)

Status = SentReminder.Status


@pytest.fixture
def page_url(project):
    return reverse("reminders:project", args=[project.pk])


@pytest.fixture
def upcoming(steering_committee, camille):
    """A meeting in ten days: its J-7 and J-1 reminders are planned; one member has no
    address."""
    BodyMemberFactory(body=steering_committee, user=None, name="Élise Sans-Adresse", email="")
    start = timezone.now() + timedelta(days=10)
    return MeetingFactory(body=steering_committee, title="COPIL d'automne", starts_at=start,
                          ends_at=start + timedelta(hours=2))


def log(item, *, kind="meeting", email="someone@example.org", status=Status.SENT, error="",
        attempts=1, occurrence="x", project_id=None):
    """A row of the sent-log, as a past scan and send left it."""
    record_reminders([DueReminder(kind=kind, item=item, occurrence=occurrence,
                                  due_at=timezone.now(), recipient_email=email,
                                  project_id=project_id)], queue=False)
    row = SentReminder.objects.latest("pk")
    SentReminder.objects.filter(pk=row.pk).update(status=status, error=error, attempts=attempts,
                                                  sent_at=timezone.now()
                                                  if status == Status.SENT else None)
    row.refresh_from_db()
    return row


# --- Who may open it ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("alice", 200), ("admin", 200),
    ("fanny", 403), ("camille", 403), ("paul", 403),
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_only_the_project_s_staff_open_the_reminders_page(client, pipeline_cast, page_url, who,
                                                         status):
    client.force_login(pipeline_cast[who])
    assert client.get(page_url).status_code == status


def test_signing_in_is_required(client, page_url):
    response = client.get(page_url)
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_the_project_s_pages_have_a_reminders_tab(client, alice, project, page_url):
    client.force_login(alice)
    assert page_url in client.get(project.get_absolute_url()).content.decode()


# --- What it shows ------------------------------------------------------------------------------


def test_the_page_lists_reminders_sent_and_planned(client, alice, project, page_url, upcoming,
                                                   bob_site):
    action = ActionItemFactory(project=project, title="Relire la convention")
    log(upcoming, email="camille@example.org", project_id=project.pk)
    log(action, kind="action_overdue", email="alice@example.org", status=Status.FAILED,
        error="SMTPException: 421 service not available", attempts=6, project_id=project.pk)
    log(upcoming, kind="meeting", email="", status=Status.SKIPPED, error="not sent: no e-mail "
        "address", occurrence="J-1:x#member:999", project_id=project.pk)
    other = MeetingFactory()  # another project's
    log(other, email="elsewhere@example.org", project_id=other.body.project_id)

    client.force_login(alice)
    html = client.get(page_url).content.decode()
    assert "camille@example.org" in html or "Camille Roux" in html
    assert "COPIL d&#x27;automne (Comité de pilotage TAPAJ)" in html
    assert "Relire la convention" in html
    assert "SMTPException: 421 service not available" in html
    assert reverse("reminders:retry", args=[SentReminder.objects.get(
        status=Status.FAILED).pk]) in html
    assert "non envoyé : pas d&#x27;adresse e-mail" in html
    assert "elsewhere@example.org" not in html
    # Planned: the J-7 and J-1 reminders of the meeting, the member without address flagged.
    assert html.count("Rappel de réunion") >= 4
    assert "pas d&#x27;adresse e-mail" in html or "pas d&#x27;e-mail" in html


def test_the_sent_log_filters_by_kind_and_status(client, alice, project, page_url, upcoming):
    action = ActionItemFactory(project=project, title="Relire la convention")
    log(upcoming, email="camille@example.org", project_id=project.pk)
    log(action, kind="action_due", email="owner@example.org", status=Status.FAILED,
        error="boom", project_id=project.pk)
    client.force_login(alice)
    page = client.get(page_url, {"status": "failed"}).context["page"]
    assert [row.kind for row in page] == ["action_due"]
    page = client.get(page_url, {"kind": "meeting"}).context["page"]
    assert [row.recipient_email for row in page] == ["camille@example.org"]
    response = client.get(page_url, {"kind": "no-such-kind"})
    assert response.status_code == 200  # an unknown filter is ignored, not an error


def test_the_page_s_queries_do_not_grow_with_its_rows(client, alice, project, page_url,
                                                      upcoming, bob_site, carol_site):
    IndicatorFactory(project=project)
    period = ReportingPeriodFactory(project=project)
    action = ActionItemFactory(project=project)

    def fill(count):
        for n in range(count):
            log(upcoming, email=f"m{n}@example.org", project_id=project.pk,
                occurrence=f"J-7:{n}")
            log(action, kind="action_due", email=f"a{n}@example.org", project_id=project.pk)
            log(period, kind="period_due", email=f"p{n}@example.org", project_id=project.pk)
            log(upcoming, email="", status=Status.SKIPPED, occurrence=f"J-1:{n}#member:{n}",
                project_id=project.pk)

    client.force_login(alice)
    fill(1)
    client.get(page_url)
    with CaptureQueriesContext(connection) as few:
        client.get(page_url)
    fill(10)
    for n in range(10):
        ActionItemFactory(project=project, owner_user=UserFactory(),
                          due_on=timezone.localdate() + timedelta(days=5 + n))
    with CaptureQueriesContext(connection) as many:
        client.get(page_url)
    assert len(many) == len(few)
    assert len(many) <= 30


def test_the_pages_of_the_log_go_by_25(client, alice, project, page_url, upcoming):
    for n in range(30):
        log(upcoming, email=f"m{n}@example.org", project_id=project.pk)
    client.force_login(alice)
    page = client.get(page_url, {"page": 2}).context["page"]
    assert len(page.object_list) == 5


# --- Pauses -------------------------------------------------------------------------------------


def test_staff_pause_and_resume_a_committee(client, alice, steering_committee, page_url):
    url = reverse("reminders:body_pause", args=[steering_committee.pk])
    client.force_login(alice)
    response = client.post(url, {"paused": "1"})
    assert response.status_code == 302 and response["Location"] == page_url
    steering_committee.refresh_from_db()
    assert steering_committee.reminders_paused
    client.post(url, {"paused": "0"})
    steering_committee.refresh_from_db()
    assert not steering_committee.reminders_paused


@pytest.mark.parametrize(("who", "status"), [("fanny", 403), ("camille", 403), ("oscar", 404)])
def test_others_cannot_pause_a_committee(client, pipeline_cast, steering_committee, who,
                                         status):
    client.force_login(pipeline_cast[who])
    url = reverse("reminders:body_pause", args=[steering_committee.pk])
    assert client.post(url, {"paused": "1"}).status_code == status
    steering_committee.refresh_from_db()
    assert not steering_committee.reminders_paused


def test_pausing_is_a_post(client, alice, steering_committee):
    client.force_login(alice)
    url = reverse("reminders:body_pause", args=[steering_committee.pk])
    assert client.get(url).status_code == 405


def test_staff_pause_and_resume_a_site(client, alice, project, bob_site, page_url):
    url = reverse("reminders:site_pause", args=[project.pk])
    client.force_login(alice)
    client.post(url, {"paused": "1", "site": bob_site.pk})
    bob_site.refresh_from_db()
    assert bob_site.reminders_paused
    assert "Essor Emploi Nièvre" in client.get(page_url).content.decode()
    client.post(url, {"paused": "0", "site": bob_site.pk})
    bob_site.refresh_from_db()
    assert not bob_site.reminders_paused


def test_a_site_of_another_project_or_nonsense_cannot_be_paused_here(client, alice, project,
                                                                     programme):
    from ..factories import AdopterSiteFactory, ScalingProjectFactory

    elsewhere = AdopterSiteFactory(project=ScalingProjectFactory(programme=programme))
    url = reverse("reminders:site_pause", args=[project.pk])
    client.force_login(alice)
    client.post(url, {"paused": "1", "site": elsewhere.pk})
    assert client.post(url, {"paused": "0", "site": elsewhere.pk}).status_code == 404
    assert client.post(url, {"paused": "0", "site": "abc"}).status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.reminders_paused


@pytest.mark.parametrize(("who", "status"), [("fanny", 403), ("bob", 404), ("oscar", 404)])
def test_others_cannot_pause_a_site(client, pipeline_cast, project, bob_site, who, status):
    client.force_login(pipeline_cast[who])
    url = reverse("reminders:site_pause", args=[project.pk])
    assert client.post(url, {"paused": "1", "site": bob_site.pk}).status_code == status
    bob_site.refresh_from_db()
    assert not bob_site.reminders_paused


# --- Sending again ------------------------------------------------------------------------------


def test_staff_send_a_failed_reminder_again(client, alice, project, upcoming, camille,
                                            django_capture_on_commit_callbacks, mailoutbox):
    failed = log(upcoming, email="camille@example.org", status=Status.FAILED, error="boom",
                 attempts=6, occurrence=f"J-7:{upcoming.starts_at.isoformat()}",
                 project_id=project.pk)
    SentReminder.objects.filter(pk=failed.pk).update(recipient=camille)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reminders:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status in (Status.SENT, Status.SKIPPED)
    assert failed.attempts == 1


@pytest.mark.parametrize(("who", "status"), [("fanny", 403), ("camille", 403), ("oscar", 404)])
def test_others_cannot_send_a_reminder_again(client, pipeline_cast, project, upcoming, who,
                                             status):
    failed = log(upcoming, status=Status.FAILED, project_id=project.pk)
    client.force_login(pipeline_cast[who])
    assert client.post(reverse("reminders:retry", args=[failed.pk])).status_code == status
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_reminders_of_no_project_are_not_retried_here(client, admin_user, upcoming):
    failed = log(upcoming, status=Status.FAILED, project_id=None)
    client.force_login(admin_user)
    assert client.post(reverse("reminders:retry", args=[failed.pk])).status_code == 404
