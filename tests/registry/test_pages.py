"""The registry's pages: search by name or birth date, and who may see them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.registry.models import EmergencyContact, Person
from tests.factories import user_with_token
from tests.web.client import form_token, sign_in


def test_the_registry_is_searched_by_name_in_either_script_and_by_birth_date(
    browser: TestClient,
) -> None:
    sign_in(browser)
    by_hangul = browser.get("/persons", params={"name": "이성호"})
    assert by_hangul.status_code == 200 and "LEE SEONGHO (이성호)" in by_hangul.text
    assert "M12345678" not in by_hangul.text and "678" in by_hangul.text  # masked
    by_date = browser.get("/persons", params={"date_of_birth": "1990-01-02"}).text
    assert by_date.count('href="/persons/') == 2  # the two KIM MINJUNs
    bad = browser.get("/persons", params={"date_of_birth": "02/01/1990"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    person = re.search(r'href="(/persons/[^"]+)"', by_hangul.text)
    assert person
    page = browser.get(person.group(1), headers={"Accept-Language": "en"}).text
    assert "HL Battery" in page and "Deployments" in page


def test_employer_hr_sees_no_registry_page_not_even_its_own_workers(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    lee = re.search(r'href="(/persons/[^"]+)"', browser.get("/persons?name=이성호").text)
    park = re.search(r'href="(/persons/[^"]+)"', browser.get("/persons?name=박지혜").text)
    assert lee and park
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    sign_in(browser, name="hr.daewon")
    assert browser.get(park.group(1)).status_code == 404  # PARK JIHYE works for Daewon
    other = browser.get(lee.group(1))  # LEE SEONGHO works for HL Battery
    assert other.status_code == 404 and "페이지를 찾을 수 없습니다" in other.text
    search = browser.get("/persons?name=PARK JIHYE")
    assert search.status_code == 404 and not re.search(r'href="/persons/[^"]', search.text)
    assert 'href="/persons"' not in browser.get("/").text


def test_a_persons_codes_read_in_the_readers_language(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as db:
        lee = db.scalars(select(Person).where(Person.registry_ref == "R1")).one()
        lee.deployments[0].entry_status = "esta"
        db.add(EmergencyContact(person_id=lee.id, name="정미숙", relationship_to_person="mother"))
        person_url = f"/persons/{lee.id}"
    sign_in(browser)
    korean = browser.get(person_url, headers={"Accept-Language": "ko"}).text
    assert "<dd>남성</dd>" in korean and "<td>ESTA(비자 면제)</td>" in korean
    assert "정미숙 (어머니) · 한국어" in korean
    assert not re.search(r">\s*(M|esta)\s*<", korean) and "(mother)" not in korean
    english = browser.get(person_url, headers={"Accept-Language": "en"}).text
    assert "<dd>Male</dd>" in english and "<td>ESTA (visa waiver)</td>" in english
    assert "정미숙 (mother) · Korean" in english
