"""Benchmark: how fast the workspace's pages answer, on the demo incident and on 500 cases.

Run from the repository root::

    .venv/bin/python benchmarks/workspace_pages.py [--requests 100] [--backend postgresql]

It builds the demo in a temporary SQLite file, or in a scratch PostgreSQL database dropped
at the end (`consular demo --no-serve`), serves the real
application under uvicorn in a child process on a loopback port, signs in as the demo
officer through the sign-in form, and times each page one request after another, as the
browser would see it (request sent to last byte). It prints figures; it is not a test.

First the pages of the demo incident (Ellabell, 317 cases) and of its first case. Then,
with the API token the demo prints for the officer, it opens a second incident at the demo post
(`POST /api/v1/incidents`) and uploads to it a synthetic host-authority list of 500 rows
(`POST /api/v1/incidents/{id}/lists`). Each row is a person of the demo registry, redrawn
from the demo's seed, with the registry's name, date of birth and passport number, so each
row links automatically and opens a case. The script checks that the incident then holds
exactly 500 cases, that the 500-per-page views show 500 rows and the export 500 lines, and
stops otherwise. The arrests are dated 2025, so every case is overdue: the overdue filter
shows all 500. It times those pages and says whether their p95 meets the aim.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import Latency, scratch_postgres, serve
from consular.demo.build import ATLANTA, INCIDENT_TITLE, plan_demo
from consular.demo.lists import FOLKSTON, STEWART
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

WARM_UP = 5
AIM_MS = 300.0
DEMO_SEED = 2025
OFFICER = "officer.kim"
BIG_INCIDENT_CASES = 500
BIG_PAGE = 500
HOST_COLUMNS = (
    "id",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
    "passport_number",
    "facility",
)
REQUEST_TIMEOUT_S = 60.0
IMPORT_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class Demo:
    passwords: dict[str, str]
    token: str


def scratch_database(stack: contextlib.ExitStack, backend: str, postgres_url: str) -> str:
    """An empty database for the demo, removed when ``stack`` closes: a file or a scratch
    database on the PostgreSQL server."""
    if backend == "postgresql":
        return stack.enter_context(scratch_postgres(postgres_url))
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    return f"sqlite:///{folder}/demo.db"


def build_demo(database_url: str) -> Demo:
    """Build the demo database; return the demo users' passwords and the officer's token."""
    started = time.perf_counter()
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "consular.cli",
            "demo",
            "--db",
            database_url,
            "--seed",
            str(DEMO_SEED),
            "--no-serve",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"demo built in {time.perf_counter() - started:.1f} s")
    token = re.search(rf"^API token for {re.escape(OFFICER)}: (\S+)$", output, flags=re.M)
    if token is None:
        raise RuntimeError(f"the demo printed no API token for {OFFICER}")
    passwords = dict(re.findall(r"^\s+(\S+)\s+\S+\s+(\S+)$", output, flags=re.M))
    return Demo(passwords, token.group(1))


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


# --- the incident of 500 cases ------------------------------------------------------------


def host_list_csv(count: int) -> bytes:
    """A host-authority list of ``count`` demo registry persons, as the registry has them.

    The persons are redrawn from the demo's seed: people of the general registry, neither
    deployed to the Ellabell site nor detained there.
    """
    world = plan_demo(DEMO_SEED).world
    pool = [p for p in world.registry if not p.employer and not p.detained]
    chosen = random.Random(DEMO_SEED + BIG_INCIDENT_CASES).sample(pool, count)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HOST_COLUMNS)
    for index, person in enumerate(chosen, start=1):
        writer.writerow(
            [
                f"B{index:04d}",
                f"{person.name.family_latin}, {person.name.given_latin}",
                person.date_of_birth.isoformat(),
                person.sex,
                "KOR",
                person.passport_number,
                STEWART if person.sex == "F" else FOLKSTON,
            ]
        )
    return out.getvalue().encode()


def find_incident(api: httpx.Client, title: str) -> str:
    response = api.get("/api/v1/incidents")
    response.raise_for_status()
    found = [i["id"] for i in response.json() if i["title"] == title]
    if len(found) != 1:
        raise RuntimeError(f"{len(found)} incidents titled {title!r}, expected one")
    return str(found[0])


def open_big_incident(api: httpx.Client) -> str:
    """Open an incident at the demo post and give it 500 cases through the API."""
    created = api.post(
        "/api/v1/incidents",
        json={
            "title": f"Benchmark: {BIG_INCIDENT_CASES} detainees",
            "host_country": "USA",
            "place": "Savannah, Georgia",
            "agency": "ICE",
            "started_at": "2025-10-02T06:00:00-04:00",
            "post": ATLANTA,
        },
    )
    if created.status_code != 201:
        raise RuntimeError(f"creating the incident answered {created.status_code}: {created.text}")
    incident_id = str(created.json()["id"])
    data = host_list_csv(BIG_INCIDENT_CASES)
    started = time.perf_counter()
    uploaded = api.post(
        f"/api/v1/incidents/{incident_id}/lists",
        data={"kind": "host_authority"},
        files={"file": ("host-authority-500.csv", data, "text/csv")},
        timeout=IMPORT_TIMEOUT_S,
    )
    elapsed = time.perf_counter() - started
    if uploaded.status_code != 201:
        raise RuntimeError(f"the list upload answered {uploaded.status_code}: {uploaded.text}")
    report = uploaded.json()
    print(
        f"host-authority list of {BIG_INCIDENT_CASES} rows imported through the API in"
        f" {elapsed:.1f} s: {report['linked']} linked, {report['cases_created']} cases opened,"
        f" {report['review']} held for review"
    )
    if report["linked"] != BIG_INCIDENT_CASES or report["cases_created"] != BIG_INCIDENT_CASES:
        raise RuntimeError(f"the list import did not open {BIG_INCIDENT_CASES} cases: {report}")
    cases = api.get(f"/api/v1/incidents/{incident_id}/cases", params={"limit": 1})
    cases.raise_for_status()
    total = int(cases.json()["total"])
    if total != BIG_INCIDENT_CASES:
        raise RuntimeError(f"the incident holds {total} cases, expected {BIG_INCIDENT_CASES}")
    return incident_id


def first_case(client: httpx.Client, incident: str) -> str:
    """The first case on the incident's first page: a person, their contacts and history."""
    response = client.get(incident)
    response.raise_for_status()
    found = re.search(r'<a href="(/cases/[0-9a-f-]+)">', response.text)
    if not found:
        raise SystemExit(f"no case on {incident}")
    return found.group(1)


