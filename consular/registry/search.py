"""Finding persons by a name as someone types it: whole or partial, Hangul or Latin, in any
of its usual spellings (through the name keys stored with each person)."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, or_, select

from consular.matching import PersonRecord, name_keys
from consular.matching.normalize import latin_name_key
from consular.matching.romanize import romanize_name, spelling_key, surname_keys
from consular.registry.models import Person, PersonNameKey

_WORDS = re.compile(r"[\s,]+")
_DIGIT = re.compile(r"\d")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A part shorter than this is only looked for at the start of a name, not inside one.
_INSIDE = 2


def name_words(text: str) -> list[str]:
    """The words of a typed name; none when it holds a digit (an identifier, not a name)."""
    if _DIGIT.search(text):
        return []
    return [word for word in _WORDS.split(text.strip()) if word]


def name_matches(text: str) -> ColumnElement[bool] | None:
    """A condition on ``Person``: each word of ``text`` is part of the person's name, as
    written or in another spelling ("Yi Sung-ho", "Lee Seongho", "이성호", "seong"); or the
    whole is the name in another reading. None when ``text`` is no name."""
    words = name_words(text)
    if not words:
        return None
    each = [_word_matches(word) for word in words]
    whole = _whole_name_keys(" ".join(words))
    if whole:
        by_key = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(whole)))
        return or_(Person.id.in_(by_key), and_(*each))
    return and_(*each)


def _whole_name_keys(text: str) -> set[str]:
    """The keys of the whole typed name as a list row would be read (swapped, or Hangul
    typed on a Latin keyboard)."""
    record = (
        PersonRecord(id="", full_name_hangul=text.replace(" ", ""))
        if _HANGUL.search(text)
        else PersonRecord(id="", full_name=text)
    )
    try:
        return name_keys(record, as_list_row=True)
    except ValueError:
        return set()


def _word_matches(word: str) -> ColumnElement[bool]:
    if _HANGUL.search(word):
        return _hangul_word(word)
    letters = latin_name_key(word)
    if not letters:
        return Person.id.is_not(None)
    folded = spelling_key(word)
    keys = [PersonNameKey.key.startswith(f"{s}:") for s in surname_keys(word)]
    keys.append(PersonNameKey.key.startswith(f"~{folded}:"))
    written = Person.name_key.startswith(letters, autoescape=True)
    if len(letters) >= _INSIDE:
        written = Person.name_key.contains(letters, autoescape=True)
        keys.append(PersonNameKey.key.like(f"%:%{folded}%"))
    by_key = select(PersonNameKey.person_id).where(or_(*keys))
    return or_(written, Person.id.in_(by_key))


def _hangul_word(word: str) -> ColumnElement[bool]:
    """A Hangul word: inside the Hangul name, or, in its romanizations, a surname, the start
    of a whole name or a part of a given name (for persons known by their Latin name only)."""
    keys = [PersonNameKey.key.startswith(f"{word}:")]
    if len(word) >= _INSIDE:
        keys += [PersonNameKey.key.startswith(key) for key in _whole_name_keys(word)]
    try:
        _, given = romanize_name("", word)
    except ValueError:
        given = ""
    if given:
        keys.append(PersonNameKey.key.like(f"%:%{spelling_key(given)}%"))
    by_key = select(PersonNameKey.person_id).where(or_(*keys))
    return or_(Person.hangul_key.contains(word, autoescape=True), Person.id.in_(by_key))
