"""A supervisor writes a broadcast in Korean and English, previews whom it reaches, and sends
it, in a real browser (the fixtures of ``tests.e2e.test_browser``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.notifications.models import Notification
from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server
from tests.factories import user_with_token
from tests.notifications.test_broadcasts import DRAFT, three_families

__all__ = ["browser_page", "server"]


def test_a_supervisor_previews_and_sends_a_broadcast_to_the_families(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory: sessionmaker[Session]
) -> None:
    three_families(factory, world)
    user_with_token(factory, "supervisor.park", "supervisor")
    page = browser_page
    _sign_in(page, "supervisor.park")
    page.get_by_role("heading", name="진행 중인 사건").wait_for()
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name="일괄 안내").click()
    page.get_by_label("한국어 제목").fill(DRAFT.subject_ko)
    page.get_by_label("한국어 본문").fill(DRAFT.body_ko)
    page.get_by_label("영어 제목").fill(DRAFT.subject_en)
    page.get_by_label("영어 본문").fill(DRAFT.body_en)
    page.get_by_role("button", name="미리 보기").click()
    preview = page.locator("section.preview")
    preview.wait_for()
    text = preview.inner_text()
    assert "수신 거부" in text and DRAFT.body_ko in text and DRAFT.body_en in text
    page.get_by_role("button", name="메시지 3건 보내기").click()
    page.get_by_role("status").wait_for()
    assert "발송 대기열" in page.get_by_role("status").inner_text()
    assert "supervisor.park" in page.locator("#sent ~ table").inner_text()
    with factory() as db:
        assert db.scalar(select(func.count(Notification.id))) == 3
