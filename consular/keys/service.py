"""Which keys a database's sealed values need, and moving them from one key to another.

The database keeps each key's fingerprint (``data_key``), never the key: start-up compares
the fingerprints with the keys it was given and refuses on a missing or wrong one. Rotation
seals every value again under a new key in short batches, so the system keeps running and
an interrupted rotation resumes where it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from consular.db import Base, unit_of_work
from consular.keys.models import INDEX_KEY_ID
from consular.sealing import (
    KEY_BYTES,
    NO_KEY,
    VERSION,
    KeyProblem,
    KeyRing,
    KeySource,
    SealedJSON,
    SealedText,
    SealError,
    fingerprint,
)

_DATA_KEY = sa.table(
    "data_key",
    sa.column("id"),
    sa.column("purpose"),
    sa.column("fingerprint"),
    sa.column("current", sa.Boolean),
    sa.column("created_at"),
    sa.column("retired_at"),
)


@dataclass(frozen=True)
class RecordedKey:
    id: str
    purpose: str
    fingerprint: str
    current: bool
    retired: bool


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    where: str  # the associated data its values are sealed with


def sealed_columns() -> list[SealedColumn]:
    """Every sealed column of the schema, table by table."""
    from consular.models import load_all

    load_all()
    return [
        SealedColumn(table.name, column.name, column.type.where)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, SealedText | SealedJSON)
    ]


def _naive_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def recorded_keys(conn: Connection) -> list[RecordedKey]:
    rows = conn.execute(sa.select(_DATA_KEY).order_by(_DATA_KEY.c.created_at, _DATA_KEY.c.id))
    return [
        RecordedKey(r.id, r.purpose, r.fingerprint, bool(r.current), r.retired_at is not None)
        for r in rows
    ]


def record_ring(conn: Connection, ring: KeyRing) -> None:
    """Put the ring's keys on record (those not yet there); its current key becomes current."""
    known = {key.id for key in recorded_keys(conn)}
    now = _naive_now()
    entries = [(INDEX_KEY_ID, "index", ring.index_key)] + [
        (key_id, "data", key) for key_id, key in ring.keys.items()
    ]
    for key_id, purpose, key in entries:
        if key_id not in known:
            conn.execute(
                sa.insert(_DATA_KEY).values(
                    id=key_id,
                    purpose=purpose,
                    fingerprint=fingerprint(key),
                    current=False,
                    created_at=now,
                )
            )
    conn.execute(
        sa.update(_DATA_KEY)
        .where(_DATA_KEY.c.purpose == "data")
        .values(current=_DATA_KEY.c.id == ring.current)
    )


def has_key_table(conn: Connection) -> bool:
    return sa.inspect(conn).has_table("data_key")


def key_problem(conn: Connection, source: KeySource) -> str | None:
    """Why these keys cannot serve this database, in one line; None when they can."""
    recorded = [key for key in recorded_keys(conn) if not key.retired]
    try:
        ring = source.ring(reload=True)
    except KeyProblem as exc:
        return str(exc)
    for key in recorded:
        given = ring.index_key if key.purpose == "index" else ring.keys.get(key.id)
        name = "the blind-index key" if key.purpose == "index" else f"data key {key.id!r}"
        if given is None:
            return (
                f"{ring.source} lacks {name}, under which this database's identifiers are "
                "sealed: give the key file that was used with it"
            )
        if fingerprint(given) != key.fingerprint:
            return (
                f"{name} in {ring.source} is not the one this database's identifiers are "
                f"sealed with (fingerprint {fingerprint(given)[:12]}, on record "
                f"{key.fingerprint[:12]}): wrong key file?"
            )
    return None


def _missing(recorded: list[RecordedKey]) -> str:
    current = next((key.id for key in recorded if key.current), recorded[0].id)
    return (
        f"no data key: this database's identifiers are sealed under key {current!r}; set "
        "CONSULAR_DATA_KEY_FILE to its key file (or CONSULAR_DATA_KEY to its content)"
    )


def check_keys(engine: Engine, source: KeySource) -> None:
    """Refuse (:class:`KeyProblem`) keys that cannot open this database; a database that
    has none on record yet records these."""
    with engine.begin() as conn:
        if not has_key_table(conn):
            return  # not migrated yet: `consular db upgrade` seals what it holds
        if not source.configured:
            recorded = recorded_keys(conn)
            raise KeyProblem(_missing(recorded) if recorded else NO_KEY)
        problem = key_problem(conn, source)
        if not problem and not recorded_keys(conn):
            problem = _sample_problem(conn, source.ring())
            if not problem:
                record_ring(conn, source.ring())
        if problem:
            raise KeyProblem(problem)


