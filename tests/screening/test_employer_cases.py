"""Employer HR learns that its own detained workers have a case, and their coarse status as
a family would, with the post's phone; nothing more, and nothing of another employer's."""

from __future__ import annotations

import html
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.cases.service import add_note
from consular.db import unit_of_work
from consular.incidents.lifecycle import close_incident, reopen_incident
from consular.incidents.service import import_list
from consular.registry.models import Deployment, Employer, Person
from tests.conftest import World
from tests.factories import OPERATOR, auth, csv_table, user_with_token
from tests.web.client import sign_in

EN = {"Accept-Language": "en"}
# LEE SEONGHO and CHOI DONGHYUN work for HL Battery; PARK JIHYE for Daewon Install.
HOST_LIST = (
    "A-Number,Last Name,First Name,Date of Birth,Country of Citizenship,Facility\n"
    'A123456789,LEE,SEONGHO,03/14/1988,"KOREA, SOUTH",Folkston ICE Processing Center\n'
    'A234567890,PARK,JIHYE,07/30/1995,"KOREA, SOUTH",Stewart Detention Center\n'
)
NOTE = "Asked for his blood-pressure medicine"


def _detained(world: World, factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(HOST_LIST))
        lee = db.scalars(select(Person.id).where(Person.family_name == "LEE")).one()
        case = db.scalars(select(Case).where(Case.person_id == lee)).unique().one()
        add_note(db, OPERATOR, case.id, NOTE)


def _deployment_of(factory: sessionmaker[Session], family_name: str) -> str:
    with factory() as db:
        return db.scalars(
            select(Deployment.id)
            .join(Person, Person.id == Deployment.person_id)
            .where(Person.family_name == family_name)
        ).one()


def test_hr_sees_its_detained_worker_and_whom_to_call_not_the_place_or_notes(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _detained(world, factory)
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    home = browser.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/deployments"
    page = html.unescape(browser.get("/deployments", headers=EN).text)
    assert "Your workers with a consular case" in page
    section = page[page.index("Your workers with a consular case") :]
    section = section[: section.index("</section>")]
    assert "LEE SEONGHO" in section and "Held by the host authority" in section
    assert "Not yet" in section and "Not scheduled yet" in section
    assert "Consulate General in Atlanta" in section
    assert "CHOI" not in section  # their worker, with no case
    for secret in ("Folkston", "A123456789", "123456789", NOTE, "PARK", "Stewart"):
        assert secret not in page, secret
    korean = html.unescape(browser.get("/deployments").text)
    assert "주애틀랜타 대한민국 총영사관" in korean


def test_another_employers_worker_never_appears(
    browser: TestClient, app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _detained(world, factory)
    _, token = user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    listed = app_client.get("/api/v1/deployments", headers=auth(token))
    assert listed.status_code == 200
    with_cases = {d["worker_name"]: d["cases"] for d in listed.json()}
    assert len(with_cases["LEE SEONGHO (이성호)"]) == 1
    assert with_cases["CHOI DONGHYUN (최동현)"] == []  # no case: not on the list
    case = with_cases["LEE SEONGHO (이성호)"][0]
    assert case["held"] is True and case["seen_by_consul"] is False
    assert set(case) == {
        "opened_at",
        "held",
        "seen_by_consul",
        "released",
        "departure_scheduled",
        "departed",
        "updated_at",
        "post",
        "post_phone",
    }
    assert "Folkston" not in listed.text and "A123456789" not in listed.text
    own = app_client.get(
        f"/api/v1/deployments/{_deployment_of(factory, 'LEE')}", headers=auth(token)
    )
    assert own.status_code == 200 and len(own.json()["cases"]) == 1
    other = _deployment_of(factory, "PARK")
    assert app_client.get(f"/api/v1/deployments/{other}", headers=auth(token)).status_code == 404
    sign_in(browser, name="hr.battery")
    assert "PARK JIHYE" not in browser.get("/deployments", headers=EN).text
    assert browser.get(f"/cases/{other}").status_code == 404
    with factory() as db:
        park_case = db.scalars(
            select(Case.id).join(Person).where(Person.family_name == "PARK")
        ).one()
    assert browser.get(f"/cases/{park_case}").status_code == 404


def test_a_closed_incident_or_a_trip_long_over_shows_no_case(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _detained(world, factory)
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    title = "Your workers with a consular case"
    assert title in browser.get("/deployments", headers=EN).text
    with unit_of_work(factory) as db:
        close_incident(db, OPERATOR, world.incident_id, "everyone home")
    assert title not in browser.get("/deployments", headers=EN).text
    with unit_of_work(factory) as db:
        reopen_incident(db, OPERATOR, world.incident_id, "one more list")
        battery = db.scalars(select(Employer.id).where(Employer.name == "HL Battery")).one()
        for deployment in db.scalars(select(Deployment).where(Deployment.employer_id == battery)):
            deployment.entry_date, deployment.planned_end = date(2019, 1, 1), date(2019, 3, 1)
    assert title not in browser.get("/deployments", headers=EN).text
