"""Benchmark: the matching engine beside a rapidfuzz baseline and Splink, with ground truth.

Run from the repository root::

    .venv/bin/python benchmarks/matching/compare.py [--registry 100000] [--list 2000]
        [--seed 20250904] [--methods engine,baseline,splink] [--febrl] [--febrl-only]
        [--timeout 900] [--max-rss-gib 8] [--show-errors K] [--csv-dir DIR]

It prints figures; it is not a test. The synthetic registry and list are drawn from the
seed (``benchmarks/matching/synth.py``) and every method links the same list against the
same registry, each in a child process of its own so that its time and peak memory are
its own. The engine is whatever ``consular.matching.build_matcher`` returns. With
``--febrl`` the engine and Splink also link the Febrl4 benchmark (5,000 + 5,000 records).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, the repository root is not on the path (the spawned children inherit it).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import io
import os
import pickle
import platform
import random
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence

from benchmarks.matching import synth
from benchmarks.matching.methods import MATCH, NONE, REVIEW, Outcome, Proposal
from benchmarks.matching.report import (
    ACCURACY_HEADERS,
    BREAKDOWN_HEADERS,
    COST_HEADERS,
    accuracy_rows,
    breakdown_rows,
    cost_rows,
    describe,
    mebibytes,
    percent,
    score,
    seconds,
    table,
    unfinished,
)
from benchmarks.matching.runner import (
    BASELINE,
    ENGINE,
    FEBRL,
    METHODS,
    SPLINK,
    SYNTHETIC,
    ChildResult,
    Task,
    run_in_child,
)
from consular.matching import PersonRecord
from consular.matching.engine import MAX_TIED_CANDIDATES

DEFAULT_SEED = 20250904
SLICE_ROWS = 500
CROWDED = f"list: no DOB nor passport, name+sex of > {MAX_TIED_CANDIDATES}"
SCRIPT_GROUPS = {
    "registry row: both scripts": (True, True),
    "registry row: Hangul only": (False, True),
    "registry row: Latin only": (True, False),
}


def say(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=int, default=100_000, help="registry size")
    parser.add_argument("--list", type=int, default=2_000, help="list size")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated")
    parser.add_argument("--febrl", action="store_true", help="also link Febrl4")
    parser.add_argument("--febrl-only", action="store_true", help="link Febrl4 only")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per method")
    parser.add_argument(
        "--max-rss-gib", type=float, default=8.0, help="stop a method's child beyond this"
    )
    parser.add_argument(
        "--show-errors", type=int, default=0, metavar="K", help="print K engine errors"
    )
    parser.add_argument("--csv-dir", type=Path, help="also write registry.csv and list.csv")
    args = parser.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(args.methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Figures and progress interleave sensibly when both go to one log.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    print_environment(args)
    with tempfile.TemporaryDirectory(prefix="consular-match-bench-") as folder:
        if not args.febrl_only:
            run_synthetic(args, Path(folder))
        if args.febrl or args.febrl_only:
            run_febrl(args)
    return 0


def print_environment(args: argparse.Namespace) -> None:
    memory = "unknown"
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    print(f"Matching benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {memory} memory"
    )
    print(
        f"Arguments: --registry {args.registry} --list {args.list} --seed {args.seed} "
        f"--methods {','.join(args.methods)} --timeout {args.timeout:.0f} "
        f"--max-rss-gib {args.max_rss_gib:g}"
    )
    print("Each method runs in its own spawned child; peak RSS is that child's ru_maxrss.")


# --- the synthetic data set ---------------------------------------------------------------


def run_synthetic(args: argparse.Namespace, folder: Path) -> None:
    started = time.perf_counter()
    rng = random.Random(args.seed)
    registry = synth.make_registry(args.registry, rng)
    drawn = synth.draw_list(registry, args.list, rng)
    data_path = folder / "synthetic.pickle"
    with data_path.open("wb") as handle:
        pickle.dump((registry, drawn.records), handle, protocol=pickle.HIGHEST_PROTOCOL)
    say(f"drew {len(registry):,} registry rows and {len(drawn.records):,} list rows "
        f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    if args.csv_dir:
        args.csv_dir.mkdir(parents=True, exist_ok=True)
        synth.write_csv(registry, args.csv_dir / "registry.csv")
        synth.write_csv(drawn.records, args.csv_dir / "list.csv")
    print_data_summary(registry, drawn)
    results: dict[str, ChildResult] = {}
    for method in args.methods:
        task = Task(method, SYNTHETIC, str(data_path), seed=args.seed, slice_rows=SLICE_ROWS)
        results[method] = run_method(task, args)
    print_synthetic_results(results, registry, drawn)
    engine = results.get(ENGINE)
    if engine and engine.run:
        print_review_reasons(engine, drawn)
    if args.show_errors and engine and engine.run:
        print_engine_errors(engine, registry, drawn, args.show_errors)


def run_method(task: Task, args: argparse.Namespace) -> ChildResult:
    label = f"{task.method} on {task.dataset}" + (f" ({task.variant})" if task.variant else "")
    say(f"running {label} ...")
    result = run_in_child(task, args.timeout, int(args.max_rss_gib * 2**20))
    say(f"  {label}: {result.status} after {result.wall_s:.1f} s")
    if result.status == "error":
        say(result.detail)
    return result


def print_data_summary(registry: Sequence[PersonRecord], drawn: synth.SyntheticList) -> None:
    hangul_only = sum(1 for r in registry if not r.family_name)
    latin_only = sum(1 for r in registry if not r.family_name_hangul)
    print(f"\n== Synthetic data: {len(registry):,} registry rows, {len(drawn.records):,} list rows")
    print(
        f"Registry: {percent(hangul_only / len(registry))} Hangul only, "
        f"{percent(latin_only / len(registry))} Latin only; names follow census surname "
        f"shares, birth dates 1955-2005, passports M + 8 digits."
    )
    counts = {kind: 0 for kind in synth.KINDS}
    for kind in drawn.kinds.values():
        counts[kind] += 1
    mix = ", ".join(f"{kind} {count}" for kind, count in counts.items())
    registered = sum(1 for v in drawn.truth.values() if v is not None)
    print(f"List: {mix}; {registered:,} rows describe a registered person.")


def print_synthetic_results(
    results: Mapping[str, ChildResult],
    registry: Sequence[PersonRecord],
    drawn: synth.SyntheticList,
) -> None:
    truth = drawn.truth
    print("\nAccuracy (auto = automatic match; recall over rows whose person is registered)")
    print(table(ACCURACY_HEADERS, accuracy_rows(results, truth)))
    for line in unfinished(results):
        print(line)
    print("\nCost")
    print(table(COST_HEADERS, cost_rows(results, len(drawn.records))))
    for method, result in results.items():
        for note in result.run.notes if result.run else []:
            print(f"  {method}: {note}")
    by_kind: dict[str, list[str]] = {kind: [] for kind in synth.KINDS}
    for row_id, kind in drawn.kinds.items():
        by_kind[kind].append(row_id)
    print("\nBy kind of list row (shares of the rows in the group)")
    print(table(BREAKDOWN_HEADERS, breakdown_rows(results, truth, by_kind)))
    print("\nRegistered rows by condition (shares of the rows in the group)")
    groups = condition_groups(registry, drawn)
    print(table(BREAKDOWN_HEADERS, breakdown_rows(results, truth, groups)))


REVIEW_REASONS = {
    "birth_date_differs": "namesake rule: birth date differs, nothing confirms",
    "name_part_only": "namesake rule: part of the name only",
    "name_only": "no birth date nor passport on the row",
    "probability": "probability below the match threshold",
}
REVIEW_TRUTHS = ("registered", "namesake distractor", "other unregistered")
PROBABILITY_BANDS = (0.98, 0.9, 0.5, 0.2, 0.05)


def print_review_reasons(result: ChildResult, drawn: synth.SyntheticList) -> None:
    """The engine's rows in review: whose they are, why, and how likely the best candidate."""
    assert result.run is not None
    outcomes = result.run.outcomes
    reasons: Counter[tuple[str, str]] = Counter()
    bands: Counter[tuple[str, str]] = Counter()
    for record in drawn.records:
        outcome = outcomes[record.id]
        if outcome.decision != REVIEW or outcome.best is None:
            continue
        truth = _review_truth(drawn, record.id)
        reasons[_review_reason(record, outcome), truth] += 1
        low = next((b for b in PROBABILITY_BANDS if outcome.best.probability >= b), 0.0)
        bands[f"best candidate p >= {low:g}", truth] += 1
    rows = len(drawn.records)
    print("\nEngine: rows in review by why and by truth (rows)")
    headers = ("why", *REVIEW_TRUTHS, "all", "share of the list")
    body = []
    for key, label in [*REVIEW_REASONS.items(), *((b, b) for b in sorted({b for b, _ in bands}))]:
        counts = [reasons[key, t] + bands[key, t] for t in REVIEW_TRUTHS]
        body.append([label, *map(str, counts), str(sum(counts)), percent(sum(counts) / rows, 2)])
    print(table(headers, body))
    rule = ("birth_date_differs", "name_part_only")
    held = sum(n for (why, _), n in reasons.items() if why in rule)
    review = sum(reasons.values())
    distractors = [r.id for r in drawn.records if drawn.kinds[r.id] in synth.NAMESAKE_KINDS]
    in_review = sum(1 for i in distractors if outcomes[i].decision == REVIEW)
    print(
        f"Review rate {percent(review / rows, 2)}; without the {held} rows the namesake rule "
        f"holds, {percent((review - held) / rows, 2)} of the list; without the "
        f"{len(distractors)} namesake distractor rows ({in_review} in review), "
        f"{percent((review - in_review) / (rows - len(distractors)), 2)} of the other rows."
    )


