"""Reading the rows of a source list (host authority, employer, family, interview) into records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from consular.db import new_id, with_blind_indexes
from consular.errors import InvalidInput
from consular.fields import (
    DoubtfulValue,
    FieldError,
    RowError,
    check_length,
    field_label,
    limit_of,
    parse_birth_date,
    parse_country,
    parse_datetime,
    parse_hangul_full_name,
    parse_hangul_name,
    parse_passport,
    parse_sex,
    parse_text,
)
from consular.i18n import N_
from consular.i18n.message import Message
from consular.importing import DuplicateIds
from consular.incidents.models import SourceList, SourceRecord
from consular.matching import PersonRecord, name_keys
from consular.matching.normalize import hangul_name_key, record_name_keys, split_full_name
from consular.registry.models import Person
from consular.tabular import Row, Table, normalize_column

NAME_COLUMNS = (
    "family_name",
    "given_name",
    "full_name",
    "family_name_hangul",
    "given_name_hangul",
    "full_name_hangul",
)
# Other names people give the same column.
ALIASES = {
    "a_number": "host_identifier",
    "alien_number": "host_identifier",
    "anumber": "host_identifier",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "passport": "passport_number",
    "passport_no": "passport_number",
    "gender": "sex",
    "citizenship": "nationality",
    "country_of_citizenship": "nationality",
    "citizenship_country": "nationality",
    "country_of_nationality": "nationality",
    "birth_country": "country_of_birth",
    "place_of_birth": "country_of_birth",
    "last_name": "family_name",
    "surname": "family_name",
    "first_name": "given_name",
    "name": "full_name",
    "detention_facility": "facility",
    "facility_name": "facility",
    "current_facility": "facility",
    "arrest_time": "arrested_at",
    "list_id": "id",
    "home_address": "address",
    "postal_code": "postcode",
    "post_code": "postcode",
    "zip": "postcode",
    "zip_code": "postcode",
    "row_id": "id",
    "company": "employer",
    "company_name": "employer",
    "employer_name": "employer",
}


@dataclass(frozen=True)
class ListRow:
    row_number: int
    raw: dict[str, str]
    record: PersonRecord
    facility: str | None
    host_identifier: str | None
    arrested_at: datetime | None
    # Values that cannot be true, left out of the record and kept as written in ``raw``.
    warnings: tuple[RowError, ...] = ()

    @property
    def name_keys(self) -> set[str]:
        return record_name_keys(self.record)

    @property
    def match_keys(self) -> set[str]:
        """Spelling-insensitive name keys, as stored with registry persons."""
        return name_keys(self.record, as_list_row=True)

    @property
    def hangul_key(self) -> str | None:
        return hangul_name_key(self.record)

    def source_record(self, source: SourceList) -> dict[str, Any]:
        """The row's ``SourceRecord`` columns, blind indexes included, for a bulk insert."""
        family, given = self.record.family_name, self.record.given_name
        if not (family or given) and self.record.full_name:
            family, given = split_full_name(self.record.full_name)
        return with_blind_indexes(
            SourceRecord,
            {
                "id": new_id(),
                "source_list_id": source.id,
                "incident_id": source.incident_id,
                "row_number": self.row_number,
                "raw": self.raw,
                "family_name": family or None,
                "given_name": given or None,
                "full_name_hangul": self.hangul_key,
                "date_of_birth": self.record.date_of_birth,
                "sex": self.record.sex,
                "nationality": self.record.nationality,
                "passport_number": self.record.passport_number,
                "facility": self.facility,
                "host_identifier": self.host_identifier,
                "arrested_at": self.arrested_at,
                "decision": "pending",
                "person_id": None,
                "case_id": None,
                "score": None,
                "candidates": [],
            },
        )


