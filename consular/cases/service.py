"""Cases: one per detained person per incident, moved through an explicit state machine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session, SessionTransaction

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case, CaseNote, CustodyEvent, Milestone
from consular.cases.policy import POLICY, MilestoneKind, deadlines
from consular.cases.reading import CASE_SORTS as CASE_SORTS
from consular.cases.reading import allowed_moves
from consular.cases.reading import count_overdue as count_overdue
from consular.cases.reading import describe as describe
from consular.cases.reading import list_cases as list_cases
from consular.cases.reading import overdue_kinds as overdue_kinds
from consular.cases.reading import readable_cases as readable_cases
from consular.cases.reading import summarize as summarize
from consular.cases.states import CaseState, Disposition, blocking_reason
from consular.db import new_id, utcnow, with_blind_indexes
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.facilities.names import directory_of, entry_named, name_key
from consular.i18n import N_
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident
from consular.notifications.outbox import STATE_EVENTS, enqueue

# Session.info keys: what this transaction learnt about cases, so that a list of thousands of
# rows opens its cases without a query and a flush for each.
_KNOWN_CASES = "consular.cases.known"
_LAST_NUMBERS = "consular.cases.last_numbers"


def get_case(db: Session, actor: Actor, case_id: str, *, for_update: bool = False) -> Case:
    # The checklist, custody and notes load when first read: a case the session holds
    # already (a bulk change preloads hundreds) is then not read again.
    case = db.scalar(readable_cases(actor).where(Case.id == case_id))
    if case is None:
        raise NotFound("case", case_id)
    if for_update:
        # Every change to a case fetches it here: a closed incident's cases take none.
        refuse_closed(case.incident)
    return case


def preload_cases(db: Session, incident: Incident, person_ids: Iterable[str]) -> set[str]:
    """Look up at once the cases of these persons, so that ``open_case`` needs no query each.
    Returns the persons who have a case in the incident."""
    known = _known_cases(db)
    asked = set(person_ids)
    wanted = sorted(p for p in asked if (incident.id, p) not in known)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        query = select(Case).where(Case.incident_id == incident.id, Case.person_id.in_(chunk))
        found = {case.person_id: case for case in db.scalars(query)}
        known.update(((incident.id, person_id), found.get(person_id)) for person_id in chunk)
    return {p for p in asked if known.get((incident.id, p)) is not None}


def open_case(
    db: Session,
    actor: Actor,
    incident: Incident,
    person_id: str,
    *,
    arrested_at: datetime | None = None,
    facility: str | None = None,
    host_identifier: str | None = None,
    source: str,
) -> tuple[Case, bool]:
    """The case of this person in this incident, created (with its checklist) if new."""
    known = _known_cases(db)
    key = (incident.id, person_id)
    case = known.get(key)
    # A case expunged from the session since then would no longer be written back.
    if key not in known or (case is not None and case not in db):
        case = known[key] = db.scalar(
            select(Case).where(Case.incident_id == incident.id, Case.person_id == person_id)
        )
    if case is not None:
        _fill_missing(
            db,
            actor,
            case,
            arrested_at=arrested_at,
            facility=facility,
            host_identifier=host_identifier,
            source=source,
        )
        return case, False
    opened = open_cases(
        db,
        actor,
        incident,
        [CaseOpening(person_id, arrested_at, facility, host_identifier, source)],
    )
    case = known[key] = db.get_one(Case, opened[0])
    return case, True


@dataclass(frozen=True)
class CaseOpening:
    """A case to open: the person, and what the list that named them says."""

    person_id: str
    arrested_at: datetime | None
    facility: str | None
    host_identifier: str | None
    source: str


def open_cases(
    db: Session, actor: Actor, incident: Incident, openings: Sequence[CaseOpening]
) -> list[str]:
    """Open the cases of persons who have none in this incident yet (the caller knows, e.g.
    from ``preload_cases``), each with its checklist, its booking at the facility named and
    its audit event, in a few statements for all. Returns the new cases' ids, in order."""
    ids: list[str] = []
    cases: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    events: list[audit.Event] = []
    known = _known_cases(db)
    entries = directory_of(db, incident.post_id) if any(o.facility for o in openings) else {}
    for opening in openings:
        case_id = new_id()
        number = _next_number(db, incident.id)
        arrested = opening.arrested_at or incident.started_at
        ids.append(case_id)
        # Read from the database from now on: the session holds no object for the case.
        known.pop((incident.id, opening.person_id), None)
        entry_id = entries.get(name_key(opening.facility or ""))
        cases.append(
            {**_case_row(incident, opening, case_id, number, arrested), "facility_id": entry_id}
        )
        milestones.extend(_checklist_rows(case_id, arrested))
        if opening.facility:
            booking = _booking(actor, case_id, arrested, opening.facility, opening.source)
            bookings.append({**booking, "facility_id": entry_id})
        events.append(_opening_event(actor, incident, opening, case_id, number))
    for model, rows in ((Case, cases), (Milestone, milestones), (CustodyEvent, bookings)):
        if rows:
            db.execute(insert(model), rows)
    audit.record_many(db, events)
    return ids


