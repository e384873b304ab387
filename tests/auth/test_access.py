"""Who may see what: tokens, passwords, roles, and 404 for everything out of reach."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import ApiToken, User
from consular.auth.service import authenticate_password
from consular.db import unit_of_work
from consular.registry.models import Person
from tests.conftest import World
from tests.factories import auth, user_with_token


def test_no_token_or_a_wrong_token_is_401(app_client: TestClient, world: World) -> None:
    path = f"/api/v1/incidents/{world.incident_id}"
    missing = app_client.get(path)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert app_client.get(path, headers=auth("csl_not-a-real-token")).status_code == 401
    assert app_client.get(path, headers=auth(world.token)).status_code == 200


def test_tokens_and_passwords_are_stored_hashed(
    world: World, db: Session, factory: sessionmaker[Session]
) -> None:
    stored = db.scalars(select(ApiToken.token_hash)).all()
    assert world.token not in stored and all(len(h) == 64 for h in stored)
    user = db.scalar(select(User).where(User.name == "officer.kim"))
    assert user is not None and user.password_hash.startswith("$argon2")
    with unit_of_work(factory, write=False) as uow:
        assert authenticate_password(uow, "officer.kim", "correct horse 1").name == "officer.kim"


def test_the_openapi_document_is_served(app_client: TestClient) -> None:
    spec = app_client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/persons",
        "/api/v1/incidents/{incident_id}/lists",
        "/api/v1/cases/{case_id}/transitions",
        "/api/v1/incidents/{incident_id}/review",
    ):
        assert path in spec["paths"], path


def test_registry_search_by_name_birth_date_and_passport(
    app_client: TestClient, world: World
) -> None:
    def search(**params: str) -> list[str]:
        response = app_client.get("/api/v1/persons", params=params, headers=auth(world.token))
        assert response.status_code == 200, response.text
        return sorted(p["registry_ref"] for p in response.json())

    assert search(name="김민준") == ["R2", "R3"]
    assert search(name="Kim Min-jun") == ["R2", "R3"]
    assert search(name="MINJUN KIM") == ["R2", "R3"]
    assert search(name="kim", date_of_birth="1990-01-02") == ["R2", "R3"]
    assert search(passport_number="m2222 2222") == ["R2"]
    assert search(date_of_birth="1995-07-30") == ["R4"]
    assert app_client.get("/api/v1/persons", headers=auth(world.token)).status_code == 422
    person = app_client.get(
        "/api/v1/persons", params={"passport_number": "M22222222"}, headers=auth(world.token)
    ).json()[0]
    assert person["passport_number_masked"] == "••••••222"
    assert "passport_number" not in person


def test_revealing_a_passport_number_is_audited(
    app_client: TestClient, world: World, db: Session
) -> None:
    person_id = db.scalar(select(Person.id).where(Person.registry_ref == "R2"))
    response = app_client.post(
        f"/api/v1/persons/{person_id}/identifiers", headers=auth(world.token)
    )
    assert response.json() == {"passport_number": "M22222222"}
    db.rollback()  # end the read snapshot taken above, to see the request's commit
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == "registry:identifier:reveal")
    ).one()
    assert (event.actor, event.target_id) == ("officer.kim", person_id)
    # The row names the field shown, never its value.
    assert event.diff == {"fields": ["passport_number"]} and event.case_id is None


def test_employer_hr_reads_no_registry_person_not_even_its_own_workers(
    app_client: TestClient, world: World, factory: sessionmaker[Session], db: Session
) -> None:
    _, hr_token = user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    own = db.scalar(select(Person.id).where(Person.registry_ref == "R4"))
    other = db.scalar(select(Person.id).where(Person.registry_ref == "R1"))
    for person in (own, other, "no-such-person"):
        answer = app_client.get(f"/api/v1/persons/{person}", headers=auth(hr_token))
        assert answer.status_code == 404, person
    found = app_client.get("/api/v1/persons", params={"name": "김민준"}, headers=auth(hr_token))
    assert found.status_code == 404 and "R3" not in found.text
    for path in (
        f"/api/v1/incidents/{world.incident_id}",
        f"/api/v1/incidents/{world.incident_id}/cases",
        f"/api/v1/incidents/{world.incident_id}/review",
    ):
        assert app_client.get(path, headers=auth(hr_token)).status_code == 404, path
    assert app_client.get("/api/v1/incidents", headers=auth(hr_token)).json() == []
    reveal = app_client.post(f"/api/v1/persons/{own}/identifiers", headers=auth(hr_token))
    unknown = app_client.post("/api/v1/persons/no-such-person/identifiers", headers=auth(hr_token))
    assert reveal.status_code == unknown.status_code == 404
    assert reveal.json()["message"] == unknown.json()["message"].replace("no-such-person", own)


def test_a_viewer_can_read_but_not_change(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _, viewer_token = user_with_token(factory, "viewer.choi", "viewer")
    assert (
        app_client.get(
            f"/api/v1/incidents/{world.incident_id}/cases", headers=auth(viewer_token)
        ).status_code
        == 200
    )
    upload = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers=auth(viewer_token),
        data={"kind": "family"},
        files={"file": ("f.csv", b"full_name\nKIM MINJUN\n", "text/csv")},
    )
    assert upload.status_code == 404
