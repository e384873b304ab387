"""A large, plain CSV file read column by column, each column's distinct values once.

A registry of a million rows writes a few hundred birth dates, surnames and nationalities a
hundred thousand times over: read as rows of strings, every cell becomes an object of its
own and is checked on its own. Read here with pyarrow's CSV reader, a column keeps its
distinct values and, for each row, the number of its value.

Only a file that ``consular.tabular.read_table`` reads the same way row for row takes this
path: UTF-8, the header on the first line, one line per row, every row as wide as the
header, nothing beyond the limits. For any other file ``read_columns`` answers ``None``
and the caller reads it with ``read_table``, which reads it, or refuses it, as always.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consular.tabular import (
    _SNIFF_CHARS,
    _TEXT_DELIMITERS,
    Row,
    Table,
    TableError,
    TableLimits,
    _header_columns,
    _sniff_delimiter,
)

__all__ = ["Column", "ColumnTable", "read_columns"]

# Rows made for guessing a file's layout (``guess_columns`` and ``guess_date_format`` look at
# no more than the first 500).
HEAD_ROWS = 500
# A column with more distinct values than this share of the first rows is kept value by
# value (ids, passport numbers): numbering values that never repeat would cost for nothing.
_DISTINCT_SHARE = 0.95
_SAMPLE_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class Column:
    """One column's cells, stripped as ``read_table`` strips them.

    ``codes`` gives each row the index of its value in ``values`` (the distinct values);
    without ``codes``, ``values`` holds each row's own value.
    """

    values: list[str]
    codes: list[int] | None

    def cells(self) -> list[str]:
        """Each row's value."""
        if self.codes is None:
            return self.values
        values = self.values
        return [values[code] for code in self.codes]


@dataclass(frozen=True, slots=True)
class ColumnTable:
    """A sheet as columns: row ``i`` (from 0) is the file's line ``i + 2``, under the header."""

    source: str
    columns: tuple[str, ...]
    cells: dict[str, Column]
    length: int
    head: Table  # the first rows as ``read_table`` reads them, for guessing the layout

    def number(self, index: int) -> int:
        """The row number a spreadsheet program shows for row ``index``."""
        return index + 2

    def row(self, index: int) -> Row:
        """Row ``index`` as ``read_table`` would give it."""
        values = {}
        for name in self.columns:
            column = self.cells[name]
            values[name] = (
                column.values[index] if column.codes is None else column.values[column.codes[index]]
            )
        return Row(self.number(index), values)


def read_columns(path: str | Path, *, limits: TableLimits) -> ColumnTable | None:
    """Read a CSV (TSV, TXT) file by columns, or ``None`` when ``read_table`` must read it."""
    file_path = Path(path)
    delimiter = _TEXT_DELIMITERS.get(file_path.suffix.lower(), "")
    if delimiter == "" or not file_path.is_file():
        return None
    try:
        with file_path.open("rb") as file:
            data = file.read(limits.file_bytes.value + 1)
    except OSError:
        return None
    if not _plain(data, limits):
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if delimiter is None:
        head = data[: _SNIFF_CHARS * 4].decode("utf-8", errors="ignore")[:_SNIFF_CHARS]
        delimiter = _sniff_delimiter(head, len(data) > _SNIFF_CHARS)
    try:
        return _read(data, file_path.name, delimiter, limits)
    except (TableError, UnicodeDecodeError, csv.Error):
        return None


def _plain(data: bytes, limits: TableLimits) -> bool:
    """No blank line, no UTF-16 or binary, no lone carriage return, within the size limits."""
    return (
        len(data) <= min(limits.file_bytes.value, limits.uncompressed_bytes.value)
        and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\n", b"\r"))
        and b"\x00" not in data
        and b"\n\n" not in data
        and b"\n\r\n" not in data
        and data.count(b"\r") == data.count(b"\r\n")
    )


def _read(data: bytes, source: str, delimiter: str, limits: TableLimits) -> ColumnTable | None:
    import pyarrow as pa  # heavy: only for the files read here
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8")
    if '"' in first:
        return None  # a quoted header may span lines
    (header,) = list(csv.reader([first], delimiter=delimiter))
    header = [cell.strip() for cell in header]
    if not any(header) or len(header) > limits.columns.value:
        return None
    columns = _header_columns(list(header), source, None, 1)
    lines = pc.list_flatten(pc.split_pattern(pa.array([data], pa.large_binary()), b"\n"))
    if data.endswith(b"\n"):
        lines = lines.slice(0, len(lines) - 1)
    if len(lines) - 1 > limits.rows.value or len(lines) < 2:
        return None
    if pc.max(pc.binary_length(lines)).as_py() > limits.line_chars:
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        read = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if read.num_rows != len(lines) - 1:
        return None  # a quoted cell spans lines
    raw = [read.column(i).combine_chunks() for i in range(len(header))]
    if not _quoted_lines_agree(lines, raw, delimiter):
        return None
    cells = {name: _column(raw[i], pa, pc) for i, name in enumerate(columns)}
    for extra in raw[len(columns) :]:
        if any(_column(extra, pa, pc).values):
            return None  # cells beyond the header: read_table names the row
    if not _within(cells.values(), limits) or _blank_row(list(cells.values()), read.num_rows):
        return None
    table = ColumnTable(source, columns, cells, read.num_rows, Table(source, columns, (), ""))
    shown = tuple(table.row(i) for i in range(min(HEAD_ROWS, read.num_rows)))
    return ColumnTable(source, columns, cells, read.num_rows, Table(source, columns, shown, ""))


def _quoted_lines_agree(lines: Any, raw: list[Any], delimiter: str) -> bool:
    """Each line with a quote in it reads as the ``csv`` module reads it."""
    import pyarrow.compute as pc

    quoted = pc.indices_nonzero(pc.match_substring(lines.cast("large_string"), '"')).to_pylist()
    for index in quoted:
        if index == 0:
            continue
        text = lines[index].as_py().decode("utf-8")
        (expected,) = list(csv.reader([text], delimiter=delimiter))
        if expected != [column[index - 1].as_py() for column in raw]:
            return False
    return True


def _column(array: Any, pa: Any, pc: Any) -> Column:
    sample = array.slice(0, _SAMPLE_ROWS)
    if len(sample) and pc.count_distinct(sample).as_py() > _DISTINCT_SHARE * len(sample):
        return Column([value.strip() for value in array.to_pylist()], None)
    encoded = pc.dictionary_encode(array)
    values = [value.strip() for value in encoded.dictionary.to_pylist()]
    return Column(values, encoded.indices.to_pylist())


def _within(columns: Sequence[Column] | Any, limits: TableLimits) -> bool:
    longest = limits.cell_chars.value
    return all(not column.values or max(map(len, column.values)) <= longest for column in columns)


def _blank_row(columns: list[Column], length: int) -> bool:
    """Whether some row is blank in every column (``read_table`` leaves it out)."""
    blank: set[int] | None = None
    for column in columns:
        if column.codes is None:
            rows = {i for i, value in enumerate(column.values) if not value}
        else:
            empty = {code for code, value in enumerate(column.values) if not value}
            rows = {i for i, code in enumerate(column.codes) if code in empty} if empty else set()
        blank = rows if blank is None else blank & rows
        if not blank:
            return False
    return bool(blank) and length > 0
