"""Record linkage between host-authority lists and the registry of nationals.

Given registry records and list records (detainee lists, employer spreadsheets, family
reports), the package returns for each list record a decision (match, review, none) and
scored candidates whose evidence explains, field by field, why they were proposed.

The package is pure: it performs no database, web or file I/O and keeps no global state.
Callers load records, call a :class:`Matcher`, and store or show the resulting links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from consular.matching.engine import Engine, cluster, name_keys
from consular.matching.records import Candidate, Decision, FieldEvidence, Link, PersonRecord

__all__ = [
    "Candidate",
    "Decision",
    "FieldEvidence",
    "Link",
    "Matcher",
    "PersonRecord",
    "build_matcher",
    "cluster",
    "name_keys",
]


class Matcher(Protocol):
    """Anything that links list records to a registry it was built with."""

    def link(self, record: PersonRecord) -> Link:
        """Return the decision and ranked, explained candidates for one record."""
        ...

    def link_many(self, records: Iterable[PersonRecord]) -> list[Link]:
        """Link several records; the result keeps the input order."""
        ...


def build_matcher(registry: Iterable[PersonRecord], *, population: int | None = None) -> Matcher:
    """Index a registry once and return the matcher that links list records to it.

    ``population`` is the size of the whole registry when ``registry`` holds only the
    candidates a caller selected for these lists (how common a name or a birth date is
    depends on it); by default it is the number of records given.

    Callers should depend on this function and the :class:`Matcher` protocol rather
    than on a concrete class, so the engine behind it can be replaced.
    """
    return Engine(registry, population=population)
