"""`consular visits plan|list|roster`: the same rules as the workspace, the roster as a PDF."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from tests.cli.test_commands import run
from tests.conftest import World
from tests.flights.test_pdf import assert_every_font_embedded, pdf_font, pdf_words
from tests.visits.world import FOLKSTON, detainees

__all__ = ["pdf_font"]


def test_a_visit_is_planned_listed_and_its_roster_written_as_a_pdf(
    db_url: str, factory: sessionmaker[Session], world: World, tmp_path: Path, pdf_font: None
) -> None:
    detainees(factory, world)
    plan = ("visits", "plan", "--incident", world.incident_id, "--facility", FOLKSTON)
    code, out, err = run(db_url, *plan, "--date", "2025-09-05", "--officer", "officer.kim",
                         "--interpreter", "Ms. Hwang")  # fmt: skip
    assert code == 0, err
    plan_id = out.strip()
    assert "2 cases to see" in err
    code, out, _ = run(db_url, "visits", "list", world.incident_id)
    assert out.split("\t")[:5] == [plan_id, "2025-09-05", FOLKSTON, "2", "planned"]
    written = tmp_path / "roster.pdf"
    code, _, err = run(db_url, "visits", "roster", plan_id, "--pdf", str(written),
                       "--sort", "name", "--lang", "ko")  # fmt: skip
    assert code == 0, err
    assert_every_font_embedded(written.read_bytes())
    assert "이성호" in pdf_words(written.read_bytes())
    with factory() as db:
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.target_id == plan_id)).all()
    assert "visits:roster:export" in tags
    code, _, err = run(db_url, *plan, "--date", "2024-01-01", "--officer", "officer.kim")
    assert code != 0 and "before the incident began" in err
