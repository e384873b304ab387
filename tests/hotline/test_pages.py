"""The hotline's pages in Korean: a call logged on the fast form, its candidates, the link
that makes the caller a contact, the caller's code; and the case page's contacts."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.notifications.models import Notification
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.factories import user_with_token
from tests.hotline.test_service import _case
from tests.web.client import form_token, sign_in

CALL = {
    "subject_name": "이성호",
    "subject_birth": "880314",
    "subject_employer": "HL Battery",
    "last_seen": "엘라벨 현장",
    "caller_name": "김미영",
    "caller_relation": "wife",
    "caller_phone": "010 5550 0101",
    "caller_language": "ko",
    "said": "어제부터 연락이 닿지 않습니다.",
    "promised": "확인 후 다시 전화드리기로 함",
    "callback_due": "2025-09-06T10:00",
}


def _log(browser: TestClient, world: World, **changes: str) -> tuple[str, str]:
    form = browser.get(f"/incidents/{world.incident_id}/hotline/new")
    assert form.status_code == 200 and "통화 기록" in form.text
    token = form_token(form.text)
    logged = browser.post(
        f"/incidents/{world.incident_id}/hotline",
        data={**CALL, **changes, "csrf_token": token},
    )
    assert logged.status_code == 303, logged.text
    return logged.headers["location"].rsplit("/", 1)[-1], token


def test_a_call_logged_in_korean_is_linked_and_the_caller_becomes_a_contact(
    factory: sessionmaker[Session], browser: TestClient, world: World
) -> None:
    case_id = _case(factory, world)
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}").text
    assert f'href="/incidents/{world.incident_id}/hotline"' in incident
    inquiry_id, token = _log(browser, world)
    page = browser.get(f"/hotline/{inquiry_id}").text
    assert "010-5550-0101" in page  # shown in the national format
    assert "기한 초과" in page  # the callback time has passed
    assert f'name="case_id" value="{case_id}"' in page
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    linked = browser.post(
        f"/hotline/{inquiry_id}/link",
        data={"case_id": case_id, "version": version.group(1), "csrf_token": token},
    )
    assert linked.status_code == 303
    after = browser.get(f"/hotline/{inquiry_id}").text
    assert "비상 연락처" in after and "코드" in after
    with factory() as db:
        contact = db.scalars(select(EmergencyContact)).one()
        assert (contact.name, contact.phone) == ("김미영", "+821055500101")
    case_page = browser.get(f"/cases/{case_id}").text
    assert "김미영" in case_page and "010-5550-0101" in case_page
    assert f'href="/hotline/{inquiry_id}"' in case_page  # the call, on the case page
    log = browser.get(f"/incidents/{world.incident_id}/hotline").text
    assert "이성호" in log and "조력 건 1" in log


def test_an_impossible_phone_is_refused_beside_its_field_with_what_was_typed(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    token = form_token(browser.get(f"/incidents/{world.incident_id}/hotline/new").text)
    refused = browser.post(
        f"/incidents/{world.incident_id}/hotline",
        data={**CALL, "caller_phone": "02-0000-0000", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert 'id="caller_phone-error"' in refused.text and "이성호" in refused.text


def test_the_caller_gets_a_code_by_sms_and_it_is_shown_once(
    factory: sessionmaker[Session], browser: TestClient, world: World
) -> None:
    case_id = _case(factory, world)
    sign_in(browser)
    inquiry_id, token = _log(browser, world, callback_due="")
    browser.post(f"/hotline/{inquiry_id}/link", data={"case_id": case_id, "csrf_token": token})
    sent = browser.post(f"/hotline/{inquiry_id}/code", data={"sms": "1", "csrf_token": token})
    assert sent.status_code == 303
    shown = browser.get(f"/hotline/{inquiry_id}").text
    code = re.search(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){4}", shown)
    assert code, shown
    assert code.group(0) not in browser.get(f"/hotline/{inquiry_id}").text
    with factory() as db:
        assert code.group(0) in db.scalars(select(Notification.body)).one()


def test_contacts_are_added_changed_and_removed_on_the_case_page(
    factory: sessionmaker[Session], browser: TestClient, world: World
) -> None:
    case_id = _case(factory, world)
    sign_in(browser)
    page = browser.get(f"/cases/{case_id}").text
    assert "비상 연락처 추가" in page
    token = form_token(page)
    added = browser.post(
        f"/cases/{case_id}/contacts",
        data={"name": "이성진", "relation": "brother", "phone": "01055500202", "csrf_token": token},
    )
    assert added.status_code == 303
    with factory() as db:
        contact = db.scalars(select(EmergencyContact)).one()
        assert contact.phone == "+821055500202"
    refused = browser.post(
        f"/cases/{case_id}/contacts/{contact.id}",
        data={"name": "이성진", "phone": "02-0000-0000", "csrf_token": token},
    )
    assert refused.status_code == 422 and "02-0000-0000" in refused.text
    changed = browser.post(
        f"/cases/{case_id}/contacts/{contact.id}",
        data={"name": "이성진", "phone": "01055500202", "opted_out": "1", "csrf_token": token},
    )
    assert changed.status_code == 303
    assert "메시지 수신 거부" in browser.get(f"/cases/{case_id}").text
    removed = browser.post(
        f"/cases/{case_id}/contacts/{contact.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    with factory() as db:
        assert db.scalars(select(EmergencyContact)).all() == []


def test_another_posts_officer_gets_not_found(
    factory: sessionmaker[Session], browser: TestClient, world: World
) -> None:
    sign_in(browser)
    inquiry_id, _ = _log(browser, world)
    user_with_token(factory, "officer.h2", "officer", post="Consulate General in Houston")
    browser.cookies.clear()
    sign_in(browser, "officer.h2")
    assert browser.get(f"/hotline/{inquiry_id}").status_code == 404
    assert browser.get(f"/incidents/{world.incident_id}/hotline").status_code == 404
