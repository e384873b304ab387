"""What someone who owns the database's tables can do to the audit log, to prove it is found."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent, AuditHead
from consular.db import unit_of_work

_SQLITE_GUARDS = text(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND tbl_name IN ('audit_event', 'audit_head')"
)


@contextmanager
def guards_lifted(factory: sessionmaker[Session], *, put_back: bool = False) -> Iterator[Session]:
    """One transaction without the append-only triggers: dropped on SQLite (anyone with the
    file can), disabled on PostgreSQL (the tables' owner can); ``put_back`` restores them."""
    with unit_of_work(factory) as db:
        if db.get_bind().dialect.name == "sqlite":
            saved = db.execute(_SQLITE_GUARDS).all()
            for name, _ in saved:
                db.execute(text(f"DROP TRIGGER {name}"))
            yield db
            for _, sql in saved if put_back else []:
                db.execute(text(sql))
        else:
            for table in ("audit_event", "audit_head"):
                db.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            yield db
            for table in ("audit_event", "audit_head") if put_back else ():
                db.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def cut_back(db: Session, keep: int) -> None:
    """Delete the rows after ``keep`` and move the head back onto row ``keep``."""
    kept = db.get(AuditEvent, keep)
    assert kept is not None
    db.execute(delete(AuditEvent).where(AuditEvent.seq > keep))
    db.execute(update(AuditHead).values(last_seq=keep, last_hash=kept.hash))


def delete_head(db: Session) -> None:
    db.execute(delete(AuditHead))


def delete_everything(db: Session, *, new_head: bool = False) -> None:
    """Delete every event and the head; ``new_head`` puts an empty head back, chain kept."""
    chain_id = db.scalar(select(AuditHead.chain_id))
    db.execute(delete(AuditEvent))
    db.execute(delete(AuditHead))
    if new_head:
        db.add(AuditHead(id=1, last_seq=0, last_hash="0" * 64, chain_id=chain_id))


def rewrite_from(db: Session, seq: int, diff: dict[str, object]) -> None:
    """Change row ``seq`` and recompute every hash after it, and the head's: the whole chain
    verifies again, as it would for anyone able to rewrite the table."""
    from consular.audit.service import event_hash

    events = db.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq))
    previous = db.get(AuditEvent, seq - 1)
    prev_hash = previous.hash if previous is not None else "0" * 64
    for event in events:
        if event.seq == seq:
            event.diff = diff
        event.prev_hash = prev_hash
        event.hash = prev_hash = event_hash(event)
    db.flush()
    db.execute(update(AuditHead).values(last_hash=prev_hash))
