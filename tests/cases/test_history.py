"""A case's history reads as sentences in the reader's language, with the values changed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.cases.test_pages import _first_case
from tests.conftest import World
from tests.factories import auth
from tests.incidents.test_pages import _import_host_list
from tests.web.client import form_token, sign_in

TAG = re.compile(r"\b(auth|cases|incidents|reentry|flights|families|notifications):[a-z_]+")


def _history(page: str) -> str:
    return page[page.index("<h2>History</h2>" if "<h2>History</h2>" in page else "<h2>이력</h2>") :]


def _custody(page: str) -> str:
    start = (
        page.index("<h2>구금 이력</h2>")
        if "<h2>구금 이력</h2>" in page
        else page.index("<h2>Custody</h2>")
    )
    return page[start : page.index("</ul>", start)]


def _worked_on(browser: TestClient, world: World) -> str:
    """A case from a host list, located, moved to consular access, transferred, noted."""
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    for to in ("located", "consular_access"):
        page = browser.get(f"/cases/{case_id}").text
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version
        moved = browser.post(
            f"/cases/{case_id}/transition",
            data={"to": to, "version": version.group(1), "csrf_token": form_token(page)},
        )
        assert moved.status_code == 303, moved.text
    page = browser.get(f"/cases/{case_id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    custody = browser.post(
        f"/cases/{case_id}/custody",
        data={
            "facility": "Stewart Detention Center",
            "kind": "transferred",
            "version": version.group(1),
            "note": "이송 버스",
            "csrf_token": form_token(page),
        },
    )
    assert custody.status_code == 303, custody.text
    noted = browser.post(
        f"/cases/{case_id}/notes",
        data={"body": "가족에게 전화함", "csrf_token": form_token(page)},
    )
    assert noted.status_code == 303, noted.text
    return case_id


def test_the_history_in_korean_shows_sentences_and_no_tag_nor_code(
    browser: TestClient, world: World
) -> None:
    case_id = _worked_on(browser, world)
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "ko"}).text
    history = _history(page)
    assert "조력 건 개설" in history and "상태: 신고됨" in history
    assert "현지 당국 명단 2행에서 (host.csv)" in history
    assert "명단 행을 조력 건에 연결" in history and "연결 방식: 자동 대조로 연결" in history
    assert "조력 건 상태 변경" in history
    assert "상태: 신고됨 → 소재 확인" in history and "상태: 소재 확인 → 영사 접견" in history
    assert "구금 이력 기록" in history and "종류: 시설로 이송" in history
    assert "구금 시설: Folkston ICE Processing Center → Stewart Detention Center" in history
    assert "메모 추가" in history and "메모: 가족에게 전화함" in history
    assert TAG.search(history) is None, TAG.search(history)
    # No English word of the log: no field key, no stored code, no description.
    for english in ("state", "facility", "kind", "decision", "host_authority", "consular_access",
                    "transferred", "Case", "Note", "List"):  # fmt: skip
        assert re.search(rf"\b{english}\b", history) is None, english
    # The booking the list wrote reads as a sentence too, on the case's custody.
    assert "현지 당국 명단 2행에서 (host.csv)" in _custody(page)
    assert "host_authority" not in page


def test_the_history_in_english_reads_the_changes(browser: TestClient, world: World) -> None:
    case_id = _worked_on(browser, world)
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    history = _history(page)
    assert "Case moved" in history and "State: Located → Consular access" in history
    assert (
        "Case opened" in history
        and "from the host authority&#39;s list, row 2 (host.csv)" in history
    )
    assert "Custody recorded" in history and "Kind: Transferred to the facility" in history
    assert "Note added" in history and "Note: 가족에게 전화함" in history
    assert TAG.search(history) is None
    assert "from the host authority&#39;s list, row 2 (host.csv)" in _custody(page)


def test_the_api_keeps_the_raw_tags_with_an_english_description(
    browser: TestClient, world: World
) -> None:
    case_id = _worked_on(browser, world)
    history = browser.get(f"/api/v1/cases/{case_id}/audit", headers=auth(world.token)).json()
    moved = [event for event in history if event["tag"] == "cases:case:transition"]
    assert [event["diff"]["state"] for event in moved] == [
        ["reported", "located"],
        ["located", "consular_access"],
    ]
    assert {event["description"] for event in moved} == {"Case moved"}
    link = next(event for event in history if event["tag"] == "incidents:record:link")
    assert link["description"] == "List row linked to the case"
