"""Take screenshots of the main pages in headless Chromium, to look at what we build.

Usage: python scripts/screenshots.py [BASE_URL] [OUTPUT_DIR] — with `make run` serving the demo.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/screenshots")
PASSWORD = "essaimage-demo"

PAGES = {
    None: ["/", "/compte/login/", "/compte/signup/", "/compte/password/reset/"],
    "alice@essaimage.test": ["/", "/structures/", "/structures/?department=58",
                             "/programmes/", "/profil/", "/compte/2fa/", "/admin/"],
    "bob@essaimage.test": ["/", "/structures/", "/profil/", "/structures/nouvelle/",
                           "/compte/reauthenticate/", "/compte/email/"],
    "oscar@essaimage.test": ["/"],
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for email, paths in PAGES.items():
            for width, label in ((1280, "desktop"), (390, "mobile")):
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
                page = context.new_page()
                if email:
                    page.goto(f"{BASE}/compte/login/")
                    page.fill("input[name=login]", email)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("main form button[type=submit]")
                for path in paths:
                    page.goto(f"{BASE}{path}")
                    who = (email or "anonymous").split("@")[0]
                    name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                    page.screenshot(path=OUT / f"{who}-{name}-{label}.png", full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
