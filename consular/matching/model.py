"""The Fellegi–Sunter model of the engine: agreement levels, their m and u, the thresholds."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """Agreement levels as (m, u) pairs, and the decision thresholds.

    m: share of true matches showing the level; u: share of unrelated pairs showing it.
    The thresholds are set so that automatic matches are almost never wrong (measured in
    benchmarks/matching); the doubtful go to review.
    """

    name: tuple[tuple[str, float, float], ...] = (
        # level, m, u (u of "exact" and "variant" is the name's frequency in the registry);
        # "exact" is the same letters (or Hangul), "variant" another known spelling of them.
        # The u of "typo" and "similar" are rounded up from their share of 300,000 random
        # pairs of a registry drawn with census name frequencies (benchmarks/matching).
        ("exact", 0.60, 0.0),
        ("variant", 0.25, 0.0),
        # one letter typed wrong, left out, doubled or two letters swapped (JYUN / JUYUN)
        ("typo", 0.05, 0.0001),
        ("similar", 0.04, 0.003),
        # u of "given_only" and "surname_only" is at least the given name's or the
        # surname's share of the registry
        ("given_only", 0.02, 0.0005),
        # The family name agrees and the given names are near (one garbled on the list) ...
        ("surname_only", 0.009, 0.12),
        # ... or have next to nothing in common (TAESEUNG / GIJUN): almost never one person
        # (no such pair among the registered rows of the synthetic lists); an English given
        # name on a list beside a Korean one in the registry is the case kept in view.
        ("surname_only_unlike", 0.001, 0.12),
        ("different", 0.01, 0.88),
    )
    birth: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.92, 1 / 16_000),
        # Host lists mix up US and other date orders: 05/04 read as 4 May or 5 April.
        ("swapped_day_month", 0.03, 1 / 16_000),
        # about 20 valid dates of the registry's 50 years lie one digit away from a date
        ("one_digit", 0.03, 1 / 800),
        ("different", 0.01, 1.0),
    )
    passport: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.95, 1e-8),
        ("one_character", 0.03, 1e-7),
        # Passports are renewed under new numbers: a different one is weak evidence.
        ("different", 0.02, 1.0),
    )
    # The host authority's number: one per person, but a person is sometimes given two.
    host_identifier: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.95, 1e-8),
        ("different", 0.02, 1.0),
    )
    # u of "exact" is the share of the registry deployed by that employer; registries know
    # only some of a person's employers, so "different" is weak evidence.
    employer: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.85, 0.0),
        ("different", 0.15, 1.0),
    )
    # u of "exact" is the share of the registry deployed at that worksite at the time. On a
    # raided worksite's lists most registered detainees were deployed there by an employer
    # who registered them; "different" (deployed elsewhere then) is weak evidence.
    worksite: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.80, 0.0),
        ("different", 0.20, 1.0),
    )
    sex: tuple[tuple[str, float, float], ...] = (("exact", 0.97, 0.5), ("different", 0.03, 0.5))
    origin: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.95, 0.7),
        ("different", 0.0005, 0.3),
    )
    # Home addresses: members of one household share theirs, so "exact" is not rare.
    address: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.50, 1e-4),  # the same words, in any order
        ("similar", 0.30, 0.002),
        ("different", 0.20, 1.0),
    )
    # u of an exact postcode is that postcode's share of the registry.
    postcode: tuple[tuple[str, float, float], ...] = (
        ("exact", 0.85, 0.0),
        ("one_character", 0.05, 0.01),
        ("different", 0.10, 1.0),
    )
    similar_address: float = 85.0
    # Share of list rows whose person is in the registry at all.
    registered_share: float = 0.9
    match_threshold: float = 0.98
    review_threshold: float = 0.05
    similar_given: float = 85.0
    # Given names less alike than this (rapidfuzz ratio of their spelling keys) share
    # nothing worth weighing: a family name in common is all there is.
    unlike_given: float = 60.0

    def _level(self, field: str, level: str) -> tuple[float, float]:
        for name, m, u in getattr(self, field):
            if name == level:
                return float(m), float(u)
        raise KeyError(f"{field}:{level}")

    def u(self, field: str, level: str) -> float:
        return self._level(field, level)[1]

    def weight(self, field: str, level: str, u_override: float | None = None) -> float:
        m, u = self._level(field, level)
        return math.log2(m / (u_override if u_override is not None else u))


DEFAULT_MODEL = Model()


class Weights:
    """The model's weights, looked up once per level rather than once per compared pair."""

    def __init__(self, model: Model) -> None:
        self._m: dict[tuple[str, str], float] = {}
        self._u: dict[tuple[str, str], float] = {}
        self._flat: dict[tuple[str, str], float] = {}
        for field in dataclasses.fields(model):
            levels = getattr(model, field.name)
            if not isinstance(levels, tuple):
                continue
            for level, _, _ in levels:
                if (field.name, level) in self._m:
                    continue
                m, u = model._level(field.name, level)
                self._m[field.name, level], self._u[field.name, level] = m, u
                if u:  # a u of 0 is the registry's own frequency, given with each pair
                    self._flat[field.name, level] = model.weight(field.name, level)

    def __call__(self, field: str, level: str, u_override: float | None = None) -> float:
        if u_override is None:
            return self._flat[field, level]
        return math.log2(self._m[field, level] / u_override)

    def u(self, field: str, level: str) -> float:
        return self._u[field, level]
