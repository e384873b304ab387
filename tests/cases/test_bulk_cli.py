"""`consular cases bulk`: the same per-case report on the command line, with a dry run."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.cli.main import app
from tests.cases.bulk_world import audit_count, open_five, states
from tests.conftest import World

runner = CliRunner()


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_dry_run_then_the_change_from_a_file_of_numbers(
    db_url: str, factory: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    open_five(factory, world)
    listed = tmp_path / "cases.txt"
    listed.write_text("1\n2, A100000005\n404\n", encoding="utf-8")
    before = audit_count(factory)
    move = ["cases", "bulk", "--incident", world.incident_id, "--action", "transition"]
    code, out, _ = run(db_url, *move, "--to", "located", "--cases-file", str(listed), "--dry-run")
    assert code == 0, out
    assert "line 3: No case of this incident has the number or A-number “404”." in out
    assert "refused: Record the facility where the person is held" in out
    assert out.strip().endswith("2 applied, 1 refused: dry run, nothing written")
    assert audit_count(factory) == before

    code, out, _ = run(db_url, *move, "--to", "located", "--cases-file", str(listed))
    assert code == 1 and "nothing written (all or nothing)" in out
    code, out, _ = run(
        db_url,
        *move,
        "--to",
        "located",
        "--cases-file",
        str(listed),
        "--mode",
        "where_allowed",
        "--format",
        "json",
    )
    assert code == 0, out
    report = json.loads(out)
    assert report["written"] and report["applied"] == 2
    assert states(factory, world)[1] == "located"
    assert audit_count(factory) == before + 2


def test_all_cases_in_a_state_get_a_checklist_item_done(
    db_url: str, factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    code, out, _ = run(
        db_url,
        "cases",
        "bulk",
        "--incident",
        world.incident_id,
        "--action",
        "milestone",
        "--milestone",
        "consular_visit",
        "--evidence",
        "Visit at Folkston",
        "--at",
        "2025-09-06T11:00-04:00",
        "--state",
        "reported",
    )
    assert code == 0, out
    assert "5 applied, 0 refused: written" in out
    code, _, err = run(
        db_url, "cases", "bulk", "--incident", world.incident_id, "--action", "transition"
    )
    assert code == 2 and "say which cases" in err
