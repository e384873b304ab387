"""Romanization of Korean names as passports write them, and spelling-insensitive keys.

Passports romanize a name syllable by syllable, with no sound change across syllables
(한복남 → HAN BOKNAM), and holders may keep a non-standard spelling (YI, CHOE, SUNG).
This module gives the plausible spellings of each syllable with weights, the most common
passport spelling of a name, a key that folds the usual spelling alternations, the Hangul
surnames a Latin surname can stand for, and a decoder for Hangul typed on a QWERTY
keyboard in the wrong layout. It is pure: no I/O and no global state beyond constant tables.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache, lru_cache

from consular.matching import romanize_tables as tables

__all__ = [
    "decompose",
    "hangul_from_qwerty",
    "qwerty_from_hangul",
    "romanize_name",
    "romanize_syllable",
    "spelling_key",
    "split_hangul_name",
    "surname_keys",
    "syllable_spellings",
]

_HANGUL_BASE = 0xAC00
_HANGUL_LAST = 0xD7A3
_MEDIAL_COUNT = 21
_FINAL_COUNT = 28
# Given-name syllables get at most this many spellings.
_MAX_SPELLINGS = 6

_NON_LETTER = re.compile(r"[^A-Z]")
_VOWELS = "AEIOUWY"
# Folds applied in order by spelling_key; each maps a spelling alternation to one form.
# Plain letters are replaced as text (the same result as a pattern, several times faster).
_KEY_FOLDS: tuple[tuple[re.Pattern[str] | str, str], ...] = tuple(
    (pattern if pattern.isalpha() else re.compile(pattern), replacement)
    for pattern, replacement in (
        ("WEO", "WO"),
        ("OO", "U"),
        ("OU", "U"),
        ("EO", "U"),
        ("EU", "U"),
        ("EE", "I"),
        ("UI", "I"),
        ("AE", "E"),
        ("OI", "OE"),
        ("SH", "S"),
        ("CH", "J"),
        ("RH", "R"),
        # An R after a vowel is English-style spelling (PARK, HUR), never ㄹ, which is L.
        (f"(?<=[{_VOWELS}])R(?![{_VOWELS}])", ""),
        ("K", "G"),
        ("P", "B"),
        ("T", "D"),
        ("L", "R"),
        # A silent H lengthening a vowel (AHN, OH, SUH) is dropped.
        (f"(?<=[{_VOWELS}])H(?![{_VOWELS}])", ""),
        ("WU", "U"),
        (r"(.)\1+", r"\1"),
    )
)


def decompose(syllable: str) -> tuple[int, int, int]:
    """Split a precomposed Hangul syllable into (initial, medial, final) jamo indices.

    Indices follow Unicode order: 19 initials, 21 medials and 28 finals where final 0
    means none. ``decompose("김") == (0, 20, 16)``.

    Raises:
        ValueError: ``syllable`` is not exactly one precomposed Hangul syllable.
    """
    if len(syllable) != 1 or not _HANGUL_BASE <= ord(syllable) <= _HANGUL_LAST:
        raise ValueError(f"not a precomposed Hangul syllable: {syllable!r}")
    offset = ord(syllable) - _HANGUL_BASE
    initial, rest = divmod(offset, _MEDIAL_COUNT * _FINAL_COUNT)
    medial, final = divmod(rest, _FINAL_COUNT)
    return initial, medial, final


def _compose(initial: int, medial: int, final: int = 0) -> str:
    """Build the Hangul syllable from jamo indices (the inverse of :func:`decompose`)."""
    return chr(_HANGUL_BASE + (initial * _MEDIAL_COUNT + medial) * _FINAL_COUNT + final)


def romanize_syllable(syllable: str) -> str:
    """Return the Revised Romanization of one syllable on its own, in lower case.

    No sound change is applied, as on passports: ``박`` → ``"bak"``, ``성`` → ``"seong"``,
    ``최`` → ``"choe"``, ``이`` → ``"i"``, ``김`` → ``"gim"`` (KIM is the usual surname
    spelling, see :func:`syllable_spellings`).

    Raises:
        ValueError: ``syllable`` is not one precomposed Hangul syllable.
    """
    initial, medial, final = decompose(syllable)
    return tables.RR_INITIALS[initial] + tables.RR_MEDIALS[medial] + tables.RR_FINALS[final]


def syllable_spellings(syllable: str, *, surname: bool = False) -> list[tuple[str, float]]:
    """Return the plausible upper-case Latin spellings of a syllable, most common first.

    Weights sum to 1.0. With ``surname=True`` the spellings come from passport statistics
    for common surnames, and ``syllable`` may be a two-syllable surname such as ``남궁``;
    a surname missing from the table is spelled like a given-name syllable. Given-name
    syllables get at most six spellings generated from the Revised Romanization by the
    usual alternations (eo→u/o, u→oo, i→ee, ae→e, g/k, b/p, d/t, j/ch, r/l, s/sh), unless a
    table of well-known syllables overrides them. The first spelling is the RR form or,
    where the table says so, the form most passports use (영 → YOUNG).

    Raises:
        ValueError: ``syllable`` is neither one Hangul syllable nor, with ``surname``,
            a listed two-syllable surname.
    """
    return list(_syllable_spellings(syllable, surname))


@cache
def _syllable_spellings(syllable: str, surname: bool) -> tuple[tuple[str, float], ...]:
    if surname and syllable in tables.SURNAME_SPELLINGS:
        return _normalized(tables.SURNAME_SPELLINGS[syllable])
    if syllable in tables.GIVEN_SYLLABLE_OVERRIDES:
        return _normalized(tables.GIVEN_SYLLABLE_OVERRIDES[syllable])
    return _normalized(_generated_spellings(syllable))


def _normalized(spellings: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """Scale weights to sum to 1.0, keeping the order."""
    total = sum(weight for _, weight in spellings)
    return tuple((spelling, weight / total) for spelling, weight in spellings)


def _generated_spellings(syllable: str) -> tuple[tuple[str, float], ...]:
    """Combine the alternatives of initial, vowel and final; keep the heaviest few."""
    initial, medial, final = decompose(syllable)
    initial_rr = tables.RR_INITIALS[initial]
    medial_rr = tables.RR_MEDIALS[medial]
    final_rr = tables.RR_FINALS[final]

    initial_alts = tables.INITIAL_ALTERNATIVES.get(initial_rr, ((initial_rr, 1.0),))
    if initial_rr == "s" and medial_rr == "i":
        initial_alts = tables.S_BEFORE_I_ALTERNATIVES
    medial_alts = tables.MEDIAL_ALTERNATIVES.get(medial_rr, ((medial_rr, 1.0),))
    if not initial_rr and medial_rr in tables.MEDIAL_ALTERNATIVES_WITHOUT_INITIAL:
        medial_alts = tables.MEDIAL_ALTERNATIVES_WITHOUT_INITIAL[medial_rr]
    elif medial_rr == "i" and not final_rr:
        medial_alts = tables.OPEN_I_ALTERNATIVES
    final_alts = tables.FINAL_ALTERNATIVES.get(final_rr, ((final_rr, 1.0),))

    combined: dict[str, float] = {}
    for (ini, w1), (med, w2), (fin, w3) in itertools.product(initial_alts, medial_alts, final_alts):
        spelling = (ini + med + fin).upper()
        combined[spelling] = combined.get(spelling, 0.0) + w1 * w2 * w3
    # sorted() is stable, so the RR form (generated first) wins ties.
    ranked = sorted(combined.items(), key=lambda item: -item[1])
    return tuple(ranked[:_MAX_SPELLINGS])


def romanize_name(family_hangul: str, given_hangul: str) -> tuple[str, str]:
    """Return the most common passport spelling of a Hangul name, upper case.

    Given-name syllables are joined without a separator: ``romanize_name("이", "성호")``
    → ``("LEE", "SEONGHO")``; ``romanize_name("남궁", "민")`` → ``("NAMGUNG", "MIN")``.

    Raises:
        ValueError: a character is not a Hangul syllable.
    """
    family = family_hangul.strip()
    if family in tables.SURNAME_SPELLINGS:
        family_latin = syllable_spellings(family, surname=True)[0][0]
    else:
        family_latin = "".join(syllable_spellings(s, surname=True)[0][0] for s in family)
    given_latin = "".join(syllable_spellings(s)[0][0] for s in given_hangul.strip())
    return family_latin, given_latin


def split_hangul_name(full: str) -> tuple[str, str]:
    """Split a Hangul full name, family name first, into ``(family, given)``.

    A space, when present, separates the two. Otherwise a name of three or more
    syllables starting with a two-syllable surname keeps it whole (남궁민 → 남궁, 민), and
    any other name takes its first syllable as the family name (김민준 → 김, 민준).
    Three-syllable names like 선우진 are ambiguous (선우 + 진 or 선 + 우진); the
    two-syllable surname is preferred.

    Raises:
        ValueError: the name has fewer than two syllables or a non-Hangul character.
    """
    parts = full.split()
    compact = "".join(parts)
    if len(compact) < 2:
        raise ValueError(f"a Hangul full name needs at least two syllables: {full!r}")
    for char in compact:
        decompose(char)
    if len(parts) >= 2:
        return parts[0], "".join(parts[1:])
    if len(compact) >= 3 and compact[:2] in tables.TWO_SYLLABLE_SURNAMES:
        return compact[:2], compact[2:]
    return compact[0], compact[1:]


def spelling_key(latin: str) -> str:
    """Return a key of a Latin name part that is the same across common spellings.

    Accents and non-letters are dropped and the text upper-cased, then the usual
    alternations are folded to one form: eo/ou/oo/eu → U, ee/ui → I, ae → E, sh → S,
    ch → J, k → G, p → B, t → D, l → R, a silent H or English-style R after a vowel is
    dropped, and doubled letters are collapsed. ``SUNG``, ``SEONG`` and ``SOUNG`` all
    give ``"SUNG"``; ``Sung-ho`` and ``SUNG HO`` give ``"SUNGHO"``. Surname equivalences
    that are not spelling alternations (LEE and YI) are handled by :func:`surname_keys`.
    """
    return _folded(_letters(latin))


@lru_cache(maxsize=1 << 18)
def _folded(letters: str) -> str:
    key = letters
    for pattern, replacement in _KEY_FOLDS:
        if isinstance(pattern, str):
            key = key.replace(pattern, replacement)
        else:
            key = pattern.sub(replacement, key)
    return key


def surname_keys(latin: str) -> set[str]:
    """Return the Hangul surnames a Latin surname can stand for.

    The spelling is looked up in the surname table (``"YI"`` → ``{"이"}``, ``"YOO"`` →
    ``{"유", "류"}``); a spelling not in the table is compared through
    :func:`spelling_key` (``"SOUNG"`` → ``{"성"}``). Unknown surnames give an empty set.
    """
    letters = _letters(latin)
    by_spelling, by_key = _surname_index()
    if letters in by_spelling:
        return set(by_spelling[letters])
    return set(by_key.get(spelling_key(letters), ()))


def _letters(latin: str) -> str:
    """Upper-case ASCII letters only, accents stripped (``"Sŏng-ho"`` → ``"SONGHO"``)."""
    decomposed = unicodedata.normalize("NFKD", latin.upper())
    return _NON_LETTER.sub("", decomposed)


@cache
def _surname_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Map each surname spelling, and each spelling key, to the Hangul surnames."""
    by_spelling: dict[str, set[str]] = {}
    by_key: dict[str, set[str]] = {}
    for hangul, spellings in tables.SURNAME_SPELLINGS.items():
        for spelling, _ in spellings:
            by_spelling.setdefault(spelling, set()).add(hangul)
            by_key.setdefault(spelling_key(spelling), set()).add(hangul)
    return (
        {k: frozenset(v) for k, v in by_spelling.items()},
        {k: frozenset(v) for k, v in by_key.items()},
    )


