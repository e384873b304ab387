import hashlib
import io
import pickle
import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from consular.config import Settings
from consular.importing import command_line_limits, upload_limits
from consular.tabular import (
    Row,
    TableError,
    normalize_column,
    read_table,
    read_table_bytes,
)

LIMITS = command_line_limits(Settings())


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Family Name", "family_name"),
        (" DATE-OF-BIRTH ", "date_of_birth"),
        ("\ufeffPassport No", "passport_no"),
        ("Given  -  Names", "given_names"),
        ("성 명", "성_명"),
        ("email", "email"),
    ],
)
def test_normalize_column(raw: str, expected: str) -> None:
    assert normalize_column(raw) == expected


def test_utf8_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("Family Name,Given Name,Passport\n KIM , Minsu ,M1234567\n", "utf-8-sig")

    table = read_table(path, limits=LIMITS)

    assert table.source == "registry.csv"
    assert table.columns == ("family_name", "given_name", "passport")
    assert table.rows == (
        Row(2, {"family_name": "KIM", "given_name": "Minsu", "passport": "M1234567"}),
    )


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_korean_excel_csv(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "재외국민.csv"
    path.write_bytes("성명,여권번호\n김민수,M1234567\n이서연,M7654321\n".encode(encoding))

    table = read_table(path, limits=LIMITS)

    assert table.source == "재외국민.csv"
    assert table.columns == ("성명", "여권번호")
    assert [row.values["성명"] for row in table.rows] == ["김민수", "이서연"]


def test_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "detainees.csv"
    path.write_text("name;facility;bond\nPARK Jisoo;Adelanto;1500,50\nLEE Ho;Otay;0,5\n")

    table = read_table(path, limits=LIMITS)

    assert table.columns == ("name", "facility", "bond")
    assert table.rows[0].values == {"name": "PARK Jisoo", "facility": "Adelanto", "bond": "1500,50"}


def test_quoted_cells_with_commas_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "employers.csv"
    path.write_text('company,address\n"Han, Inc.","12 Main St\nSuite 4"\nKorea Foods,Elm St\n')

    table = read_table(path, limits=LIMITS)

    assert table.rows[0].values == {"company": "Han, Inc.", "address": "12 Main St\nSuite 4"}
    # One record per spreadsheet row, even when a cell spans two lines of the file.
    assert [row.number for row in table.rows] == [2, 3]


def test_tsv_and_txt(tmp_path: Path) -> None:
    (tmp_path / "list.tsv").write_text("name\tcity, state\nKIM\tLos Angeles, CA\n")
    (tmp_path / "list.txt").write_text("name\tcity\nKIM\tAtlanta\n")

    assert read_table(tmp_path / "list.tsv", limits=LIMITS).rows[0].values == {
        "name": "KIM",
        "city,_state": "Los Angeles, CA",
    }
    assert read_table(tmp_path / "list.txt", limits=LIMITS).columns == ("name", "city")


def test_excel_unicode_text_export(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("이름\t도시\r\n김민수\t애틀랜타\r\n".encode("utf-16"))

    assert read_table(path, limits=LIMITS).rows[0].values == {"이름": "김민수", "도시": "애틀랜타"}


def test_single_column_csv(tmp_path: Path) -> None:
    path = tmp_path / "passports.csv"
    path.write_text("passport\nM1234567\nM7654321\n")

    assert [row.values for row in read_table(path, limits=LIMITS).rows] == [
        {"passport": "M1234567"},
        {"passport": "M7654321"},
    ]


def test_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("\nname,city\nKIM,LA\n\n,\n  ,  \nLEE,NY\n")

    table = read_table(path, limits=LIMITS)

    assert table.columns == ("name", "city")
    assert [(row.number, row.values["name"]) for row in table.rows] == [(3, "KIM"), (7, "LEE")]


def test_short_rows_are_padded_and_trailing_blanks_ignored(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("name,city,phone,,\nKIM\nLEE,NY,555,,\n")

    table = read_table(path, limits=LIMITS)

    assert table.columns == ("name", "city", "phone")
    assert table.rows[0].values == {"name": "KIM", "city": "", "phone": ""}
    assert table.rows[1].values == {"name": "LEE", "city": "NY", "phone": "555"}


def test_unnamed_column_gets_positional_name(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("name,,city\nKIM,x,LA\n")

    assert read_table(path, limits=LIMITS).columns == ("name", "column_2", "city")


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("name,city\n")

    table = read_table(path, limits=LIMITS)

    assert table.columns == ("name", "city")
    assert table.rows == ()


def test_workbook_cells(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "detainees.xlsx",
        {
            "Detainees": [
                ["Family Name", "Date of Birth", "Passport No", "Booked At", "Count", "Note"],
                ["KIM", date(1990, 5, 17), 12345678.0, datetime(2025, 9, 4, 14, 30), 3, None],
                ["LEE", datetime(1985, 1, 2), 87654321, datetime(2025, 9, 5), 2.5, " ok "],
            ]
        },
    )

    table = read_table(path, limits=LIMITS)

    assert table.columns == (
        "family_name",
        "date_of_birth",
        "passport_no",
        "booked_at",
        "count",
        "note",
    )
    assert table.rows[0] == Row(
        2,
        {
            "family_name": "KIM",
            "date_of_birth": "1990-05-17",
            "passport_no": "12345678",
            "booked_at": "2025-09-04T14:30:00",
            "count": "3",
            "note": "",
        },
    )
    assert table.rows[1].values["date_of_birth"] == "1985-01-02"
    assert table.rows[1].values["passport_no"] == "87654321"
    assert table.rows[1].values["booked_at"] == "2025-09-05"
    assert table.rows[1].values["count"] == "2.5"
    assert table.rows[1].values["note"] == "ok"


def test_workbook_blank_rows_keep_numbers(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet["B2"] = "Name"
    worksheet["C2"] = "City"
    worksheet["B3"] = "KIM"
    worksheet["C6"] = "NY"
    worksheet["E6"] = None
    workbook.save(path)

    table = read_table(path, limits=LIMITS)

    assert table.columns == ("column_1", "name", "city")
    assert table.rows == (
        Row(3, {"column_1": "", "name": "KIM", "city": ""}),
        Row(6, {"column_1": "", "name": "", "city": "NY"}),
    )


def test_workbook_sheet_choice(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "book.xlsx",
        {"Summary": [["total"], [2]], "Detainees": [["name"], ["KIM"]]},
    )

    assert read_table(path, limits=LIMITS).columns == ("total",)
    assert read_table(path, sheet="Detainees", limits=LIMITS).rows[0].values == {"name": "KIM"}
    assert read_table(path, sheet=" detainees ", limits=LIMITS).columns == ("name",)
    with pytest.raises(TableError, match=r"book\.xlsx has no sheet named “Lists”") as info:
        read_table(path, sheet="Lists", limits=LIMITS)
    assert "“Summary”, “Detainees”" in str(info.value)
    assert info.value.code == "table.unknown_sheet"


def test_read_table_bytes_matches_read_table(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"Sheet": [["name"], ["KIM"]]})

    uploaded = read_table_bytes(
        path.read_bytes(), "C:\\Users\\officer\\Desktop\\book.xlsx", limits=LIMITS
    )

    assert uploaded == read_table(path, limits=LIMITS)
    assert uploaded.source == "book.xlsx"


def test_same_bytes_same_sha256(tmp_path: Path) -> None:
    content = b"name,city\nKIM,LA\n"
    (tmp_path / "a.csv").write_bytes(content)
    (tmp_path / "b.csv").write_bytes(content)
    (tmp_path / "c.csv").write_bytes(content + b"LEE,NY\n")

    first, second, third = (
        read_table(tmp_path / name, limits=LIMITS) for name in ("a.csv", "b.csv", "c.csv")
    )

    assert first.sha256 == second.sha256 == hashlib.sha256(content).hexdigest()
    assert third.sha256 != first.sha256


def test_many_rows(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    lines = [
        f"KIM{i},M{i:08d},1990-01-01,Los Angeles,010-0000-{i % 10000:04d}" for i in range(100_000)
    ]
    path.write_text("name,passport,birth_date,city,phone\n" + "\n".join(lines) + "\n")

    table = read_table(path, limits=LIMITS)

    assert len(table.rows) == 100_000
    assert table.rows[-1] == Row(
        100_001,
        {
            "name": "KIM99999",
            "passport": "M00099999",
            "birth_date": "1990-01-01",
            "city": "Los Angeles",
            "phone": "010-0000-9999",
        },
    )


# Errors: every message names the file.


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"^absent\.csv: file not found\.$"):
        read_table(tmp_path / "absent.csv", limits=LIMITS)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "exports.csv").mkdir()
    with pytest.raises(TableError, match=r"^exports\.csv is a folder"):
        read_table(tmp_path / "exports.csv", limits=LIMITS)


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(random.Random(7).randbytes(4096))

    with pytest.raises(TableError, match=r"^broken\.xlsx is not a readable Excel workbook"):
        read_table(path, limits=LIMITS)


def test_legacy_xls_renamed_to_xlsx() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(TableError, match=r"^old\.xlsx is a legacy \.xls"):
        read_table_bytes(data, "old.xlsx", limits=LIMITS)


def test_workbook_without_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "empty.xlsx", {"Sheet1": []})

    with pytest.raises(TableError, match=r"^empty\.xlsx \(sheet “Sheet1”\) is empty"):
        read_table(path, limits=LIMITS)


@pytest.mark.parametrize("filename", ["scan.pdf", "old.xls", "README"])
def test_unknown_extension(filename: str) -> None:
    with pytest.raises(TableError) as info:
        read_table_bytes(b"name\nKIM\n", filename, limits=LIMITS)
    message = str(info.value)
    assert message.startswith(f"{filename} ")
    if filename == "old.xls":
        assert "save it as .xlsx" in message
    else:
        assert ".csv, .tsv, .txt, .xlsx, .xlsm" in message


def test_duplicate_columns(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("Family Name,family-name\nKIM,KIM\n")

    with pytest.raises(TableError) as info:
        read_table(path, limits=LIMITS)
    assert str(info.value) == (
        "registry.csv, row 1: the columns “Family Name” and “family-name” both read as "
        "“family_name”: rename one."
    )
    assert (info.value.source, info.value.row) == ("registry.csv", 1)


def test_duplicate_columns_in_workbook(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "list.xlsx", {"Names": [["Name", "NAME"], ["a", "b"]]})

    with pytest.raises(TableError, match=r"^list\.xlsx \(sheet “Names”\), row 1: the columns"):
        read_table(path, limits=LIMITS)


@pytest.mark.parametrize("content", [b"", b"\n\n", b" , \n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)

    with pytest.raises(TableError, match=r"^empty\.csv is empty: no header row was found\.$"):
        read_table(path, limits=LIMITS)


def test_row_longer_than_header(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("name,city\nKIM,LA\nLEE,NY,extra\n")

    with pytest.raises(TableError) as info:
        read_table(path, limits=LIMITS)
    assert str(info.value) == (
        "registry.csv, row 3: 3 cells, but the header (row 1) has 2 column(s)."
    )


def test_title_line_above_header_is_reported(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "detainees.xlsx",
        {"List": [["Detainee list, 4 Sep"], [], ["Name", "Facility"], ["KIM", "Folkston"]]},
    )

    with pytest.raises(TableError) as info:
        read_table(path, limits=LIMITS)
    assert str(info.value) == (
        "detainees.xlsx (sheet “List”), row 3: 2 cells, but the header (row 1) has 1 column(s)."
    )


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes(b"name\n\x80\xff\xfe\n")

    with pytest.raises(TableError, match=r"^legacy\.csv is neither UTF-8 nor Korean"):
        read_table(path, limits=LIMITS)


def test_binary_garbage_as_csv(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"Sheet": [["name"], ["KIM"]]})

    with pytest.raises(TableError, match=r"^book\.csv contains binary data"):
        read_table_bytes(path.read_bytes(), "book.csv", limits=LIMITS)
    with pytest.raises(TableError, match=r"^noise\.txt "):
        read_table_bytes(random.Random(3).randbytes(2048), "noise.txt", limits=LIMITS)


def test_error_survives_pickling() -> None:
    error = TableError("a.csv", "table.too_many_columns", sheet="S", row=4, count=3, limit="X=3")

    copy = pickle.loads(pickle.dumps(error))

    assert (
        str(copy)
        == str(error)
        == ("a.csv (sheet “S”), row 4: more than 3 columns (the limit is X=3).")
    )
    assert copy.message == error.message
    assert isinstance(copy, ValueError)


# --- Limits: a file is refused at the first limit it passes, named with its setting ---

SMALL = command_line_limits(
    Settings(cli_max_import_rows=1000, max_import_columns=20, max_cell_chars=500)
)


def _wide_workbook(rows: int, columns: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet("Plan")
    worksheet.append([f"column {n}" for n in range(columns)])
    for number in range(rows):
        worksheet.append([f"M{number:08d}"] + ["KOR"] * (columns - 1))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_of_many_rows_is_refused_at_the_row_limit() -> None:
    data = _wide_workbook(rows=20_000, columns=5)
    assert len(data) < 1_000_000  # small as sent; it expands to 20,000 rows

    with pytest.raises(TableError) as refused:
        read_table_bytes(data, "plan.xlsx", limits=SMALL)

    assert str(refused.value) == (
        "plan.xlsx (sheet “Plan”) has more than 1,000 rows "
        "(the limit is CONSULAR_CLI_MAX_IMPORT_ROWS=1000): split it."
    )


def test_a_workbook_wider_than_the_column_limit_is_refused() -> None:
    with pytest.raises(TableError, match=r"row 1: more than 20 columns \(the limit is "):
        read_table_bytes(_wide_workbook(rows=3, columns=21), "plan.xlsx", limits=SMALL)


def test_a_csv_over_the_row_limit_is_refused() -> None:
    data = b"id,name\n" + b"".join(b"%d,KIM\n" % n for n in range(1001))

    with pytest.raises(TableError) as refused:
        read_table_bytes(data, "list.csv", limits=SMALL)

    assert "list.csv has more than 1,000 rows" in str(refused.value)
    assert "CONSULAR_CLI_MAX_IMPORT_ROWS=1000" in str(refused.value)


def test_an_over_long_cell_is_refused_by_row_and_column() -> None:
    data = b"id,name,notes\n1,KIM,short\n2,LEE," + b"x" * 501 + b"\n"

    with pytest.raises(TableError) as refused:
        read_table_bytes(data, "list.csv", limits=SMALL)

    assert str(refused.value) == (
        "list.csv, row 3, column C: a cell of more than 500 characters "
        "(the limit is CONSULAR_MAX_CELL_CHARS=500)."
    )


def test_a_csv_line_longer_than_any_row_within_the_limits_is_cut_short() -> None:
    data = b"id,name\n1," + b"x" * 2_000_000 + b"\n"

    with pytest.raises(TableError, match=r"list.csv: line 2 is longer than [\d,]+ characters"):
        read_table_bytes(data, "list.csv", limits=SMALL)


def _zip_bomb(padding: int) -> bytes:
    """A valid one-cell workbook whose sheet is padded with blanks that deflate to nothing."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name"])
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetData>", b"<sheetData>" + b" " * padding)
            bomb.writestr(part.filename, content)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_before_it_inflates() -> None:
    data = _zip_bomb(300 * 2**20)  # 300 MB of sheet in about 300 KB
    assert len(data) < 1_000_000

    with pytest.raises(TableError) as over_the_size:
        read_table_bytes(data, "bomb.xlsx", limits=upload_limits(Settings()))
    with pytest.raises(TableError) as over_the_ratio:
        read_table_bytes(data, "bomb.xlsx", limits=SMALL)

    assert str(over_the_size.value) == (
        "bomb.xlsx is more than 100 MB once uncompressed "
        "(the limit is CONSULAR_MAX_UNCOMPRESSED_BYTES=104857600)."
    )
    assert str(over_the_ratio.value).startswith(
        "bomb.xlsx is refused: its part “xl/worksheets/sheet1.xml” inflates 1,0"
    )


def test_a_workbook_inflating_past_the_size_limit_is_refused() -> None:
    limits = command_line_limits(Settings(cli_max_uncompressed_bytes=2 * 2**20))
    data = _wide_workbook(rows=30_000, columns=3)  # real cells, about 2.5 MB of XML

    with pytest.raises(TableError) as refused:
        read_table_bytes(data, "plan.xlsx", limits=limits)

    assert str(refused.value) == (
        "plan.xlsx is more than 2 MB once uncompressed "
        "(the limit is CONSULAR_CLI_MAX_UNCOMPRESSED_BYTES=2097152)."
    )


def test_a_file_larger_than_the_limit_is_not_read() -> None:
    limits = command_line_limits(Settings(cli_max_file_bytes=1024))

    with pytest.raises(TableError, match=r"list.csv is larger than 1,024 bytes \(the limit is "):
        read_table_bytes(b"name\n" + b"KIM\n" * 300, "list.csv", limits=limits)
