"""Every table comes from a migration, and the migrations go down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from consular.db import Base
from consular.migrate import alembic_config, upgrade
from consular.models import load_all


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    load_all()
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


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
    assert tuple(worker) == ("LEE", "성호", "KOR", "M12345678")
