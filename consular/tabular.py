"""Read the spreadsheets users bring (CSV, TSV, XLSX) into numbered rows of strings.

Pure: no database, no web. Row numbers are the ones a user sees in a spreadsheet
program (the header is row 1), so an error or a match can point back to the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl

__all__ = ["Row", "Table", "TableError", "normalize_column", "read_table", "read_table_bytes"]

# None means "sniff the delimiter".
_TEXT_DELIMITERS: dict[str, str | None] = {".csv": None, ".tsv": "\t", ".txt": None}
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SUPPORTED = ", ".join([*_TEXT_DELIMITERS, *_WORKBOOK_SUFFIXES])
# CP949 is a superset of EUC-KR, so it also covers files saved as EUC-KR.
_TEXT_ENCODINGS = ("utf-8-sig", "cp949")
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50
# Compound-file header: legacy .xls, or an .xlsx encrypted with a password.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEPARATORS = re.compile(r"[\s\-]+")


class TableError(ValueError):
    """A spreadsheet that cannot be read; the message names the file, sheet and row."""

    def __init__(
        self, source: str, problem: str, *, sheet: str | None = None, row: int | None = None
    ) -> None:
        location = source if sheet is None else f"{source} (sheet '{sheet}')"
        if row is not None:
            location = f"{location}, row {row}"
        super().__init__(f"{location}: {problem}")
        self.source = source
        self.problem = problem
        self.sheet = sheet
        self.row = row

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (self.source, self.problem, self.sheet, self.row))


def _rebuild_error(source: str, problem: str, sheet: str | None, row: int | None) -> TableError:
    return TableError(source, problem, sheet=sheet, row=row)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its spreadsheet row number and its cells by normalized column name."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A whole sheet: the file name, normalized columns, data rows and the file's SHA-256."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    sha256: str


def normalize_column(name: str) -> str:
    """Return the canonical form of a column name: ``" Date-of Birth "`` -> ``date_of_birth``."""
    return _SEPARATORS.sub("_", name.replace("\ufeff", "").strip().lower())


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV, TSV, TXT or XLSX file from disk.

    ``sheet`` picks a worksheet by name in a workbook (default: the first one); it is
    ignored for text files. Raises ``TableError`` for anything that cannot be read.
    """
    file_path = Path(path)
    if file_path.is_dir():
        raise TableError(file_path.name, "is a folder, not a file")
    try:
        data = file_path.read_bytes()
    except FileNotFoundError as exc:
        raise TableError(file_path.name, "file not found") from exc
    except OSError as exc:
        raise TableError(file_path.name, f"cannot be opened ({exc.strerror})") from exc
    return read_table_bytes(data, file_path.name, sheet=sheet)


