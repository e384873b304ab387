"""The registry's pages: search by name or birth date, and who may see them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.db import unit_of_work
from consular.registry.models import EmergencyContact, Person
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import auth, user_with_token
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


def test_the_registry_is_searched_by_name_in_either_script_and_by_birth_date(
    browser: TestClient,
) -> None:
    sign_in(browser)
    by_hangul = browser.get("/persons", params={"name": "이성호"})
    assert by_hangul.status_code == 200 and "LEE SEONGHO (이성호)" in by_hangul.text
    assert "M12345678" not in by_hangul.text and "678" in by_hangul.text  # masked
    by_date = browser.get("/persons", params={"date_of_birth": "1990-01-02"}).text
    assert by_date.count('href="/persons/') == 2  # the two KIM MINJUNs
    bad = browser.get("/persons", params={"date_of_birth": "31/31/1990"}, headers=EN)
    assert bad.status_code == 400 and "write it as 1980-04-21" in bad.text
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
    assert "정미숙 (어머니) · 한국어로 알림" in korean
    assert not re.search(r">\s*(M|esta)\s*<", korean) and "(mother)" not in korean
    english = browser.get(person_url, headers={"Accept-Language": "en"}).text
    assert "<dd>Male</dd>" in english and "<td>ESTA (visa waiver)</td>" in english
    assert "정미숙 (mother) · messages in Korean" in english


def test_a_supervisor_downloads_a_registry_extract_in_the_page_language(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)  # an officer may search the registry, not take it away
    assert "/persons.csv" not in browser.get("/persons").text
    assert browser.get("/persons.csv").status_code == 404
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    user_with_token(factory, "supervisor.park", "supervisor")
    sign_in(browser, name="supervisor.park")
    assert (
        "/persons.csv?name=%EA%B9%80%EB%AF%BC%EC%A4%80" in browser.get("/persons?name=김민준").text
    )
    korean = browser.get("/persons.csv", headers={"Accept-Language": "ko"})
    table = list(csv.reader(io.StringIO(korean.content.decode("utf-8-sig"))))
    assert table[0] == [
        "등록 번호", "이름", "생년월일", "sex", "성별", "국적", "여권 번호", "고용주", "id",
    ]  # fmt: skip
    assert len(table) == 6 and {(row[3], row[4]) for row in table[1:]} == {
        ("M", "남성"),
        ("F", "여성"),
    }
    assert "M12345678" in korean.text  # a supervisor may reveal identifiers
    english = browser.get("/persons.csv", params={"date_of_birth": "1990-01-02"}, headers=EN)
    lines = english.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"Registry reference","Name","Date of birth","sex","Sex",')
    assert len(lines) == 3 and all('"M","Male"' in line for line in lines[1:])
    with factory() as db:
        exports = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "registry:persons:export")
        ).all()
    assert exports == [
        {"rows": 5, "passport_numbers": "whole"},
        {"rows": 2, "passport_numbers": "whole", "date_of_birth": "1990-01-02"},
    ]


def test_the_registry_extract_from_the_command_line_is_audited(
    db_url: str, world: World, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    out = tmp_path / "registry.csv"
    code, _, err = run(db_url, "registry", "export", "-o", str(out), "--lang", "ko")
    assert code == 0, err
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert table[0][:5] == ["등록 번호", "이름", "생년월일", "sex", "성별"] and len(table) == 6
    with factory() as db:
        exported = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "registry:persons:export")
        ).one()
    assert exported.actor.startswith("cli:") and exported.diff["rows"] == 5


def test_the_registry_extract_through_the_api_is_audited(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    refused = app_client.get("/api/v1/persons.csv", headers=auth(world.token))
    assert refused.status_code == 404  # an officer's token takes no extract
    _, token = user_with_token(factory, "supervisor.api", "supervisor")
    answer = app_client.get("/api/v1/persons.csv", params={"lang": "ko"}, headers=auth(token))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.decode("utf-8-sig").startswith(
        '"등록 번호","이름","생년월일","sex","성별"'
    )
    with factory() as db:
        exported = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "registry:persons:export")
        ).one()
    assert exported.actor == "supervisor.api" and exported.diff["rows"] == 5
