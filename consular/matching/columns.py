"""Records held field by field: a registry of a million without a million record objects.

The index reads a registry column by column (every birth date, every passport number); a
whole ``PersonRecord`` is made only for a row that becomes a candidate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any, overload

from consular.matching.records import PersonRecord

FIELDS = tuple(field.name for field in dataclasses.fields(PersonRecord))
_DEFAULTS = {
    field.name: field.default
    for field in dataclasses.fields(PersonRecord)
    if field.default is not dataclasses.MISSING
}


class RecordColumns(Sequence[PersonRecord]):
    """A sequence of records stored as one list of values per ``PersonRecord`` field.

    A field left out holds its default in every row. Equal to the records it stands for:
    ``RecordColumns(...)[i]`` is the ``PersonRecord`` of row ``i``.
    """

    __slots__ = ("_columns", "_length", "_read")

    def __init__(self, length: int, columns: Mapping[str, Sequence[Any]]) -> None:
        if "id" not in columns:
            raise ValueError("records need an id")
        for name, values in columns.items():
            if name not in _DEFAULTS and name != "id":
                raise ValueError(f"PersonRecord has no field {name!r}")
            if len(values) != length:
                raise ValueError(f"{name}: {len(values)} values for {length} records")
        self._length = length
        self._columns = {name: columns[name] for name in FIELDS if name in columns}
        # Every field in order, a column or its default: a record is made positionally.
        self._read: list[tuple[Sequence[Any] | None, Any]] = [
            (columns.get(name), _DEFAULTS.get(name)) for name in FIELDS
        ]

    @classmethod
    def of(cls, records: Sequence[PersonRecord]) -> RecordColumns:
        """The records' fields as columns (fields every record leaves at the default, left out)."""
        columns: dict[str, Sequence[Any]] = {}
        for name in FIELDS:
            values = list(map(attrgetter(name), records))
            if name == "id" or values.count(_DEFAULTS[name]) != len(values):
                columns[name] = values
        return cls(len(records), columns)

    def column(self, name: str) -> Sequence[Any] | None:
        """Every row's value of the field, or ``None`` when every row holds the default."""
        return self._columns.get(name)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> PersonRecord: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[PersonRecord]: ...

    def __getitem__(self, index: int | slice) -> PersonRecord | Sequence[PersonRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return PersonRecord(
            *[default if values is None else values[index] for values, default in self._read]
        )

    def __iter__(self) -> Iterator[PersonRecord]:
        names = list(self._columns)
        for values in zip(*self._columns.values(), strict=True):
            yield PersonRecord(**dict(zip(names, values, strict=True)))
