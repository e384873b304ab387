"""Read the spreadsheets users bring (CSV, TSV, XLSX) into numbered rows of strings.

Pure: no database, no web. Row numbers are the ones a user sees in a spreadsheet
program (the header is row 1), so an error or a match can point back to the file.

Every read is bounded by ``TableLimits`` (file size, size once uncompressed, rows, columns,
cell length): a file is read as a stream and refused as soon as it passes one of them, so
a small compressed workbook or a long CSV never grows in memory beyond the limits.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from consular.i18n import N_
from consular.i18n.message import Message
from consular.workbook_archive import BoundedArchive, InflatedTooMuch, load_workbook

__all__ = [
    "Limit",
    "Row",
    "Table",
    "TableError",
    "TableLimits",
    "normalize_column",
    "read_table",
    "read_table_bytes",
]

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
# A workbook part inflating more than this many times its compressed size is a zip bomb
# (real sheets compress 5 to 30 times); parts under the grace size are not judged.
_MAX_INFLATE_RATIO = 100
_RATIO_GRACE_BYTES = 1024 * 1024


class TableError(ValueError):
    """A spreadsheet that cannot be read, said as a ``Message`` (a code, an English template
    and its values) naming the file (``file``, with its sheet) and the row (``row``)."""

    def __init__(
        self,
        source: str,
        code: str,
        /,
        *,
        sheet: str | None = None,
        row: int | None = None,
        **params: Any,
    ) -> None:
        file: str | Message = source
        if sheet is not None:
            file = Message(
                "table.sheet", N_("%(file)s (sheet “%(sheet)s”)"), file=source, sheet=sheet
            )
        where = {"file": file} if row is None else {"file": file, "row": row}
        self.message = Message(code, PROBLEMS[code], **where, **params)
        super().__init__(str(self.message))
        self.source = source
        self.sheet = sheet
        self.row = row
        self.params = params

    @property
    def code(self) -> str:
        return self.message.code

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its parts, so that it crosses to another process whole.
        return (_rebuild_error, (self.source, self.code, self.sheet, self.row, self.params))


# Every way a file is refused, by code: the English sentence, to translate where it is shown.
# ``file`` is the file's name (with its sheet), ``row`` its row when one is named.
PROBLEMS = {
    "table.folder": N_("%(file)s is a folder, not a file."),
    "table.not_found": N_("%(file)s: file not found."),
    "table.cannot_open": N_("%(file)s cannot be opened (%(reason)s)."),
    "table.too_large": N_("%(file)s is larger than %(size)s (the limit is %(limit)s)."),
    "table.xls": N_("%(file)s is a legacy .xls workbook: save it as .xlsx."),
    "table.no_extension": N_("%(file)s has no extension: send a %(supported)s file."),
    "table.unsupported_type": N_(
        "%(file)s is not a file type this system reads (%(suffix)s): send a %(supported)s file."
    ),
    "table.bad_utf16": N_("%(file)s is damaged UTF-16 text."),
    "table.bad_encoding": N_(
        "%(file)s is neither UTF-8 nor Korean (CP949/EUC-KR) text: save it as “CSV UTF-8”."
    ),
    "table.binary": N_(
        "%(file)s contains binary data, not text: is it a spreadsheet with the wrong extension?"
    ),
    "table.bad_csv": N_("%(file)s is not valid CSV near line %(line)s."),
    "table.line_too_long": N_(
        "%(file)s: line %(line)s is longer than %(count)s characters, more than %(columns)s "
        "cells of %(cells)s characters (the limits are %(limits)s)."
    ),
    "table.zip_bomb": N_(
        "%(file)s is refused: its part “%(part)s” inflates %(ratio)s times, far more than a "
        "real workbook (a zip bomb)."
    ),
    "table.bad_workbook": N_("%(file)s is not a readable Excel workbook (.xlsx)."),
    "table.too_large_uncompressed": N_(
        "%(file)s is more than %(size)s once uncompressed (the limit is %(limit)s)."
    ),
    "table.legacy_or_locked": N_(
        "%(file)s is a legacy .xls or a password-protected workbook: save it as .xlsx without "
        "a password."
    ),
    "table.damaged": N_("%(file)s is a damaged workbook."),
    "table.no_sheets": N_("%(file)s has no worksheets."),
    "table.unknown_sheet": N_("%(file)s has no sheet named “%(name)s”; its sheets are %(sheets)s."),
    "table.too_many_rows": N_(
        "%(file)s has more than %(count)s rows (the limit is %(limit)s): split it."
    ),
    "table.too_many_columns": N_(
        "%(file)s, row %(row)s: more than %(count)s columns (the limit is %(limit)s)."
    ),
    "table.cell_too_long": N_(
        "%(file)s, row %(row)s: a cell of more than %(count)s characters (the limit is %(limit)s)."
    ),
    "table.column_cell_too_long": N_(
        "%(file)s, row %(row)s, column %(column)s: a cell of more than %(count)s characters "
        "(the limit is %(limit)s)."
    ),
    "table.empty": N_("%(file)s is empty: no header row was found."),
    "table.row_too_wide": N_(
        "%(file)s, row %(row)s: %(cells)s cells, but the header (row %(header)s) has "
        "%(width)s column(s)."
    ),
    "table.same_column": N_(
        "%(file)s, row %(row)s: the columns “%(first)s” and “%(second)s” both read as "
        "“%(column)s”: rename one."
    ),
}


def _rebuild_error(
    source: str, code: str, sheet: str | None, row: int | None, params: dict[str, Any]
) -> TableError:
    return TableError(source, code, sheet=sheet, row=row, **params)


@dataclass(frozen=True, slots=True)
class Limit:
    """One bound on a file, with the setting that changes it (named in the refusal)."""

    value: int
    setting: str

    def named(self) -> str:
        """The setting and its value, as a refusal names them: CONSULAR_MAX_IMPORT_ROWS=100."""
        return f"{self.setting}={self.value}"


@dataclass(frozen=True, slots=True)
class TableLimits:
    """How much of a file is read before it is refused whole."""

    file_bytes: Limit
    uncompressed_bytes: Limit  # a workbook's parts once inflated, and the text of all cells
    rows: Limit  # rows under the header, blank ones included
    columns: Limit
    cell_chars: Limit

    @property
    def line_chars(self) -> int:
        """The longest CSV line a row within the limits can need (quotes and separators)."""
        return self.columns.value * (self.cell_chars.value + 3) + 2


def _size(count: int) -> str | Message:
    if count >= 2**20:
        return f"{count / 2**20:,.0f} MB"
    return Message("table.bytes", N_("%(count)s bytes"), count=f"{count:,}")


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


def read_table(path: str | Path, sheet: str | None = None, *, limits: TableLimits) -> Table:
    """Read a CSV, TSV, TXT or XLSX file from disk.

    ``sheet`` picks a worksheet by name in a workbook (default: the first one); it is
    ignored for text files. Raises ``TableError`` for anything that cannot be read, and
    for a file beyond ``limits`` (its size is checked before it is read).
    """
    file_path = Path(path)
    if file_path.is_dir():
        raise TableError(file_path.name, "table.folder")
    try:
        with file_path.open("rb") as file:
            data = file.read(limits.file_bytes.value + 1)
    except FileNotFoundError as exc:
        raise TableError(file_path.name, "table.not_found") from exc
    except OSError as exc:
        raise TableError(
            file_path.name,
            "table.cannot_open",
            reason=exc.strerror,
        ) from exc
    return read_table_bytes(data, file_path.name, sheet=sheet, limits=limits)


def read_table_bytes(
    data: bytes, filename: str, sheet: str | None = None, *, limits: TableLimits
) -> Table:
    """Read an uploaded file's bytes; ``filename`` decides the format by its extension.

    Any folder part of ``filename`` (some browsers send one) is dropped. A caller reading
    a stream passes at most ``limits.file_bytes.value + 1`` bytes: more is refused.
    """
    source = filename.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = Path(source).suffix.lower()
    if len(data) > limits.file_bytes.value:
        raise TableError(
            source,
            "table.too_large",
            size=_size(limits.file_bytes.value),
            limit=limits.file_bytes.named(),
        )
    if suffix in _TEXT_DELIMITERS:
        columns, rows = _read_text(data, source, _TEXT_DELIMITERS[suffix], limits)
    elif suffix in _WORKBOOK_SUFFIXES:
        columns, rows = _read_workbook(data, source, sheet, limits)
    else:
        _refuse_type(source, suffix)
    return Table(source, columns, rows, hashlib.sha256(data).hexdigest())


def _refuse_type(source: str, suffix: str) -> None:
    if suffix == ".xls":
        raise TableError(source, "table.xls")
    if not suffix:
        raise TableError(
            source,
            "table.no_extension",
            supported=_SUPPORTED,
        )
    raise TableError(
        source,
        "table.unsupported_type",
        suffix=suffix,
        supported=_SUPPORTED,
    )


def _read_text(
    data: bytes, source: str, delimiter: str | None, limits: TableLimits
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    for encoding in _text_encodings(data, source):
        try:
            return _parse_text(data, source, delimiter, encoding, limits)
        except UnicodeDecodeError:
            # Decoded as it is read: a byte further on can still prove the guess wrong.
            if encoding == "utf-16":
                raise TableError(source, "table.bad_utf16") from None
    raise TableError(source, "table.bad_encoding")


def _text_encodings(data: bytes, source: str) -> tuple[str, ...]:
    # Excel's "Unicode Text" export is UTF-16 with a byte-order mark.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if b"\x00" in data:
        raise TableError(source, "table.binary")
    return _TEXT_ENCODINGS


def _parse_text(
    data: bytes, source: str, delimiter: str | None, encoding: str, limits: TableLimits
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    if delimiter is None:
        head = io.TextIOWrapper(io.BytesIO(data[: _SNIFF_CHARS * 4]), encoding, errors="ignore")
        delimiter = _sniff_delimiter(head.read(_SNIFF_CHARS), len(data) > _SNIFF_CHARS)
    text = io.TextIOWrapper(io.BytesIO(data), encoding, newline="")
    reader = csv.reader(_bounded_lines(text, source, limits), delimiter=delimiter)
    # A quoted cell may span several lines; a spreadsheet still shows it as one row.
    records = (
        (number, [cell.strip() for cell in record]) for number, record in enumerate(reader, 1)
    )
    try:
        return _build_rows(records, source, None, limits)
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):
            raise _too_long(source, None, reader.line_num, limits, None) from None
        raise TableError(
            source,
            "table.bad_csv",
            line=reader.line_num,
            reason=str(exc),
        ) from exc


def _bounded_lines(text: io.TextIOWrapper, source: str, limits: TableLimits) -> Iterator[str]:
    # Read a line at a time, never more than the longest line a row within the limits needs.
    most = limits.line_chars
    number = 0
    while line := text.readline(most + 1):
        number += 1
        if len(line) > most:
            raise TableError(
                source,
                "table.line_too_long",
                line=number,
                count=f"{most:,}",
                columns=f"{limits.columns.value:,}",
                cells=f"{limits.cell_chars.value:,}",
                limits=f"{limits.columns.named()}, {limits.cell_chars.named()}",
            )
        yield line


def _sniff_delimiter(head: str, cut: bool) -> str:
    lines = head.splitlines()
    if cut and len(lines) > 1:
        lines.pop()  # probably cut in the middle
    lines = [line for line in lines if line.strip()][:_SNIFF_LINES]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        # One column, or too irregular to tell: go by the header line, comma on a tie.
        header = lines[0] if lines else ""
        return max(",;\t", key=header.count)


def _open_archive(data: bytes, source: str, limits: TableLimits) -> BoundedArchive:
    budget = limits.uncompressed_bytes
    try:
        archive = BoundedArchive(data, budget.value)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(source) from exc
    parts = archive.infolist()
    if sum(part.file_size for part in parts) > budget.value:
        archive.close()
        raise _inflated(source, None, None, limits)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_GRACE_BYTES and ratio > _MAX_INFLATE_RATIO:
            archive.close()
            raise TableError(
                source,
                "table.zip_bomb",
                part=part.filename,
                ratio=f"{ratio:,.0f}",
            )
    return archive


def _unreadable(source: str) -> TableError:
    return TableError(source, "table.bad_workbook")


def _inflated(source: str, sheet: str | None, row: int | None, limits: TableLimits) -> TableError:
    budget = limits.uncompressed_bytes
    return TableError(
        source,
        "table.too_large_uncompressed",
        sheet=sheet,
        row=row,
        size=_size(budget.value),
        limit=budget.named(),
    )


def _read_workbook(
    data: bytes, source: str, sheet: str | None, limits: TableLimits
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    if data.startswith(_OLE2_MAGIC):
        raise TableError(source, "table.legacy_or_locked")
    archive = _open_archive(data, source, limits)
    try:
        workbook = load_workbook(archive, data)
    except InflatedTooMuch:
        archive.close()
        raise _inflated(source, None, None, limits) from None
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors on bad input
        archive.close()
        raise _unreadable(source) from exc
    try:
        worksheet = _pick_sheet(workbook, source, sheet)
        # Some exporters write a wrong size into the sheet; let the cells speak for themselves.
        worksheet.reset_dimensions()
        values = worksheet.iter_rows(values_only=True)
        records = ((number, [_cell_text(v) for v in row]) for number, row in enumerate(values, 1))
        try:
            return _build_rows(records, source, worksheet.title, limits)
        except TableError:
            raise
        except InflatedTooMuch:
            raise _inflated(source, worksheet.title, None, limits) from None
        except Exception as exc:  # cells are parsed lazily, so damage can surface here
            raise TableError(
                source,
                "table.damaged",
                sheet=worksheet.title,
            ) from exc
    finally:
        workbook.close()


def _pick_sheet(workbook: Any, source: str, sheet: str | None) -> Any:
    worksheets = workbook.worksheets
    if not worksheets:
        raise TableError(source, "table.no_sheets")
    if sheet is None:
        return worksheets[0]
    wanted = sheet.strip().casefold()
    for worksheet in worksheets:
        if worksheet.title.strip().casefold() == wanted:
            return worksheet
    names = ", ".join(f"“{worksheet.title}”" for worksheet in worksheets)
    raise TableError(
        source,
        "table.unknown_sheet",
        name=sheet,
        sheets=names,
    )


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


def _within_limits(
    records: Iterable[tuple[int, list[str]]], source: str, sheet: str | None, limits: TableLimits
) -> Iterator[tuple[int, list[str]]]:
    """The records, refused at the first that passes a limit: nothing after it is read."""
    text_chars = 0
    for number, cells in records:
        if number > limits.rows.value + 1:
            raise TableError(
                source,
                "table.too_many_rows",
                sheet=sheet,
                count=f"{limits.rows.value:,}",
                limit=limits.rows.named(),
            )
        widest = limits.columns.value
        if len(cells) > widest and any(cells[widest:]):
            raise TableError(
                source,
                "table.too_many_columns",
                sheet=sheet,
                row=number,
                count=f"{widest:,}",
                limit=limits.columns.named(),
            )
        if cells and max(map(len, cells)) > limits.cell_chars.value:
            position = next(i for i, c in enumerate(cells) if len(c) > limits.cell_chars.value)
            raise _too_long(source, sheet, number, limits, position)
        text_chars += sum(map(len, cells))
        if text_chars > limits.uncompressed_bytes.value:
            raise _inflated(source, sheet, number, limits)
        yield number, cells


def _too_long(
    source: str, sheet: str | None, row: int, limits: TableLimits, position: int | None
) -> TableError:
    most = limits.cell_chars
    if position is None:
        return TableError(
            source,
            "table.cell_too_long",
            sheet=sheet,
            row=row,
            count=f"{most.value:,}",
            limit=most.named(),
        )
    return TableError(
        source,
        "table.column_cell_too_long",
        sheet=sheet,
        row=row,
        column=get_column_letter(position + 1),
        count=f"{most.value:,}",
        limit=most.named(),
    )


def _build_rows(
    records: Iterable[tuple[int, list[str]]],
    source: str,
    sheet: str | None,
    limits: TableLimits,
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    iterator = _within_limits(records, source, sheet, limits)
    first_filled = next((record for record in iterator if any(record[1])), None)
    if first_filled is None:
        raise TableError(source, "table.empty", sheet=sheet)
    header_number, header = first_filled
    columns = _header_columns(header, source, sheet, header_number)
    width = len(columns)
    rows: list[Row] = []
    for number, cells in iterator:
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            used = max(i for i, cell in enumerate(cells) if cell) + 1
            # Naming the header row exposes a title line mistaken for the header.
            raise TableError(
                source,
                "table.row_too_wide",
                sheet=sheet,
                row=number,
                cells=used,
                width=width,
                header=header_number,
            )
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
                "table.same_column",
                sheet=sheet,
                row=number,
                first=seen[column],
                second=name or column,
                column=column,
            )
        seen[column] = name or column
        columns.append(column)
    return tuple(columns)
