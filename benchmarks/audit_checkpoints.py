"""Benchmark: what signed audit checkpoints cost, to take and to check.

Run from the repository root::

    .venv/bin/python benchmarks/audit_checkpoints.py [--events 100000] [--checkpoints 1000]
        [--db postgresql+psycopg://postgres@127.0.0.1:5432/consular_bench]

It fills a migrated database (by default a temporary SQLite file; a PostgreSQL database
given must be empty and migrated) with N audit events in one transaction, then times, in
this process and with the functions the commands run: taking one checkpoint (the head, the
newest row and the highest row number, signed), walking the whole chain (`audit verify`),
and checking K signed checkpoints against the log (`audit verify --checkpoint`, the chain
walk left out). It prints the figures; it is not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from consular import audit
from consular.audit.checkpoints import (
    compare_checkpoints,
    generate_key,
    load_signing_key,
    take_checkpoint,
)
from consular.audit.service import read_one_moment, verify_chain
from consular.audit.tags import AuditTag
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.migrate import upgrade
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--checkpoints", type=int, default=1000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with unit_of_work(factory) as db:
            for n in range(args.events):
                diff = {"n": n}
                audit.record(
                    db,
                    actor="bench",
                    tag=AuditTag.NOTE_ADD,
                    target_type="x",
                    target_id=str(n),
                    diff=diff,
                )
        print(
            f"{url.split(':')[0]}: {args.events} events recorded in "
            f"{time.perf_counter() - started:.1f} s"
        )
        generate_key(Path(folder) / "bench.key")
        key = load_signing_key(Path(folder) / "bench.key")
        takes = []
        checkpoints = []
        for _ in range(args.checkpoints):
            started = time.perf_counter()
            with unit_of_work(factory, write=False) as db:
                read_one_moment(db)
                checkpoints.append(take_checkpoint(db, key))
            takes.append(time.perf_counter() - started)
        print(
            f"take one checkpoint: median {statistics.median(takes) * 1000:.2f} ms, "
            f"max {max(takes) * 1000:.2f} ms ({len(takes)} taken)"
        )
        started = time.perf_counter()
        with unit_of_work(factory, write=False) as db:
            read_one_moment(db)
            count, problem = verify_chain(db)
        walk = time.perf_counter() - started
        assert problem is None and count == args.events, problem
        print(f"walk the chain: {walk:.2f} s ({count / walk:,.0f} events/s)")
        started = time.perf_counter()
        with unit_of_work(factory, write=False) as db:
            report = compare_checkpoints(db, checkpoints, [key.public_key()])
        check = time.perf_counter() - started
        assert not report.problems, report.problems
        print(
            f"check {len(checkpoints)} checkpoints: {check * 1000:.0f} ms "
            f"({check / len(checkpoints) * 1e6:.0f} us each)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
