"""Reporting end to end: an adopter enters a quarter's values and submits them; the programme's
staff return one value with a comment; the adopter fixes it and submits again; the staff
validate; the project dashboard shows the new total and the XLSX export holds it."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from evaluations.forms.dashboards import quarter_start
from evaluations.models import IndicatorTarget, IndicatorValue, SiteReport

from ..factories import (
    PASSWORD,
    AdopterSiteFactory,
    IndicatorFactory,
    ProgrammeFactory,
    PublishedInnovationFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)
from .conftest import new_page, person, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(live):
    """TAPAJ's project run by alice, bob's site in the Nièvre with 10 people already validated
    for the quarter before last; the last quarter is open for reporting."""
    ansa = StructureFactory(name="Ansa", department=department("75"))
    alice = person("alice@example.org", "Alice", ansa, last_name="Essai")
    bob_structure = StructureFactory(name="Essor Emploi Nièvre", department=department("58"))
    bob = person("bob@example.org", "Bob", bob_structure, last_name="Essai")
    programme = ProgrammeFactory(name="AIS#Emploi", lead_structure=ansa, staff=[alice])
    project = ScalingProjectFactory(programme=programme, title="Essaimage de TAPAJ",
                                    innovation=PublishedInnovationFactory(title="TAPAJ"))
    site = AdopterSiteFactory(project=project, structure=bob_structure,
                              territory=department("58"), status="launched")
    last_start = quarter_start(quarter_start(timezone.localdate()) - timedelta(days=1))
    before_start = quarter_start(last_start - timedelta(days=1))
    before = ReportingPeriodFactory(project=project, label="Trimestre précédent",
                                    starts_on=before_start,
                                    ends_on=last_start - timedelta(days=1),
                                    due_on=last_start + timedelta(days=30))
    last = ReportingPeriodFactory(project=project, label="Dernier trimestre",
                                  starts_on=last_start,
                                  ends_on=quarter_start(timezone.localdate()) - timedelta(days=1),
                                  due_on=timezone.localdate() + timedelta(days=30))
    people = IndicatorFactory(project=project, code="PERS", name="Personnes accompagnées",
                              position=1)
    days = IndicatorFactory(project=project, code="JOURS", name="Journées travaillées",
                            unit="jours", position=2)
    IndicatorTarget.objects.create(indicator=people, period_end=last.ends_on,
                                   value=Decimal(40))
    now = timezone.now()
    old = SiteReport.objects.create(site=site, period=before, status="validated",
                                    submitted_at=now, validated_at=now, locked_at=now)
    IndicatorValue.objects.create(report=old, indicator=people, value=Decimal(10),
                                  status="validated")
    return {"alice": alice, "bob": bob, "project": project, "site": site, "last": last,
            "people": people, "days": days}


def test_a_quarter_reported_returned_fixed_validated_then_seen_and_exported(
        live, browser, setting, assert_accessible):
    project, site, last = setting["project"], setting["site"], setting["last"]
    people, days = setting["people"], setting["days"]
    entry_url = live + reverse("evaluations:report_entry", args=[site.pk, last.pk])

    # bob enters the quarter and submits it.
    bob = new_page(browser, accept_downloads=True)
    sign_in(bob, live, "bob@example.org", PASSWORD)
    bob.goto(entry_url)
    bob.locator(f"input[name='{people.pk}-total-value']").fill("52")
    bob.locator(f"input[name='{days.pk}-total-value']").fill("118,5")
    bob.locator("button[name=action][value=submit]").click()
    report = SiteReport.objects.get(site=site, period=last)
    assert report.status == SiteReport.Status.SUBMITTED

    # alice returns the count of people: 52 looks like the year, not the quarter.
    alice = new_page(browser, accept_downloads=True)
    sign_in(alice, live, "alice@example.org", PASSWORD)
    alice.goto(live + reverse("evaluations:review_list", args=[project.pk]))
    alice.goto(entry_url)
    value = IndicatorValue.objects.get(report=report, indicator=people)
    row = alice.locator(f"#row-{value.pk}")
    row.locator("details.return-value summary").click()
    row.locator(f"textarea[name='return-{value.pk}-review_comment']").fill(
        "52 personnes sur un trimestre ? Merci de vérifier.")
    row.locator("details.return-value button[type=submit]").click()
    value.refresh_from_db()
    assert value.status == IndicatorValue.Status.RETURNED

    # bob sees the comment, fixes the value and submits again.
    bob.goto(entry_url)
    expect(bob.get_by_text("52 personnes sur un trimestre ? Merci de vérifier.")).to_be_visible()
    bob.locator(f"input[name='{people.pk}-total-value']").fill("25")
    bob.locator("button[name=action][value=submit]").click()
    report.refresh_from_db()
    assert report.status == SiteReport.Status.SUBMITTED

    # alice validates the report: its values now count.
    alice.goto(entry_url)
    alice.locator(
        f"form[action='{reverse('evaluations:report_validate', args=[report.pk])}'] "
        "button").click()
    report.refresh_from_db()
    assert report.status == SiteReport.Status.VALIDATED

    # The project dashboard shows 10 + 25 = 35 people against a target of 40.
    alice.goto(live + reverse("evaluations:project_dashboard", args=[project.pk]))
    card = alice.locator(f"#indicator-{people.pk}")
    expect(card.locator(".figure-value")).to_contain_text("35")
    expect(card.locator("svg[role=img]")).to_be_visible()
    card.locator("details.chart-data summary").click()
    expect(card.locator("table")).to_contain_text("Dernier trimestre")
    assert_accessible(alice)

    # The site's dashboard, as bob sees it.
    bob.goto(live + reverse("evaluations:site_dashboard", args=[site.pk]))
    expect(bob.locator(f"#indicator-{days.pk}")).to_contain_text("118,5")
    assert_accessible(bob)

    # The XLSX export holds the validated value, as a number.
    with alice.expect_download() as download_info:
        alice.locator("a[href*='valeurs.xlsx']").first.click()
    sheet = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert ["PERS", "Dernier trimestre", 25] in [[r[3], r[4], r[8]] for r in rows]
    assert ["JOURS", "Dernier trimestre", 118.5] in [[r[3], r[4], r[8]] for r in rows]
