"""The registry of nationals: scoping, search, person records and registry imports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    Dialect,
    Select,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault
from sqlalchemy.sql.schema import Table as SchemaTable

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.db import new_id
from consular.errors import InvalidInput, NotFound
from consular.fields import (
    FieldError,
    parse_date,
    parse_passport,
)
from consular.i18n import N_
from consular.importing import (
    ImportReport,
    refuse_bad_rows,
    refuse_repeat,
)
from consular.matching import PersonRecord, name_keys
from consular.matching.normalize import latin_name_key
from consular.registry.models import (
    Deployment,
    Employer,
    Person,
    PersonNameKey,
    RegistryImport,
)
from consular.registry.parsing import NAME_FIELDS as NAME_FIELDS
from consular.registry.parsing import WORKER_FIELDS as WORKER_FIELDS
from consular.registry.parsing import (
    hangul_key,
    missing_registry_columns,
    parse_registry_rows,
)
from consular.registry.parsing import registry_parsers as registry_parsers
from consular.registry.schemas import PersonCreate
from consular.sealing import blind_index
from consular.tabular import Table

Progress = Callable[[int], None]

# Imports of more rows than this refresh the planner statistics (PostgreSQL).
ANALYZE_AFTER_ROWS = 10_000


def mask_identifier(value: str | None) -> str | None:
    if not value:
        return None
    return "•" * max(len(value) - 3, 3) + value[-3:]


def stored_name_keys(values: Mapping[Any, Any]) -> set[str]:
    """The spelling-insensitive keys stored for a person with these name fields."""
    record = PersonRecord(
        id="",
        family_name=values.get("family_name"),
        given_name=values.get("given_name"),
        family_name_hangul=values.get("family_name_hangul"),
        given_name_hangul=values.get("given_name_hangul"),
    )
    return name_keys(record)


def readable_persons(actor: Actor) -> Select[Person]:
    """Persons the actor may see: the whole registry for consular staff, none for employers
    (they see their workers as they named them, on their deployments)."""
    query = select(Person)
    if not actor.can(Permission.PERSON_READ):
        return query.where(false())
    return query


def get_person(db: Session, actor: Actor, person_id: str) -> Person:
    person = db.scalar(readable_persons(actor).where(Person.id == person_id))
    if person is None:
        raise NotFound("person", person_id)
    return person


def search_persons(
    db: Session,
    actor: Actor,
    *,
    name: str | None = None,
    date_of_birth: date | None = None,
    passport_number: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[Person]:
    actor.require(Permission.PERSON_READ, "person", "")
    if not (name or date_of_birth or passport_number):
        raise InvalidInput(
            "person.search_empty",
            N_("Give at least a name, a date of birth or a passport number."),
        )
    query = readable_persons(actor).where(Person.merged_into_id.is_(None))  # merged: hidden
    if name:
        key = latin_name_key(name)
        hangul = name.replace(" ", "")
        conditions = [Person.hangul_key == hangul]
        if key:
            # Either order: "KIM MINJUN" and "MINJUN KIM" both find 김민준.
            conditions += [Person.name_key == key, Person.name_key.startswith(key)]
            parts = [p for p in name.replace(",", " ").split() if p]
            if len(parts) > 1:
                rotated = latin_name_key(parts[-1], *parts[:-1])
                conditions.append(Person.name_key == rotated)
        query = query.where(or_(*conditions))
    if date_of_birth:
        query = query.where(Person.date_of_birth == date_of_birth)
    if passport_number:
        try:
            number = parse_passport(passport_number)
        except FieldError as exc:
            raise InvalidInput(exc.message) from None
        query = query.where(Person.passport_index == blind_index("passport", number))
    query = query.order_by(Person.family_name, Person.given_name, Person.id)
    return db.scalars(query.limit(limit).offset(offset)).all()


def search_as_typed(
    db: Session,
    actor: Actor,
    *,
    name: str = "",
    date_of_birth: str = "",
    passport_number: str = "",
    limit: int = 50,
) -> Sequence[Person]:
    """``search_persons`` with the values as a person typed them in a search form; a date
    that is not one is refused like any other bad value."""
    try:
        born = parse_date(date_of_birth)
    except FieldError as exc:
        raise InvalidInput(exc.message) from None
    return search_persons(
        db,
        actor,
        name=name.strip() or None,
        date_of_birth=born,
        passport_number=passport_number.strip() or None,
        limit=limit,
    )


def create_person(db: Session, actor: Actor, data: PersonCreate, *, reason: str) -> Person:
    actor.require(Permission.PERSON_WRITE, "person", "")
    return add_person(db, actor, data, reason=reason)


def add_person(db: Session, actor: Actor, data: PersonCreate, *, reason: str) -> Person:
    """A new person in the registry, audited; the caller has checked the actor may."""
    if not ((data.family_name and data.given_name) or data.family_name_hangul):
        raise InvalidInput(
            "person.name_missing",
            N_("A person needs a Latin family and given name, or a Hangul name."),
        )
    person = Person(
        **data.model_dump(),
        name_key=latin_name_key(data.family_name or "", data.given_name or ""),
        hangul_key=hangul_key(data.family_name_hangul, data.given_name_hangul),
    )
    person.name_keys = [PersonNameKey(key=key) for key in stored_name_keys(data.model_dump())]
    db.add(person)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.PERSON_CREATE,
        target_type="person",
        target_id=person.id,
        diff={**data.model_dump(exclude={"passport_number"}), "reason": reason},
    )
    return person


# --- registry import -------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_registry(
    db: Session,
    actor: Actor,
    table: Table,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import persons (and their deployments) from a registry file, all or nothing.

    Rows whose ``id`` is already in the registry update that person; new ids add persons.
    """
    actor.require(Permission.REGISTRY_IMPORT, "registry", "")
    report = ImportReport.start(table)
    previous = db.scalar(select(RegistryImport).where(RegistryImport.file_sha256 == table.sha256))
    if previous is not None:
        refuse_repeat(report, previous.imported_at, previous.imported_by)
    refuse_bad_rows(report, missing_registry_columns(table), skip_invalid=False, usable_rows=0)
    parsed, errors = parse_registry_rows(table)
    refuse_bad_rows(report, errors, skip_invalid=skip_invalid, usable_rows=len(parsed))
    _write_registry_rows(db, parsed, report, progress)
    report.status = "imported"
    db.add(
        RegistryImport(
            file_name=table.source,
            file_sha256=table.sha256,
            imported_by=actor.name,
            row_count=len(table.rows),
            report=report.model_dump(exclude={"errors"}),
        )
    )
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.REGISTRY_IMPORT,
        target_type="registry_import",
        target_id=table.sha256[:16],
        diff=report.model_dump(exclude={"errors"}) | {"error_count": len(errors)},
    )
    return report


