"""End-to-end journeys in Debian's headless Chromium, driven by Playwright.

Playwright's own browser download does not work here; the system Chromium does.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from communities.models import Membership

from ..factories import MembershipFactory, StructureFactory, UserFactory, department


WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail("Chromium is required for the end-to-end journeys (apt-get install chromium)")
        pytest.skip("Chromium is not installed: end-to-end journeys skipped")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A French user's browser asks for French; the platform answers in French.
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def live(live_server, reference_data):
    return live_server.url


@pytest.fixture
def assert_accessible():
    """Fail if axe-core finds WCAG 2.1 A or AA violations on the current page."""
    axe = Axe()

    def check(page):
        results = axe.run(page, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()

    return check


def sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/compte/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()


def new_page(browser, **context_options):
    """A page in a browser of its own, as a French user opens it: one per person of a journey."""
    return browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                               **context_options).new_page()


def person(email, first_name, structure=None, **extra):
    """A user who manages `structure` (by default a new structure in the Nièvre)."""
    user = UserFactory(email=email, first_name=first_name, **extra)
    MembershipFactory(user=user, role=Membership.Role.MANAGER,
                      structure=structure or StructureFactory(department=department("58")))
    return user
