"""The reports framework (essaimage.reports): requesting, rendering, retrying and sweeping jobs,
with a small report kind of its own so that these tests do not depend on an app's report."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from communities.models import Structure
from essaimage import reports, tasks
from essaimage.models import ReportJob
from essaimage.pdf import StaticOnlyFetcher, html_to_pdf_with_pages, static_path
from essaimage.templatetags.reports import french_typography, fr_typo, num

from ..factories import StructureFactory, UserFactory
from .reports_helpers import pdf_info, pdf_text

Status = ReportJob.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _context(structure, params):
    return {"report_title": "Fiche de la structure", "report_subtitle": structure.name,
            "toc": []}


@pytest.fixture
def kind():
    """A report about a structure, drawn by the bare base template."""
    kind = reports.ReportKind(
        key="test_structure_sheet", label="Fiche", subject_model=Structure,
        template="reports/base.html", build_context=_context,
        may_request=lambda user, subject: user.is_staff,
        may_read=lambda user, subject: user.is_authenticated,
        filename=lambda subject, params: f"fiche-{subject.pk}.pdf")
    reports.register_report(kind)
    yield kind
    reports._kinds.pop(kind.key, None)


def _swap(kind, **changes):
    """Register another version of the kind (a builder that fails, then works again)."""
    from dataclasses import replace

    reports.register_report(replace(kind, **changes))


@pytest.fixture
def structure(db):
    return StructureFactory(name="Atelier « Le Fil »")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="staff@example.org", first_name="Sam",
                       last_name="Dupont")


def _request(kind, structure, staff, *, execute=False, capture=None, **kwargs):
    with capture(execute=execute) as callbacks:
        job = reports.request_report(kind.key, structure, by=staff, **kwargs)
    job.refresh_from_db()
    return job, callbacks


# --- Registry -----------------------------------------------------------------------------------


def test_kinds_are_found_by_subject(kind, structure, staff):
    assert kind in reports.kinds_for(structure)
    assert kind not in reports.kinds_for(staff)
    assert reports.get_kind("no_such_report") is None


def test_the_committee_pack_is_registered_by_evaluations():
    from programmes.models import Meeting

    pack = reports.get_kind("committee_pack")
    assert pack is not None and pack.subject_model is Meeting


# --- Requesting ---------------------------------------------------------------------------------


def test_asking_twice_while_queued_gives_the_same_job_and_one_task(
        kind, structure, staff, django_capture_on_commit_callbacks):
    first, callbacks = _request(kind, structure, staff,
                                capture=django_capture_on_commit_callbacks)
    second, more = _request(kind, structure, UserFactory(is_staff=True),
                            capture=django_capture_on_commit_callbacks)

    assert second.pk == first.pk
    assert first.status == Status.QUEUED and first.requested_by == staff
    assert len(callbacks) == 1 and len(more) == 0
    assert ReportJob.objects.count() == 1


def test_asking_while_running_gives_the_running_job(kind, structure, staff,
                                                   django_capture_on_commit_callbacks):
    first, _callbacks = _request(kind, structure, staff,
                                 capture=django_capture_on_commit_callbacks)
    assert reports.claim(first.pk)

    again, callbacks = _request(kind, structure, staff,
                                capture=django_capture_on_commit_callbacks)

    assert again.pk == first.pk and again.status == Status.RUNNING
    assert callbacks == []


def test_a_ready_report_can_be_asked_again(kind, structure, staff,
                                          django_capture_on_commit_callbacks):
    first, _ = _request(kind, structure, staff, execute=True,
                        capture=django_capture_on_commit_callbacks)
    assert first.status == Status.READY

    second, callbacks = _request(kind, structure, staff,
                                 capture=django_capture_on_commit_callbacks)

    assert second.pk != first.pk and second.status == Status.QUEUED
    assert len(callbacks) == 1


def test_parameters_in_another_order_are_the_same_report():
    assert reports.canonical_params({"a": 1, "b": "x"}) == reports.canonical_params(
        {"b": "x", "a": 1})
    assert reports.canonical_params({})[1] == reports.canonical_params(None)[1]
    assert reports.canonical_params({"a": 1})[1] != reports.canonical_params({"a": 2})[1]


def test_bad_requests_are_refused(kind, structure, staff):
    with pytest.raises(ValidationError) as unknown:
        reports.request_report("no_such_report", structure, by=staff)
    assert unknown.value.code == "unknown_report"
    with pytest.raises(ValidationError) as wrong:
        reports.request_report(kind.key, staff, by=staff)
    assert wrong.value.code == "wrong_subject"
    with pytest.raises(ValidationError) as params:
        reports.request_report(kind.key, structure, by=staff, params={"date_to": "2026-01-01"})
    assert params.value.code == "no_params"
    assert not ReportJob.objects.exists()


def test_a_kind_may_clean_its_parameters(kind, structure, staff):
    def clean(params):
        if params.get("year") not in (None, 2025, 2026):
            raise ValidationError("Année inconnue.", code="bad_year")
        return {"year": params.get("year", 2026)}

    _swap(kind, clean_params=clean)
    job = reports.request_report(kind.key, structure, by=staff)
    assert job.params == {"year": 2026}
    with pytest.raises(ValidationError):
        reports.request_report(kind.key, structure, by=staff, params={"year": 1900})


# --- Rendering ----------------------------------------------------------------------------------


def test_a_rendered_report_is_stored_with_its_size_and_pages(
        kind, structure, staff, media, django_capture_on_commit_callbacks):
    job, _ = _request(kind, structure, staff, execute=True,
                      capture=django_capture_on_commit_callbacks)

    assert job.status == Status.READY
    assert job.attempts == 1 and job.error == ""
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert job.file.name.startswith(f"private/reports/{kind.key}/")
    assert job.file.name.endswith(f"{job.pk}-fiche-{structure.pk}.pdf")
    assert reports.download_name(job) == f"fiche-{structure.pk}.pdf"
    content = job.file.read()
    assert content.startswith(b"%PDF") and len(content) == job.size
    assert job.pages == int(pdf_info(content)["Pages"])
    text = pdf_text(content)
    assert "Fiche de la structure" in text
    assert "Sam Dupont" in text  # the author, on the title page


def test_the_report_speaks_the_language_of_who_asked(kind, structure, staff,
                                                    django_capture_on_commit_callbacks):
    staff.language = "en"
    staff.save(update_fields=["language"])
    job, _ = _request(kind, structure, staff, execute=True,
                      capture=django_capture_on_commit_callbacks)
    assert "Requested by" in pdf_text(job.file.read())
    assert reports.report_language(None) == settings.LANGUAGE_CODE


def test_a_job_is_claimed_once(kind, structure, staff):
    job = reports.request_report(kind.key, structure, by=staff)

    assert reports.claim(job.pk) is True
    assert reports.claim(job.pk) is False
    # A second delivery of the task finds it running and leaves it alone.
    tasks.generate_report_task(job.pk)
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.attempts == 1 and not job.file


def test_a_finished_job_is_left_alone(kind, structure, staff,
                                      django_capture_on_commit_callbacks):
    job, _ = _request(kind, structure, staff, execute=True,
                      capture=django_capture_on_commit_callbacks)
    name, finished = job.file.name, job.finished_at

    tasks.generate_report_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name, job.finished_at) == (
        Status.READY, 1, name, finished)


def test_the_task_of_a_deleted_job_does_nothing(db):
    tasks.generate_report_task(123456)


def test_a_report_that_raises_fails_with_the_reason_and_can_be_retried(
        kind, structure, staff, django_capture_on_commit_callbacks):
    def broken(subject, params):
        raise RuntimeError("la base des indicateurs ne répond pas")

    _swap(kind, build_context=broken)
    job, _ = _request(kind, structure, staff, execute=True,
                      capture=django_capture_on_commit_callbacks)

    assert job.status == Status.FAILED
    assert job.error == "RuntimeError: la base des indicateurs ne répond pas"
    assert not job.file and job.finished_at is not None

    _swap(kind, build_context=_context)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        retried = reports.retry_report(job, by=staff)
    retried.refresh_from_db()
    assert len(callbacks) == 1
    assert retried.pk == job.pk
    assert retried.status == Status.READY and retried.error == ""
    assert retried.attempts == 2


def test_a_report_stopped_by_the_soft_time_limit_says_so(kind, structure, staff,
                                                        django_capture_on_commit_callbacks):
    def slow(subject, params):
        raise SoftTimeLimitExceeded()

    _swap(kind, build_context=slow)
    job, _ = _request(kind, structure, staff, execute=True,
                      capture=django_capture_on_commit_callbacks)

    assert job.status == Status.FAILED and job.error == reports.TIMED_OUT
    assert reports.failure_reason(job)


def test_a_report_whose_subject_was_deleted_fails(kind, structure, staff):
    job = reports.request_report(kind.key, structure, by=staff)
    ReportJob.objects.filter(pk=job.pk).update(subject_id=structure.pk + 1000)

    tasks.generate_report_task(job.pk)

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error == reports.SUBJECT_GONE


def test_a_report_whose_kind_is_gone_fails(kind, structure, staff):
    job = reports.request_report(kind.key, structure, by=staff)
    reports._kinds.pop(kind.key)

    tasks.generate_report_task(job.pk)

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error == reports.UNKNOWN_KIND


def test_a_render_given_up_by_the_sweep_keeps_no_file(kind, structure, staff, media):
    def swept_meanwhile(subject, params):
        reports.stale_jobs_sweep(older_than=timedelta(seconds=-60))
        return _context(subject, params)

    _swap(kind, build_context=swept_meanwhile)
    job = reports.request_report(kind.key, structure, by=staff)

    tasks.generate_report_task(job.pk)

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error == reports.INTERRUPTED
    assert not job.file
    assert not list(media.rglob("*.pdf"))


# --- Retrying -----------------------------------------------------------------------------------


def test_only_a_failed_report_can_be_retried(kind, structure, staff,
                                            django_capture_on_commit_callbacks):
    queued = reports.request_report(kind.key, structure, by=staff)
    with pytest.raises(ValidationError) as refused:
        reports.retry_report(queued, by=staff)
    assert refused.value.code == "not_failed"

    ReportJob.objects.filter(pk=queued.pk).update(status=Status.READY)
    queued.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        reports.retry_report(queued, by=staff)
    assert callbacks == []


def test_retrying_while_the_same_report_is_on_its_way_gives_that_one(
        kind, structure, staff, django_capture_on_commit_callbacks):
    failed = reports.request_report(kind.key, structure, by=staff)
    ReportJob.objects.filter(pk=failed.pk).update(status=Status.FAILED, error="x")
    other = reports.request_report(kind.key, structure, by=staff)
    failed.refresh_from_db()

    with django_capture_on_commit_callbacks() as callbacks:
        result = reports.retry_report(failed, by=staff)

    assert result.pk == other.pk
    assert callbacks == []
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


# --- Stale jobs ---------------------------------------------------------------------------------


def _job(kind, structure, staff, status, **times):
    job = ReportJob.objects.create(
        kind=kind.key, subject_type=reports._content_type(structure), subject_id=structure.pk,
        params={}, params_key=f"key-{ReportJob.objects.count()}", status=status,
        requested_by=staff)
    ReportJob.objects.filter(pk=job.pk).update(**times)
    return job


def test_the_sweep_gives_up_jobs_whose_worker_died(kind, structure, staff):
    now = timezone.now()
    dead = _job(kind, structure, staff, Status.RUNNING,
                started_at=now - reports.STALE_RUNNING_AFTER - timedelta(seconds=1))
    busy = _job(kind, structure, staff, Status.RUNNING, started_at=now - timedelta(seconds=30))
    forgotten = _job(kind, structure, staff, Status.QUEUED,
                     requested_at=now - timedelta(hours=2))
    waiting = _job(kind, structure, staff, Status.QUEUED,
                   requested_at=now - timedelta(minutes=5))
    old_ready = _job(kind, structure, staff, Status.READY, requested_at=now - timedelta(days=9))

    assert tasks.sweep_stale_reports_task() == 2

    states = {job.pk: (job.status, job.error) for job in ReportJob.objects.all()}
    assert states[dead.pk] == (Status.FAILED, reports.INTERRUPTED)
    assert states[forgotten.pk] == (Status.FAILED, reports.NEVER_STARTED)
    assert states[busy.pk] == (Status.RUNNING, "")
    assert states[waiting.pk] == (Status.QUEUED, "")
    assert states[old_ready.pk] == (Status.READY, "")
    # Given up, the dead job can be retried.
    dead.refresh_from_db()
    assert reports.retry_report(dead, by=staff).status == Status.QUEUED
    assert reports.stale_jobs_sweep() == 0


def test_the_sweep_runs_every_ten_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-stale-reports"]
    assert entry["task"] == "essaimage.tasks.sweep_stale_reports_task"
    assert entry["schedule"].minute == set(range(0, 60, 10))
    assert tasks.generate_report_task.acks_late
    assert tasks.generate_report_task.time_limit == reports.REPORT_TIME_LIMIT
    assert reports.STALE_RUNNING_AFTER.total_seconds() > reports.REPORT_TIME_LIMIT


# --- PDF and typography -------------------------------------------------------------------------


def test_weasyprint_reads_only_our_static_files():
    fetcher = StaticOnlyFetcher()
    assert static_path("https://example.org/static/css/reports.css").name == "reports.css"
    assert static_path("https://example.org/static/../essaimage/settings.py") is None
    assert static_path("https://example.org/media/private/reports/x.pdf") is None
    with pytest.raises(ValueError):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    html = ('<html lang="fr"><body><p>Bonjour</p>'
            '<img src="http://169.254.169.254/x.png" alt="x"></body></html>')
    pdf, pages = html_to_pdf_with_pages(html)
    assert pages == 1 and "Bonjour" in pdf_text(pdf)


def test_french_typography():
    assert french_typography("Qui vient ? Oui ! Ordre du jour : « essaimage » ; fin.") == (
        "Qui vient\u202f? Oui\u202f! Ordre du jour\u202f: «\u202fessaimage\u202f»\u202f; fin.")
    # Times, addresses and entities have no space before their colon or semicolon.
    assert french_typography("10:30 https://x.fr l&#x27;été") == "10:30 https://x.fr l&#x27;été"
    with translation.override("fr"):
        assert fr_typo("<b>Attention !</b>") == "&lt;b&gt;Attention\u202f!&lt;/b&gt;"
    with translation.override("en"):
        assert fr_typo("Warning !") == "Warning !"


def test_numbers_in_the_readers_locale():
    with translation.override("fr"):
        assert num(12500) == "12\xa0500"
        assert num("1234.5") == "1\xa0234,50"
        assert num(3, 1) == "3,0"
        assert num(None) == "—"
    with translation.override("en"):
        assert num(12500) == "12,500"


def test_french_typography_of_a_whole_document_leaves_tags_and_styles_alone():
    from essaimage.templatetags.reports import french_typography_html

    html = ('<style>a:hover { color: red; }</style><p title="Note : x">Objet : « test » ; '
            'fin !</p><svg><text>T1 : 3</text></svg>')
    assert french_typography_html(html) == (
        '<style>a:hover { color: red; }</style><p title="Note : x">Objet\u202f: «\u202ftest'
        '\u202f»\u202f; fin\u202f!</p><svg><text>T1\u202f: 3</text></svg>')


def test_a_chart_is_embedded_as_a_vector_image_with_its_words():
    import base64

    from essaimage.templatetags.reports import chart_svg
    from evaluations import charts

    svg = charts.bar_chart([charts.Bar("T1", 12, 15, "watch")], chart_id="c1",
                           title="Personnes accompagnées")
    img = str(chart_svg(svg))
    assert img.startswith('<img class="chart bar-chart" src="data:image/svg+xml;base64,')
    assert 'alt="Personnes accompagnées — ' in img
    data = base64.b64decode(img.split("base64,")[1].split('"')[0]).decode()
    assert data.startswith("<svg") and "<style>" in data and ".bar.band-watch" in data
    assert chart_svg("") == ""
