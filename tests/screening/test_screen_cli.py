"""`consular screen PLAN -o OUT`: every row gets a verdict with its rules and reasons; a
plan with a bad row is refused whole, each problem named by row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from consular.cli.main import app

HEADER = (
    "id,nationality,entry_status,activity,equipment_purchased_abroad,"
    "contract_requires_seller_service,specialized_knowledge,paid_by_us_source,hands_on,"
    "stay_days,prior_us_refusal_or_violation"
)
PLAN = [
    "W-001,KOR,esta,install_equipment,yes,yes,yes,no,yes,45,no",
    "W-002,KOR,b1,construction_labor,no,no,no,no,yes,60,no",
    "W-003,KOR,ESTA,service_equipment,yes,yes,yes,no,yes,91,no",
    "W-004,KOR,b1,meetings,no,no,no,no,no,10,no",
    "W-005,KOR,b1,install_equipment,yes,no,yes,no,yes,30,no",
]
runner = CliRunner()


def screen(tmp_path: Path, lines: list[str], *args: str, out: str = "out.csv"):  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(plan), "-o", str(tmp_path / out), *args])
    return result.exit_code, result.stdout, result.stderr


def read_out(tmp_path: Path) -> list[dict[str, str]]:
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_each_trip_gets_its_verdict_rules_reasons_and_suggestion(tmp_path: Path) -> None:
    code, out, _ = screen(tmp_path, [HEADER, *PLAN])
    assert code == 0
    assert "5 trips screened" in out and "2 not_permitted" in out and "not legal advice" in out
    rows = {row["id"]: row for row in read_out(tmp_path)}
    assert rows["W-001"]["verdict"] == "caution"
    assert rows["W-001"]["rule_ids"] == "SCR-03 SCR-05"
    assert rows["W-002"]["verdict"] == "not_permitted"
    assert rows["W-002"]["suggested_status"] == "h2b"
    assert "SCR-02 [S]: " in rows["W-002"]["Reasons"]
    assert "SCR-08 [R] (not verified in a source)" in rows["W-002"]["Reasons"]
    assert rows["W-002"]["Reasons"].endswith(
        "A lawyer should confirm this outcome before departure."
    )
    assert rows["W-003"]["verdict"] == "not_permitted"
    assert "the plan is 91 days" in rows["W-003"]["Reasons"]
    assert rows["W-003"]["suggested_status"] == "b1"
    assert (rows["W-004"]["verdict"], rows["W-004"]["suggested_status"]) == ("permitted", "b1")
    assert (rows["W-005"]["verdict"], rows["W-005"]["Verdict"]) == ("refer", "Ask a lawyer")
    # The plan's own columns come back as they were, with the rule set's version.
    assert rows["W-003"]["entry_status"] == "ESTA"
    assert {row["ruleset_version"] for row in rows.values()} == {"2026-11-28.1"}


def test_reasons_in_korean_and_an_xlsx_result(tmp_path: Path) -> None:
    code, _, _ = screen(tmp_path, [HEADER, PLAN[1]], "--lang", "ko", out="out.xlsx")
    assert code == 0
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    # The verdict's headers and words in Korean, its codes in columns of their own.
    assert (values["verdict"], values["판정"]) == ("not_permitted", "허용되지 않음")
    assert (values["suggested_status"], values["대신 필요한 자격"]) == ("h2b", "H-2B")
    assert "건설 노동자는 방문자로 입국할 수 없습니다" in str(values["이유"])
    assert str(values["이유"]).endswith("출국 전에 변호사가 이 결과를 확인해야 합니다.")


def test_an_xlsx_plan_is_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in [HEADER, PLAN[3]]:
        sheet.append([int(v) if v.isdigit() else v for v in line.split(",")])
    book.save(tmp_path / "plan.xlsx")
    result = runner.invoke(
        app, ["screen", str(tmp_path / "plan.xlsx"), "-o", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 0, result.stderr
    assert read_out(tmp_path)[0]["verdict"] == "permitted"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "W-9,KOR,b3,meetings,no,no,no,no,no,10,no",
            "row 3, column entry_status: “b3” is not a known code",
        ),
        (
            "W-9,KOR,b1,digging,no,no,no,no,no,10,no",
            "row 3, column activity: “digging” is not a known code",
        ),
        (
            "W-9,KOR,b1,meetings,maybe,no,no,no,no,10,no",
            "row 3, column equipment_purchased_abroad: “maybe” is not yes or no",
        ),
        (
            "W-9,KOREA,b1,meetings,no,no,no,no,no,10,no",
            "row 3, column nationality: “KOREA” could be more than one country",
        ),
        (
            "W-9,KOR,b1,meetings,no,no,no,no,no,ten,no",
            "row 3, column stay_days: “ten” is not a number of days",
        ),
        (
            "W-9,KOR,b1,meetings,no,no,no,no,no,0,no",
            "row 3, column stay_days: “0” is not a number of days",
        ),
        (
            "W-9,KOR,b1,meetings,no,no,no,no,no,10,",
            "row 3, column prior_us_refusal_or_violation: Empty.",
        ),
        (
            ",KOR,b1,meetings,no,no,no,no,no,10,no",
            "row 3, column id: Empty: every row needs an id.",
        ),
    ],
)
def test_a_bad_value_is_named_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, row: str, message: str
) -> None:
    code, _, err = screen(tmp_path, [HEADER, PLAN[0], row])
    assert code == 2
    assert message in err
    assert "1 error(s); nothing was screened" in err
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_column_and_a_duplicate_id_are_errors(tmp_path: Path) -> None:
    header = HEADER.replace(",hands_on", "")
    code, _, err = screen(tmp_path, [header, "W-1,KOR,b1,meetings,no,no,no,no,10,no"])
    assert code == 2 and "row 1, column hands_on: This column is missing from the file." in err
    code, _, err = screen(tmp_path, [HEADER, PLAN[0], PLAN[0]])
    assert code == 2 and "row 3, column id: The id “W-001” was already used on row 2." in err


def test_the_optional_briefing_column_can_block_a_trip(tmp_path: Path) -> None:
    lines = [HEADER + ",briefing_conceals_activity", PLAN[3] + ",yes", "W-6" + PLAN[3][5:] + ","]
    code, _, _ = screen(tmp_path, lines)
    assert code == 0
    rows = read_out(tmp_path)
    assert rows[0]["verdict"] == "not_permitted" and "SCR-09" in rows[0]["rule_ids"]
    assert rows[1]["verdict"] == "permitted"


def test_bad_options_are_refused(tmp_path: Path) -> None:
    code, _, err = screen(tmp_path, [HEADER, PLAN[0]], "--lang", "fr")
    assert code == 2 and "--lang must be one of en, ko" in err
    code, _, err = screen(tmp_path, [HEADER, PLAN[0]], out="out.txt")
    assert code == 2 and "use a .csv or .xlsx file name" in err
    code, _, err = screen(tmp_path, [HEADER, PLAN[0]], "--on", "next week")
    assert code == 2 and "--on: “next week” is not a date" in err


def test_the_rules_in_force_on_a_date_are_used(tmp_path: Path) -> None:
    trainer = "W-7,KOR,b1,train_us_workers,yes,no,yes,no,no,30,no"
    screen(tmp_path, [HEADER, trainer], "--on", "2025-12-03")
    assert "SCR-04" not in read_out(tmp_path)[0]["rule_ids"]
    screen(tmp_path, [HEADER, trainer], "--on", "2025-12-04")
    assert "SCR-04" in read_out(tmp_path)[0]["rule_ids"]