def _write_registry_rows(
    db: Session, parsed: list[dict[str, Any]], report: ImportReport, progress: Progress | None
) -> None:
    refs = [p["registry_ref"] for p in parsed]
    existing = {ref: ident for ref, ident in _rows_in(db, Person.registry_ref, refs, Person.id)}
    employers = _employer_ids(db, {p["deployment"]["employer"] for p in parsed} - {""})
    found = _rows_in(
        db, Deployment.person_id, list(existing.values()), Deployment.employer_id, Deployment.id
    )
    plan = _RegistryWrites(existing, employers, {(p, e): ident for p, e, ident in found})
    done = 0
    new_keys: list[dict[str, Any]] = []
    with _bulk_insert(db, Person) as insert_persons:
        for chunk in _chunks(parsed, 2000):
            inserts = plan.new_persons(chunk)
            insert_persons(inserts)
            new_keys += (
                {"key": key, "person_id": p["id"]} for p in inserts for key in stored_name_keys(p)
            )
            report.new_persons += len(inserts)
            done += len(chunk)
            if progress is not None:
                progress(done)
    # After the new persons: their deployments and keys point at them (and a COPY holds the
    # connection).
    for rows in _chunks(plan.person_updates, 2000):
        db.execute(update(Person), rows)
    renamed = [row["id"] for row in plan.person_updates if row.keys() & set(NAME_FIELDS)]
    new_keys += _renew_name_keys(db, renamed)
    with _bulk_insert(db, PersonNameKey) as insert_keys:
        insert_keys(new_keys)
    with _bulk_insert(db, Deployment) as insert_deployments:
        insert_deployments(plan.new_deployments)
    if plan.deployment_updates:
        db.execute(update(Deployment), plan.deployment_updates)
    report.updated = len(plan.person_updates)
    report.imported = report.new_persons + report.updated
    if db.get_bind().dialect.name == "postgresql" and report.imported > ANALYZE_AFTER_ROWS:
        # Without statistics for the rows just loaded the planner can pick plans that take
        # minutes; autovacuum may be off or not yet have come round.
        for model in (Person, PersonNameKey, Deployment):
            db.execute(text(f"ANALYZE {_quoted(db, _table(model))}"))


