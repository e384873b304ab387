"""Append-only audit log with a hash chain, written in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, SessionTransaction

from consular.audit.guards import audited_records, missing_guards
from consular.audit.models import AuditEvent, AuditHead
from consular.audit.tags import AuditTag, declared_tag
from consular.db import new_id, utcnow
from consular.errors import DomainError
from consular.i18n import N_

GENESIS = "0" * 64
# Session.info key of the chain head this session's transaction has locked.
_HEAD = "consular.audit.head"


class AuditLogBroken(DomainError):
    """The chain's head is gone: the log was deleted, and no change can be recorded."""

    status_code = 503
    code = "audit_log_broken"

    def __init__(self) -> None:
        super().__init__(
            "audit.log_broken",
            N_(
                "The audit log has been tampered with (its head row was deleted): no change can "
                "be saved until the operator restores the database. Tell the operator."
            ),
        )


def start_chain(conn: Connection) -> None:
    """Give an emptied database a new chain (the migrations give a new one theirs)."""
    conn.execute(insert(AuditHead).values(id=1, last_seq=0, last_hash=GENESIS, chain_id=new_id()))


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def canonical_diff(diff: dict[str, Any]) -> dict[str, Any]:
    """The diff as it will read back from the database (dates as ISO text)."""
    loaded: dict[str, Any] = json.loads(json.dumps(diff, default=_json_default))
    return loaded


def _hashed_middle(event: AuditEvent | _Row) -> str:
    """The hashed text of an event between its sequence number and the previous hash."""
    return json.dumps(
        [
            event.at.isoformat(timespec="microseconds"),
            event.actor,
            event.tag,
            event.target_type,
            event.target_id,
            event.case_id,
            event.diff,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )[1:-1]


def event_hash(event: AuditEvent | _Row) -> str:
    """SHA-256 of ``[seq,at,actor,tag,target_type,target_id,case_id,diff,prev_hash]`` as
    compact JSON with sorted keys (``_APPEND_POSTGRESQL`` builds the same text in SQL)."""
    body = f'[{event.seq},{_hashed_middle(event)},"{event.prev_hash}"]'
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    db: Session,
    *,
    actor: str,
    tag: AuditTag,
    target_type: str,
    target_id: str,
    diff: dict[str, Any] | None = None,
    case_id: str | None = None,
) -> AuditEvent:
    """Append one event; ``tag`` is one of the declared tags (``consular.audit.tags``)."""
    return _chain(db, _draft(actor, tag, target_type, target_id, diff, case_id))


@dataclass
class Event:
    """An event for ``record_many``: what ``record`` takes, as one value."""

    actor: str
    tag: AuditTag
    target_type: str
    target_id: str
    diff: dict[str, Any]
    case_id: str | None = None


@dataclass
class _Row:
    """An event row as ``record_many`` inserts it: the columns of ``AuditEvent``, no ORM state."""

    seq: int
    at: datetime
    actor: str
    tag: str
    target_type: str
    target_id: str
    case_id: str | None
    diff: dict[str, Any]
    prev_hash: str
    hash: str = ""


def record_many(db: Session, events: Iterable[Event]) -> None:
    """Append many events in one statement, in the order given: for a list import's
    thousands, where an ORM object per event costs more than the insert itself. Events
    ``record`` added in the same transaction stay in order with them (one head holds both)."""
    head = _locked_head(db)
    rows = []
    for event in events:
        row = _Row(
            seq=head.last_seq + 1,
            at=utcnow(),
            actor=event.actor,
            tag=_stored_tag(event.tag),
            target_type=event.target_type,
            target_id=event.target_id,
            case_id=event.case_id,
            diff=canonical_diff(event.diff),
            prev_hash=head.last_hash,
        )
        row.hash = event_hash(row)
        head.last_seq, head.last_hash = row.seq, row.hash
        rows.append(dict(vars(row)))
    if rows:
        db.execute(insert(AuditEvent), rows)


