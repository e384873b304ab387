"""What the engine knows of one record: its name readings and its normalized identifiers.

A *reading* is one way to understand a name: a set of possible Hangul surnames and a
spelling-insensitive key of the given name. ``YI, SUNG HO``, ``Lee Seong-ho`` and 이성호 all
read as ({이}, ``SUNGHO``). A Latin name also gets its swapped reading (lists swap family and
given names), and Latin letters typed on a Korean keyboard layout get their Hangul reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter

from rapidfuzz.distance import OSA

from consular.matching.normalize import split_full_name
from consular.matching.records import PersonRecord
from consular.matching.romanize import (
    hangul_from_qwerty,
    romanize_syllable,
    spelling_key,
    split_hangul_name,
    surname_keys,
    syllable_spellings,
)
from consular.matching.romanize_tables import SURNAME_SPELLINGS

_HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_ADDRESS_WORD = re.compile(r"\w+")
# Characters that passport numbers lose to reading or typing: O/0 and I/1 (and L/1).
_PASSPORT_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True, slots=True)
class Reading:
    surnames: frozenset[str]  # Hangul surnames, or "~KEY" for a surname that is not Korean
    given: str  # spelling key of the given name ("" when unknown)
    swapped: bool = False
    script: str = "latin"  # latin, hangul, keyboard
    hangul_given: str | None = None  # the given name in Hangul, when the reading has it
    letters: str = ""  # the Latin given name's letters, upper case, when the reading has them
    # A family name that is no known spelling: the Hangul surnames one typing error away
    # from it (PAKR, PRK: 박). Never used to find candidates, only to compare them.
    mistyped_surnames: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[frozenset[str], str]:
        return self.surnames, self.given


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    readings: tuple[Reading, ...]
    hangul: str | None  # full Hangul name, family first, no spaces
    latin: str  # the Latin name as given, for explanations
    date_of_birth: date | None
    sex: str | None
    passport: str | None  # folded
    passport_raw: str | None
    origin: str | None  # nationality, else country of birth
    address: str | None = None  # upper-case words of letters and digits, in order
    postcode: str | None = None  # letters and digits only, upper case
    host_identifier: str | None = None  # digits only (A-numbers are written with dashes)
    employers: frozenset[str] = frozenset()  # upper-case words, legal forms left out
    worksites: frozenset[str] = frozenset()  # upper-case words of letters and digits
    written_birth: str | None = None  # an impossible birth date's digits, YYYYMMDD

    @property
    def primary(self) -> Reading | None:
        return self.readings[0] if self.readings else None


@lru_cache(maxsize=200_000)
def given_key_from_hangul(given: str) -> str:
    return spelling_key("".join(romanize_syllable(s) for s in given))


@lru_cache(maxsize=200_000)
def given_key_from_latin(given: str) -> str:
    return spelling_key(given)


@lru_cache(maxsize=5_000)
def _syllable_keys(syllable: str) -> tuple[str, ...]:
    keys = {spelling_key(spelling) for spelling, _ in syllable_spellings(syllable)}
    keys.add(spelling_key(romanize_syllable(syllable)))
    return tuple(sorted(k for k in keys if k))


@lru_cache(maxsize=200_000)
def spells_hangul(letters: str, hangul_given: str) -> bool:
    """Whether Latin letters spell the Hangul given name in some known way.

    Passports romanize syllable by syllable, each syllable in one of its spellings (성 may be
    SEONG, SUNG or SONG), so the letters are read off one syllable at a time, each piece
    compared in the spelling-insensitive key space.
    """
    if not hangul_given:
        return not letters
    keys = _syllable_keys(hangul_given[0])
    for end in range(1, min(len(letters), 7) + 1):
        if given_key_from_latin(letters[:end]) in keys and spells_hangul(
            letters[end:], hangul_given[1:]
        ):
            return True
    return False


@lru_cache(maxsize=1 << 17)
def _letters(text: str) -> str:
    return "".join(_LATIN_WORD.findall(text)).upper()


# Shorter family names are one typing error from too many others (LE, KO, OH).
_MISTYPED_SURNAME_MIN_LENGTH = 3


@lru_cache(maxsize=1)
def _surname_spellings() -> tuple[tuple[str, str], ...]:
    return tuple(
        (spelling, hangul)
        for hangul, spellings in SURNAME_SPELLINGS.items()
        for spelling, _ in spellings
    )


@lru_cache(maxsize=50_000)
def mistyped_surnames(latin_family: str) -> frozenset[str]:
    """The Hangul surnames whose spelling an unknown family name is one typing error from.

    One letter left out or added, or two neighbouring letters swapped: ``PRK`` and
    ``PAKR`` are 박 (PARK), ``COHI`` is 최 (CHOI). A spelling that is itself a known family
    name (``KANG``, ``JANG``) is a family name, not a typing error: none then. One letter
    replaced is not counted: other nations' family names lie one letter from Korean
    spellings that way (``ZHANG`` / ``CHANG``, ``LIN`` / ``LIM``).
    """
    letters = _letters(latin_family)
    if len(letters) < _MISTYPED_SURNAME_MIN_LENGTH or surname_keys(latin_family):
        return frozenset()
    return frozenset(
        hangul
        for spelling, hangul in _surname_spellings()
        if len(spelling) >= _MISTYPED_SURNAME_MIN_LENGTH and _one_slip(letters, spelling)
    )


def _one_slip(typed: str, spelling: str) -> bool:
    """One letter left out or added, or two neighbouring letters swapped."""
    if OSA.distance(typed, spelling) != 1:
        return False
    return len(typed) != len(spelling) or sorted(typed) == sorted(spelling)


@lru_cache(maxsize=50_000)
def surnames_of(latin_family: str) -> frozenset[str]:
    found = surname_keys(latin_family)
    if found:
        return frozenset(found)
    key = spelling_key(latin_family)
    return frozenset({f"~{key}"}) if key else frozenset()


def fold_passport(number: str | None) -> str | None:
    if not number:
        return None
    upper = number.upper()
    cleaned = upper if upper.isalnum() else "".join(ch for ch in upper if ch.isalnum())
    return cleaned.translate(_PASSPORT_FOLD) or None


def _address_words(address: str | None) -> str | None:
    if not address:
        return None
    # Hyphenated names are one word (Sejong-daero is SEJONGDAERO, as often written).
    joined = address.upper().replace("-", "").replace("'", "")
    return " ".join(_ADDRESS_WORD.findall(joined)) or None


def fold_worksite(name: str) -> str | None:
    """A worksite as deployments and incidents write it, spacing and punctuation aside."""
    return _address_words(name)


def fold_postcode(postcode: str | None) -> str | None:
    if not postcode:
        return None
    return "".join(ch for ch in postcode.upper() if ch.isalnum()) or None


def fold_host_identifier(number: str | None) -> str | None:
    """``A-123-456-789``, ``A123456789`` and ``123 456 789`` are one A-number."""
    if not number:
        return None
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits.lstrip("0") or None


_NO_EMPLOYERS: frozenset[str] = frozenset()
# Legal forms that one list writes and another leaves out: Hanbit Construction Co., Ltd.
_LEGAL_FORMS = frozenset(
    {"CO", "LTD", "INC", "CORP", "CORPORATION", "LLC", "COMPANY", "LIMITED", "주식회사", "주"}
)


@lru_cache(maxsize=4096)
def fold_employer(name: str) -> str:
    words = _ADDRESS_WORD.findall(name.upper().replace("'", ""))
    return " ".join(w for w in words if w not in _LEGAL_FORMS)


def _hangul_name(
    family_hangul: str | None, given_hangul: str | None, full_hangul: str | None
) -> tuple[str, str] | None:
    if family_hangul:
        return family_hangul.strip(), (given_hangul or "").strip()
    full = (full_hangul or "").replace(" ", "")
    if full and _HANGUL.match(full) and len(full) >= 2:
        return split_hangul_name(full)
    return None


def _latin_parts(family: str | None, given: str | None, full: str | None) -> tuple[str, str] | None:
    if family or given:
        return family or "", given or ""
    if full:
        return split_full_name(full)
    return None


@lru_cache(maxsize=1 << 16)
def _keyboard_reading(text: str) -> Reading | None:
    """Hangul typed with the keyboard in Latin layout: 'rlaalswns' is 김민준.

    ``text`` is read in the order it was written: 'rla gns' is 김 훈, whichever word a
    Latin reading would take for the family name.
    """
    letters = "".join(_LATIN_WORD.findall(text))
    if not letters or letters.upper() == letters or len(letters) < 3:
        return None
    hangul = hangul_from_qwerty(letters)
    if hangul is None or not 2 <= len(hangul) <= 5 or not _HANGUL.match(hangul):
        return None
    family, given = split_hangul_name(hangul)
    return Reading(
        frozenset({family}),
        given_key_from_hangul(given),
        script="keyboard",
        hangul_given=given or None,
    )


@lru_cache(maxsize=1 << 18)
def _hangul_reading(family: str, given: str) -> Reading:
    return Reading(
        frozenset({family}),
        given_key_from_hangul(given),
        script="hangul",
        hangul_given=given or None,
    )


@lru_cache(maxsize=1 << 18)
def _latin_readings(family: str, given: str) -> tuple[Reading, ...]:
    """The forward and swapped readings of a Latin name (cached: names repeat)."""
    readings: list[Reading] = []
    forward = Reading(
        surnames_of(family),
        given_key_from_latin(given),
        letters=_letters(given),
        mistyped_surnames=mistyped_surnames(family),
    )
    if forward.surnames or forward.given:
        readings.append(forward)
    if family and given:
        readings.append(
            Reading(
                surnames_of(given), given_key_from_latin(family), True, letters=_letters(family)
            )
        )
    return tuple(readings)


@dataclass(frozen=True, slots=True)
class WrittenName:
    """What the engine reads in a record's name fields (shared by the records that repeat them)."""

    readings: tuple[Reading, ...]
    hangul: str | None  # full Hangul name, family first, no spaces
    latin: str  # the Latin name as given, for explanations


