"""One table per rule of the re-entry assessment: each rule fires when its conditions hold
and stays quiet when one does not, with the bars' boundaries (180 days, one year)."""

from __future__ import annotations

from typing import Any

import pytest

from consular.rules import ruleset

REENTRY = ruleset("reentry")
# A worker on B-1 who left under voluntary departure within the admitted period.
LEFT: dict[str, Any] = {
    "nationality": "KOR",
    "entry_status": "b1",
    "departure_mode": "voluntary_departure",
    "departed": True,
    "unlawful_presence_days": 0,
    "prior_removals": 0,
    "misrepresentation_finding": False,
    "status_violation": False,
    "has_assurances": False,
}

# (rule, changes, the rule's outcome or None when quiet, the bar's years when it is a bar)
TABLE: list[tuple[str, dict[str, Any], str | None, int | str | None]] = [
    ("REN-01", {"departure_mode": "expedited_removal"}, "bar", 5),
    ("REN-01", {"departure_mode": "removal_order"}, "bar", 10),
    ("REN-01", {"departure_mode": "removal_order", "prior_removals": 1}, "bar", 20),
    ("REN-01", {"departure_mode": "expedited_removal", "prior_removals": 2}, "bar", 20),
    ("REN-01", {"departure_mode": "removal_order", "entry_status": "esta"}, None, None),
    ("REN-01", {"prior_removals": 1}, None, None),
    ("REN-01", {}, None, None),
    ("REN-03", {"departure_mode": "removal_order", "entry_status": "esta"}, "bar", 10),
    ("REN-03", {"departure_mode": "expedited_removal", "entry_status": "esta"}, None, None),
    ("REN-03", {"departure_mode": "removal_order"}, None, None),
    ("REN-04", {"unlawful_presence_days": 180}, None, None),
    ("REN-04", {"unlawful_presence_days": 181}, "bar", 3),
    ("REN-04", {"unlawful_presence_days": 364}, "bar", 3),
    ("REN-04", {"unlawful_presence_days": 365}, "bar", 10),
    ("REN-04", {"unlawful_presence_days": 365, "departure_mode": "removal_order"}, "bar", 10),
    ("REN-04", {"unlawful_presence_days": 200, "departure_mode": "removal_order"}, None, None),
    ("REN-04", {"unlawful_presence_days": 400, "departed": False}, None, None),
    ("REN-06", {"departure_mode": None}, "refer", None),
    ("REN-06", {"entry_status": None}, "refer", None),
    ("REN-06", {"departure_mode": "released_remained", "departed": False}, "refer", None),
    ("REN-06", {"unlawful_presence_days": None}, "refer", None),
    ("REN-06", {"status_violation": True, "unlawful_presence_days": 180}, "clear", None),
    ("REN-06", {"status_violation": True, "unlawful_presence_days": 181}, None, None),
    ("REN-06", {"status_violation": False}, None, None),
    ("REN-07", {"unlawful_presence_days": 366}, "note", None),
    ("REN-07", {"unlawful_presence_days": 365}, None, None),
    ("REN-07", {"prior_removals": 1}, "note", None),
    ("REN-07", {"departure_mode": "expedited_removal"}, "note", None),
    ("REN-07", {}, None, None),
    ("REN-08", {"misrepresentation_finding": True}, "bar", "life"),
    ("REN-08", {"misrepresentation_finding": False}, None, None),
    ("REN-09", {"misrepresentation_finding": True}, "waiver", None),
    ("REN-09", {"unlawful_presence_days": 181}, "waiver", None),
    ("REN-09", {}, None, None),
    ("REN-10", {}, "clear", None),
    ("REN-10", {"departure_mode": "voluntary_return"}, None, None),
    ("REN-11", {"departed": False}, "note", None),
    ("REN-11", {"departed": True}, None, None),
    ("REN-11", {"departed": False, "departure_mode": "removal_order"}, None, None),
    ("REN-12", {"departure_mode": "withdrawal_of_application"}, "clear", None),
    ("REN-12", {"departure_mode": "voluntary_return"}, "clear", None),
    ("REN-12", {"departure_mode": "expedited_removal"}, None, None),
    ("REN-13", {"entry_status": "esta", "status_violation": True}, "visa_needed", None),
    ("REN-13", {"entry_status": "esta", "status_violation": None}, "visa_needed", None),
    ("REN-13", {"entry_status": "esta", "unlawful_presence_days": 1}, "visa_needed", None),
    ("REN-13", {"entry_status": "esta"}, None, None),
    ("REN-13", {"nationality": "VNM"}, "visa_needed", None),
    ("REN-13", {"misrepresentation_finding": True}, "visa_needed", None),
    ("REN-13", {"departure_mode": "removal_order"}, "visa_needed", None),
    ("REN-13", {"status_violation": True}, None, None),
    ("REN-14", {"has_assurances": True}, "note", None),
    ("REN-14", {"has_assurances": False}, None, None),
    ("REN-15", {}, "note", None),
    ("REN-15", {"entry_status": "esta"}, None, None),
    ("REN-15", {"departed": False}, None, None),
]


def fired(changes: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    result = REENTRY.evaluate({**LEFT, **changes})
    return {f.rule_id: (f.outcome, f.effects.get("bar_years")) for f in result.firings}


@pytest.mark.parametrize(
    ("rule_id", "changes", "expected", "years"),
    TABLE,
    ids=[f"{rule}-{n}" for n, (rule, _, _, _) in enumerate(TABLE)],
)
def test_rule(rule_id: str, changes: dict[str, Any], expected: str | None, years: Any) -> None:
    got = fired(changes).get(rule_id)
    assert (got[0] if got else None) == expected
    if expected == "bar":
        assert got is not None and got[1] == years


def test_every_rule_has_a_firing_and_a_quiet_row() -> None:
    for rule in REENTRY.rules:
        outcomes = [expected for rule_id, _, expected, _ in TABLE if rule_id == rule.id]
        assert None in outcomes, rule.id
        assert any(outcomes), rule.id


def test_the_model_case_leaves_no_bar_but_needs_a_visa_for_esta_entrants() -> None:
    """ESTA entrants who worked, left under voluntary departure within their 90 days."""
    worker = {**LEFT, "entry_status": "esta", "status_violation": True, "has_assurances": True}
    result = REENTRY.evaluate(worker)
    assert result.outcome == "visa_needed"
    assert not [f for f in result.firings if f.outcome == "bar"]
    assert {"REN-06", "REN-10", "REN-13", "REN-14"} <= set(result.rule_ids)
