"""Benchmark: registry import, host-authority list import and the case list API.

Run from the repository root::

    .venv/bin/python benchmarks/import_registry.py [--rows 100000] [--cases 10000]
        [--requests 300] [--backends sqlite,postgresql]

It prints figures; it is not a test. The data are synthetic and drawn from a fixed seed; they
live in a temporary folder and, for PostgreSQL, in a scratch database dropped at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import platform
import pstats
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.service import Actor, create_token, create_user, get_or_create_post
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.demo.names import draw_korean_name
from consular.importing import command_line_limits
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import create_incident, prepare_list, store_prepared
from consular.migrate import upgrade
from consular.registry.service import import_registry
from consular.sealing import throwaway_key_unless_configured
from consular.tabular import read_table

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

# Read as `consular import` reads a file.
LIMITS = command_line_limits(Settings())
BACKENDS = ("sqlite", "postgresql")
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POST = "Consulate General in Atlanta"
OFFICER = "bench.officer"
EMPLOYERS = ("Hanbit Cell Works", "Seorin Construction", "Daon Plant Engineering")
FACILITIES = ("Folkston Processing Center", "Stewart Detention Center", "Charlton County Jail")
REGISTRY_COLUMNS = (
    "id",
    "family_name",
    "given_name",
    "family_name_hangul",
    "given_name_hangul",
    "sex",
    "date_of_birth",
    "nationality",
    "passport_number",
    "employer",
)
HOST_COLUMNS = ("id", "full_name", "date_of_birth", "nationality", "passport_number", "facility")
EMPLOYED_SHARE = 0.1
FIRST_BIRTH = date(1960, 1, 1)
LAST_BIRTH = date(2005, 12, 31)
PAGE = 50
WARM_UP = 20
RUNS = {"page": f"cases, random page of {PAGE}", "overdue": f"overdue cases, first {PAGE}"}
REQUEST_TIMEOUT_S = 60.0
AIM_IMPORT_ROWS_PER_S = 20_000
AIM_P95_MS = 50.0
# The application factory takes a Settings object, so the server is started from code.
SERVER_CODE = (
    "import sys, uvicorn\n"
    "from consular.app import create_app\n"
    "from consular.config import Settings\n"
    "uvicorn.run(create_app(Settings(database_url=sys.argv[1])), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)


@dataclass(frozen=True, slots=True)
class RegistryPerson:
    """The fields of a registry row that a host-authority list repeats."""

    ref: str
    family_latin: str
    given_latin: str
    date_of_birth: date
    passport_number: str


@dataclass(frozen=True, slots=True)
class Files:
    registry: Path
    host_list: Path


@dataclass(frozen=True, slots=True)
class Latency:
    """Wall-clock latencies of one run of requests, as the client saw them."""

    label: str
    samples_ms: list[float]
    elapsed_s: float
    total: int

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[94]

    @property
    def slowest(self) -> float:
        return max(self.samples_ms)

    @property
    def per_second(self) -> float:
        return len(self.samples_ms) / self.elapsed_s


@dataclass
class BackendResult:
    backend: str
    registry_read_s: float = 0.0
    registry_import_s: float = 0.0
    registry_rows: int = 0
    list_read_s: float = 0.0
    list_import_s: float = 0.0
    list_reconcile_s: float = 0.0
    list_write_s: float = 0.0
    list_rows: int = 0
    analyze_s: float | None = None
    latencies: dict[str, Latency] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def registry_rows_per_s(self) -> float:
        return self.registry_rows / self.registry_import_s

    @property
    def list_rows_per_s(self) -> float:
        return self.list_rows / self.list_import_s


def say(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


# --- synthetic files ----------------------------------------------------------------------


def write_registry(path: Path, count: int, rng: random.Random) -> list[RegistryPerson]:
    passports = rng.sample(range(10**8), count)
    span = (LAST_BIRTH - FIRST_BIRTH).days
    persons: list[RegistryPerson] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTRY_COLUMNS)
        for index, number in enumerate(passports, start=1):
            sex = rng.choice("MF")
            name = draw_korean_name(rng, sex)
            person = RegistryPerson(
                ref=f"R{index:07d}",
                family_latin=name.family_latin,
                given_latin=name.given_latin,
                date_of_birth=FIRST_BIRTH + timedelta(days=rng.randrange(span)),
                passport_number=f"M{number:08d}",
            )
            employer = rng.choice(EMPLOYERS) if rng.random() < EMPLOYED_SHARE else ""
            writer.writerow(
                [
                    person.ref,
                    name.family_latin,
                    name.given_latin,
                    name.family_hangul,
                    name.given_hangul,
                    sex,
                    person.date_of_birth.isoformat(),
                    "KOR",
                    person.passport_number,
                    employer,
                ]
            )
            persons.append(person)
    return persons


def write_host_list(
    path: Path, persons: list[RegistryPerson], count: int, rng: random.Random
) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HOST_COLUMNS)
        for index, person in enumerate(rng.sample(persons, count), start=1):
            writer.writerow(
                [
                    f"H{index:06d}",
                    f"{person.family_latin}, {person.given_latin}",
                    person.date_of_birth.isoformat(),
                    "KOR",
                    person.passport_number,
                    rng.choice(FACILITIES),
                ]
            )


def write_files(folder: Path, args: argparse.Namespace) -> Files:
    rng = random.Random(args.seed)
    files = Files(folder / "registry.csv", folder / "host_authority.csv")
    started = time.perf_counter()
    persons = write_registry(files.registry, args.rows, rng)
    write_host_list(files.host_list, persons, args.cases, rng)
    elapsed = time.perf_counter() - started
    say(f"wrote {args.rows:,} registry rows and {args.cases:,} list rows in {elapsed:.1f} s")
    return files


# --- databases ----------------------------------------------------------------------------


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A database of our own on the server, dropped at the end whatever happens."""
    server = make_url(server_url)
    name = f"consular_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def profiled(top: int, title: str) -> Iterator[None]:
    """Profile the block when ``top`` > 0 and print its ``top`` functions by cumulative time.

    The figures are printed when the block ends, so time the work inside the block.
    """
    if top <= 0:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
    print(f"\nProfile of {title} (profiler on, so slower than unprofiled):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def time_registry_import(
    factory: sessionmaker[Session], path: Path, result: BackendResult, profile_top: int
) -> None:
    started = time.perf_counter()
    table = read_table(path, limits=LIMITS)
    result.registry_read_s = time.perf_counter() - started
    with profiled(profile_top, f"the registry import on {result.backend}"):
        started = time.perf_counter()
        with unit_of_work(factory) as db:
            report = import_registry(db, Actor.operator(), table)
        result.registry_import_s = time.perf_counter() - started
    result.registry_rows = len(table.rows)
    if report.new_persons != len(table.rows):
        result.problems.append(
            f"registry import added {report.new_persons:,} persons, expected {len(table.rows):,}"
        )


