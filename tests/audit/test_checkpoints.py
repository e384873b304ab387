"""Signed checkpoints kept outside the database bound what can be cut or rewritten unnoticed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular import audit
from consular.audit.checkpoints import generate_key
from consular.audit.models import AuditEvent
from consular.audit.tags import AuditTag
from consular.cli.main import app
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.migrate import upgrade
from tests.audit.tampering import (
    cut_back,
    delete_everything,
    delete_head,
    guards_lifted,
    rewrite_from,
)
from tests.factories import OPERATOR, registry_table, setup_posts, user_with_token

runner = CliRunner()


@pytest.fixture
def logged(factory: sessionmaker[Session]) -> int:
    from consular.registry.service import import_registry

    setup_posts(factory)
    user_with_token(factory, "officer.kim", "officer")
    with unit_of_work(factory) as db:
        import_registry(db, OPERATOR, registry_table())
    with unit_of_work(factory, write=False) as db:
        return len(db.scalars(select(AuditEvent)).all())


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "audit-signing.key"
    path.parent.mkdir()
    generate_key(path)
    return path


def take(db_url: str, key: Path, out: Path) -> Path:
    out.mkdir(exist_ok=True)
    before = set(out.iterdir())
    result = runner.invoke(
        app, ["--db", db_url, "audit", "checkpoint", "--key", str(key), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (written,) = set(out.iterdir()) - before
    return written


def verify(db_url: str, key: Path, *checkpoints: Path) -> tuple[int, str]:
    given = [arg for path in checkpoints for arg in ("--checkpoint", str(path))]
    pub = ["--public-key", f"{key}.pub"]
    result = runner.invoke(app, ["--db", db_url, "audit", "verify", *given, *pub])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def more_events(factory: sessionmaker[Session], count: int) -> None:
    with unit_of_work(factory) as db:
        for n in range(count):
            audit.record(
                db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id=str(n)
            )


def test_the_log_holds_its_checkpoints_as_it_grows(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    first = take(db_url, key, tmp_path / "checkpoints")
    more_events(factory, 3)
    take(db_url, key, tmp_path / "checkpoints")
    code, output = verify(db_url, key, tmp_path / "checkpoints", first)
    assert code == 0, output
    assert f"checkpoints: 2 signed, all held; the newest at row {logged + 3}" in output
    stored = json.loads(first.read_text())
    assert stored["seq"] == logged and stored["key"].startswith("ed25519:")
    assert first.name.startswith("audit-checkpoint-") and first.name.endswith(f"-row{logged}.json")


def test_a_log_cut_back_with_its_head_is_found_below_a_checkpoint(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    checkpoint = take(db_url, key, tmp_path)
    with guards_lifted(factory, put_back=True) as db:
        cut_back(db, keep=logged - 2)
    code, output = verify(db_url, key, checkpoint)
    assert code == 1
    assert f"the log was cut back from row {logged} (the checkpoint of " in output, output
    assert f") to row {logged - 2}" in output


def test_a_deleted_head_fails_verify_with_checkpoints(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    checkpoint = take(db_url, key, tmp_path)
    with guards_lifted(factory, put_back=True) as db:
        delete_head(db)
    code, output = verify(db_url, key, checkpoint)
    assert code == 1 and "the head row is missing (deleted)" in output, output


def test_a_log_deleted_whole_is_cut_back_to_nothing(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    checkpoint = take(db_url, key, tmp_path)
    with guards_lifted(factory, put_back=True) as db:
        delete_everything(db, new_head=True)
    code, output = verify(db_url, key, checkpoint)
    assert code == 1
    assert f"the log was cut back from row {logged} (the checkpoint of " in output, output
    assert ") to row 0" in output


def test_a_log_rewritten_with_every_hash_recomputed_is_found_by_a_checkpoint(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    checkpoint = take(db_url, key, tmp_path)
    with guards_lifted(factory, put_back=True) as db:
        rewrite_from(db, 2, {"forged": True})
    assert runner.invoke(app, ["--db", db_url, "audit", "verify"]).exit_code == 0
    code, output = verify(db_url, key, checkpoint)
    assert code == 1
    assert f"row {logged} is not the row of the checkpoint of " in output, output
    assert "rewritten" in output


def test_a_forged_checkpoint_is_refused(
    db_url: str, logged: int, factory: sessionmaker[Session], key: Path, tmp_path: Path
) -> None:
    checkpoint = take(db_url, key, tmp_path / "real")
    with guards_lifted(factory, put_back=True) as db:
        cut_back(db, keep=logged - 2)
    # The cut hidden by lowering the checkpoint to the new head, keeping the signature.
    with unit_of_work(factory, write=False) as db:
        kept = db.get(AuditEvent, logged - 2)
        assert kept is not None
    forged = json.loads(checkpoint.read_text()) | {"seq": logged - 2, "hash": kept.hash}
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(forged))
    # Or signed anew with a key of one's own.
    other_key = tmp_path / "other.key"
    generate_key(other_key)
    own = take(db_url, other_key, tmp_path / "own")
    code, output = verify(db_url, key, altered, own)
    assert code == 1
    assert f"{altered}: the signature does not match the content" in output, output
    assert f"{own}: signed by the key ed25519:" in output and "not a trusted key" in output


def test_a_checkpoint_from_another_database_is_refused(
    db_url: str, logged: int, key: Path, tmp_path: Path
) -> None:
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = make_engine(other_url)
    upgrade(other)
    with unit_of_work(make_session_factory(other)) as db:
        audit.record(db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="1")
    other.dispose()
    checkpoint = take(other_url, key, tmp_path)
    code, output = verify(db_url, key, checkpoint)
    assert code == 1
    assert "from another database: the checkpoint of " in output, output