def _case_row(
    incident: Incident, opening: CaseOpening, case_id: str, number: int, arrested: datetime
) -> dict[str, Any]:
    """The new case's row, as inserted: state reported, first version."""
    return with_blind_indexes(
        Case,
        {
            "id": case_id,
            "incident_id": incident.id,
            "person_id": opening.person_id,
            "number": number,
            "state": CaseState.REPORTED.value,
            "arrested_at": arrested,
            "facility": opening.facility,
            "host_identifier": opening.host_identifier,
            "version": 1,
        },
    )


def _checklist_rows(case_id: str, arrested: datetime) -> list[dict[str, Any]]:
    """The rows of a new case's rights checklist, each item due as the policy says."""
    rows: list[dict[str, Any]] = []
    for position, policy in enumerate(POLICY):
        due, breach = deadlines(policy, arrested)
        rows.append(
            {
                "id": new_id(),
                "case_id": case_id,
                "kind": policy.kind.value,
                "position": position,
                "due_at": due,
                "breach_at": breach,
            }
        )
    return rows


def _opening_event(
    actor: Actor, incident: Incident, opening: CaseOpening, case_id: str, number: int
) -> audit.Event:
    return audit.Event(
        actor=actor.name,
        tag=AuditTag.CASE_CREATE,
        target_type="case",
        target_id=case_id,
        case_id=case_id,
        diff={
            "number": number,
            "person_id": opening.person_id,
            "incident_id": incident.id,
            "state": CaseState.REPORTED.value,
            "facility": opening.facility,
            "source": opening.source,
        },
    )


def _known_cases(db: Session) -> dict[tuple[str, str], Case | None]:
    """This transaction's answers to "the case of person P in incident I" (None: no case)."""
    known: dict[tuple[str, str], Case | None] = db.info.setdefault(_KNOWN_CASES, {})
    return known


def _next_number(db: Session, incident_id: str) -> int:
    # The highest number is read once per transaction; cases are only opened here.
    last: dict[str, int] = db.info.setdefault(_LAST_NUMBERS, {})
    if incident_id not in last:
        query = select(func.max(Case.number)).where(Case.incident_id == incident_id)
        last[incident_id] = db.scalar(query) or 0
    last[incident_id] += 1
    return last[incident_id]


@listens_for(Session, "after_transaction_end")
def _forget_cases(session: Session, transaction: SessionTransaction) -> None:
    # What a transaction or savepoint learnt may no longer hold after it (flushes run in
    # inner transactions of their own, which change nothing here).
    if transaction.parent is None or transaction.nested:
        session.info.pop(_KNOWN_CASES, None)
        session.info.pop(_LAST_NUMBERS, None)


def _book(db: Session, actor: Actor, case: Case, facility: str, source: str) -> None:
    booking = _booking(actor, case.id, case.arrested_at, facility, source)
    db.add(CustodyEvent(**booking, facility_id=case.facility_id))


def _booking(
    actor: Actor, case_id: str, arrested_at: datetime, facility: str, source: str
) -> dict[str, Any]:
    # A list naming the facility tells us where the person has been held since the arrest.
    return {
        "id": new_id(),
        "case_id": case_id,
        "kind": "booked",
        "facility": facility,
        "at": arrested_at,
        "note": f"from {source}",
        "recorded_by": actor.name,
    }


def _recount_deadlines(case: Case, arrested_at: datetime) -> None:
    case.arrested_at = arrested_at
    by_kind = {p.kind.value: p for p in POLICY}
    for milestone in case.milestones:
        milestone.due_at, milestone.breach_at = deadlines(by_kind[milestone.kind], arrested_at)


def _fill_missing(
    db: Session,
    actor: Actor,
    case: Case,
    *,
    arrested_at: datetime | None,
    facility: str | None,
    host_identifier: str | None,
    source: str,
) -> None:
    # A later list may tell us what an earlier one did not; it never overwrites.
    changes: dict[str, object] = {}
    if arrested_at and case.arrested_at == case.incident.started_at != arrested_at:
        # The deadlines were counted from the start of the incident for want of better.
        _recount_deadlines(case, arrested_at)
        changes["arrested_at"] = arrested_at
    if facility and not case.facility:
        case.facility = facility
        case.facility_id = entry_named(db, case.incident.post_id, facility)
        _book(db, actor, case, facility, source)
        changes["facility"] = facility
    if host_identifier and not case.host_identifier:
        case.host_identifier = host_identifier
        changes["host_identifier"] = "recorded"
    if changes:
        db.flush()
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.CASE_UPDATE,
            target_type="case",
            target_id=case.id,
            case_id=case.id,
            diff={**changes, "source": source},
        )