def _stored_tag(tag: AuditTag) -> str:
    """The tag as stored; a tag not declared in ``AuditTag`` is refused, so that every event
    of the log can be described to the people who read it."""
    known = declared_tag(tag)
    if known is None:
        raise ValueError(f"undeclared audit tag {tag!r}: declare it in AuditTag")
    return str(known.value)


def _draft(
    actor: str,
    tag: AuditTag,
    target_type: str,
    target_id: str,
    diff: dict[str, Any] | None,
    case_id: str | None,
) -> AuditEvent:
    """An event not yet in the chain (no sequence number, no hashes)."""
    return AuditEvent(
        at=utcnow(),
        actor=actor,
        tag=_stored_tag(tag),
        target_type=target_type,
        target_id=target_id,
        case_id=case_id,
        diff=canonical_diff(diff or {}),
    )


def _chain(db: Session, event: AuditEvent) -> AuditEvent:
    """Put ``event`` after the head held by the ORM session."""
    head = _locked_head(db)
    event.seq = head.last_seq + 1
    event.prev_hash = head.last_hash
    event.hash = event_hash(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    # No flush per event: the next query or the commit writes them (an import adds thousands).
    db.add(event)
    return event


def append(
    db: Session,
    *,
    actor: str,
    tag: AuditTag,
    target_type: str,
    target_id: str,
    diff: dict[str, Any] | None = None,
    case_id: str | None = None,
) -> None:
    """Append one event at once, without ORM objects: for a transaction that records a
    single event (the public status lookups), where ``record``'s unit of work costs more
    than the statements themselves. The head stays locked until the transaction ends."""
    event = _draft(actor, tag, target_type, target_id, diff, case_id)
    if db.info.get(_HEAD) is not None:
        # The ORM already holds the head in this transaction: append through it.
        _chain(db, event)
        return
    conn = db.connection()
    values = {column: getattr(event, column) for column in _EVENT_COLUMNS}
    if conn.dialect.name == "postgresql":
        # Every audited transaction waits for the head's lock: under load the lock, not the
        # CPU, sets how many lookups a second go through. One statement locks the head,
        # appends the event and moves the head, so the lock is held from that statement to
        # the commit, not across three round trips.
        appended = conn.execute(_APPEND_POSTGRESQL, {**values, "middle": _hashed_middle(event)})
        if appended.first() is not None:
            return
    head = conn.execute(_HEAD_LOCKED).one_or_none()
    if head is None:
        raise AuditLogBroken()
    event.seq, event.prev_hash = head.last_seq + 1, head.last_hash
    event.hash = event_hash(event)
    conn.execute(_INSERT_EVENT, {column: getattr(event, column) for column in _EVENT_COLUMNS})
    conn.execute(_MOVE_HEAD, {"last_seq": event.seq, "last_hash": event.hash})


# ``append``'s statements, built once.
_EVENT_COLUMNS = tuple(column.key for column in AuditEvent.__table__.columns)
_HEAD_LOCKED = (
    select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1).with_for_update()
)
_INSERT_EVENT = insert(AuditEvent)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1)
# The same as the three statements above, with the hash computed by PostgreSQL from the
# text ``event_hash`` hashes. No row when the chain has no head (the log was deleted).
_APPEND_POSTGRESQL = text(
    """
    WITH head AS (
        SELECT last_seq + 1 AS seq, last_hash AS prev_hash
        FROM audit_head WHERE id = 1 FOR UPDATE
    ), event AS (
        INSERT INTO audit_event
            (seq, at, actor, tag, target_type, target_id, case_id, diff, prev_hash, hash)
        SELECT seq, :at, :actor, :tag, :target_type, :target_id, :case_id, :diff, prev_hash,
            encode(sha256(convert_to(
                '[' || seq || ',' || CAST(:middle AS text) || ',"' || prev_hash || '"]', 'UTF8'
            )), 'hex')
        FROM head
        RETURNING seq, hash
    )
    UPDATE audit_head SET last_seq = event.seq, last_hash = event.hash
    FROM event WHERE audit_head.id = 1
    RETURNING audit_head.last_seq
    """
).bindparams(
    bindparam("at", type_=AuditEvent.__table__.c.at.type),
    bindparam("diff", type_=AuditEvent.__table__.c.diff.type),
)


