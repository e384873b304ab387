"""Benchmark: several message workers on one outbox, against a slow SMTP relay.

Run from the repository root::

    .venv/bin/python benchmarks/outbox_workers.py [--messages 200] [--workers 1,2,4]
        [--relay-ms 100] [--lease 5] [--backends sqlite,postgresql]

For each backend (a temporary SQLite file, or a scratch database on the PostgreSQL server at
127.0.0.1:5432) and each number of workers N, it writes ``--messages`` e-mails due now into a
migrated outbox, starts an SMTP relay on loopback that takes ``--relay-ms`` to accept each
message (several at once), and N worker processes, each sending as `consular worker` does
(``run_once`` again and again, with ``--lease`` seconds of lease and a timeout of 2 s) until
nothing is owed. It prints the messages per second (from the start of the workers to the
last outcome recorded), the deliveries the relay accepted, the duplicates (deliveries of a
Message-ID already delivered) and the messages left unsent. It is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

# Appended, not put first: PYTHONPATH=<another checkout> measures that checkout's code.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import (
    POSTGRES_SERVER,
    create_benchmark_incident,
    free_port,
    scratch_postgres,
)
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.importing import command_line_limits
from consular.incidents.service import import_list
from consular.migrate import upgrade
from consular.notifications.models import Notification
from consular.registry.service import import_registry
from consular.sealing import throwaway_key_unless_configured
from consular.tabular import read_table_bytes

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

REGISTRY = (
    "id,family_name,given_name,family_name_hangul,given_name_hangul,sex,date_of_birth,"
    "nationality,passport_number,employer\n"
    "R1,LEE,SEONGHO,이,성호,M,1988-03-14,KOR,M12345678,HL Battery\n"
    "R2,KIM,MINJUN,김,민준,M,1990-01-02,KOR,M22222222,HL Battery\n"
    "R5,CHOI,DONGHYUN,최,동현,M,1979-11-11,KOR,M55555555,HL Battery\n"
).encode()
HOST_LIST = (
    b"full_name,date_of_birth,nationality,facility\n"
    b'"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
)


class Relay:
    """Accepts each message after ``delay_s``, without holding up the other sessions."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay_s)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
                break
        return "250 OK"


@contextlib.contextmanager
def database(backend: str) -> Iterator[str]:
    """An empty database, removed at the end: a temporary file or a scratch PostgreSQL one."""
    if backend == "postgresql":
        with scratch_postgres(POSTGRES_SERVER) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/outbox.db"


def one_case(factory: sessionmaker[Session]) -> str:
    """A case the messages belong to: a registry person on a host-authority list."""
    limits = command_line_limits(Settings())
    with unit_of_work(factory) as db:
        table = read_table_bytes(REGISTRY, "registry.csv", limits=limits)
        import_registry(db, Actor.operator(), table)
    incident_id = create_benchmark_incident(factory)
    with unit_of_work(factory) as db:
        table = read_table_bytes(HOST_LIST, "host-list.csv", limits=limits)
        import_list(db, Actor.operator(), incident_id, "host_authority", table)
        return str(db.scalars(select(Case.id)).one())


def write_messages(factory: sessionmaker[Session], case_id: str, count: int) -> None:
    with unit_of_work(factory) as db:
        db.add_all(
            Notification(
                case_id=case_id,
                event="located",
                channel="email",
                recipient=f"family{index:05d}@example.org",
                language="en",
                subject="news",
                body="located",
            )
            for index in range(count)
        )


def owed(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        query = select(func.count()).where(Notification.state.in_(("pending", "sending")))
        return int(db.scalar(query) or 0)


def work(url: str, port: int, lease: int, until: float) -> None:
    """One worker process: what `consular worker` does, stopping when nothing is owed."""
    from consular.notifications.worker import run_once

    settings = Settings(  # type: ignore[call-arg]
        database_url=url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        notify_lease_seconds=lease,
        notify_timeout_seconds=2,
    )
    engine = make_engine(url)
    factory = make_session_factory(engine)
    while time.time() < until:
        if run_once(factory, settings).taken == 0:
            if not owed(factory):
                break
            time.sleep(0.1)
    engine.dispose()


def run(backend: str, workers: int, args: argparse.Namespace) -> str:
    with database(backend) as url:
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        write_messages(factory, one_case(factory), args.messages)
        relay = Relay(args.relay_ms / 1000)
        port = free_port()
        controller = Controller(relay, hostname="127.0.0.1", port=port)
        controller.start()
        spawn = multiprocessing.get_context("spawn")
        until = time.time() + args.max_seconds
        processes = [
            spawn.Process(target=work, args=(url, port, args.lease, until)) for _ in range(workers)
        ]
        started = time.perf_counter()
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started
        controller.stop()
        left = owed(factory)
        engine.dispose()
    deliveries = len(relay.message_ids)
    duplicates = deliveries - len(Counter(relay.message_ids))
    sent = args.messages - left
    return (
        f"{backend:<10} {workers:>7} {sent / elapsed:>8.1f} {deliveries:>10} "
        f"{duplicates:>10} {left:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--relay-ms", type=float, default=100)
    parser.add_argument("--lease", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"{args.messages} messages, relay {args.relay_ms:g} ms a message, "
        f"lease {args.lease} s, timeout 2 s"
    )
    print(
        f"{'backend':<10} {'workers':>7} {'msg/s':>8} {'deliveries':>10} {'duplicates':>10} "
        f"{'unsent':>6}"
    )
    for backend in args.backends.split(","):
        for workers in (int(n) for n in args.workers.split(",")):
            print(run(backend, workers, args), flush=True)


if __name__ == "__main__":
    main()
