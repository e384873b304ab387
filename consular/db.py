"""Database plumbing: one declarative base, engines for SQLite and PostgreSQL, and the unit of work.

Services receive a ``Session`` and only flush; the edge (a request or a CLI command) opens one
unit of work, commits once when everything succeeded and rolls back on any error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, Session, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from consular.errors import InvalidInput
from consular.fields import field_label, limit_of
from consular.i18n import N_
from consular.sealing import blind_index

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: identical on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a time zone is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


@event.listens_for(Base, "mapper_configured", propagate=True)
def _bound_text_columns(mapper: Mapper[Any], class_: type) -> None:
    """Every bounded text column refuses a longer value when it is set, the same on SQLite
    (which would store it) and PostgreSQL (which would fail at the flush with a 500)."""
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.info.get("max_length") or (
            isinstance(column.type, String) and column.type.length
        ):
            guard = _length_guard(prop.key, limit_of(column))
            event.listen(getattr(class_, prop.key), "set", guard)
        if "blind_index" in column.info:
            keeper = _index_keeper(*column.info["blind_index"])
            event.listen(getattr(class_, prop.key), "set", keeper)


def _index_keeper(index: str, kind: str) -> Callable[..., None]:
    # A sealed value that is searched keeps its blind index beside it (consular.sealing).
    def keep(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(target, index, blind_index(kind, value))

    return keep


def with_blind_indexes(model: type[Base], row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (for a bulk insert or update of ``model``) with the blind index of each
    searched sealed value it sets, as setting the attribute would give it."""
    for column in model.__table__.columns:
        if column.key in row and "blind_index" in column.info:
            index, kind = column.info["blind_index"]
            row[index] = blind_index(kind, row[column.key])
    return row


def _length_guard(name: str, limit: int) -> Callable[..., None]:
    def guard(_target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        if isinstance(value, str) and len(value) > limit:
            raise InvalidInput(
                "text.too_long",
                N_("%(field)s: %(count)s characters, more than the %(limit)s allowed."),
                field=field_label(name),
                count=f"{len(value):,}",
                limit=f"{limit:,}",
            )

    return guard


class UUIDPrimaryKey:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


WRITE_OPTION = "consular_write"


# How long a unit of work waits for another one's write lock before it gives up (SQLite).
DEFAULT_BUSY_TIMEOUT_MS = 10_000


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy drive transactions itself (pysqlite's own handling breaks SAVEPOINT
        # and defers BEGIN), then turn on what a consular database must have.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing unit of work takes the write lock at the start (IMMEDIATE), so two
        # writers queue instead of failing half-way with "database is locked"; readers
        # stay deferred and never wait for a writer (WAL).
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _create_private_file(url: str) -> None:
    """Create a new SQLite database file readable and writable by its owner only.

    SQLite gives the -wal, -shm and -journal files the mode of the database file.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        descriptor = os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # an existing file keeps the mode its operator gave it
    except OSError:
        return  # no such folder, and so on: SQLite's own error names it on connecting
    os.close(descriptor)


def make_engine(
    url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    if url.startswith("sqlite"):
        _create_private_file(url)
        # One connection per checkout: SQLite connections are cheap and must not be
        # shared across threads (the web server runs sync routes in a thread pool).
        engine = create_engine(url, poolclass=NullPool, **kwargs)
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


# PostgreSQL's "lock not available", "could not serialize" and "deadlock detected".
_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
_BUSY_SQLITE = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: DBAPIError) -> bool:
    """Whether the database refused the work only because other work held it: worth a retry."""
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return any(text in message for text in _BUSY_SQLITE)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def open_session(factory: sessionmaker[Session], *, write: bool) -> Session:
    session = factory()
    if write:
        session.connection(execution_options={WRITE_OPTION: True})
    return session


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back on any exception."""
    session = open_session(factory, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def reading_unit(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that only reads: it takes no write lock and is never committed."""
    session = open_session(factory, write=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