def create_benchmark_incident(factory: sessionmaker[Session]) -> str:
    with unit_of_work(factory) as db:
        get_or_create_post(db, POST, time_zone="America/New_York")
        incident = create_incident(
            db,
            Actor.operator(),
            IncidentCreate(
                title="Benchmark: worksite enforcement action",
                host_country="USA",
                place="Ellabell, Georgia",
                agency="ICE",
                started_at=datetime(2025, 9, 4, 10, 0, tzinfo=ZoneInfo("America/New_York")),
                post=POST,
            ),
        )
        return incident.id


def time_list_import(
    factory: sessionmaker[Session], path: Path, result: BackendResult, profile_top: int
) -> str:
    incident_id = create_benchmark_incident(factory)
    started = time.perf_counter()
    table = read_table(path, limits=LIMITS)
    result.list_read_s = time.perf_counter() - started
    with profiled(profile_top, f"the host-authority list import on {result.backend}"):
        started = time.perf_counter()
        with unit_of_work(factory) as db:
            # ``import_list`` in its two steps, timed apart: reconciliation, then writing.
            prepared = prepare_list(db, Actor.operator(), incident_id, "host_authority", table)
            result.list_reconcile_s = time.perf_counter() - started
            report = store_prepared(db, Actor.operator(), prepared)
        result.list_import_s = time.perf_counter() - started
        result.list_write_s = result.list_import_s - result.list_reconcile_s
    result.list_rows = expected = len(table.rows)
    if report.linked != expected or report.cases_created != expected:
        result.problems.append(
            f"list import linked {report.linked:,} rows and created {report.cases_created:,} "
            f"cases, expected {expected:,} each ({report.review:,} held for review, "
            f"{report.out_of_scope:,} out of scope)"
        )
    return incident_id


