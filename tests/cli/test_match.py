"""`consular match`: two spreadsheets and no database."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consular.cli.main import app
from tests.factories import AGENCY_ROSTER, REGISTRY_COLUMNS, REGISTRY_ROWS

runner = CliRunner()
REGISTRY = (
    "id,family_name,given_name,family_name_hangul,given_name_hangul,date_of_birth,sex\n"
    "R1,LEE,SEONGHO,이,성호,1988-03-14,M\n"
    "R2,KIM,MINJUN,김,민준,1990-01-02,M\n"
    "R3,KIM,MINJUN,김,민준,1990-01-02,M\n"
)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["match", *args])
    return result.exit_code, result.stdout, result.stderr


def test_each_list_row_gets_a_decision_and_an_explanation(registry: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "full_name", "full_name_hangul", "date_of_birth"])
    sheet.append(["L1", "YI, SUNG HO", "", "03/14/1988"])
    sheet.append(["L2", "KIM, MIN JUN", "", "01/02/1990"])
    sheet.append(["L3", "SATO, HIROSHI", "", "07/07/1977"])
    sheet.append(["L4", "", "이성호", "1988-03-14"])
    listing = tmp_path / "host.xlsx"
    book.save(listing)
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(
        str(registry), str(listing), "-o", str(out), "--explain", "--dob-format", "%m/%d/%Y"
    )
    assert code == 0, stderr
    assert "4 rows: 2 match, 1 review, 1 none" in stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "list_id",
        "registry_id",
        "decision",
        "probability",
        "explanation",
        "warnings",
    ]
    by_id = {r["list_id"]: r for r in rows}
    assert (by_id["L1"]["registry_id"], by_id["L1"]["decision"]) == ("R1", "match")
    assert "name variant" in by_id["L1"]["explanation"]
    assert by_id["L2"]["decision"] == "review" and by_id["L2"]["registry_id"] in ("R2", "R3")
    assert "R2" in by_id["L2"]["explanation"] and "R3" in by_id["L2"]["explanation"]
    assert (by_id["L3"]["registry_id"], by_id["L3"]["decision"]) == ("", "none")
    assert by_id["L4"]["registry_id"] == "R1"


def test_without_explain_the_explanation_column_stays_empty(registry: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text(
        'id,full_name,date_of_birth\nL1,"LEE, SEONGHO",1988-03-14\n', encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    assert run(str(registry), str(listing), "-o", str(out))[0] == 0
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["decision"] == "match" and row["explanation"] == ""


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (None, "missing.csv", "file not found"),
        (b"\x00\x01 not a workbook", "broken.xlsx", "broken.xlsx"),
        (b"id,date_of_birth\n1,1990-01-01\n", "nameless.csv", "No name column"),
        (
            b'full_name,date_of_birth\n"KIM, A",1990-31\n',
            "bad.csv",
            "row 2, column date_of_birth",
        ),
    ],
)
def test_bad_inputs_give_one_line_and_exit_status_2(
    registry: Path, tmp_path: Path, content: bytes | None, name: str, expected: str
) -> None:
    listing = tmp_path / name
    if content is not None:
        listing.write_bytes(content)
    code, _, stderr = run(str(registry), str(listing), "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert expected in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_addresses_and_postcodes_are_read_and_weighed(tmp_path: Path) -> None:
    # Two namesakes born the same day: only the home address tells them apart.
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "id,family_name,given_name,date_of_birth,home_address,zip\n"
        "R1,KIM,MINJUN,1990-01-02,12 Sejong-daero Jongno-gu Seoul,03172\n"
        "R2,KIM,MINJUN,1990-01-02,7 Haeundae-ro Busan,48094\n",
        encoding="utf-8",
    )
    listing = tmp_path / "employer.csv"
    listing.write_text(
        "id,full_name,date_of_birth,address,postcode\n"
        'E1,"KIM, MIN JUN",1990-01-02,"Seoul, Jongno-gu, Sejong-daero 12",03172\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, _, stderr = run(str(registry), str(listing), "-o", str(out), "--explain")
    assert code == 0, stderr
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["registry_id"], row["decision"]) == ("R1", "match"), row
    assert "address exact" in row["explanation"] and "postcode exact" in row["explanation"]


def test_a_namesake_born_in_another_year_is_reviewed_with_the_reason(
    registry: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "host.csv"
    listing.write_text('id,full_name,date_of_birth\nL1,"LEE, SEONGHO",1983-03-14\n')
    out = tmp_path / "out.csv"
    code, _, stderr = run(str(registry), str(listing), "-o", str(out), "--explain")
    assert code == 0, stderr
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert (row["decision"], row["registry_id"]) == ("review", "R1")
    assert row["explanation"].startswith(
        "held for review: the date of birth differs (1983-03-14 / 1988-03-14)"
    )


def test_a_roster_as_a_us_agency_writes_it_is_read_as_the_import_reads_it(tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text("\n".join([REGISTRY_COLUMNS, *REGISTRY_ROWS]) + "\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(AGENCY_ROSTER, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(str(registry), str(roster), "-o", str(out), "--explain")
    assert code == 0, stderr
    assert "3 rows: 2 match, 0 review, 1 none" in stdout
    assert (
        "country_of_citizenship → nationality" in stdout and "not used:      booking_date" in stdout
    )
    assert "date format:   MM/DD/YYYY" in stdout
    rows = {r["list_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert (rows["2"]["registry_id"], rows["3"]["registry_id"], rows["4"]["decision"]) == (
        "R1",
        "R4",
        "none",
    )
    assert "date of birth exact (1995-07-30" in rows["3"]["explanation"]
    assert "nationality exact (KOR / KOR)" in rows["2"]["explanation"]


def test_the_lists_columns_can_be_chosen_over_the_guess(registry: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text('Ref,Who,Born\nL1,"LEE, SEONGHO",1988-03-14\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, stderr = run(str(registry), str(listing), "-o", str(out))
    assert code == 2 and "No name column" in stderr
    chosen = "Ref=id,Who=full_name,Born=date_of_birth"
    code, stdout, stderr = run(str(registry), str(listing), "-o", str(out), "--columns", chosen)
    assert code == 0, stderr
    assert "who → full_name" in stdout
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["list_id"], row["registry_id"], row["decision"]) == ("L1", "R1", "match")


TYPING_ERRORS = (
    "id,full_name,date_of_birth,sex\n"
    'L1,"SEO, YUNA",2052-11-15,F\n'  # for 2002-11-15: one digit off, in the future
    'L2,"LEE, SEONGHO",1988-02-30,M\n'  # 30 February
    'L3,"PARK, JIHYE",1995-07-30,W\n'  # a sex code outside the set
)
SEO = "R6,SEO,YUNA,서,유나,F,2002-11-15,KOR,M66666666,HL Battery"


def test_a_value_that_cannot_be_true_keeps_the_row_and_is_named_in_the_output(
    tmp_path: Path,
) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text("\n".join([REGISTRY_COLUMNS, *REGISTRY_ROWS, SEO]) + "\n", encoding="utf-8")
    listing = tmp_path / "host.csv"
    listing.write_text(TYPING_ERRORS, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(str(registry), str(listing), "-o", str(out), "--explain")
    assert code == 0, stderr
    assert "3 rows:" in stdout
    assert (
        "warning: row 2, column date_of_birth: The date of birth “2052-11-15” is in the future."
        in stdout
    )
    rows = {r["list_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    seo = rows["L1"]
    assert seo["registry_id"] == "R6" and seo["decision"] in ("match", "review")
    assert "date of birth one digit (2052-11-15 as written / 2002-11-15)" in seo["explanation"]
    assert seo["warnings"] == "date_of_birth: The date of birth “2052-11-15” is in the future."
    assert rows["L2"]["warnings"] == (
        "date_of_birth: “1988-02-30” is not a real date in the form YYYY-MM-DD."
    )
    assert rows["L2"]["decision"] != "none" and "R1" in rows["L2"]["explanation"]
    assert rows["L3"]["warnings"].startswith("sex: “W” is not a sex")
    assert (rows["L3"]["registry_id"], rows["L3"]["decision"]) == ("R4", "match")


def test_the_registry_file_keeps_its_strictness(tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    future = SEO.replace("2002-11-15", "2052-11-15")
    registry.write_text(
        "\n".join([REGISTRY_COLUMNS, *REGISTRY_ROWS, future]) + "\n", encoding="utf-8"
    )
    listing = tmp_path / "host.csv"
    listing.write_text(TYPING_ERRORS, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, stderr = run(str(registry), str(listing), "-o", str(out))
    assert code == 2 and not out.exists()
    assert "row 7, column date_of_birth: The date of birth “2052-11-15” is in the future" in stderr


def test_the_command_ends_its_process_with_its_status_and_all_its_output(
    registry: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text('id,full_name,date_of_birth\nL1,"LEE, SEONGHO",1988-03-14\n')
    out = tmp_path / "out.csv"
    command = [sys.executable, "-m", "consular.cli", "match", str(registry), str(listing)]
    done = subprocess.run([*command, "-o", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"1 rows: 1 match, 0 review, 0 none → {out}")
    assert next(csv.DictReader(out.open(encoding="utf-8")))["registry_id"] == "R1"
    missing = subprocess.run(
        [*command[:-1], str(tmp_path / "missing.csv"), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "file not found" in missing.stderr
