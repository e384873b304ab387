"""Every table the product writes for a spreadsheet (CSV and XLSX), safe to open.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets: a name, a note or a host authority's value such as
``=HYPERLINK("http://…", "click")`` would run when an officer opens the export. Following
OWASP's guidance on CSV injection, every CSV cell is quoted and such a cell is written with a
leading apostrophe, which spreadsheets show as text; XLSX cells are written as text cells,
never as formulas. All exports go through this module, so no writer forgets.

An export is in the language of the person who exports it (``table_in``): its headers and
its codes in words; each code also keeps a column of its own, headed by the column's stable
name, so that a machine reads the same file whatever the language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from consular.i18n import translations

__all__ = [
    "Column",
    "csv_text",
    "neutralised",
    "table_in",
    "write_csv",
    "write_table",
    "write_xlsx",
]

Row = Sequence[object]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an export: its stable name, its header (marked ``N_``; none for a
    column only machines read, such as an id: it is headed by its name) and, for a column
    of codes, the words of a code in a language (``words(code, language)``)."""

    name: str
    header: str = ""
    words: Callable[[Any, str], str] | None = None


def table_in(
    columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], language: str
) -> list[list[object]]:
    """``rows`` as an export's table in ``language``: the headers in words, then the rows;
    a column of codes is written twice, the code (headed by its name) and its words."""
    _ = translations(language).gettext
    header: list[object] = []
    for column in columns:
        if column.words or not column.header:
            header.append(column.name)
        if column.header:
            header.append(_(column.header))
    table = [header]
    for row in rows:
        cells: list[object] = []
        for column in columns:
            value = row[column.name]
            cells += [value, column.words(value, language)] if column.words else [value]
        table.append(cells)
    return table


def neutralised(value: object) -> str:
    """The cell's text, with a leading apostrophe where a spreadsheet would see a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number is data, even when negative
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(out: TextIO, rows: Iterable[Row]) -> int:
    """Write ``rows`` (the header first) as quoted, neutralised CSV; answer the rows written."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    written = 0
    for row in rows:
        writer.writerow([neutralised(value) for value in row])
        written += 1
    return written


def csv_text(rows: Iterable[Row], *, byte_order_mark: bool = True) -> str:
    """The rows as CSV text; with a byte-order mark so spreadsheet programs read Hangul."""
    out = io.StringIO()
    if byte_order_mark:
        out.write("\ufeff")
    write_csv(out, rows)
    return out.getvalue()


def _xlsx_cell(sheet: object, value: object) -> object:
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value  # typed values are never formulas
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # a text cell, even when the text begins with "="
    return cell


def write_xlsx(path: Path, rows: Iterable[Row], *, title: str = "export") -> None:
    """Write ``rows`` to one sheet of an XLSX workbook, streaming, every text as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    book.save(path)


def write_table(path: Path, rows: Iterable[Row], *, title: str = "export") -> None:
    """XLSX when ``path`` ends in ``.xlsx``, otherwise CSV (UTF-8 with a byte-order mark)."""
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, rows, title=title)
        return
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        write_csv(out, rows)
