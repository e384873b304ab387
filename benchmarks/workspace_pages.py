"""Benchmark: how fast the workspace's pages answer, on the demo incident (317 cases).

Run from the repository root::

    .venv/bin/python benchmarks/workspace_pages.py [--requests 100] [--backend postgresql]

It builds the demo in a temporary SQLite file, or in a scratch PostgreSQL database dropped
at the end (`consular demo --no-serve`), serves the real
application under uvicorn in a child process on a loopback port, signs in as the demo
officer through the sign-in form, and times each page one request after another, as the
browser would see it (request sent to last byte). It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import Latency, scratch_postgres, serve

WARM_UP = 5
AIM_MS = 300.0


def build_demo(database_url: str) -> dict[str, str]:
    """Build the demo database; return the demo users' passwords."""
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-m", "consular.cli", "demo", "--db", database_url, "--no-serve"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"demo built in {time.perf_counter() - started:.1f} s")
    return dict(re.findall(r"^\s+(\S+)\s+\S+\s+(\S+)$", output, flags=re.M))


def sign_in(client: httpx.Client, name: str, password: str) -> None:
    form = client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "no form token on the sign-in page"
    answer = client.post(
        "/sign-in", data={"name": name, "password": password, "csrf_token": token.group(1)}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}")


def time_page(client: httpx.Client, label: str, path: str, count: int) -> Latency:
    for _ in range(WARM_UP):
        client.get(path).raise_for_status()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(count):
        sent = time.perf_counter()
        response = client.get(path)
        response.raise_for_status()
        samples.append((time.perf_counter() - sent) * 1000)
    return Latency(label, samples, time.perf_counter() - started, len(response.content))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args(argv)
    # The benchmark talks plain HTTP on loopback: the cookies must not be HTTPS-only.
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"
    with contextlib.ExitStack() as stack:
        if args.backend == "postgresql":
            database_url = stack.enter_context(scratch_postgres(args.postgres_url))
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            database_url = f"sqlite:///{folder}/demo.db"
        print(f"backend: {args.backend}")
        passwords = build_demo(database_url)
        with serve(database_url) as base_url, httpx.Client(base_url=base_url) as client:
            sign_in(client, "officer.kim", passwords["officer.kim"])
            dashboard = client.get("/").text
            found = re.search(r'href="/incidents/([0-9a-f-]+)"', dashboard)
            assert found, "no incident on the dashboard"
            incident = f"/incidents/{found.group(1)}"
            pages = [
                ("dashboard", "/"),
                ("incident, first page of 50 cases", incident),
                ("incident, page 7 (cases 301-317)", f"{incident}?page=7"),
                ("incident, overdue filter", f"{incident}?overdue=1"),
                ("CSV export of all 317 cases", f"{incident}/cases.csv"),
            ]
            results = [time_page(client, label, path, args.requests) for label, path in pages]
    print(f"\n{args.requests} timed requests per page after {WARM_UP} warm-up\n")
    print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}")
    for result in results:
        print(
            f"{result.label:<36} {result.p50:8.1f} {result.p95:8.1f} {result.slowest:8.1f}"
            f" {result.total:9,}"
        )
    worst = max(result.p95 for result in results)
    print(
        f"\naim: p95 under {AIM_MS:.0f} ms for every page: {'met' if worst < AIM_MS else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
