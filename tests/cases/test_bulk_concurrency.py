"""Two officers applying bulk changes to overlapping cases at once (PostgreSQL's row locks)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.bulk import BulkReport, Selection, apply_bulk
from consular.cases.bulk_actions import BulkAction
from consular.cases.models import Case
from consular.db import unit_of_work
from tests.cases.bulk_world import audit_count, open_five
from tests.conftest import World

LOCATE = BulkAction("transition", to="located")
CONTESTING = BulkAction("disposition", disposition="contesting")


def test_overlapping_bulk_changes_wait_for_each_other_and_lose_no_update(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time; the row locks are PostgreSQL's")
    cases = open_five(factory, world)
    before = audit_count(factory)
    first_locked = threading.Event()
    reports: dict[str, BulkReport] = {}

    def later(name: str, numbers: list[int], action: BulkAction) -> None:
        first_locked.wait(10)
        with unit_of_work(factory) as db:
            selection = Selection(case_ids=[cases[n] for n in numbers])
            reports[name] = apply_bulk(
                db, world.officer, world.incident_id, selection, action, mode="where_allowed"
            )

    others = [
        threading.Thread(target=later, args=("again", [4, 3, 5], LOCATE)),
        threading.Thread(target=later, args=("disposition", [1, 2, 3, 4], CONTESTING)),
    ]
    for thread in others:
        thread.start()
    with unit_of_work(factory) as db:
        selection = Selection(case_ids=[cases[n] for n in (1, 2, 3, 4)])
        reports["first"] = apply_bulk(db, world.officer, world.incident_id, selection, LOCATE)
        first_locked.set()
        time.sleep(0.5)  # the others wait on the cases' rows meanwhile
    for thread in others:
        thread.join(30)

    assert [o.number for o in reports["first"].applied] == [1, 2, 3, 4]
    again = reports["again"]
    assert again.written and again.applied == []
    assert [(o.number, o.reason.code if o.reason else "") for o in again.refused] == [
        (3, "case.bad_transition"),
        (4, "case.bad_transition"),
        (5, "case.facility_missing"),
    ]
    assert [o.number for o in reports["disposition"].applied] == [1, 2, 3, 4]
    with unit_of_work(factory, write=False) as db:
        found = db.scalars(select(Case).where(Case.id.in_([cases[n] for n in (1, 2, 3, 4)])))
        assert {(c.state, c.disposition, c.version) for c in found} == {
            ("located", "contesting", 3)
        }
    assert audit_count(factory) == before + 8
