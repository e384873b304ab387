"""Recording welfare interviews, a whole roster at once, and reading them back.

A roster's interviews are saved together or not at all: every problem is reported by row
(the case number and the field), and nothing is written while one row is wrong. Each saved
interview records the detainee's choice about who is told (``consular.cases.wishes``) and
completes the checklist items it shows done (``_items_done``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.policy import MilestoneKind
from consular.cases.reading import readable_cases
from consular.cases.service import complete_milestone, get_case
from consular.cases.wishes import record_wishes
from consular.db import new_id, utcnow
from consular.errors import InvalidInput
from consular.fields import limit_of
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident
from consular.incidents.service import get_incident
from consular.interviews.labels import ANSWERS, NOT_SEEN_REASONS, NOTICE_ANSWERS, WISHES
from consular.interviews.models import WelfareInterview

# The texts of an interview, each bounded by its column.
TEXTS = (
    "not_seen_other",
    "health",
    "injuries",
    "medical_notes",
    "complaints",
    "property_held",
    "property_left",
    "notes",
)
# What only a person seen can have told: refused on a row of a person not seen.
SEEN_ONLY_TEXTS = ("health", "injuries", "medical_notes", "complaints")
SEEN_ONLY_CHOICES = ("told_reason", "advised_rights", "family_notice", "wish")
SEEN_ONLY_FLAGS = ("interpreter", "injured", "medical_needs", "counsel_wanted")


@dataclass
class InterviewInput:
    """One row of a roster as typed: the case by its number in the incident."""

    case_number: int
    seen: bool = True
    not_seen_reason: str = ""
    not_seen_other: str = ""
    interpreter: bool = False
    health: str = ""
    injured: bool = False
    injuries: str = ""
    medical_needs: bool = False
    medical_notes: str = ""
    complaints: str = ""
    told_reason: str = ""
    advised_rights: str = ""
    family_notice: str = ""
    employer_notice: str = "not_asked"
    wish: str = ""
    counsel_wanted: bool = False
    property_held: str = ""
    property_left: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Visit:
    """Where and when the roster's interviews were held, and by whom."""

    facility: str
    held_on: str  # YYYY-MM-DD, the post's date
    interviewer: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row (``row`` None: with the visit), and in which field."""

    row: int | None
    field: str
    message: Message


@dataclass
class _Check:
    problems: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, name: str, code: str, template: str, **params: Any) -> None:
        self.problems.append(Problem(row, name, Message(code, template, **params)))


class RosterRefused(InvalidInput):
    """Some rows are wrong: nothing of the roster was saved; each problem is in ``details``."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(
            "interview.rows_refused",
            N_("Nothing was saved: %(count)s problems in the rows below."),
            count=len(problems),
            details={
                "problems": [
                    {"case_number": p.row, "field": p.field, "message": p.message} for p in problems
                ]
            },
        )
        self.problems = list(problems)


