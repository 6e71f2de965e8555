"""A funder end to end: fanny signs in, opens the funders' dashboard from the header, narrows
it to the first half of 2025, and follows the people reached to the sites behind them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities.models import Structure

from ..evaluations.portfolio_support import build
from ..factories import (
    PASSWORD,
    ProgrammeFactory,
    PublishedInnovationFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)
from .conftest import new_page, person, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portfolio(live):
    """portfolio_support's AIS#Emploi, funded by fanny's foundation."""
    ansa = StructureFactory(name="Ansa", department=department("75"))
    alice = person("alice@example.org", "Alice", ansa, last_name="Martin")
    foundation = StructureFactory(name="Fondation pour l'essaimage", kind=Structure.Kind.FUNDER,
                                  department=department("69"))
    person("fanny@example.org", "Fanny", foundation, last_name="Morel")
    programme = ProgrammeFactory(name="AIS#Emploi", lead_structure=ansa, staff=[alice],
                                 funders=[foundation])
    project = ScalingProjectFactory(programme=programme, title="Essaimage de TAPAJ",
                                    innovation=PublishedInnovationFactory(title="TAPAJ"))
    return build(programme, project, foundation)


def test_a_funder_reads_her_figures_and_the_rows_behind_them(live, browser, portfolio,
                                                              assert_accessible):
    fanny = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(fanny, live, "fanny@example.org", PASSWORD)

    # The header leads her to the dashboard.
    dashboard = reverse("evaluations:portfolio_dashboard")
    fanny.locator(f"header a[href='{dashboard}']").click()
    expect(fanny).to_have_url(live + dashboard)
    assert_accessible(fanny)

    # She narrows it to the first half of 2025.
    fanny.locator("input[name=date_from]").fill("2025-01-01")
    fanny.locator("input[name=date_to]").fill("2025-06-30")
    fanny.locator("main form.dashboard-filters button[type=submit]").click()
    expect(fanny).to_have_url(f"{live}{dashboard}?programme=&theme=&territory="
                              "&date_from=2025-01-01&date_to=2025-06-30")
    people = fanny.locator(".headline-figures a[href*='personnes-touchees']")
    # N1's latest in the half (20), G's (5), SOLENI's 10 + 20.
    expect(people.locator(".headline-value")).to_have_text("55")
    expect(fanny.locator(".portfolio-sentence")).to_contain_text("55")

    # The figure leads to the sites behind it, with the same range.
    people.click()
    rows_url = reverse("evaluations:portfolio_rows", args=["personnes-touchees"])
    expect(fanny).to_have_url(f"{live}{rows_url}?date_from=2025-01-01&date_to=2025-06-30")
    rows = fanny.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    expect(fanny.locator("main table")).to_contain_text("Essor Nevers")
    expect(fanny.locator("main table")).not_to_contain_text("Bordeaux Emploi")
    assert_accessible(fanny)
