"""Benchmark: the families' public status page under load, with the rate limiter on.

Run from the repository root::

    .venv/bin/python benchmarks/status_lookup.py [--backend postgresql] [--codes 200]
        [--requests 2000] [--seconds 15] [--concurrency 8] [--servers 1] [--profile 300]

It builds the demo (317 cases) in a temporary SQLite file or a scratch PostgreSQL database,
issues status codes for demo cases in-process (``consular.families.service.issue_code``, what
``consular family-code issue`` calls), serves the real application under uvicorn in a child
process on a loopback port, and sends the lookups from this process: ``--concurrency``
threads, each with its own keep-alive client (``http.client``) and its own form cookie from
``GET /status``. On PostgreSQL, ``--servers N`` starts N server processes on the same
database, each on its own port (as the operator's guide runs them behind nginx), and the
threads take them in turn. Four runs, each stopped after ``--requests`` requests or ``--seconds``:

1. the form page (``GET /status``): no database work, the cost of the page alone;
2. valid lookups only (right code, right date of birth): what a family sees;
3. valid and invalid lookups mixed, each request from its own client address (the server
   takes the address from ``X-Forwarded-For`` when the request comes from 127.0.0.1, as
   behind the nginx of the operator's guide): the failure path, without the per-client limit;
4. the same mix, all from 127.0.0.1: the per-client limit closes after its allowance, and
   from then on every lookup from that address waits, valid codes included.

Invalid lookups are random codes (with a date of birth of the demo) and issued codes with a
wrong date. The wrong dates go to a few codes kept apart (a different few in runs 3 and 4),
so that the per-code limit never touches the codes of the valid lookups. The limits are the
server's settings (``CONSULAR_STATUS_*``), printed with the figures, and so is what they
allow someone guessing codes. ``--profile N`` then times N valid lookups in-process, one
after another, phase by phase. It prints figures, and CPU time of this process, the server
processes and the whole machine (PostgreSQL runs on it too); it is not a test. The exit code is 1
when an answer was not what the page should give (a valid code refused in run 2, an invalid
one answered with a status, a 429 without Retry-After, any other status).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import http.cookies
import itertools
import os
import platform
import random
import re
import sys
import threading
import time
import urllib.parse
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import consular.audit
import consular.db
import consular.families.pages
import consular.families.service
from benchmarks.import_registry import POSTGRES_SERVER, Latency, serve
from benchmarks.workspace_pages import build_demo, scratch_database
from consular.app import create_app
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.families.models import StatusLookupFailure
from consular.families.service import ALPHABET, CODE_LENGTH, issue_code, shown
from consular.registry.models import Person
from consular.sealing import throwaway_key_unless_configured
from consular.web.pages import Page

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

FORM = "form page"
VALID = "valid"
RANDOM_CODE = "random code"
WRONG_DATE = "right code, wrong date"
KINDS = (FORM, VALID, RANDOM_CODE, WRONG_DATE)
STATUSES = (200, 404, 429)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SHOWN_STATUS = 'id="status-title"'
WARM_UP = 50
REQUEST_TIMEOUT_S = 60.0
AIM_PER_S = 500.0
AIM_P95_MS = 50.0
CONTACT = "Bench contact"
# Plausible dates of birth for someone holding a code but not the date: 80 years of them.
DATE_SPAN_DAYS = (date(2010, 1, 1) - date(1930, 1, 1)).days
BOTNET = 1_000_000
PER_CLIENT_EXAMPLE = 1_000  # a far larger allowance, for comparison
MINUTES_PER_YEAR = 365.25 * 24 * 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True, slots=True)
class Code:
    code: str  # as shown to the family, in groups of four
    date_of_birth: date


@dataclass(frozen=True, slots=True)
class Lookup:
    kind: str
    code: str = ""
    date_of_birth: str = ""
    address: str | None = None  # sent as X-Forwarded-For


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    status: int
    ms: float
    problem: str | None = None


@dataclass
class Run:
    label: str
    answers: list[Answer]
    elapsed_s: float
    planned: int
    load_cpu_s: float
    server_cpu_s: float | None
    machine_cpu_s: float | None

    def by_kind(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]

    @property
    def per_second(self) -> float:
        return len(self.answers) / self.elapsed_s

    def latency(self, kind: str, status: int | None = None) -> Latency | None:
        samples = [a.ms for a in self.by_kind(kind) if status is None or a.status == status]
        return Latency(kind, samples, self.elapsed_s, len(samples)) if samples else None


@dataclass
class Results:
    runs: list[Run] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    profiled: int = 0
    addresses: int = 0
    problems: list[str] = field(default_factory=list)


# --- codes --------------------------------------------------------------------------------


def issue_codes(database_url: str, count: int) -> list[Code]:
    """Issue ``count`` codes for the demo's cases whose person has a date of birth, one per
    case in case-number order, round again when there are fewer cases than codes."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    settings = Settings(database_url=database_url)
    started = time.perf_counter()
    try:
        with unit_of_work(factory) as db:
            rows = db.execute(
                select(Case.id, Person.date_of_birth)
                .join(Person, Case.person_id == Person.id)
                .where(Person.date_of_birth.is_not(None))
                .order_by(Case.incident_id, Case.number)
            ).all()
            cases = [(case_id, born) for case_id, born in rows if born is not None]
            if not cases:
                raise SystemExit("the demo has no case whose person has a date of birth")
            codes: list[Code] = []
            for index in range(count):
                case_id, born = cases[index % len(cases)]
                issued = issue_code(
                    db, Actor.operator(), settings, case_id, f"{CONTACT} {index + 1}"
                )
                codes.append(Code(issued.code, born))
    finally:
        engine.dispose()
    print(
        f"{count} codes issued for {min(count, len(cases))} cases in"
        f" {time.perf_counter() - started:.1f} s"
    )
    return codes


