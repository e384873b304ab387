"""Normalisation of identifiers and names into comparison keys.

Keys are deliberately blunt: they remove case, accents, punctuation and spacing so that
``"Kim, Min-Jun"`` and ``"KIM MINJUN"`` compare equal. They do not fold romanization
variants (``LEE`` vs ``YI``); that is the job of a spelling-aware comparator.
"""

from __future__ import annotations

import re
import unicodedata

from consular.matching.records import PersonRecord

_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_NON_LETTER = re.compile(r"[^A-Z]")
_WHITESPACE = re.compile(r"\s+")


def normalize_passport(s: str | None) -> str | None:
    """Return the passport number in upper case with letters and digits only.

    ``" m1234-5678 "`` becomes ``"M12345678"``; an empty or missing value gives ``None``.
    """
    if s is None:
        return None
    cleaned = _NON_ALNUM.sub("", s.upper())
    return cleaned or None


def latin_name_key(*parts: str | None) -> str:
    """Join name parts into a key of upper-case ASCII letters only.

    Accents are stripped (``"Nguyễn"`` → ``"NGUYEN"``); spaces, hyphens, commas, digits
    and any non-Latin character are dropped. ``None`` parts are skipped.
    """
    joined = "".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", joined)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_LETTER.sub("", without_marks.upper())


def split_full_name(full: str) -> tuple[str, str]:
    """Split an unsplit Latin name into ``(family, given)``.

    With a comma the family name comes first: ``"KIM, MIN JUN"`` → ``("KIM", "MIN JUN")``.
    Without one the last word is the family name: ``"Min Jun Kim"`` → ``("Kim", "Min Jun")``.
    """
    if "," in full:
        family, given = full.split(",", 1)
        return _collapse(family), _collapse(given)
    words = full.split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


def record_name_keys(record: PersonRecord) -> set[str]:
    """Return the Latin name keys of a record, family+given and given+family.

    Both orders are produced because lists swap family and given names. Keys come from
    ``family_name``/``given_name`` and from ``full_name``, whichever are present.
    """
    keys: set[str] = set()
    pairs: list[tuple[str | None, str | None]] = []
    if record.family_name or record.given_name:
        pairs.append((record.family_name, record.given_name))
    if record.full_name:
        pairs.append(split_full_name(record.full_name))
    for family, given in pairs:
        keys.add(latin_name_key(family, given))
        keys.add(latin_name_key(given, family))
    keys.discard("")
    return keys


def hangul_name_key(record: PersonRecord) -> str | None:
    """Return the Hangul name (family then given) without spaces, or ``None``.

    Uses ``family_name_hangul``/``given_name_hangul`` when present, else
    ``full_name_hangul``. Text is NFC-normalised so decomposed jamo compare equal.
    """
    if record.family_name_hangul or record.given_name_hangul:
        raw = (record.family_name_hangul or "") + (record.given_name_hangul or "")
    else:
        raw = record.full_name_hangul or ""
    key = _WHITESPACE.sub("", unicodedata.normalize("NFC", raw))
    return key or None


def _collapse(text: str) -> str:
    """Strip and collapse runs of whitespace to one space."""
    return " ".join(text.split())
