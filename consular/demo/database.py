"""The demo's database: building it destroys nothing that is not the demo's own, and a
demo seals its synthetic identifiers under a data key of its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, inspect, make_url, select
from sqlalchemy.exc import SQLAlchemyError

from consular.auth.models import User
from consular.db import make_engine
from consular.demo.lists import REGISTRY_FILE_PREFIX
from consular.registry.models import Person, RegistryImport
from consular.sealing import new_key_ring, write_key_file


class DemoRefused(RuntimeError):
    """The target database holds data that is not the demo's own; nothing was changed."""


def prepare_database(url: str) -> None:
    """Make sure building the demo destroys nothing that is not the demo's own.

    A SQLite file is deleted (with its WAL files) when it holds no persons or users, or
    an earlier demo; any other database is left in place and must hold neither.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = make_engine(url)
        try:
            refuse_foreign_data(engine, allow_demo=False)
        finally:
            engine.dispose()
        return
    path = parsed.database
    if not path or path == ":memory:":
        raise DemoRefused("the demo needs a SQLite file, e.g. sqlite:///demo.db")
    if Path(path).exists():
        engine = make_engine(url)
        try:
            refuse_foreign_data(engine, allow_demo=True)
        finally:
            engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def demo_key_file(url: str) -> Path:
    """The demo's own data key, beside its SQLite file (``demo.db`` → ``demo.key``), made
    when missing; a demo in another database keeps ``demo.key`` in the current folder."""
    parsed = make_url(url)
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    path = Path(database).with_suffix(".key") if database else Path("demo.key")
    if not path.exists():
        write_key_file(path, new_key_ring())
    return path


def refuse_foreign_data(engine: Engine, *, allow_demo: bool) -> None:
    """Raise :class:`DemoRefused` when the database holds persons or users.

    With ``allow_demo`` those of an earlier demo (its registry file is on record) are fine.
    """
    where = engine.url.render_as_string(hide_password=True)
    try:
        tables = set(inspect(engine).get_table_names())
        held: dict[str, int] = {}
        with engine.connect() as connection:
            for label, model in (("persons", Person), ("users", User)):
                if model.__tablename__ in tables:
                    held[label] = connection.scalar(select(func.count()).select_from(model)) or 0
            demo = RegistryImport.__tablename__ in tables and bool(
                connection.scalar(
                    select(func.count())
                    .select_from(RegistryImport)
                    .where(RegistryImport.file_name.startswith(REGISTRY_FILE_PREFIX))
                )
            )
    except SQLAlchemyError as exc:
        raise DemoRefused(f"{where} cannot be checked, so it is left alone: {exc}") from exc
    found = ", ".join(f"{count} {label}" for label, count in held.items() if count)
    if found and not (allow_demo and demo):
        raise DemoRefused(
            f"{where} already holds {found}; the demo only builds into an empty database "
            "(or over a SQLite file of an earlier demo)"
        )
