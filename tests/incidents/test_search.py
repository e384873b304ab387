"""Search inside an incident: by name in any spelling or part, A-number, passport, number."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.errors import NotFound
from consular.incidents.search import search_incident
from tests.cases.test_worklist import open_cases
from tests.conftest import World
from tests.factories import HOUSTON, auth, new_incident, user_with_token
from tests.web.client import sign_in
from tests.web.visible_text import english_in, visible_text


@pytest.fixture
def cases(factory: sessionmaker[Session], world: World) -> dict[int, str]:
    # 1: LEE SEONGHO (이성호, passport M12345678, A123456789), 2: PARK JIHYE, 3: CHOI DONGHYUN.
    return open_cases(factory, world.incident_id)


def found(factory: sessionmaker[Session], world: World, text: str) -> list[tuple[int, str]]:
    with unit_of_work(factory, write=False) as db:
        return [
            (item.case.number, item.found_by)
            for item in search_incident(db, world.officer, world.incident_id, text)
        ]


@pytest.mark.parametrize(
    "text",
    ["Lee Seongho", "Yi Sung-ho", "이성호", "seong", "LEE, SEONGHO", "Rhee", "성호", "sung ho lee"],
)
def test_a_name_finds_its_case_in_any_spelling_whole_or_in_part(
    factory: sessionmaker[Session], world: World, cases: dict[int, str], text: str
) -> None:
    assert found(factory, world, text) == [(1, "name")]


@pytest.mark.parametrize(
    ("text", "number"), [("ji", 2), ("지혜", 2), ("Park Ji", 2), ("dong", 3), ("최", 3)]
)
def test_part_of_a_name_finds_only_the_people_it_is_part_of(
    factory: sessionmaker[Session], world: World, cases: dict[int, str], text: str, number: int
) -> None:
    assert found(factory, world, text) == [(number, "name")]


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("A123456789", "host_identifier"),
        ("a-123-456-789", "host_identifier"),
        ("123456789", "host_identifier"),
        ("M12345678", "passport"),
        ("m1234 5678", "passport"),
        ("1", "case_number"),
        ("#1", "case_number"),
    ],
)
def test_an_identifier_or_the_case_number_finds_the_case(
    factory: sessionmaker[Session], world: World, cases: dict[int, str], text: str, how: str
) -> None:
    assert found(factory, world, text) == [(1, how)]


def test_nothing_is_found_for_a_stranger_an_empty_search_or_another_incidents_case(
    factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    assert found(factory, world, "Garcia") == []
    assert found(factory, world, "   ") == []
    assert found(factory, world, "A999999999") == []
    other = new_incident(factory)
    with unit_of_work(factory, write=False) as db:
        assert search_incident(db, world.officer, other, "Lee") == []


def test_outside_its_scope_the_incident_is_not_found(
    app_client: TestClient, factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    far, token = user_with_token(factory, "officer.far", "officer", post=HOUSTON)
    with unit_of_work(factory, write=False) as db, pytest.raises(NotFound):
        search_incident(db, far, world.incident_id, "Lee")
    path = f"/api/v1/incidents/{world.incident_id}/search?q=Lee"
    assert app_client.get(path, headers=auth(token)).status_code == 404
    _, hr = user_with_token(factory, "hr.one", "employer_hr", employer="HL Battery")
    assert app_client.get(path, headers=auth(hr)).status_code == 404
    answer = app_client.get(path, headers=auth(world.token))
    assert answer.status_code == 200
    assert [(i["found_by"], i["case"]["number"]) for i in answer.json()] == [("name", 1)]


def test_the_search_page_links_each_case_found_and_the_incident_page_has_the_box(
    browser: TestClient, world: World, cases: dict[int, str]
) -> None:
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}").text
    assert f'action="/incidents/{world.incident_id}/search"' in incident
    page = browser.get(
        f"/incidents/{world.incident_id}/search?q=Yi+Sung-ho", headers={"Accept-Language": "en"}
    )
    assert page.status_code == 200
    assert f'href="/cases/{cases[1]}"' in page.text
    assert f'href="/cases/{cases[2]}"' not in page.text
    assert "1 case found" in page.text
    none = browser.get(f"/incidents/{world.incident_id}/search?q=Garcia").text
    assert "“Garcia”" in none and "/cases/" not in none
    assert browser.get("/incidents/no-such-incident/search?q=Lee").status_code == 404


def test_the_results_read_in_korean_show_no_english_word(
    browser: TestClient, world: World, cases: dict[int, str]
) -> None:
    sign_in(browser)
    page = browser.get(
        f"/incidents/{world.incident_id}/search?q=seong", headers={"Accept-Language": "ko"}
    )
    assert "조력 건 1건을 찾았습니다" in page.text
    data = {
        "officer.kim",
        "Worksite raid",
        "LEE SEONGHO",
        "Folkston ICE Processing Center",
        "Stewart Detention Center",
    }
    assert english_in(visible_text(page.text), data) == []
