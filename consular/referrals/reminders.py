"""Hearings coming up, for the reminder scan: each hearing of an open case that starts
within the lead time reaches the case's assigned officer once (``HearingReminder``
remembers), in the same digest as their checklist items."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, exists, insert, or_, select
from sqlalchemy.orm import Session

from consular.auth.models import Post
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.states import CaseState
from consular.db import utcnow
from consular.incidents.models import Incident
from consular.referrals.models import Hearing, HearingReminder
from consular.registry.models import Person

# A hearing no longer matters to a case whose person has left or whose file is closed.
_OVER = (CaseState.DEPARTED.value, CaseState.CLOSED.value)


@dataclass(frozen=True)
class HearingItem:
    """A line of a digest: a hearing, with what the reader needs to find it."""

    hearing_id: str
    case_id: str
    case_number: int
    names: tuple[str | None, str | None, str | None, str | None]
    kind: str
    starts_at: datetime
    place: str
    time_zone: str


def _upcoming(now: datetime, lead_hours: float) -> Select[*tuple[Any, ...]]:
    """The hearings of open cases starting within the lead time, soonest first."""
    return (
        select(
            Hearing.id,
            Hearing.kind,
            Hearing.starts_at,
            Hearing.place,
            Case.id.label("case_id"),
            Case.number,
            Case.assigned_to_id,
            Post.time_zone,
            Person.family_name_hangul,
            Person.given_name_hangul,
            Person.family_name,
            Person.given_name,
        )
        .join(Case, Case.id == Hearing.case_id)
        .join(Incident, Incident.id == Case.incident_id)
        .join(Post, Post.id == Incident.post_id)
        .join(Person, Person.id == Case.person_id)
        .where(
            Hearing.starts_at > now,
            Hearing.starts_at <= now + timedelta(hours=lead_hours),
            Case.state.not_in(_OVER),
            Incident.status == "open",
        )
        .order_by(Hearing.starts_at, Case.number)
    )


def _item(row: Row[Any]) -> HearingItem:
    return HearingItem(
        hearing_id=row.id,
        case_id=row.case_id,
        case_number=row.number,
        names=(row.family_name_hangul, row.given_name_hangul, row.family_name, row.given_name),
        kind=row.kind,
        starts_at=row.starts_at,
        place=row.place,
        time_zone=row.time_zone,
    )


def hearings_owed(db: Session, now: datetime, lead_hours: float) -> dict[str, list[HearingItem]]:
    """Each assigned officer's hearings starting within the lead time and not yet told to
    them, soonest first (one query)."""
    told = exists().where(
        HearingReminder.hearing_id == Hearing.id,
        HearingReminder.user_id == Case.assigned_to_id,
    )
    query = _upcoming(now, lead_hours).where(Case.assigned_to_id.is_not(None), ~told)
    owed: dict[str, list[HearingItem]] = defaultdict(list)
    for row in db.execute(query):
        owed[row.assigned_to_id].append(_item(row))
    return owed


def upcoming_hearings(
    db: Session, actor: Actor, lead_hours: float, now: datetime | None = None
) -> list[HearingItem]:
    """The hearings within the lead time of the cases the actor holds (as officer or
    second), for "My work"."""
    if actor.user_id is None:
        return []
    mine = or_(Case.assigned_to_id == actor.user_id, Case.second_officer_id == actor.user_id)
    query = _upcoming(now or utcnow(), lead_hours).where(mine)
    return [_item(row) for row in db.execute(query)]


def remember_hearings(db: Session, user_id: str, items: list[HearingItem], now: datetime) -> None:
    """Remember that these hearings were told to the user."""
    if items:
        db.execute(
            insert(HearingReminder),
            [{"hearing_id": i.hearing_id, "user_id": user_id, "reminded_at": now} for i in items],
        )