_INITIAL_INDEX = {jamo: i for i, jamo in enumerate(tables.INITIALS)}
_MEDIAL_INDEX = {jamo: i for i, jamo in enumerate(tables.MEDIALS)}
_FINAL_INDEX = {jamo: i for i, jamo in enumerate(tables.FINALS) if jamo}
_SPLIT_FINALS = {compound: pair for pair, compound in tables.COMPOUND_FINALS.items()}
_SPLIT_MEDIALS = {compound: pair for pair, compound in tables.COMPOUND_MEDIALS.items()}
_JAMO_TO_QWERTY = {jamo: key for key, jamo in tables.QWERTY_TO_JAMO.items()}


class _Composer:
    """The dubeolsik input automaton: feeds jamo one by one and composes syllables.

    A consonant after a vowel is held as a final; if a vowel follows, it moves to start
    the next syllable (for a compound final, only its second part moves).
    """

    def __init__(self) -> None:
        self.text: list[str] = []
        self.initial: str | None = None
        self.medial: str | None = None
        self.final: str | None = None

    def consonant(self, jamo: str) -> bool:
        if self.initial is None:
            self.initial = jamo
            return True
        if self.medial is None:
            return False  # two consonants with no vowel between them
        if self.final is None:
            if jamo in _FINAL_INDEX:
                self.final = jamo
                return True
        elif (self.final, jamo) in tables.COMPOUND_FINALS:
            self.final = tables.COMPOUND_FINALS[(self.final, jamo)]
            return True
        self._flush()
        self.initial = jamo
        return True

    def vowel(self, jamo: str) -> bool:
        if self.initial is None:
            return False  # a vowel with no consonant before it cannot be a name syllable
        if self.medial is None:
            self.medial = jamo
            return True
        if self.final is None:
            compound = tables.COMPOUND_MEDIALS.get((self.medial, jamo))
            if compound is None:
                return False
            self.medial = compound
            return True
        kept, moved = _SPLIT_FINALS.get(self.final, (None, self.final))
        self.final = kept
        self._flush()
        self.initial, self.medial = moved, jamo
        return True

    def space(self) -> bool:
        if not self.finish():
            return False
        self.text.append(" ")
        return True

    def finish(self) -> bool:
        if self.initial is None:
            return True
        if self.medial is None:
            return False
        self._flush()
        return True

    def _flush(self) -> None:
        assert self.initial is not None and self.medial is not None
        final = _FINAL_INDEX[self.final] if self.final else 0
        initial = _INITIAL_INDEX[self.initial]
        self.text.append(_compose(initial, _MEDIAL_INDEX[self.medial], final))
        self.initial = self.medial = self.final = None


