"""Identifiers are stored sealed: the database shows ciphertext, the product shows the values,
and searching and reconciling by passport number keep working through the blind index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from consular.cases.models import Case
from consular.cli.main import app as cli_app
from consular.config import Settings, UnsafeSettings, get_settings
from consular.incidents.models import SourceRecord
from consular.registry.models import EmergencyContact, Person
from consular.sealing import (
    KeyProblem,
    SealError,
    blind_index,
    new_key_ring,
    read_key_file,
    write_key_file,
)
from tests.conftest import World
from tests.factories import auth, rows_csv
from tests.incidents.test_lists import HOST_HEADER, HOST_ROWS, upload

PHONE, EMAIL = "+1 912 555 0142", "mother.lee@example.org"


def _lee(db: Session) -> Person:
    return db.scalars(select(Person).where(Person.registry_ref == "R1")).one()


def _stored(engine: Engine, query: str) -> list[str]:
    with engine.connect() as conn:
        return [value for row in conn.execute(text(query)) for value in row]


def test_each_identifier_is_ciphertext_in_the_database_and_itself_in_the_product(
    app_client: TestClient, world: World, db: Session, engine: Engine
) -> None:
    lee = _lee(db)
    lee.phone, lee.email = PHONE, EMAIL
    db.add(EmergencyContact(person_id=lee.id, name="LEE MIJA", phone=PHONE, email=EMAIL))
    db.commit()
    assert upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS[:1])).status_code == 201

    stored = {
        "passport": _stored(engine, "SELECT passport_number FROM person WHERE registry_ref='R1'"),
        "phone and e-mail": _stored(engine, "SELECT phone, email FROM person"),
        "contact": _stored(engine, "SELECT phone, email FROM emergency_contact"),
        "A-number": _stored(engine, "SELECT host_identifier FROM case_file")
        + _stored(engine, "SELECT host_identifier FROM source_record"),
        "raw row": _stored(engine, "SELECT raw FROM source_record"),
    }
    for what, values in stored.items():
        assert values and all(v.startswith("v1:") for v in values), what
        for clear in ("M12345678", "A123456789", "912 555", "mother.lee@", "LEE, SEONGHO"):
            assert not any(clear in v for v in values), (what, clear)

    db.expire_all()
    lee = _lee(db)
    assert (lee.passport_number, lee.phone, lee.email) == ("M12345678", PHONE, EMAIL)
    assert (lee.contacts[0].phone, lee.contacts[0].email) == (PHONE, EMAIL)
    record = db.scalars(select(SourceRecord)).one()
    assert record.raw["full_name"] == "LEE, SEONGHO" and record.host_identifier == "A123456789"
    case = db.scalars(select(Case)).one()
    assert case.host_identifier == "A123456789"
    assert case.host_identifier_index == blind_index("identifier", "a-1234 56789")


def test_registry_search_by_passport_number_finds_the_person(
    app_client: TestClient, world: World
) -> None:
    found = app_client.get(
        "/api/v1/persons", params={"passport_number": "m1234-5678"}, headers=auth(world.token)
    )
    assert found.status_code == 200, found.text
    assert [p["family_name"] for p in found.json()] == ["LEE"]


def test_a_list_is_reconciled_by_passport_number(
    app_client: TestClient, world: World, db: Session
) -> None:
    # A name spelled as no registry entry spells it: only the passport number finds him.
    employer = rows_csv(
        ["family_name", "given_name", "date_of_birth", "passport_number"],
        [["YI", "SUNGHO", "1988-03-14", "m1234 5678"]],
    )
    report = upload(app_client, world, employer, kind="employer", name="employer.csv")
    assert report.status_code == 201, report.text
    record = db.scalars(select(SourceRecord)).one()
    assert record.person_id == _lee(db).id
    assert record.passport_index == _lee(db).passport_index


def test_a_value_moved_to_another_column_does_not_open(
    world: World, db: Session, engine: Engine
) -> None:
    lee = _lee(db)
    lee.phone = PHONE
    db.commit()
    with engine.begin() as conn:
        conn.execute(text("UPDATE person SET email = phone WHERE registry_ref = 'R1'"))
    db.expire_all()
    with pytest.raises(SealError, match=r"person\.email"):
        _lee(db)


def test_no_query_compares_a_sealed_column() -> None:
    with pytest.raises(TypeError, match="sealed"):
        select(Person).where(Person.passport_number == "M12345678")
    with pytest.raises(TypeError, match="sealed"):
        select(Person).where(Person.phone.in_(["+1 912 555 0142"]))
    with pytest.raises(TypeError, match="sealed"):
        select(SourceRecord).where(SourceRecord.host_identifier.like("A12%"))
    select(Person).where(Person.passport_number.is_(None))  # NULL stays NULL: fine


def test_start_up_is_refused_without_the_key_and_with_another_key(db_url: str) -> None:
    from consular.app import create_app

    create_app(Settings(database_url=db_url)).state.engine.dispose()  # on record now
    with pytest.raises(UnsafeSettings, match="no data key"):
        create_app(Settings(database_url=db_url, data_key=""))
    other = new_key_ring().as_file_text()
    with pytest.raises(UnsafeSettings, match="not the one this database's identifiers"):
        create_app(Settings(database_url=db_url, data_key=other))


def test_commands_refuse_to_start_without_the_key(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consular.app import create_app

    create_app(Settings(database_url=db_url)).state.engine.dispose()
    monkeypatch.setenv("CONSULAR_DATA_KEY", "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["--db", db_url, "post", "create", "Seoul"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.stderr.startswith("error: refusing to start: no data key")


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.key"
    write_key_file(path, new_key_ring())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert read_key_file(path).current == "k1"
    os.chmod(path, 0o640)
    with pytest.raises(KeyProblem, match="may be read by others"):
        read_key_file(path)


def test_keys_generate_writes_a_private_file_and_never_overwrites_one(tmp_path: Path) -> None:
    path = tmp_path / "consular.key"
    made = CliRunner().invoke(cli_app, ["keys", "generate", "--file", str(path)])
    assert made.exit_code == 0, made.output
    assert "keep a copy off this server" in made.output
    ring = read_key_file(path)
    again = CliRunner().invoke(cli_app, ["keys", "generate", "--file", str(path)])
    assert again.exit_code == 1 and "never overwritten" in again.stderr
    assert read_key_file(path) == ring


def test_the_demo_keeps_its_own_key_beside_its_database(tmp_path: Path) -> None:
    from consular.demo.database import demo_key_file

    path = demo_key_file(f"sqlite:///{tmp_path / 'demo.db'}")
    assert path == tmp_path / "demo.key" and oct(path.stat().st_mode & 0o777) == "0o600"
    ring = read_key_file(path)
    assert read_key_file(demo_key_file(f"sqlite:///{tmp_path / 'demo.db'}")) == ring  # kept
