"""Benchmark: the welfare interviews of a 100-person roster saved from one screen.

Run from the repository root::

    .venv/bin/python benchmarks/interviews.py [--people 100] [--backend postgresql]

It builds the bulk benchmark's incident (``benchmarks/bulk_actions.py``) with twice
``--people`` cases, then times, each in a transaction of its own as a request would be:
the interviews of the first ``--people`` saved through the service the screen's Save calls
(each with its wishes, its checklist items and its audit records), then the screen of the
next ``--people`` shown and saved through the HTTP form (a signed-in browser, TestClient).
Every fourth person is not seen. It prints the figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from benchmarks.bulk_actions import FOLKSTON, build
from benchmarks.import_registry import POSTGRES_SERVER, scratch_postgres
from consular.app import create_app
from consular.config import Settings
from consular.db import unit_of_work
from consular.interviews.service import InterviewInput, Visit, record_interviews
from consular.sealing import throwaway_key_unless_configured

throwaway_key_unless_configured()

AIM_S = 2.0
DAY = "2025-09-08"


def _answers(n: int) -> dict[str, str]:
    if n % 4 == 0:
        return {"seen": "no", "not_seen_reason": "not_produced"}
    return {
        "seen": "yes",
        "told_reason": "no" if n % 3 else "yes",
        "advised_rights": "unsure",
        "family_notice": "no" if n % 10 == 1 else "yes",
        "employer_notice": "not_asked",
        "wish": "voluntary_departure",
        "health": "tired, otherwise well",
        **({"injured": "yes", "injuries": "marks from restraints"} if n % 5 == 0 else {}),
    }


def _row(n: int) -> InterviewInput:
    answers = _answers(n)
    row = InterviewInput(case_number=n, seen=answers.pop("seen") == "yes")
    for name, value in answers.items():
        setattr(row, name, value == "yes" if name == "injured" else value)
    return row


def _report(title: str, rows: int, took: float) -> None:
    verdict = "meets" if took < AIM_S else "misses"
    print(f"{title:<46} {rows:>4} rows {took:6.2f} s ({verdict} the {AIM_S:.0f} s aim)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    args = parser.parse_args()
    people = args.people
    with contextlib.ExitStack() as stack:
        if args.backend == "postgresql":
            url = stack.enter_context(scratch_postgres(args.postgres_url))
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/interviews.db"
        factory, incident_id, officer = build(url, 2 * people)
        print(f"{args.backend}: {2 * people} cases; load average {os.getloadavg()[0]:.1f}")
        rows = [_row(n) for n in range(1, people + 1)]
        started = time.perf_counter()
        with unit_of_work(factory) as db:  # type: ignore[arg-type]
            record_interviews(db, officer, incident_id, Visit(FOLKSTON, DAY), rows)
        _report("service: save the roster", len(rows), time.perf_counter() - started)

        app = create_app(Settings(database_url=url), check_settings=False)
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            form = client.get("/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token
            sign = {"name": "officer.kim", "password": "bench pass 1", "csrf_token": token[1]}
            client.post("/sign-in", data=sign)
            numbers = f"{people + 1}-{2 * people}"
            started = time.perf_counter()
            screen = client.get(f"/incidents/{incident_id}/interviews?numbers={numbers}")
            shown = time.perf_counter() - started
            assert screen.status_code == 200, screen.status_code
            _report("HTTP: show the roster's screen", people, shown)
            token = re.search(r'name="csrf_token" value="([^"]+)"', screen.text)
            assert token
            data = {"csrf_token": token[1], "numbers": numbers, "facility": FOLKSTON, "date": DAY}
            for n in range(people + 1, 2 * people + 1):
                data.update({f"c{n}.{name}": value for name, value in _answers(n).items()})
            started = time.perf_counter()
            saved = client.post(f"/incidents/{incident_id}/interviews", data=data)
            took = time.perf_counter() - started
            assert saved.status_code == 303, saved.text[:2000]
            _report("HTTP: save the roster's form", people, took)
        app.state.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