def hangul_from_qwerty(typed: str) -> str | None:
    """Decode Hangul typed on a QWERTY keyboard in the wrong layout (2-set dubeolsik).

    ``"rla"`` → ``"김"``, ``"qkr"`` → ``"박"``, ``"dltjdgh"`` → ``"이성호"``. Capitals are
    shifted keys (``"Rk"`` → ``"까"``), but text all in capitals with a capital that has
    no shifted jamo is read as upper-cased after typing (``"RLA"`` → ``"김"``). Spaces
    are kept. Returns ``None`` when the text does not compose into whole syllables (a
    lone consonant or vowel, a character that is not a letter key).
    """
    text = " ".join(typed.split())
    if not text:
        return None
    # Capitals on keys with no shifted jamo mean the text was upper-cased after typing.
    if text.isupper() and any(key not in tables.QWERTY_TO_JAMO for key in text if key != " "):
        text = text.lower()
    composer = _Composer()
    for key in text:
        if key == " ":
            accepted = composer.space()
        else:
            jamo = tables.QWERTY_TO_JAMO.get(key) or tables.QWERTY_TO_JAMO.get(key.lower())
            if jamo is None:
                return None
            accepted = composer.vowel(jamo) if jamo in _MEDIAL_INDEX else composer.consonant(jamo)
        if not accepted:
            return None
    if not composer.finish():
        return None
    return "".join(composer.text)


def qwerty_from_hangul(hangul: str) -> str:
    """Return the QWERTY keys that type a Hangul text on a 2-set keyboard.

    The inverse of :func:`hangul_from_qwerty`: ``"김"`` → ``"rla"``. Characters other
    than Hangul syllables (spaces, Latin letters) are kept as they are.
    """
    keys: list[str] = []
    for char in hangul:
        try:
            initial, medial, final = decompose(char)
        except ValueError:
            keys.append(char)
            continue
        medial_jamo = tables.MEDIALS[medial]
        jamo = [tables.INITIALS[initial], *_SPLIT_MEDIALS.get(medial_jamo, (medial_jamo,))]
        if final:
            final_jamo = tables.FINALS[final]
            jamo.extend(_SPLIT_FINALS.get(final_jamo, (final_jamo,)))
        keys.extend(_JAMO_TO_QWERTY[j] for j in jamo)
    return "".join(keys)
