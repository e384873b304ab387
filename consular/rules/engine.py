"""Rules as data: a rule set read from a TOML file, evaluated against a dict of facts.

A rule set declares its facts (name, type, choices), its outcomes from mildest to most
severe, named lists (the Visa Waiver Program countries) and its rules. A rule has an id, a
statement, citations, evidence tags and an effective date, and one or more cases; the
first case whose conditions all hold fires, with its outcome, its reason in Korean and
English and its effects (a suggested status, a bar's length, a waiver). A rule set is
checked when it is read: a condition on an undeclared fact, a choice that does not exist,
a reason naming an unknown fact is an error, so a typo in a data file fails at once.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ko")
EVIDENCE = {"S": "source", "I": "inference", "R": "recalled"}
FACT_TYPES = ("bool", "int", "choice", "country", "date")
# Condition operators on one fact, and what they mean with the fact's value ``v``.
_COMPARE = {
    "is": lambda v, x: v == x,
    "is_not": lambda v, x: v != x,
    "in": lambda v, x: v in x,
    "not_in": lambda v, x: v not in x,
    "above": lambda v, x: v > x,
    "at_least": lambda v, x: v >= x,
    "below": lambda v, x: v < x,
    "at_most": lambda v, x: v <= x,
}
_SHOWN_OP = {
    "is": "=",
    "is_not": "≠",
    "in": "in",
    "not_in": "not in",
    "above": ">",
    "at_least": "≥",
    "below": "<",
    "at_most": "≤",
}
_NUMERIC = {"above", "at_least", "below", "at_most"}


class RuleSetError(ValueError):
    """A rule file that cannot be used, with where and what."""


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    when: tuple[Mapping[str, Any], ...]
    outcome: str
    reason: Mapping[str, str]
    effects: Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    id: str
    title: Mapping[str, str]
    statement: str
    citations: tuple[str, ...]
    evidence: tuple[str, ...]
    effective: date
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class Firing:
    """A rule that fired: which, why (its conditions and reason), with what outcome."""

    rule: Rule
    outcome: str
    reason: Mapping[str, str]
    conditions: tuple[str, ...]
    effects: Mapping[str, Any]

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def unverified(self) -> bool:
        """True when the rule rests on inference or recall, not only on a source."""
        return any(tag != "S" for tag in self.rule.evidence)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    firings: tuple[Firing, ...]
    ruleset: str
    version: str

    @property
    def rule_ids(self) -> list[str]:
        return [firing.rule_id for firing in self.firings]

    def worst(self) -> list[Firing]:
        """The firings with the verdict's own outcome."""
        return [firing for firing in self.firings if firing.outcome == self.outcome]


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    digest: str
    facts: Mapping[str, Fact]
    outcomes: tuple[str, ...]
    lists: Mapping[str, frozenset[str]]
    rules: tuple[Rule, ...]
    default: Case = field(repr=False)
    # labels[fact][value][language]: how a choice reads in a reason ("건설 노동").
    labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def label(self, fact: str, value: Any, language: str) -> str:
        """A fact's value as a person reads it in ``language``."""
        if value is None:
            return "?"
        if isinstance(value, bool):
            return {"en": ("no", "yes"), "ko": ("아니요", "예")}[language][value]
        shown = self.labels.get(fact, {}).get(str(value))
        return shown[language] if shown else str(value)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def evaluate(self, facts: Mapping[str, Any], on: date | None = None) -> Verdict:
        """Every rule in force on ``on`` (default today) whose case holds, in file order,
        and the most severe outcome among them (the rule set's default when none fired).
        A fact that is None is unknown: only ``{unknown = "fact"}`` holds for it."""
        self._check_facts(facts)
        on = on or date.today()
        firings: list[Firing] = []
        for rule in self.rules:
            if rule.effective > on:
                continue
            for case in rule.cases:
                held = [self._holds(c, facts, firings) for c in case.when]
                if all(held):
                    firings.append(self._fire(rule, case, facts))
                    break
        if not firings:
            return Verdict(self.default.outcome, (), self.name, self.version)
        outcome = max((f.outcome for f in firings), key=self.outcomes.index)
        return Verdict(outcome, tuple(firings), self.name, self.version)

    def default_reason(self, language: str) -> str:
        return self.default.reason[language]

    def _check_facts(self, facts: Mapping[str, Any]) -> None:
        missing = sorted(set(self.facts) - set(facts))
        unknown = sorted(set(facts) - set(self.facts))
        if missing or unknown:
            raise ValueError(f"facts missing: {missing}; facts not declared: {unknown}")

    def _holds(
        self, condition: Mapping[str, Any], facts: Mapping[str, Any], earlier: list[Firing]
    ) -> bool:
        if "all" in condition:
            return all(self._holds(c, facts, earlier) for c in condition["all"])
        if "any" in condition:
            return any(self._holds(c, facts, earlier) for c in condition["any"])
        if "not" in condition:
            return not self._holds(condition["not"], facts, earlier)
        if "earlier" in condition:
            return any(firing.outcome == condition["earlier"] for firing in earlier)
        if "unknown" in condition:
            return facts[condition["unknown"]] is None
        value = facts[condition["fact"]]
        if value is None:
            return False
        op, operand = _operator(condition)
        if isinstance(operand, str) and op in ("in", "not_in") and operand in self.lists:
            operand = self.lists[operand]
        return bool(_COMPARE[op](value, operand))

    def _fire(self, rule: Rule, case: Case, facts: Mapping[str, Any]) -> Firing:
        # Only the facts a reason names are labelled (most name none).
        reason = {
            lang: text.format(**{name: self.label(name, facts[name], lang) for name in named})
            for lang, text in case.reason.items()
            for named in [_named(text)]
        }
        shown = tuple(_shown(c) for c in case.when)
        return Firing(rule, case.outcome, reason, shown, case.effects)


