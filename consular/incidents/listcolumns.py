"""A list read by columns (``consular.columnar``) into records: ``parse_list`` at a million.

Each column's distinct values are checked once, not each cell: a million registry rows
write a few hundred birth dates, surnames and nationalities over and over. A row holding a
value that does not pass, an id used twice, no name, or name parts too long together is
read again by ``parse_list``'s own row reader, so its errors and warnings are the ones
``parse_list`` gives, word for word and in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from consular.columnar import Column, ColumnTable
from consular.fields import FieldError, RowError, limit_of
from consular.importing import DuplicateIds
from consular.incidents.listrows import (
    _RECORD_FIELDS,
    NAME_COLUMNS,
    ListRow,
    _parse_row,
    check_columns,
    list_parsers,
)
from consular.incidents.models import SourceRecord
from consular.matching.columns import RecordColumns
from consular.matching.normalize import split_full_name

__all__ = ["ListColumns", "parse_columns"]


@dataclass(frozen=True)
class ListColumns:
    """The rows kept, as records by field; what the rows hold that cannot be true; errors."""

    records: RecordColumns
    numbers: list[int]  # each record's row number
    warnings: list[RowError]  # in row order, as ``list_warnings`` gives them
    errors: list[RowError]  # in row order, as ``parse_list`` gives them


def parse_columns(
    table: ColumnTable, *, date_format: str, columns: dict[str, str], time_zone: str = "UTC"
) -> ListColumns:
    """``parse_list`` of the same file, read by ``consular.columnar.read_columns``."""
    header, errors = check_columns(columns)
    if errors:
        return ListColumns(RecordColumns(0, {"id": []}), [], [], errors)
    parsers = list_parsers(date_format, time_zone)
    values: dict[str, list[Any]] = {}
    distinct: dict[str, list[Any]] = {}
    again: set[int] = set()
    for field, column in header.items():
        distinct[field], values[field] = _parsed(table.cells[column], parsers[field], again)
    again |= _repeated_ids(table, header)
    again |= _too_long_together(table, header, values, distinct)
    again |= _nameless(table.length, [values[f] for f in NAME_COLUMNS if f in header])
    reread = _reread(table, sorted(again), header, parsers, errors)
    return _kept(table, header, values, reread, errors)


def _parsed(
    column: Column, parser: Callable[[str], Any], again: set[int]
) -> tuple[list[Any], list[Any]]:
    """The distinct values as ``parser`` reads them, and each row's; rows whose value does not
    pass go to ``again``."""
    read: list[Any] = []
    failed: set[int] = set()
    for index, value in enumerate(column.values):
        try:
            read.append(parser(value))
        except FieldError:
            read.append(None)
            failed.add(index)
    if column.codes is None:
        again |= failed
        return read, read
    if failed:
        again.update(row for row, code in enumerate(column.codes) if code in failed)
    return read, [read[code] for code in column.codes]


def _repeated_ids(table: ColumnTable, header: dict[str, str]) -> set[int]:
    if "id" not in header:
        return set()
    cells = table.cells[header["id"]].cells()
    if len(set(cells)) == len(cells):
        return set()
    repeated = {ident for ident, count in Counter(cells).items() if count > 1 and ident}
    return {row for row, ident in enumerate(cells) if ident in repeated}


def _too_long_together(
    table: ColumnTable,
    header: dict[str, str],
    values: dict[str, list[Any]],
    distinct: dict[str, list[Any]],
) -> set[int]:
    """Rows whose Hangul name parts, or the family part of a full name, are too long."""
    rows: set[int] = set()
    family, given = values.get("family_name_hangul"), values.get("given_name_hangul")
    most = limit_of(SourceRecord.full_name_hangul)
    longest = _longest(distinct.get("family_name_hangul", ())) + _longest(
        distinct.get("given_name_hangul", ())
    )
    if family is not None and given is not None and longest > most:
        rows.update(
            row
            for row, (f, g) in enumerate(zip(family, given, strict=True))
            if len(f or "") + len(g or "") > most
        )
    if "full_name" in header:
        column = table.cells[header["full_name"]]
        most = limit_of(SourceRecord.family_name)
        long = {i for i, v in enumerate(column.values) if len(split_full_name(v)[0]) > most}
        if long:
            codes = column.codes if column.codes is not None else range(table.length)
            rows.update(row for row, code in enumerate(codes) if code in long)
    return rows


def _longest(values: Sequence[str | None]) -> int:
    return max((len(value) for value in values if value), default=0)


def _nameless(length: int, names: list[list[Any]]) -> set[int]:
    if not names:
        return set(range(length))
    if any(all(column) for column in names):
        return set()
    return {row for row, written in enumerate(zip(*names, strict=True)) if not any(written)}


def _reread(
    table: ColumnTable,
    rows: list[int],
    header: dict[str, str],
    parsers: dict[str, Callable[[str], Any]],
    errors: list[RowError],
) -> dict[int, ListRow | None]:
    """The rows read again as ``parse_list`` reads them (``None``: refused)."""
    duplicates = DuplicateIds(header.get("id", "id"))
    reread: dict[int, ListRow | None] = {}
    for index in rows:
        row = table.row(index)
        start = len(errors)
        duplicate = duplicates.check(row.values.get(header.get("id", ""), "").strip(), row.number)
        if duplicate is not None:
            errors.append(duplicate)
        parsed = _parse_row(row, header, errors, parsers)
        reread[index] = parsed if parsed is not None and len(errors) == start else None
    return reread


def _kept(
    table: ColumnTable,
    header: dict[str, str],
    values: dict[str, list[Any]],
    reread: dict[int, ListRow | None],
    errors: list[RowError],
) -> ListColumns:
    length = table.length
    ids = values.get("id")
    fields: dict[str, list[Any]] = {
        "id": [ident or str(row + 2) for row, ident in enumerate(ids or [None] * length)]
    }
    for name in _RECORD_FIELDS:
        if name in values:
            fields[name] = values[name]
    if "employer" in values:
        fields["employers"] = [(e,) if e else () for e in values["employer"]]
    warnings: list[RowError] = []
    if reread:
        fields["written_birth_date"] = [None] * length
        for index, row in reread.items():
            if row is None:
                continue
            warnings.extend(row.warnings)
            for name, column in fields.items():
                column[index] = getattr(row.record, name)
    refused = {index for index, row in reread.items() if row is None}
    numbers = [index + 2 for index in range(length) if index not in refused]
    if refused:
        fields = {
            name: [v for i, v in enumerate(column) if i not in refused]
            for name, column in fields.items()
        }
    return ListColumns(RecordColumns(len(numbers), fields), numbers, warnings, errors)