def create_officer_token(factory: sessionmaker[Session]) -> str:
    operator = Actor.operator()
    with unit_of_work(factory) as db:
        create_user(
            db, operator, name=OFFICER, role="officer", password="bench-password-1", post=POST
        )
        return create_token(db, operator, OFFICER)


# --- the HTTP server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /api/v1/health within {timeout_s:.0f} s")


@contextmanager
def serve(database_url: str, timeout_s: float = 60) -> Iterator[str]:
    """The real application under uvicorn in a child process; stopped whatever happens."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-c", SERVER_CODE, database_url, str(port)])
    try:
        wait_until_healthy(process, base_url, timeout_s)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get_total(client: httpx.Client, path: str) -> int:
    response = client.get(path)
    response.raise_for_status()
    return int(response.json()["total"])


def time_requests(
    client: httpx.Client, label: str, next_path: Callable[[], str], count: int, max_s: float
) -> Latency:
    """Warm up, then time requests one after another until ``count`` or ``max_s`` is reached."""
    total = get_total(client, next_path())
    for _ in range(WARM_UP):
        get_total(client, next_path())
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < count and time.perf_counter() - started < max_s:
        path = next_path()
        sent = time.perf_counter()
        client.get(path).raise_for_status()
        samples.append((time.perf_counter() - sent) * 1000)
    return Latency(label, samples, time.perf_counter() - started, total)


def run_requests(
    client: httpx.Client,
    run: str,
    next_path: Callable[[], str],
    args: argparse.Namespace,
    result: BackendResult,
) -> None:
    label = RUNS[run]
    try:
        latency = time_requests(client, label, next_path, args.requests, args.max_seconds)
    except httpx.HTTPError as exc:
        result.problems.append(f"{label}: {exc.__class__.__name__} {exc}".strip())
    else:
        result.latencies[run] = latency


def measure_api(
    base_url: str, token: str, incident_id: str, args: argparse.Namespace, result: BackendResult
) -> None:
    # The same page sequence on every backend.
    rng = random.Random(args.seed + 1)
    pages = max(args.cases // PAGE, 1)
    cases = f"/api/v1/incidents/{incident_id}/cases"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
        run_requests(
            client,
            "page",
            lambda: f"{cases}?limit={PAGE}&offset={rng.randrange(pages) * PAGE}",
            args,
            result,
        )
        run_requests(
            client,
            "overdue",
            lambda: f"{cases}?overdue=true&limit={PAGE}",
            args,
            result,
        )


# --- one backend, and the report ----------------------------------------------------------


def run_backend(
    backend: str, database_url: str, files: Files, args: argparse.Namespace
) -> BackendResult:
    result = BackendResult(backend)
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        say(f"[{backend}] importing the registry ({args.rows:,} rows)")
        time_registry_import(factory, files.registry, result, args.profile)
        say(f"[{backend}] importing the host-authority list ({args.cases:,} rows)")
        incident_id = time_list_import(factory, files.host_list, result, args.profile)
        token = create_officer_token(factory)
        if engine.dialect.name == "postgresql" and args.analyze:
            result.analyze_s = analyze(engine)
    finally:
        engine.dispose()
    if args.requests > 0:
        say(f"[{backend}] timing the case list API")
        with serve(database_url) as base_url:
            measure_api(base_url, token, incident_id, args, result)
    return result


def analyze(engine: Engine) -> float:
    """Refresh the planner statistics, as autovacuum does within a minute of a bulk load."""
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def result_rows(result: BackendResult) -> list[tuple[str, str]]:
    rows = [
        ("registry file read (s)", f"{result.registry_read_s:.2f}"),
        ("registry import (s)", f"{result.registry_import_s:.2f}"),
        ("registry import (rows/s)", f"{result.registry_rows_per_s:,.0f}"),
        ("list file read (s)", f"{result.list_read_s:.2f}"),
        ("list import (s)", f"{result.list_import_s:.2f}"),
        ("  reconciliation (s)", f"{result.list_reconcile_s:.2f}"),
        ("  writing and commit (s)", f"{result.list_write_s:.2f}"),
        ("list import (rows/s)", f"{result.list_rows_per_s:,.0f}"),
        ("ANALYZE before the API runs (s)", fmt_optional(result.analyze_s)),
    ]
    for latency in result.latencies.values():
        rows += [
            (f"{latency.label}: requests", f"{len(latency.samples_ms)} of {latency.total:,}"),
            (f"{latency.label}: p50 (ms)", f"{latency.p50:.1f}"),
            (f"{latency.label}: p95 (ms)", f"{latency.p95:.1f}"),
            (f"{latency.label}: max (ms)", f"{latency.slowest:.1f}"),
            (f"{latency.label}: requests/s", f"{latency.per_second:.1f}"),
        ]
    return rows


def fmt_optional(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


def print_table(results: list[BackendResult]) -> None:
    columns = [dict(result_rows(r)) for r in results]
    labels = list(dict.fromkeys(label for c in columns for label in c))
    width = max(len(label) for label in labels)
    print(f"{'':<{width}}  " + "  ".join(f"{r.backend:>12}" for r in results))
    for label in labels:
        cells = "  ".join(f"{c.get(label, '-'):>12}" for c in columns)
        print(f"{label:<{width}}  {cells}")


def print_aims(results: list[BackendResult]) -> None:
    print("\nAims")
    by_backend = {r.backend: r for r in results}
    postgres = by_backend.get("postgresql")
    aim = f"registry import into PostgreSQL >= {AIM_IMPORT_ROWS_PER_S:,} rows/s"
    if postgres is None:
        print(f"  {aim}: not measured")
    else:
        met = postgres.registry_rows_per_s >= AIM_IMPORT_ROWS_PER_S
        print(f"  {aim}: {postgres.registry_rows_per_s:,.0f} rows/s, {verdict(met)}")
    for result in results:
        aim = f"p95 < {AIM_P95_MS:.0f} ms for a page of {PAGE} cases ({result.backend})"
        page = result.latencies.get("page")
        if page is None:
            print(f"  {aim}: not measured")
        else:
            print(f"  {aim}: {page.p95:.1f} ms, {verdict(page.p95 < AIM_P95_MS)}")


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def print_report(args: argparse.Namespace, results: list[BackendResult]) -> None:
    print(
        f"\nMachine: {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"Data: {args.rows:,} registry rows, {args.cases:,} host-authority rows, "
        f"{args.requests} requests per run after {WARM_UP} warm-up (seed {args.seed})\n"
    )
    print_table(results)
    print_aims(results)
    problems = [f"{r.backend}: {p}" for r in results for p in r.problems]
    if problems:
        print("\nProblems")
        for problem in problems:
            print(f"  {problem}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000, help="registry persons")
    parser.add_argument("--cases", type=int, default=10_000, help="host-authority list rows")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per run")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time limit per run")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    parser.add_argument("--seed", type=int, default=20250904)
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="skip ANALYZE on PostgreSQL before the API runs",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile both imports and print their N functions with most cumulative time",
    )
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(sorted(unknown))}; use {', '.join(BACKENDS)}")
    if not 1 <= args.cases <= args.rows:
        parser.error("--cases must be between 1 and --rows")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[BackendResult] = []
    with tempfile.TemporaryDirectory(prefix="consular-bench-") as folder:
        files = write_files(Path(folder), args)
        for backend in args.backends:
            if backend == "sqlite":
                url = f"sqlite:///{Path(folder) / 'consular.db'}"
                results.append(run_backend(backend, url, files, args))
            else:
                with scratch_postgres(args.postgres_url) as url:
                    results.append(run_backend(backend, url, files, args))
    print_report(args, results)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
