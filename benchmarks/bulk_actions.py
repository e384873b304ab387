"""Benchmark: one action on 500 cases at once, through the same service as the bulk page.

Run from the repository root::

    .venv/bin/python benchmarks/bulk_actions.py [--cases 500] [--backend postgresql]

It migrates a temporary SQLite file (or a scratch PostgreSQL database, dropped at the end),
registers ``--cases`` synthetic persons, opens a case for each in one incident (half at
Folkston, half at Stewart, each with an A-number), then times, each in a transaction of its
own as a request would be: a preview of moving all of them to located, the move itself, a
transfer of the Folkston half selected by the filter, a consular visit recorded for all with
its evidence and time, an officer assigned to all, and a move to consular access of all
selected by a pasted list of their A-numbers. Each case goes through its single action's
service in a savepoint, with its audit record. It prints the figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import POSTGRES_SERVER, scratch_postgres
from consular.auth.service import Actor, create_user, get_or_create_post
from consular.cases.bulk import BulkReport, Selection, apply_bulk
from consular.cases.bulk_actions import BulkAction
from consular.cases.models import Case
from consular.cases.service import CaseOpening, open_cases
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.importing import command_line_limits
from consular.incidents.models import Incident
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import create_incident
from consular.migrate import upgrade
from consular.registry.models import Person
from consular.registry.service import import_registry
from consular.sealing import throwaway_key_unless_configured
from consular.tabular import read_table_bytes

throwaway_key_unless_configured()

AIM_S = 5.0
POST = "Consulate General in Atlanta"
FOLKSTON = "Folkston ICE Processing Center"
STEWART = "Stewart Detention Center"
OPERATOR = Actor.operator()


def _registry(count: int) -> bytes:
    rows = ["id,family_name,given_name,sex,date_of_birth,nationality,passport_number"]
    for n in range(count):
        day = datetime(1970, 1, 1).replace(year=1970 + n % 30, month=1 + n % 12, day=1 + n % 28)
        rows.append(f"B{n},WORKER,NUMBER{n:04d},M,{day:%Y-%m-%d},KOR,M{n + 10_000_000:08d}")
    return ("\n".join(rows) + "\n").encode()


def build(database_url: str, count: int) -> tuple[Callable[..., object], str, Actor]:
    """The migrated database with ``count`` cases: its session factory, incident, officer."""
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    limits = command_line_limits(Settings())
    with unit_of_work(factory) as db:
        get_or_create_post(db, POST, city="Atlanta", time_zone="America/New_York")
        user = create_user(
            db, OPERATOR, name="officer.kim", role="officer", password="bench pass 1", post=POST
        )
        officer = Actor.from_user(user)
        import_registry(db, OPERATOR, read_table_bytes(_registry(count), "r.csv", limits=limits))
        incident = create_incident(
            db,
            OPERATOR,
            IncidentCreate(
                title="Worksite raid",
                host_country="USA",
                place="Ellabell, Georgia",
                started_at=datetime(2025, 9, 4, 14, tzinfo=UTC),
                post=POST,
            ),
        )
        persons = db.query(Person.id).order_by(Person.id).all()
        openings = [
            CaseOpening(p.id, None, FOLKSTON if n % 2 else STEWART, f"A{200_000_000 + n}", "bench")
            for n, p in enumerate(persons)
        ]
        open_cases(db, OPERATOR, db.get_one(Incident, incident.id), openings)
        incident_id = incident.id
    return factory, incident_id, officer


def timed(factory: Callable[..., object], title: str, run: Callable[..., BulkReport]) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(factory) as db:  # type: ignore[arg-type]
        report = run(db)
    took = time.perf_counter() - started
    # This process's CPU time: on a busy machine, the wall time also counts the waits for it.
    spent = time.process_time() - cpu
    verdict = "meets" if took < AIM_S else "misses"
    print(
        f"{title:<44} {len(report.outcomes):>4} cases {len(report.applied):>4} applied "
        f"{took:6.2f} s wall {spent:6.2f} s CPU ({verdict} the {AIM_S:.0f} s aim)"
    )
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.backend == "postgresql":
            url = stack.enter_context(scratch_postgres(args.postgres_url))
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bulk.db"
        factory, incident_id, officer = build(url, args.cases)
        with unit_of_work(factory) as db:  # type: ignore[arg-type]
            ids = list(db.scalars(db.query(Case.id).statement))
            a_numbers = "\n".join(f"A{200_000_000 + n}" for n in range(len(ids)))
        print(f"{args.backend}: {len(ids)} cases; load average {os.getloadavg()[0]:.1f}")
        everyone = Selection(case_ids=ids)
        locate = BulkAction("transition", to="located")
        visit = datetime(2025, 9, 6, 15, tzinfo=UTC)

        def bulk(selection: Selection, action: BulkAction, **options: object):  # type: ignore[no-untyped-def]
            return lambda db: apply_bulk(db, officer, incident_id, selection, action, **options)

        figures = [
            timed(factory, "preview: move all to located", bulk(everyone, locate, dry_run=True)),
            timed(factory, "move all to located", bulk(everyone, locate)),
            timed(
                factory,
                "transfer all at Folkston (by the filter)",
                bulk(
                    Selection(filters={"facility": FOLKSTON}),
                    BulkAction("custody", facility=STEWART),
                ),
            ),
            timed(
                factory,
                "consular visit done for all, with evidence",
                bulk(
                    everyone,
                    BulkAction("milestone", milestone="consular_visit", evidence="Visit", at=visit),
                ),
            ),
            timed(
                factory,
                "assign an officer to all",
                bulk(everyone, BulkAction("assign", officer="officer.kim")),
            ),
            timed(
                factory,
                "move to consular access (pasted A-numbers)",
                bulk(Selection(pasted=a_numbers), BulkAction("transition", to="consular_access")),
            ),
        ]
        print(f"slowest: {max(figures):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
