"""Reporting pages for every role of the cast: the calendar, an adopter's periods, entering a
site's values with bad input, evidence, the review by staff, and their query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from essaimage.home import build_home
from evaluations.models import Evidence, IndicatorValue, ReportingPeriod, SiteReport
from evaluations.services.reporting import (
    Entry,
    add_evidence,
    delete_evidence,
    entry_key,
    open_report,
    return_value,
    save_values,
    submit_report,
    validate_report,
)

from ..factories import (
    AdopterSiteFactory,
    DisaggregationCategoryFactory,
    DisaggregationFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    PercentageIndicatorFactory,
    QualitativeIndicatorFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 200, "paul": 200,
           "ines": 200, "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
STAFF_ONLY = {**READERS, "fanny": 403, "camille": 403, "paul": 403, "ines": 403}
# bob's site: its people, the project's readers and its sponsor (paul) read it.
BOB_SITE = {**READERS, "bob": 200}
# Who writes bob's values: bob and the staff; readers may not (403); others never see it.
BOB_WRITERS = {**BOB_SITE, "alice": 302, "admin": 302, "bob": 302, "fanny": 403,
               "camille": 403, "paul": 403, "ines": 403}


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in English, whatever state the French catalogue is in.
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def everyone(pipeline_cast, ines):
    return {**pipeline_cast, "ines": ines}


@pytest.fixture
def quarter(project):
    return ReportingPeriodFactory(project=project)


@pytest.fixture
def count(project):
    return IndicatorFactory(project=project, code="JEUNES", name="Jeunes accompagnés")


@pytest.fixture
def share(project):
    return PercentageIndicatorFactory(project=project, code="SORTIES",
                                      name="Part des sorties en emploi")


@pytest.fixture
def scale(project):
    return QualitativeIndicatorFactory(project=project, code="APPRO", name="Appropriation",
                                       levels=4)


@pytest.fixture
def report(bob_site, quarter, bob):
    return open_report(bob_site, quarter, bob)


def entry_url(site, period):
    return reverse("evaluations:report_entry", args=[site.pk, period.pk])


def key(indicator, field, category=None):
    return entry_key(indicator.pk, category and category.pk, field)


def submitted_report(report, bob, count, share, scale):
    save_values(report, [Entry(count, value="12"), Entry(share, numerator="3", denominator="4"),
                         Entry(scale, level="2")], bob)
    return submit_report(report, bob)


# --- The calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_the_calendar_is_for_the_readers_of_the_project(client, everyone, project, quarter,
                                                        who, expected):
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:period_list", args=[project.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response.context["can_manage"] is (who in ("alice", "admin"))
        assert (response.context["form"] is not None) is (who in ("alice", "admin"))


@pytest.mark.parametrize(("who", "expected"), {**STAFF_ONLY, "alice": 302,
                                               "admin": 302}.items())
def test_only_staff_generate_the_calendar(client, everyone, project, who, expected):
    client.force_login(everyone[who])
    response = client.post(reverse("evaluations:period_list", args=[project.pk]),
                           {"frequency": "quarterly", "start": "2025-01-01",
                            "end": "2025-12-31"})
    assert response.status_code == expected
    assert ReportingPeriod.objects.filter(project=project).count() == (
        4 if expected == 302 else 0)


def test_generating_twice_says_what_was_created(client, alice, project):
    client.force_login(alice)
    url = reverse("evaluations:period_list", args=[project.pk])
    data = {"frequency": "quarterly", "start": "2025-01-01", "end": "2025-06-30"}
    first = client.post(url, data, follow=True)
    assert "2 periods created: T1 2025, T2 2025." in [str(m) for m in first.context["messages"]]
    second = client.post(url, {**data, "end": "2025-09-30"}, follow=True)
    texts = [str(m) for m in second.context["messages"]]
    assert "1 period created: T3 2025." in texts
    assert "2 periods of this range already existed: unchanged." in texts
    assert ReportingPeriod.objects.filter(project=project).count() == 3


def test_a_calendar_ending_before_it_starts_is_refused_next_to_the_field(client, alice,
                                                                          project):
    client.force_login(alice)
    response = client.post(reverse("evaluations:period_list", args=[project.pk]),
                           {"frequency": "quarterly", "start": "2025-06-01",
                            "end": "2025-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == [
        "The last period must come after the first."]
    assert response.context["form"]["start"].value() == "2025-06-01"


def test_the_calendar_counts_reports_by_status(client, alice, project, bob_site, carol_site,
                                               quarter, report, bob, count, share, scale):
    submitted_report(report, bob, count, share, scale)
    third = AdopterSiteFactory(project=project)
    SiteReport.objects.create(site=third, period=quarter)
    client.force_login(alice)
    response = client.get(reverse("evaluations:period_list", args=[project.pk]))
    period = response.context["page"][0]
    assert (period.submitted_count, period.draft_count, period.validated_count,
            period.returned_count) == (1, 1, 0, 0)
    # carol's site has no report, the third site a draft: neither has submitted.
    assert period.missing_count == 2


def test_calendar_query_count_does_not_grow_with_sites(client, alice, project, quarter,
                                                       django_assert_max_num_queries):
    for _ in range(15):
        SiteReport.objects.create(site=AdopterSiteFactory(project=project), period=quarter)
    ReportingPeriodFactory(project=project, starts_on=date(2025, 4, 1),
                           ends_on=date(2025, 6, 30), due_on=date(2025, 7, 30), label="T2")
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("evaluations:period_list", args=[project.pk]))
    assert response.status_code == 200


# --- My reports ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "admin", "fanny", "camille", "paul", "ines", "bob",
                                 "carol", "remi", "oscar"])
def test_my_reports_show_only_my_own_sites(client, everyone, bob_site, carol_site, quarter,
                                           count, who):
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:my_reports"))
    assert response.status_code == 200
    sites = [rows.site for rows in response.context["site_rows"]]
    assert sites == {"bob": [bob_site], "carol": [carol_site]}.get(who, [])


def test_my_reports_show_due_returned_and_overdue_periods_newest_first(
        client, bob, alice, bob_site, project, report, count, share, scale, quarter):
    second = ReportingPeriodFactory(project=project, starts_on=date(2025, 4, 1),
                                    ends_on=date(2025, 6, 30), due_on=date(2025, 7, 30),
                                    label="T2 2025")
    future = ReportingPeriodFactory(project=project, starts_on=date.today(),
                                    ends_on=date.today() + timedelta(days=80),
                                    due_on=date.today() + timedelta(days=110), label="Next")
    submitted_report(report, bob, count, share, scale)
    return_value(report.values.get(indicator=count), alice, "Vérifier le total")
    client.force_login(bob)
    response = client.get(reverse("evaluations:my_reports"))
    rows = response.context["site_rows"][0].to_do
    assert [(row.period, row.status, row.is_overdue) for row in rows] == [
        (second, "not_started", True), (quarter, "returned", False)]
    assert future not in [row.period for row in rows]
    assert "Overdue" in response.content.decode()


def test_my_reports_query_count_does_not_grow(client, bob, bob_structure, project, count,
                                              django_assert_max_num_queries):
    for number in range(8):
        site = AdopterSiteFactory(project=project, structure=bob_structure)
        period = ReportingPeriodFactory(project=project, starts_on=date(2020 + number, 1, 1),
                                        ends_on=date(2020 + number, 3, 31),
                                        due_on=date(2020 + number, 4, 30), label=f"T1 {number}")
        SiteReport.objects.create(site=site, period=period)
    client.force_login(bob)
    # session, user, sites, periods, reports
    with django_assert_max_num_queries(6):
        response = client.get(reverse("evaluations:my_reports"))
    assert len(response.context["site_rows"]) == 8


def test_the_home_page_tells_adopters_what_to_report(bob, bob_site, quarter, count, carol):
    steps = build_home(bob)["next_steps"]
    step = next(step for step in steps if step.url == reverse("evaluations:my_reports"))
    assert step.title == "Report 1 period of indicators for Essor Emploi Nièvre"
    assert not [s for s in build_home(carol)["next_steps"]
                if s.url == reverse("evaluations:my_reports")]


# --- Entering values -------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), BOB_SITE.items())
def test_a_report_is_read_by_whoever_sees_the_site(client, everyone, bob_site, quarter, count,
                                                   who, expected):
    client.force_login(everyone[who])
    response = client.get(entry_url(bob_site, quarter))
    assert response.status_code == expected
    if expected == 200:
        may_enter = who in ("alice", "admin", "bob")
        assert response.context["has_inputs"] is may_enter
        # Opening the page of a period under way starts the site's draft, for who enters it.
        assert SiteReport.objects.filter(site=bob_site, period=quarter).exists() is (
            may_enter or SiteReport.objects.filter(site=bob_site).exists())


@pytest.mark.parametrize(("who", "expected"), BOB_WRITERS.items())
def test_only_the_site_and_staff_enter_values(client, everyone, bob_site, quarter, report,
                                              count, who, expected):
    client.force_login(everyone[who])
    response = client.post(entry_url(bob_site, quarter),
                           {key(count, "value"): "1 250,5", "action": "save"})
    assert response.status_code == expected
    saved = IndicatorValue.objects.filter(report=report, indicator=count).first()
    assert (saved is not None and saved.value == Decimal("1250.5")) is (expected == 302)


def test_carol_neither_reads_nor_writes_bobs_site(client, carol, bob_site, carol_site, quarter,
                                                  count):
    client.force_login(carol)
    assert client.get(entry_url(bob_site, quarter)).status_code == 404
    assert client.post(entry_url(bob_site, quarter), {key(count, "value"): "3"}
                       ).status_code == 404
    assert not IndicatorValue.objects.exists()
    assert client.get(entry_url(carol_site, quarter)).status_code == 200


def test_the_form_has_one_row_per_indicator_and_category(client, bob, bob_site, quarter, count,
                                                         share, scale):
    women = DisaggregationCategoryFactory(
        disaggregation=DisaggregationFactory(indicator=count), label="Femmes")
    IndicatorTargetFactory(indicator=count, site=bob_site, period_end=quarter.ends_on,
                           value=Decimal("40"))
    IndicatorFactory(project=bob_site.project, code="AN", frequency="yearly")
    client.force_login(bob)
    response = client.get(entry_url(bob_site, quarter))
    form = response.context["form"]
    assert set(form.fields) == {
        key(count, "value"), key(count, "narrative"), key(count, "value", women),
        key(share, "numerator"), key(share, "denominator"), key(share, "narrative"),
        key(scale, "level"), key(scale, "narrative")}
    html = response.content.decode()
    assert 'inputmode="decimal"' in html
    assert f'<label for="id_{key(count, "value")}">' in html
    assert "Jeunes accompagnés — Femmes" in html
    total = next(row for row in response.context["rows"]
                 if row.indicator == count and row.is_total)
    assert total.target.value == Decimal("40")
    for label in ("Submit to the programme", "Save draft"):
        assert label in html


def test_french_numbers_percentages_and_levels_are_saved(client, bob, bob_site, quarter,
                                                         report, count, share, scale):
    client.force_login(bob)
    response = client.post(entry_url(bob_site, quarter), {
        key(count, "value"): "1 250,5", key(count, "narrative"): "Bon trimestre",
        key(share, "numerator"): "3", key(share, "denominator"): "4",
        key(scale, "level"): "2", "action": "save"})
    assert response.status_code == 302
    values = {v.indicator_id: v for v in report.values.all()}
    assert values[count.pk].value == Decimal("1250.5")
    assert values[count.pk].narrative == "Bon trimestre"
    assert (values[share.pk].numerator, values[share.pk].denominator) == (3, 4)
    assert values[scale.pk].level == 2
    page = client.get(entry_url(bob_site, quarter))
    assert page.context["form"][key(count, "value")].value() == "1250,5"


@pytest.mark.parametrize(("field", "data", "message"), [
    ("count-value", {"count-value": "douze"}, "“douze” is not a number."),
    ("share-numerator", {"share-numerator": "5", "share-denominator": "4"},
     "The numerator (5) cannot exceed the denominator (4)."),
    ("scale-level", {"scale-level": "9"}, "Choose a level between 1 and 4."),
])
def test_bad_input_is_shown_next_to_the_field_and_kept(client, bob, bob_site, quarter, report,
                                                       count, share, scale, field, data,
                                                       message):
    indicators = {"count": count, "share": share, "scale": scale}

    def name(short):
        indicator, attribute = short.split("-")
        return key(indicators[indicator], attribute)

    client.force_login(bob)
    posted = {name(short): value for short, value in data.items()}
    response = client.post(entry_url(bob_site, quarter), {**posted, "action": "save"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[name(field)] == [message]
    for input_name, value in posted.items():
        assert form[input_name].value() == value
    html = response.content.decode()
    assert f'id="id_{name(field)}_errors"' in html
    assert f'aria-describedby="id_{name(field)}_errors"' in html
    assert not report.values.exists()


def test_submitting_an_incomplete_report_keeps_the_draft_and_names_the_missing_rows(
        client, bob, bob_site, quarter, report, count, share, scale):
    client.force_login(bob)
    response = client.post(entry_url(bob_site, quarter), {
        key(count, "value"): "12", "action": "submit"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[key(share, "numerator")] == [
        "Enter a value for “Part des sorties en emploi” before submitting."]
    assert form.errors[key(scale, "level")]
    assert form[key(count, "value")].value() == "12"
    report.refresh_from_db()
    assert report.status == SiteReport.Status.DRAFT
    assert report.values.get().value == 12


def test_an_adopter_submits_and_staff_return_a_value_then_validate(
        client, bob, alice, bob_site, quarter, report, count, share, scale):
    client.force_login(bob)
    data = {key(count, "value"): "12", key(share, "numerator"): "3",
            key(share, "denominator"): "4", key(scale, "level"): "2"}
    response = client.post(entry_url(bob_site, quarter), {**data, "action": "submit"})
    assert response.status_code == 302
    assert response.url == reverse("evaluations:my_reports")
    report.refresh_from_db()
    assert report.status == SiteReport.Status.SUBMITTED

    client.force_login(alice)
    page = client.get(entry_url(bob_site, quarter))
    assert "Return with a comment" in page.content.decode()
    assert "Validate the report" in page.content.decode()
    value = report.values.get(indicator=count)
    refused = client.post(reverse("evaluations:value_return", args=[value.pk]),
                          {f"return-{value.pk}-review_comment": "  "})
    assert refused.status_code == 400
    row = next(row for row in refused.context["rows"] if row.value == value)
    assert row.return_form.errors["review_comment"] == ["Say what needs to be revised."]
    assert f'id="id_return-{value.pk}-review_comment_errors"' in refused.content.decode()
    client.post(reverse("evaluations:value_return", args=[value.pk]),
                {f"return-{value.pk}-review_comment": "Le total ne correspond pas"})
    # A report with a returned value cannot be validated: it waits for the site.
    waiting = client.post(reverse("evaluations:report_validate", args=[report.pk]))
    assert waiting.status_code == 400
    assert waiting.context["review_errors"] == [
        "Only a submitted report can be validated: this one awaits the site."]

    client.force_login(bob)
    page = client.get(entry_url(bob_site, quarter)).content.decode()
    assert "Le total ne correspond pas" in page
    assert "is-returned" in page
    client.post(entry_url(bob_site, quarter), {**data, key(count, "value"): "11",
                                                "action": "submit"})

    client.force_login(alice)
    assert client.post(reverse("evaluations:report_validate", args=[report.pk])
                       ).status_code == 302
    twice = client.post(reverse("evaluations:report_validate", args=[report.pk]))
    assert twice.status_code == 400
    assert twice.context["review_errors"] == ["This report is already validated."]
    report.refresh_from_db()
    assert report.is_locked
    assert report.values.get(indicator=count).value == 11


def test_a_locked_report_is_read_only_and_refuses_values(client, bob, alice, bob_site, quarter,
                                                         report, count, share, scale):
    validate_report(submitted_report(report, bob, count, share, scale), alice)
    client.force_login(bob)
    page = client.get(entry_url(bob_site, quarter))
    assert page.context["has_inputs"] is False
    assert "this report is locked" in page.content.decode()
    response = client.post(entry_url(bob_site, quarter),
                           {key(count, "value"): "99", "action": "save"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This period is validated and locked. Ask the programme's staff to reopen it."]
    assert report.values.get(indicator=count).value == 12


@pytest.mark.parametrize(("who", "expected"), BOB_WRITERS.items())
def test_only_staff_return_values(client, everyone, bob, bob_site, quarter, report, count,
                                  share, scale, who, expected):
    submitted_report(report, bob, count, share, scale)
    value = report.values.get(indicator=count)
    client.force_login(everyone[who])
    response = client.post(reverse("evaluations:value_return", args=[value.pk]),
                           {f"return-{value.pk}-review_comment": "À revoir"})
    expected = {"bob": 403}.get(who, expected)
    assert response.status_code == expected
    value.refresh_from_db()
    assert (value.status == IndicatorValue.Status.RETURNED) is (expected == 302)


@pytest.mark.parametrize(("who", "expected"), BOB_WRITERS.items())
def test_only_staff_validate(client, everyone, bob, bob_site, quarter, report, count, share,
                             scale, who, expected):
    submitted_report(report, bob, count, share, scale)
    client.force_login(everyone[who])
    response = client.post(reverse("evaluations:report_validate", args=[report.pk]))
    expected = {"bob": 403}.get(who, expected)
    assert response.status_code == expected
    report.refresh_from_db()
    assert report.is_locked is (expected == 302)


def test_staff_reopen_with_a_reason_next_to_the_field(client, bob, alice, bob_site, quarter,
                                                      report, count, share, scale):
    validate_report(submitted_report(report, bob, count, share, scale), alice)
    client.force_login(bob)
    assert client.post(reverse("evaluations:report_reopen", args=[report.pk]),
                       {"reason": "Erreur"}).status_code == 403
    client.force_login(alice)
    url = reverse("evaluations:report_reopen", args=[report.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert refused.context["reopen_form"].errors["reason"] == ["Say why the period is reopened."]
    assert client.post(url, {"reason": "Erreur de saisie"}).status_code == 302
    report.refresh_from_db()
    assert report.status == SiteReport.Status.RETURNED and not report.is_locked


def test_report_entry_query_count_does_not_grow_with_indicators(
        client, bob, bob_site, quarter, report, project, django_assert_max_num_queries):
    def queries_for(number):
        for position in range(number):
            indicator = IndicatorFactory(project=project, position=position)
            IndicatorTargetFactory(indicator=indicator, site=bob_site,
                                   period_end=quarter.ends_on)
            IndicatorValue.objects.create(report=report, indicator=indicator, value=3)
        client.force_login(bob)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(entry_url(bob_site, quarter)).status_code == 200
        return len(captured)

    QualitativeIndicatorFactory(project=project)
    DisaggregationCategoryFactory(disaggregation=DisaggregationFactory(
        indicator=IndicatorFactory(project=project)))
    few = queries_for(2)
    many = queries_for(18)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(entry_url(bob_site, quarter))


# --- Evidence --------------------------------------------------------------------------------


def pdf(name="feuille.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 attendance", content_type="application/pdf")


@pytest.mark.parametrize(("who", "expected"), BOB_WRITERS.items())
def test_only_the_site_and_staff_attach_evidence(client, everyone, bob_site, quarter, report,
                                                 who, expected, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(everyone[who])
    response = client.post(reverse("evaluations:evidence_upload", args=[report.pk]),
                           {"file": pdf(), "description": "Feuilles d'émargement"})
    assert response.status_code == expected
    assert Evidence.objects.filter(report=report).exists() is (expected == 302)


def test_a_file_of_the_wrong_type_is_refused_next_to_the_field(client, bob, bob_site, quarter,
                                                               report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(bob)
    response = client.post(reverse("evaluations:evidence_upload", args=[report.pk]),
                           {"file": SimpleUploadedFile("x.exe", b"MZ"), "description": "x"})
    assert response.status_code == 400
    assert "not accepted" in response.context["evidence_form"].errors["file"][0]
    fake = client.post(reverse("evaluations:evidence_upload", args=[report.pk]),
                       {"file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert fake.context["evidence_form"].errors["file"] == [
        "This file is not a real pdf document."]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("who", "expected"), BOB_SITE.items())
def test_evidence_is_downloaded_by_whoever_reads_the_report(client, everyone, bob, bob_site,
                                                            report, who, expected, settings,
                                                            tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = add_evidence(report, user=bob, file=pdf())
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:evidence_download", args=[evidence.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_evidence_is_removed_while_the_report_is_open_only(client, bob, alice, carol, bob_site,
                                                          report, count, share, scale, settings,
                                                          tmp_path,
                                                          django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    first = add_evidence(report, user=bob, file=pdf())
    client.force_login(carol)
    assert client.post(reverse("evaluations:evidence_delete", args=[first.pk])
                       ).status_code == 404
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluations:evidence_delete", args=[first.pk]))
    assert not Evidence.objects.filter(pk=first.pk).exists()
    assert not (tmp_path / first.file.name).exists()
    second = add_evidence(report, user=bob, file=pdf())
    validate_report(submitted_report(report, bob, count, share, scale), alice)
    response = client.post(reverse("evaluations:evidence_delete", args=[second.pk]),
                           follow=True)
    assert Evidence.objects.filter(pk=second.pk).exists()
    assert "validated and locked" in " ".join(str(m) for m in response.context["messages"])


def test_evidence_services_refuse_a_locked_report_and_other_people(bob, alice, carol, report,
                                                                   count, share, scale,
                                                                   settings, tmp_path):
    from django.core.exceptions import PermissionDenied, ValidationError

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        add_evidence(report, user=carol, file=pdf())
    with pytest.raises(ValidationError) as excinfo:
        add_evidence(report, user=bob, file=SimpleUploadedFile("a.pdf", b"x" * 10))
    assert "file" in excinfo.value.error_dict
    evidence = add_evidence(report, user=bob, file=pdf())
    with pytest.raises(PermissionDenied):
        delete_evidence(evidence, user=carol)
    validate_report(submitted_report(report, bob, count, share, scale), alice)
    with pytest.raises(ValidationError):
        add_evidence(report, user=bob, file=pdf())
    with pytest.raises(ValidationError):
        delete_evidence(evidence, user=bob)


# --- Review ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_the_review_queue_is_for_staff(client, everyone, project, who, expected):
    client.force_login(everyone[who])
    response = client.get(reverse("evaluations:review_list", args=[project.pk]))
    assert response.status_code == expected


def test_the_review_queue_lists_submitted_and_returned_reports_with_filters(
        client, alice, bob, project, bob_site, carol_site, quarter, report, count, share,
        scale):
    submitted_report(report, bob, count, share, scale)
    carol_report = SiteReport.objects.create(site=carol_site, period=quarter)
    client.force_login(alice)
    url = reverse("evaluations:review_list", args=[project.pk])
    assert list(client.get(url).context["page"]) == [report]
    return_value(report.values.get(indicator=count), alice, "À revoir")
    assert client.get(url, {"status": "submitted"}).context["page"].object_list.count() == 0
    returned = client.get(url, {"status": "returned", "period": quarter.pk}).context["page"]
    assert [(r, r.returned_count, r.value_count) for r in returned] == [(report, 1, 3)]
    assert carol_report not in list(returned)


def test_review_queue_query_count_does_not_grow_with_sites(client, alice, project, quarter,
                                                          count, django_assert_max_num_queries):
    for _ in range(30):
        site = AdopterSiteFactory(project=project)
        site_report = SiteReport.objects.create(site=site, period=quarter)
        IndicatorValue.objects.create(report=site_report, indicator=count, value=1)
        site_report.status, site_report.submitted_at = "submitted", timezone.now()
        site_report.save()
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("evaluations:review_list", args=[project.pk]))
    assert len(response.context["page"].object_list) == 25
