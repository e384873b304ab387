"""Benchmark: how fast "My work" answers an officer with a few thousand open checklist items.

Run from the repository root::

    .venv/bin/python benchmarks/my_work.py [--requests 100] [--backend postgresql]

It builds the demo (Ellabell, 317 cases of 7 checklist items) in a temporary SQLite file or
a scratch PostgreSQL database dropped at the end, then, in this process: opens two more
incidents at the demo post with a synthetic host-authority list of 500 demo registry
persons each; assigns every case round-robin to the demo's two officers and two more, with
a second officer on every other case (``consular.cases.assignment.assign_case``, audited);
and adds case notes (audited) until the audit log holds at least 10,000 events. It then
serves the real application under uvicorn in a child process, signs in as officer.kim
through the sign-in form and times, one request after another, the "My work" page with each
filter, the dashboard (which counts the officer's items) and ``GET /api/v1/my-work``. It
prints figures and whether each p95 meets the aim; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import Latency, serve
from benchmarks.workspace_pages import (
    AIM_MS,
    build_demo,
    find_incident,
    host_list_csv,
    scratch_database,
    sign_in,
    time_page,
)
from consular.audit.models import AuditEvent
from consular.auth.models import User
from consular.auth.service import Actor, create_user
from consular.cases.assignment import assign_case
from consular.cases.models import Case, Milestone
from consular.cases.service import add_note
from consular.cases.states import IN_CUSTODY
from consular.cases.worklist import work_counts
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.demo.build import ATLANTA, INCIDENT_TITLE
from consular.demo.lists import FOLKSTON
from consular.importing import command_line_limits
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import create_incident, import_list
from consular.tabular import read_table_bytes

OFFICER = "officer.kim"
OFFICERS = (OFFICER, "officer.lee", "officer.bench1", "officer.bench2")
MORE_INCIDENTS = 2
AUDIT_EVENTS = 10_000
OPERATOR = Actor.operator()


def more_incidents(factory: object) -> None:
    """Two more incidents at the demo post, each with 500 cases from a host list."""
    limits = command_line_limits(Settings())
    data = host_list_csv(500)
    for number in range(1, MORE_INCIDENTS + 1):
        with unit_of_work(factory) as db:  # type: ignore[arg-type]
            incident = create_incident(
                db,
                OPERATOR,
                IncidentCreate(
                    title=f"Benchmark incident {number}",
                    host_country="USA",
                    place="Savannah, Georgia",
                    agency="ICE",
                    started_at=f"2025-10-0{number}T06:00:00-04:00",  # type: ignore[arg-type]
                    post=ATLANTA,
                ),
            )
            table = read_table_bytes(data, f"host-{number}.csv", limits=limits)
            import_list(db, OPERATOR, incident.id, "host_authority", table)


def assign_everyone(factory: object) -> None:
    """Every case to one of four officers, round-robin, and a second on every other case."""
    with unit_of_work(factory) as db:  # type: ignore[arg-type]
        for name in OFFICERS[2:]:
            create_user(
                db, OPERATOR, name=name, role="officer", password="bench pass 12", post=ATLANTA
            )
    with unit_of_work(factory) as db:  # type: ignore[arg-type]
        cases = db.scalars(select(Case).order_by(Case.incident_id, Case.number)).all()
        for index, case in enumerate(cases):
            first = OFFICERS[index % len(OFFICERS)]
            second = OFFICERS[(index + 1) % len(OFFICERS)] if index % 2 else None
            assign_case(db, OPERATOR, case.id, officer=first, second=second, version=case.version)


def fill_audit_log(factory: object) -> int:
    """Case notes (each audited) until the audit log holds ``AUDIT_EVENTS`` events."""
    with unit_of_work(factory) as db:  # type: ignore[arg-type]
        count = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
        ids = db.scalars(select(Case.id).order_by(Case.number)).all()
        for index in range(max(0, AUDIT_EVENTS - count)):
            add_note(db, OPERATOR, ids[index % len(ids)], f"Benchmark note {index}.")
        return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def open_items(factory: object) -> tuple[int, int]:
    """Open items of cases still held: in all, and officer.kim's (as officer or second)."""
    with unit_of_work(factory, write=False) as db:  # type: ignore[arg-type]
        held = (
            select(func.count())
            .select_from(Milestone)
            .join(Case, Case.id == Milestone.case_id)
            .where(Milestone.done_at.is_(None), Case.state.in_([s.value for s in IN_CUSTODY]))
        )
        kim = db.scalar(
            select(func.count()).select_from(Case).where(Case.assigned_to.has(name=OFFICER))
        )
        mine = held.where(
            Case.assigned_to.has(name=OFFICER) | Case.second_officer.has(name=OFFICER)
        )
        total = db.scalar(held) or 0
        print(f"{OFFICER}: {kim} cases as officer")
        return total, db.scalar(mine) or 0