@lru_cache(maxsize=1024)
def _named(text: str) -> frozenset[str]:
    """The fact names a reason's placeholders use."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _operator(condition: Mapping[str, Any]) -> tuple[str, Any]:
    ops = [key for key in condition if key != "fact"]
    return ops[0], condition[ops[0]]


def _shown(condition: Mapping[str, Any]) -> str:
    """A condition as an officer reads it: ``stay_days > 90``, ``any(...)``."""
    for key in ("all", "any"):
        if key in condition:
            return f"{key}({', '.join(_shown(c) for c in condition[key])})"
    if "not" in condition:
        return f"not({_shown(condition['not'])})"
    if "earlier" in condition:
        return f"an earlier rule: {condition['earlier']}"
    if "unknown" in condition:
        return f"{condition['unknown']} unknown"
    op, operand = _operator(condition)
    if isinstance(operand, bool):
        operand = "yes" if operand else "no"
    elif isinstance(operand, list):
        operand = "{" + ", ".join(str(x) for x in operand) + "}"
    return f"{condition['fact']} {_SHOWN_OP[op]} {operand}"


def load_ruleset(path: Path, lists: Mapping[str, Sequence[str]] | None = None) -> RuleSet:
    """Read and check a rule set; ``lists`` are named lists shared between rule sets."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleSetError(f"{path.name}: {exc}") from None
    return _Checker(path.name, data, lists or {}).ruleset(hashlib.sha256(raw).hexdigest())


