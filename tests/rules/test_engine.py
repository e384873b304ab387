"""The rules engine refuses a rule file it could not evaluate, saying where and why; the
packaged rule sets are pinned to their versions, so a rule changes only with a new one."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import consular.rules
from consular.rules import RuleSetError, load_ruleset, ruleset

RULES_DIR = Path(consular.rules.__file__).parent

# Changing a rule file means a new version: update the version in the file and its hash here.
PINNED = {
    "screen": ("2026-11-28.1", "9b6d015ac5d7175eda128694faf568188af6fe903e9b4b2779356d8dd948e6ac"),
    "reentry": ("2026-11-28.1", "9809c82d343f2cb37e4ff95b8ed7dcd301ab050712f21b0faea78fc36953f756"),
}

GOOD = """
name = "t"
version = "1"
outcomes = ["ok", "no"]
default = { outcome = "ok", reason = { en = "fine", ko = "좋음" } }
[facts]
days = { type = "int" }
kind = { type = "choice", choices = ["a", "b"] }
[[rule]]
id = "T-1"
title = { en = "T", ko = "티" }
statement = "s"
citations = ["c"]
evidence = ["S"]
effective = 2020-01-01
  [[rule.case]]
  when = [{ fact = "days", above = 90 }, { fact = "kind", is = "a" }]
  outcome = "no"
  reason = { en = "{days} days", ko = "{days}일" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(PINNED))
def test_packaged_rule_sets_are_pinned_to_their_version(name: str) -> None:
    version, digest = PINNED[name]
    data = (RULES_DIR / f"{name}.toml").read_bytes()
    assert ruleset(name).version == version
    assert hashlib.sha256(data).hexdigest() == digest, f"{name}.toml changed: bump its version"


def test_every_rule_of_the_reference_is_encoded() -> None:
    screen = {rule.id for rule in ruleset("screen").rules}
    reentry = {rule.id for rule in ruleset("reentry").rules}
    assert screen == {f"SCR-{n:02d}" for n in range(1, 13)}
    # REN-02 and REN-05 are merged into REN-01 and REN-04 by the reference itself.
    assert reentry == {f"REN-{n:02d}" for n in range(1, 16)} - {"REN-02", "REN-05"}


def test_a_good_file_evaluates(tmp_path: Path) -> None:
    rules = load_ruleset(write(tmp_path, GOOD))
    verdict = rules.evaluate({"days": 91, "kind": "a"})
    assert verdict.outcome == "no" and verdict.rule_ids == ["T-1"]
    assert verdict.firings[0].reason == {"en": "91 days", "ko": "91일"}
    assert verdict.firings[0].conditions == ("days > 90", "kind = a")
    assert rules.evaluate({"days": 90, "kind": "a"}).outcome == "ok"
    assert rules.evaluate({"days": None, "kind": "a"}).outcome == "ok"  # unknown never holds


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('fact = "days", above', 'fact = "weeks", above'), "unknown fact"),
        (('kind", is = "a"', 'kind", is = "c"'), "'c' is not a choice of kind"),
        (('kind", is = "a"', 'kind", above = 1'), "above needs a number or a date"),
        (('days", above = 90', 'days", above = "90"'), "'90' is not a int for days"),
        (('ko = "{days}일"', 'ko = "{weeks}주"'), "names unknown facts ['weeks']"),
        (('en = "T", ko = "티"', 'en = "T"'), "title needs exactly the languages"),
        (('outcome = "no"', 'outcome = "maybe"'), "outcome must be one of"),
        (("effective = 2020-01-01", 'effective = "soon"'), "effective must be a date"),
        (('evidence = ["S"]', 'evidence = ["X"]'), "evidence tags must be among"),
        (("version", "versio"), "missing 'version'"),
        (("days = { type", "x = 1 ="), "t.toml"),
    ],
)
def test_a_bad_file_is_refused_naming_where(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(write(tmp_path, GOOD.replace(old, new, 1)))
    assert message in str(refused.value)
    assert str(refused.value).startswith("t.toml")


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    rule = GOOD[GOOD.index("[[rule]]") :]
    with pytest.raises(RuleSetError, match="an id is used twice"):
        load_ruleset(write(tmp_path, GOOD + rule))


def test_facts_must_match_the_declaration(tmp_path: Path) -> None:
    rules = load_ruleset(write(tmp_path, GOOD))
    with pytest.raises(ValueError, match=r"facts missing: \['kind'\]"):
        rules.evaluate({"days": 1})
