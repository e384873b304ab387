"""Benchmark: how fast `consular screen` screens a deployment plan of N trips.

Run from the repository root::

    .venv/bin/python benchmarks/screen_plan.py [--rows 10000] [--repeat 3]

It writes a synthetic plan (every entry status, activity and yes/no answer drawn with a
fixed seed, stays of 1 to 400 days) to a temporary CSV file, then times, in this process,
reading the file, checking every cell, evaluating the screen rule set for each trip, and
writing the result as CSV and as XLSX, the same functions the command runs. It prints the
time of each step, the trips screened per second and the peak memory the run allocated
(tracemalloc, in a run of its own); it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from consular.config import Settings
from consular.exports import write_table
from consular.importing import command_line_limits
from consular.rules import ruleset
from consular.screening.service import PLAN_COLUMNS, parse_plan, result_rows, screen
from consular.sealing import throwaway_key_unless_configured
from consular.tabular import read_table

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

# Read as the command line reads a plan.
LIMITS = command_line_limits(Settings())
NATIONALITIES = ("KOR", "KOR", "KOR", "JPN", "VNM", "DEU")


def write_plan(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    facts = ruleset("screen").facts
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PLAN_COLUMNS)
        for n in range(1, rows + 1):
            writer.writerow(
                [
                    f"T-{n:06d}",
                    rng.choice(NATIONALITIES),
                    rng.choice(facts["entry_status"].choices),
                    rng.choice(facts["activity"].choices),
                    *(rng.choice(("yes", "no")) for _ in range(5)),
                    rng.randint(1, 400),
                    rng.choice(("no", "no", "no", "yes")),
                ]
            )


def run(path: Path, out: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    started = time.perf_counter()
    table = read_table(path, limits=LIMITS)
    times["read the file"] = time.perf_counter() - started
    mark = time.perf_counter()
    trips, errors = parse_plan(table)
    assert not errors, errors[:3]
    times["check every cell"] = time.perf_counter() - mark
    mark = time.perf_counter()
    screened = screen(trips)
    times["evaluate the rules"] = time.perf_counter() - mark
    mark = time.perf_counter()
    rows = result_rows(table, screened, "ko")
    write_table(out.with_suffix(".csv"), rows, title="screen")
    times["write the CSV (reasons in Korean)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_table(out.with_suffix(".xlsx"), rows, title="screen")
    times["write the XLSX"] = time.perf_counter() - mark
    times["whole, CSV only"] = sum(v for k, v in times.items() if k != "write the XLSX")
    verdicts = Counter(item.verdict.outcome for item in screened)
    print("  verdicts: " + ", ".join(f"{k} {v:,}" for k, v in sorted(verdicts.items())))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    ruleset("screen")  # read and check the rule file once, as a running command has
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.csv"
        write_plan(plan, args.rows, args.seed)
        print(f"plan: {args.rows:,} trips, {plan.stat().st_size / 1e6:.1f} MB")
        best: dict[str, float] = {}
        for attempt in range(1, args.repeat + 1):
            times = run(plan, Path(folder) / f"out{attempt}")
            print(f"run {attempt}: whole {times['whole, CSV only']:.2f} s")
            best = {k: min(v, best.get(k, v)) for k, v in times.items()}
        # Memory in a run of its own: tracing allocations slows everything down.
        tracemalloc.start()
        run(plan, Path(folder) / "traced")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"\nbest of {args.repeat} (s):")
    for step, seconds in best.items():
        print(f"  {step:<36} {seconds:8.3f}")
    print(f"trips screened per second (whole, CSV): {args.rows / best['whole, CSV only']:,.0f}")
    print(f"rule evaluations per second: {args.rows / best['evaluate the rules']:,.0f}")
    print(f"peak memory allocated in a traced run (CSV and XLSX): {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
