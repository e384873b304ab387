"""Benchmark: an incident's timeline ("What changed") with 10,000 audit events in the incident.

Run from the repository root::

    .venv/bin/python benchmarks/timeline.py [--requests 100] [--backend postgresql]

It builds the demo (`consular demo --no-serve`) in a temporary SQLite file or a scratch
PostgreSQL database dropped at the end, then appends to the audit log, through the log's own
append (`audit.record_many`, hash chain and all), 10,000 events on the Ellabell incident's
317 cases (notes, moves, custody, checklist items, assignments, by two officers) mixed with
30,000 events elsewhere (sign-ins, cases of other incidents), in batches of 1,000, so the
incident's events are spread through the log as they would be, then runs ``ANALYZE``. It
serves the real application under uvicorn in a child process, signs in as the demo officer
through the sign-in form and times each page one request after another (request sent to
last byte). It checks that the first page shows 100 events, and prints figures; it is not
a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import Latency, serve
from benchmarks.workspace_pages import (
    AIM_MS,
    OFFICER,
    REQUEST_TIMEOUT_S,
    WARM_UP,
    build_demo,
    find_incident,
    scratch_database,
    sign_in,
    time_page,
    verdict,
)
from consular.audit.models import AuditEvent
from consular.audit.service import Event, record_many
from consular.audit.tags import AuditTag
from consular.cases.models import Case
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.demo.build import INCIDENT_TITLE
from consular.sealing import throwaway_key_unless_configured

throwaway_key_unless_configured()

IN_INCIDENT = 10_000
ELSEWHERE = 30_000
BATCH = 1_000
SEED = 16
OFFICERS = ("officer.kim", "officer.lee")


def _case_event(rng: random.Random, case_id: str, n: int) -> Event:
    actor = rng.choice(OFFICERS)
    kinds = [
        (AuditTag.NOTE_ADD, {"body": f"Phoned the family, call {n}"}),
        (AuditTag.CASE_TRANSITION, {"state": ["located", "consular_access"], "note": ""}),
        (
            AuditTag.CUSTODY_RECORD,
            {"kind": "transferred", "facility": ["Folkston", "Stewart"], "note": ""},
        ),
        (
            AuditTag.MILESTONE_COMPLETE,
            {
                "kind": "consular_visit",
                "done_at": datetime.now(UTC).isoformat(),
                "evidence": "Visited at Folkston",
            },
        ),
        (
            AuditTag.CASE_ASSIGN,
            {"assigned_to": [None, actor], "second_officer": [None, None], "note": ""},
        ),
    ]
    tag, diff = kinds[n % len(kinds)]
    return Event(actor, tag, "case", case_id, diff, case_id=case_id)


def _elsewhere(rng: random.Random, n: int) -> Event:
    if n % 3:
        return Event("officer.park", AuditTag.SIGN_IN, "user", str(uuid.UUID(int=n)), {})
    other_case = str(uuid.UUID(int=rng.getrandbits(128)))
    diff = {"body": f"Another incident's note {n}"}
    return Event("officer.park", AuditTag.NOTE_ADD, "case", other_case, diff, case_id=other_case)


def fill_the_log(database_url: str, incident_id: str) -> None:
    """Append the incident's 10,000 events and 30,000 others, mixed, batch by batch."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    rng = random.Random(SEED)
    with unit_of_work(factory, write=False) as db:
        cases = list(db.scalars(select(Case.id).where(Case.incident_id == incident_id)))
    share = IN_INCIDENT * BATCH // (IN_INCIDENT + ELSEWHERE)
    made = [0, 0]
    while made[0] < IN_INCIDENT or made[1] < ELSEWHERE:
        events = []
        for _ in range(BATCH):
            mine = made[0] < IN_INCIDENT and (made[1] >= ELSEWHERE or rng.randrange(BATCH) < share)
            if mine:
                events.append(_case_event(rng, rng.choice(cases), made[0]))
            else:
                events.append(_elsewhere(rng, made[1]))
            made[0 if mine else 1] += 1
        with unit_of_work(factory) as db:
            record_many(db, events)
    with unit_of_work(factory, write=False) as db:
        total = db.scalar(select(func.count()).select_from(AuditEvent))
    print(f"audit log: {total:,} events, {IN_INCIDENT:,} of them added to the incident's cases")
    # What autovacuum does a little later on a server: without it PostgreSQL plans the
    # 40,000 new rows as if they were not there.
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def middle_cursor(api: httpx.Client, incident_id: str) -> int:
    """The ``before`` of the 50th page: 5,000 events down."""
    before = None
    for _ in range(50):
        params = {"limit": 100} if before is None else {"limit": 100, "before": before}
        response = api.get(f"/api/v1/incidents/{incident_id}/changes", params=params)
        response.raise_for_status()
        before = response.json()["older"]
    assert before is not None
    return int(before)


def check_first_page(client: httpx.Client, path: str) -> None:
    shown = len(re.findall(r"<time datetime=", client.get(path).text))
    if shown != 100:
        raise RuntimeError(f"{path} shows {shown} events, expected 100")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args(argv)
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"
    with contextlib.ExitStack() as stack:
        database_url = scratch_database(stack, args.backend, args.postgres_url)
        print(f"backend: {args.backend}")
        demo = build_demo(database_url)
        base_url = stack.enter_context(serve(database_url))
        client = stack.enter_context(httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S))
        api = stack.enter_context(
            httpx.Client(
                base_url=base_url,
                headers={"Authorization": f"Bearer {demo.token}"},
                timeout=REQUEST_TIMEOUT_S,
            )
        )
        incident_id = find_incident(api, INCIDENT_TITLE)
        fill_the_log(database_url, incident_id)
        sign_in(client, OFFICER, demo.passwords[OFFICER])
        timeline = f"/incidents/{incident_id}/changes"
        check_first_page(client, timeline)
        today = datetime.now(UTC).date().isoformat()
        middle = middle_cursor(api, incident_id)
        pages = [
            ("first page (100 events; the visit remembered)", timeline),
            ("page 51 (events 5,001-5,100)", f"{timeline}?before={middle}"),
            ("kind: notes", f"{timeline}?kind=notes"),
            ("officer: officer.lee", f"{timeline}?officer=officer.lee"),
            ("case number 17", f"{timeline}?case=17"),
            ("day: today", f"{timeline}?day={today}"),
            ("kind matching nothing (messages)", f"{timeline}?kind=messages"),
            ("API, first page, Korean", f"/api/v1/incidents/{incident_id}/changes?lang=ko"),
        ]
        results: list[Latency] = []
        for label, path in pages:
            timer = api if path.startswith("/api/") else client
            results.append(time_page(timer, label, path, args.requests))
    print(f"\n{args.requests} timed requests per page after {WARM_UP} warm-up\n")
    width = max(len(result.label) for result in results)
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}  p95 aim")
    for result in results:
        print(
            f"{result.label:<{width}} {result.p50:8.1f} {result.p95:8.1f} {result.slowest:8.1f}"
            f" {result.total:9,}  {verdict(result.p95)}"
        )
    worst = max(result.p95 for result in results)
    print(f"\naim: p95 under {AIM_MS:.0f} ms for every timeline page: {verdict(worst)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