class _Checker:
    """Builds a RuleSet from parsed TOML, refusing anything it cannot evaluate."""

    def __init__(self, where: str, data: dict[str, Any], lists: Mapping[str, Sequence[str]]):
        self.where = where
        self.data = data
        self.lists = {name: frozenset(items) for name, items in lists.items()}
        self.lists.update({k: frozenset(v) for k, v in data.get("lists", {}).items()})
        self.facts: dict[str, Fact] = {}
        self.outcomes: tuple[str, ...] = ()

    def fail(self, where: str, message: str) -> RuleSetError:
        return RuleSetError(f"{self.where}, {where}: {message}")

    def ruleset(self, digest: str) -> RuleSet:
        data = self.data
        for key in ("name", "version", "outcomes", "facts", "rule", "default"):
            if key not in data:
                raise self.fail("top level", f"missing {key!r}")
        self.outcomes = tuple(data["outcomes"])
        self.facts = {name: self.fact(name, spec) for name, spec in data["facts"].items()}
        rules = tuple(self.rule(i, spec) for i, spec in enumerate(data["rule"], 1))
        ids = [rule.id for rule in rules]
        if len(set(ids)) != len(ids):
            raise self.fail("rules", f"an id is used twice: {sorted(ids)}")
        default = self.case("default", {**data["default"], "when": []})
        return RuleSet(
            name=data["name"],
            version=str(data["version"]),
            digest=digest,
            facts=self.facts,
            outcomes=self.outcomes,
            lists=self.lists,
            rules=rules,
            default=default,
            labels=self.labels(data.get("labels", {})),
        )

    def labels(self, spec: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
        for name, values in spec.items():
            fact = self.facts.get(name)
            if fact is None or fact.type != "choice":
                raise self.fail(f"labels.{name}", "labels are for the choices of a choice fact")
            if set(values) != set(fact.choices):
                raise self.fail(f"labels.{name}", f"label every choice: {fact.choices}")
            for value, texts in values.items():
                self.texts(f"labels.{name}.{value}", "label", texts, set())
        return spec

    def fact(self, name: str, spec: dict[str, Any]) -> Fact:
        if spec.get("type") not in FACT_TYPES:
            raise self.fail(f"fact {name}", f"type must be one of {FACT_TYPES}")
        choices = tuple(spec.get("choices", ()))
        if (spec["type"] == "choice") != bool(choices):
            raise self.fail(f"fact {name}", "a choice fact, and only it, lists its choices")
        return Fact(name, spec["type"], choices)

    def rule(self, index: int, spec: dict[str, Any]) -> Rule:
        where = f"rule {spec.get('id', f'#{index}')}"
        for key in ("id", "title", "statement", "citations", "evidence", "effective", "case"):
            if key not in spec:
                raise self.fail(where, f"missing {key!r}")
        if not isinstance(spec["effective"], date):
            raise self.fail(where, "effective must be a date like 2025-12-04")
        tags = tuple(spec["evidence"])
        if not tags or any(tag not in EVIDENCE for tag in tags):
            raise self.fail(where, f"evidence tags must be among {sorted(EVIDENCE)}")
        self.texts(where, "title", spec["title"], set())
        cases = tuple(self.case(f"{where}, case {n}", c) for n, c in enumerate(spec["case"], 1))
        return Rule(
            id=spec["id"],
            title=spec["title"],
            statement=spec["statement"],
            citations=tuple(spec["citations"]),
            evidence=tags,
            effective=spec["effective"],
            cases=cases,
        )

    def case(self, where: str, spec: dict[str, Any]) -> Case:
        if spec.get("outcome") not in self.outcomes:
            raise self.fail(where, f"outcome must be one of {self.outcomes}")
        when = tuple(spec.get("when", ()))
        for condition in when:
            self.condition(where, condition)
        self.texts(where, "reason", spec.get("reason"), set(self.facts))
        effects = dict(spec.get("effects", {}))
        return Case(when, spec["outcome"], spec["reason"], effects)

    def texts(self, where: str, what: str, texts: Any, names: set[str]) -> None:
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            raise self.fail(where, f"{what} needs exactly the languages {LANGUAGES}")
        for lang, text in texts.items():
            named = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            if named - names:
                raise self.fail(where, f"{what}.{lang} names unknown facts {sorted(named - names)}")

    def condition(self, where: str, condition: Any) -> None:
        if not isinstance(condition, dict):
            raise self.fail(where, f"a condition must be a table, not {condition!r}")
        for key in ("all", "any"):
            if key in condition:
                for inner in condition[key]:
                    self.condition(where, inner)
                return
        if "not" in condition:
            self.condition(where, condition["not"])
        elif "earlier" in condition:
            if condition["earlier"] not in self.outcomes:
                raise self.fail(where, f"earlier names no outcome: {condition['earlier']!r}")
        elif "unknown" in condition:
            if condition["unknown"] not in self.facts:
                raise self.fail(where, f"unknown fact {condition['unknown']!r}")
        else:
            self.comparison(where, condition)

    def comparison(self, where: str, condition: dict[str, Any]) -> None:
        fact = self.facts.get(condition.get("fact", ""))
        if fact is None:
            raise self.fail(where, f"unknown fact in {condition!r}")
        ops = [key for key in condition if key != "fact"]
        if len(ops) != 1 or ops[0] not in _COMPARE:
            raise self.fail(where, f"one operator of {sorted(_COMPARE)} expected in {condition!r}")
        op, operand = ops[0], condition[ops[0]]
        if op in _NUMERIC and fact.type not in ("int", "date"):
            raise self.fail(where, f"{op} needs a number or a date, {fact.name} is {fact.type}")
        if op in ("in", "not_in") and isinstance(operand, str):
            if operand not in self.lists:
                raise self.fail(where, f"no list named {operand!r}")
            return
        values = operand if op in ("in", "not_in") else [operand]
        for value in values:
            self.value(where, fact, value)

    def value(self, where: str, fact: Fact, value: Any) -> None:
        expected = {"bool": bool, "int": int, "date": date, "choice": str, "country": str}
        ok = isinstance(value, expected[fact.type]) and not (
            fact.type == "int" and isinstance(value, bool)
        )
        if not ok:
            raise self.fail(where, f"{value!r} is not a {fact.type} for {fact.name}")
        if fact.type == "choice" and value not in fact.choices:
            raise self.fail(where, f"{value!r} is not a choice of {fact.name}: {fact.choices}")
