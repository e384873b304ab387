"""A travel certificate issued from the Korean case page and downloaded as a PDF."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server
from tests.flights.test_flights import _three_cases
from tests.flights.test_pdf import pdf_words

__all__ = ["browser_page", "server"]  # the fixtures, shared with the other browser tests


def test_an_officer_issues_a_travel_certificate_and_downloads_it(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    lee, _, _ = _three_cases(factory, world)
    page = browser_page
    _sign_in(page, "officer.kim")
    page.goto(f"{server}/cases/{lee}")
    page.get_by_role("heading", name="여행 문서", exact=True).wait_for()
    page.get_by_label("발급일").last.fill("2025-09-09")
    page.get_by_label("유효 범위").select_option("one_year")
    page.get_by_label("여권").last.select_option("unknown")
    page.get_by_role("button", name="여행증명서 발급하기").click()
    page.get_by_role("link", name="여행증명서 인쇄 (PDF)").wait_for()
    assert "2026-09-08" in page.locator("main").inner_text()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="여행증명서 인쇄 (PDF)").click()
    saved = tmp_path / "certificate.pdf"
    downloading.value.save_as(saved)
    text = pdf_words(saved.read_bytes())
    assert "여행증명서 / Travel certificate" in text and "TC2500001" in text
