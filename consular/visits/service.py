"""Visit plans: officers of an incident's team going to one facility on one day, the cases
they are to see, and the roster they take with them.

A plan starts with every case held at the facility; cases are added by a pasted list (or a
file) of case numbers and A-numbers, all or none: an entry naming no case of the incident,
a case named twice or a case held elsewhere refuses the whole list, each problem by its
line. A plan is ``planned`` until it is marked ``done`` or ``cancelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.bulk import LineProblem, Selection, pasted_entries, select_cases
from consular.cases.models import Case
from consular.cases.states import IN_CUSTODY
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.facilities.models import Facility
from consular.fields import limit_of
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident
from consular.incidents.service import get_incident
from consular.incidents.team import team
from consular.registry.service import mask_identifier
from consular.tabular import Table
from consular.visits.models import VisitCase, VisitPlan

# How far after the incident began a visit may still be planned.
HORIZON = timedelta(days=366)
HELD = tuple(sorted(state.value for state in IN_CUSTODY))
# The columns of a roster file that name a case, first found first used.
FILE_COLUMNS = ("a_number", "host_identifier", "case", "case_number", "number")


class Sort(StrEnum):
    """How the roster is ordered: as the facility lists its detainees."""

    A_NUMBER = "a_number"
    NAME = "name"


@dataclass(frozen=True)
class PlanInput:
    facility: str
    visit_date: date
    officers: Sequence[str]
    interpreter: bool = False
    interpreter_name: str = ""
    notes: str = ""


def local_start(incident: Incident) -> date:
    """The day the incident began, on the post's calendar."""
    started = incident.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return started.astimezone(ZoneInfo(incident.post.time_zone)).date()


def facility_choices(db: Session, incident: Incident) -> list[str]:
    """The facilities a visit may go to: the post's directory and those the cases name."""
    listed = db.scalars(select(Facility.name).where(Facility.post_id == incident.post_id))
    named = db.scalars(
        select(Case.facility).where(Case.incident_id == incident.id, Case.facility.is_not(None))
    )
    return sorted({*listed, *(name for name in named if name)})


def _facility(db: Session, incident: Incident, name: str) -> tuple[str | None, str] | None:
    """The directory entry's id (if any) and the name of the facility called ``name``."""
    entry = db.scalar(
        select(Facility).where(Facility.post_id == incident.post_id, Facility.name == name)
    )
    if entry is not None:
        return entry.id, entry.name
    named = db.scalar(
        select(Case.facility).where(Case.incident_id == incident.id, Case.facility == name)
    )
    return (None, name) if named else None


def _field(name: str, message: Message) -> dict[str, object]:
    return {"field": name, "reason": message}


def _plan_problems(
    db: Session, incident: Incident, data: PlanInput
) -> tuple[list[dict[str, object]], tuple[str | None, str] | None]:
    problems: list[dict[str, object]] = []
    facility = _facility(db, incident, data.facility.strip()) if data.facility.strip() else None
    if facility is None:
        problems.append(
            _field(
                "facility",
                Message(
                    "visits.unknown_facility",
                    N_(
                        "“%(name)s” is neither in the post's facility directory nor where a "
                        "case of this incident is held."
                    ),
                    name=data.facility.strip(),
                ),
            )
        )
    start = local_start(incident)
    if data.visit_date < start:
        problems.append(
            _field(
                "visit_date",
                Message(
                    "visits.date_before_incident",
                    N_("The visit date %(date)s is before the incident began (%(start)s)."),
                    date=data.visit_date.isoformat(),
                    start=start.isoformat(),
                ),
            )
        )
    elif data.visit_date > start + HORIZON:
        problems.append(
            _field(
                "visit_date",
                Message(
                    "visits.date_too_late",
                    N_("The visit date %(date)s is more than a year after the incident began."),
                    date=data.visit_date.isoformat(),
                ),
            )
        )
    names = [name.strip() for name in data.officers if name.strip()]
    if not names:
        problems.append(
            _field("officers", Message("visits.no_officer", N_("Choose at least one officer.")))
        )
    on_team = {user.name for user in team(db, incident)}
    for name in names:
        if name not in on_team:
            problems.append(
                _field(
                    "officers",
                    Message(
                        "visits.officer_not_on_team",
                        N_("%(name)s is not on the incident's team."),
                        name=name,
                    ),
                )
            )
    if data.interpreter_name.strip() and not data.interpreter:
        problems.append(
            _field(
                "interpreter_name",
                Message(
                    "visits.interpreter_name_without_interpreter",
                    N_("An interpreter is named but the visit goes without one."),
                ),
            )
        )
    for name, value in (("notes", data.notes), ("interpreter_name", data.interpreter_name)):
        column = VisitPlan.__table__.c[name]
        if len(value) > limit_of(column):
            problems.append(
                _field(
                    name,
                    Message(
                        "visits.too_long",
                        N_("Too long: at most %(limit)s characters."),
                        limit=limit_of(column),
                    ),
                )
            )
    return problems, facility


