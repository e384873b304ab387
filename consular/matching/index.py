"""The registry indexed once for blocking: rows by identifier, birth date and name key.

Rows are numbered in registry order and every block lists its rows in that order. Names
repeat (a million registry rows write a few hundred thousand names), so each distinct name
is read once and shared by its rows; a row's full profile is made only when it becomes a
candidate.
"""

from __future__ import annotations

import gc
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import TypeVar

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from consular.matching.columns import RecordColumns
from consular.matching.profile import (
    Profile,
    Reading,
    WrittenName,
    fold_employer,
    fold_host_identifier,
    fold_passport,
    fold_postcode,
    fold_worksite,
    hangul_keys,
    latin_keys,
    name_outline,
    name_parts,
    profile,
    read_name_fields,
)
from consular.matching.records import PersonRecord

Key = TypeVar("Key", bound=Hashable)
# Given names this close (rapidfuzz ratio) may be one name: worth scoring in full.
_COMPATIBLE_GIVEN = 70
# The fields a name is read from, in the order ``read_name_fields`` takes them.
NAME_FIELDS = (
    "family_name",
    "given_name",
    "family_name_hangul",
    "given_name_hangul",
    "full_name",
    "full_name_hangul",
)
# A name block this long is grouped by birth date when first searched by one (common
# names are searched again and again).
_DATED_BLOCK = 256


class Name:
    """One written name as blocking sees it: every surname and given-name key it reads as."""

    __slots__ = ("_fields", "_written", "givens", "read", "surnames")

    def __init__(self, written: WrittenName) -> None:
        self._written: WrittenName | None = written
        self._fields: tuple[str | None, ...] = ()
        self.surnames: frozenset[str] = frozenset().union(*(r.surnames for r in written.readings))
        self.givens = tuple(dict.fromkeys(r.given for r in written.readings if r.given))
        self.read = bool(written.readings)

    @classmethod
    def of_fields(cls, fields: tuple[str | None, ...]) -> tuple[Name, frozenset[tuple[str, str]]]:
        """The name written in these fields (``NAME_FIELDS``) and its ``index_keys``; its
        readings are made when first asked for (most registry names are only ever compared
        by their keys)."""
        outline = name_outline(*fields)
        if outline is None:
            return cls(read_name_fields(*fields)), registry_keys(fields)
        name = cls.__new__(cls)
        name._written, name._fields = None, fields
        name.surnames, name.givens, name.read, keys = outline
        return name, keys

    @property
    def written(self) -> WrittenName:
        if self._written is None:
            self._written = read_name_fields(*self._fields)
        return self._written

    def compatible(self, other: Name, close: dict[str, bool]) -> bool:
        """A cheap filter before full scoring: a surname in common or a close given name.

        ``close`` remembers which given names were close to this name's (they repeat).
        """
        if not self.surnames.isdisjoint(other.surnames):
            return True
        for theirs in other.givens:
            near = close.get(theirs)
            if near is None:
                near = close[theirs] = any(
                    ratio(mine, theirs) >= _COMPATIBLE_GIVEN for mine in self.givens
                )
            if near:
                return True
        return not self.read or not other.read


def index_keys(readings: Iterable[Reading]) -> set[tuple[str, str]]:
    """(surname, given-name key) of each way the registry itself writes the name."""
    return {
        (surname, reading.given)
        for reading in readings
        if not reading.swapped and reading.script != "keyboard" and reading.given
        for surname in reading.surnames
    }


_NO_KEYS: frozenset[tuple[str, str]] = frozenset()


def registry_keys(fields: tuple[str | None, ...]) -> frozenset[tuple[str, str]]:
    """``index_keys`` of the name written in these fields (``NAME_FIELDS``), from the keys
    of its Hangul and its Latin part (each part repeats far more than the whole name)."""
    hangul, latin = name_parts(*fields)
    mine = hangul_keys(*hangul) if hangul is not None else _NO_KEYS
    theirs = latin_keys(*latin) if latin is not None else _NO_KEYS
    return mine | theirs if mine and theirs else mine or theirs


@lru_cache(maxsize=100_000)
def digits(day: date) -> str:
    return day.strftime("%Y%m%d")


def birth_level(left: date, right: date) -> str:
    if left == right:
        return "exact"
    if left.year == right.year and left.month == right.day and left.day == right.month:
        return "swapped_day_month"
    if Levenshtein.distance(digits(left), digits(right)) == 1:
        return "one_digit"
    return "different"


