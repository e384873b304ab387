"""Append-only audit log with a hash chain, written in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, SessionTransaction

from consular.audit.models import AuditEvent, AuditHead
from consular.db import utcnow

GENESIS = "0" * 64
# Session.info key of the chain head this session's transaction has locked.
_HEAD = "consular.audit.head"


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def canonical_diff(diff: dict[str, Any]) -> dict[str, Any]:
    """The diff as it will read back from the database (dates as ISO text)."""
    loaded: dict[str, Any] = json.loads(json.dumps(diff, default=_json_default))
    return loaded


def _hashed_middle(event: AuditEvent) -> str:
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


def event_hash(event: AuditEvent) -> str:
    """SHA-256 of ``[seq,at,actor,tag,target_type,target_id,case_id,diff,prev_hash]`` as
    compact JSON with sorted keys (``_APPEND_POSTGRESQL`` builds the same text in SQL)."""
    body = f'[{event.seq},{_hashed_middle(event)},"{event.prev_hash}"]'
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    db: Session,
    *,
    actor: str,
    tag: str,
    target_type: str,
    target_id: str,
    diff: dict[str, Any] | None = None,
    case_id: str | None = None,
) -> AuditEvent:
    """Append one event; ``tag`` reads ``domain:subject:action``, e.g. ``cases:case:create``."""
    return _chain(db, _draft(actor, tag, target_type, target_id, diff, case_id))


def _draft(
    actor: str,
    tag: str,
    target_type: str,
    target_id: str,
    diff: dict[str, Any] | None,
    case_id: str | None,
) -> AuditEvent:
    """An event not yet in the chain (no sequence number, no hashes)."""
    return AuditEvent(
        at=utcnow(),
        actor=actor,
        tag=tag,
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
    tag: str,
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
    event.seq, event.prev_hash = (head.last_seq + 1, head.last_hash) if head else (1, GENESIS)
    event.hash = event_hash(event)
    conn.execute(_INSERT_EVENT, {column: getattr(event, column) for column in _EVENT_COLUMNS})
    moved = {"last_seq": event.seq, "last_hash": event.hash}
    conn.execute(_MOVE_HEAD if head is not None else insert(AuditHead).values(id=1), moved)


# ``append``'s statements, built once.
_EVENT_COLUMNS = tuple(column.key for column in AuditEvent.__table__.columns)
_HEAD_LOCKED = (
    select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1).with_for_update()
)
_INSERT_EVENT = insert(AuditEvent)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1)
# The same as the three statements above, with the hash computed by PostgreSQL from the
# text ``event_hash`` hashes. No row when the chain has no head yet (the first event).
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
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        db.add(head)
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
    seq: int
    reason: str


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

    Anyone able to rewrite the whole table could recompute every hash; keeping the head hash
    that ``consular audit verify`` prints somewhere else (a logbook, a cable) detects that too.
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
    head = db.get(AuditHead, 1)
    if head is not None and (head.last_seq != count or head.last_hash != expected_prev):
        return count, ChainProblem(count + 1, f"rows after {count} are missing (deleted)")
    return count, None


def case_history(db: Session, case_id: str) -> list[AuditEvent]:
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
    )