def record_interviews(
    db: Session, actor: Actor, incident_id: str, visit: Visit, rows: Sequence[InterviewInput]
) -> list[WelfareInterview]:
    """Save the interviews of these rows, all or none (``RosterRefused`` names every wrong
    row); each is audited, records the detainee's wishes and completes what it shows done."""
    actor.require(Permission.CASE_WRITE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    check = _Check()
    held_on = _visit_checked(check, visit, incident)
    cases = _cases_by_number(db, actor, incident, [row.case_number for row in rows])
    seen_numbers: set[int] = set()
    for row in rows:
        _row_checked(check, row, cases.get(row.case_number), held_on, seen_numbers)
    if check.problems:
        raise RosterRefused(check.problems)
    assert held_on is not None
    interviewer = visit.interviewer.strip() or actor.name
    saved = [
        _save(db, actor, cases[row.case_number], visit.facility.strip(), held_on, interviewer, row)
        for row in rows
    ]
    db.flush()  # each interview as stored, its defaults filled in
    return saved


def _visit_checked(check: _Check, visit: Visit, incident: Incident) -> date | None:
    if not visit.facility.strip():
        check.add(None, "facility", "interview.no_facility", N_("Give the facility's name."))
    elif len(visit.facility.strip()) > limit_of(WelfareInterview.facility):
        check.add(
            None,
            "facility",
            "interview.too_long",
            N_("At most %(limit)s characters."),
            limit=limit_of(WelfareInterview.facility),
        )
    if len(visit.interviewer.strip()) > limit_of(WelfareInterview.interviewer):
        check.add(
            None,
            "interviewer",
            "interview.too_long",
            N_("At most %(limit)s characters."),
            limit=limit_of(WelfareInterview.interviewer),
        )
    try:
        held_on = date.fromisoformat(visit.held_on.strip())
    except ValueError:
        check.add(
            None,
            "date",
            "interview.bad_date",
            N_("“%(value)s” is not a date (for example 2025-09-08)."),
            value=visit.held_on,
        )
        return None
    today = utcnow().astimezone(ZoneInfo(incident.post.time_zone)).date()
    if held_on > today:
        check.add(
            None,
            "date",
            "interview.date_in_future",
            N_("The interview cannot be held after today."),
        )
        return None
    return held_on


def _cases_by_number(
    db: Session, actor: Actor, incident: Incident, numbers: Sequence[int]
) -> dict[int, Case]:
    query = (
        readable_cases(actor)
        .where(Case.incident_id == incident.id, Case.number.in_(sorted(set(numbers))))
        # Each saved interview reads its case's checklist: loaded at once for the roster.
        .options(selectinload(Case.milestones))
    )
    return {case.number: case for case in db.scalars(query).unique()}


def _row_checked(
    check: _Check, row: InterviewInput, case: Case | None, held_on: date | None, done: set[int]
) -> None:
    n = row.case_number
    if case is None:
        check.add(
            n,
            "case_number",
            "interview.unknown_case",
            N_("There is no case %(number)s in this incident."),
            number=n,
        )
        return
    if n in done:
        check.add(
            n, "case_number", "interview.twice", N_("Case %(number)s is given twice."), number=n
        )
    done.add(n)
    if held_on is not None and held_on < case.arrested_at.date():
        check.add(
            n,
            "date",
            "interview.before_arrest",
            N_("The interview cannot be held before the arrest (%(day)s)."),
            day=case.arrested_at.date().isoformat(),
        )
    for name in TEXTS:
        if len(getattr(row, name)) > limit_of(getattr(WelfareInterview, name)):
            check.add(
                n,
                name,
                "interview.too_long",
                N_("At most %(limit)s characters."),
                limit=limit_of(getattr(WelfareInterview, name)),
            )
    if row.seen:
        _seen_checked(check, row)
    else:
        _not_seen_checked(check, row)


def _choice(check: _Check, row: InterviewInput, name: str, allowed: dict[str, str]) -> None:
    value = getattr(row, name)
    if not value:
        check.add(row.case_number, name, "interview.choose", N_("Choose an answer."))
    elif value not in allowed:
        check.add(
            row.case_number,
            name,
            "interview.unknown_value",
            N_("“%(value)s” is not one of the values allowed here."),
            value=value,
        )


def _seen_checked(check: _Check, row: InterviewInput) -> None:
    n = row.case_number
    if row.not_seen_reason or row.not_seen_other.strip():
        check.add(
            n,
            "not_seen_reason",
            "interview.reason_but_seen",
            N_("A reason for not seeing the person is given, but the row says seen."),
        )
    _choice(check, row, "told_reason", ANSWERS)
    _choice(check, row, "advised_rights", ANSWERS)
    _choice(check, row, "family_notice", NOTICE_ANSWERS)
    _choice(check, row, "employer_notice", NOTICE_ANSWERS)
    _choice(check, row, "wish", WISHES)
    if row.injured and not row.injuries.strip():
        check.add(
            n,
            "injuries",
            "interview.describe_injuries",
            N_("Describe the injuries (where, from what)."),
        )
    if row.medical_needs and not row.medical_notes.strip():
        check.add(n, "medical_notes", "interview.describe_needs", N_("Describe the medical needs."))


def _not_seen_checked(check: _Check, row: InterviewInput) -> None:
    n = row.case_number
    if not row.not_seen_reason:
        check.add(
            n, "not_seen_reason", "interview.why_not_seen", N_("Say why the person was not seen.")
        )
    elif row.not_seen_reason not in NOT_SEEN_REASONS:
        check.add(
            n,
            "not_seen_reason",
            "interview.unknown_value",
            N_("“%(value)s” is not one of the values allowed here."),
            value=row.not_seen_reason,
        )
    elif row.not_seen_reason == "other" and not row.not_seen_other.strip():
        check.add(
            n, "not_seen_other", "interview.other_reason", N_("Say what the other reason is.")
        )
    said = [name for name in SEEN_ONLY_TEXTS if getattr(row, name).strip()]
    said += [name for name in SEEN_ONLY_CHOICES if getattr(row, name)]
    said += [name for name in SEEN_ONLY_FLAGS if getattr(row, name)]
    for name in said:
        check.add(
            n, name, "interview.not_seen_but_said", N_("The person was not seen: leave this empty.")
        )


def _save(
    db: Session,
    actor: Actor,
    case: Case,
    facility: str,
    held_on: date,
    interviewer: str,
    row: InterviewInput,
) -> WelfareInterview:
    interview = WelfareInterview(
        id=new_id(),
        case_id=case.id,
        held_on=held_on,
        interviewer=interviewer,
        facility=facility,
        seen=row.seen,
        recorded_by=actor.name,
        recorded_at=utcnow(),
        **_values(row),
    )
    db.add(interview)
    family, employer = _wish(row.family_notice), _wish(row.employer_notice)
    changed = (family or case.family_notice, employer or case.employer_notice) != (
        case.family_notice,
        case.employer_notice,
    )
    if row.seen and changed:
        # The outbox and the family codes read the choice from the case (CON-05).
        record_wishes(db, actor, case.id, family=family, employer=employer)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.INTERVIEW_RECORD,
        target_type="welfare_interview",
        target_id=interview.id,
        case_id=case.id,
        diff=_diff(interview),
    )
    for kind, evidence in _items_done(interview):
        milestone = next(m for m in case.milestones if m.kind == kind)
        if milestone.done_at is None:
            complete_milestone(
                db,
                actor,
                case.id,
                kind,
                done_at=_done_at(held_on, case.incident),
                evidence=evidence,
            )
    return interview


