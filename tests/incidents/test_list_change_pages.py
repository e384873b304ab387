"""The page that shows a host list against the previous one and records its transfers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from tests.conftest import World
from tests.incidents.test_listdiff import STEWART, _two_lists
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}


def test_an_officer_sees_the_changes_in_korean_and_records_the_transfers(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    list_id = _two_lists(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/lists/{list_id}/changes"
    page = browser.get(url, headers=KO).text
    assert "이전 명단 이후 달라진 점" in page
    assert "다른 시설로 옮겨짐: 1명" in page and "명단에서 빠짐: 1명" in page
    assert "이번 명단에 새로 나옴: 1명" in page and "다르게 적힘: 1명" in page
    assert "JEONG MIRAE" in page and "CHOI DONGHYUN" in page
    assert "JI HYE → JIHYE" in page
    (case_id,) = re.findall(r'name="case_id" value="([^"]+)" checked', page)
    done = browser.post(
        f"/incidents/{world.incident_id}/lists/{list_id}/transfers",
        data={"case_id": case_id, "csrf_token": form_token(page)},
        headers=KO,
    )
    assert done.status_code == 200
    assert "1건 기록, 0건 기록하지 않음" in done.text
    assert f"{STEWART}로 이송" in done.text  # 센터로: the particle its last word takes
    with factory() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.facility == STEWART
    again = browser.post(
        f"/incidents/{world.incident_id}/lists/{list_id}/transfers",
        data={"case_id": case_id, "csrf_token": form_token(page)},
        headers=KO,
    )
    assert "기록하지 않음: 이미 이 시설로 기록되어 있습니다." in again.text


def test_the_list_page_links_to_its_changes_and_a_form_without_its_token_changes_nothing(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    list_id = _two_lists(browser, world)
    sign_in(browser)
    listed = browser.get(f"/incidents/{world.incident_id}/lists/{list_id}").text
    assert f"/incidents/{world.incident_id}/lists/{list_id}/changes" in listed
    page = browser.get(f"/incidents/{world.incident_id}/lists/{list_id}/changes").text
    (case_id,) = re.findall(r'name="case_id" value="([^"]+)" checked', page)
    forged = browser.post(
        f"/incidents/{world.incident_id}/lists/{list_id}/transfers", data={"case_id": case_id}
    )
    assert forged.status_code == 400  # the form expired page
    with factory() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.facility != STEWART
