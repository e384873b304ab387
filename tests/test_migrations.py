"""Every table comes from a migration, and the migrations go down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from consular.db import Base
from consular.migrate import alembic_config, upgrade
from consular.models import load_all
from consular.sealing import SealedJSON, SealedText, blind_index, open_sealed


def _sealed_in_a_sqlite_column(difference: object, dialect: str) -> bool:
    # SQLite keeps any text in any column: migration 0013 leaves the declared types of the
    # sealed columns as they were there (PostgreSQL's become TEXT).
    if dialect != "sqlite" or not isinstance(difference, list) or len(difference) != 1:
        return False
    kind, _, table, column, *_ = difference[0]
    column_type = Base.metadata.tables[table].columns[column].type
    return kind == "modify_type" and isinstance(column_type, SealedText | SealedJSON)


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    load_all()
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    dialect = engine.dialect.name
    assert [d for d in differences if not _sealed_in_a_sqlite_column(d, dialect)] == []


def test_downgrade_to_nothing_and_back(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "case_file" in inspect(engine).get_table_names()


def test_persons_stored_before_the_name_keys_get_them(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, registry_ref, family_name, given_name, nationality,"
                " other_spellings, phone, email, name_key, hangul_key, created_at, updated_at)"
                " VALUES ('p1', 'R1', 'RHEE', 'SUNG HO', 'KOR', '[]', '', '', 'RHEESUNGHO', '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT key, person_id FROM person_name_key")).all()
    assert [tuple(row) for row in keys] == [("이:SUNGHO", "p1")]


def test_deployments_stored_before_the_worker_fields_name_their_person(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, family_name, given_name, family_name_hangul,"
                " given_name_hangul, sex, date_of_birth, nationality, passport_number,"
                " other_spellings, phone, email, name_key, hangul_key, created_at, updated_at)"
                " VALUES ('p1', 'LEE', 'SEONGHO', '이', '성호', 'M', '1988-03-14', 'KOR',"
                " 'M12345678', '[]', '', '', 'LEESEONGHO', '이성호',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO employer (id, name, country, created_at, updated_at)"
                " VALUES ('e1', 'HL Battery', 'KOR', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO deployment (id, person_id, employer_id, host_country, worksite,"
                " role, planned_activities, created_at, updated_at)"
                " VALUES ('d1', 'p1', 'e1', 'USA', '', '', '[]',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        worker = conn.execute(
            text(
                "SELECT worker_family_name, worker_given_name_hangul, worker_nationality,"
                " worker_passport_number FROM deployment WHERE id = 'd1'"
            )
        ).one()
    *names, passport = tuple(worker)
    assert names == ["LEE", "성호", "KOR"]
    assert open_sealed(passport, "deployment.worker_passport_number") == "M12345678"


def test_identifiers_stored_in_the_clear_are_sealed_and_open_again_going_down(
    engine: Engine,
) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, family_name, given_name, nationality, passport_number,"
                " other_spellings, phone, email, name_key, hangul_key, created_at, updated_at)"
                " VALUES ('p1', 'LEE', 'SEONGHO', 'KOR', 'M12345678', '[]', '+1 912 555 0101',"
                " 'lee@example.org', 'LEESEONGHO', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine)
    query = text("SELECT passport_number, phone, email, passport_index FROM person")
    with engine.connect() as conn:
        passport, phone, email, index = conn.execute(query).one()
    assert [value[:3] for value in (passport, phone, email)] == ["v1:", "v1:", "v1:"]
    assert "M12345678" not in passport and "555" not in phone and "lee@" not in email
    assert open_sealed(email, "person.email") == "lee@example.org"
    assert index == blind_index("passport", "m1234-5678")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT passport_number, phone, email FROM person")).one()
    assert tuple(stored) == ("M12345678", "+1 912 555 0101", "lee@example.org")
    upgrade(engine)
