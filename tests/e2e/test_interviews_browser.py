"""A visit's roster of welfare interviews typed in a real browser on the Korean screen: one
row refused, fixed, saved; the counts shown; a refusal of family notice respected after."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.cases.service import transition
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict
from consular.families.service import issue_code
from consular.notifications.models import Notification
from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server
from tests.interviews.roster import FOLKSTON, detained
from tests.notifications.conftest import case_with_contacts

__all__ = ["browser_page", "server"]  # the fixtures, shared with the other browser tests


def _answer(page, number: int, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="c{number}.{name}"][value="{value}"]').check()


def test_an_officer_types_a_roster_fixes_a_refused_row_and_the_wish_holds(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory: sessionmaker[Session]
) -> None:
    lee = case_with_contacts(factory, world)
    detained(factory, world)  # LEE is case 1, then PARK (2, Stewart) and CHOI (3, Folkston)
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name="면담 명단으로 기록하기").click()
    page.get_by_label("구금 시설").first.fill(FOLKSTON)
    page.get_by_label("날짜").first.fill("2025-09-08")
    page.get_by_role("button", name="면담 명단 보기").click()
    page.get_by_text("조력 건 3 ·").first.wait_for()
    # LEE: seen, refuses that his family be told, injured by the restraints.
    for name, value in (
        ("told_reason", "no"),
        ("advised_rights", "yes"),
        ("family_notice", "no"),
        ("wish", "voluntary_departure"),
    ):
        _answer(page, 1, name, value)
    page.locator('input[name="c1.injured"]').check()
    page.locator('input[name="c1.injuries"]').fill("수갑 자국")
    # CHOI: said seen but nothing answered about the reason for the arrest.
    page.locator('input[name="c3.health"]').fill("양호")
    page.get_by_role("button", name="면담 저장").click()
    alert = page.locator("#problems")
    alert.wait_for()
    said = alert.inner_text()
    assert "아무것도 저장되지 않았습니다" in said and "조력 건 3 · 체포 사유 고지" in said
    # What was typed is still there.
    assert page.locator('input[name="c1.injuries"]').input_value() == "수갑 자국"
    for name, value in (
        ("told_reason", "yes"),
        ("advised_rights", "no"),
        ("family_notice", "yes"),
        ("wish", "contest"),
    ):
        _answer(page, 3, name, value)
    page.get_by_role("button", name="면담 저장").click()
    page.get_by_text("면담 2건이 저장되었습니다.").wait_for()
    page.get_by_role("link", name="집계 보기").click()
    counts = page.locator("table.interview-counts").inner_text()
    assert "가족 통보 거부" in counts and FOLKSTON in counts
    total = page.locator("table.interview-counts tfoot").inner_text().split()
    # cases, seen, not yet seen, injured, not told, not advised, counsel, departure, refuse
    assert total[-9:] == ["3", "2", "1", "1", "1", "1", "0", "1", "1"]
    assert page.locator("figure.chart svg").count() >= 1

    # CON-05: the next change of state writes nothing to his family, and no code is issued.
    with factory() as db:
        before = db.scalar(select(func.count()).select_from(Notification))
    with unit_of_work(factory) as db:
        case = db.get_one(Case, lee)
        assert case.family_notice == "no"
        transition(db, world.officer, lee, "located", version=case.version)
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Notification)) == before == 0
    with unit_of_work(factory) as db:
        try:
            issue_code(db, world.officer, Settings(), lee, "김미영")
        except Conflict as refused:
            assert refused.code == "family_code.refused_by_detainee"
        else:
            raise AssertionError("a family code was issued against the detainee's refusal")