def _renew_name_keys(db: Session, person_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Drop the name keys of persons whose names changed; return their new keys."""
    rows: list[dict[str, Any]] = []
    columns = [getattr(Person, field) for field in NAME_FIELDS]
    for chunk in _chunks(person_ids, 900):
        db.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(chunk)))
        for person in db.execute(select(Person.id, *columns).where(Person.id.in_(chunk))):
            rows += (
                {"key": key, "person_id": person.id} for key in stored_name_keys(person._mapping)
            )
    return rows


class _RegistryWrites:
    """The rows a registry file adds and changes, worked out from what is already stored."""

    def __init__(
        self,
        existing: dict[str | None, str],
        employers: dict[str, str],
        deployed: dict[tuple[str, str], str],
    ) -> None:
        self.existing = existing
        self.employers = employers
        self.deployed = deployed
        self.person_updates: list[dict[str, Any]] = []
        self.new_deployments: list[dict[str, Any]] = []
        self.deployment_updates: list[dict[str, Any]] = []

    def new_persons(self, chunk: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The chunk's persons to insert; its updates and deployments are kept for later."""
        inserts = []
        for person in chunk:
            deployment = person.pop("deployment")
            employer_id = self.employers.get(deployment.pop("employer"))
            person_id = self.existing.get(person["registry_ref"])
            if person_id is None:
                person_id = person["id"] = new_id()
                person["other_spellings"] = []
                inserts.append(person)
            else:
                self.person_updates.append({**_given(person), "id": person_id})
            if employer_id is not None:
                self._deploy(person_id, employer_id, deployment)
        return inserts

    def _deploy(self, person_id: str, employer_id: str, deployment: dict[str, Any]) -> None:
        known = self.deployed.get((person_id, employer_id))
        if known is None:
            self.deployed[(person_id, employer_id)] = ident = new_id()
            self.new_deployments.append(
                {
                    **deployment,
                    "id": ident,
                    "person_id": person_id,
                    "employer_id": employer_id,
                    "planned_activities": [],
                }
            )
        elif _given(deployment):
            self.deployment_updates.append({**_given(deployment), "id": known})


def _rows_in(
    db: Session, key: InstrumentedAttribute[Any], values: Sequence[Any], *others: Any
) -> list[Any]:
    """``key`` and ``others`` from the rows whose ``key`` is one of ``values``."""
    if not values:
        return []
    query = select(key, *others)
    stored = db.scalar(select(func.count()).select_from(key.class_)) or 0
    if stored <= len(values):
        # Reading the whole table at once beats looking up as many values, 900 at a time.
        wanted = set(values)
        return [row for row in db.execute(query) if row[0] in wanted]
    rows: list[Any] = []
    for chunk in _chunks(values, 900):
        rows += db.execute(query.where(key.in_(chunk))).all()
    return rows


@contextmanager
def _bulk_insert(
    db: Session, model: type[Person | PersonNameKey | Deployment]
) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """A function that inserts rows of ``model``; on PostgreSQL they all go into one COPY."""
    with ExitStack() as stack:
        writers: list[Callable[[dict[str, Any]], None]] = []

        def insert_rows(rows: list[dict[str, Any]]) -> None:
            if not rows:
                return
            if db.get_bind().dialect.name != "postgresql":
                db.execute(insert(model), rows)
                return
            if not writers:
                # One COPY, left open: the server stores rows while the next are prepared.
                writers.append(stack.enter_context(_copy_writer(db, model, rows[0].keys())))
            for row in rows:
                writers[0](row)

        yield insert_rows


@contextmanager
def _copy_writer(
    db: Session, model: type[Person | PersonNameKey | Deployment], keys: Iterable[str]
) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Write rows with PostgreSQL's COPY, with the values an ORM insert would give them.

    Columns the rows leave out get their Python-side default (one value for the whole COPY,
    so one timestamp), and every value goes through its type's bind processing, as in an INSERT.
    """
    # COPY bypasses the session: whatever it still holds must reach the database first.
    db.flush()
    table = _table(model)
    dialect = db.get_bind().dialect
    given = [c for c in table.columns if c.key in keys]
    defaulted = [c for c in table.columns if c.key not in keys and c.default is not None]
    fixed = [_copy_value(c, dialect, _default_value(c)) for c in defaulted]
    processors = [
        (position, process)
        for position, column in enumerate(given)
        if (process := _copy_processor(column, dialect)) is not None
    ]
    names = ", ".join(_quoted(db, c) for c in given + defaulted)
    driver = db.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor().copy(f"COPY {_quoted(db, table)} ({names}) FROM STDIN") as copy:

        def write(row: dict[str, Any]) -> None:
            values = [row[column.key] for column in given]
            for position, process in processors:
                values[position] = process(values[position])
            copy.write_row(values + fixed)

        yield write


def _copy_processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What an INSERT does to a value of this column before sending it, if anything."""
    if isinstance(column.type, JSON):
        # The text psycopg's Json wrapper (the ORM's way) would send, at a fraction of the cost.
        return json.dumps
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _copy_value(column: Column[Any], dialect: Dialect, value: Any) -> Any:
    process = _copy_processor(column, dialect)
    return value if process is None else process(value)


def _table(model: type[Person | PersonNameKey | Deployment]) -> SchemaTable:
    table = model.__table__
    assert isinstance(table, SchemaTable)
    return table


def _default_value(column: Column[Any]) -> Any:
    default = column.default
    if isinstance(default, CallableColumnDefault):
        # Our callable defaults (utcnow, list, new_id) ignore the execution context.
        return cast(Callable[[None], Any], default.arg)(None)
    if isinstance(default, ScalarElementColumnDefault):
        return default.arg
    raise TypeError(f"cannot COPY into {column}: unsupported default {default!r}")


def _quoted(db: Session, item: SchemaTable | Column[Any]) -> str:
    return db.get_bind().dialect.identifier_preparer.quote(item.name)


def _given(values: dict[str, Any]) -> dict[str, Any]:
    # An update only brings what the file says: a blank cell never erases what is known.
    return {key: value for key, value in values.items() if value not in (None, "")}


def _employer_ids(db: Session, names: set[str]) -> dict[str, str]:
    found = dict(
        db.execute(select(Employer.name, Employer.id).where(Employer.name.in_(names))).all()
    )
    for name in sorted(names - found.keys()):
        employer = Employer(name=name)
        db.add(employer)
        db.flush()
        found[name] = employer.id
    return found
