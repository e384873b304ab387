"""A bulk move of a facility's cases in a real browser, with one case refused and reported."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.db import unit_of_work
from tests.cases.bulk_world import FOLKSTON, open_five, states
from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server

__all__ = ["browser_page", "server"]  # the fixtures, shared with the other browser tests


def test_an_officer_moves_a_facilitys_cases_at_once_and_reads_the_refusal(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory: sessionmaker[Session]
) -> None:
    cases = open_five(factory, world)
    with unit_of_work(factory) as db:
        # Case 3 moved on already: it cannot be marked located again.
        db.get_one(Case, cases[3]).state = "located"
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("heading", name="진행 중인 사건").wait_for()
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_label("구금 시설").select_option(FOLKSTON)
    page.get_by_role("button", name="보기", exact=True).click()
    page.get_by_text("이 필터에 맞는 조력 건 3건 전체").click()
    page.get_by_label("상태", exact=True).last.select_option("located")
    page.get_by_label("나머지는 변경 (허용되는 건만 적용)").check()
    page.get_by_role("button", name="미리 보기").click()
    page.get_by_role("heading", name="미리 보기: 아직 아무것도 변경되지 않았습니다").wait_for()
    assert states(factory, world)[1] == "reported"
    page.get_by_role("button", name="조력 건 3건에 적용").click()
    page.get_by_role("heading", name="변경했습니다").wait_for()
    assert "조력 건 3건 중 2건 변경, 1건 거부." in page.locator("main").inner_text()
    refused = page.locator("tr.refused").inner_text()
    assert "거부됨" in refused and "소재 확인" in refused
    assert states(factory, world) == {
        1: "located",
        2: "located",
        3: "located",
        4: "reported",
        5: "reported",
    }
