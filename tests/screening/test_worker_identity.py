"""An employer names its workers; it never reads the registry through them. A worker is
linked to a registry person only when every identity field agrees, and the answer is the
same whether or not it was, whether or not the passport is on record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.registry.models import Deployment, Person
from tests.conftest import World
from tests.factories import auth, user_with_token
from tests.screening.test_deployments import INSTALLER
from tests.web.client import sign_in

TRIP = {k: v for k, v in INSTALLER.items() if k != "mrz"}
# R1 of the test registry, deployed by HL Battery: 이성호, LEE SEONGHO.
LEE = {
    **TRIP,
    "family_name": "LEE",
    "given_name": "SEONGHO",
    "date_of_birth": "1988-03-14",
    "nationality": "KOR",
    "passport_number": "M12345678",
}
REGISTRY_ONLY = ("이", "성호", "R1", "HL Battery")


def daewon(factory: sessionmaker[Session]) -> dict[str, str]:
    return auth(user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")[1])


def register(client: TestClient, headers: dict[str, str], worker: dict[str, Any]) -> Any:
    answer = client.post("/api/v1/deployments", json=worker, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer


def linked_person(factory: sessionmaker[Session], deployment_id: str) -> str | None:
    with factory() as db:
        deployment = db.get(Deployment, deployment_id)
        assert deployment is not None
        return deployment.person_id


def test_the_answer_to_a_registration_carries_nothing_the_registry_holds(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    answer = register(app_client, daewon(factory), LEE)
    assert not [value for value in REGISTRY_ONLY if value in answer.text]
    body = answer.json()
    assert body["worker_name"] == "LEE SEONGHO"
    assert "person_id" not in body and "sex" not in body
    with factory() as db:
        r1 = db.scalar(select(Person.id).where(Person.registry_ref == "R1"))
    # Every identity field agrees: linked for the consulate, not shown to the employer.
    assert linked_person(factory, body["id"]) == r1


def test_a_right_passport_with_a_wrong_given_name_links_nothing_and_reveals_nothing(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = daewon(factory)
    wrong = register(app_client, headers, {**LEE, "given_name": "MINSU"})
    unknown = register(
        app_client, headers, {**LEE, "given_name": "MINSU", "passport_number": "M77777777"}
    )
    assert "SEONGHO" not in wrong.text and not [v for v in REGISTRY_ONLY if v in wrong.text]
    assert wrong.json()["worker_name"] == "LEE MINSU"
    # A passport on record and one unknown answer alike, but for what the employer sent.
    mine = {"id", "passport_number_masked"}
    assert {k: v for k, v in wrong.json().items() if k not in mine} == {
        k: v for k, v in unknown.json().items() if k not in mine
    }
    assert linked_person(factory, wrong.json()["id"]) is None
    with factory() as db:
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "screening:deployment:identity_mismatch")
        ).one()
        r1 = db.scalar(select(Person.id).where(Person.registry_ref == "R1"))
    assert (event.target_id, event.diff["passport_holders"]) == (wrong.json()["id"], [r1])
    # The listing shows the worker as the employer named them, never the registry's name.
    listed = app_client.get("/api/v1/deployments", headers=headers)
    assert "SEONGHO" not in listed.text and "LEE MINSU" in listed.text


def test_a_hangul_name_agrees_with_its_latin_spelling_and_a_wrong_birth_date_does_not(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = daewon(factory)
    hangul = {**LEE, "family_name": "", "given_name": "", "family_name_hangul": "이"}
    alone = register(app_client, headers, {**hangul, "entry_date": "2026-12-02"})
    assert linked_person(factory, alone.json()["id"]) is None  # a family name is not enough
    both = register(app_client, headers, {**hangul, "given_name_hangul": "성호"})
    assert linked_person(factory, both.json()["id"]) is not None
    born = register(app_client, headers, {**LEE, "date_of_birth": "1988-03-15"})
    assert linked_person(factory, born.json()["id"]) is None


def test_employer_b_cannot_read_employer_a_deployment_through_the_person(
    app_client: TestClient, browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = daewon(factory)
    register(app_client, headers, LEE)
    with factory() as db:
        r1 = db.scalar(select(Person.id).where(Person.registry_ref == "R1"))
    assert app_client.get(f"/api/v1/persons/{r1}", headers=headers).status_code == 404
    # Nor by searching the registry: the same 404, and the document says so.
    searched = app_client.get("/api/v1/persons", params={"name": "LEE"}, headers=headers)
    assert searched.status_code == 404
    document = app_client.get("/api/v1/openapi.json", headers=auth(world.token)).json()
    assert "404" in document["paths"]["/api/v1/persons"]["get"]["responses"]
    listed = app_client.get("/api/v1/deployments", headers=headers).json()
    assert [d["worker_name"] for d in listed if d["passport_number_masked"] == "••••••678"] == [
        "LEE SEONGHO"
    ]
    assert all("HL Battery" not in str(d) for d in listed)
    # A deployment the consulate imported shows its worker as the registry file named them.
    assert "PARK JIHYE (박지혜)" in {d["worker_name"] for d in listed}
    sign_in(browser, name="hr.daewon")
    page = browser.get(f"/persons/{r1}")
    assert page.status_code == 404 and "HL Battery" not in page.text
    # The consulate still sees every employer's deployment of the person.
    officer = TestClient(browser.app, base_url="https://testserver", follow_redirects=False)
    sign_in(officer)
    text = officer.get(f"/persons/{r1}").text
    assert "HL Battery" in text and "Daewon Install" in text


def test_an_officer_sees_on_the_person_page_a_worker_registered_under_another_identity(
    app_client: TestClient, browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    register(app_client, daewon(factory), {**LEE, "given_name": "MINSU"})
    with factory() as db:
        r1 = db.scalar(select(Person.id).where(Person.registry_ref == "R1"))
    sign_in(browser)
    korean = browser.get(f"/persons/{r1}").text
    assert "이 여권으로 다른 신원이 등록된 파견" in korean
    english = browser.get(f"/persons/{r1}", headers={"Accept-Language": "en"}).text
    assert "Registered with this passport under another identity" in english
    assert "LEE MINSU" in english and "Daewon Install" in english


def test_an_employer_reads_its_own_deployment_and_another_employers_is_not_found(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = daewon(factory)
    registered = register(app_client, headers, LEE).json()
    url = f"/api/v1/deployments/{registered['id']}"
    mine = app_client.get(url, headers=headers, params={"lang": "ko"})
    assert mine.status_code == 200 and mine.json()["worker_name"] == "LEE SEONGHO"
    assert {k: v for k, v in mine.json().items() if k != "reasons"} == {
        k: v for k, v in registered.items() if k != "reasons"
    }
    assert mine.headers["cache-control"] == "no-store"
    hl = auth(user_with_token(factory, "hr.hl", "employer_hr", employer="HL Battery")[1])
    theirs = app_client.get(url, headers=hl)
    unknown = app_client.get("/api/v1/deployments/no-such-deployment", headers=hl)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["message"].replace(registered["id"], "X") == unknown.json()[
        "message"
    ].replace("no-such-deployment", "X")
    # The consulate reads every employer's deployment.
    assert app_client.get(url, headers=auth(world.token)).status_code == 200