def check_version(case: Case, version: int) -> None:
    """Refuse a change made on an older version of the case than the current one."""
    if case.version != version:
        raise Conflict(
            "case.stale_version",
            N_("Case %(number)s was changed by someone else meanwhile. Reload it and try again."),
            number=case.number,
            details={"your_version": version, "current_version": case.version},
        )


def transition(
    db: Session, actor: Actor, case_id: str, to: str, *, version: int, note: str = ""
) -> Case:
    actor.require(Permission.CASE_TRANSITION, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    check_version(case, version)
    try:
        target = CaseState(to)
    except ValueError:
        raise unknown_value("case.unknown_state", to, allowed_moves(case)) from None
    reason = blocking_reason(
        case.state, target, disposition=case.disposition, facility=case.facility
    )
    if reason is not None:
        raise Conflict(reason, details={"allowed": allowed_moves(case), "state": case.state})
    before = case.state
    case.state = target.value
    if note:
        case.notes.append(CaseNote(body=note, author=actor.name))
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CASE_TRANSITION,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={"state": [before, target.value], "note": note},
    )
    if target.value in STATE_EVENTS:
        enqueue(db, case, STATE_EVENTS[target.value])
    return case


# Custody records: booked into a facility, transferred to another, released from custody
# (the release itself is a change of state; its record keeps the time and place).
CUSTODY_KINDS = ("booked", "transferred", "released")


def record_custody(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    facility: str,
    kind: str,
    version: int,
    at: datetime | None = None,
    note: str = "",
) -> Case:
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    check_version(case, version)
    if not facility.strip():
        raise InvalidInput(
            "case.facility_empty", N_("The facility is empty: give the facility's name.")
        )
    if kind not in CUSTODY_KINDS:
        raise unknown_value("case.unknown_custody_kind", kind, list(CUSTODY_KINDS))
    before = case.facility
    case.facility = facility.strip()
    # A name of the post's directory links the case to that entry; other text stays free.
    case.facility_id = entry_named(db, case.incident.post_id, case.facility)
    case.custody.append(
        CustodyEvent(
            kind=kind,
            facility=case.facility,
            facility_id=case.facility_id,
            at=at or utcnow(),
            note=note,
            recorded_by=actor.name,
        )
    )
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CUSTODY_RECORD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={"facility": [before, case.facility], "kind": kind, "note": note},
    )
    return case


def record_disposition(
    db: Session, actor: Actor, case_id: str, *, disposition: str, version: int, note: str = ""
) -> Case:
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    check_version(case, version)
    try:
        disposition = Disposition(disposition).value
    except ValueError:
        raise unknown_value(
            "case.unknown_disposition", disposition, [d.value for d in Disposition]
        ) from None
    before = case.disposition
    case.disposition = disposition
    if note:
        case.notes.append(CaseNote(body=note, author=actor.name))
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.DISPOSITION_RECORD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={"disposition": [before, disposition], "note": note},
    )
    return case


def add_note(db: Session, actor: Actor, case_id: str, body: str) -> CaseNote:
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    note = CaseNote(case_id=case.id, body=body.strip(), author=actor.name)
    db.add(note)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.NOTE_ADD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={"body": note.body},
    )
    return note


def complete_milestone(
    db: Session,
    actor: Actor,
    case_id: str,
    kind: str,
    *,
    done_at: datetime | None = None,
    evidence: str = "",
) -> Milestone:
    actor.require(Permission.MILESTONE_COMPLETE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    try:
        kind = MilestoneKind(kind).value
    except ValueError:
        raise unknown_value(
            "case.unknown_milestone", kind, [k.value for k in MilestoneKind]
        ) from None
    milestone = next(m for m in case.milestones if m.kind == kind)
    if milestone.done_at is not None:
        raise Conflict(
            "case.milestone_done",
            N_("This item was already recorded done by %(who)s."),
            who=milestone.done_by,
            details={"kind": kind, "done_at": milestone.done_at.isoformat()},
        )
    now = utcnow()
    when = done_at or now
    if when > now:
        raise InvalidInput(
            "case.milestone_in_future", N_("A checklist item cannot be done in the future.")
        )
    milestone.done_at = when
    milestone.done_by = actor.name
    milestone.evidence = evidence
    milestone.recorded_at = now
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.MILESTONE_COMPLETE,
        target_type="milestone",
        target_id=milestone.id,
        case_id=case.id,
        diff={"kind": kind, "done_at": when, "evidence": evidence},
    )
    if kind == MilestoneKind.CONSULAR_VISIT:
        enqueue(db, case, "consular_visit")
    return milestone
