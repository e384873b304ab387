"""The command line an officer or operator types, end to end on a real database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from consular.cli.main import app
from consular.db import make_engine
from tests.factories import (
    AGENCY_ROSTER,
    ATLANTA,
    ATLANTA_KO,
    REGISTRY_COLUMNS,
    REGISTRY_ROWS,
    auth,
)

runner = CliRunner()


def run(db_url: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text("\n".join([REGISTRY_COLUMNS, *REGISTRY_ROWS]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def incident(db_url: str, registry_file: Path) -> str:
    code, out, _ = run(
        db_url,
        "post",
        "create",
        ATLANTA,
        "--name-ko",
        ATLANTA_KO,
        "--time-zone",
        "America/New_York",
    )
    assert code == 0 and out.strip().endswith(f"{ATLANTA}  {ATLANTA_KO}")
    assert run(db_url, "import", "registry", str(registry_file))[0] == 0
    code, out, err = run(
        db_url,
        "incident",
        "create",
        "--title",
        "Raid",
        "--place",
        "Ellabell",
        "--started-at",
        "2025-09-04T10:00-04:00",
        "--post",
        ATLANTA,
    )
    assert code == 0, err
    return out.strip()


def test_db_upgrade_builds_a_wal_database_with_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code, out, _ = run(url, "db", "upgrade")
    assert code == 0 and "head" in out
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        tables = set(
            conn.execute(text("select name from sqlite_master where type='table'")).scalars()
        )
    engine.dispose()
    assert {"person", "incident", "case_file", "milestone", "audit_event"} <= tables


def test_users_get_a_generated_password_or_one_from_stdin(db_url: str, incident: str) -> None:
    code, out, _ = run(
        db_url, "user", "create", "officer.kim", "--role", "officer", "--post", ATLANTA
    )
    assert code == 0
    assert "password: " in out and len(out.split("password: ")[1].strip()) >= 12
    code, out, _ = run(
        db_url,
        "user",
        "create",
        "officer.lee",
        "--role",
        "officer",
        "--post",
        ATLANTA,
        "--password-stdin",
        input="a long secret phrase\n",
    )
    assert code == 0 and "password" not in out
    code, _, err = run(db_url, "user", "create", "x", "--role", "captain")
    assert code == 2 and "“captain” is not one of the values allowed here." in err
    assert "allowed: admin, supervisor, officer" in err
    code, _, err = run(
        db_url, "user", "create", "officer.kim", "--role", "officer", "--post", ATLANTA
    )
    assert code == 1 and "already exists" in err


def test_a_cli_token_opens_the_api(db_url: str, incident: str) -> None:
    from fastapi.testclient import TestClient

    from consular.app import create_app
    from consular.config import Settings

    run(db_url, "user", "create", "officer.kim", "--role", "officer", "--post", ATLANTA)
    code, token, _ = run(db_url, "token", "create", "officer.kim")
    assert code == 0 and token.startswith("csl_")
    app_ = create_app(Settings(database_url=db_url))
    with TestClient(app_) as client:
        response = client.get(f"/api/v1/incidents/{incident}", headers=auth(token.strip()))
    app_.state.engine.dispose()
    assert response.status_code == 200


def test_import_reports_and_rejects_with_rows_and_columns(
    db_url: str, incident: str, tmp_path: Path, registry_file: Path
) -> None:
    again_code, _, again_err = run(db_url, "import", "registry", str(registry_file))
    assert again_code == 1 and "already imported" in again_err

    host = tmp_path / "host.csv"
    host.write_text(
        "full_name,date_of_birth,nationality,facility\n"
        '"LEE, SEONGHO",1988-03-14,KOR,Folkston\n'
        '"KIM, MIN JUN",unknown,KOR,Folkston\n',
        encoding="utf-8",
    )
    code, out, err = run(
        db_url, "import", "list", "--incident", incident, "--kind", "host_authority", str(host)
    )
    assert code == 2
    assert "row 3, column date_of_birth" in err and "nothing was imported" in err
    assert "columns: full_name → full_name, date_of_birth → date_of_birth" in err
    code, out, err = run(
        db_url,
        "import",
        "list",
        "--incident",
        incident,
        "--kind",
        "host_authority",
        "--skip-invalid",
        str(host),
    )
    assert code == 0, err
    assert "rows read:     2" in out and "linked:        1" in out and "errors:        1" in out

    missing = run(
        db_url,
        "import",
        "list",
        "--incident",
        incident,
        "--kind",
        "host_authority",
        str(tmp_path / "nope.csv"),
    )
    assert missing[0] == 2 and "nope.csv" in missing[2]
    wrong_kind = run(
        db_url, "import", "list", "--incident", incident, "--kind", "rumour", str(host)
    )
    assert wrong_kind[0] == 2 and "“rumour” is not one of the values allowed here" in wrong_kind[2]
    assert "allowed: host_authority, employer" in wrong_kind[2]


def _records(db_url: str) -> list[tuple[str | None, str, str | None, str]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select nationality, date_of_birth, facility, decision from source_record "
                "order by row_number"
            )
        ).all()
    engine.dispose()
    return [(r[0], str(r[1]), r[2], r[3]) for r in rows]


def test_a_roster_as_a_us_agency_writes_it_is_read_by_its_headers_and_country_names(
    db_url: str, incident: str, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(AGENCY_ROSTER, encoding="utf-8")
    code, out, err = run(
        db_url, "import", "list", "--incident", incident, "--kind", "host_authority", str(roster)
    )
    assert code == 0, err
    assert "linked:        2" in out and "out of scope:  1" in out and "errors:        0" in out
    assert "a_number → host_identifier" in out and "last_name → family_name" in out
    assert "country_of_citizenship → nationality" in out and "gender → sex" in out
    assert "not used:      booking_date" in out and "date format:   MM/DD/YYYY" in out
    folkston = "Folkston ICE Processing Center"
    assert _records(db_url) == [
        ("KOR", "1988-03-14", folkston, "auto"),
        ("KOR", "1995-07-30", "Stewart Detention Center", "auto"),
        ("MEX", "1980-04-21", folkston, "out_of_scope"),
    ]


def test_columns_chosen_on_the_command_line_win_over_the_guess(
    db_url: str, incident: str, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(AGENCY_ROSTER.replace("Country of Citizenship", "Nation"), encoding="utf-8")
    args = ["import", "list", "--incident", incident, "--kind", "host_authority", str(roster)]
    code, _, err = run(db_url, *args, "--columns", "Nationality=nationality")
    assert code == 2 and "has no column “nationality”" in err and "nation" in err
    code, _, err = run(db_url, *args, "--columns", "Nation=citizenship")
    assert code == 2 and "“citizenship” (for “nation”) is not a field" in err
    code, out, err = run(db_url, *args, "--columns", "Nation=nationality,Facility=")
    assert code == 0, err
    assert "nation → nationality" in out and "not used:      facility, booking_date" in out
    assert [(nationality, facility) for nationality, _, facility, _ in _records(db_url)] == [
        ("KOR", None),
        ("KOR", None),
        ("MEX", None),
    ]


def test_a_list_with_a_birth_date_in_the_future_is_imported_with_a_warning(
    db_url: str, incident: str, tmp_path: Path
) -> None:
    host = tmp_path / "host.csv"
    host.write_text(
        "full_name,date_of_birth,sex,nationality\n"
        '"LEE, SEONGHO",2988-03-14,M,KOR\n'  # for 1988: one digit off, in the future
        '"PARK, JIHYE",1995-02-30,F,KOR\n'  # 30 February
        '"CHOI, DONGHYUN",1979-11-11,W,KOR\n',  # a sex code outside the set
        encoding="utf-8",
    )
    code, out, err = run(
        db_url, "import", "list", "--incident", incident, "--kind", "host_authority", str(host)
    )
    assert code == 0, err
    assert "imported:      3" in out and "errors:        0" in out
    assert "warnings:      3 (rows kept; see below)" in out
    assert (
        "warning: row 2, column date_of_birth: The date of birth “2988-03-14” is in the future."
        in out
    )
    assert "warning: row 3, column date_of_birth: “1995-02-30” is not a real date" in out
    assert "warning: row 4, column sex: “W” is not a sex" in out
    records = _records(db_url)
    # Kept without the value that cannot be true; CHOI is still linked on the rest.
    assert [(born, decision) for _, born, _, decision in records][2] == ("1979-11-11", "auto")
    assert [born for _, born, _, _ in records][:2] == ["None", "None"]


def test_cases_list_in_three_formats(db_url: str, incident: str, tmp_path: Path) -> None:
    host = tmp_path / "host.csv"
    host.write_text(
        "full_name,date_of_birth,nationality,facility\n"
        '"LEE, SEONGHO",1988-03-14,KOR,Folkston\n'
        '"PARK, JIHYE",1995-07-30,KOR,Stewart\n',
        encoding="utf-8",
    )
    assert (
        run(
            db_url, "import", "list", "--incident", incident, "--kind", "host_authority", str(host)
        )[0]
        == 0
    )
    code, out, _ = run(db_url, "cases", "list", "--incident", incident, "--format", "json")
    cases = json.loads(out)
    assert [c["state"] for c in cases] == ["reported", "reported"]
    first = cases[0]["id"]

    code, out, err = run(db_url, "cases", "transition", first, "--to", "located", "--version", "1")
    assert code == 0, err
    code, _, err = run(db_url, "cases", "transition", first, "--to", "departed", "--version", "2")
    assert code == 1 and "allowed: consular_access, released, transferred" in err
    for kind in (
        "rights_advised",
        "consulate_notified",
        "consular_visit",
        "legal_counsel",
        "interpreter",
        "family_contacted",
        "medical_needs",
    ):
        assert run(db_url, "cases", "complete", first, kind)[0] == 0

    code, out, _ = run(
        db_url, "cases", "list", "--incident", incident, "--format", "csv", "--status", "located"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [first] and rows[0]["overdue"] == ""
    assert rows[0]["state"] == "located" and rows[0]["State"] == "Located"
    code, out, _ = run(
        db_url, "cases", "list", "--incident", incident, "--format", "csv", "--lang", "ko"
    )
    korean = list(csv.DictReader(io.StringIO(out)))
    assert [(r["state"], r["상태"]) for r in korean] == [
        ("located", "소재 확인"),
        ("reported", "신고됨"),
    ]
    assert korean[1]["overdue"] and "영사" in korean[1]["기한 초과"]
    # Each CSV is an export, audited as one from the incident's page.
    engine = make_engine(db_url)
    with engine.connect() as conn:
        exports = conn.execute(
            text("SELECT actor, diff FROM audit_event WHERE tag = 'incidents:cases:export'")
        ).all()
    engine.dispose()
    assert len(exports) == 2 and all(actor.startswith("cli:") for actor, _ in exports)
    # Without its own --lang, an export is in the language chosen before the command name.
    listing = ["cases", "list", "--incident", incident, "--format", "csv"]
    code, out, _ = run(db_url, "--lang", "ko", *listing)
    assert code == 0 and "상태" in next(csv.reader(io.StringIO(out)))
    chosen = runner.invoke(app, ["--db", db_url, *listing], env={"CONSULAR_LANG": "ko"})
    assert chosen.exit_code == 0 and "상태" in next(csv.reader(io.StringIO(chosen.stdout)))
    code, out, _ = run(db_url, "--lang", "ko", *listing, "--lang", "en")
    assert "State" in next(csv.reader(io.StringIO(out)))
    code, out, _ = run(db_url, "cases", "list", "--incident", incident, "--overdue")
    assert "PARK JIHYE" in out and "LEE SEONGHO" not in out and "1 case(s)" in out


def test_database_and_input_problems_are_one_line_not_a_traceback(
    tmp_path: Path, db_url: str, incident: str
) -> None:
    never_migrated = f"sqlite:///{tmp_path / 'empty.db'}"
    code, _, err = run(never_migrated, "cases", "list", "--incident", "x")
    assert code == 1 and "run `consular db upgrade`" in err and "Traceback" not in err
    code, _, err = run(db_url, "cases", "list", "--incident", "no-such-incident")
    assert code == 1 and "incident no-such-incident not found" in err
    code, _, err = run(
        db_url,
        "incident",
        "create",
        "--title",
        "x",
        "--place",
        "y",
        "--started-at",
        "2025-09-04T10:00",
        "--post",
        ATLANTA,
    )
    assert code == 2 and "needs a UTC offset" in err and "Traceback" not in err
    code, _, err = run(db_url, "post", "create", "Consulate in Nowhere", "--country", "ZZZ")
    assert code == 2 and "“ZZZ” is not a country" in err


def test_audit_verify_prints_the_head_to_keep_elsewhere(db_url: str, incident: str) -> None:
    code, out, _ = run(db_url, "audit", "verify")
    assert code == 0
    head = out.splitlines()[-1]
    assert head.startswith("head: row ") and len(head.split("hash ")[1]) == 64


def test_a_revoked_token_no_longer_opens_the_api(db_url: str, incident: str) -> None:
    from fastapi.testclient import TestClient

    from consular.app import create_app
    from consular.config import Settings

    run(db_url, "user", "create", "officer.kim", "--role", "officer", "--post", ATLANTA)
    token = run(db_url, "token", "create", "officer.kim")[1].strip()
    assert run(db_url, "token", "revoke", token[:10])[0] == 0
    app_ = create_app(Settings(database_url=db_url))
    with TestClient(app_) as client:
        response = client.get("/api/v1/incidents", headers=auth(token))
    app_.state.engine.dispose()
    assert response.status_code == 401


def test_a_registry_file_over_the_command_lines_row_limit_exits_2_and_imports_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consular.config import get_settings

    path = tmp_path / "registry.csv"
    path.write_text("\n".join([REGISTRY_COLUMNS, *REGISTRY_ROWS]) + "\n", encoding="utf-8")
    monkeypatch.setenv("CONSULAR_CLI_MAX_IMPORT_ROWS", "3")
    get_settings.cache_clear()
    try:
        code, _, err = run(db_url, "import", "registry", str(path))
    finally:
        get_settings.cache_clear()

    assert code == 2
    assert err == (
        "error: registry.csv has more than 3 rows "
        "(the limit is CONSULAR_CLI_MAX_IMPORT_ROWS=3): split it.\n"
    )
    with make_engine(db_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_a_hangul_name_that_is_not_hangul_is_a_row_error_not_a_traceback(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(
        "id,family_name_hangul,given_name_hangul,date_of_birth,nationality\n"
        "R1,김,민 준,1990-01-02,KOR\n"
        "R2,김,민준a,1990-01-02,KOR\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["--db", db_url, "import", "registry", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert "row 2, column given_name_hangul: “민 준” is not a Hangul name" in result.stderr
    assert "row 3, column given_name_hangul: “민준a” is not a Hangul name" in result.stderr
    with make_engine(db_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_incident_changes_compares_the_last_host_list_and_records_transfers(
    db_url: str, incident: str, tmp_path: Path
) -> None:
    header = "full_name,date_of_birth,nationality,facility,a_number\n"
    lists = {
        "ice-0905.csv": '"LEE, SEONGHO",1988-03-14,KOR,Folkston,A123456789\n'
        '"PARK, JIHYE",1995-07-30,KOR,Stewart,\n',
        "ice-0907.csv": '"YI, SUNG HO",,KOR,Stewart,A-123-456-789\n',
    }
    for name, body in lists.items():
        path = tmp_path / name
        path.write_text(header + body, encoding="utf-8")
        args = ("import", "list", "--incident", incident, "--kind", "host_authority", str(path))
        assert run(db_url, *args)[0] == 0
    code, out, err = run(db_url, "incident", "changes", "--incident", incident)
    assert code == 0, err
    assert "ice-0907.csv against ice-0905.csv" in out
    assert "moved: 1" in out and "Folkston → Stewart" in out
    assert "gone: 1" in out and "PARK JIHYE" in out
    code, out, err = run(
        db_url, "incident", "changes", "--incident", incident, "--record-transfers"
    )
    assert code == 0, err
    assert "transfer case 1: → Stewart" in out
    code, out, _ = run(db_url, "incident", "changes", "--incident", incident, "--record-transfers")
    assert "not recorded: already recorded at this facility" in out


def test_a_refusal_is_printed_in_english_or_in_korean_when_asked(
    db_url: str, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = ("user", "create", "officer.kim", "--role", "officer", "--post", ATLANTA)
    assert run(db_url, *create)[0] == 0
    code, _, err = run(db_url, *create)
    assert code == 1 and err.strip() == "error: A user named officer.kim already exists."
    korean = runner.invoke(app, ["--lang", "ko", "--db", db_url, *create])
    assert korean.exit_code == 1
    assert "사용자가 이미 있습니다" in korean.stderr and "already exists" not in korean.stderr
    monkeypatch.setenv("CONSULAR_LANG", "ko")
    code, _, err = run(db_url, *create)
    assert code == 1 and "사용자가 이미 있습니다" in err and "already exists" not in err
    unknown = runner.invoke(app, ["--lang", "fr", "--db", db_url, *create])
    assert unknown.exit_code == 2


def test_an_incident_is_closed_and_reopened_from_the_command_line(
    db_url: str, incident: str
) -> None:
    code, _, err = run(db_url, "incident", "close", "--incident", incident, "--note", " ")
    assert code != 0 and "Say why, in a note." in err
    code, out, _ = run(db_url, "incident", "close", "--incident", incident, "--note", "All home.")
    assert code == 0 and out.strip() == f"closed {incident}"
    code, _, err = run(db_url, "incident", "close", "--incident", incident, "--note", "Again.")
    assert code != 0 and "already closed" in err
    code, out, _ = run(db_url, "incident", "reopen", "--incident", incident, "--note", "One more.")
    assert code == 0 and out.strip() == f"reopened {incident}"
