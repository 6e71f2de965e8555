"""Who may read and ask for the project, site and funder reports, through the report pages
(essaimage.views_reports), for every role of the cast; and one report end to end."""

import pytest
from django.urls import reverse

from essaimage.models import ReportJob

from ..factories import ProgrammeFactory
from .reports_support import pdf_text, squeeze

# Who reads each report (the panel, the downloads) and who may ask for it; everyone else gets
# a 404 on reading. Those who read without asking get a 403 when they ask.
#   project report: its staff ask; its funders read (it holds the pooled grant), the project's
#     other readers (committee, sponsor, innovator) do not.
#   site report: its staff and the people of the site's structure ask; the project's readers
#     read; another site's people see nothing.
#   funder report: the funder's people and the staff of every programme it funds.
READERS = {
    "project_report": {"alice", "admin", "fanny"},
    "site_report": {"alice", "admin", "bob", "fanny", "camille", "paul", "ines"},
    "funder_report": {"alice", "admin", "fanny"},
}
REQUESTERS = {
    "project_report": {"alice", "admin"},
    "site_report": {"alice", "admin", "bob"},
    "funder_report": {"alice", "admin", "fanny"},
}
ROLES = ["alice", "admin", "bob", "carol", "fanny", "remi", "oscar", "camille", "paul", "ines"]


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


def subject_of(key, project, bob_site, funder_structure):
    return {"project_report": project, "site_report": bob_site,
            "funder_report": funder_structure}[key]


@pytest.mark.parametrize("key", list(READERS))
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_panel(client, everyone, role, key, project, bob_site,
                             funder_structure):
    subject = subject_of(key, project, bob_site, funder_structure)
    client.force_login(everyone[role])

    response = client.get(reverse("reports:panel", args=[key, subject.pk]))

    assert response.status_code == (200 if role in READERS[key] else 404)


@pytest.mark.parametrize("key", list(READERS))
@pytest.mark.parametrize("role", ROLES)
def test_who_asks_for_the_report(client, everyone, role, key, project, bob_site,
                                 funder_structure):
    subject = subject_of(key, project, bob_site, funder_structure)
    client.force_login(everyone[role])

    response = client.post(reverse("reports:request", args=[key, subject.pk]),
                           {"next": "/"})

    if role in REQUESTERS[key]:
        assert response.status_code == 302
        assert ReportJob.objects.get(kind=key, subject_id=subject.pk).requested_by == (
            everyone[role])
    else:
        assert response.status_code == (403 if role in READERS[key] else 404)
        assert not ReportJob.objects.filter(kind=key).exists()


def test_anonymous_people_are_sent_to_sign_in(client, project):
    response = client.get(reverse("reports:panel", args=["project_report", project.pk]))
    assert response.status_code == 302
    assert not ReportJob.objects.exists()


def test_the_staff_of_one_programme_do_not_read_a_funder_that_also_funds_another(
        client, alice, programme, funder_structure, fanny):
    ProgrammeFactory(name="Programme d'un autre accélérateur", funders=[funder_structure])
    url = reverse("reports:panel", args=["funder_report", funder_structure.pk])

    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.force_login(fanny)
    assert client.get(url).status_code == 200


def test_the_panels_are_on_their_pages(client, alice, fanny, bob, project, bob_site,
                                       funder_structure, programme):
    client.force_login(alice)
    page = client.get(reverse("programmes:project_detail", args=[project.pk]))
    assert 'id="report-panel-project_report-' in page.content.decode()
    page = client.get(reverse("evaluations:site_dashboard", args=[bob_site.pk]))
    assert f'id="report-panel-site_report-{bob_site.pk}"' in page.content.decode()
    page = client.get(reverse("evaluations:programme_dashboard", args=[programme.pk]))
    assert f'id="report-panel-funder_report-{funder_structure.pk}"' in page.content.decode()

    client.force_login(fanny)
    page = client.get(reverse("evaluations:programme_dashboard", args=[programme.pk]))
    assert f'id="report-panel-funder_report-{funder_structure.pk}"' in page.content.decode()
    client.force_login(bob)
    page = client.get(reverse("evaluations:site_dashboard", args=[bob_site.pk]))
    assert f'id="report-panel-site_report-{bob_site.pk}"' in page.content.decode()


def test_no_panel_for_those_who_may_not_read_the_report(client, camille, project):
    client.force_login(camille)  # reads the project, not its pooled grant
    page = client.get(reverse("programmes:project_detail", args=[project.pk]))
    assert page.status_code == 200
    assert 'id="report-panel-project_report-' not in page.content.decode()


def test_a_site_report_asked_for_by_the_site_and_read_by_the_staff(
        client, bob, alice, carol, bob_site, settings, tmp_path,
        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=["site_report", bob_site.pk]),
                               {"next": "/"})
    assert response.status_code == 302
    job = ReportJob.objects.get(kind="site_report")
    assert job.status == ReportJob.Status.READY, job.error
    assert job.pages >= 5 and job.size == job.file.size

    client.force_login(alice)
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(b"".join(download.streaming_content)))
    assert "Essor Emploi Nièvre" in text
    client.force_login(carol)  # another site's people
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404