def read_table_bytes(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read an uploaded file's bytes; ``filename`` decides the format by its extension.

    Any folder part of ``filename`` (some browsers send one) is dropped.
    """
    source = filename.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = Path(source).suffix.lower()
    if suffix in _TEXT_DELIMITERS:
        columns, rows = _read_text(data, source, _TEXT_DELIMITERS[suffix])
    elif suffix in _WORKBOOK_SUFFIXES:
        columns, rows = _read_workbook(data, source, sheet)
    else:
        hint = " (save .xls workbooks as .xlsx)" if suffix == ".xls" else ""
        kind = f"'{suffix}'" if suffix else "without an extension"
        raise TableError(source, f"unsupported file type {kind}; use {_SUPPORTED}{hint}")
    return Table(source, columns, rows, hashlib.sha256(data).hexdigest())


def _read_text(
    data: bytes, source: str, delimiter: str | None
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    text = _decode(data, source)
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A quoted cell may span several lines; a spreadsheet still shows it as one row.
    records = (
        (number, [cell.strip() for cell in record]) for number, record in enumerate(reader, 1)
    )
    try:
        return _build_rows(records, source, None)
    except csv.Error as exc:
        raise TableError(source, f"is not valid CSV near line {reader.line_num} ({exc})") from exc


def _decode(data: bytes, source: str) -> str:
    # Excel's "Unicode Text" export is UTF-16 with a byte-order mark.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TableError(source, "is damaged UTF-16 text") from exc
    if b"\x00" in data:
        raise TableError(
            source,
            "contains binary data, not text (is it a spreadsheet with the wrong extension?)",
        )
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(
        source, "is neither UTF-8 nor Korean (CP949/EUC-KR) text; save it as 'CSV UTF-8'"
    )


def _sniff_delimiter(text: str) -> str:
    head = text[:_SNIFF_CHARS]
    lines = head.splitlines()
    if len(text) > len(head) and len(lines) > 1:
        lines.pop()  # probably cut in the middle
    lines = [line for line in lines if line.strip()][:_SNIFF_LINES]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        # One column, or too irregular to tell: go by the header line, comma on a tie.
        header = lines[0] if lines else ""
        return max(",;\t", key=header.count)


def _read_workbook(
    data: bytes, source: str, sheet: str | None
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    if data.startswith(_OLE2_MAGIC):
        raise TableError(
            source,
            "is a legacy .xls or a password-protected workbook; "
            "save it as .xlsx without a password",
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors on bad input
        raise TableError(source, "is not a readable Excel workbook (.xlsx)") from exc
    try:
        worksheet = _pick_sheet(workbook, source, sheet)
        # Some exporters write a wrong size into the sheet; let the cells speak for themselves.
        worksheet.reset_dimensions()
        values = worksheet.iter_rows(values_only=True)
        records = ((number, [_cell_text(v) for v in row]) for number, row in enumerate(values, 1))
        try:
            return _build_rows(records, source, worksheet.title)
        except TableError:
            raise
        except Exception as exc:  # cells are parsed lazily, so damage can surface here
            raise TableError(source, "is a damaged workbook", sheet=worksheet.title) from exc
    finally:
        workbook.close()


def _pick_sheet(workbook: Any, source: str, sheet: str | None) -> Any:
    worksheets = workbook.worksheets
    if not worksheets:
        raise TableError(source, "has no worksheets")
    if sheet is None:
        return worksheets[0]
    wanted = sheet.strip().casefold()
    for worksheet in worksheets:
        if worksheet.title.strip().casefold() == wanted:
            return worksheet
    names = ", ".join(f"'{worksheet.title}'" for worksheet in worksheets)
    raise TableError(source, f"has no sheet named '{sheet}'; its sheets are {names}")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel stores every number as a float; passport and phone numbers must not get ".0".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    return str(value).strip()


def _build_rows(
    records: Iterable[tuple[int, list[str]]], source: str, sheet: str | None
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    iterator: Iterator[tuple[int, list[str]]] = iter(records)
    first_filled = next((record for record in iterator if any(record[1])), None)
    if first_filled is None:
        raise TableError(source, "is empty: no header row found", sheet=sheet)
    header_number, header = first_filled
    columns = _header_columns(header, source, sheet, header_number)
    width = len(columns)
    rows: list[Row] = []
    for number, cells in iterator:
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            used = max(i for i, cell in enumerate(cells) if cell) + 1
            noun = "column" if width == 1 else "columns"
            # Naming the header row exposes a title line mistaken for the header.
            problem = (
                f"has {used} cells but the header (row {header_number}) has only {width} {noun}"
            )
            raise TableError(source, problem, sheet=sheet, row=number)
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
        rows.append(Row(number, dict(zip(columns, cells, strict=True))))
    return columns, tuple(rows)


def _header_columns(
    header: list[str], source: str, sheet: str | None, number: int
) -> tuple[str, ...]:
    while not header[-1]:
        header.pop()  # formatting often reaches past the last real column
    columns: list[str] = []
    seen: dict[str, str] = {}
    for position, name in enumerate(header, 1):
        # An unnamed column keeps its data under a positional name rather than losing it.
        column = normalize_column(name) or f"column_{position}"
        if column in seen:
            raise TableError(
                source,
                f"columns '{seen[column]}' and '{name or column}' both read as '{column}'; "
                "rename one",
                sheet=sheet,
                row=number,
            )
        seen[column] = name or column
        columns.append(column)
    return tuple(columns)
