"""Closing and reopening an incident from its page; a closed incident's page says so."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.cases.test_pages import _first_case
from tests.conftest import World
from tests.factories import user_with_token
from tests.incidents.test_pages import _import_host_list
from tests.web.client import form_token, sign_in


def _incident(browser: TestClient, world: World) -> str:
    return browser.get(f"/incidents/{world.incident_id}", headers={"Accept-Language": "ko"}).text


def _post(browser: TestClient, world: World, what: str, note: str, page: str):
    return browser.post(
        f"/incidents/{world.incident_id}/{what}",
        data={"note": note, "csrf_token": form_token(page)},
        headers={"Accept-Language": "ko"},
    )


def test_an_officer_closes_an_incident_with_a_note_and_reopens_it(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = _incident(browser, world)
    assert "사건 종결" in page

    no_note = _post(browser, world, "close", " ", page)
    assert no_note.status_code == 422
    assert "사유를 메모로 적어 주십시오." in no_note.text

    closed = _post(browser, world, "close", "모두 귀국함", page)
    assert closed.status_code == 303, closed.text
    page = _incident(browser, world)
    assert "officer.kim이 종결했습니다: 모두 귀국함" in page
    assert f"/incidents/{world.incident_id}/imports/new" not in page
    assert "사건 재개" in page

    case_page = browser.get(f"/cases/{case_id}").text
    version = re.search(r'name="version" value="(\d+)"', case_page)
    assert version
    moved = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "transferred", "version": version.group(1), "csrf_token": form_token(page)},
        headers={"Accept-Language": "ko"},
    )
    assert moved.status_code == 409
    assert "종결했습니다: 모두 귀국함" in moved.text

    reopened = _post(browser, world, "reopen", "한 명 더 확인됨", page)
    assert reopened.status_code == 303, reopened.text
    page = _incident(browser, world)
    assert "종결했습니다" not in page
    assert f"/incidents/{world.incident_id}/imports/new" in page


def test_a_viewer_sees_no_close_form_and_cannot_close(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "viewer.park", "viewer")
    sign_in(browser, "viewer.park")
    page = _incident(browser, world)
    assert f'action="/incidents/{world.incident_id}/close"' not in page
    refused = _post(browser, world, "close", "제 일이 아님", page)
    assert refused.status_code == 404  # not allowed looks like unknown
    assert "종결했습니다" not in _incident(browser, world)
