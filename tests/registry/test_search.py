"""Registry search: partial names in either script, birth dates as people type them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.service import Actor, get_or_create_post
from consular.db import unit_of_work
from consular.errors import InvalidInput
from consular.registry.schemas import PersonCreate
from consular.registry.service import add_person, search_persons
from tests.conftest import World
from tests.factories import OPERATOR, user_with_token
from tests.web.client import sign_in

EN = {"Accept-Language": "en"}
LONDON = "Embassy in London"


def names(factory: sessionmaker[Session], actor: Actor, **search: object) -> list[str]:
    with unit_of_work(factory, write=False) as db:
        return [p.display_name for p in search_persons(db, actor, **search)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("seong", ["LEE SEONGHO (이성호)"]),
        ("Yi Sung-ho", ["LEE SEONGHO (이성호)"]),
        ("이성", ["LEE SEONGHO (이성호)"]),
        ("성호", ["LEE SEONGHO (이성호)"]),
        ("Kim Min", ["KIM MINJUN (김민준)", "KIM MINJUN (김민준)"]),
        ("minjun kim", ["KIM MINJUN (김민준)", "KIM MINJUN (김민준)"]),
        ("hye", ["PARK JIHYE (박지혜)"]),
        ("Choe Tong", ["CHOI DONGHYUN (최동현)"]),
        ("Smith", []),
    ],
)
def test_a_partial_name_finds_its_persons_in_either_script_and_any_spelling(
    factory: sessionmaker[Session], world: World, typed: str, expected: list[str]
) -> None:
    assert names(factory, world.officer, name=typed) == expected


def test_a_hangul_name_finds_a_person_known_by_a_latin_spelling_only(
    factory: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(factory) as db:
        add_person(
            db,
            OPERATOR,
            PersonCreate(family_name="YOON", given_name="SEOYEON", nationality="KOR"),
            reason="test",
        )
    assert names(factory, world.officer, name="윤서연") == ["YOON SEOYEON"]
    assert names(factory, world.officer, name="윤서") == ["YOON SEOYEON"]


def test_a_name_with_digits_is_refused_as_no_name(
    factory: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(factory, write=False) as db, pytest.raises(InvalidInput) as refused:
        search_persons(db, world.officer, name="M12345678")
    assert refused.value.code == "person.search_not_a_name"


@pytest.mark.parametrize(
    "typed",
    [
        "1988.03.14",
        "1988-3-14",
        "88-03-14",
        "19880314",
        "880314",
        "14/03/1988",
        "03/14/1988",
        "1988. 3. 14.",
    ],
)
def test_the_registry_page_reads_a_birth_date_as_people_type_it(
    browser: TestClient, typed: str
) -> None:
    sign_in(browser)
    page = browser.get("/persons", params={"date_of_birth": typed}, headers=EN)
    assert page.status_code == 200
    assert "LEE SEONGHO (이성호)" in page.text
    assert page.text.count('href="/persons/') == 1


def test_an_ambiguous_date_is_read_by_the_posts_convention_and_the_page_says_so(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    # The Atlanta post is in the United States: 01/02/1990 is 2 January, the KIM MINJUNs.
    sign_in(browser)
    us = browser.get("/persons", params={"date_of_birth": "01/02/1990"}, headers=EN).text
    assert us.count('href="/persons/') == 2
    assert "read as 1990-01-02 (MM/DD/YYYY)" in us
    assert "this post writes dates as MM/DD/YYYY" in us
    # A post outside the United States reads day first: 1 February, nobody.
    with unit_of_work(factory) as db:
        get_or_create_post(db, LONDON, country="GBR", time_zone="Europe/London")
    user_with_token(factory, "officer.london", "officer", post=LONDON)
    browser.cookies.clear()
    sign_in(browser, "officer.london")
    uk = browser.get("/persons", params={"date_of_birth": "01/02/1990"}, headers=EN).text
    assert "read as 1990-02-01 (DD/MM/YYYY)" in uk and "Nobody found." in uk
    clear = browser.get("/persons", params={"date_of_birth": "30/01/1990"}, headers=EN).text
    assert "could be read the other way" not in clear and "1990-01-30" in clear


def test_name_and_typed_date_narrow_together_and_the_extract_reads_dates_alike(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "supervisor.lee", "supervisor")
    sign_in(browser, "supervisor.lee")
    both = browser.get("/persons", params={"name": "kim", "date_of_birth": "900102"}).text
    assert both.count('href="/persons/') == 2
    none = browser.get("/persons", params={"name": "lee", "date_of_birth": "900102"}, headers=EN)
    assert "Nobody found." in none.text
    extract = browser.get("/persons.csv", params={"date_of_birth": "1990.01.02"})
    assert extract.status_code == 200
    assert len([row for row in extract.text.splitlines() if re.search(r"MINJUN", row)]) == 2
    assert date(1990, 1, 2).isoformat() in extract.text