@lru_cache(maxsize=50_000)
def near_dates(born: date) -> frozenset[date]:
    """The dates whose birth level against ``born`` is not "different" (years of four digits).

    Four-digit years make eight digits on both sides, so one digit off is one digit
    replaced: the neighbours are found by replacing each digit of the year, the month and
    the day in turn.
    """
    near = {born}
    if born.day <= 12:
        near.add(born.replace(month=born.day, day=born.month))
    year, month, day = f"{born.year:04d}", f"{born.month:02d}", f"{born.day:02d}"
    for position, digit in itertools.product(range(4), "0123456789"):
        other_year = int(year[:position] + digit + year[position + 1 :])
        _add_valid(near, born, other_year, born.month, born.day)
    for position, digit in itertools.product(range(2), "0123456789"):
        other_month = int(month[:position] + digit + month[position + 1 :])
        if 1 <= other_month <= 12:
            _add_valid(near, born, born.year, other_month, born.day)
        other_day = int(day[:position] + digit + day[position + 1 :])
        if 1 <= other_day <= 31:
            _add_valid(near, born, born.year, born.month, other_day)
    return frozenset(near)


def _add_valid(near: set[date], born: date, year: int, month: int, day: int) -> None:
    try:
        other = date(year, month, day)
    except ValueError:
        return
    # A year below 1000 is written with fewer digits: let the comparison itself say.
    if year >= 1000 or birth_level(born, other) != "different":
        near.add(other)


def _group(values: Iterable[Key | None]) -> dict[Key, list[int]]:
    """Rows by value, in registry order; rows without a value are left out."""
    groups: defaultdict[Key, list[int]] = defaultdict(list)
    for row, value in enumerate(values):
        if value:
            groups[value].append(row)
    return dict(groups)


class Blocks:
    """Rows by a value that most rows hold alone (a passport number), in registry order.

    A value of one row is kept as its row number rather than as a list of one: a million
    passports are a million lists fewer to make and to keep.
    """

    __slots__ = ("_alone", "_shared")

    def __init__(self, values: Sequence[str | None]) -> None:
        # Written last to first, so that each value keeps its first row.
        self._alone = dict(zip(reversed(values), range(len(values) - 1, -1, -1), strict=True))
        self._alone.pop(None, None)
        self._alone.pop("", None)
        held = len(values) - values.count(None) - values.count("")
        # Counted only when some value is held twice (passport numbers are not).
        repeated = (
            {value for value, count in Counter(values).items() if count > 1 and value}
            if len(self._alone) < held
            else set()
        )
        shared: defaultdict[str | None, list[int]] = defaultdict(list)
        if repeated:
            for row, value in enumerate(values):
                if value in repeated:
                    shared[value].append(row)
        self._shared = dict(shared)

    def get(self, value: str, default: Sequence[int] = ()) -> Sequence[int]:
        rows = self._shared.get(value)
        if rows is not None:
            return rows
        row = self._alone.get(value)
        return default if row is None else (row,)


