"""Rules as data, with citations: the pre-deployment screen and the re-entry assessment.

The rule sets live beside this file as TOML (``screen.toml``, ``reentry.toml``, and the
named lists both use in ``lists.toml``); changing a rule is a change to those files, with
a new version. Verdicts explain which rules fired and why; they are not legal advice.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from consular.rules.engine import (
    EVIDENCE,
    LANGUAGES,
    Firing,
    Rule,
    RuleSet,
    RuleSetError,
    Verdict,
    load_ruleset,
)

__all__ = [
    "EVIDENCE",
    "LANGUAGES",
    "Firing",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Verdict",
    "load_ruleset",
    "ruleset",
]

HERE = Path(__file__).parent


@cache
def ruleset(name: str) -> RuleSet:
    """The packaged rule set ``name`` (``screen`` or ``reentry``), read once."""
    lists = tomllib.loads((HERE / "lists.toml").read_text())
    return load_ruleset(HERE / f"{name}.toml", lists)