def _values(row: InterviewInput) -> dict[str, Any]:
    if not row.seen:
        return {
            "not_seen_reason": row.not_seen_reason,
            "not_seen_other": row.not_seen_other.strip(),
            "property_held": row.property_held.strip(),
            "property_left": row.property_left.strip(),
            "notes": row.notes.strip(),
            "employer_notice": "",
        }
    values: dict[str, Any] = {name: getattr(row, name).strip() for name in TEXTS}
    values["not_seen_other"] = ""
    # A description typed is an injury (a medical need) even if its box was left unticked.
    values["injured"] = row.injured or bool(values["injuries"])
    values["medical_needs"] = row.medical_needs or bool(values["medical_notes"])
    for name in ("interpreter", "counsel_wanted"):
        values[name] = getattr(row, name)
    for name in ("told_reason", "advised_rights", "family_notice", "employer_notice", "wish"):
        values[name] = getattr(row, name)
    return values


def _wish(answer: str) -> str | None:
    # "Not asked" leaves the case's choice as it was.
    return answer if answer in ("yes", "no") else None


_AUDITED = (
    "held_on",
    "facility",
    "interviewer",
    "not_seen_reason",
    "not_seen_other",
    "interpreter",
    *TEXTS[1:],
    "told_reason",
    "advised_rights",
    "family_notice",
    "employer_notice",
    "wish",
    "counsel_wanted",
)


def _diff(interview: WelfareInterview) -> dict[str, Any]:
    diff: dict[str, Any] = {"seen": "yes" if interview.seen else "no"}
    for name in _AUDITED:
        value = getattr(interview, name)
        if isinstance(value, date):
            value = value.isoformat()
        if value not in ("", False):
            diff[name] = value
    return diff


def _items_done(interview: WelfareInterview) -> list[tuple[str, str]]:
    """The checklist items the interview shows done, with how: a person not seen, none."""
    if not interview.seen:
        return []
    at = f"welfare interview at {interview.facility} on {interview.held_on.isoformat()}"
    done = [
        (MilestoneKind.CONSULAR_VISIT.value, at),
        # The interview asks after health and medical needs, whatever the answer.
        (MilestoneKind.MEDICAL_NEEDS.value, f"asked at the {at}"),
    ]
    if interview.interpreter:
        done.append((MilestoneKind.INTERPRETER.value, f"interpreter at the {at}"))
    if interview.advised_rights == "yes":
        done.append((MilestoneKind.RIGHTS_ADVISED.value, f"the detainee said so at the {at}"))
    return done


def _done_at(held_on: date, incident: Incident) -> datetime:
    # Noon of the interview's day at the post, never later than now.
    noon = datetime.combine(held_on, time(12), tzinfo=ZoneInfo(incident.post.time_zone))
    return min(noon.astimezone(UTC), utcnow())


def interviews_of(db: Session, actor: Actor, case_id: str) -> list[WelfareInterview]:
    """The case's interviews, the latest first (404 for a case the actor may not see)."""
    case = get_case(db, actor, case_id)
    return list(
        db.scalars(
            select(WelfareInterview)
            .where(WelfareInterview.case_id == case.id)
            .order_by(WelfareInterview.held_on.desc(), WelfareInterview.recorded_at.desc())
        )
    )


@dataclass(frozen=True)
class Roster:
    """The cases a roster screen shows, and the numbers asked for that are no case."""

    incident: Incident
    cases: list[Case]
    unknown: list[int]


def roster(
    db: Session, actor: Actor, incident_id: str, numbers: Sequence[int], facility: str
) -> Roster:
    """The cases of these numbers (in the order given), or with none, every case of the
    incident held at ``facility``."""
    incident = get_incident(db, actor, incident_id)
    if numbers:
        found = _cases_by_number(db, actor, incident, numbers)
        ordered = list(dict.fromkeys(numbers))
        return Roster(
            incident,
            [found[n] for n in ordered if n in found],
            [n for n in ordered if n not in found],
        )
    query = readable_cases(actor).where(
        Case.incident_id == incident.id, Case.facility == facility.strip()
    )
    return Roster(incident, list(db.scalars(query.order_by(Case.number)).unique()), [])