def _review_truth(drawn: synth.SyntheticList, row_id: str) -> str:
    if drawn.truth[row_id] is not None:
        return REVIEW_TRUTHS[0]
    return REVIEW_TRUTHS[1] if drawn.kinds[row_id] in synth.NAMESAKE_KINDS else REVIEW_TRUTHS[2]


def _review_reason(record: PersonRecord, outcome: Outcome) -> str:
    if outcome.namesake_hold:
        return outcome.namesake_hold
    if record.date_of_birth is None and not record.passport_number:
        return "name_only"
    return "probability"


def condition_groups(
    registry: Sequence[PersonRecord], drawn: synth.SyntheticList
) -> dict[str, list[str]]:
    """Registered list rows grouped by the registry row's scripts and the list's damage."""
    groups: dict[str, list[str]] = {}
    crowded = _crowded_names(registry, drawn)
    for record in drawn.records:
        true_id = drawn.truth[record.id]
        if true_id is None:
            continue
        person = registry_record(registry, true_id)
        scripts = (bool(person.family_name), bool(person.family_name_hangul))
        for label, wanted in SCRIPT_GROUPS.items():
            if scripts == wanted:
                groups.setdefault(label, []).append(record.id)
        groups.setdefault(_birth_condition(record, person), []).append(record.id)
        if record.id in crowded:
            groups.setdefault(CROWDED, []).append(record.id)
        if record.passport_number:
            same = record.passport_number == person.passport_number
            label = "list passport: exact" if same else "list passport: one character off"
            groups.setdefault(label, []).append(record.id)
    return dict(sorted(groups.items()))


