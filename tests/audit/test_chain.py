"""The audit log is append-only and hash-chained: any change or deletion is found."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular import audit
from consular.audit.models import AuditEvent
from consular.audit.service import verify_chain
from consular.cli.main import app
from consular.db import unit_of_work
from consular.registry.service import import_registry
from tests.factories import OPERATOR, registry_table, setup_posts, user_with_token

runner = CliRunner()


@pytest.fixture
def logged(factory: sessionmaker[Session]) -> int:
    setup_posts(factory)
    user_with_token(factory, "officer.kim", "officer")
    with unit_of_work(factory) as db:
        import_registry(db, OPERATOR, registry_table())
    with unit_of_work(factory, write=False) as db:
        return len(db.scalars(select(AuditEvent)).all())


def verify(db_url: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db_url, "audit", "verify"])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def test_an_intact_log_verifies(db_url: str, logged: int) -> None:
    code, output = verify(db_url)
    assert code == 0, output
    assert f"intact: {logged} rows" in output


def test_a_changed_row_is_named(db_url: str, logged: int, factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as db:
        db.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone.else"))
    code, output = verify(db_url)
    assert code == 1
    assert "row 2" in output and "changed" in output


def test_a_deleted_row_is_named(db_url: str, logged: int, factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as db:
        db.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    code, output = verify(db_url)
    assert code == 1
    assert "row 2" in output and "missing" in output


def test_deleting_the_newest_rows_is_found_too(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as db:
        db.execute(delete(AuditEvent).where(AuditEvent.seq == logged))
    code, output = verify(db_url)
    assert code == 1
    assert f"row {logged}" in output


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(
    logged: int, factory: sessionmaker[Session]
) -> None:
    from consular.audit.service import event_hash

    with unit_of_work(factory) as db:
        event = db.get(AuditEvent, 1)
        assert event is not None
        event.diff = {"forged": True}
        event.hash = event_hash(event)
    with unit_of_work(factory, write=False) as db:
        count, problem = verify_chain(db)
    assert problem is not None and problem.seq == 2 and count == 1


def test_the_chain_is_one_sequence_across_transactions(
    logged: int, factory: sessionmaker[Session], db: Session
) -> None:
    seqs = db.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, logged + 1))
    links = db.execute(text("select prev_hash, hash from audit_event order by seq")).all()
    assert all(links[i + 1][0] == links[i][1] for i in range(len(links) - 1))


def test_events_appended_at_once_join_the_chain_mixed_with_recorded_ones(
    db_url: str, factory: sessionmaker[Session]
) -> None:
    # The first event of an empty log, then appended and recorded events in one transaction
    # and in several, with text that JSON escapes: all verify, in one sequence.
    diffs = [{"name": '김민준 "Kim" \\ 金'}, {}, {"nested": {"b": 1, "a": [1, "x"]}}]
    with unit_of_work(factory) as db:
        audit.append(db, actor="public:10.0.0.1", tag="t:a:first", target_type="x", target_id="1")
    with unit_of_work(factory) as db:
        for n, diff in enumerate(diffs):
            audit.append(
                db,
                actor="public:10.0.0.1",
                tag="t:a:append",
                target_type="x",
                target_id=str(n),
                diff=diff,
                case_id="c" * 36,
            )
        audit.record(db, actor="officer.kim", tag="t:a:record", target_type="x", target_id="r")
        audit.append(db, actor="public:10.0.0.1", tag="t:a:after", target_type="x", target_id="z")
    with unit_of_work(factory) as db:
        audit.record(db, actor="officer.kim", tag="t:a:record", target_type="x", target_id="s")
        audit.append(db, actor="public:10.0.0.1", tag="t:a:last", target_type="x", target_id="y")
    code, output = verify(db_url)
    assert code == 0, output
    assert "intact: 8 rows" in output
    with unit_of_work(factory, write=False) as db:
        stored = db.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.tag for e in stored] == [
        "t:a:first",
        "t:a:append",
        "t:a:append",
        "t:a:append",
        "t:a:record",
        "t:a:after",
        "t:a:record",
        "t:a:last",
    ]
    assert [e.diff for e in stored[1:4]] == diffs


def test_concurrent_appends_never_fork_the_chain(
    db_url: str, factory: sessionmaker[Session]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite writes one at a time")
    with unit_of_work(factory) as db:
        audit.record(db, actor="operator", tag="t:a:start", target_type="x", target_id="0")

    def work(n: int) -> None:
        for i in range(25):
            with unit_of_work(factory) as db:
                audit.append(
                    db, actor=f"public:{n}", tag="t:a:many", target_type="x", target_id=f"{n}-{i}"
                )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    code, output = verify(db_url)
    assert code == 0, output
    assert "intact: 151 rows" in output