# The fields read_name reads: records equal in them have the same name.
name_fields: Callable[[PersonRecord], tuple[str | None, ...]] = attrgetter(
    "family_name",
    "given_name",
    "family_name_hangul",
    "given_name_hangul",
    "full_name",
    "full_name_hangul",
)


def name_parts(
    family_name: str | None,
    given_name: str | None,
    family_name_hangul: str | None,
    given_name_hangul: str | None,
    full_name: str | None,
    full_name_hangul: str | None,
) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The Hangul and the Latin (family, given) that ``read_name_fields`` reads (``None``:
    it reads none), for ``hangul_keys`` and ``latin_keys``."""
    hangul = _hangul_name(family_name_hangul, given_name_hangul, full_name_hangul)
    latin = _latin_parts(family_name, given_name, full_name)
    return (hangul if hangul is not None and hangul[0] else None), latin


@lru_cache(maxsize=1 << 16)
def hangul_keys(family: str, given: str) -> frozenset[tuple[str, str]]:
    """(surname, given-name key) of ``_hangul_reading(family, given)``, read no further."""
    key = given_key_from_hangul(given)
    return frozenset({(family, key)}) if key else frozenset()


@lru_cache(maxsize=1 << 10)
def latin_keys(family: str, given: str) -> frozenset[tuple[str, str]]:
    """(surname, given-name key) of the forward reading of ``_latin_readings(family, given)``
    (the order the name is written in), read no further."""
    key = given_key_from_latin(given)
    return frozenset((surname, key) for surname in surnames_of(family)) if key else frozenset()


Outline = tuple[frozenset[str], tuple[str, ...], bool, frozenset[tuple[str, str]]]
_NO_OUTLINE: Outline = (frozenset(), (), False, frozenset())


def name_outline(
    family_name: str | None,
    given_name: str | None,
    family_name_hangul: str | None,
    given_name_hangul: str | None,
    full_name: str | None,
    full_name_hangul: str | None,
) -> Outline | None:
    """Of the readings ``read_name_fields`` gives, without making them: every surname, every
    given-name key (in order), whether there is any, and the (surname, given-name key) of
    those in the name's own order and script; ``None`` when one of them may be read off the
    keyboard (then make them)."""
    mine = _hangul_side(family_name_hangul, given_name_hangul, full_name_hangul)
    theirs = _latin_side(family_name, given_name, full_name)
    if mine is _KEYBOARD or theirs is _KEYBOARD:
        return None
    if not mine[2] or not theirs[2]:
        return mine if mine[2] else theirs
    givens = tuple(dict.fromkeys((*mine[1], *theirs[1])))
    return mine[0] | theirs[0], givens, True, mine[3] | theirs[3]


# A name that may be read off the keyboard: its readings are made to know.
_KEYBOARD: Outline = (frozenset(), (), False, frozenset())


@lru_cache(maxsize=1 << 18)
def _hangul_side(
    family_hangul: str | None, given_hangul: str | None, full_hangul: str | None
) -> Outline:
    hangul = _hangul_name(family_hangul, given_hangul, full_hangul)
    typed = full_hangul or ""
    if hangul is None and typed and not _HANGUL.match(typed.replace(" ", "")):
        return _KEYBOARD
    return _hangul_outline(*hangul) if hangul is not None and hangul[0] else _NO_OUTLINE


@lru_cache(maxsize=1 << 19)
def _latin_side(family: str | None, given: str | None, full: str | None) -> Outline:
    latin = _latin_parts(family, given, full)
    if latin is None:
        return _NO_OUTLINE
    text = (full if not (family or given) else None) or "".join(latin)
    if text.upper() != text:
        return _KEYBOARD
    return _latin_outline(*latin)


@lru_cache(maxsize=1 << 18)
def _hangul_outline(family: str, given: str) -> Outline:
    reading = _hangul_reading(family, given)
    givens = (reading.given,) if reading.given else ()
    return reading.surnames, givens, True, hangul_keys(family, given)


@lru_cache(maxsize=1 << 10)
def _latin_outline(family: str, given: str) -> Outline:
    """``name_outline`` of ``_latin_readings(family, given)``, made without them."""
    surnames, key = surnames_of(family), given_key_from_latin(given)
    if not (family and given):  # the forward reading alone, if it reads anything
        return (
            (surnames, (key,) if key else (), True, latin_keys(family, given))
            if (surnames or key)
            else _NO_OUTLINE
        )
    # The swapped reading is there too, and the forward one even if it reads nothing.
    swapped, swapped_key = surnames_of(given), given_key_from_latin(family)
    givens = tuple(dict.fromkeys(k for k in (key, swapped_key) if k))
    return surnames | swapped, givens, True, latin_keys(family, given)


def read_name(record: PersonRecord) -> WrittenName:
    """Every reading of the record's name, in both scripts."""
    return read_name_fields(*name_fields(record))


