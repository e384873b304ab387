"""A first, rule-based matcher: exact keys plus a few explicit rules.

It finds registry persons through dictionary lookups (normalised passport number, Latin
name key in either order, Hangul name, date of birth), then scores each with fixed rules.
It does not fold romanization variants: ``YI, SUNG HO`` does not find ``LEE SEONGHO``
unless the Hangul name or the passport number is on the list. Evidence weights are
nominal, hand-set values meant for ranking and explanation, not fitted likelihoods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from consular.matching.normalize import hangul_name_key, normalize_passport, record_name_keys
from consular.matching.records import Candidate, Decision, FieldEvidence, Link, PersonRecord

MAX_CANDIDATES = 5
MATCH_THRESHOLD = 0.9
REVIEW_THRESHOLD = 0.5
SIMILAR_NAME_RATIO = 85.0
# A candidate whose nationality or sex disagrees is never matched automatically.
CONFLICT_CAP = 0.5

EXACT = "exact"
SIMILAR = "similar"
DIFFERENT = "different"
MISSING = "missing"
SWAPPED = "swapped_day_month"

# Nominal weights per (field, outcome); anything absent weighs zero.
_WEIGHTS: dict[tuple[str, str], float] = {
    ("passport_number", EXACT): 10.0,
    ("passport_number", DIFFERENT): -2.0,  # mild: passports are renewed under new numbers
    ("name", EXACT): 4.0,
    ("name", SIMILAR): 2.0,
    ("name", DIFFERENT): -4.0,
    ("name_hangul", EXACT): 5.0,
    ("name_hangul", DIFFERENT): -4.0,
    ("date_of_birth", EXACT): 7.0,
    ("date_of_birth", SWAPPED): 3.0,
    ("date_of_birth", DIFFERENT): -6.0,
    ("sex", EXACT): 1.0,
    ("sex", DIFFERENT): -3.0,
    ("nationality", EXACT): 0.5,
    ("nationality", DIFFERENT): -3.0,
}


@dataclass(frozen=True, slots=True)
class _Profile:
    """A record with its comparison keys computed once."""

    record: PersonRecord
    passport: str | None
    name_keys: frozenset[str]
    hangul_key: str | None
    sex: str | None
    nationality: str | None

    @classmethod
    def of(cls, record: PersonRecord) -> _Profile:
        return cls(
            record=record,
            passport=normalize_passport(record.passport_number),
            name_keys=frozenset(record_name_keys(record)),
            hangul_key=hangul_name_key(record),
            sex=_code(record.sex, length=1),
            nationality=_code(record.nationality),
        )


class ExactMatcher:
    """Link list records to a registry with exact keys and fixed rules.

    The registry is indexed once at construction; ``link`` is then a handful of dictionary
    lookups plus a fuzzy name comparison against people sharing the date of birth.
    """

    def __init__(self, registry: Iterable[PersonRecord]) -> None:
        """Index the registry by passport, Latin name key, Hangul name and date of birth.

        Raises ``ValueError`` when two registry records share an id.
        """
        self._ids: set[str] = set()
        self._by_passport: dict[str, list[_Profile]] = {}
        self._by_name: dict[str, list[_Profile]] = {}
        self._by_hangul: dict[str, list[_Profile]] = {}
        self._by_birth: dict[date, list[_Profile]] = {}
        for record in registry:
            if record.id in self._ids:
                raise ValueError(f"duplicate registry id {record.id!r}")
            self._ids.add(record.id)
            self._index(_Profile.of(record))

    def _index(self, profile: _Profile) -> None:
        if profile.passport:
            self._by_passport.setdefault(profile.passport, []).append(profile)
        for key in profile.name_keys:
            self._by_name.setdefault(key, []).append(profile)
        if profile.hangul_key:
            self._by_hangul.setdefault(profile.hangul_key, []).append(profile)
        if profile.record.date_of_birth:
            self._by_birth.setdefault(profile.record.date_of_birth, []).append(profile)

    def link(self, record: PersonRecord) -> Link:
        """Return the decision and the best candidates, with evidence, for one record."""
        probe = _Profile.of(record)
        scored = (_score(probe, entry) for entry in self._pool(probe))
        candidates = sorted(
            (candidate for candidate in scored if candidate is not None),
            key=lambda c: (-c.probability, -sum(e.weight for e in c.evidence), c.registry_id),
        )
        return Link(
            record_id=record.id,
            decision=_decide(candidates),
            candidates=tuple(candidates[:MAX_CANDIDATES]),
        )

    def link_many(self, records: Iterable[PersonRecord]) -> list[Link]:
        """Link each record in turn; the result keeps the input order."""
        return [self.link(record) for record in records]

    def _pool(self, probe: _Profile) -> list[_Profile]:
        """Collect registry persons sharing a passport, a name key or a date of birth."""
        buckets: list[list[_Profile]] = []
        if probe.passport:
            buckets.append(self._by_passport.get(probe.passport, []))
        for key in probe.name_keys:
            buckets.append(self._by_name.get(key, []))
        if probe.hangul_key:
            buckets.append(self._by_hangul.get(probe.hangul_key, []))
        if probe.record.date_of_birth:
            buckets.append(self._by_birth.get(probe.record.date_of_birth, []))
        unique: dict[str, _Profile] = {}
        for bucket in buckets:
            for entry in bucket:
                unique.setdefault(entry.record.id, entry)
        return list(unique.values())


def _score(probe: _Profile, entry: _Profile) -> Candidate | None:
    """Score one registry person against a list record; ``None`` when no rule applies."""
    evidence = _compare(probe, entry)
    outcomes = {item.field: item.outcome for item in evidence}
    probability = _rule_probability(outcomes)
    if probability <= 0.0:
        return None
    if DIFFERENT in (outcomes.get("nationality"), outcomes.get("sex")):
        probability = min(probability, CONFLICT_CAP)
    return Candidate(registry_id=entry.record.id, probability=probability, evidence=evidence)


def _rule_probability(outcomes: dict[str, str]) -> float:
    """Apply the matching rules to per-field outcomes and keep the strongest."""
    birth = outcomes.get("date_of_birth", MISSING)
    probability = 0.0
    if outcomes.get("passport_number") == EXACT:
        probability = max(probability, 0.99 if birth in (EXACT, MISSING) else 0.6)
    if EXACT in (outcomes.get("name"), outcomes.get("name_hangul")):
        by_birth = {EXACT: 0.95, SWAPPED: 0.6, MISSING: 0.5}
        probability = max(probability, by_birth.get(birth, 0.0))
    if outcomes.get("name") == SIMILAR and birth == EXACT:
        probability = max(probability, 0.5)
    return probability


def _decide(candidates: list[Candidate]) -> Decision:
    """MATCH only for a clear, unrivalled best candidate; REVIEW for anything plausible."""
    if not candidates:
        return Decision.NONE
    best = candidates[0].probability
    rivals = any(c.probability >= REVIEW_THRESHOLD for c in candidates[1:])
    if best >= MATCH_THRESHOLD and not rivals:
        return Decision.MATCH
    if best >= REVIEW_THRESHOLD:
        return Decision.REVIEW
    return Decision.NONE


def _compare(probe: _Profile, entry: _Profile) -> tuple[FieldEvidence, ...]:
    """Compare every field present on at least one side, in a fixed order."""
    left, right = probe.record, entry.record
    found = (
        _compare_values(
            "passport_number",
            probe.passport,
            entry.passport,
            left.passport_number,
            right.passport_number,
        ),
        _compare_latin_names(probe, entry),
        _compare_values(
            "name_hangul", probe.hangul_key, entry.hangul_key, probe.hangul_key, entry.hangul_key
        ),
        _compare_births(left.date_of_birth, right.date_of_birth),
        _compare_values("sex", probe.sex, entry.sex, left.sex, right.sex),
        _compare_values(
            "nationality",
            probe.nationality,
            entry.nationality,
            left.nationality,
            right.nationality,
        ),
    )
    return tuple(item for item in found if item is not None)


def _compare_values(
    field: str,
    left_key: str | None,
    right_key: str | None,
    left_text: str | None,
    right_text: str | None,
) -> FieldEvidence | None:
    """Compare two normalised keys; the raw texts are only used for the detail."""
    if left_key is None and right_key is None:
        return None
    if left_key is None or right_key is None:
        return _evidence(field, MISSING, _missing_detail(left_key is None))
    if left_key == right_key:
        return _evidence(field, EXACT, _pair(left_text or left_key, right_text or right_key, "="))
    return _evidence(field, DIFFERENT, _pair(left_text or left_key, right_text or right_key, "vs"))


def _compare_latin_names(probe: _Profile, entry: _Profile) -> FieldEvidence | None:
    """Compare Latin name keys: exact in either order, else similar by ``fuzz.ratio``."""
    if not probe.name_keys and not entry.name_keys:
        return None
    if not probe.name_keys or not entry.name_keys:
        return _evidence("name", MISSING, _missing_detail(not probe.name_keys))
    left, right = _latin_display(probe.record), _latin_display(entry.record)
    if probe.name_keys & entry.name_keys:
        return _evidence("name", EXACT, _pair(left, right, "="))
    ratio = max(fuzz.ratio(a, b) for a in probe.name_keys for b in entry.name_keys)
    if ratio >= SIMILAR_NAME_RATIO:
        return _evidence("name", SIMILAR, f"{_pair(left, right, '~')}, ratio {ratio:.0f}")
    return _evidence("name", DIFFERENT, _pair(left, right, "vs"))


def _compare_births(left: date | None, right: date | None) -> FieldEvidence | None:
    """Compare dates of birth, recognising day and month written the other way round."""
    if left is None and right is None:
        return None
    if left is None or right is None:
        return _evidence("date_of_birth", MISSING, _missing_detail(left is None))
    if left == right:
        return _evidence("date_of_birth", EXACT, left.isoformat())
    detail = _pair(left.isoformat(), right.isoformat(), "vs")
    if (left.year, left.month, left.day) == (right.year, right.day, right.month):
        return _evidence("date_of_birth", SWAPPED, detail)
    return _evidence("date_of_birth", DIFFERENT, detail)


def _evidence(field: str, outcome: str, detail: str) -> FieldEvidence:
    return FieldEvidence(field, outcome, _WEIGHTS.get((field, outcome), 0.0), detail)


def _pair(left: str, right: str, relation: str) -> str:
    """``"A"`` when both sides read the same, else ``"A <relation> B"`` (list side first)."""
    return left if left == right else f"{left} {relation} {right}"


def _missing_detail(missing_on_list: bool) -> str:
    return "not on the list record" if missing_on_list else "not in the registry"


def _latin_display(record: PersonRecord) -> str:
    """The Latin name as written, family first, for explanations."""
    if record.family_name or record.given_name:
        return " ".join(part.strip() for part in (record.family_name, record.given_name) if part)
    return " ".join((record.full_name or "").split())


def _code(value: str | None, length: int | None = None) -> str | None:
    """Upper-case a short code (``"male"`` → ``"M"`` with ``length=1``); blank → ``None``."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    return code[:length] if length else code
