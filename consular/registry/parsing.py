"""Reading a registry file: its columns, each cell parsed within its column's bounds, and
each row checked for what a person in the registry needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from consular.db import with_blind_indexes
from consular.fields import (
    FieldError,
    RowError,
    limit_of,
    parse_birth_date,
    parse_contact,
    parse_country,
    parse_date,
    parse_hangul_name,
    parse_passport,
    parse_sex,
    parse_text,
)
from consular.i18n import N_
from consular.i18n.message import Message
from consular.importing import DuplicateIds, missing_columns
from consular.matching.normalize import latin_name_key
from consular.phones import parse_phone
from consular.registry.models import Deployment, Employer, Person
from consular.tabular import Row, Table

REGISTRY_NAME_COLUMNS = (
    ("family_name", "given_name"),
    ("family_name_hangul", "given_name_hangul"),
)
ENTRY_STATUSES = frozenset({"esta", "b1", "b2", "b1b2", "e2", "l1", "h1b", "h2b", "ead", "none"})
NAME_FIELDS = ("family_name", "given_name", "family_name_hangul", "given_name_hangul")
# What a deployment keeps of its worker as named to the consulate (its worker_* columns).
WORKER_FIELDS = (*NAME_FIELDS, "sex", "date_of_birth", "nationality", "passport_number")


def hangul_key(family: str | None, given: str | None) -> str:
    return "".join((family or "") + (given or "")).replace(" ", "")


def missing_registry_columns(table: Table) -> list[RowError]:
    """The columns a registry file needs and lacks, each as an error on its header row."""
    errors = missing_columns(
        [c for c in ("id", "date_of_birth", "nationality") if c not in table.columns]
    )
    if not any(all(c in table.columns for c in pair) for pair in REGISTRY_NAME_COLUMNS):
        said = Message(
            "registry.no_name_columns",
            N_(
                "No name columns: the file needs family_name and given_name, or the Hangul pair "
                "family_name_hangul and given_name_hangul."
            ),
        )
        errors.append(RowError(1, "family_name, given_name", said))
    return errors


def _text(attribute: Any, *, upper: bool = False) -> Callable[[str], str | None]:
    """One line of text bounded by the column it goes into; ``None`` for an empty cell."""
    limit = limit_of(attribute)
    if upper:
        return lambda value: parse_text(value, limit).upper() or None
    return lambda value: parse_text(value, limit) or None


def _contact(attribute: Any) -> Callable[[str], str]:
    limit = limit_of(attribute)
    return lambda value: parse_contact(value, limit)


def _phone(attribute: Any) -> Callable[[str], str]:
    """A phone in E.164 (a Korean number written as dialled in Korea); one that cannot be
    a number is refused with the reason."""
    limit = limit_of(attribute)
    return lambda value: parse_phone(parse_contact(value, limit))


def _hangul(attribute: Any) -> Callable[[str], str | None]:
    limit = limit_of(attribute)
    return lambda value: parse_hangul_name(value, limit)


def registry_parsers() -> dict[str, Callable[[str], Any]]:
    """How each column of a registry file is read, bounded by the column it is stored in."""
    return {
        "id": _text(Person.registry_ref),
        "family_name": _text(Person.family_name, upper=True),
        "given_name": _text(Person.given_name, upper=True),
        "family_name_hangul": _hangul(Person.family_name_hangul),
        "given_name_hangul": _hangul(Person.given_name_hangul),
        "date_of_birth": parse_birth_date,
        "nationality": parse_country,
        "sex": parse_sex,
        "passport_number": parse_passport,
        "phone": _phone(Person.phone),
        "email": _contact(Person.email),
        "employer": _text(Employer.name),
        "worksite": _text(Deployment.worksite),
        "role": _text(Deployment.role),
        "entry_date": parse_date,
        "planned_end": parse_date,
    }


def parse_registry_rows(table: Table) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The persons (each with its ``deployment``) of the file's valid rows, and the errors
    of the others, an id given twice among them."""
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    duplicates = DuplicateIds()
    parsers = registry_parsers()
    for row in table.rows:
        person = _parse_registry_row(row, errors, parsers)
        duplicate = duplicates.check(row.values.get("id", "").strip(), row.number)
        if duplicate is not None:
            errors.append(duplicate)
        elif person is not None:
            parsed.append(person)
    return parsed, errors


def _parse_registry_row(
    row: Row, errors: list[RowError], parsers: Mapping[str, Callable[[str], Any]]
) -> dict[str, Any] | None:
    values = row.values
    start = len(errors)

    def field(column: str) -> Any:
        try:
            return parsers[column](values.get(column, ""))
        except FieldError as exc:
            errors.append(RowError(row.number, column, exc.message))
            return None

    person: dict[str, Any] = {
        "registry_ref": field("id") or "",
        **{
            column: field(column)
            for column in (*NAME_FIELDS, "date_of_birth", "nationality", "sex", "passport_number")
        },
        "phone": field("phone") or "",
        "email": field("email") or "",
    }
    _require_identity(row, person, errors, start)
    status = _entry_status(row, errors)
    deployment = {
        "employer": field("employer") or "",
        "worksite": field("worksite") or "",
        "role": field("role") or "",
        "entry_status": status,
        "entry_date": field("entry_date"),
        "planned_end": field("planned_end"),
        **{f"worker_{name}": person[name] for name in WORKER_FIELDS},
    }
    if len(errors) > start:
        return None
    return _with_keys(person, deployment)


def _require_identity(row: Row, person: dict[str, Any], errors: list[RowError], start: int) -> None:
    """An id, a date of birth, a nationality and a name, unless the row's errors from
    ``start`` on already say why one is missing."""
    empty = Message("cell.empty", N_("Empty."))
    for column, value in (
        ("id", person["registry_ref"]),
        ("date_of_birth", person["date_of_birth"]),
        ("nationality", person["nationality"]),
    ):
        if not value and not any(e.column == column for e in errors[start:]):
            errors.append(RowError(row.number, column, empty))
    named = (person["family_name"] and person["given_name"]) or person["family_name_hangul"]
    if not named and not any(e.column in NAME_FIELDS for e in errors[start:]):
        said = Message("registry.no_name", N_("No name: give the Latin or the Hangul name."))
        errors.append(RowError(row.number, "family_name", said))


def _entry_status(row: Row, errors: list[RowError]) -> str | None:
    """The row's entry status as a known code, if it gives one."""
    # "B-1/B-2", "b1 b2" and "B1B2" are one status.
    status = "".join(ch for ch in row.values.get("entry_status", "").lower() if ch.isalnum())
    if status and status not in ENTRY_STATUSES:
        said = Message(
            "registry.unknown_entry_status",
            N_("“%(value)s” is not a known code (use one of: %(choices)s)."),
            value=status,
            choices=", ".join(sorted(ENTRY_STATUSES)),
        )
        errors.append(RowError(row.number, "entry_status", said))
    return status or None


def _with_keys(person: dict[str, Any], deployment: dict[str, Any]) -> dict[str, Any]:
    """The person as written: blind indexes, name keys, and the deployment beside."""
    with_blind_indexes(Person, person)
    with_blind_indexes(Deployment, deployment)
    person["name_key"] = latin_name_key(person["family_name"] or "", person["given_name"] or "")
    person["hangul_key"] = hangul_key(person["family_name_hangul"], person["given_name_hangul"])
    person["deployment"] = deployment
    return person
