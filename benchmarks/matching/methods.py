"""The linkage methods under comparison, reduced to one outcome shape.

``run_engine`` measures whatever engine ``consular.matching.build_matcher`` returns, through
the public interface only. ``run_baseline`` is what one would write in an afternoon with
rapidfuzz. Splink lives in ``splink_model`` so that other methods never import it.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from consular.matching import PersonRecord, build_matcher
from consular.matching.engine import namesake_hold

MATCH = "match"
REVIEW = "review"
NONE = "none"
MAX_CANDIDATES = 5
BASELINE_MATCH = 90.0
BASELINE_REVIEW = 80.0

_NON_LETTER = re.compile(r"[^A-Z]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A registry person a method proposed for a list row."""

    registry_id: str
    probability: float
    """The method's own score: a probability, or a ratio / 100 for the baseline."""
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A method's decision on one list row and its candidates, best first."""

    decision: str
    candidates: tuple[Proposal, ...]
    namesake_hold: str = ""
    """The engine only: the namesake rule that would hold the best candidate back
    (``birth_date_differs`` or ``name_part_only``) whatever its probability, else ""."""

    @property
    def best(self) -> Proposal | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class MethodRun:
    """Outcomes per list row id, and timings in seconds (``index``, ``link``, ``slice``)."""

    outcomes: dict[str, Outcome]
    timings: dict[str, float]
    notes: list[str] = field(default_factory=list)
    loaded_kib: int = 0
    peak_kib: int = 0


def run_engine(
    registry: Sequence[PersonRecord], records: Sequence[PersonRecord], slice_rows: int
) -> MethodRun:
    """Build the current engine over the registry and link the list, timing each step.

    After the full list, the first ``slice_rows`` rows are linked again against the
    already-built index, as an officer re-running a short list would.
    """
    started = time.perf_counter()
    matcher = build_matcher(registry)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    links = matcher.link_many(records)
    link_s = time.perf_counter() - started
    timings = {"index": index_s, "link": link_s}
    if slice_rows:
        part = list(records[:slice_rows])
        started = time.perf_counter()
        matcher.link_many(part)
        timings["slice"] = time.perf_counter() - started
        timings["slice_rows"] = float(len(part))
    outcomes: dict[str, Outcome] = {}
    for record, link in zip(records, links, strict=True):
        proposals = tuple(
            Proposal(c.registry_id, c.probability, c.explanation()) for c in link.candidates
        )
        held = namesake_hold(link.best) if link.best is not None else None
        outcomes[record.id] = Outcome(link.decision.value, proposals, held.value if held else "")
    engine = f"{type(matcher).__module__}.{type(matcher).__qualname__}"
    return MethodRun(outcomes=outcomes, timings=timings, notes=[f"build_matcher gave {engine}"])


def run_baseline(registry: Sequence[PersonRecord], records: Sequence[PersonRecord]) -> MethodRun:
    """Block on the exact date of birth, score Latin names with ``token_sort_ratio``.

    A best ratio of 90 or more is a match, 80 to 90 a review. Rows without a Latin
    name or a date of birth get no candidates.
    """
    started = time.perf_counter()
    by_birth: dict[date, list[tuple[str, str]]] = {}
    for person in registry:
        name = latin_name(person)
        if name and person.date_of_birth:
            by_birth.setdefault(person.date_of_birth, []).append((person.id, name))
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    outcomes = {record.id: _baseline_outcome(record, by_birth) for record in records}
    link_s = time.perf_counter() - started
    return MethodRun(outcomes=outcomes, timings={"index": index_s, "link": link_s})


def _baseline_outcome(record: PersonRecord, by_birth: dict[date, list[tuple[str, str]]]) -> Outcome:
    name = latin_name(record)
    if not name or not record.date_of_birth:
        return Outcome(NONE, ())
    scored = sorted(
        (
            (fuzz.token_sort_ratio(name, other), registry_id)
            for registry_id, other in by_birth.get(record.date_of_birth, [])
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    kept = [(ratio, rid) for ratio, rid in scored if ratio >= BASELINE_REVIEW][:MAX_CANDIDATES]
    if not kept:
        return Outcome(NONE, ())
    decision = MATCH if kept[0][0] >= BASELINE_MATCH else REVIEW
    proposals = tuple(Proposal(rid, ratio / 100, f"ratio {ratio:.0f}") for ratio, rid in kept)
    return Outcome(decision, proposals)


# --- column preparation shared by the baseline and Splink ---------------------------------


def latin_parts(record: PersonRecord) -> tuple[str, str] | None:
    """``(FAMILY, GIVEN)`` in upper-case ASCII letters only, or ``None`` without a name.

    ``family_name``/``given_name`` win; an unsplit ``full_name`` is family first when it
    has a comma (``"YI, SUNG HO"``), else its last word is the family name.
    """
    if record.family_name or record.given_name:
        family, given = record.family_name or "", record.given_name or ""
    elif record.full_name:
        if "," in record.full_name:
            family, given = record.full_name.split(",", 1)
        else:
            *first, last = record.full_name.split() or [""]
            family, given = last, " ".join(first)
    else:
        return None
    parts = (_letters(family), _letters(given))
    return parts if any(parts) else None


def latin_name(record: PersonRecord) -> str | None:
    """``"YI SUNGHO"``: family then given, letters only, one space between."""
    parts = latin_parts(record)
    return " ".join(part for part in parts if part) if parts else None


def hangul_name(record: PersonRecord) -> str | None:
    """The Hangul name, family then given, without spaces (``"이성호"``)."""
    if record.family_name_hangul or record.given_name_hangul:
        raw = (record.family_name_hangul or "") + (record.given_name_hangul or "")
    else:
        raw = record.full_name_hangul or ""
    compact = "".join(unicodedata.normalize("NFC", raw).split())
    return compact or None


def passport_key(value: str | None) -> str | None:
    """Upper case, letters and digits only."""
    if not value:
        return None
    return _NON_ALNUM.sub("", value.upper()) or None


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return _NON_LETTER.sub("", decomposed)