def check_rows(client: httpx.Client, path: str, expected: int) -> None:
    """Fail unless the page lists ``expected`` cases (the CSV export, ``expected`` lines)."""
    response = client.get(path)
    response.raise_for_status()
    if path.split("?")[0].endswith(".csv"):
        rows = len(list(csv.reader(io.StringIO(response.text)))) - 1
    else:
        rows = len(re.findall(r'<a href="/cases/[0-9a-f-]+">', response.text))
    if rows != expected:
        raise RuntimeError(f"{path} shows {rows} cases, expected {expected}")


# --- the run and the report ---------------------------------------------------------------


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
        sign_in(client, OFFICER, demo.passwords[OFFICER])
        # The demo incident's pages first, while it is the only incident (as before).
        incident = f"/incidents/{find_incident(api, INCIDENT_TITLE)}"
        pages = [
            ("one case (contacts, messages, history)", first_case(client, incident)),
            ("dashboard", "/"),
            ("incident, first page of 50 cases", incident),
            ("incident, page 7 (cases 301-317)", f"{incident}?page=7"),
            ("incident, overdue filter", f"{incident}?overdue=1"),
            ("CSV export of all 317 cases", f"{incident}/cases.csv"),
        ]
        results = [time_page(client, label, path, args.requests) for label, path in pages]
        big = f"/incidents/{open_big_incident(api)}"
        big_pages = [
            ("500 cases, per_page=500", f"{big}?per_page={BIG_PAGE}", BIG_INCIDENT_CASES),
            (
                "500 cases, per_page=500, overdue",
                f"{big}?overdue=1&per_page={BIG_PAGE}",
                BIG_INCIDENT_CASES,
            ),
            ("500 cases, first page of 50", big, 50),
            ("CSV export of the 500 cases", f"{big}/cases.csv", BIG_INCIDENT_CASES),
        ]
        for _, path, expected in big_pages:
            check_rows(client, path, expected)
        big_results = [
            time_page(client, label, path, args.requests) for label, path, _ in big_pages
        ]
    print(f"\n{args.requests} timed requests per page after {WARM_UP} warm-up\n")
    everything = results + big_results
    width = max(len(result.label) for result in everything)
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}  p95 aim")
    for result in everything:
        print(
            f"{result.label:<{width}} {result.p50:8.1f} {result.p95:8.1f} {result.slowest:8.1f}"
            f" {result.total:9,}  {verdict(result.p95)}"
        )
    full_pages = big_results[:2]
    print(
        f"\naim: a page with {BIG_INCIDENT_CASES} cases in under {AIM_MS:.0f} ms (p95, both"
        f" {BIG_PAGE}-row pages): {verdict(max(result.p95 for result in full_pages))}"
    )
    worst = max(result.p95 for result in everything)
    print(f"aim: p95 under {AIM_MS:.0f} ms for every page: {verdict(worst)}")
    return 0


def verdict(p95_ms: float) -> str:
    return "met" if p95_ms < AIM_MS else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