class RegistryIndex:
    """Registry rows by passport, birth date, postcode, A-number and name key, with the
    counts that say how common a name, a surname, a given name or an employer is."""

    def __init__(self, registry: Iterable[PersonRecord]) -> None:
        # Held by field: a row's record is made again only when it becomes a candidate.
        columns = (
            registry if isinstance(registry, RecordColumns) else RecordColumns.of(list(registry))
        )
        self.records: Sequence[PersonRecord] = columns
        size = len(columns)
        self.ids = list(columns.column("id") or ())
        self.row_of = dict(zip(self.ids, range(size), strict=True))
        if len(self.row_of) != len(self.ids):
            _refuse_repeated(self.ids)
        self.births: Sequence[date | None] = columns.column("date_of_birth") or [None] * size
        self.by_birth: dict[date, list[int]] = _group(self.births)
        self.by_passport = Blocks(_folded(columns, "passport_number", fold_passport))
        self.by_postcode = Blocks(_folded(columns, "postcode", fold_postcode))
        self.by_host_identifier = Blocks(_folded(columns, "host_identifier", fold_host_identifier))
        self.employer_counts: Counter[str] = Counter()
        for employers in filter(None, columns.column("employers") or ()):
            self.employer_counts.update(frozenset(e for e in map(fold_employer, employers) if e))
        self.worksite_counts: Counter[str] = Counter()
        for worksites in filter(None, columns.column("worksites") or ()):
            self.worksite_counts.update(frozenset(filter(None, map(fold_worksite, worksites))))
        self.names: Sequence[Name] = ()
        self.by_name: dict[tuple[str, str], list[int]] = {}
        self.given_counts: Counter[str] = Counter()
        self.surname_counts: Counter[str] = Counter()
        self._index_names(columns)
        self._profiles: dict[int, Profile] = {}
        self._dated_blocks: dict[tuple[str, str], dict[date | None, list[int]]] = {}

    def _index_names(self, columns: RecordColumns) -> None:
        """Read each distinct name once; block its rows under each of its keys."""
        size = len(columns)
        fields = zip(
            *(columns.column(name) or itertools.repeat(None, size) for name in NAME_FIELDS),
            strict=True,
        )
        code_of: dict[tuple[str | None, ...], int] = {}
        codes = [code_of.setdefault(written, len(code_of)) for written in fields]
        rows_of: list[list[int]] = [[] for _ in range(len(code_of))]
        for row, code in enumerate(codes):
            rows_of[code].append(row)
        parts: defaultdict[tuple[str, str], list[list[int]]] = defaultdict(list)
        read: list[Name] = []
        for written, rows in zip(code_of, rows_of, strict=True):
            name, keys = Name.of_fields(written)
            read.append(name)
            for key in keys:
                parts[key].append(rows)
            for given in {given for _, given in keys}:
                self.given_counts[given] += len(rows)
            for surname in {surname for surname, _ in keys}:
                self.surname_counts[surname] += len(rows)
        # A key that several spellings share (LEE SEONGHO, YI SUNG HO) merges their rows.
        self.by_name = {
            key: rows[0] if len(rows) == 1 else sorted(itertools.chain.from_iterable(rows))
            for key, rows in parts.items()
        }
        self.names = [read[code] for code in codes]

    def __len__(self) -> int:
        return len(self.ids)

    def profile(self, row: int) -> Profile:
        """The row's profile, made when it is first needed."""
        found = self._profiles.get(row)
        if found is None:
            found = self._profiles[row] = profile(self.records[row], self.names[row].written)
        return found

    def born_near(self, key: tuple[str, str], born: date) -> Iterable[int]:
        """The rows of a name block born on ``born``, near it (one digit, day and month
        swapped) or on a date unknown."""
        rows = self.by_name.get(key, ())
        births = self.births
        if born.year < 1000:
            return [
                row
                for row in rows
                if (other := births[row]) is None or birth_level(born, other) != "different"
            ]
        near = near_dates(born)
        if len(rows) < _DATED_BLOCK:
            return [
                row
                for row in rows
                if (other := births[row]) is None
                or other in near
                or (other.year < 1000 and birth_level(born, other) != "different")
            ]
        dated = self._dated_blocks.get(key)
        if dated is None:
            dated = self._dated_blocks[key] = _by_date(rows, births)
        found = list(dated.get(None, ()))
        for day in near:
            found.extend(dated.get(day, ()))
        for written in dated:
            if written is not None and written.year < 1000 and written not in near:
                found.extend(() if birth_level(born, written) == "different" else dated[written])
        return found


def _folded(
    columns: RecordColumns, name: str, fold: Callable[[str | None], str | None]
) -> list[str | None]:
    values = columns.column(name)
    if values is None:
        return []
    return [fold(value) if value else None for value in values]


def _by_date(rows: Sequence[int], births: Sequence[date | None]) -> dict[date | None, list[int]]:
    dated: defaultdict[date | None, list[int]] = defaultdict(list)
    days = itemgetter(*rows)(births) if len(rows) > 1 else [births[row] for row in rows]
    for day, row in zip(days, rows, strict=True):
        dated[day].append(row)
    return dict(dated)


def _refuse_repeated(ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise ValueError(f"registry id {ident!r} appears twice")
        seen.add(ident)


# --- the index is long-lived: keep it out of the cyclic collector's way ---------------


def to_oldest_generation() -> None:
    """Move every tracked object to the oldest generation, as a collection would, unwalked.

    Freezing and unfreezing move the lists of objects, not the objects: the young
    collections of the linking that follows do not walk the index on its way there.
    Objects someone else froze stay frozen (then the index is moved by a collection).
    """
    if gc.get_freeze_count():
        gc.collect(1)
        return
    gc.freeze()
    gc.unfreeze()


@contextmanager
def index_left_alone() -> Iterator[None]:
    """Collect only what linking makes: what lived before (the index) is frozen meanwhile,
    and only the young generations are collected.

    Otherwise each full collection walks the whole registry again, a second or more at a
    million rows; and with the index frozen, full collections would come again and again,
    each walking all that linking has kept so far (the candidates' profiles). Unfreezing at
    the end puts it all back where it was; objects someone else froze are left as they are
    (then nothing is frozen here).
    """
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def no_cycles_made() -> Iterator[None]:
    """Build many small objects, none in a reference cycle, without the cyclic collector
    walking them again and again for nothing; they go to the oldest generation after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
            to_oldest_generation()


# Young collections between two full ones while linking: more than linking ever makes.
_NEVER = 2**30
