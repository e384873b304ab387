"""Fuzz the JSON API against its own OpenAPI document (``make fuzz``).

Builds the demo into a fresh SQLite file, serves it on loopback, and runs schemathesis
(``pip install -e '.[fuzz]'``) once with an officer's token and once with an employer's.
Any 5xx, or any answer the document does not describe (status code, body, content type),
fails the run. Prints the figures: operations, requests, 5xx, schema violations.

    .venv/bin/python tools/fuzz.py [--max-examples 30] [--max-time 240] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from consular.app import API_PREFIX, create_app
from consular.auth.service import Actor, create_token
from consular.cases.models import Case
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.demo.build import build_demo
from consular.incidents.models import Incident, SourceRecord
from consular.registry.models import Person
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

OPENAPI = f"{API_PREFIX}/openapi.json"
# Who fuzzes: an officer of the Atlanta post, and the battery maker's HR.
CALLERS = {"officer": "officer.kim", "employer": "hr.battery"}
# What an answer must satisfy; the stateful and data-acceptance checks are left out on
# purpose: an API that refuses well-formed input for a domain reason (409, 404) is right.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# schemathesis's code for "the server answered 5xx".
SERVER_ERROR = "ST101"
# Path ids: this many of each kind from the demo, used in this share of the requests.
KNOWN_IDS = 20
KNOWN_ID_SHARE = 0.8


class StatusCount:
    """ASGI middleware counting the requests the server answered, by status class."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.statuses: Counter[int] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIX) or path == OPENAPI:
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.statuses[message["status"]] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


@dataclass
class Figures:
    operations: int = 0
    test_cases: int = 0
    violations: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(url: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The demo in a fresh database, an API token per caller, and ids the demo holds."""
    build_demo(url, seed=2025, echo=lambda _line: None)
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as db:
            tokens = {
                who: create_token(db, Actor.operator(), name) for who, name in CALLERS.items()
            }
            known = {
                name: list(db.scalars(select(column).order_by(column).limit(KNOWN_IDS)))
                for name, column in (
                    ("case_id", Case.id),
                    ("incident_id", Incident.id),
                    ("person_id", Person.id),
                    ("record_id", SourceRecord.id),
                )
            }
            return tokens, known
    finally:
        engine.dispose()


def _config(folder: Path, known: dict[str, list[str]]) -> Path:
    """A schemathesis.toml that fills path ids with the demo's own most of the time, so
    the requests reach the cases and lists instead of stopping at 404."""
    lines = []
    for name, values in known.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    lines += [
        f'"path.{name}" = {{ dictionary = "{name}", probability = {KNOWN_ID_SHARE} }}'
        for name in known
    ]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _serve(app: ASGIApp, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 30 s")
        time.sleep(0.05)
    return server


def _run_schemathesis(
    base: str, token: str, config: Path, report: Path, args: argparse.Namespace
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{base}{OPENAPI}",
        "--url",
        base,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    # In the scratch folder: schemathesis keeps a cache folder where it runs.
    subprocess.run(command, check=False, cwd=report.parent)
    return json.loads(report.read_text(encoding="utf-8"))


def _tally(figures: Figures, document: dict[str, Any]) -> None:
    operations = document.get("operations") or {}
    figures.operations = max(figures.operations, operations.get("total", 0))
    figures.test_cases += document["test_cases"]["generated"]
    for failure in document["failures"]:
        figures.violations[failure["code"]] += failure["count"]
    figures.errors += [f"{e['title']} ({e['count']})" for e in document["errors"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30, help="test cases per operation")
    parser.add_argument("--max-time", type=int, default=240, help="seconds per caller")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="consular-fuzz-") as folder:
        url = f"sqlite:///{folder}/fuzz.db"
        tokens, known = _prepare(url)
        config = _config(Path(folder), known)
        settings = Settings(database_url=url, secure_cookies=False)
        counted = StatusCount(create_app(settings, check_settings=False))
        port = _free_port()
        server = _serve(counted, port)
        figures = Figures()
        try:
            for who, token in tokens.items():
                print(f"--- as {who} ({CALLERS[who]})", flush=True)
                report = Path(folder) / f"{who}.json"
                _tally(
                    figures,
                    _run_schemathesis(f"http://127.0.0.1:{port}", token, config, report, args),
                )
        finally:
            server.should_exit = True
    return _report(figures, counted.statuses, time.perf_counter() - started)


def _report(figures: Figures, statuses: Counter[int], seconds: float) -> int:
    requests = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    violations = {code: n for code, n in figures.violations.items() if code != SERVER_ERROR}
    classes = Counter(f"{status // 100}xx" for status in statuses.elements())
    by_class = ", ".join(f"{name} {count}" for name, count in sorted(classes.items()))
    print(f"\noperations:         {figures.operations}")
    print(f"test cases:         {figures.test_cases}")
    print(f"requests:           {requests} ({by_class})")
    print(f"5xx answers:        {server_errors}")
    print(f"schema violations:  {sum(violations.values())} {violations or ''}")
    print(f"run errors:         {len(figures.errors)} {'; '.join(figures.errors)}")
    print(f"time:               {seconds:.0f} s")
    return 1 if server_errors or figures.violations or figures.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
