"""The re-entry assessment of a case: which bars apply, whether ESTA is still open, which
waivers exist; beside it the assurances given on the incident and what happened after
return. The facts come from what an officer recorded, else from the case itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.cases.states import CaseState
from consular.db import utcnow
from consular.errors import InvalidInput, unknown_value
from consular.flights.models import Flight, FlightSeat
from consular.i18n import N_
from consular.incidents.service import get_incident
from consular.reentry.models import Assurance, ReentryAssessment, ReentryFacts, ReentryOutcome
from consular.registry.models import Deployment
from consular.rules import Verdict, ruleset

OUTCOME_KINDS = ("re_entered", "visa_issued", "visa_refused", "esta_denied")
# An ESTA traveller is admitted for 90 days from the day of entry.
ESTA_ADMISSION_DAYS = 90
# How a case's disposition reads as a way of leaving, when no officer recorded one.
_FROM_DISPOSITION = {
    "voluntary_departure": "voluntary_departure",
    "removal_order": "removal_order",
    "release_on_bond": "released_remained",
    "contesting": "released_remained",
}
RECORDED_FIELDS = (
    "entry_status",
    "entry_date",
    "admitted_until",
    "departure_mode",
    "departed_on",
    "unlawful_presence_days",
    "prior_removals",
    "misrepresentation_finding",
    "status_violation",
)


@dataclass(frozen=True)
class Fact:
    """One input of the assessment and where it came from: recorded (by an officer), case,
    registry (the deployment), computed (from dates), incident, default, or unknown."""

    name: str
    value: Any
    source: str


@dataclass(frozen=True)
class Bar:
    rule_id: str
    statute: str
    years: int | str  # "life" for a lifetime bar
    ends_on: date | None


@dataclass(frozen=True)
class Assessment:
    case: Case
    facts: list[Fact]
    verdict: Verdict
    assurances: list[Assurance]
    outcomes: list[ReentryOutcome]
    history: list[ReentryAssessment]

    @property
    def departed_on(self) -> date | None:
        return next((f.value for f in self.facts if f.name == "departed_on"), None)

    @property
    def bars(self) -> list[Bar]:
        bars = []
        for firing in self.verdict.firings:
            if firing.outcome == "bar":
                years = firing.effects["bar_years"]
                ends = _add_years(self.departed_on, years) if isinstance(years, int) else None
                bars.append(Bar(firing.rule_id, firing.effects["bar"], years, ends))
        return bars

    @property
    def esta_available(self) -> bool:
        return not any(f.effects.get("esta") == "unavailable" for f in self.verdict.firings)

    @property
    def waivers(self) -> list[str]:
        found = [f.effects["waiver"] for f in self.verdict.firings if "waiver" in f.effects]
        return list(dict.fromkeys(found))

    @property
    def needs_lawyer(self) -> bool:
        return self.verdict.outcome in ("bar", "refer")


def _add_years(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _departure_day(db: Session, case: Case) -> date | None:
    departed = db.scalar(
        select(Flight.departed_at)
        .join(FlightSeat, FlightSeat.flight_id == Flight.id)
        .where(FlightSeat.case_id == case.id)
    )
    return departed.date() if departed is not None else None


def _deployment(db: Session, case: Case) -> Deployment | None:
    return db.scalar(
        select(Deployment)
        .where(Deployment.person_id == case.person_id)
        .order_by(Deployment.entry_date.desc().nulls_last(), Deployment.created_at.desc())
        .limit(1)
    )


def gather_facts(db: Session, case: Case) -> list[Fact]:
    """The assessment's inputs: recorded ones first, else what the case shows, else unknown."""
    recorded = db.scalar(select(ReentryFacts).where(ReentryFacts.case_id == case.id))
    deployment = _deployment(db, case)
    facts: dict[str, Fact] = {
        "nationality": Fact("nationality", case.person.nationality, "registry")
    }

    def pick(name: str, *fallbacks: tuple[Any, str]) -> Any:
        value = getattr(recorded, name) if recorded is not None else None
        choices = [(value, "recorded"), *fallbacks]
        value, source = next(((v, s) for v, s in choices if v is not None), (None, "unknown"))
        facts[name] = Fact(name, value, source)
        return value

    status = deployment.entry_status if deployment else None
    status = (
        status
        if status in ruleset("reentry").facts["entry_status"].choices
        else ("other" if status else None)
    )
    entry_status = pick("entry_status", (status, "registry"))
    entry_date = pick("entry_date", (deployment.entry_date if deployment else None, "registry"))
    esta_until = (
        entry_date + timedelta(days=ESTA_ADMISSION_DAYS)
        if entry_status == "esta" and entry_date is not None
        else None
    )
    admitted_until = pick("admitted_until", (esta_until, "computed"))
    pick("departure_mode", (_FROM_DISPOSITION.get(case.disposition or ""), "case"))
    departed_on = pick("departed_on", (_departure_day(db, case), "case"))
    days = None
    if admitted_until is not None and departed_on is not None:
        days = max(0, (departed_on - admitted_until).days)
    pick("unlawful_presence_days", (days, "computed"))
    pick("prior_removals", (0, "default"))
    pick("misrepresentation_finding", (False, "default"))
    pick("status_violation")
    departed = departed_on is not None or case.state == CaseState.DEPARTED
    facts["departed"] = Fact("departed", departed, "case")
    return list(facts.values())