# Every field a list row can fill, in the order the import wizard offers them.
FIELDS = (
    "id",
    "full_name",
    "family_name",
    "given_name",
    "full_name_hangul",
    "family_name_hangul",
    "given_name_hangul",
    "date_of_birth",
    "sex",
    "nationality",
    "country_of_birth",
    "passport_number",
    "facility",
    "host_identifier",
    "arrested_at",
    "address",
    "postcode",
    "employer",
)
# Headers as Korean employers and families write them.
KOREAN_ALIASES = {
    "번호": "id",
    "성명": "full_name_hangul",
    "이름": "full_name_hangul",
    "한글성명": "full_name_hangul",
    "성": "family_name_hangul",
    "영문성명": "full_name",
    "영문이름": "full_name",
    "생년월일": "date_of_birth",
    "성별": "sex",
    "국적": "nationality",
    "여권번호": "passport_number",
    "구금시설": "facility",
    "시설": "facility",
    "주소": "address",
    "우편번호": "postcode",
    "한글이름": "full_name_hangul",
    "영문성": "family_name",
    "생일": "date_of_birth",
    "출생일": "date_of_birth",
    "여권": "passport_number",
    "수용시설": "facility",
    "a번호": "host_identifier",
    "외국인번호": "host_identifier",
    "체포일시": "arrested_at",
    "출생국": "country_of_birth",
    "회사": "employer",
    "회사명": "employer",
    "소속": "employer",
    "고용주": "employer",
}
_LATIN_TWIN = {
    "full_name_hangul": "full_name",
    "family_name_hangul": "family_name",
    "given_name_hangul": "given_name",
}
_HANGUL_TWIN = {latin: hangul for hangul, latin in _LATIN_TWIN.items()}
_NOT_LETTERS = re.compile(r"[^0-9a-z가-힣]")


def _compact(column: str) -> str:
    return _NOT_LETTERS.sub("", column.lower())


_GUESSES = {
    _compact(name): field
    for name, field in [
        *((f, f) for f in FIELDS),
        *ALIASES.items(),
        *KOREAN_ALIASES.items(),
    ]
}


def _mostly_hangul(values: list[str]) -> bool:
    filled = [v for v in values if v.strip()]
    hangul = sum(1 for v in filled if any("가" <= ch <= "힣" for ch in v))
    return bool(filled) and hangul * 2 > len(filled)


def guess_columns(table: Table) -> dict[str, str]:
    """Each of the file's columns with the field it probably holds ("" for none).

    A header that is a field's own name holds that field. Other header names next (English,
    Korean and common other names, punctuation ignored), then the values: a name column
    written in Hangul is the Hangul name, and the other way round. The first column to
    claim a field keeps it.
    """
    guessed: dict[str, str] = {}
    taken = {column for column in table.columns if column in FIELDS}
    sample = table.rows[:200]
    for column in table.columns:
        if column in FIELDS:
            guessed[column] = column
            continue
        field = _GUESSES.get(_compact(column), "")
        if field in _LATIN_TWIN or field in _HANGUL_TWIN:
            hangul = _mostly_hangul([row.values.get(column, "") for row in sample])
            if hangul and field in _HANGUL_TWIN:
                field = _HANGUL_TWIN[field]
            elif not hangul and field in _LATIN_TWIN and sample:
                field = _LATIN_TWIN[field]
        if field in taken:
            field = ""
        taken.add(field)
        guessed[column] = field
    return guessed


def read_columns_option(text: str) -> dict[str, str]:
    """``"Country of Citizenship=nationality,Booking Date="`` as {column: field}; an empty
    field leaves the column unused. Column names are compared as the file's header is read."""
    chosen: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        column, equals, field = part.partition("=")
        if not equals or not column.strip():
            raise InvalidInput(
                "columns.not_column_field",
                N_("columns: “%(part)s” is not COLUMN=FIELD."),
                part=part.strip(),
            )
        chosen[normalize_column(column)] = field.strip().lower()
    return chosen


@dataclass(frozen=True)
class ListLayout:
    """How a list is read: the field each of its columns holds, and how its dates are written."""

    columns: dict[str, str]  # each of the file's columns with its field ("" for not used)
    date_format: str

    @property
    def unused(self) -> list[str]:
        return [column for column, field in self.columns.items() if not field]


def list_layout(
    table: Table, *, columns: dict[str, str] | None = None, date_format: str | None = None
) -> ListLayout:
    """The columns as ``guess_columns`` reads them with ``columns`` chosen over the guesses,
    and ``date_format`` or else the format that reads the birth dates (``guess_date_format``).
    """
    chosen = guess_columns(table)
    overrides = columns or {}
    for column, field in overrides.items():
        if column not in chosen:
            raise InvalidInput(
                "columns.no_such_column",
                N_("columns: %(file)s has no column “%(column)s” (it has %(columns)s)."),
                file=table.source,
                column=column,
                columns=", ".join(chosen),
            )
        if field and field not in FIELDS:
            raise InvalidInput(
                "columns.unknown_field",
                N_("columns: “%(field)s” (for “%(column)s”) is not a field; use %(fields)s."),
                field=field,
                column=column,
                fields=", ".join(FIELDS),
            )
    claimed = {field for field in overrides.values() if field}
    for column, field in chosen.items():
        if column not in overrides and field in claimed:
            chosen[column] = ""  # the field chosen for another column is that column's
    chosen.update(overrides)
    born = next((column for column, field in chosen.items() if field == "date_of_birth"), None)
    return ListLayout(chosen, date_format or guess_date_format(table, born))