def create_plan(db: Session, actor: Actor, incident_id: str, data: PlanInput) -> VisitPlan:
    """Plan a visit; it starts with every case held at the facility."""
    actor.require(Permission.CASE_WRITE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    problems, facility = _plan_problems(db, incident, data)
    if problems or facility is None:
        first = problems[0]["reason"]
        assert isinstance(first, Message)
        raise InvalidInput(first, details={"fields": problems})
    facility_id, facility_name = facility
    plan = VisitPlan(
        incident_id=incident.id,
        facility_id=facility_id,
        facility_name=facility_name,
        visit_date=data.visit_date,
        officers=[name.strip() for name in dict.fromkeys(data.officers) if name.strip()],
        interpreter=data.interpreter,
        interpreter_name=data.interpreter_name.strip() if data.interpreter else "",
        notes=data.notes.strip(),
        created_by=actor.name,
    )
    db.add(plan)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.VISIT_PLAN,
        target_type="visit_plan",
        target_id=plan.id,
        diff={
            "facility": plan.facility_name,
            "date": plan.visit_date.isoformat(),
            "officers": plan.officers,
            "interpreter": plan.interpreter_name if plan.interpreter else False,
        },
    )
    held = db.scalars(
        select(Case.id)
        .where(Case.incident_id == incident.id, Case.state.in_(HELD), _at(plan))
        .order_by(Case.number)
    ).all()
    _add(db, actor, plan, list(held))
    return plan


def _at(plan: VisitPlan) -> ColumnElement[bool]:
    """Cases held at the plan's facility: by its directory entry or by the name they carry."""
    by_name = Case.facility == plan.facility_name
    return or_(Case.facility_id == plan.facility_id, by_name) if plan.facility_id else by_name


def _add(db: Session, actor: Actor, plan: VisitPlan, case_ids: Sequence[str]) -> int:
    numbers = _numbers(db, case_ids)
    for case_id in case_ids:
        db.add(VisitCase(plan_id=plan.id, case_id=case_id, added_by=actor.name))
    db.flush()
    audit.record_many(
        db,
        (
            audit.Event(
                actor.name,
                AuditTag.VISIT_CASE_ADD,
                "visit_plan",
                plan.id,
                {
                    "facility": plan.facility_name,
                    "date": plan.visit_date.isoformat(),
                    "case": numbers[case_id],
                },
                case_id=case_id,
            )
            for case_id in case_ids
        ),
    )
    db.expire(plan, ["cases"])
    return len(case_ids)


def _numbers(db: Session, case_ids: Sequence[str]) -> dict[str, int]:
    if not case_ids:
        return {}
    query = select(Case.id, Case.number).where(Case.id.in_(case_ids))
    return {case_id: number for case_id, number in db.execute(query)}


def get_plan(db: Session, actor: Actor, plan_id: str, *, for_update: bool = False) -> VisitPlan:
    """The plan, if the actor may read its incident's cases; else not found. ``for_update``
    locks it (PostgreSQL), so that two changes of one plan's cases wait for each other."""
    query = select(VisitPlan).where(VisitPlan.id == plan_id)
    if for_update:
        query = query.with_for_update()
    plan = db.scalar(query.options(selectinload(VisitPlan.cases)))
    if plan is None or not actor.can(Permission.CASE_READ):
        raise NotFound("visit plan", plan_id)
    get_incident(db, actor, plan.incident_id)  # another post's plan: not found
    return plan


