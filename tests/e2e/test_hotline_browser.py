"""The families' hotline in a real browser: a call taken in Korean, linked to the case it is
about; the caller becomes one of the case's emergency contacts."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server
from tests.hotline.test_service import _case

__all__ = ["browser_page", "server"]  # the fixtures this module's test takes


def test_a_call_in_korean_is_linked_to_the_case_and_the_caller_becomes_a_contact(  # type: ignore[no-untyped-def]
    browser_page, factory: sessionmaker[Session], world: World
) -> None:
    _case(factory, world)
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name="가족 상담 전화").click()
    page.get_by_role("link", name="통화 기록").click()
    page.get_by_label("이름(한글 또는 영문)").fill("이성호")
    page.get_by_label("생년월일").fill("88.03.14")
    page.get_by_label("마지막으로 본 곳").fill("엘라벨 공장")
    page.get_by_label("문의자 이름").fill("김미영")
    page.get_by_label("본인과의 관계").fill("wife")
    page.get_by_label("문의자 전화번호").fill("010-5550-0101")
    page.get_by_label("내용", exact=True).fill("남편과 어제부터 연락이 되지 않습니다.")
    page.get_by_label("약속한 내용").fill("소재 확인 후 회신")
    page.get_by_role("button", name="통화 기록하기").click()
    page.get_by_role("heading", name=re.compile("문의 전화 1: 이성호")).wait_for()
    candidate = page.locator("tr", has_text="LEE SEONGHO")
    assert "유력" in candidate.inner_text()
    candidate.get_by_role("button", name="조력 건 1에 연결").click()
    page.get_by_text("문의자를 비상 연락처로 기록했습니다").wait_for()
    page.get_by_role("button", name="코드 발급(전화로 알림)").wait_for()
    page.get_by_role("link", name="조력 건 1에 연결됨").click()
    contacts = page.locator("#contacts + ul").inner_text()
    assert "김미영" in contacts and "010-5550-0101" in contacts and "아내" in contacts
