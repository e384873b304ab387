"""One table per rule of the pre-deployment screen: each rule fires when its conditions
hold and stays quiet when one of them does not, boundaries included."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from consular.rules import ruleset

SCREEN = ruleset("screen")
# A plan no rule objects to: a Korean on B-1 coming to meetings for a month.
PLAN: dict[str, Any] = {
    "nationality": "KOR",
    "entry_status": "b1",
    "activity": "meetings",
    "equipment_purchased_abroad": False,
    "contract_requires_seller_service": False,
    "specialized_knowledge": False,
    "paid_by_us_source": False,
    "hands_on": False,
    "stay_days": 30,
    "prior_us_refusal_or_violation": False,
    "briefing_conceals_activity": False,
}
# Installing equipment bought abroad, as the exception requires it.
SELLER_SERVICE = {
    "activity": "install_equipment",
    "equipment_purchased_abroad": True,
    "contract_requires_seller_service": True,
    "specialized_knowledge": True,
    "hands_on": True,
}

# (rule, plan changes, the rule's outcome, or None when it must stay quiet)
TABLE: list[tuple[str, dict[str, Any], str | None]] = [
    ("SCR-01", {"activity": "construction_labor"}, "not_permitted"),
    ("SCR-01", {"activity": "production_work", "entry_status": "esta"}, "not_permitted"),
    ("SCR-01", {"activity": "production_work", "entry_status": "h2b"}, None),
    ("SCR-01", {"entry_status": "b2"}, "not_permitted"),
    ("SCR-01", {}, "permitted"),
    ("SCR-01", {"activity": "negotiate_contract", "entry_status": "esta"}, "permitted"),
    ("SCR-01", {"entry_status": "l1"}, None),
    ("SCR-02", {"activity": "construction_labor", "entry_status": "b1b2"}, "not_permitted"),
    ("SCR-02", {"activity": "construction_labor", "entry_status": "h2b"}, None),
    ("SCR-02", {"activity": "supervise_construction", "hands_on": True}, "not_permitted"),
    ("SCR-02", {"activity": "supervise_construction", "hands_on": False}, "caution"),
    ("SCR-02", {"activity": "supervise_construction", "entry_status": "e2"}, None),
    ("SCR-02", {"activity": "install_equipment"}, None),
    ("SCR-03", SELLER_SERVICE, "permitted"),
    ("SCR-03", {**SELLER_SERVICE, "entry_status": "esta"}, "permitted"),
    ("SCR-03", {**SELLER_SERVICE, "activity": "repair_equipment"}, "permitted"),
    ("SCR-03", {**SELLER_SERVICE, "equipment_purchased_abroad": False}, "not_permitted"),
    ("SCR-03", {**SELLER_SERVICE, "contract_requires_seller_service": False}, "refer"),
    ("SCR-03", {**SELLER_SERVICE, "specialized_knowledge": False}, "refer"),
    ("SCR-03", {**SELLER_SERVICE, "paid_by_us_source": True}, None),
    ("SCR-03", {**SELLER_SERVICE, "entry_status": "b2"}, None),
    ("SCR-03", {**SELLER_SERVICE, "activity": "supervise_construction"}, None),
    ("SCR-04", {**SELLER_SERVICE, "activity": "train_us_workers"}, "caution"),
    (
        "SCR-04",
        {**SELLER_SERVICE, "activity": "train_us_workers", "specialized_knowledge": False},
        None,
    ),
    ("SCR-04", {**SELLER_SERVICE, "activity": "train_us_workers", "paid_by_us_source": True}, None),
    (
        "SCR-04",
        {**SELLER_SERVICE, "activity": "train_us_workers", "equipment_purchased_abroad": False},
        None,
    ),
    ("SCR-04", {**SELLER_SERVICE}, None),
    ("SCR-05", {"entry_status": "esta", "stay_days": 90}, "caution"),
    ("SCR-05", {"entry_status": "esta", "stay_days": 91}, "not_permitted"),
    ("SCR-05", {"entry_status": "esta", "nationality": "CHN"}, "not_permitted"),
    ("SCR-05", {"entry_status": "esta", "nationality": "JPN"}, "caution"),
    ("SCR-05", {"entry_status": "b1", "stay_days": 91}, None),
    ("SCR-06", {"stay_days": 181}, "refer"),
    ("SCR-06", {"stay_days": 180}, None),
    ("SCR-06", {"stay_days": 181, "entry_status": "h1b"}, None),
    ("SCR-06", {"stay_days": 181, "activity": "construction_labor"}, None),
    ("SCR-07", {"paid_by_us_source": True}, "not_permitted"),
    ("SCR-07", {"paid_by_us_source": True, "entry_status": "l1"}, None),
    ("SCR-07", {"paid_by_us_source": False}, None),
    ("SCR-08", {"activity": "construction_labor"}, "not_permitted"),
    ("SCR-08", {"paid_by_us_source": True, "entry_status": "esta"}, "not_permitted"),
    ("SCR-08", {"activity": "construction_labor", "entry_status": "e2"}, None),
    ("SCR-08", {"activity": "supervise_construction"}, None),
    ("SCR-09", {"briefing_conceals_activity": True}, "not_permitted"),
    ("SCR-09", {"briefing_conceals_activity": True, "entry_status": "h2b"}, "not_permitted"),
    ("SCR-09", {}, None),
    ("SCR-10", {"entry_status": "esta", "prior_us_refusal_or_violation": True}, "not_permitted"),
    ("SCR-10", {"prior_us_refusal_or_violation": True}, "caution"),
    ("SCR-10", {"entry_status": "esta"}, None),
    ("SCR-10", {"entry_status": "none", "prior_us_refusal_or_violation": True}, None),
    ("SCR-11", {"entry_status": "none"}, "not_permitted"),
    ("SCR-11", {"entry_status": "e2", "activity": "production_work"}, "not_permitted"),
    ("SCR-11", {"entry_status": "h1b", "activity": "construction_labor"}, "not_permitted"),
    ("SCR-11", {"entry_status": "l1", "activity": "install_equipment"}, "refer"),
    (
        "SCR-11",
        {"entry_status": "l1", "activity": "install_equipment", "specialized_knowledge": True},
        "caution",
    ),
    ("SCR-11", {"entry_status": "e2", "activity": "supervise_construction"}, "caution"),
    ("SCR-11", {"entry_status": "h1b"}, "permitted"),
    ("SCR-11", {"entry_status": "h2b", "activity": "construction_labor"}, "permitted"),
    ("SCR-11", {"entry_status": "h2b", "activity": "install_equipment"}, "caution"),
    ("SCR-11", {"entry_status": "b1", "activity": "construction_labor"}, None),
    ("SCR-12", {"activity": "install_equipment"}, "permitted"),
    ("SCR-12", {"activity": "install_equipment", "nationality": "JPN"}, None),
    ("SCR-12", {"activity": "install_equipment", "entry_status": "esta"}, None),
    ("SCR-12", {"activity": "meetings"}, None),
]


def fired(plan: dict[str, Any], on: date | None = None) -> dict[str, str]:
    return {f.rule_id: f.outcome for f in SCREEN.evaluate({**PLAN, **plan}, on).firings}


@pytest.mark.parametrize(
    ("rule_id", "changes", "expected"),
    TABLE,
    ids=[f"{rule}-{n}" for n, (rule, _, _) in enumerate(TABLE)],
)
def test_rule(rule_id: str, changes: dict[str, Any], expected: str | None) -> None:
    assert fired(changes).get(rule_id) == expected


def test_every_rule_has_a_firing_and_a_quiet_row() -> None:
    for rule in SCREEN.rules:
        outcomes = [expected for rule_id, _, expected in TABLE if rule_id == rule.id]
        assert None in outcomes, rule.id
        assert any(outcomes), rule.id


@pytest.mark.parametrize(
    ("changes", "verdict", "suggested"),
    [
        # The model case: installers on ESTA with equipment from the Korean parent.
        ({**SELLER_SERVICE, "entry_status": "esta", "stay_days": 45}, "caution", None),
        ({"entry_status": "esta", "activity": "construction_labor"}, "not_permitted", "h2b"),
        ({"entry_status": "esta", "stay_days": 120}, "not_permitted", "b1"),
        ({**SELLER_SERVICE, "contract_requires_seller_service": False}, "refer", "l1"),
        ({}, "permitted", None),
    ],
)
def test_the_verdict_is_the_most_severe_outcome(
    changes: dict[str, Any], verdict: str, suggested: str | None
) -> None:
    result = SCREEN.evaluate({**PLAN, **changes})
    assert result.outcome == verdict
    suggestions = [f.effects.get("suggest") for f in result.worst() if f.effects.get("suggest")]
    assert (suggestions[0] if suggestions else None) == suggested


def test_a_rule_not_yet_in_force_stays_quiet() -> None:
    plan = {**SELLER_SERVICE, "activity": "train_us_workers"}
    assert "SCR-04" not in fired(plan, on=date(2025, 12, 3))
    assert fired(plan, on=date(2025, 12, 4))["SCR-04"] == "caution"


def test_reasons_name_the_plan_in_both_languages() -> None:
    result = SCREEN.evaluate({**PLAN, "entry_status": "esta", "stay_days": 91})
    (esta,) = [f for f in result.firings if f.rule_id == "SCR-05"]
    assert "91" in esta.reason["en"] and "91일" in esta.reason["ko"]
    labour = SCREEN.evaluate({**PLAN, "activity": "construction_labor"}).firings[0]
    assert labour.reason["en"].startswith("Construction labour")
    assert labour.reason["ko"].startswith("건설 노동")