def plans_of(db: Session, actor: Actor, incident_id: str) -> list[tuple[VisitPlan, int]]:
    """The incident's plans by day and facility, with the count of cases of each."""
    incident = get_incident(db, actor, incident_id)
    counted = (
        select(VisitCase.plan_id, func.count().label("n")).group_by(VisitCase.plan_id).subquery()
    )
    rows = db.execute(
        select(VisitPlan, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.plan_id == VisitPlan.id)
        .where(VisitPlan.incident_id == incident.id)
        .order_by(VisitPlan.visit_date, VisitPlan.facility_name, VisitPlan.created_at)
    ).all()
    return [(plan, int(count)) for plan, count in rows]


def _changing(db: Session, actor: Actor, plan_id: str) -> VisitPlan:
    actor.require(Permission.CASE_WRITE, "visit_plan", plan_id)
    plan = get_plan(db, actor, plan_id, for_update=True)
    refuse_closed(db.get_one(Incident, plan.incident_id))
    if plan.state != "planned":
        raise Conflict(
            "visits.not_planned",
            N_("This visit is no longer planned: its cases are fixed."),
            details={"state": plan.state},
        )
    return plan


@dataclass(frozen=True)
class Added:
    added: int
    already: int  # named cases already on the plan


def add_cases(db: Session, actor: Actor, plan_id: str, text: str) -> Added:
    """Add the cases a pasted list names (case numbers or A-numbers), all or none."""
    plan = _changing(db, actor, plan_id)
    entries = pasted_entries(text)
    if not entries:
        raise InvalidInput("visits.nothing_pasted", N_("No case number or A-number was given."))
    ids, problems = select_cases(db, actor, plan.incident_id, Selection(pasted=text))
    found = _by_entry(entries, problems, ids)
    problems += _elsewhere(db, plan, found)
    if problems:
        problems.sort(key=lambda p: p.line)
        raise InvalidInput(
            "visits.cases_refused",
            N_("No case was added: %(count)s entries cannot be added, see each line."),
            count=len(problems),
            details={"rows": [_row(p) for p in problems]},
        )
    on_plan = {seen.case_id for seen in plan.cases}
    new = [case_id for _, _, case_id in found if case_id not in on_plan]
    _add(db, actor, plan, new)
    return Added(len(new), len(found) - len(new))


def _row(problem: LineProblem) -> dict[str, object]:
    return {"line": problem.line, "entry": problem.entry, "reason": problem.reason}


def _by_entry(
    entries: list[tuple[int, str]], problems: list[LineProblem], ids: list[str]
) -> list[tuple[int, str, str]]:
    """Each entry that names a case, with its line and the case: the selection reports an
    entry either as a problem or as the next case, in the order of the entries."""
    found = []
    refused = iter(problems)
    cases = iter(ids)
    problem = next(refused, None)
    for line, entry in entries:
        if problem is not None and (problem.line, problem.entry) == (line, entry):
            problem = next(refused, None)
        else:
            found.append((line, entry, next(cases)))
    return found


def _elsewhere(
    db: Session, plan: VisitPlan, found: list[tuple[int, str, str]]
) -> list[LineProblem]:
    """The entries naming a case not held at the plan's facility."""
    if not found:
        return []
    wanted = [case_id for _, _, case_id in found]
    here = set(db.scalars(select(Case.id).where(Case.id.in_(wanted), _at(plan))))
    facilities = {
        case_id: facility
        for case_id, facility in db.execute(
            select(Case.id, Case.facility).where(Case.id.in_(wanted))
        )
    }
    numbers = _numbers(db, wanted)
    return [
        LineProblem(
            line,
            entry,
            Message(
                "visits.case_elsewhere",
                N_("Case %(number)s is held at “%(facility)s”, not at this facility."),
                number=numbers[case_id],
                facility=facilities[case_id] or "?",
            ),
        )
        for line, entry, case_id in found
        if case_id not in here
    ]


def file_text(table: Table) -> str:
    """A roster file's case numbers and A-numbers as a pasted list, a line for each of the
    file's rows (so each problem names the file's row)."""
    column = next((name for name in FILE_COLUMNS if name in table.columns), None)
    if column is None:
        raise InvalidInput(
            "visits.file_without_column",
            N_("%(file)s has no column of A-numbers or case numbers (a_number or case)."),
            file=table.source,
        )
    lines = [""] * max((row.number for row in table.rows), default=0)
    for row in table.rows:
        lines[row.number - 1] = row.values.get(column, "").replace(",", " ")
    return "\n".join(lines)


