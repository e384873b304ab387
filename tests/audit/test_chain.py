"""The audit log is append-only and hash-chained: any change or deletion is found, and the
database refuses them while its triggers stand."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular import audit
from consular.audit.models import AuditEvent, AuditHead
from consular.audit.service import AuditLogBroken, verify_chain
from consular.audit.tags import AuditTag
from consular.cli.main import app
from consular.db import unit_of_work
from consular.registry.service import import_registry
from tests.audit.tampering import cut_back, delete_everything, delete_head, guards_lifted
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
    with guards_lifted(factory) as db:
        db.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone.else"))
    code, output = verify(db_url)
    assert code == 1
    assert "row 2" in output and "changed" in output


def test_a_deleted_row_is_named(db_url: str, logged: int, factory: sessionmaker[Session]) -> None:
    with guards_lifted(factory) as db:
        db.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    code, output = verify(db_url)
    assert code == 1
    assert "row 2" in output and "missing" in output


def test_deleting_the_newest_rows_is_found_too(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    with guards_lifted(factory, put_back=True) as db:
        db.execute(delete(AuditEvent).where(AuditEvent.seq == logged))
    code, output = verify(db_url)
    assert code == 1
    assert f"row {logged}" in output


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(
    logged: int, factory: sessionmaker[Session]
) -> None:
    from consular.audit.service import event_hash

    with guards_lifted(factory, put_back=True) as db:
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
        audit.append(
            db, actor="public:10.0.0.1", tag=AuditTag.SIGN_IN, target_type="x", target_id="1"
        )
    with unit_of_work(factory) as db:
        for n, diff in enumerate(diffs):
            audit.append(
                db,
                actor="public:10.0.0.1",
                tag=AuditTag.STATUS_LOOKUP,
                target_type="x",
                target_id=str(n),
                diff=diff,
                case_id="c" * 36,
            )
        audit.record(db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="r")
        audit.append(
            db, actor="public:10.0.0.1", tag=AuditTag.STATUS_FAILED, target_type="x", target_id="z"
        )
    with unit_of_work(factory) as db:
        audit.record(db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="s")
        audit.append(
            db, actor="public:10.0.0.1", tag=AuditTag.SIGN_OUT, target_type="x", target_id="y"
        )
    code, output = verify(db_url)
    assert code == 0, output
    assert "intact: 8 rows" in output
    with unit_of_work(factory, write=False) as db:
        stored = db.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.tag for e in stored] == [
        AuditTag.SIGN_IN,
        AuditTag.STATUS_LOOKUP,
        AuditTag.STATUS_LOOKUP,
        AuditTag.STATUS_LOOKUP,
        AuditTag.NOTE_ADD,
        AuditTag.STATUS_FAILED,
        AuditTag.NOTE_ADD,
        AuditTag.SIGN_OUT,
    ]
    assert [e.diff for e in stored[1:4]] == diffs


def test_concurrent_appends_never_fork_the_chain(
    db_url: str, factory: sessionmaker[Session]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite writes one at a time")
    with unit_of_work(factory) as db:
        audit.record(db, actor="operator", tag=AuditTag.SIGN_IN, target_type="x", target_id="0")

    def work(n: int) -> None:
        for i in range(25):
            with unit_of_work(factory) as db:
                audit.append(
                    db,
                    actor=f"public:{n}",
                    tag=AuditTag.STATUS_LOOKUP,
                    target_type="x",
                    target_id=f"{n}-{i}",
                )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    code, output = verify(db_url)
    assert code == 0, output
    assert "intact: 151 rows" in output


# The log cannot be cut short: the database refuses it, and what gets through is found.

REFUSED = [
    "UPDATE audit_event SET actor = 'someone.else' WHERE seq = 2",
    "DELETE FROM audit_event WHERE seq = 2",
    "DELETE FROM audit_event",
    "DELETE FROM audit_head",
    "UPDATE audit_head SET last_seq = last_seq - 1",
    "UPDATE audit_head SET chain_id = 'another'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_database_refuses_to_change_or_delete_the_log(
    db_url: str, logged: int, factory: sessionmaker[Session], statement: str
) -> None:
    refused = pytest.raises(DBAPIError, match=r"append-only|forward only|cannot be deleted")
    with refused, unit_of_work(factory) as db:
        db.execute(text(statement))
    code, output = verify(db_url)
    assert code == 0 and f"intact: {logged} rows" in output, output


def test_postgresql_refuses_to_truncate_the_log(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    for table in ("audit_event", "audit_head"):
        refused = pytest.raises(DBAPIError, match="append-only: TRUNCATE")
        with refused, unit_of_work(factory) as db:
            db.execute(text(f"TRUNCATE {table} CASCADE"))


def test_the_append_paths_move_the_guarded_head_forward(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    # record (ORM) and append (one statement on PostgreSQL) pass the head's trigger, which
    # refuses the very same table's head being set back by one.
    with unit_of_work(factory) as db:
        audit.record(db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="1")
    with unit_of_work(factory) as db:
        audit.append(
            db, actor="public:10.0.0.1", tag=AuditTag.STATUS_LOOKUP, target_type="x", target_id="2"
        )
        audit.record(db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="3")
    with pytest.raises(DBAPIError, match="forward only"), unit_of_work(factory) as db:
        db.execute(update(AuditHead).values(last_seq=logged + 2))
    code, output = verify(db_url)
    assert code == 0 and f"intact: {logged + 3} rows" in output, output


def test_a_log_cut_back_with_its_head_is_found(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    with guards_lifted(factory) as db:
        cut_back(db, keep=logged - 2)
    code, output = verify(db_url)
    assert code == 1
    assert "append-only triggers" in output and "missing or disabled" in output


def test_a_deleted_head_is_found_and_nothing_more_is_appended(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    with guards_lifted(factory, put_back=True) as db:
        delete_head(db)
    code, output = verify(db_url)
    assert code == 1 and "the head row is missing (deleted)" in output, output
    for append_event in (audit.record, audit.append):
        with (
            pytest.raises(AuditLogBroken, match="head row was deleted"),
            unit_of_work(factory) as db,
        ):
            append_event(
                db, actor="officer.kim", tag=AuditTag.NOTE_ADD, target_type="x", target_id="1"
            )


@pytest.mark.parametrize("new_head", [False, True], ids=["head-deleted", "empty-head-put-back"])
def test_a_log_deleted_whole_is_not_an_empty_log(
    db_url: str, logged: int, factory: sessionmaker[Session], new_head: bool
) -> None:
    with guards_lifted(factory, put_back=True) as db:
        delete_everything(db, new_head=new_head)
    code, output = verify(db_url)
    assert code == 1
    if new_head:
        assert "the log is empty, yet the database holds posts (2), users (1)" in output, output
    else:
        assert "the head row is missing (deleted), with 0 rows left" in output, output


def test_a_new_database_is_empty_and_intact(db_url: str) -> None:
    code, output = verify(db_url)
    assert code == 0 and "intact: 0 rows (nothing recorded yet)" in output, output
    assert "head: row 0, hash " + "0" * 64 in output


def test_a_disabled_trigger_is_found_on_postgresql(
    db_url: str, logged: int, factory: sessionmaker[Session]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite triggers cannot be disabled, only dropped (tested above)")
    with unit_of_work(factory) as db:
        db.execute(text("ALTER TABLE audit_head DISABLE TRIGGER audit_head_forward_only"))
    code, output = verify(db_url)
    assert code == 1 and "audit_head_forward_only are missing or disabled" in output, output


def test_a_page_tells_in_korean_that_the_log_was_tampered_with() -> None:
    from consular.i18n import translations

    korean = AuditLogBroken().message.translated(translations("ko").gettext)
    assert korean.startswith("감사 기록이 변조되었습니다")


@pytest.mark.parametrize("moved", ["back", "hash"])
def test_a_head_that_disagrees_with_the_rows_is_found(
    db_url: str, logged: int, factory: sessionmaker[Session], moved: str
) -> None:
    with guards_lifted(factory, put_back=True) as db:
        values = {"last_seq": logged - 1} if moved == "back" else {"last_hash": "f" * 64}
        db.execute(update(AuditHead).values(**values))
    code, output = verify(db_url)
    assert code == 1
    if moved == "back":
        assert f"the head says row {logged - 1} is the last, yet rows go on to {logged}" in output
    else:
        assert f"at row {logged}: the head's hash is not this row's" in output, output