def _sample_problem(conn: Connection, ring: KeyRing) -> str | None:
    """With no key on record, a stored value of each sealed column must open with these
    keys, or a wrong key would be put on record."""
    for sealed in sealed_columns():
        column = _raw(sealed.table, sealed.column).c[sealed.column]
        stored = conn.execute(sa.select(column).where(column.is_not(None)).limit(1)).scalar()
        if stored is None:
            continue
        try:
            ring.open(stored, sealed.where)
        except (KeyProblem, SealError):
            return (
                f"the values stored in {sealed.where} do not open with the keys in "
                f"{ring.source}: wrong key file?"
            )
    return None


# --- counting, rotating, retiring ---------------------------------------------------------


def _raw(table: str, *columns: str) -> sa.TableClause:
    # Plain columns: values read and written as stored, never through the sealing types.
    return sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))


def count_under(conn: Connection, key_id: str) -> int:
    """How many stored values are sealed under ``key_id``."""
    total = 0
    for sealed in sealed_columns():
        column = _raw(sealed.table, sealed.column).c[sealed.column]
        query = sa.select(sa.func.count()).where(column.like(f"{VERSION}:{key_id}:%"))
        total += conn.execute(query).scalar_one()
    return total


def next_key_id(ring: KeyRing, recorded: list[RecordedKey]) -> str:
    taken = set(ring.keys) | {key.id for key in recorded}
    number = len(taken)
    while f"k{number}" in taken:
        number += 1
    return f"k{number}"


def add_current_key(conn: Connection, ring: KeyRing) -> KeyRing:
    """A ring with a new current key (the old ones kept for opening), put on record."""
    key_id = next_key_id(ring, recorded_keys(conn))
    rotated = ring.with_keys({**ring.keys, key_id: os.urandom(KEY_BYTES)}, key_id)
    record_ring(conn, rotated)
    return rotated


@dataclass
class Progress:
    table: str
    scanned: int
    total: int
    resealed: int


def reseal_all(
    factory: sessionmaker[Session],
    ring: Callable[[], KeyRing],
    *,
    batch: int,
    progress: Callable[[Progress], None],
) -> int:
    """Seal every value not under the current key again under it, ``batch`` rows per
    transaction; returns how many values were sealed again. Safe to stop and run again."""
    by_table: dict[str, list[SealedColumn]] = {}
    for sealed in sealed_columns():
        by_table.setdefault(sealed.table, []).append(sealed)
    resealed = 0
    for table, columns in by_table.items():
        for step in _reseal_table(factory, ring, table, columns, batch):
            resealed += step.resealed
            progress(step)
    return resealed


def _reseal_table(
    factory: sessionmaker[Session],
    ring: Callable[[], KeyRing],
    table: str,
    columns: list[SealedColumn],
    batch: int,
) -> Iterator[Progress]:
    raw = _raw(table, *(c.column for c in columns))
    with unit_of_work(factory, write=False) as db:
        total = db.execute(sa.select(sa.func.count()).select_from(raw)).scalar_one()
    last, scanned = "", 0
    while True:
        with unit_of_work(factory) as db:
            keys = ring()
            rows = db.execute(
                sa.select(raw).where(raw.c.id > last).order_by(raw.c.id).limit(batch)
            ).all()
            changed = 0
            for row in rows:
                changed += _reseal_row(db, raw, row, columns, keys)
        if not rows:
            return
        last, scanned = rows[-1].id, scanned + len(rows)
        yield Progress(table, scanned, total, changed)


def _reseal_row(
    db: Session, raw: sa.TableClause, row: sa.Row, columns: list[SealedColumn], ring: KeyRing
) -> int:
    values, unchanged = {}, []
    for sealed in columns:
        stored = getattr(row, sealed.column)
        if stored is None or ring.key_id_of(stored) == ring.current:
            continue
        values[sealed.column] = ring.seal(ring.open(stored, sealed.where), sealed.where)
        unchanged.append(raw.c[sealed.column] == stored)
    if values:
        # Only if no one changed the row meanwhile; a new value is sealed under the new key.
        db.execute(sa.update(raw).where(raw.c.id == row.id, *unchanged).values(values))
    return len(values)


def retire(conn: Connection, key_id: str) -> None:
    conn.execute(
        sa.update(_DATA_KEY).where(_DATA_KEY.c.id == key_id).values(retired_at=_naive_now())
    )
