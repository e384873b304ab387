"""Test databases: every test gets a migrated, empty database on SQLite, and on PostgreSQL too.

PostgreSQL runs when a server answers at CONSULAR_TEST_DATABASE_URL (default: the local one);
each run works in a scratch database of its own on that server. Outside CI those tests skip
with the reason; in CI (CI=true) a missing server fails the run. CONSULAR_TEST_BACKENDS=sqlite
runs the SQLite half only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from consular import sealing
from consular.audit.service import start_chain
from consular.auth.service import Actor
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.keys.service import record_ring
from consular.migrate import upgrade
from consular.registry.service import import_registry
from tests.factories import (
    HOUSTON,
    OPERATOR,
    new_incident,
    registry_table,
    setup_posts,
    user_with_token,
)

# The tests' own synthetic data key, for this process and every command the tests start.
TEST_KEYS = sealing.new_key_ring(source="CONSULAR_DATA_KEY")
os.environ["CONSULAR_DATA_KEY"] = TEST_KEYS.as_file_text()
os.environ.pop("CONSULAR_DATA_KEY_FILE", None)


@pytest.fixture(autouse=True)
def _keys_of_the_session() -> Iterator[None]:
    """Each test starts with the session's data key, whatever keys the previous one used."""
    sealing.install(sealing.KeySource(inline=os.environ["CONSULAR_DATA_KEY"]))
    yield
    sealing.install(sealing.KeySource(inline=os.environ["CONSULAR_DATA_KEY"]))


@dataclass(frozen=True)
class World:
    officer: Actor
    token: str
    houston_token: str
    incident_id: str


PG_URL = os.environ.get(
    "CONSULAR_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_problem() -> str | None:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        return f"no PostgreSQL at {PG_URL}: {exc.__class__.__name__}"
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch database of its own on the server, so parallel test runs never collide."""
    problem = _postgres_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (required in CI)")
        pytest.skip(problem)
    server = make_url(PG_URL)
    scratch = f"{server.database or 'test'}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{scratch}"')
    url = server.set(database=scratch).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as conn:
        # The audit tables refuse TRUNCATE (migration 0010): lift that in this transaction
        # only, then give the emptied database a new chain head, as a migration would.
        conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        conn.exec_driver_sql("ALTER TABLE audit_head DISABLE TRIGGER USER")
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
        conn.exec_driver_sql("ALTER TABLE audit_head ENABLE TRIGGER USER")
        start_chain(conn)
        record_ring(conn, TEST_KEYS)  # as the migration records the key it sealed with


BACKENDS = os.environ.get("CONSULAR_TEST_BACKENDS", "sqlite,postgresql").split(",")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "consular.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        engine: Engine = request.getfixturevalue("postgres_engine")
        _truncate(engine)
        yield engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking; tests commit what they want others to see."""
    session = factory()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def app_client(db_url: str, factory: sessionmaker[Session]) -> Iterator[TestClient]:
    from consular.app import create_app
    from consular.config import Settings

    app = create_app(Settings(database_url=db_url))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def world(factory: sessionmaker[Session]) -> World:
    """Two posts, an officer at each, a registry of five, and an incident at Atlanta."""
    setup_posts(factory)
    officer, officer_token = user_with_token(factory, "officer.kim", "officer")
    _, houston_token = user_with_token(factory, "officer.houston", "officer", post=HOUSTON)
    with unit_of_work(factory) as db:
        import_registry(db, OPERATOR, registry_table())
    return World(
        officer=officer,
        token=officer_token,
        houston_token=houston_token,
        incident_id=new_incident(factory),
    )


@pytest.fixture
def browser(db_url: str, world: World) -> Iterator[TestClient]:
    """A client that keeps cookies, over HTTPS as in production (cookies are Secure)."""
    from consular.app import create_app

    app = create_app(Settings(database_url=db_url, sign_in_attempts=3))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()
