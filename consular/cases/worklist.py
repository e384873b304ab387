"""An officer's work: the open checklist items of the cases assigned to them, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case, Milestone
from consular.cases.states import IN_CUSTODY
from consular.db import utcnow
from consular.errors import unknown_value
from consular.incidents.models import Incident
from consular.incidents.scope import incident_scope
from consular.registry.models import Person

# "Due soon" is what falls due within this window from now.
SOON = timedelta(hours=24)
# A page of work holds at most this many items; the rest are on the next pages.
MOST_ITEMS = 200


class Due(StrEnum):
    """Which items a worklist shows by their deadlines (none: every open item)."""

    SOON = "soon"  # falls due in the next 24 hours
    OVERDUE = "overdue"  # past its due time, breached ones included
    BREACHED = "breached"  # past its breach time


class Urgency(StrEnum):
    BREACHED = "breached"
    OVERDUE = "overdue"
    DUE = "due"


@dataclass(frozen=True)
class WorkFilter:
    """What an officer narrowed their work to."""

    incident_id: str | None = None
    facility: str | None = None
    due: Due | None = None

    @classmethod
    def of(
        cls, incident_id: str | None = None, facility: str | None = None, due: str | None = None
    ) -> WorkFilter:
        """From what a query string says; an unknown ``due`` is refused with the choices."""
        if due and due not in {d.value for d in Due}:
            raise unknown_value("work.unknown_due", due, [d.value for d in Due])
        return cls(
            incident_id=(incident_id or "").strip() or None,
            facility=(facility or "").strip() or None,
            due=Due(due) if due else None,
        )


@dataclass(frozen=True)
class WorkItem:
    """One open checklist item of one of the officer's cases."""

    case_id: str
    case_number: int
    incident_id: str
    incident_title: str
    family_name: str | None
    given_name: str | None
    family_name_hangul: str | None
    given_name_hangul: str | None
    facility: str | None
    kind: str
    due_at: datetime
    breach_at: datetime
    urgency: Urgency
    # How long past its due time (overdue) or breach time (breached); None while not due.
    late_by: timedelta | None
    # How long until it falls due; None once it is past due.
    due_in: timedelta | None = None

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def hangul_name(self) -> str:
        return "".join(p for p in (self.family_name_hangul, self.given_name_hangul) if p)


@dataclass(frozen=True)
class WorkCounts:
    """How many of an officer's open items are breached, past due, and due in 24 hours."""

    breached: int = 0
    overdue: int = 0
    soon: int = 0


def _held_and_mine(actor: Actor) -> ColumnElement[bool]:
    """Cases the actor owns (as officer or second), still held, in incidents they may read."""
    return and_(
        or_(Case.assigned_to_id == actor.user_id, Case.second_officer_id == actor.user_id),
        Case.state.in_([s.value for s in IN_CUSTODY]),
        incident_scope(actor, Permission.CASE_READ),
    )


def _narrowed(query: Select[Any], shown: WorkFilter, now: datetime) -> Select[Any]:
    if shown.incident_id:
        query = query.where(Case.incident_id == shown.incident_id)
    if shown.facility:
        query = query.where(Case.facility == shown.facility)
    if shown.due is Due.SOON:
        query = query.where(Milestone.due_at >= now, Milestone.due_at < now + SOON)
    elif shown.due is Due.OVERDUE:
        query = query.where(Milestone.due_at < now)
    elif shown.due is Due.BREACHED:
        query = query.where(Milestone.breach_at < now)
    return query


def _from_items(actor: Actor, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Milestone)
        .join(Case, Case.id == Milestone.case_id)
        .join(Incident, Incident.id == Case.incident_id)
        .where(_held_and_mine(actor), Milestone.done_at.is_(None))
    )


def my_work(
    db: Session,
    actor: Actor,
    shown: WorkFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[int, list[WorkItem]]:
    """A page of the actor's open items, breached first, then overdue, then the rest, each
    group by due time; and how many items the filter finds in all."""
    shown = shown or WorkFilter()
    now = now or utcnow()
    if actor.user_id is None or not actor.can(Permission.CASE_READ):
        return 0, []
    counted = _narrowed(_from_items(actor, func.count()), shown, now)
    total = db.scalar(counted) or 0
    urgency = case((Milestone.breach_at < now, 0), (Milestone.due_at < now, 1), else_=2).label(
        "urgency"
    )
    query = _from_items(
        actor,
        Case.id,
        Case.number,
        Case.incident_id,
        Incident.title,
        Person.family_name,
        Person.given_name,
        Person.family_name_hangul,
        Person.given_name_hangul,
        Case.facility,
        Milestone.kind,
        Milestone.due_at,
        Milestone.breach_at,
        urgency,
    ).join(Person, Person.id == Case.person_id)
    query = _narrowed(query, shown, now).order_by(
        urgency, Milestone.due_at, Case.number, Milestone.position
    )
    rows = db.execute(query.limit(min(limit, MOST_ITEMS)).offset(offset)).all()
    return total, [_item(row, now) for row in rows]


_URGENCY = (Urgency.BREACHED, Urgency.OVERDUE, Urgency.DUE)


def _item(row: Row[Any], now: datetime) -> WorkItem:
    urgency = _URGENCY[row.urgency]
    due_at, breach_at = _aware(row.due_at), _aware(row.breach_at)
    late_by = {Urgency.BREACHED: now - breach_at, Urgency.OVERDUE: now - due_at}.get(urgency)
    return WorkItem(
        case_id=row.id,
        case_number=row.number,
        incident_id=row.incident_id,
        incident_title=row.title,
        family_name=row.family_name,
        given_name=row.given_name,
        family_name_hangul=row.family_name_hangul,
        given_name_hangul=row.given_name_hangul,
        facility=row.facility,
        kind=row.kind,
        due_at=due_at,
        breach_at=breach_at,
        urgency=urgency,
        late_by=late_by,
        due_in=due_at - now if late_by is None else None,
    )


def _aware(moment: datetime) -> datetime:
    # SQLite gives the stored UTC moments back without their zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def work_counts(db: Session, actor: Actor, *, now: datetime | None = None) -> dict[str, WorkCounts]:
    """The actor's breached, overdue and due-soon items, by incident, in one query."""
    now = now or utcnow()
    if actor.user_id is None or not actor.can(Permission.CASE_READ):
        return {}
    rows = db.execute(
        _from_items(
            actor,
            Case.incident_id,
            func.count().filter(Milestone.breach_at < now),
            func.count().filter(Milestone.due_at < now),
            func.count().filter(Milestone.due_at >= now, Milestone.due_at < now + SOON),
        ).group_by(Case.incident_id)
    ).all()
    return {incident_id: WorkCounts(b, o, s) for incident_id, b, o, s in rows}


@dataclass(frozen=True)
class WorkChoices:
    """What an officer's work can be narrowed to: the incidents and facilities of their cases."""

    incidents: list[tuple[str, str]]
    facilities: list[str]


def work_choices(db: Session, actor: Actor) -> WorkChoices:
    """The incidents (id, title) and facilities of the actor's cases still held, in one query
    over the cases (not their items)."""
    if actor.user_id is None:
        return WorkChoices([], [])
    rows = db.execute(
        select(Incident.id, Incident.title, Case.facility)
        .select_from(Case)
        .join(Incident, Incident.id == Case.incident_id)
        .where(_held_and_mine(actor))
        .distinct()
    ).all()
    incidents = sorted({(ident, title) for ident, title, _ in rows}, key=lambda i: (i[1], i[0]))
    return WorkChoices(incidents, sorted({facility for *_, facility in rows if facility}))
