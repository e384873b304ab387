"""An incident's timeline: the audit events of the incident, its lists, flights and cases,
newest first, a page at a time, and when each reader last looked at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from consular.audit.models import AuditEvent, TimelineVisit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import utcnow
from consular.errors import NotFound
from consular.flights.models import Flight
from consular.hotline.models import Inquiry
from consular.i18n import N_
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.scope import readable_incidents
from consular.registry.models import Person, display_name
from consular.visits.models import VisitPlan

PAGE_SIZE = 100


@dataclass(frozen=True)
class Kind:
    """A group of tags a reader filters the timeline by."""

    label: str
    tags: tuple[AuditTag, ...]


T = AuditTag
# Every tag an incident's timeline can hold is in one group (a test checks it).
KINDS: dict[str, Kind] = {
    "states": Kind(
        N_("State changes"),
        (T.CASE_CREATE, T.CASE_UPDATE, T.CASE_TRANSITION, T.DISPOSITION_RECORD),
    ),
    "custody": Kind(N_("Custody"), (T.CUSTODY_RECORD, T.FACILITY_MERGE)),
    "checklist": Kind(N_("Checklist"), (T.MILESTONE_COMPLETE,)),
    "interviews": Kind(N_("Welfare interviews"), (T.INTERVIEW_RECORD,)),
    "notes": Kind(N_("Notes and wishes"), (T.NOTE_ADD, T.CASE_WISHES)),
    "assignments": Kind(N_("Assignments and team"), (T.CASE_ASSIGN, T.TEAM_ADD, T.TEAM_REMOVE)),
    "lists": Kind(
        N_("Lists and review"),
        (
            T.DRAFT_START,
            T.DRAFT_CANCEL,
            T.LIST_CORRECT,
            T.LIST_IMPORT,
            T.RECORD_LINK,
            T.REVIEW_REJECT,
        ),
    ),
    "incident": Kind(
        N_("The incident"),
        (T.INCIDENT_CREATE, T.INCIDENT_CLOSE, T.INCIDENT_REOPEN, T.CASES_EXPORT),
    ),
    "travel": Kind(
        N_("Travel and flights"),
        (
            T.TRAVEL_RECORD,
            T.FLIGHT_CREATE,
            T.SEAT_ASSIGN,
            T.SEAT_UNASSIGN,
            T.FLIGHT_LOCK,
            T.FLIGHT_DEPART,
            T.FLIGHT_DELAY,
            T.FLIGHT_CANCEL,
            T.MANIFEST_EXPORT,
            T.DOCUMENT_RECORD,
            T.DOCUMENT_ISSUE,
            T.DOCUMENT_PRINT,
        ),
    ),
    "visits": Kind(
        N_("Visits"),
        (T.VISIT_PLAN, T.VISIT_CASE_ADD, T.VISIT_CASE_REMOVE, T.VISIT_STATE, T.ROSTER_EXPORT),
    ),
    "reentry": Kind(
        N_("Re-entry"),
        (
            T.ASSESSMENT_RECORD,
            T.REENTRY_FACTS_UPDATE,
            T.REENTRY_OUTCOME_RECORD,
            T.ASSURANCE_ADD,
        ),
    ),
    "counsel": Kind(
        N_("Counsel, hearings and bond"),
        (T.REFERRAL_CREATE, T.REFERRAL_MOVE, T.HEARING_ADD, T.HEARING_REMOVE, T.BOND_RECORD),
    ),
    "family_codes": Kind(
        N_("Family codes"), (T.FAMILY_CODE_ISSUE, T.FAMILY_CODE_REVOKE, T.STATUS_LOOKUP)
    ),
    "messages": Kind(
        N_("Messages to families"), (T.MESSAGE_RETRY, T.MESSAGE_CANCEL, T.BROADCAST_SEND)
    ),
    "hotline": Kind(
        N_("Families' hotline"),
        (T.HOTLINE_LOG, T.HOTLINE_STATE, T.HOTLINE_LINK, T.HOTLINE_REPORT, T.HOTLINE_CODE_SMS),
    ),
    "identifiers": Kind(N_("Numbers shown"), (T.HOST_IDENTIFIER_REVEAL,)),
}


@dataclass(frozen=True)
class TimelineFilters:
    """What the reader narrowed the timeline to; each left empty means all."""

    day: date | None = None
    officer: str = ""
    kind: str = ""
    case_number: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.day or self.officer or self.kind or self.case_number is not None)


@dataclass(frozen=True)
class TimelineCase:
    id: str
    number: int
    name: str


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    case: TimelineCase | None
    new: bool


@dataclass(frozen=True)
class Timeline:
    """One page of an incident's timeline, and what is new to its reader."""

    incident: Incident
    time_zone: str
    entries: list[TimelineEntry]
    # The cursor of the next (older) page, if there is one.
    older: int | None
    visit: TimelineVisit | None
    new_count: int
    # The log's last event when the page was read: the visit remembers it.
    last_seq: int


