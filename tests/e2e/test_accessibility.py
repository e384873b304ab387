"""axe-core finds no WCAG 2.1 A or AA violation on any page an officer, a supervisor or an
employer reaches, nor on the public pages; the axe-core script ships with its package."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server  # noqa: F401
from tests.web.crawl import EXPECTED_KINDS, PUBLIC_PAGES, Fetched, crawl, kinds, start_pages
from tests.web.full_world import build_full_world

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# The viewer's and the administrator's pages are the officer's and the supervisor's.
SIGNED_IN = (
    ("officer", "officer.kim"),
    ("supervisor", "supervisor.park"),
    ("employer_hr", "hr.battery"),
)


def _violations(axe: Axe, page, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = axe.run(page, options=WCAG_21_AA).response["violations"]
    return [
        f"{where}: {item['id']} ({item['impact']}) at "
        + ", ".join(" ".join(node["target"]) for node in item["nodes"])
        for item in found
    ]


def _checked_crawl(axe: Axe, page, role: str, found: list[str]) -> dict[str, Fetched]:  # type: ignore[no-untyped-def]
    def fetch(path: str) -> Fetched:
        response = page.goto(path)
        assert response is not None, path
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/html"):
            found.extend(_violations(axe, page, f"{role} {path}"))
        return Fetched(response.status, content_type, page.content())

    return crawl(fetch, start_pages(role))


def test_no_page_has_an_accessibility_violation(  # type: ignore[no-untyped-def]
    browser_page,  # noqa: F811
    server: str,  # noqa: F811
    world: World,
    factory: sessionmaker[Session],
) -> None:
    code = build_full_world(factory, world)
    page, axe = browser_page, Axe()
    found: list[str] = []
    for path in (*PUBLIC_PAGES, "/no-such-page"):
        page.goto(path)
        found.extend(_violations(axe, page, f"public {path}"))
    page.goto("/status")
    page.get_by_label("코드").fill(code)
    page.get_by_label("생년월일 (YYYY-MM-DD)").fill("1988-03-14")
    page.get_by_role("button", name="상태 보기").click()
    page.locator("#status-title").wait_for()
    found.extend(_violations(axe, page, "public /status (found)"))
    for role, name in SIGNED_IN:
        page.context.clear_cookies()
        _sign_in(page, name)
        page.get_by_role("link", name="현황판").wait_for()
        pages = _checked_crawl(axe, page, role, found)
        assert EXPECTED_KINDS[role] <= kinds(pages), sorted(EXPECTED_KINDS[role] - kinds(pages))
    assert found == [], "\n".join(found)
    # And the check would see one: an image without a text alternative.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any("image-alt" in item for item in _violations(axe, page, "with an image"))