def add_file(db: Session, actor: Actor, plan_id: str, table: Table) -> Added:
    """Add the cases a roster file names, all or none, each problem by the file's row."""
    return add_cases(db, actor, plan_id, file_text(table))


def remove_case(db: Session, actor: Actor, plan_id: str, case_id: str) -> None:
    plan = _changing(db, actor, plan_id)
    seen = next((c for c in plan.cases if c.case_id == case_id), None)
    if seen is None:
        raise NotFound("case of the visit", case_id)
    number = seen.case.number
    db.delete(seen)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.VISIT_CASE_REMOVE,
        target_type="visit_plan",
        target_id=plan.id,
        case_id=case_id,
        diff={"facility": plan.facility_name, "date": plan.visit_date.isoformat(), "case": number},
    )
    db.expire(plan, ["cases"])


def set_state(db: Session, actor: Actor, plan_id: str, state: str) -> VisitPlan:
    """Mark a planned visit done or cancelled."""
    if state not in ("done", "cancelled"):
        raise unknown_value("visits.unknown_state", state, ("done", "cancelled"))
    plan = _changing(db, actor, plan_id)
    plan.state = state
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.VISIT_STATE,
        target_type="visit_plan",
        target_id=plan.id,
        diff={"state": ["planned", state]},
    )
    return plan


def _sort(value: str) -> Sort:
    try:
        return Sort(value or Sort.A_NUMBER)
    except ValueError:
        raise unknown_value("visits.unknown_sort", value, [s.value for s in Sort]) from None


def roster(plan: VisitPlan, actor: Actor, sort: str = Sort.A_NUMBER) -> list[dict[str, str]]:
    """The plan's cases as the roster prints them, sorted by A-number or by name.

    The A-number is how the facility finds a detainee: printed whole for those who may
    reveal identifiers, masked for the others (the export is audited).
    """
    order = _sort(sort)
    whole = actor.can(Permission.IDENTIFIER_REVEAL)
    rows = []
    for seen in plan.cases:
        case = seen.case
        person = case.person
        identifier = case.host_identifier or ""
        rows.append(
            {
                "case": str(case.number),
                "name_hangul": (person.family_name_hangul or "") + (person.given_name_hangul or ""),
                "name_latin": " ".join(p for p in (person.family_name, person.given_name) if p),
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
                "a_number": (identifier if whole else mask_identifier(identifier)) or "",
                "language": "ko",
                "special_needs": case.special_needs,
                "_a": identifier,
            }
        )
    if order is Sort.A_NUMBER:
        rows.sort(key=lambda r: (*_a_number_order(r["_a"]), r["name_latin"]))
    else:
        rows.sort(key=lambda r: (r["name_latin"] or r["name_hangul"], r["_a"]))
    for index, row in enumerate(rows, start=1):
        del row["_a"]
        row["no"] = str(index)
    return rows


def _a_number_order(identifier: str) -> tuple[bool, int, str]:
    """An A-number's place in the facility's list: by its number (A12345678 before
    A123456789, however it is written), those without one last."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    return (not digits, int(digits) if digits else 0, identifier)


_Made = TypeVar("_Made")


def export_roster(
    db: Session,
    actor: Actor,
    plan_id: str,
    kind: str,
    sort: str,
    render: Callable[[VisitPlan, list[dict[str, str]]], _Made],
) -> _Made:
    """The plan's roster as ``render`` makes it (a page or a PDF: ``kind``), its printing
    audited, from a page or the command line; nothing is audited when ``render`` fails."""
    plan = get_plan(db, actor, plan_id)
    rows = roster(plan, actor, sort)
    made = render(plan, rows)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.ROSTER_EXPORT,
        target_type="visit_plan",
        target_id=plan.id,
        diff={
            "format": kind,
            "sort": _sort(sort).value,
            "rows": len(rows),
            "a_numbers": "whole" if actor.can(Permission.IDENTIFIER_REVEAL) else "masked",
        },
    )
    return made


def interview_link(plan: VisitPlan) -> str:
    """The interview screen for this visit's cases, at its facility and on its day."""
    numbers = ",".join(str(n) for n in sorted(seen.case.number for seen in plan.cases))
    query = urlencode(
        {"numbers": numbers, "facility": plan.facility_name, "date": plan.visit_date.isoformat()}
    )
    return f"/incidents/{plan.incident_id}/interviews?{query}"
