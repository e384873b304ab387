"""Reading the rows of a source list (host authority, employer, family, interview) into records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from consular.fields import (
    FieldError,
    RowError,
    parse_country,
    parse_date,
    parse_datetime,
    parse_passport,
    parse_sex,
)
from consular.importing import DuplicateIds
from consular.incidents.models import SourceList, SourceRecord
from consular.matching import PersonRecord
from consular.matching.normalize import hangul_name_key, record_name_keys, split_full_name
from consular.tabular import Table

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
    "last_name": "family_name",
    "surname": "family_name",
    "first_name": "given_name",
    "name": "full_name",
    "detention_facility": "facility",
    "arrest_time": "arrested_at",
    "list_id": "id",
    "row_id": "id",
}


@dataclass(frozen=True)
class ListRow:
    row_number: int
    raw: dict[str, str]
    record: PersonRecord
    facility: str | None
    host_identifier: str | None
    arrested_at: datetime | None

    @property
    def name_keys(self) -> set[str]:
        return record_name_keys(self.record)

    @property
    def hangul_key(self) -> str | None:
        return hangul_name_key(self.record)

    def to_source_record(self, source: SourceList) -> SourceRecord:
        family, given = self.record.family_name, self.record.given_name
        if not (family or given) and self.record.full_name:
            family, given = split_full_name(self.record.full_name)
        return SourceRecord(
            source_list_id=source.id,
            incident_id=source.incident_id,
            row_number=self.row_number,
            raw=self.raw,
            family_name=(family or None),
            given_name=(given or None),
            full_name_hangul=self.hangul_key,
            date_of_birth=self.record.date_of_birth,
            sex=self.record.sex,
            nationality=self.record.nationality,
            passport_number=self.record.passport_number,
            facility=self.facility,
            host_identifier=self.host_identifier,
            arrested_at=self.arrested_at,
            decision="pending",
            candidates=[],
        )


def _canonical(values: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column, value in values.items():
        out.setdefault(ALIASES.get(column, column), value)
    return out


def parse_list(
    table: Table, *, date_format: str = "%Y-%m-%d", time_zone: str = "UTC"
) -> tuple[list[ListRow], list[RowError]]:
    """Every row as a record, and every error by row and column."""
    columns = {ALIASES.get(c, c) for c in table.columns}
    if not columns & set(NAME_COLUMNS):
        return [], [
            RowError(
                1,
                "full_name",
                "no name column: give full_name, family_name and "
                "given_name, or the Hangul name columns",
            )
        ]
    rows: list[ListRow] = []
    errors: list[RowError] = []
    duplicates = DuplicateIds()
    for row in table.rows:
        values = _canonical(row.values)
        start = len(errors)

        def field(
            column: str,
            parse: Callable[[str], Any],
            values: dict[str, str] = values,
            number: int = row.number,
        ) -> Any:
            try:
                return parse(values.get(column, ""))
            except FieldError as exc:
                errors.append(RowError(number, column, str(exc)))
                return None

        def text(column: str, values: dict[str, str] = values) -> str | None:
            return values.get(column, "").strip() or None

        duplicate = duplicates.check(text("id") or "", row.number)
        if duplicate is not None:
            errors.append(duplicate)
        ident = text("id") or str(row.number)
        hangul_full = text("full_name_hangul")
        record = PersonRecord(
            id=ident,
            family_name=text("family_name"),
            given_name=text("given_name"),
            family_name_hangul=text("family_name_hangul"),
            given_name_hangul=text("given_name_hangul"),
            full_name=text("full_name"),
            full_name_hangul=hangul_full,
            date_of_birth=field("date_of_birth", lambda v: parse_date(v, date_format)),
            sex=field("sex", parse_sex),
            passport_number=field("passport_number", parse_passport),
            nationality=field("nationality", parse_country),
            country_of_birth=field("country_of_birth", parse_country),
        )
        if not any(text(c) for c in NAME_COLUMNS):
            errors.append(RowError(row.number, "full_name", "no name on this row"))
        arrested = field("arrested_at", lambda v: parse_datetime(v, time_zone))
        if len(errors) > start:
            continue
        rows.append(
            ListRow(
                row_number=row.number,
                raw=dict(row.values),
                record=record,
                facility=text("facility"),
                host_identifier=text("host_identifier"),
                arrested_at=arrested,
            )
        )
    return rows, errors