def time_counts(factory: object, requests: int) -> Latency:
    """The dashboard's share: ``work_counts`` for officer.kim, in this process."""
    with unit_of_work(factory, write=False) as db:  # type: ignore[arg-type]
        user = db.scalars(select(User).where(User.name == OFFICER)).one()
        actor = Actor.from_user(user)
        samples = []
        started = time.perf_counter()
        for _ in range(requests):
            sent = time.perf_counter()
            counts = work_counts(db, actor)
            samples.append((time.perf_counter() - sent) * 1000)
    return Latency("work_counts (in process)", samples, time.perf_counter() - started, len(counts))


def measure(base_url: str, password: str, token: str, requests: int) -> list[Latency]:
    bearer = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=base_url, timeout=60, headers={"Accept-Language": "en"}) as web,
        httpx.Client(base_url=base_url, timeout=60, headers=bearer) as api,
    ):
        sign_in(web, OFFICER, password)
        demo = find_incident(api, INCIDENT_TITLE)
        pages = [
            ("My work (all, page 1)", "/my-work"),
            ("My work: overdue", "/my-work?due=overdue"),
            ("My work: breached, page 3", "/my-work?due=breached&page=3"),
            ("My work: due in 24 h", "/my-work?due=soon"),
            ("My work: incident + facility", f"/my-work?incident={demo}&facility={FOLKSTON}"),
            ("Dashboard (with my counts)", "/"),
        ]
        results = [time_page(web, label, path, requests) for label, path in pages]
        path = "/api/v1/my-work?due=overdue"
        results.append(time_page(api, "API my-work?due=overdue", path, requests))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    options = parser.parse_args()
    # The server is plain HTTP on loopback: cookies without the Secure flag, as in the demo.
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"
    with contextlib.ExitStack() as stack:
        url = scratch_database(stack, options.backend, options.postgres_url)
        demo = build_demo(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        more_incidents(factory)
        assign_everyone(factory)
        events = fill_audit_log(factory)
        total, mine = open_items(factory)
        counts = time_counts(factory, options.requests)
        engine.dispose()
        print(
            f"set-up in {time.perf_counter() - started:.1f} s: {events} audit events, "
            f"{total} open items of held cases, {mine} of them {OFFICER}'s"
        )
        base_url = stack.enter_context(serve(url))
        results = measure(base_url, demo.passwords[OFFICER], demo.token, options.requests)
        results.append(counts)
    print(f"\n{options.backend}, {options.requests} requests each (ms)")
    print(f"{'':34} {'p50':>7} {'p95':>7} {'max':>7} {'bytes':>8}  aim p95 < {AIM_MS:.0f} ms")
    for result in results:
        verdict = "meets" if result.p95 < AIM_MS else "MISSES"
        print(
            f"{result.label:34} {result.p50:7.1f} {result.p95:7.1f} {result.slowest:7.1f} "
            f"{result.total:8d}  {verdict}"
        )
    return 0 if all(r.p95 < AIM_MS for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
