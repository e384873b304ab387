"""A visit planned in a real browser, in Korean, and its roster page printed by Chromium: the
visit's line and the page numbers on every page, no script needed."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server
from tests.visits.world import FOLKSTON, detainees

__all__ = ["browser_page", "server"]  # the fixtures, shared with the other browser tests


def test_an_officer_plans_a_visit_and_prints_its_roster(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory: sessionmaker[Session]
) -> None:
    detainees(factory, world)
    page = browser_page
    _sign_in(page, "officer.kim")
    page.goto(f"/incidents/{world.incident_id}")
    page.get_by_role("link", name="구금 시설 면회").click()
    page.get_by_role("link", name="면회 계획 수립").click()
    page.get_by_label("구금 시설", exact=True).select_option(FOLKSTON)
    page.get_by_label("날짜(YYYY-MM-DD, 공관 현지 기준)").fill("2025-09-05")
    page.get_by_label("통역인 동행").check()
    page.get_by_label("통역인 이름").fill("황미래")
    page.get_by_role("button", name="면회 계획 저장").click()
    page.get_by_role("heading", name=f"{FOLKSTON} · 2025-09-05").wait_for()
    assert page.get_by_role("heading", name="면회할 조력 건 (2)").is_visible()
    page.get_by_role("link", name="인쇄용 명단(성명순)").click()
    page.get_by_role("heading", name=f"면회 명단: {FOLKSTON}").wait_for()
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    text = " ".join(p.extract_text() for p in printed.pages)
    assert "이성호" in text and "최동현" in text and "1 / 1" in text
    assert "황미래" in text
