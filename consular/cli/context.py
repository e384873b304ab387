"""What every command shares: the database it works on, its unit of work, and error output."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from consular.config import get_settings
from consular.db import is_busy, make_engine, make_session_factory, unit_of_work
from consular.errors import DomainError, InvalidInput
from consular.i18n import LANGUAGES, translations
from consular.i18n.message import shown
from consular.keys.service import check_keys
from consular.sealing import KeyProblem, install, source_of
from consular.tabular import TableError

__all__ = ["CliState", "command_unit", "fail", "in_language", "progress_bar", "state"]


@dataclass
class CliState:
    database_url: str | None = None
    # The language of the refusals the command prints (--lang, CONSULAR_LANG).
    language: str = "en"
    # Off only for `consular keys status`, which reports a wrong key instead of refusing.
    check_keys: bool = True
    _engine: Engine | None = field(default=None, repr=False)
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)

    def use(self, database_url: str | None) -> None:
        """Point every following command at this database (None: the configured one)."""
        if self._engine is not None:
            self._engine.dispose()
        self.database_url, self._engine, self._factory = database_url, None, None
        self.check_keys = True

    @property
    def url(self) -> str:
        return self.database_url or get_settings().database_url

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            timeout = get_settings().busy_timeout_seconds
            engine = make_engine(self.url, busy_timeout_ms=int(timeout * 1000))
            self._use_keys(engine)
            self._engine = engine
        return self._engine

    def _use_keys(self, engine: Engine) -> None:
        # Every command that touches the database needs the data key that sealed it.
        keys = source_of(get_settings())
        if self.check_keys:
            try:
                check_keys(engine, keys)
            except KeyProblem as exc:
                engine.dispose()
                fail(f"refusing to start: {exc}", 2)
            except OperationalError:
                pass  # a database it cannot reach: the command itself says so
        install(keys)

    @property
    def factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = make_session_factory(self.engine)
        return self._factory


state = CliState()


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def checked_language(lang: str) -> str:
    """The command's ``--lang`` once it is one of the product's languages; without one, the
    language chosen before the command name (``consular --lang ko …``, ``CONSULAR_LANG``)."""
    lang = lang or state.language
    if lang not in LANGUAGES:
        fail(f"--lang must be one of {', '.join(sorted(LANGUAGES))}, not {lang!r}", 2)
    return lang


def in_language(said: object) -> str:
    """A refusal (or a message) in the language chosen with --lang or CONSULAR_LANG."""
    return shown(said, translations(state.language).gettext)


def report_domain_error(exc: DomainError) -> NoReturn:
    typer.echo(f"error: {in_language(exc)}", err=True)
    for problem in exc.details.get("problems", []):
        typer.echo(f"  {in_language(problem)}", err=True)
    report = exc.details.get("report")
    errors = report.get("errors", []) if isinstance(report, dict) else []
    for error in errors:
        said = in_language(error["message"])
        typer.echo(f"  row {error['row']}, column {error['column']}: {said}", err=True)
    warnings = report.get("warnings", []) if isinstance(report, dict) else []
    for warning in warnings:
        said = in_language(warning["message"])
        typer.echo(f"  warning: row {warning['row']}, column {warning['column']}: {said}", err=True)
    columns = report.get("columns") if isinstance(report, dict) else None
    if columns:
        # How the list was read: a header read as the wrong field explains many errors.
        read = ", ".join(f"{column} → {field or '(not used)'}" for column, field in columns.items())
        typer.echo(f"  columns: {read}", err=True)
    allowed = exc.details.get("allowed")
    if allowed:
        typer.echo(f"  allowed: {', '.join(allowed)}", err=True)
    raise typer.Exit(2 if isinstance(exc, InvalidInput) else 1)


@contextmanager
def command_unit(*, write: bool = True) -> Iterator[Session]:
    """One transaction per command; domain errors become one clear message and an exit code."""
    try:
        with unit_of_work(state.factory, write=write) as session:
            yield session
    except DomainError as exc:
        report_domain_error(exc)
    except TableError as exc:
        fail(str(exc), 2)
    except ValidationError as exc:
        fail("; ".join(field_message(e) for e in exc.errors()), 2)
    except (OperationalError, ProgrammingError) as exc:
        fail(database_problem(exc))


def field_message(error: Any) -> str:
    field = ".".join(str(p) for p in error["loc"])
    # A check across several settings has no field, and pydantic prefixes its message.
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def database_problem(exc: DBAPIError) -> str:
    where = state.engine.url.render_as_string(hide_password=True)
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else exc.__class__.__name__
    if is_busy(exc):
        return (
            f"the database at {where} is busy with other work (is an import running?); "
            "nothing was saved: try again in a moment"
        )
    if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
        return f"the database at {where} has no consular tables yet: run `consular db upgrade`"
    return f"cannot use the database at {where}: {detail}"


def is_interactive() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress_bar(
    total: int, label: str, *, threshold: int = 5000
) -> Iterator[Callable[[int], None] | None]:
    """A bar on standard error for more than ``threshold`` items; call it with the count done."""
    if total <= threshold:
        yield None
        return
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)
