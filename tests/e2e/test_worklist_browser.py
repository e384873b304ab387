"""My work in a real browser: a case assigned to the officer brings its items to their list."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session, sessionmaker

from tests.cases.test_worklist import assign, open_cases
from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server

__all__ = ["browser_page", "server"]  # the fixtures this module's test takes


def test_my_work_shows_the_items_of_a_case_once_it_is_assigned(  # type: ignore[no-untyped-def]
    browser_page, factory: sessionmaker[Session], world: World
) -> None:
    numbers = open_cases(factory, world.incident_id)
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("link", name="내 업무").click()
    page.get_by_role("heading", name="내 업무").wait_for()
    assert page.get_by_text("미완료 항목 0개").count() == 1
    assign(factory, numbers[2], "officer.kim")
    page.reload()
    page.get_by_text("미완료 항목 7개").wait_for()
    rows = page.locator("table.work tbody tr")
    assert rows.count() == 7
    assert "박지혜 · PARK JIHYE" in rows.first.inner_text()
    assert "한도 초과" in rows.first.inner_text()  # the raid was long ago: every item breached
    # Narrowed to her facility and to breached items, all seven stay; the number leads to the case.
    page.get_by_label("구금 시설").select_option("Stewart Detention Center")
    page.get_by_label("기한", exact=True).select_option("breached")
    page.get_by_role("button", name="보기").click()
    page.get_by_text("미완료 항목 7개").wait_for()
    page.get_by_role("link", name="2", exact=True).first.click()
    page.wait_for_url(re.compile(rf"/cases/{numbers[2]}$"))