def _crowded_names(registry: Sequence[PersonRecord], drawn: synth.SyntheticList) -> set[str]:
    """List rows with no birth date nor passport whose name and sex more than
    ``MAX_TIED_CANDIDATES`` registry persons share: nothing on the row tells them apart,
    and more of them than the review shows."""
    wanted = {
        record.id: registry_record(registry, true_id)
        for record in drawn.records
        if (true_id := drawn.truth[record.id]) is not None
        and record.date_of_birth is None
        and not record.passport_number
    }
    if not wanted:
        return set()

    def name(person: PersonRecord) -> tuple[str, str, str | None]:
        if person.family_name_hangul:
            return person.family_name_hangul, person.given_name_hangul or "", person.sex
        true = synth.true_name(person.passport_number or "", person.sex or "M")
        return true.family_hangul, true.given_hangul, person.sex

    names = {name(person) for person in wanted.values()}
    shared = Counter(key for person in registry if (key := name(person)) in names)
    return {ident for ident, person in wanted.items() if shared[name(person)] > MAX_TIED_CANDIDATES}


def _birth_condition(record: PersonRecord, person: PersonRecord) -> str:
    listed, true = record.date_of_birth, person.date_of_birth
    if listed is None:
        return "list DOB: missing"
    if listed == true:
        return "list DOB: exact"
    if true and (listed.year, listed.month, listed.day) == (true.year, true.day, true.month):
        return "list DOB: day/month swapped"
    return "list DOB: one digit wrong"


def registry_record(registry: Sequence[PersonRecord], registry_id: str) -> PersonRecord:
    """Registry ids are ``R`` + a 1-based position (see ``synth.make_registry``)."""
    record = registry[int(registry_id[1:]) - 1]
    assert record.id == registry_id
    return record