def decoys_per_run(codes: int) -> int:
    """Codes kept for the wrong dates of each mixed run: a twentieth of them, at least one."""
    return max(1, codes // 20)


def random_code(rng: random.Random) -> str:
    return shown("".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def wrong_date(rng: random.Random, born: date) -> str:
    return (born + timedelta(days=rng.choice((-1, 1)) * rng.randint(1, 3650))).isoformat()


def mixed_plan(
    count: int,
    valid: list[Code],
    decoys: list[Code],
    invalid_share: float,
    rng: random.Random,
    spread: bool,
) -> list[Lookup]:
    """Valid and invalid lookups in random order; ``spread`` gives each its own address."""
    plan: list[Lookup] = []
    for index in range(count):
        draw = rng.random()
        if draw < invalid_share / 2:
            born = rng.choice(valid).date_of_birth.isoformat()
            lookup = Lookup(RANDOM_CODE, random_code(rng), born)
        elif draw < invalid_share:
            decoy = rng.choice(decoys)
            lookup = Lookup(WRONG_DATE, decoy.code, wrong_date(rng, decoy.date_of_birth))
        else:
            code = rng.choice(valid)
            lookup = Lookup(VALID, code.code, code.date_of_birth.isoformat())
        if spread:
            address = f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"
            lookup = Lookup(lookup.kind, lookup.code, lookup.date_of_birth, address)
        plan.append(lookup)
    return plan


# --- CPU of the processes involved ----------------------------------------------------------


def _cpu_s(pid: str) -> float:
    """User + system CPU seconds of a process so far (0 if it is gone or unreadable)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_of_others() -> tuple[float | None, float | None]:
    """CPU seconds so far of this process's children (the servers), and of the whole machine
    (busy time of all CPUs); None where /proc does not tell."""
    proc = Path("/proc")
    try:
        busy = [int(n) for n in (proc / "stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None, None
    me = str(os.getpid())
    server = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if parent == me:
            server += _cpu_s(entry.name)
    # user, nice, system, idle, iowait, irq, softirq, steal: all but idle and iowait
    machine = (sum(busy) - busy[3] - busy[4]) / CLOCK_TICKS
    return server, machine


# --- the load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status_code: int
    headers: http.client.HTTPMessage  # names in any case, as in httpx
    text: str


class LoopbackClient:
    """A keep-alive HTTP/1.1 client of the standard library, with the one cookie jar a
    family's browser would keep: lighter than httpx, so that the load process leaves more
    of the two CPUs to the server it measures. Same calls as httpx for what is used here."""

    def __init__(self, base_url: str) -> None:
        address = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=REQUEST_TIMEOUT_S
        )
        self.cookies: dict[str, str] = {}

    def __enter__(self) -> LoopbackClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self._request("GET", path, None, headers)

    def post(self, path: str, data: dict[str, str], headers: dict[str, str] | None = None) -> Reply:
        return self._request("POST", path, urllib.parse.urlencode(data), headers)

    def _request(
        self, method: str, path: str, body: str | None, extra: dict[str, str] | None
    ) -> Reply:
        headers = dict(extra or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return Reply(response.status, response.headers, text)


def form_token(client: LoopbackClient | httpx.Client) -> str:
    page = client.get("/status")
    if page.status_code != 200:
        raise RuntimeError(f"GET /status answered {page.status_code}")
    token = TOKEN.search(page.text)
    if token is None or "consular_form" not in dict(client.cookies):
        raise RuntimeError("GET /status gave no form token or no form cookie")
    return token.group(1)


def send(client: LoopbackClient | httpx.Client, token: str, lookup: Lookup) -> Answer:
    headers = {"X-Forwarded-For": lookup.address} if lookup.address else None
    sent = time.perf_counter()
    if lookup.kind == FORM:
        response = client.get("/status", headers=headers)
    else:
        response = client.post(
            "/status",
            data={"code": lookup.code, "date_of_birth": lookup.date_of_birth, "csrf_token": token},
            headers=headers,
        )
    ms = (time.perf_counter() - sent) * 1000
    status = response.status_code
    problem = None
    if status not in STATUSES:
        problem = f"answered {status}"
    elif status == 429 and not response.headers.get("Retry-After", "").isdigit():
        problem = "429 without Retry-After"
    elif status == 200 and lookup.kind != FORM and SHOWN_STATUS not in response.text:
        problem = "200 without a status"
    elif status == 200 and lookup.kind in (RANDOM_CODE, WRONG_DATE):
        problem = "an invalid lookup answered with a status"
    elif lookup.kind == FORM and status != 200:
        problem = f"the form page answered {status}"
    return Answer(lookup.kind, status, ms, problem)


def load(
    base_urls: list[str],
    label: str,
    plan: list[Lookup],
    concurrency: int,
    seconds: float,
) -> Run:
    """Send ``plan`` with ``concurrency`` threads until it is done or ``seconds`` pass; the
    threads take the servers in turn."""
    answers: list[Answer] = []
    failures: list[BaseException] = []
    counter = itertools.count()
    clock: dict[str, float] = {}
    others: dict[str, tuple[float | None, float | None]] = {}

    def go() -> None:
        # Run once, when every client holds its form cookie, before any lookup is sent.
        others["before"] = cpu_of_others()
        clock["cpu"] = time.process_time()
        clock["started"] = time.perf_counter()
        clock["deadline"] = clock["started"] + seconds

    ready = threading.Barrier(concurrency + 1, action=go)

    def work(base_url: str) -> None:
        try:
            with LoopbackClient(base_url) as client:
                token = form_token(client)
                ready.wait()
                while time.perf_counter() < clock["deadline"]:
                    index = next(counter)  # itertools.count is safe to share between threads
                    if index >= len(plan):
                        return
                    answers.append(send(client, token, plan[index]))
        except BaseException as exc:
            failures.append(exc)
            ready.abort()

    threads = [
        threading.Thread(target=work, args=(base_urls[n % len(base_urls)],), daemon=True)
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{label}: {failures[0]!r}")
    elapsed = time.perf_counter() - clock["started"]
    load_cpu = time.process_time() - clock["cpu"]
    server_before, machine_before = others["before"]
    server_after, machine_after = cpu_of_others()
    return Run(
        label=label,
        answers=answers,
        elapsed_s=elapsed,
        planned=len(plan),
        load_cpu_s=load_cpu,
        server_cpu_s=_delta(server_before, server_after),
        machine_cpu_s=_delta(machine_before, machine_after),
    )


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


# --- phases of one lookup, in-process --------------------------------------------------------


class SqlClock:
    """Statements sent through an engine's cursors, and the time spent in them."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.seconds = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements = 0
        self.seconds = 0.0

    def _before(self, conn: Connection, *_: Any) -> None:
        conn.info["bench.sent"] = time.perf_counter()

    def _after(self, conn: Connection, *_: Any) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench.sent")
        self.statements += 1


class PhaseClock:
    """Wall time spent in wrapped functions, summed per label (calls one at a time)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return timed


# Top-level phases (they do not overlap), then the parts of lookup_status.
OPEN = "open the unit of work (a connection; SQLite: BEGIN IMMEDIATE)"
LOOKUP = "lookup_status, all of it"
AUDIT = "  audit.append: lock the chain head, insert the event, move the head"
STATUS = "  _status: the answer from the row read"
QUERIES = "  the rest: per-code lock; failures, code and case in one statement; last use"
RENDER = "render status.html (Page.render)"
COMMIT = "commit: COMMIT (everything was written already)"
CLOSE = "close the session (SQLite: closes the connection)"
REST = "the rest: HTTP, FastAPI, form, cookies (test client)"
WHOLE = "whole request, client side"
SQL = "of which in the database driver (cursor.execute)"
STATEMENTS = "SQL statements per lookup (BEGIN counted, COMMIT not)"


def profile_lookups(database_url: str, codes: list[Code], count: int) -> dict[str, float]:
    """Mean milliseconds per phase over ``count`` valid lookups sent one after another to
    the application in this process (starlette's test client)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's notice about httpx in its test client
        from fastapi.testclient import TestClient

    clock = PhaseClock()
    rng = random.Random(7)
    app = create_app(Settings(database_url=database_url))
    sql = SqlClock(app.state.engine)
    patches = [
        mock.patch.object(consular.db, "open_session", clock.wrap(OPEN, consular.db.open_session)),
        mock.patch.object(
            consular.families.pages,
            "lookup_status",
            clock.wrap(LOOKUP, consular.families.service.lookup_status),
        ),
        mock.patch.object(consular.audit, "append", clock.wrap(AUDIT, consular.audit.append)),
        mock.patch.object(
            consular.families.service,
            "_status",
            clock.wrap(STATUS, consular.families.service._status),
        ),
        mock.patch.object(Page, "render", clock.wrap(RENDER, Page.render)),
        mock.patch.object(Session, "commit", clock.wrap(COMMIT, Session.commit)),
        mock.patch.object(Session, "close", clock.wrap(CLOSE, Session.close)),
    ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        client = stack.enter_context(TestClient(app))
        token = form_token(client)

        def lookup() -> None:
            code = rng.choice(codes)
            answer = send(client, token, Lookup(VALID, code.code, code.date_of_birth.isoformat()))
            if answer.status != 200 or answer.problem:
                raise RuntimeError(f"in-process lookup answered {answer.status}")

        for _ in range(WARM_UP):
            lookup()
        clock.seconds.clear()
        sql.reset()
        started = time.perf_counter()
        for _ in range(count):
            lookup()
        whole = time.perf_counter() - started
    app.state.engine.dispose()
    phases = {label: seconds * 1000 / count for label, seconds in clock.seconds.items()}
    phases[WHOLE] = whole * 1000 / count
    phases[SQL] = sql.seconds * 1000 / count
    phases[STATEMENTS] = sql.statements / count
    phases[QUERIES] = phases[LOOKUP] - sum(phases[p] for p in (AUDIT, STATUS))
    phases[REST] = phases[WHOLE] - sum(phases[p] for p in (OPEN, LOOKUP, RENDER, COMMIT, CLOSE))
    return phases


# --- the report ---------------------------------------------------------------------------


def print_run(number: int, run: Run, concurrency: int) -> None:
    stop = "all sent" if len(run.answers) >= run.planned else "stopped by the time limit"
    print(
        f"\nrun {number}: {run.label}\n  {len(run.answers):,} of {run.planned:,} requests in"
        f" {run.elapsed_s:.1f} s ({stop}), concurrency {concurrency}:"
        f" {run.per_second:,.1f} answers/s"
    )
    print(
        f"  {'kind':<24} {'answers':>7} {'200':>6} {'404':>6} {'429':>6} {'other':>5}"
        f" {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
    )
    for kind in KINDS:
        answers = run.by_kind(kind)
        if not answers:
            continue
        statuses = Counter(a.status for a in answers)
        other = sum(n for s, n in statuses.items() if s not in STATUSES)
        latency = run.latency(kind)
        assert latency is not None
        print(
            f"  {kind:<24} {len(answers):>7,} {statuses[200]:>6,} {statuses[404]:>6,}"
            f" {statuses[429]:>6,} {other:>5,} {latency.per_second:>7.1f} {latency.p50:>7.1f}"
            f" {latency.p95:>7.1f} {latency.slowest:>7.1f}"
        )
    for status in STATUSES:
        latency = _by_status(run, status)
        if latency is not None and any(a.kind != FORM for a in run.answers):
            print(
                f"  {'  answered ' + str(status):<24} {len(latency.samples_ms):>7,}"
                f" {'':>33} {latency.p50:>7.1f} {latency.p95:>7.1f} {latency.slowest:>7.1f}"
            )
    cpu = [f"load process {_per_answer(run.load_cpu_s, run)}"]
    if run.server_cpu_s is not None:
        cpu.append(f"server process(es) {_per_answer(run.server_cpu_s, run)}")
    if run.machine_cpu_s is not None and run.server_cpu_s is not None:
        # Clock ticks are coarse: a small negative remainder is zero.
        rest = max(0.0, run.machine_cpu_s - run.load_cpu_s - run.server_cpu_s)
        cpu.append(f"everything else (the database server among it) {_per_answer(rest, run)}")
        busy = run.machine_cpu_s / run.elapsed_s
        cpu.append(f"machine busy {busy:.2f} of {os.cpu_count()} CPUs")
    print(f"  CPU: {', '.join(cpu)}")


def _by_status(run: Run, status: int) -> Latency | None:
    samples = [a.ms for a in run.answers if a.status == status and a.kind != FORM]
    return Latency(str(status), samples, run.elapsed_s, len(samples)) if samples else None


def _per_answer(seconds: float, run: Run) -> str:
    each = seconds * 1000 / max(1, len(run.answers))
    return f"{seconds:.1f} s ({each:.2f} ms per answer)"


def print_guessing(settings: Settings, codes: int, runs: list[Run], decoys: int) -> None:
    """What the limits allow someone guessing; ``decoys`` codes took the wrong dates of
    run 3 (and as many others those of run 4)."""
    space = len(ALPHABET) ** CODE_LENGTH
    allowed = settings.status_attempts_per_client
    per_code = settings.status_attempts_per_code
    window = settings.status_window_minutes
    print(
        f"\nGuessing, computed from the limits above (code space {len(ALPHABET)}^{CODE_LENGTH}"
        f" = {space:.3e}, {(space - 1).bit_length()} bits):"
    )
    answered = 0
    if len(runs) > 3:
        answered = sum(1 for a in runs[3].answers if a.kind != VALID and a.status == 404)
        print(
            f"  failed lookups one address may make per {window}-minute window: {allowed} by"
            f" the settings; measured in run 4: {answered} answered 404 before the limit closed"
        )
    if len(runs) > 2:
        wrong = sum(1 for a in runs[2].answers if a.kind == WRONG_DATE and a.status == 404)
        print(
            f"  wrong dates for one code: {per_code} per window by the settings; measured in"
            f" run 3: {wrong} answered 404 for {decoys} codes ({decoys * per_code} allowed)"
        )
    attempts = max(allowed, answered)
    expected = (space + 1) / 2  # a systematic search tries each code once
    for per_window in (attempts, PER_CLIENT_EXAMPLE):
        windows = expected / per_window
        years = windows * window / MINUTES_PER_YEAR
        print(
            f"  one given code, its date of birth known, {per_window:,} failures per window:"
            f" expected {expected:.3e} attempts = {windows:.3e} windows = {years:.3e} years"
            f" from one address, {years / BOTNET:.3e} years from {BOTNET:,} addresses"
        )
    windows_any = space / (codes * attempts)
    print(
        f"  any of the {codes} codes issued here, ignoring the date check: expected"
        f" {windows_any:.3e} windows = {windows_any * window / MINUTES_PER_YEAR:.3e} years from"
        " one address"
    )
    date_windows = (DATE_SPAN_DAYS + 1) / 2 / per_code
    print(
        f"  a code known without its date: the per-code limit ({per_code} per window, from"
        f" any address) makes {DATE_SPAN_DAYS:,} possible dates (80 years) take an expected"
        f" {date_windows:,.0f} windows = {date_windows * window / (24 * 60):,.1f} days"
    )


def print_aims(valid: Run) -> None:
    latency = valid.latency(VALID, 200)
    rate = valid.per_second
    met = "met" if rate >= AIM_PER_S else f"NOT met ({rate / AIM_PER_S:.0%} of the aim)"
    print(f"\naim: >= {AIM_PER_S:.0f} lookups/s with valid codes (run 2): {rate:,.1f}/s, {met}")
    if latency is None:
        print(f"aim: p95 < {AIM_P95_MS:.0f} ms for valid codes: no valid code answered 200")
        return
    p95 = latency.p95
    met = "met" if p95 < AIM_P95_MS else f"NOT met ({p95 / AIM_P95_MS:.2f} times the aim)"
    print(f"aim: p95 < {AIM_P95_MS:.0f} ms for valid codes (run 2): {p95:.1f} ms, {met}")


def print_phases(phases: dict[str, float], count: int) -> None:
    print(
        f"\nOne valid lookup in-process, phase by phase (mean of {count}, one after another,"
        " so no waiting for locks):"
    )
    order = (
        OPEN,
        LOOKUP,
        QUERIES,
        AUDIT,
        STATUS,
        RENDER,
        COMMIT,
        CLOSE,
        REST,
        WHOLE,
        SQL,
    )
    whole = phases[WHOLE]
    for label in order:
        print(f"  {label:<62} {phases[label]:6.2f} ms {phases[label] / whole:5.0%}")
    print(f"  {STATEMENTS:<62} {phases[STATEMENTS]:6.1f}")


def print_report(args: argparse.Namespace, settings: Settings, results: Results) -> None:
    print(
        f"\nbackend {args.backend}; {os.cpu_count()} CPUs, {platform.platform()},"
        f" Python {platform.python_version()}"
    )
    print(
        f"limits the server ran with: {settings.status_attempts_per_code} failed lookups per"
        f" code typed, {settings.status_attempts_per_client} per client address, within"
        f" {settings.status_window_minutes} minutes (CONSULAR_STATUS_ATTEMPTS_PER_CODE,"
        " CONSULAR_STATUS_ATTEMPTS_PER_CLIENT, CONSULAR_STATUS_WINDOW_MINUTES)"
    )
    print(
        f"load: {args.concurrency} threads in this process, one keep-alive"
        " http.client connection each,"
        f" across {args.servers} server process{'es' if args.servers > 1 else ''};"
        f" at most {args.requests:,} requests or {args.seconds:.0f} s per run after"
        f" {WARM_UP} warm-up lookups; invalid share {args.invalid_share:.0%} in runs 3 and 4"
    )
    for number, run in enumerate(results.runs, start=1):
        print_run(number, run, args.concurrency)
    print(
        f"\nfailed lookups are recorded from {results.addresses:,} client addresses in all"
        " (runs 3 and 4)"
    )
    valid = next((r for r in results.runs if r.by_kind(VALID)), None)
    if valid is not None:
        print_aims(valid)
    print_guessing(settings, args.codes, results.runs, decoys_per_run(args.codes))
    if results.phases:
        print_phases(results.phases, results.profiled)
    if results.problems:
        print("\nProblems")
        for problem in results.problems:
            print(f"  {problem}")


def check(results: Results) -> None:
    for number, run in enumerate(results.runs, start=1):
        problems = Counter(a.problem for a in run.answers if a.problem)
        for problem, count in problems.items():
            results.problems.append(f"run {number}: {count} x {problem}")
    if len(results.runs) > 1:
        refused = [a for a in results.runs[1].answers if a.status != 200]
        if refused:
            results.problems.append(f"run 2: {len(refused)} valid lookups not answered 200")


def count_failure_addresses(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(StatusLookupFailure.client).distinct()).all())


# --- the run ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    parser.add_argument("--codes", type=int, default=200, help="status codes to issue")
    parser.add_argument("--requests", type=int, default=2000, help="requests per run, at most")
    parser.add_argument("--seconds", type=float, default=15.0, help="time per run, at most")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes on one database, each on its own port (PostgreSQL only)",
    )
    parser.add_argument(
        "--invalid-share", type=float, default=0.5, help="share of invalid lookups, runs 3-4"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="then time N valid lookups in-process, phase by phase",
    )
    parser.add_argument("--seed", type=int, default=20251128)
    args = parser.parse_args(argv)
    if args.codes < 3:
        parser.error("--codes must be at least 3 (valid codes and two sets kept apart)")
    if args.requests < 1 or args.seconds <= 0 or args.concurrency < 1:
        parser.error("--requests, --seconds and --concurrency must be positive")
    if args.servers < 1 or (args.servers > 1 and args.backend != "postgresql"):
        parser.error("--servers above 1 needs --backend postgresql (as the operator's guide)")
    if not 0 <= args.invalid_share <= 1:
        parser.error("--invalid-share must be between 0 and 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The benchmark talks plain HTTP on loopback: the cookies must not be HTTPS-only.
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"
    settings = Settings()
    rng = random.Random(args.seed)
    results = Results()
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        database_url = scratch_database(stack, args.backend, args.postgres_url)
        print(f"backend: {args.backend}")
        build_demo(database_url)
        codes = issue_codes(database_url, args.codes)
        half = decoys_per_run(args.codes)  # codes for wrong dates only, per mixed run
        valid, decoys = codes[2 * half :], codes[: 2 * half]
        base_urls = [stack.enter_context(serve(database_url)) for _ in range(args.servers)]

        def run(label: str, plan: list[Lookup]) -> Run:
            print(f"{label} ...", flush=True)
            result = load(base_urls, label, plan, args.concurrency, args.seconds)
            results.runs.append(result)
            return result

        def valid_plan(count: int) -> list[Lookup]:
            return [
                Lookup(VALID, c.code, c.date_of_birth.isoformat())
                for c in (rng.choice(valid) for _ in range(count))
            ]

        load(base_urls, "warm-up", valid_plan(WARM_UP), args.concurrency, args.seconds)
        run("the form page, GET /status", [Lookup(FORM)] * args.requests)
        run("valid codes only", valid_plan(args.requests))
        run(
            "valid and invalid, each request from its own address (X-Forwarded-For)",
            mixed_plan(args.requests, valid, decoys[:half], args.invalid_share, rng, spread=True),
        )
        run(
            "valid and invalid, all from 127.0.0.1",
            mixed_plan(args.requests, valid, decoys[half:], args.invalid_share, rng, spread=False),
        )
        engine = make_engine(database_url)
        results.addresses = count_failure_addresses(engine)
        engine.dispose()
        if args.profile > 0:
            print(f"timing {args.profile} lookups in-process ...", flush=True)
            results.phases = profile_lookups(database_url, valid, args.profile)
            results.profiled = args.profile
    check(results)
    print_report(args, settings, results)
    print(f"\ntotal time {time.perf_counter() - began:.0f} s")
    return 1 if results.problems else 0


if __name__ == "__main__":
    sys.exit(main())