def read_name_fields(
    family_name: str | None,
    given_name: str | None,
    family_name_hangul: str | None,
    given_name_hangul: str | None,
    full_name: str | None,
    full_name_hangul: str | None,
) -> WrittenName:
    """``read_name`` of a record whose name fields are these (in ``name_fields`` order)."""
    readings: list[Reading] = []
    hangul = _hangul_name(family_name_hangul, given_name_hangul, full_name_hangul)
    if hangul is not None and hangul[0]:
        readings.append(_hangul_reading(*hangul))
    typed = full_name_hangul or ""
    keyboards = 0
    if hangul is None and typed and not _HANGUL.match(typed.replace(" ", "")):
        # A Hangul column holding Latin letters: the name was typed in the wrong layout.
        keyboard = _keyboard_reading(typed)
        if keyboard is not None:
            readings.append(keyboard)
            keyboards += 1
    latin = _latin_parts(family_name, given_name, full_name)
    if latin is not None:
        readings.extend(_latin_readings(*latin))
        # Keyboard-typed Hangul is read in the written order, not in the Latin split's.
        written = full_name if not (family_name or given_name) else None
        text = written or "".join(latin)
        # Upper-case letters are never keyboard-typed Hangul (passports are upper case).
        keyboard = None if text.upper() == text else _keyboard_reading(text)
        if keyboard is not None:
            readings.append(keyboard)
            keyboards += 1
    latin_text = " ".join(p for p in (latin or ()) if p)
    return WrittenName(
        # Readings differ in script or order but for the two keyboard readings.
        readings=tuple(dict.fromkeys(readings)) if keyboards > 1 else tuple(readings),
        hangul="".join(hangul) if hangul else None,
        latin=latin_text or (typed.strip() if hangul is None else ""),
    )


def profile(record: PersonRecord, name: WrittenName | None = None) -> Profile:
    """Every reading of the record's name, and its identifiers normalized for comparison.

    ``name`` is ``read_name(record)`` when the caller has it already (names repeat).
    """
    if name is None:
        name = read_name(record)
    return Profile(
        id=record.id,
        readings=name.readings,
        hangul=name.hangul,
        latin=name.latin,
        date_of_birth=record.date_of_birth,
        sex=(record.sex or "").strip().upper()[:1] or None,
        passport=fold_passport(record.passport_number),
        passport_raw=record.passport_number,
        origin=(record.nationality or record.country_of_birth or "").strip().upper() or None,
        # Most records carry none of these: no call to find that out.
        address=_address_words(record.address) if record.address else None,
        postcode=fold_postcode(record.postcode) if record.postcode else None,
        host_identifier=fold_host_identifier(record.host_identifier)
        if record.host_identifier
        else None,
        employers=frozenset(filter(None, map(fold_employer, record.employers)))
        if record.employers
        else _NO_EMPLOYERS,
        worksites=frozenset(filter(None, map(fold_worksite, record.worksites)))
        if record.worksites
        else _NO_EMPLOYERS,
        written_birth=record.written_birth_date,
    )
