"""`consular keys rotate` seals every value again under a new key while the data stays
readable; an interrupted rotation resumes; the old key is retired once it seals nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.audit.models import AuditEvent
from consular.cli.main import app as cli_app
from consular.config import get_settings
from consular.db import unit_of_work
from consular.keys.service import Progress, add_current_key, count_under, reseal_all
from consular.registry.models import Person
from consular.registry.service import search_persons
from consular.sealing import KeySource, install, read_key_file, write_key_file
from tests.conftest import TEST_KEYS, World


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The session's key, in a key file the commands may rewrite."""
    path = tmp_path / "consular.key"
    write_key_file(path, TEST_KEYS)
    monkeypatch.setenv("CONSULAR_DATA_KEY_FILE", str(path))
    get_settings.cache_clear()
    yield path
    monkeypatch.undo()
    get_settings.cache_clear()


def _keys(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli_app, ["--db", db_url, "keys", *args])
    return result.exit_code, result.output + result.stderr


def _read_everyone(factory: sessionmaker[Session], world: World) -> list[str | None]:
    with unit_of_work(factory, write=False) as db:
        found = search_persons(db, world.officer, passport_number="M55555555")
        assert [p.family_name for p in found] == ["CHOI"]
        return sorted(p.passport_number or "" for p in db.scalars(select(Person)))


def test_rotate_seals_everything_under_a_new_key_and_the_old_one_retires(
    world: World, key_file: Path, db_url: str, engine: Engine, factory: sessionmaker[Session]
) -> None:
    before = _read_everyone(factory, world)
    code, output = _keys(db_url, "rotate", "--batch", "2")
    assert code == 0, output
    assert "person: 2 of 5 rows" in output and "person: 5 of 5 rows" in output
    assert "consular keys retire k1" in output
    ring = read_key_file(key_file)
    assert ring.current == "k2" and set(ring.keys) == {"k1", "k2"}
    with engine.connect() as conn:
        assert count_under(conn, "k1") == 0 and count_under(conn, "k2") > 10

    code, output = _keys(db_url, "retire", "k1")
    assert code == 0, output
    assert set(read_key_file(key_file).keys) == {"k2"}
    install(KeySource(path=str(key_file)))
    assert _read_everyone(factory, world) == before
    with unit_of_work(factory, write=False) as db:
        tags = set(db.scalars(select(AuditEvent.tag).where(AuditEvent.tag.startswith("keys:"))))
    assert tags == {"keys:data_key:rotate", "keys:data_key:reseal", "keys:data_key:retire"}

    code, output = _keys(db_url, "status")
    assert code == 0, output
    assert "k2" in output and "(current)" in output and "(retired)" in output


def test_an_interrupted_rotation_resumes_and_the_old_key_stays_until_then(
    world: World, key_file: Path, db_url: str, engine: Engine, factory: sessionmaker[Session]
) -> None:
    before = _read_everyone(factory, world)
    with engine.begin() as conn:
        write_key_file(key_file, add_current_key(conn, TEST_KEYS))
    source = KeySource(path=str(key_file))
    install(source)

    def stop_after_the_first_batch(step: Progress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reseal_all(factory, source.ring, batch=2, progress=stop_after_the_first_batch)
    with engine.connect() as conn:
        assert count_under(conn, "k2") > 0 and count_under(conn, "k1") > 0
    assert _read_everyone(factory, world) == before  # half old key, half new: all readable

    code, output = _keys(db_url, "retire", "k1")
    assert code == 1 and "still sealed under k1" in output

    code, output = _keys(db_url, "rotate", "--resume", "--batch", "2")
    assert code == 0, output
    assert read_key_file(key_file).current == "k2"  # no third key
    with engine.connect() as conn:
        assert count_under(conn, "k1") == 0
    code, output = _keys(db_url, "rotate", "--resume")  # again: nothing left to do
    assert code == 0 and "0 values sealed again under k2" in output
    assert _read_everyone(factory, world) == before


def test_rotation_needs_a_key_file_it_can_rewrite(world: World, db_url: str) -> None:
    code, output = _keys(db_url, "rotate")
    assert code == 2 and "set CONSULAR_DATA_KEY_FILE" in output


def test_status_names_a_wrong_key_instead_of_refusing(
    world: World, key_file: Path, db_url: str
) -> None:
    wrong = json.loads(key_file.read_text())
    wrong["index_key"] = wrong["data_keys"]["k1"]
    key_file.write_text(json.dumps(wrong))
    code, output = _keys(db_url, "status")
    assert code == 1
    assert "the blind-index key" in output and "not the one" in output