def _rule_facts(db: Session, case: Case, facts: list[Fact]) -> dict[str, Any]:
    declared = ruleset("reentry").facts
    values = {f.name: f.value for f in facts if f.name in declared}
    values["has_assurances"] = (
        db.scalar(select(Assurance.id).where(Assurance.incident_id == case.incident_id).limit(1))
        is not None
    )
    return values


def assess(
    db: Session, actor: Actor, case_id: str, *, record: bool = False, on: date | None = None
) -> Assessment:
    """The case's re-entry assessment; ``record`` stores it, with the rule set's version."""
    case = get_case(db, actor, case_id, for_update=record)
    if record:
        actor.require(Permission.CASE_WRITE, "case", case_id)
    facts = gather_facts(db, case)
    values = _rule_facts(db, case, facts)
    verdict = ruleset("reentry").evaluate(values, on)
    if record:
        _record_assessment(db, actor, case, facts, values, verdict)
    return Assessment(
        case=case,
        facts=facts,
        verdict=verdict,
        assurances=assurances_of(db, case.incident_id),
        outcomes=list(
            db.scalars(
                select(ReentryOutcome)
                .where(ReentryOutcome.case_id == case.id)
                .order_by(ReentryOutcome.happened_on, ReentryOutcome.recorded_at)
            )
        ),
        history=list(
            db.scalars(
                select(ReentryAssessment)
                .where(ReentryAssessment.case_id == case.id)
                .order_by(ReentryAssessment.made_at.desc())
            )
        ),
    )


def _record_assessment(
    db: Session,
    actor: Actor,
    case: Case,
    facts: list[Fact],
    values: dict[str, Any],
    verdict: Verdict,
) -> None:
    """Store the verdict with the facts it was reached on and the rule set's version."""
    stored = ReentryAssessment(
        case_id=case.id,
        ruleset_version=verdict.version,
        outcome=verdict.outcome,
        rule_ids=verdict.rule_ids,
        facts={
            **{f.name: _json(f.value) for f in facts},
            "has_assurances": values["has_assurances"],
        },
        made_by=actor.name,
    )
    db.add(stored)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.ASSESSMENT_RECORD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={
            "outcome": verdict.outcome,
            "rules": verdict.rule_ids,
            "version": verdict.version,
        },
    )


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def assurances_of(db: Session, incident_id: str) -> list[Assurance]:
    return list(
        db.scalars(
            select(Assurance)
            .where(Assurance.incident_id == incident_id)
            .order_by(Assurance.given_on, Assurance.recorded_at)
        )
    )


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices:
        error = unknown_value("reentry.unknown_value", value, choices)
        error.details["field"] = name
        raise error
    return str(value)