def timeline_incident(db: Session, actor: Actor, incident_id: str) -> Incident:
    """The incident, if the actor may read its audit events; else not found."""
    actor.require(Permission.AUDIT_READ, "incident", incident_id)
    incident = db.scalar(readable_incidents(actor).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound("incident", incident_id)
    return incident


def _sources(incident_id: str) -> list[ColumnElement[bool]]:
    """Where an incident's events are: its cases', and those about it, its lists, list rows,
    flights, visits and hotline calls."""

    def targets(kind: str, ids: Select[str]) -> ColumnElement[bool]:
        return and_(AuditEvent.target_type == kind, AuditEvent.target_id.in_(ids))

    return [
        AuditEvent.case_id.in_(select(Case.id).where(Case.incident_id == incident_id)),
        and_(AuditEvent.target_type == "incident", AuditEvent.target_id == incident_id),
        targets("source_list", select(SourceList.id).where(SourceList.incident_id == incident_id)),
        targets(
            "source_record", select(SourceRecord.id).where(SourceRecord.incident_id == incident_id)
        ),
        targets("flight", select(Flight.id).where(Flight.incident_id == incident_id)),
        targets("visit_plan", select(VisitPlan.id).where(VisitPlan.incident_id == incident_id)),
        targets("hotline_inquiry", select(Inquiry.id).where(Inquiry.incident_id == incident_id)),
    ]


def _day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time(), zone)
    return start, datetime.combine(day + timedelta(days=1), time(), zone)


def _narrowed(incident: Incident, filters: TimelineFilters) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.day is not None:
        start, end = _day_bounds(filters.day, incident.post.time_zone)
        conditions += [AuditEvent.at >= start, AuditEvent.at < end]
    if filters.officer:
        conditions.append(AuditEvent.actor == filters.officer.strip())
    if filters.kind in KINDS:
        conditions.append(AuditEvent.tag.in_([str(tag) for tag in KINDS[filters.kind].tags]))
    if filters.case_number is not None:
        numbered = select(Case.id).where(
            Case.incident_id == incident.id, Case.number == filters.case_number
        )
        conditions.append(AuditEvent.case_id.in_(numbered))
    return conditions


def _page(
    db: Session, incident: Incident, narrowed: list[ColumnElement[bool]], limit: int
) -> list[AuditEvent]:
    # Each source's newest through its own index, then the newest of those: the cost follows
    # the incident's events, not the length of the whole log.
    newest = [
        select(AuditEvent.seq)
        .where(source, *narrowed)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
        .subquery()
        for source in _sources(incident.id)
    ]
    seqs = union(*(select(part.c.seq) for part in newest)).subquery()
    chosen = list(db.scalars(select(seqs.c.seq).order_by(seqs.c.seq.desc()).limit(limit)))
    # Then the rows by their keys: as one query, PostgreSQL scanned the log to join them.
    query = select(AuditEvent).where(AuditEvent.seq.in_(chosen)).order_by(AuditEvent.seq.desc())
    return list(db.scalars(query)) if chosen else []


def read_timeline(
    db: Session,
    actor: Actor,
    incident_id: str,
    filters: TimelineFilters,
    *,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> Timeline:
    """A page of the incident's events older than ``before`` (newest first), each marked new
    if it came after the actor's last visit."""
    incident = timeline_incident(db, actor, incident_id)
    # Read first: an event saved while the page is read is new at the next visit.
    last_seq = db.scalar(select(func.max(AuditEvent.seq))) or 0
    narrowed = _narrowed(incident, filters)
    older_than = [] if before is None else [AuditEvent.seq < before]
    events = _page(db, incident, narrowed + older_than, limit + 1)
    older = events[limit - 1].seq if len(events) > limit else None
    events = events[:limit]
    visit = last_visit(db, actor, incident.id)
    seen = visit.seen_seq if visit is not None else last_seq
    new_count = 0
    if visit is not None:
        since = [or_(*_sources(incident.id)), *narrowed, AuditEvent.seq > seen]
        counted = select(func.count()).select_from(AuditEvent).where(*since)
        new_count = db.scalar(counted) or 0
    cases = _cases(db, {e.case_id for e in events if e.case_id is not None})
    entries = [
        TimelineEntry(e, cases.get(e.case_id or ""), visit is not None and e.seq > seen)
        for e in events
    ]
    return Timeline(incident, incident.post.time_zone, entries, older, visit, new_count, last_seq)


def _cases(db: Session, ids: set[str]) -> dict[str, TimelineCase]:
    if not ids:
        return {}
    # Columns only: a whole case would open every sealed value of its person.
    rows = db.execute(
        select(
            Case.id,
            Case.number,
            Person.family_name,
            Person.given_name,
            Person.family_name_hangul,
            Person.given_name_hangul,
        )
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(ids))
    )
    return {row[0]: TimelineCase(row[0], row[1], display_name(*row[2:])) for row in rows}


def last_visit(db: Session, actor: Actor, incident_id: str) -> TimelineVisit | None:
    if actor.user_id is None:
        return None
    return db.get(TimelineVisit, (actor.user_id, incident_id))


def remember_visit(db: Session, actor: Actor, incident_id: str, seen_seq: int) -> None:
    """The actor looked at the incident's timeline up to event ``seen_seq``; the command
    line's operator, who has no user, is not remembered."""
    if actor.user_id is None:
        return
    values = {
        "user_id": actor.user_id,
        "incident_id": incident_id,
        "seen_at": utcnow(),
        "seen_seq": seen_seq,
    }
    # One statement: two tabs opened at once both land, the later one wins.
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(TimelineVisit).values(**values)
    db.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "incident_id"],
            set_={"seen_at": insert.excluded.seen_at, "seen_seq": insert.excluded.seen_seq},
        )
    )
