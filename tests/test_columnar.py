"""A CSV read by columns reads as `read_table` and `parse_list` read it, or not at all."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from consular.columnar import read_columns
from consular.config import Settings
from consular.importing import command_line_limits
from consular.incidents.listcolumns import parse_columns
from consular.incidents.listrows import list_layout, list_warnings, parse_list
from consular.tabular import read_table

LIMITS = command_line_limits(Settings())
HEADER = "id,family_name,given_name,family_name_hangul,given_name_hangul,date_of_birth,sex,passport"
CLEAN = [
    "R1,LEE,SEONGHO,이,성호,1988-03-14,M,M12345678",
    "R2,KIM,MINJUN,김,민준,1990-01-02,M,M23456789",
    'R3," KIM ","MIN JUN",김,민준,1990-01-02,f,',
    "R4,,,박,서연,,F,M3456 7890",
]


def same_as_rows(path: Path) -> None:
    """The columns hold what `read_table` and `parse_list` make of the file."""
    columns = read_columns(path, limits=LIMITS)
    assert columns is not None
    table = read_table(path, limits=LIMITS)
    assert columns.columns == table.columns
    assert columns.head.rows == table.rows[:500]
    assert [columns.row(i) for i in range(columns.length)] == list(table.rows)
    layout = list_layout(table)
    assert list_layout(columns.head) == layout
    rows, errors = parse_list(table, date_format=layout.date_format, columns=layout.columns)
    read = parse_columns(columns, date_format=layout.date_format, columns=layout.columns)
    assert read.errors == errors
    assert read.warnings == list_warnings(rows)
    assert read.numbers == [row.row_number for row in rows]
    assert list(read.records) == [row.record for row in rows]


def write(tmp_path: Path, lines: list[str], name: str = "registry.csv", end: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(end.join(lines).encode("utf-8") + end.encode())
    return path


def test_a_clean_file_reads_the_same(tmp_path: Path) -> None:
    same_as_rows(write(tmp_path, [HEADER, *CLEAN]))


def test_windows_line_ends_a_byte_order_mark_and_semicolons_read_the_same(
    tmp_path: Path,
) -> None:
    lines = [HEADER.replace(",", ";"), *(line.replace(",", ";") for line in CLEAN)]
    path = write(tmp_path, lines, end="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    same_as_rows(path)


@pytest.mark.parametrize(
    "bad",
    [
        "R5,KIM,MINJUN,김,민준,1990-31-02,M,",  # not a date: an error
        "R5,KIM,MINJUN,김,민준,2090-01-02,M,",  # in the future: a warning
        "R5,KIM,MINJUN,김,민준,1990-01-02,W,",  # unknown sex: a warning
        "R1,KIM,MINJUN,김,민준,1990-01-02,M,",  # the id of row 2 again
        "R5,,,,,1990-01-02,M,",  # no name
        "R5,KIM,MINJUN,김,민준2,1990-01-02,M,",  # not Hangul
        "R5,KIM,MINJUN,김,민준,1990-01-02,M,12",  # passport too short
        f"R5,KIM,{'A' * 200},김,민준,1990-01-02,M,",  # too long for its column
        f"R5,KIM,MINJUN,{'김' * 30},{'민' * 35},1990-01-02,M,",  # too long together
    ],
)
def test_rows_that_do_not_pass_are_named_as_parse_list_names_them(tmp_path: Path, bad: str) -> None:
    same_as_rows(write(tmp_path, [HEADER, *CLEAN, bad, *CLEAN[:1]]))


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    lines = [HEADER, *CLEAN, "R5,,,,,1990-01-02,M,", "R6,PARK,JIHYE,,,1995-07-30,F,"]
    read = parse_columns(
        read_columns(write(tmp_path, lines), limits=LIMITS),  # type: ignore[arg-type]
        date_format="%Y-%m-%d",
        columns={name: name for name in HEADER.split(",")} | {"passport": "passport_number"},
    )
    assert [e.row for e in read.errors] == [6]
    assert read.numbers == [2, 3, 4, 5, 7]


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "\n\n" + "\n".join(CLEAN) + "\n",  # a blank line
        HEADER + "\n" + "\n".join(CLEAN) + '\nR9,"KIM\nMIN",,,,,,\n',  # a cell on two lines
        HEADER + "\n" + "\n".join(CLEAN) + "\nR9,KIM\n",  # a short row
        HEADER + "\n" + "\n".join(CLEAN) + "\nR9,KIM,MINJUN,,,,,,extra\n",  # a long row
        HEADER + "\n" + "\n".join(CLEAN) + "\n,,,,,,,\n",  # a row of empty cells
        '"id",family_name\nR1,KIM\n',  # a quoted header
        "\n" + HEADER + "\n" + "\n".join(CLEAN) + "\n",  # the header further down
    ],
)
def test_files_read_otherwise_are_left_to_read_table(tmp_path: Path, text: str) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(text, encoding="utf-8")
    assert read_columns(path, limits=LIMITS) is None


def test_korean_encodings_workbooks_and_files_beyond_the_limits_are_left_to_read_table(
    tmp_path: Path,
) -> None:
    korean = tmp_path / "registry.csv"
    korean.write_bytes(("\n".join([HEADER, *CLEAN]) + "\n").encode("cp949"))
    assert read_columns(korean, limits=LIMITS) is None
    assert read_columns(tmp_path / "registry.xlsx", limits=LIMITS) is None
    assert read_columns(tmp_path / "missing.csv", limits=LIMITS) is None
    few = dataclasses.replace(LIMITS, rows=dataclasses.replace(LIMITS.rows, value=2))
    assert read_columns(write(tmp_path, [HEADER, *CLEAN]), limits=few) is None
    narrow = dataclasses.replace(LIMITS, cell_chars=dataclasses.replace(LIMITS.cell_chars, value=5))
    assert read_columns(write(tmp_path, [HEADER, *CLEAN]), limits=narrow) is None


def test_quoted_cells_read_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    lines = [
        "id,full_name,date_of_birth",
        'L1,"KIM, MIN JUN",1990-01-02',
        'L2,"SEO ""YUNA""",2002-11-15',
        'L3,LEE "SEONGHO",1988-03-14',
    ]
    same_as_rows(write(tmp_path, lines))