def print_engine_errors(
    result: ChildResult,
    registry: Sequence[PersonRecord],
    drawn: synth.SyntheticList,
    limit: int,
) -> None:
    assert result.run is not None
    outcomes = result.run.outcomes
    wrong, missed = [], []
    for record in drawn.records:
        outcome, true_id = outcomes[record.id], drawn.truth[record.id]
        if outcome.decision == MATCH and outcome.best and outcome.best.registry_id != true_id:
            wrong.append(record)
        elif true_id is not None and outcome.decision == NONE:
            missed.append(record)
    print(f"\nEngine: {len(wrong)} false automatic matches{_first(limit, wrong)}")
    for record in wrong[:limit]:
        print_case(record, outcomes[record.id].candidates[:1], registry, drawn)
    print(f"\nEngine: {len(missed)} registered rows with no decision{_first(limit, missed)}")
    for record in missed[:limit]:
        print_case(record, outcomes[record.id].candidates[:2], registry, drawn)
    reviewed = sum(
        1
        for record in drawn.records
        if outcomes[record.id].decision == REVIEW and drawn.truth[record.id] is not None
        and all(c.registry_id != drawn.truth[record.id] for c in outcomes[record.id].candidates)
    )  # fmt: skip
    print(f"\nEngine: {reviewed} registered rows sent to review without the right person.")


def _first(limit: int, rows: Sequence[object]) -> str:
    return f"; the first {min(limit, len(rows))}, best candidates first:" if rows else "."


def print_case(
    record: PersonRecord,
    candidates: Sequence[Proposal],
    registry: Sequence[PersonRecord],
    drawn: synth.SyntheticList,
) -> None:
    print(f"- list   {describe(record)}   [{drawn.kinds[record.id]}]")
    for candidate in candidates:
        person = registry_record(registry, candidate.registry_id)
        print(f"  cand.  {describe(person)}  p={candidate.probability:.3f}")
        print(f"         {candidate.explanation}")
    true_id = drawn.truth[record.id]
    if true_id is not None:
        print(f"  truth  {describe(registry_record(registry, true_id))}")
    else:
        twin = drawn.namesakes.get(record.id)
        twin_text = f"; borrows the name of {twin}" if twin else ""
        print(f"  truth  not in the registry{twin_text}")


# --- Febrl4 -------------------------------------------------------------------------------


def run_febrl(args: argparse.Namespace) -> None:
    from benchmarks.matching import febrl

    _, right = febrl.load_frames()
    truth = febrl.truth([str(v) for v in right["unique_id"]])
    rows = []
    for variant in febrl.VARIANTS:
        for method in args.methods:
            if method == ENGINE and variant not in febrl.ENGINE_VARIANTS:
                continue
            if method == BASELINE and variant != febrl.NAMES_DOB:
                continue
            task = Task(method, FEBRL, variant=variant, seed=args.seed)
            rows.append(febrl_row(variant, method, run_method(task, args), truth))
    print("\n== Febrl4: registry = dataset A (5,000), list = dataset B (5,000), 5,000 true links")
    for variant in febrl.VARIANTS:
        print(f"  {variant}: {febrl.DESCRIPTIONS[variant]}")
    print("  The baseline (names_dob only) blocks on the exact date of birth.")
    headers = (
        "columns", "method", "precision", "recall", "F1", "auto wrong", "review rate",
        "recall (match+review)", "index/train", "link", "peak RSS",
    )  # fmt: skip
    print(table(headers, rows))
    if SPLINK in args.methods:
        print("  splink: match at p >= 0.99, review at p >= 0.5 (best pair per list row)")


def febrl_row(
    variant: str, method: str, result: ChildResult, truth: Mapping[str, str | None]
) -> list[str]:
    if result.run is None:
        return [variant, method, f"NOT FINISHED ({result.status})", *[""] * 8]
    s = score(result.run.outcomes, truth, truth)
    f1 = s.f1
    return [
        variant,
        method,
        percent(s.precision, 2),
        percent(s.recall, 2),
        "n/a" if f1 is None else f"{f1:.4f}",
        str(s.auto - s.auto_correct),
        percent(s.review_rate),
        percent(s.recall_with_review, 2),
        seconds(result.run.timings.get("index")),
        seconds(result.run.timings.get("link")),
        mebibytes(result.run.peak_kib),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
