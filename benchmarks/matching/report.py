"""Scores against the truth, and the plain-text tables the benchmark prints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from benchmarks.matching.methods import MATCH, REVIEW, Outcome
from benchmarks.matching.runner import ChildResult
from consular.matching import PersonRecord

MIB = 1024


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts over a set of list rows, and the rates derived from them."""

    rows: int
    registered: int
    """Rows whose person is in the registry."""
    auto: int
    auto_correct: int
    auto_unregistered: int
    """Automatic matches on rows whose person is not registered at all."""
    review: int
    found: int
    """Registered rows whose person is the automatic match, or a candidate in review."""

    @property
    def precision(self) -> float | None:
        return self.auto_correct / self.auto if self.auto else None

    @property
    def recall(self) -> float | None:
        return self.auto_correct / self.registered if self.registered else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None

    @property
    def review_rate(self) -> float | None:
        return self.review / self.rows if self.rows else None

    @property
    def recall_with_review(self) -> float | None:
        return self.found / self.registered if self.registered else None

    @property
    def auto_wrong_person(self) -> int:
        return self.auto - self.auto_correct - self.auto_unregistered


def score(
    outcomes: Mapping[str, Outcome], truth: Mapping[str, str | None], row_ids: Iterable[str]
) -> Scores:
    """Score a method's outcomes on ``row_ids``; a row without an outcome counts as none."""
    rows = registered = auto = auto_correct = auto_unregistered = review = found = 0
    for row_id in row_ids:
        rows += 1
        true_id = truth[row_id]
        registered += true_id is not None
        outcome = outcomes.get(row_id)
        if outcome is None or outcome.best is None:
            continue
        if outcome.decision == MATCH:
            auto += 1
            auto_correct += outcome.best.registry_id == true_id
            auto_unregistered += true_id is None
            found += outcome.best.registry_id == true_id
        elif outcome.decision == REVIEW:
            review += 1
            found += true_id is not None and any(
                c.registry_id == true_id for c in outcome.candidates
            )
    return Scores(rows, registered, auto, auto_correct, auto_unregistered, review, found)


# --- tables -------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, right-aligned others, a rule under the headers."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        parts = [str(first).ljust(widths[0])]
        parts += [str(cell).rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def mebibytes(kib: int) -> str:
    return f"{kib / MIB:,.0f} MiB" if kib else "-"


def accuracy_rows(
    results: Mapping[str, ChildResult], truth: Mapping[str, str | None]
) -> list[list[str]]:
    """One row per finished method: the accuracy figures."""
    rows = []
    for method, result in results.items():
        if result.run is None:
            continue
        s = score(result.run.outcomes, truth, truth)
        rows.append(
            [
                method,
                percent(s.precision, 2),
                percent(s.recall),
                str(s.auto),
                str(s.auto_unregistered),
                str(s.auto_wrong_person),
                percent(s.review_rate),
                percent(s.recall_with_review),
            ]
        )
    return rows


def unfinished(results: Mapping[str, ChildResult]) -> list[str]:
    """One line per method that did not finish: how it ended, and after how long."""
    return [
        f"  {method}: NOT FINISHED ({result.status}: {_last_line(result.detail)}), "
        f"stopped after {seconds(result.wall_s)}"
        for method, result in results.items()
        if result.run is None
    ]


ACCURACY_HEADERS = (
    "method",
    "precision (auto)",
    "recall (auto)",
    "auto matches",
    "of them unregistered",
    "of them wrong person",
    "review rate",
    "recall (match+review)",
)


def cost_rows(results: Mapping[str, ChildResult], list_rows: int) -> list[list[str]]:
    """One row per method: wall times, throughput and memory."""
    rows = []
    for method, result in results.items():
        run = result.run
        if run is None:
            rows.append([method, "-", "-", "-", "-", seconds(result.wall_s), "-", "-"])
            continue
        link = run.timings.get("link")
        per_row = f"{1000 * link / list_rows:.2f}" if link and list_rows else "-"
        sliced = run.timings.get("slice")
        slice_text = "-"
        if sliced is not None:
            count = int(run.timings.get("slice_rows", 0))
            slice_text = f"{seconds(sliced)} ({1000 * sliced / max(count, 1):.2f} ms/row)"
        rows.append(
            [
                method,
                seconds(run.timings.get("index")),
                seconds(link),
                per_row,
                slice_text,
                seconds(result.wall_s),
                mebibytes(run.peak_kib),
                mebibytes(run.loaded_kib),
            ]
        )
    return rows


COST_HEADERS = (
    "method",
    "index/train",
    "link",
    "ms/row",
    "500-row slice, built index",
    "child wall",
    "peak RSS",
    "RSS with data loaded",
)


def breakdown_rows(
    results: Mapping[str, ChildResult],
    truth: Mapping[str, str | None],
    groups: Mapping[str, Sequence[str]],
) -> list[list[str]]:
    """Per group of rows and method: auto-matched right / wrong, review, found."""
    rows = []
    for group, row_ids in groups.items():
        for method, result in results.items():
            if result.run is None:
                continue
            s = score(result.run.outcomes, truth, row_ids)
            registered = s.registered > 0
            rows.append(
                [
                    f"{group} ({s.rows})",
                    method,
                    percent(s.auto_correct / s.rows if registered else None),
                    percent((s.auto - s.auto_correct) / s.rows),
                    percent(s.review_rate),
                    percent(s.recall_with_review) if registered else "",
                ]
            )
    return rows


BREAKDOWN_HEADERS = (
    "rows",
    "method",
    "auto, right person",
    "auto, wrong / unregistered",
    "review",
    "found (match+review)",
)


def describe(record: PersonRecord) -> str:
    """The non-empty fields of a record on one line."""
    labels = (
        ("full_name", "name"),
        ("family_name", "family"),
        ("given_name", "given"),
        ("full_name_hangul", "hangul"),
        ("family_name_hangul", "family_hangul"),
        ("given_name_hangul", "given_hangul"),
        ("date_of_birth", "dob"),
        ("sex", "sex"),
        ("passport_number", "passport"),
        ("nationality", "nationality"),
    )
    parts = [record.id]
    for attribute, label in labels:
        value = getattr(record, attribute)
        if value:
            text = value.isoformat() if isinstance(value, date) else value
            parts.append(f"{label}={text!r}" if " " in str(text) else f"{label}={text}")
    return " ".join(parts)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
