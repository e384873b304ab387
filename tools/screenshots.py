"""Take the README's screenshots: the demo's dashboard, a case page and the import wizard's
check of a list's rows, in Korean and English.

Run from the repository root (needs Debian's chromium and the dev extra)::

    .venv/bin/python tools/screenshots.py

It builds the demo in a temporary SQLite file, serves it on a loopback port, signs in as the
demo officer in Chromium (driven by Playwright) and writes PNG files to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.import_registry import serve  # noqa: E402
from benchmarks.workspace_pages import build_demo  # noqa: E402
from consular.sealing import throwaway_key_unless_configured  # noqa: E402

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

OUT = ROOT / "docs" / "screenshots"
# A made-up host authority list with one impossible date, for the import wizard.
SAMPLE_LIST = (
    b"A-Number,Name,DOB,Citizenship,Detention Facility\n"
    b'A200,"HONG, GIL DONG",03/14/1988,KOR,Folkston ICE Processing Center\n'
    b'A201,"SEO, YUN A",02/30/1991,KOR,Stewart Detention Center\n'
    b'A202,"NAM, KI TAE",07/01/1983,KOR,Folkston ICE Processing Center\n'
)


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("error: Debian's chromium is not installed (apt-get install chromium)")
        return 2
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"  # plain HTTP on loopback
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/demo.db"
        passwords = build_demo(database_url).passwords
        with serve(database_url) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for language, locale in (("ko", "ko-KR"), ("en", "en-US")):
                context = browser.new_context(
                    base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}
                )
                page = context.new_page()
                page.goto("/sign-in")
                page.fill("#name", "officer.kim")
                page.fill("#password", passwords["officer.kim"])
                page.click("form.stack button[type=submit]")
                page.wait_for_selector("section.incident")
                page.screenshot(path=OUT / f"dashboard-{language}.png", full_page=True)
                page.click("section.incident h2 a")
                incident_url = page.url
                case = page.locator("table.cases a").nth(4)
                case.click()
                page.wait_for_selector("dl.facts")
                page.screenshot(path=OUT / f"case-{language}.png", full_page=True)
                page.goto(page.url + "/reentry")
                page.wait_for_selector("h1")
                page.screenshot(path=OUT / f"reentry-{language}.png", full_page=True)
                page.goto(incident_url)
                page.click("p.actions a[href$='/imports/new']")
                page.set_input_files(
                    "#file",
                    {"name": "ice-list.csv", "mimeType": "text/csv", "buffer": SAMPLE_LIST},
                )
                page.click("form.stack button[type=submit]")
                page.click("form[action$='/columns'] > button[type=submit]")
                page.wait_for_selector("section.row-errors, section.row-warnings")
                page.screenshot(path=OUT / f"import-{language}.png", full_page=True)
                page.click("form[action$='/cancel'] button")
                context.close()
                # The employer's page, as the battery maker's HR sees it (the top of it).
                context = browser.new_context(
                    base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}
                )
                page = context.new_page()
                page.goto("/sign-in")
                page.fill("#name", "hr.battery")
                page.fill("#password", passwords["hr.battery"])
                page.click("form.stack button[type=submit]")
                page.goto("/deployments")
                page.wait_for_selector("h1")
                page.screenshot(path=OUT / f"deployments-{language}.png")
                context.close()
            browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