def _locked_head(db: Session) -> AuditHead:
    """The chain head, locked for the rest of the transaction, read once per transaction."""
    head: AuditHead | None = db.info.get(_HEAD)
    # A head expunged from the session would no longer be written back.
    if head is not None and head in db:
        return head
    # populate_existing: an ``append`` earlier in the transaction moved the head on.
    head = db.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        raise AuditLogBroken()
    db.info[_HEAD] = head
    return head


@listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: SessionTransaction) -> None:
    # The lock ends with the transaction (a savepoint rolled back releases it too); the
    # flushes' own inner transactions end without touching it.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HEAD, None)


@dataclass(frozen=True)
class ChainProblem:
    """What is wrong, at the row named (``seq``) or with the log as a whole (``seq`` None)."""

    seq: int | None
    reason: str

    def __str__(self) -> str:
        return self.reason if self.seq is None else f"at row {self.seq}: {self.reason}"


def _iter_events(db: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = db.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        db.expunge_all()


def verify_chain(db: Session) -> tuple[int, ChainProblem | None]:
    """Walk the chain. Returns the number of events checked and the first problem, if any.

    Besides the rows, the head must exist and agree with them, an empty log must belong to a
    database that holds nothing audited, and the append-only triggers must be in place. An
    owner of the tables can still rewrite the log and recompute every hash: signed checkpoints
    kept elsewhere (``consular audit checkpoint``) bound what can be rewritten unnoticed.
    """
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for event in _iter_events(db):
        if event.seq != expected_seq:
            return count, ChainProblem(expected_seq, f"row {expected_seq} is missing (deleted)")
        if event.prev_hash != expected_prev:
            return count, ChainProblem(event.seq, "does not follow the row before it")
        if event_hash(event) != event.hash:
            return count, ChainProblem(event.seq, "content changed after it was written")
        expected_prev = event.hash
        expected_seq += 1
        count += 1
    return count, _head_problem(db, count, expected_prev) or _unguarded(db)


def _head_problem(db: Session, count: int, last_hash: str) -> ChainProblem | None:
    head = db.get(AuditHead, 1)
    if head is None:
        return ChainProblem(None, f"the head row is missing (deleted), with {count} rows left")
    if head.last_seq > count:
        last = head.last_seq
        gone = f"row {last} is" if last == count + 1 else f"rows {count + 1} to {last} are"
        return ChainProblem(count + 1, f"{gone} missing (deleted)")
    if head.last_seq < count:
        return ChainProblem(
            head.last_seq + 1,
            f"the head says row {head.last_seq} is the last, yet rows go on to {count}",
        )
    if head.last_hash != last_hash:
        return ChainProblem(count, "the head's hash is not this row's (the head was rewritten)")
    if count == 0:
        held = audited_records(db)
        if held:
            found = ", ".join(f"{label} ({number})" for label, number in held.items())
            return ChainProblem(
                None, f"the log is empty, yet the database holds {found}: its rows were deleted"
            )
    return None


def _unguarded(db: Session) -> ChainProblem | None:
    missing = missing_guards(db)
    if not missing:
        return None
    return ChainProblem(
        None,
        f"the append-only triggers {', '.join(missing)} are missing or disabled: someone "
        "owning the tables lifted them, and may have changed the log (compare a checkpoint)",
    )


def read_one_moment(db: Session) -> None:
    """Make the session's coming transaction read the log as of one moment, so events
    committed while it reads never look like a cut (SQLite's reads already do)."""
    if db.get_bind().dialect.name == "postgresql":
        db.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def last_seq(db: Session) -> int:
    """The highest row number the log holds (0 when empty), whatever the head says."""
    return db.scalar(select(func.max(AuditEvent.seq))) or 0


def case_history(db: Session, case_id: str) -> list[AuditEvent]:
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
    )
