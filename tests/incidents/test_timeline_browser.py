"""The timeline in a real browser: a change made on a case is there, marked new."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import World
from tests.e2e.test_browser import CHROMIUM, _sign_in, browser_page, server
from tests.factories import rows_csv

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
__all__ = ["browser_page", "server"]


def test_a_change_on_a_case_is_on_the_timeline_marked_new(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World
) -> None:
    header = ["id", "full_name", "date_of_birth", "nationality", "facility"]
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center"]]
    uploaded = httpx.post(
        f"{server}/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={"file": ("host.csv", rows_csv(header, rows), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name="변경 내역").click()
    page.get_by_role("heading", name="변경 내역").wait_for()
    assert page.locator("li.is-new").count() == 0

    page.get_by_role("link", name=re.compile("LEE SEONGHO")).first.click()
    page.get_by_role("button", name="다음 상태로: 소재 확인").click()
    page.get_by_role("button", name="다음 상태로: 소재 확인").wait_for(state="detached")
    page.get_by_role("link", name="Worksite raid").first.click()
    page.get_by_role("link", name="변경 내역").click()

    new = page.locator("li.is-new")
    assert new.count() == 1
    said = new.inner_text()
    assert "새 항목" in said and "officer.kim: 조력 건 상태 변경" in said
    assert "상태: 신고됨 → 소재 확인" in said
    assert "이후 변경: 1건" in page.get_by_role("status").inner_text()
    new.get_by_role("link", name=re.compile("LEE SEONGHO")).click()
    page.get_by_role("button", name="다음 상태로: 영사 접견").wait_for()
