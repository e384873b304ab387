"""The pre-deployment screen: a plan of who goes to do what, on which entry status, read
from a spreadsheet, checked against the screen rule set, each row with its verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from consular.codes import entry_status_label, in_words
from consular.exports import Column, table_in
from consular.fields import FieldError, RowError, parse_country
from consular.i18n import N_
from consular.i18n.message import Message
from consular.importing import DuplicateIds, missing_columns
from consular.rules import Firing, Verdict, ruleset
from consular.tabular import Table

# The plan's columns, in order; the last one may be left out (it then reads "no").
PLAN_COLUMNS = (
    "id",
    "nationality",
    "entry_status",
    "activity",
    "equipment_purchased_abroad",
    "contract_requires_seller_service",
    "specialized_knowledge",
    "paid_by_us_source",
    "hands_on",
    "stay_days",
    "prior_us_refusal_or_violation",
)
OPTIONAL_COLUMNS = ("briefing_conceals_activity",)
VERDICT_NAMES = {
    "not_permitted": N_("Not permitted"),
    "refer": N_("Ask a lawyer"),
    "caution": N_("Allowed, with care"),
    "permitted": N_("Permitted"),
}
# The verdict's columns after the plan's own: codes beside their words, the reasons.
RESULTS = (
    Column("verdict", N_("Verdict"), in_words(VERDICT_NAMES)),
    Column("rule_ids"),
    Column("reasons", N_("Reasons")),
    Column("suggested_status", N_("Travel on instead"), entry_status_label),
    Column("ruleset_version"),
)
_YES = {"yes", "y", "true", "1", "예", "네"}
_NO = {"no", "n", "false", "0", "아니요", "아니오"}
# The most days a plan may name: one stay is never planned for more than three years.
MAX_STAY_DAYS = 3 * 366
REFER_TO_LAWYER = {
    "en": "A lawyer should confirm this outcome before departure.",
    "ko": "출국 전에 변호사가 이 결과를 확인해야 합니다.",
}
UNVERIFIED = {"en": "not verified in a source", "ko": "출처로 확인되지 않음"}


@dataclass(frozen=True)
class PlannedTrip:
    """One row of a plan: its id, the row it came from, the facts the rules read."""

    id: str
    row: int
    facts: dict[str, Any]


@dataclass(frozen=True)
class Screened:
    trip: PlannedTrip
    verdict: Verdict

    @property
    def suggested_status(self) -> str:
        return suggested_status(self.verdict, str(self.trip.facts["entry_status"]))

    def reasons(self, language: str) -> list[str]:
        """Each rule that fired, with its id, why, and its evidence when not a source."""
        lines = [_reason(firing, language) for firing in self.verdict.firings]
        if not lines:
            lines.append(ruleset("screen").default_reason(language))
        if self.verdict.outcome in ("refer", "not_permitted"):
            lines.append(REFER_TO_LAWYER[language])
        return lines


def suggested_status(verdict: Verdict, planned: str) -> str:
    """What to travel on instead: the rules' suggestion for a refused or referred plan;
    the planned status when the verdict is permitted or caution."""
    if verdict.outcome in ("permitted", "caution"):
        return planned
    for firings in (verdict.worst(), verdict.firings):
        for firing in firings:
            if "suggest" in firing.effects:
                return str(firing.effects["suggest"])
    return ""


def _reason(firing: Firing, language: str) -> str:
    tags = "".join(f"[{tag}]" for tag in firing.rule.evidence)
    unverified = f" ({UNVERIFIED[language]})" if firing.unverified else ""
    return f"{firing.rule_id} {tags}{unverified}: {firing.reason[language]}"


def parse_plan(table: Table) -> tuple[list[PlannedTrip], list[RowError]]:
    """The plan's rows as facts, and every problem by row and column (the header is row 1)."""
    missing = [column for column in PLAN_COLUMNS if column not in table.columns]
    if missing:
        return [], missing_columns(missing)
    facts_declared = ruleset("screen").facts
    trips: list[PlannedTrip] = []
    errors: list[RowError] = []
    ids = DuplicateIds()
    for row in table.rows:
        facts: dict[str, Any] = {}
        problems: list[RowError] = []
        for column in PLAN_COLUMNS[1:] + OPTIONAL_COLUMNS:
            try:
                facts[column] = plan_value(column, row.values.get(column, ""), facts_declared)
            except FieldError as exc:
                problems.append(RowError(row.number, column, exc.message))
        ident = row.values.get("id", "").strip()
        duplicate = ids.check(ident, row.number)
        if not ident:
            said = Message("plan.no_id", N_("Empty: every row needs an id."))
            problems.insert(0, RowError(row.number, "id", said))
        elif duplicate is not None:
            problems.insert(0, duplicate)
        errors.extend(problems)
        if not problems:
            trips.append(PlannedTrip(ident, row.number, facts))
    return trips, errors


def plan_value(column: str, text: str, facts: Any) -> Any:
    """One cell of a plan as the fact the screen reads; ``FieldError`` says what is wrong."""
    value = text.strip()
    if column in OPTIONAL_COLUMNS and not value:
        return False
    if not value:
        raise FieldError("cell.empty", N_("Empty."))
    kind = facts[column].type
    if kind == "choice":
        code = value.lower()
        if code not in facts[column].choices:
            raise FieldError(
                "cell.unknown_code",
                N_("“%(value)s” is not a known code (use one of: %(choices)s)."),
                value=value,
                choices=", ".join(facts[column].choices),
            )
        return code
    if kind == "bool":
        if value.lower() in _YES:
            return True
        if value.lower() in _NO:
            return False
        raise FieldError("cell.not_yes_or_no", N_("“%(value)s” is not yes or no."), value=value)
    if kind == "country":
        return parse_country(value)
    if not value.isdigit() or not 1 <= int(value) <= MAX_STAY_DAYS:
        raise FieldError(
            "cell.bad_stay_days",
            N_("“%(value)s” is not a number of days from 1 to %(most)s."),
            value=value,
            most=MAX_STAY_DAYS,
        )
    return int(value)


def screen(trips: Sequence[PlannedTrip], on: date | None = None) -> list[Screened]:
    """Each trip's verdict under the screen rule set in force on ``on`` (default today)."""
    rules = ruleset("screen")
    return [Screened(trip, rules.evaluate(trip.facts, on)) for trip in trips]


def result_rows(table: Table, screened: Sequence[Screened], language: str) -> list[list[object]]:
    """The plan's own columns as written, then the verdict's in ``language`` (codes beside
    their words), one list per row (the header first)."""
    by_row = {item.trip.row: item for item in screened}
    results = table_in(
        RESULTS,
        (
            {
                "verdict": item.verdict.outcome,
                "rule_ids": " ".join(item.verdict.rule_ids),
                "reasons": "\n".join(item.reasons(language)),
                "suggested_status": item.suggested_status,
                "ruleset_version": item.verdict.version,
            }
            for item in (by_row[row.number] for row in table.rows)
        ),
        language,
    )
    plan = [list(table.columns)]
    plan += [[row.values.get(column, "") for column in table.columns] for row in table.rows]
    return [[*given, *verdict] for given, verdict in zip(plan, results, strict=True)]
