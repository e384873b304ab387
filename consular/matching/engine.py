"""The reconciliation engine: blocked candidates, Fellegi–Sunter weights, explained decisions.

Each compared field falls into one agreement level; each level carries the log2 ratio of how
often true matches show it (m) to how often two unrelated people do (u). Name agreement is
weighed by how common the name is in the registry (term frequency): two Kim Min-jun rows
sharing a birth date are weaker evidence than two rare names. The weights of a candidate add
up to its match odds against everyone else in the registry; the candidates of one list row
share the probability, so two equally good namesakes each get about half and go to review.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from rapidfuzz.distance import OSA, Levenshtein
from rapidfuzz.fuzz import ratio, token_set_ratio

from consular.matching.index import (
    Name,
    RegistryIndex,
    birth_level,
    digits,
    index_keys,
    index_left_alone,
    no_cycles_made,
)
from consular.matching.model import DEFAULT_MODEL, Model, Weights
from consular.matching.profile import Profile, Reading, profile, read_name, spells_hangul
from consular.matching.records import (
    Candidate,
    Decision,
    FieldEvidence,
    Hold,
    Link,
    PersonRecord,
)

MAX_CANDIDATES = 5
# Candidates nothing on the row tells from the last one shown (a common name, no birth date,
# no passport) are shown with it, up to this many: the person sought is as likely the sixth
# of them as the first, and an officer can only tell them apart by asking.
MAX_TIED_CANDIDATES = 20
# Beyond this many people sharing one name and no birth date to narrow them, stop listing.
NAME_BLOCK_LIMIT = 200


_ORDER = {"exact": 0, "variant": 1, "typo": 2, "similar": 3, "given_only": 4, "surname_only": 5}
_WITH_SURNAME = {"exact": "exact", "variant": "variant", "typo": "typo", "similar": "similar"}
# Typing errors are told apart from other near spellings only in names this long.
_TYPO_MIN_LENGTH = 4


def _address_similarity(left: str, right: str) -> float:
    """Words in any order (FLAT 2 10 KING ST / 10 KING ST FLAT 2), or a space lost."""
    joined = ratio(left.replace(" ", ""), right.replace(" ", ""))
    return max(token_set_ratio(left, right), joined)


def _unlike(mine: str, theirs: str, threshold: float) -> bool:
    """Two given names, both written, that have next to nothing in common."""
    return bool(mine and theirs) and ratio(mine, theirs) < threshold


def _one_typo(left: str, right: str) -> bool:
    return min(len(left), len(right)) >= _TYPO_MIN_LENGTH and OSA.distance(left, right) == 1


def _given_level(mine: Reading, theirs: Reading, similar: float) -> str:
    if mine.script == "hangul" and theirs.script == "hangul":
        # Both in Hangul: the script itself says whether it is the same name (수 is not 서).
        if mine.hangul_given == theirs.hangul_given:
            return "exact"
        close = Levenshtein.distance(mine.hangul_given or "", theirs.hangul_given or "") == 1
        return "similar" if close and len(mine.hangul_given or "") > 1 else "different"
    if mine.letters and mine.letters == theirs.letters:
        return "exact"
    if (mine.hangul_given and mine.hangul_given == theirs.hangul_given) or (
        mine.given
        and (
            mine.given == theirs.given
            or (
                theirs.hangul_given is not None and spells_hangul(mine.letters, theirs.hangul_given)
            )
            or (mine.hangul_given is not None and spells_hangul(theirs.letters, mine.hangul_given))
        )
    ):
        return "variant"
    if _one_typo(mine.letters, theirs.letters) or _one_typo(mine.given, theirs.given):
        return "typo"
    if mine.given and theirs.given and ratio(mine.given, theirs.given) >= similar:
        return "similar"
    return "different"


def _name_level(
    probe: Profile, entry: Profile, similar: float
) -> tuple[str, Reading, Reading] | None:
    pairs = [
        (mine, theirs)
        for mine in probe.readings
        for theirs in entry.readings
        if not theirs.swapped and theirs.script != "keyboard"
    ]
    in_hangul = [(m, t) for m, t in pairs if m.script == t.script == "hangul"]
    best: tuple[int, str, Reading, Reading] | None = None
    for mine, theirs in in_hangul or pairs:
        given = _given_level(mine, theirs, similar)
        if mine.surnames & theirs.surnames:
            level = _WITH_SURNAME.get(given, "surname_only")
        elif mine.mistyped_surnames & theirs.surnames and given in ("exact", "variant"):
            # PAKR for PARK and the given name right: one typing error in the whole name.
            level = "typo"
        else:
            # Read swapped, a shared given name alone is one syllable in common, no more.
            shared = given in ("exact", "variant") and not mine.swapped
            level = "given_only" if shared else "different"
        rank = _ORDER.get(level, 6) * 2 + int(mine.swapped)
        if best is None or rank < best[0]:
            best = (rank, level, mine, theirs)
    return None if best is None else (best[1], best[2], best[3])


def name_keys(record: PersonRecord, *, as_list_row: bool = False) -> set[str]:
    """Spelling-insensitive name keys for finding candidates in a database.

    A registry person's keys (``이:SUNGHO`` for 이성호, LEE SEONGHO and YI SUNG HO alike)
    are stored with the person; a list row's keys (``as_list_row``: also read with family
    and given name swapped, or as Hangul typed in the Latin layout) are looked up among
    them. They are the engine's own name blocks, so a database query finds the same people
    the engine would.
    """
    probe = profile(record)
    if not as_list_row:
        return {f"{s}:{g}" for s, g in index_keys(probe.readings)}
    return {
        f"{surname}:{reading.given}"
        for reading in probe.readings
        if reading.given
        for surname in reading.surnames
    }


class Engine:
    """Indexes a registry once; then links list records to it, with explanations."""

    def __init__(
        self,
        registry: Iterable[PersonRecord],
        *,
        population: int | None = None,
        model: Model = DEFAULT_MODEL,
    ) -> None:
        self.model = model
        self._weights = Weights(model)
        # A registry of a million makes millions of small objects, none in a reference cycle.
        with no_cycles_made():
            self._index = RegistryIndex(registry)
        self.population = max(population or len(self._index), 1)

    # --- candidates -------------------------------------------------------------------

    def _candidate_rows(self, probe: Profile, name: Name) -> Iterator[int]:
        """Rows worth scoring; a row may come more than once, in no particular order."""
        index = self._index
        if probe.passport:
            yield from index.by_passport.get(probe.passport, ())
        if probe.host_identifier:
            yield from index.by_host_identifier.get(probe.host_identifier, ())
        close: dict[str, bool] = {}
        born = probe.date_of_birth
        if born is not None:
            yield from self._dob_block(name, born, close)
            if born.day <= 12 and born.day != born.month:
                swapped = born.replace(month=born.day, day=born.month)
                yield from self._dob_block(name, swapped, close)
        yield from self._postcode_block(probe, name, close)
        for reading in probe.readings:
            for surname in reading.surnames:
                key = (surname, reading.given)
                if born is None:
                    yield from index.by_name.get(key, ())[:NAME_BLOCK_LIMIT]
                else:
                    yield from index.born_near(key, born)

    def _postcode_block(self, probe: Profile, name: Name, close: dict[str, bool]) -> Iterator[int]:
        if not probe.postcode:
            return
        rows = self._index.by_postcode.get(probe.postcode, ())
        names = self._index.names
        compatible = name.compatible
        for row in rows[:NAME_BLOCK_LIMIT] if len(rows) > NAME_BLOCK_LIMIT else rows:
            if compatible(names[row], close):
                yield row

    def _dob_block(self, name: Name, born: date, close: dict[str, bool]) -> Iterator[int]:
        names = self._index.names
        compatible = name.compatible
        for row in self._index.by_birth.get(born, ()):
            if compatible(names[row], close):
                yield row

    # --- scoring ----------------------------------------------------------------------

    def _evidence(
        self, probe: Profile, entry: Profile, named: FieldEvidence | None
    ) -> tuple[FieldEvidence, ...]:
        weight = self._weights
        out: list[FieldEvidence] = []
        if probe.passport and entry.passport:
            if probe.passport == entry.passport:
                level = "exact"
            elif Levenshtein.distance(probe.passport, entry.passport) == 1:
                level = "one_character"
            else:
                level = "different"
            out.append(
                FieldEvidence(
                    "passport_number",
                    level,
                    weight("passport", level, 1 / (self.population * 10))
                    if level == "exact"
                    else weight("passport", level),
                    (probe.passport_raw or "", entry.passport_raw or ""),
                )
            )
        if named is not None:
            out.append(named)
        if probe.date_of_birth and entry.date_of_birth:
            level = birth_level(probe.date_of_birth, entry.date_of_birth)
            values = (probe.date_of_birth.isoformat(), entry.date_of_birth.isoformat())
            out.append(FieldEvidence("date_of_birth", level, weight("birth", level), values))
        elif probe.written_birth and entry.date_of_birth:
            # A date that cannot be true (2052 for 2002) may be one typing error from the real one.
            written_digits, registry_digits = probe.written_birth, digits(entry.date_of_birth)
            close = Levenshtein.distance(written_digits, registry_digits) == 1
            level = "one_digit" if close else "different"
            written = f"{written_digits[:4]}-{written_digits[4:6]}-{written_digits[6:]}"
            values = (written, entry.date_of_birth.isoformat())
            out.append(
                FieldEvidence(
                    "date_of_birth", level, weight("birth", level), values, (("as_written",),)
                )
            )
        if probe.sex and entry.sex and "X" not in (probe.sex, entry.sex):
            level = "exact" if probe.sex == entry.sex else "different"
            out.append(FieldEvidence("sex", level, weight("sex", level), (probe.sex, entry.sex)))
        if probe.origin and entry.origin:
            level = "exact" if probe.origin == entry.origin else "different"
            out.append(
                FieldEvidence(
                    "nationality",
                    level,
                    weight("origin", level),
                    (probe.origin, entry.origin),
                )
            )
        if probe.address or probe.postcode:
            out.extend(self._address_evidence(probe, entry))
        if probe.host_identifier or probe.employers or probe.worksites:
            out.extend(self._context_evidence(probe, entry))
        return tuple(out)

    def _name_evidence(self, probe: Profile, entry: Profile) -> FieldEvidence | None:
        """How the names compare: the same for every registry row that writes the name alike."""
        named = _name_level(probe, entry, self.model.similar_given)
        if named is None:
            return None
        level, mine, theirs = named
        if level == "typo" and self._known_name(mine):
            # The list's spelling is a name people in the registry carry: a near
            # spelling of it is no more a typing error than any other similar name.
            level = "similar"
        frequency = self._name_frequency(level, theirs)
        weighed = level
        if level == "surname_only" and _unlike(mine.given, theirs.given, self.model.unlike_given):
            weighed = "surname_only_unlike"
        notes: list[tuple[str, ...]] = []
        if mine.swapped:
            notes.append(("swapped",))
        if mine.script != theirs.script:
            notes.append(("scripts", mine.script, theirs.script))
        if level in ("exact", "variant") and frequency is not None:
            notes.append(("namesakes", str(max(round(frequency * self.population), 1))))
        values = (probe.latin or probe.hangul or "", f"{entry.hangul or ''} {entry.latin}".strip())
        weighs = self._weights("name", weighed, frequency)
        return FieldEvidence("name", level, weighs, values, tuple(notes))

    def _context_evidence(self, probe: Profile, entry: Profile) -> Iterator[FieldEvidence]:
        """The A-number, the employer and the worksite, where both sides carry them."""
        weight = self._weights
        if probe.host_identifier and entry.host_identifier:
            same = probe.host_identifier == entry.host_identifier
            level = "exact" if same else "different"
            unique = 1 / (self.population * 10) if same else None
            values = (probe.host_identifier, entry.host_identifier)
            yield FieldEvidence(
                "host_identifier", level, weight("host_identifier", level, unique), values
            )
        if probe.employers and entry.employers:
            counts = self._index.employer_counts
            yield self._shared("employer", probe.employers, entry.employers, counts)
        if probe.worksites and entry.worksites:
            counts = self._index.worksite_counts
            yield self._shared("worksite", probe.worksites, entry.worksites, counts)

    def _shared(
        self, field: str, mine: frozenset[str], theirs: frozenset[str], counts: Counter[str]
    ) -> FieldEvidence:
        """An employer or a worksite in common: as strong as few registry persons share it."""
        shared = mine & theirs
        if shared:
            u: float | None = max(max(counts.get(e, 0) for e in shared), 1) / self.population
            level = "exact"
        else:
            u, level = None, "different"
        values = (", ".join(sorted(mine)), ", ".join(sorted(theirs)))
        return FieldEvidence(field, level, self._weights(field, level, u), values)

    def _address_evidence(self, probe: Profile, entry: Profile) -> Iterator[FieldEvidence]:
        weight = self._weights
        if probe.address and entry.address:
            if sorted(probe.address.split()) == sorted(entry.address.split()):
                level = "exact"
            elif _address_similarity(probe.address, entry.address) >= self.model.similar_address:
                level = "similar"
            else:
                level = "different"
            values = (probe.address, entry.address)
            yield FieldEvidence("address", level, weight("address", level), values)
        if probe.postcode and entry.postcode:
            if probe.postcode == entry.postcode:
                level = "exact"
                sharing = len(self._index.by_postcode.get(entry.postcode, ()))
                share = max(sharing, 1) / self.population
            else:
                close = len(probe.postcode) == len(entry.postcode) and (
                    Levenshtein.distance(probe.postcode, entry.postcode) == 1
                )
                level = "one_character" if close else "different"
                share = None
            values = (probe.postcode, entry.postcode)
            yield FieldEvidence("postcode", level, weight("postcode", level, share), values)

    def _known_name(self, reading: Reading) -> bool:
        return any((s, reading.given) in self._index.by_name for s in reading.surnames)

    def _name_frequency(self, level: str, theirs: Reading) -> float | None:
        """The u of a name level for this registry name, where it depends on the name.

        Term frequencies: an exact or variant name is as strong as the name is rare; a
        shared surname or a shared given name alone is no stronger than the model's
        flat u, and weaker when that surname or given name is common.
        """
        index = self._index
        if level in ("exact", "variant"):
            count = max(
                (len(index.by_name.get((s, theirs.given), ())) for s in theirs.surnames),
                default=0,
            )
            return max(count, 1) / self.population
        if level == "given_only":
            shared = index.given_counts.get(theirs.given, 0) / self.population
            return max(shared, self._weights.u("name", level))
        if level == "surname_only":
            shared = max((index.surname_counts.get(s, 0) for s in theirs.surnames), default=0)
            return max(shared / self.population, self._weights.u("name", level))
        return None

    def _prior_bits(self) -> float:
        share = self.model.registered_share
        return math.log2(share / (1 - share)) - math.log2(self.population)

    def link(self, record: PersonRecord, *, exclude: str | None = None) -> Link:
        """Score the record against its blocked candidates and decide.

        ``exclude`` leaves one indexed record out (the record itself, when a list is
        compared with itself to find its duplicates).
        """
        written = read_name(record)
        probe = profile(record, written)
        index = self._index
        left_out = index.row_of.get(exclude) if exclude is not None else None
        scored: list[tuple[float, str, tuple[FieldEvidence, ...]]] = []
        prior = self._prior_bits()
        # Registry rows that write the name alike compare with the list's name alike.
        named: dict[Name, FieldEvidence | None] = {}
        for row in dict.fromkeys(self._candidate_rows(probe, Name(written))):
            if row == left_out:
                continue
            entry = index.profile(row)
            name = index.names[row]
            if name not in named:
                named[name] = self._name_evidence(probe, entry)
            evidence = self._evidence(probe, entry, named[name])
            bits = prior + sum(e.weight for e in evidence)
            scored.append((bits, index.ids[row], evidence))
        scored.sort(key=lambda item: (-item[0], item[1]))
        # The candidates share the probability; the rest goes to "someone not listed".
        odds = [2.0 ** min(bits, 60.0) for bits, _, _ in scored]
        total = 1.0 + sum(odds)
        candidates = tuple(
            Candidate(ident, round(min(odd / total, 1.0), 6), evidence)
            for odd, (_, ident, evidence) in zip(odds, scored, strict=True)
        )
        kept = _shown(tuple(c for c in candidates if c.probability >= 0.001))
        decision, hold, field = self._decide(kept)
        detail = next((e.detail for e in kept[0].evidence if e.field == field), "") if field else ""
        rows = index.by_host_identifier.get(probe.host_identifier or "", ())
        holders = [index.ids[row] for row in rows]
        if kept and holders and kept[0].registry_id not in holders:
            # The row's A-number is another person's: both are shown, an officer decides.
            shown = {c.registry_id for c in kept}
            kept += tuple(
                c for c in candidates if c.registry_id in holders and c.registry_id not in shown
            )
            if decision is Decision.MATCH:
                decision, hold = Decision.REVIEW, Hold.HOST_IDENTIFIER_TAKEN
                detail = f"{probe.host_identifier}: {', '.join(holders)}"
                field = "host_identifier"
        return Link(record.id, decision, kept, hold, detail, field)

    def _decide(self, candidates: tuple[Candidate, ...]) -> tuple[Decision, Hold | None, str]:
        """The decision on the best candidate, why it is held for review if it is, and the
        field that holds it ("" when none does)."""
        if not candidates:
            return Decision.NONE, None, ""
        best = candidates[0]
        if best.probability < self.model.review_threshold:
            return Decision.NONE, None, ""
        if best.probability < self.model.match_threshold:
            return Decision.REVIEW, None, ""
        hold = _hold(best.evidence)
        if hold is None:
            return Decision.MATCH, None, ""
        if hold[0] is None:  # no name in common: nothing to explain beyond the evidence
            return Decision.REVIEW, None, ""
        return Decision.REVIEW, hold[0], hold[1]

    def same_person(self, candidate: Candidate) -> bool:
        """Whether the evidence of this pair alone, without rivals, makes a match."""
        bits = self._prior_bits() + sum(e.weight for e in candidate.evidence)
        alone = Candidate(
            candidate.registry_id, 1 / (1 + 2.0 ** -min(bits, 60.0)), candidate.evidence
        )
        return self._decide((alone,))[0] is Decision.MATCH

    def link_many(self, records: Iterable[PersonRecord]) -> list[Link]:
        with index_left_alone():
            return [self.link(record) for record in records]


# Name levels that say the whole name is the same, written one way or another.
_WHOLE_NAME = frozenset({"exact", "variant", "typo", "similar"})
# The identifiers besides the name and birth date that say it is this person.
_CONFIRMING = ("employer", "worksite")


def _hold(evidence: tuple[FieldEvidence, ...]) -> tuple[Hold | None, str] | None:
    """Why evidence likely enough for a match must still go to an officer, and the field that
    says so (None: it need not).

    A likely match is never enough on its own when the person could be a namesake: a birth
    date that disagrees even by one digit needs a second identifier that agrees (the
    passport, the A-number, the employer or a deployment at the raided worksite); only a
    given name (or surname) in common needs the person's own passport or A-number, since
    many people share an employer or a worksite. Another nationality or the other sex
    needs the passport.
    """
    found = {e.field: e for e in evidence}

    def outcome(field: str) -> str | None:
        item = found.get(field)
        return item.outcome if item is not None else None

    passport = outcome("passport_number") == "exact"
    # A passport number one character off is still that passport: an unrelated person's
    # number lies one character away about once in a million.
    personal = outcome("passport_number") in ("exact", "one_character") or (
        outcome("host_identifier") == "exact"
    )
    confirmed = personal or any(outcome(field) == "exact" for field in _CONFIRMING)
    for field in ("nationality", "sex"):
        if outcome(field) == "different" and not passport:
            return Hold.CONFLICT, field
    if outcome("host_identifier") == "different":
        return Hold.HOST_IDENTIFIER_DIFFERS, "host_identifier"
    name = outcome("name")
    if name is None or name == "different":
        # A name that differs is linked only on the passport with the birth date or address.
        if passport and "exact" in (outcome("date_of_birth"), outcome("address")):
            return None
        return None, ""
    if name not in _WHOLE_NAME and not personal:
        return Hold.NAME_PART_ONLY, "name"
    if outcome("date_of_birth") not in (None, "exact") and not confirmed:
        return Hold.BIRTH_DATE_DIFFERS, "date_of_birth"
    return None


def _shown(likely: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """The likeliest candidates, and those as likely as the last of them (ties)."""
    kept = likely[:MAX_CANDIDATES]
    if len(likely) > MAX_CANDIDATES:
        last = kept[-1].probability
        tied = itertools.takewhile(
            lambda c: c.probability == last, likely[MAX_CANDIDATES:MAX_TIED_CANDIDATES]
        )
        kept += tuple(tied)
    return kept


def namesake_hold(candidate: Candidate) -> Hold | None:
    """Whether the namesake rules would hold this candidate back, whatever its probability.

    ``BIRTH_DATE_DIFFERS`` or ``NAME_PART_ONLY`` when the evidence alone could not link
    the candidate however likely it were; ``None`` otherwise. Benchmarks use it to tell
    the rows these rules must send to review from the rows the probability sends there.
    """
    hold = _hold(candidate.evidence)
    reason = hold[0] if hold is not None else None
    return reason if reason in (Hold.BIRTH_DATE_DIFFERS, Hold.NAME_PART_ONLY) else None


def cluster(records: Iterable[PersonRecord], *, population: int | None = None) -> list[list[str]]:
    """Group the records that are the same person (the same detainee on several lists).

    Two records join when the evidence between them alone would be an automatic match
    (several reports of one person share no probability: each pair stands on its own).
    Returns every record id once, in clusters of one or more, each in input order.
    """
    items = list(records)
    engine = Engine(items, population=population)
    parent = {r.id: r.id for r in items}

    def root(ident: str) -> str:
        while parent[ident] != ident:
            parent[ident] = parent[parent[ident]]
            ident = parent[ident]
        return ident

    for record in items:
        for candidate in engine.link(record, exclude=record.id).candidates:
            if engine.same_person(candidate):
                parent[root(candidate.registry_id)] = root(record.id)
    groups: dict[str, list[str]] = defaultdict(list)
    for record in items:
        groups[root(record.id)].append(record.id)
    return list(groups.values())
