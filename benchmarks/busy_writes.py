"""Benchmark: do sign-ins wait while an officer reconciles a large list in the wizard?

Run from the repository root::

    .venv/bin/python benchmarks/busy_writes.py [--rows 5000] [--backend sqlite]

It builds the demo (20,000 registry persons) in a temporary SQLite file (or a scratch
PostgreSQL database), serves the real application under uvicorn in a child process, and
takes a synthetic host list of ``--rows`` registry persons through the wizard to the check
page as officer.kim. Then it presses "reconcile" and, while the reconcile runs, another
client signs in as officer.lee again and again (each sign-in writes a session and an audit
event, as every change does). It prints how long the reconcile took and the sign-ins sent
meanwhile: how many, their answers, and their latency. A sign-in that waited for the
reconcile's write lock shows as a latency close to the reconcile's own time, or as a 503
("the system is busy") after the busy timeout; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import POSTGRES_SERVER, Latency, serve
from benchmarks.import_wizard import host_list, ok
from benchmarks.workspace_pages import build_demo, scratch_database, sign_in
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no form token"
    return found.group(1)


def ready_to_reconcile(client: httpx.Client, listing: bytes, bad: list[int]) -> tuple[str, str]:
    """Upload the list, save its columns, leave the bad rows out: the draft and a token."""
    dashboard = ok(client.get("/"), 200).text
    incident = re.search(r'href="(/incidents/[0-9a-f-]+)"', dashboard)
    assert incident, "no incident on the dashboard"
    csrf = _token(ok(client.get(f"{incident.group(1)}/imports/new"), 200).text)
    answer = ok(
        client.post(
            f"{incident.group(1)}/imports",
            data={"kind": "host_authority", "csrf_token": csrf},
            files={"file": ("host-list.csv", listing, "text/csv")},
        )
    )
    base = answer.headers["location"].rsplit("/", 1)[0]
    page = ok(client.get(f"{base}/columns"), 200).text
    chosen = dict(re.findall(r'name="(field-\d+)">.*?<option value="([^"]*)" selected', page, re.S))
    form = {"csrf_token": csrf, "kind": "host_authority", "date_format": "%m/%d/%Y", **chosen}
    ok(client.post(f"{base}/columns", data=form))
    if bad:
        ok(client.post(f"{base}/leave-out", data={"csrf_token": csrf, "leave_out": "1"}))
    return base, csrf


def sign_ins_until(
    base_url: str, password: str, done: threading.Event
) -> tuple[list[float], Counter[int]]:
    """Sign in as officer.lee again and again until ``done``: latencies and answers."""
    samples: list[float] = []
    answers: Counter[int] = Counter()
    with httpx.Client(base_url=base_url, timeout=120) as client:
        while not done.is_set():
            csrf = _token(client.get("/sign-in").text)
            sent = time.perf_counter()
            answer = client.post(
                "/sign-in",
                data={"name": "officer.lee", "password": password, "csrf_token": csrf},
            )
            samples.append((time.perf_counter() - sent) * 1000)
            answers[answer.status_code] += 1
            client.cookies.clear()
    return samples, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    args = parser.parse_args()
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"  # plain HTTP on loopback
    with contextlib.ExitStack() as stack:
        database_url = scratch_database(stack, args.backend, args.postgres_url)
        passwords = build_demo(database_url).passwords
        listing, bad = host_list(database_url, args.rows)
        base_url = stack.enter_context(serve(database_url))
        with httpx.Client(base_url=base_url, timeout=600) as officer:
            sign_in(officer, "officer.kim", passwords["officer.kim"])
            base, csrf = ready_to_reconcile(officer, listing, bad)
            done = threading.Event()
            result: list[tuple[list[float], Counter[int]]] = []
            other = threading.Thread(
                target=lambda: result.append(
                    sign_ins_until(base_url, passwords["officer.lee"], done)
                )
            )
            started = time.perf_counter()
            other.start()
            reconciled = officer.post(f"{base}/reconcile", data={"csrf_token": csrf})
            took = time.perf_counter() - started
            done.set()
            other.join()
    samples, answers = result[0]
    print(f"list: {args.rows} rows ({len(bad)} left out), {args.backend}")
    print(f"reconcile: answered {reconciled.status_code} after {took:.1f} s")
    shown = ", ".join(f"{count} × {status}" for status, count in sorted(answers.items()))
    print(f"sign-ins meanwhile: {len(samples)} ({shown})")
    if samples:
        latency = Latency("sign-in", samples, took, len(samples))
        print(
            f"sign-in latency: p50 {latency.p50:.1f} ms, p95 {latency.p95:.1f} ms, "
            f"max {latency.slowest:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