def check_columns(columns: dict[str, str]) -> tuple[dict[str, str], list[RowError]]:
    """Each field with the file's column that holds it, and what is wrong with the choice.

    ``columns`` gives each of the file's columns the field it holds ("" for none). An error
    names the file's column as its header reads (no column when none was chosen for a name).
    """
    header: dict[str, str] = {}
    errors: list[RowError] = []
    for column, field in columns.items():
        if not field:
            continue
        if field not in FIELDS:
            said = Message(
                "columns.not_a_field",
                N_("“%(field)s” is not a field a list holds."),
                field=field,
            )
            errors.append(RowError(1, column, said))
        elif field in header:
            said = Message(
                "columns.same_field",
                N_("holds %(field)s, as column “%(column)s” does: keep one of them."),
                field=field_label(field),
                column=header[field],
            )
            errors.append(RowError(1, column, said))
        else:
            header[field] = column
    if not header.keys() & set(NAME_COLUMNS):
        said = Message(
            "columns.no_name",
            N_(
                "No name column: choose a column for the full name, or for the family and given "
                "names."
            ),
        )
        errors.append(RowError(1, "", said))
    return header, errors


# Date formats the wizard offers, in the order a tie is settled.
DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%m/%d/%Y", "%d/%m/%Y", "%Y%m%d")


def guess_date_format(table: Table, column: str | None) -> str:
    """The offered format that reads the most of the column's dates (ISO on a tie)."""
    if column is None:
        return DATE_FORMATS[0]
    values = [v for row in table.rows[:500] if (v := row.values.get(column, "").strip())]

    def reads(fmt: str) -> int:
        count = 0
        for value in values:
            try:
                datetime.strptime(value, fmt)
            except ValueError:
                continue
            count += 1
        return count

    return max(DATE_FORMATS, key=lambda fmt: (reads(fmt), -DATE_FORMATS.index(fmt)))


def parse_list(
    table: Table,
    *,
    date_format: str | None = None,
    time_zone: str = "UTC",
    columns: dict[str, str] | None = None,
) -> tuple[list[ListRow], list[RowError]]:
    """Every row as a record, and every error by row and the file's own column name.

    A value that cannot be true (a birth date in the future or on 30 February, a sex code
    outside the set) is no error: the row keeps it in ``warnings`` (see ``list_warnings``).

    ``columns`` says which field each of the file's columns holds (see ``check_columns``),
    ``date_format`` how its dates are written; without them ``list_layout`` guesses them.
    """
    if columns is None or date_format is None:
        layout = list_layout(table)
        columns = layout.columns if columns is None else columns
        date_format = layout.date_format if date_format is None else date_format
    header, errors = check_columns(columns)
    if errors:
        return [], errors
    duplicates = DuplicateIds(header.get("id", "id"))
    parsers = list_parsers(date_format, time_zone)
    rows = []
    for row in table.rows:
        start = len(errors)
        duplicate = duplicates.check(row.values.get(header.get("id", ""), "").strip(), row.number)
        if duplicate is not None:
            errors.append(duplicate)
        parsed = _parse_row(row, header, errors, parsers)
        if parsed is not None and len(errors) == start:
            rows.append(parsed)
    return rows, errors


# Fields kept only in the row as read (no column of their own), bounded all the same.
_RAW_ONLY = {"id": 64, "address": 500, "postcode": 20, "employer": 200}


def _line(limit: int) -> Callable[[str], str | None]:
    return lambda value: parse_text(value, limit) or None


