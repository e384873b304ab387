"""Benchmark: matching one hotline call against a large registry.

Run from the repository root::

    .venv/bin/python benchmarks/hotline_match.py [--rows 1000000] [--cases 300]
        [--calls 60] [--backends sqlite,postgresql]

A registry of ``--rows`` synthetic nationals is imported as ``consular import registry``
imports it, an incident's host list of ``--cases`` of them opens their cases, then
``--calls`` calls are logged and each is matched (``consular.hotline.matching.candidates``,
the list reconciliation's blocking, index and scores) while the clock runs: by Latin name and
birth date as typed, by Hangul name and birth date, and by a name alone. It prints figures;
it is not a test. The data live in a temporary folder and, for PostgreSQL, in a scratch
database dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from benchmarks.import_registry import (
    POSTGRES_SERVER,
    BackendResult,
    profiled,
    scratch_postgres,
    time_list_import,
    time_registry_import,
    write_files,
)
from consular.auth.service import Actor
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.hotline.matching import candidates
from consular.hotline.service import InquiryForm, log_call
from consular.migrate import upgrade
from consular.registry.models import Person

AIM_S = 1.0


def _forms(rows: list[Person], rng: random.Random) -> list[tuple[str, InquiryForm, str]]:
    """Calls about registry persons, as families give them: (kind, the call, the person)."""
    out = []
    for index, person in enumerate(rows):
        born = person.date_of_birth
        typed = f"{born.year}.{born.month}.{born.day}" if born else ""
        latin = f"{person.given_name} {person.family_name}"
        hangul = f"{person.family_name_hangul}{person.given_name_hangul}"
        kind = ("latin + birth", "hangul + birth", "hangul only")[index % 3]
        name, birth = {
            "latin + birth": (latin, typed),
            "hangul + birth": (hangul, born.strftime("%y%m%d") if born else ""),
            "hangul only": (hangul, ""),
        }[kind]
        form = InquiryForm(caller_name="벤치마크", subject_name=name, subject_birth=birth)
        out.append((kind, form, person.id))
    rng.shuffle(out)
    return out


def run(url: str, backend: str, args: argparse.Namespace, folder: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    files = write_files(folder, args)
    result = BackendResult(backend)
    time_registry_import(factory, files.registry, result, 0)
    print(
        f"{backend}: registry of {result.registry_rows:,} imported in "
        f"{result.registry_import_s:.1f} s"
    )
    incident_id = time_list_import(factory, files.host_list, result, 0)
    print(f"{backend}: host list of {result.list_rows:,} imported in {result.list_import_s:.1f} s")
    rng = random.Random(args.seed)
    with factory() as db:
        ids = db.scalars(select(Person.id).order_by(Person.registry_ref)).all()
        chosen = db.scalars(select(Person).where(Person.id.in_(rng.sample(ids, args.calls)))).all()
        forms = _forms(list(chosen), rng)
    timings: dict[str, list[float]] = {}
    found = 0
    actor = Actor.operator()
    with profiled(args.profile, f"matching {len(forms)} calls on {backend}"):
        for kind, form, person_id in forms:
            with unit_of_work(factory) as db:
                inquiry = log_call(db, actor, incident_id, form)
                started = time.perf_counter()
                shown = candidates(db, inquiry)
                timings.setdefault(kind, []).append(time.perf_counter() - started)
                found += any(c.person_id == person_id for c in shown[:3])
    every = [t for values in timings.values() for t in values]
    print(f"\n{backend}: {len(every)} calls matched against {result.registry_rows:,} persons")
    print(f"{'call':<16}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, values in [*sorted(timings.items()), ("all", every)]:
        ordered = sorted(values)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"{kind:<16}{len(values):>4}{statistics.median(values) * 1000:>10.0f}"
            f"{p95 * 1000:>10.0f}{max(values) * 1000:>10.0f}"
        )
    print(f"person asked about among the first three candidates: {found}/{len(every)}")
    slowest = max(every)
    verdict = "met" if slowest < AIM_S else "NOT met"
    print(f"aim: every call under {AIM_S:.0f} s: {verdict} (slowest {slowest * 1000:.0f} ms)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20250904)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--postgres", default=POSTGRES_SERVER)
    parser.add_argument("--profile", type=int, default=0, help="print the N slowest functions")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            if backend == "sqlite":
                run(f"sqlite:///{folder}/bench.db", backend, args, Path(folder))
            else:
                with scratch_postgres(args.postgres) as url:
                    run(url, backend, args, Path(folder))


if __name__ == "__main__":
    main()