def record_facts(db: Session, actor: Actor, case_id: str, changes: dict[str, Any]) -> ReentryFacts:
    """Record (or correct) what the assessment should take as fact; None clears a value."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    unknown = sorted(set(changes) - set(RECORDED_FIELDS))
    if unknown:
        raise unknown_value("reentry.unknown_fact", ", ".join(unknown), RECORDED_FIELDS)
    declared = ruleset("reentry").facts
    for name in ("entry_status", "departure_mode"):
        if name in changes:
            changes[name] = _choice(name, changes[name], declared[name].choices)
    for name in ("unlawful_presence_days", "prior_removals"):
        value = changes.get(name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 36_500):
            raise InvalidInput(
                "reentry.not_a_number",
                N_("“%(value)s” is not a number."),
                value=value,
                details={"field": name},
            )
    if changes.get("prior_removals", 0) is None:
        changes["prior_removals"] = 0
    if changes.get("misrepresentation_finding") is None and "misrepresentation_finding" in changes:
        changes["misrepresentation_finding"] = False
    _check_dates(changes)
    facts = db.scalar(select(ReentryFacts).where(ReentryFacts.case_id == case.id))
    if facts is None:
        facts = ReentryFacts(case_id=case.id, recorded_by=actor.name, prior_removals=0)
        db.add(facts)
    diff = {}
    for name, value in changes.items():
        if getattr(facts, name) != value:
            diff[name] = [_json(getattr(facts, name)), _json(value)]
            setattr(facts, name, value)
    facts.recorded_by = actor.name
    db.flush()
    if diff:
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.REENTRY_FACTS_UPDATE,
            target_type="case",
            target_id=case.id,
            case_id=case.id,
            diff=diff,
        )
    return facts


def _check_dates(changes: dict[str, Any]) -> None:
    today = utcnow().date()
    for name in ("entry_date", "departed_on"):
        day = changes.get(name)
        if day is not None and day > today:
            raise _in_future(day, name)
    entered, left = changes.get("entry_date"), changes.get("departed_on")
    if entered is not None and left is not None and left < entered:
        raise InvalidInput(
            "reentry.departed_before_entry",
            N_("The departure date is before the entry date."),
            details={"field": "departed_on"},
        )


def _in_future(day: date, field: str) -> InvalidInput:
    return InvalidInput(
        "reentry.date_in_future",
        N_("The date %(day)s is in the future."),
        day=day.isoformat(),
        details={"field": field},
    )


def record_outcome(
    db: Session, actor: Actor, case_id: str, kind: str, happened_on: date, note: str = ""
) -> ReentryOutcome:
    """What happened after return: re-entered, visa issued or refused, ESTA denied."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    _choice("kind", kind, OUTCOME_KINDS)
    if happened_on > utcnow().date():
        raise _in_future(happened_on, "date")
    outcome = ReentryOutcome(
        case_id=case.id,
        kind=kind,
        happened_on=happened_on,
        note=note.strip(),
        recorded_by=actor.name,
    )
    db.add(outcome)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.REENTRY_OUTCOME_RECORD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={"kind": kind, "on": happened_on.isoformat(), "note": outcome.note},
    )
    return outcome


def add_assurance(
    db: Session,
    actor: Actor,
    incident_id: str,
    *,
    given_on: date,
    given_by: str,
    statement: str,
    source: str = "",
) -> Assurance:
    """Record a statement given about the incident's people, as a fact with its source."""
    actor.require(Permission.INCIDENT_WRITE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    empty = [
        name
        for name, text in (("given_by", given_by), ("statement", statement))
        if not text.strip()
    ]
    if empty:
        raise InvalidInput(
            "assurance.incomplete",
            N_("Say who gave the assurance and what was said."),
            details={"empty": empty},
        )
    assurance = Assurance(
        incident_id=incident.id,
        given_on=given_on,
        given_by=given_by.strip(),
        statement=statement.strip(),
        source=source.strip(),
        recorded_by=actor.name,
    )
    db.add(assurance)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.ASSURANCE_ADD,
        target_type="incident",
        target_id=incident.id,
        diff={"given_on": given_on.isoformat(), "given_by": assurance.given_by},
    )
    return assurance


@dataclass(frozen=True)
class FollowUp:
    """An incident's assurances against what actually happened to its people."""

    assurances: list[Assurance]
    returned: int  # cases whose person left the country
    outcomes: dict[str, int]  # cases whose latest outcome is of each kind
    without_outcome: int


def follow_up(db: Session, actor: Actor, incident_id: str) -> FollowUp:
    incident = get_incident(db, actor, incident_id)
    # Left the country: on a departed flight, or a departure date recorded for re-entry.
    left = select(ReentryFacts.case_id).where(ReentryFacts.departed_on.is_not(None))
    returned = list(
        db.scalars(
            select(Case.id).where(
                Case.incident_id == incident.id,
                (Case.state == CaseState.DEPARTED) | Case.id.in_(left),
            )
        )
    )
    latest: dict[str, str] = {}
    rows = db.execute(
        select(ReentryOutcome.case_id, ReentryOutcome.kind)
        .join(Case, Case.id == ReentryOutcome.case_id)
        .where(Case.incident_id == incident.id)
        .order_by(ReentryOutcome.happened_on, ReentryOutcome.recorded_at)
    )
    for case_id, kind in rows:
        latest[case_id] = kind
    counts = Counter(latest.values())
    return FollowUp(
        assurances=assurances_of(db, incident.id),
        returned=len(returned),
        outcomes={kind: counts.get(kind, 0) for kind in OUTCOME_KINDS},
        without_outcome=len(set(returned) - set(latest)),
    )