def list_parsers(date_format: str, time_zone: str) -> dict[str, Callable[[str], Any]]:
    """How each field of a list row is read, bounded by the column it is stored in."""
    full_hangul = limit_of(SourceRecord.full_name_hangul)
    family_hangul = limit_of(Person.family_name_hangul)
    given_hangul = limit_of(Person.given_name_hangul)
    return {
        "id": _line(_RAW_ONLY["id"]),
        "family_name": _line(limit_of(SourceRecord.family_name)),
        "given_name": _line(limit_of(SourceRecord.given_name)),
        # Split when stored; its family part is checked on its own (_check_combined_names).
        "full_name": _line(limit_of(SourceRecord.given_name)),
        "family_name_hangul": lambda v: parse_hangul_name(v, family_hangul),
        "given_name_hangul": lambda v: parse_hangul_name(v, given_hangul),
        "full_name_hangul": lambda v: parse_hangul_full_name(v, full_hangul),
        "date_of_birth": lambda v: parse_birth_date(v, date_format),
        "sex": parse_sex,
        "passport_number": parse_passport,
        "nationality": parse_country,
        "country_of_birth": parse_country,
        "facility": _line(limit_of(SourceRecord.facility)),
        "host_identifier": _line(limit_of(SourceRecord.host_identifier)),
        "arrested_at": lambda v: parse_datetime(v, time_zone),
        "address": _line(_RAW_ONLY["address"]),
        "postcode": _line(_RAW_ONLY["postcode"]),
        "employer": _line(_RAW_ONLY["employer"]),
    }


def _parse_row(
    row: Row,
    header: dict[str, str],
    errors: list[RowError],
    parsers: dict[str, Callable[[str], Any]],
) -> ListRow | None:
    start = len(errors)
    warnings: list[RowError] = []
    written_birth: list[str] = []

    def field(name: str) -> Any:
        column = header.get(name, name)
        try:
            return parsers[name](row.values.get(column, "") if name in header else "")
        except DoubtfulValue as exc:
            # A list cannot be corrected by the consulate: the row is kept without the value.
            warnings.append(RowError(row.number, column, exc.message))
            if name == "date_of_birth" and exc.written:
                written_birth.append(exc.written)
            return None
        except FieldError as exc:
            errors.append(RowError(row.number, column, exc.message))
            return None

    values = {name: field(name) for name in FIELDS}
    _check_combined_names(values, header, row.number, errors)
    record = PersonRecord(
        id=values["id"] or str(row.number),
        **{name: values[name] for name in _RECORD_FIELDS},
        written_birth_date=written_birth[0] if written_birth else None,
        employers=(values["employer"],) if values["employer"] else (),
    )
    named = any(values[c] for c in NAME_COLUMNS)
    name_columns = [header[name] for name in NAME_COLUMNS if name in header]
    if not named and not any(e.column in name_columns for e in errors[start:]):
        said = Message("row.no_name", N_("No name: the row's name columns are empty."))
        errors.append(RowError(row.number, name_columns[0], said))
    if len(errors) > start:
        return None
    return ListRow(
        row_number=row.number,
        raw=dict(row.values),
        record=record,
        facility=values["facility"],
        host_identifier=values["host_identifier"],
        arrested_at=values["arrested_at"],
        warnings=tuple(warnings),
    )


def list_warnings(rows: list[ListRow]) -> list[RowError]:
    """What the kept rows hold that cannot be true, by row and the file's own column."""
    return [warning for row in rows for warning in row.warnings]


_RECORD_FIELDS = (
    *NAME_COLUMNS,
    "date_of_birth",
    "sex",
    "passport_number",
    "nationality",
    "country_of_birth",
    "address",
    "postcode",
)


def _check_combined_names(
    values: dict[str, Any], header: dict[str, str], row: int, errors: list[RowError]
) -> None:
    """The parts a stored name is made of fit its column together, not only one by one."""
    hangul = (values["family_name_hangul"] or "") + (values["given_name_hangul"] or "")
    try:
        check_length(hangul, limit_of(SourceRecord.full_name_hangul))
    except FieldError as exc:
        # Only a name that was read is this long, so one of its columns was chosen.
        column = header.get("given_name_hangul") or header["family_name_hangul"]
        errors.append(RowError(row, column, exc.message))
    if values["full_name"] and not (values["family_name"] or values["given_name"]):
        family, _ = split_full_name(values["full_name"])
        most = limit_of(SourceRecord.family_name)
        if len(family) > most:
            said = Message(
                "row.family_name_too_long",
                N_("The family name has %(count)s characters, more than the %(limit)s allowed."),
                count=f"{len(family):,}",
                limit=f"{most:,}",
            )
            errors.append(RowError(row, header["full_name"], said))
