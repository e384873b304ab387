"""Reading cases: the scoped query, the list of an incident's cases, a case described."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session, contains_eager, lazyload

from consular.auth.models import User
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case, Milestone
from consular.cases.policy import POLICY
from consular.cases.schemas import (
    CaseRead,
    CaseSort,
    CaseSummary,
    CustodyRead,
    MilestoneRead,
    NoteRead,
)
from consular.cases.states import IN_CUSTODY, CaseState, allowed_now
from consular.db import utcnow
from consular.errors import NotFound, unknown_value
from consular.incidents.models import Incident
from consular.incidents.scope import incident_scope, readable_incidents
from consular.registry.models import Deployment, Person
from consular.registry.service import mask_identifier

_RULES = {p.kind.value: list(p.rule_ids) for p in POLICY}


def readable_cases(actor: Actor) -> Select[Case]:
    """Cases the actor may see: their post's incidents (all posts for headquarters roles)."""
    return select(Case).join(Case.incident).where(incident_scope(actor, Permission.CASE_READ))


def allowed_moves(case: Case) -> list[str]:
    return allowed_now(case.state, disposition=case.disposition, facility=case.facility)


def _running(case: Case) -> bool:
    # Deadlines only run while the person is held; a released or departed case owes none.
    return case.state in IN_CUSTODY


def overdue_kinds(case: Case, now: datetime) -> list[str]:
    if not _running(case):
        return []
    return [m.kind for m in case.milestones if m.done_at is None and m.due_at < now]


def _overdue(now: datetime) -> ColumnElement[bool]:
    """A case still held with a rights-checklist item past its due time."""
    return and_(
        Case.state.in_([s.value for s in IN_CUSTODY]),
        exists().where(
            Milestone.case_id == Case.id, Milestone.done_at.is_(None), Milestone.due_at < now
        ),
    )


def count_overdue(db: Session, incident_id: str) -> int:
    """How many of the incident's cases have a rights deadline past due."""
    query = select(func.count()).select_from(Case).where(Case.incident_id == incident_id)
    return db.scalar(query.where(_overdue(utcnow()))) or 0


# Orders of the case list; the case number settles ties, so pages never overlap.
CASE_SORTS: dict[str, tuple[Any, ...]] = {
    CaseSort.NUMBER: (Case.number,),
    CaseSort.NAME: (Person.family_name, Person.given_name, Person.family_name_hangul, Case.number),
    CaseSort.STATE: (Case.state, Case.number),
    CaseSort.FACILITY: (Case.facility, Case.number),
}


def list_cases(
    db: Session,
    actor: Actor,
    incident_id: str,
    *,
    state: str | None = None,
    overdue: bool = False,
    facility: str | None = None,
    employer_id: str | None = None,
    officer: str | None = None,
    sort: str = "number",
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[CaseSummary]]:
    """A page of an incident's cases, filtered, in case-number order or by ``sort``
    (``number``, ``name``, ``state``, ``facility``); unknown or not allowed is NotFound."""
    if sort not in CASE_SORTS:
        raise unknown_value("case.unknown_sort", sort, CASE_SORTS)
    visible = readable_incidents(actor).where(Incident.id == incident_id)
    if (
        not actor.can(Permission.CASE_READ)
        or db.scalar(visible.with_only_columns(Incident.id)) is None
    ):
        raise NotFound("incident", incident_id)
    query = matching_cases(
        actor,
        incident_id,
        state=state,
        overdue=overdue,
        facility=facility,
        employer_id=employer_id,
        officer=officer,
    )
    total = db.scalar(query.with_only_columns(func.count())) or 0
    page = _page_of_cases(db, query, sort, limit=limit, offset=offset)
    now = utcnow()
    overdue_of = _overdue_by_case(db, page, now)
    return total, [summarize(case, now, overdue=overdue_of.get(case.id, [])) for case in page]


# The officer filter's words for "my cases" and "cases nobody owns".
OFFICER_ME = "me"
OFFICER_NONE = "none"


def matching_cases(
    actor: Actor,
    incident_id: str,
    *,
    state: str | None = None,
    overdue: bool = False,
    facility: str | None = None,
    employer_id: str | None = None,
    officer: str | None = None,
) -> Select[Case]:
    """The incident's cases the actor may see, narrowed by the list's filters; ``officer`` is
    the assigned officer's user name, ``me`` or ``none``."""
    query = readable_cases(actor).where(Case.incident_id == incident_id)
    if state:
        try:
            query = query.where(Case.state == CaseState(state).value)
        except ValueError:
            raise unknown_value("case.unknown_state", state, [s.value for s in CaseState]) from None
    if facility:
        query = query.where(Case.facility == facility)
    if employer_id:
        query = query.where(
            exists().where(
                Deployment.person_id == Case.person_id, Deployment.employer_id == employer_id
            )
        )
    if overdue:
        query = query.where(_overdue(utcnow()))
    if officer:
        query = query.where(_assigned_to(actor, officer))
    return query


def _assigned_to(actor: Actor, officer: str) -> ColumnElement[bool]:
    if officer == OFFICER_NONE:
        return Case.assigned_to_id.is_(None)
    name = actor.name if officer == OFFICER_ME else officer
    return Case.assigned_to_id.in_(select(User.id).where(User.name == name))


def _page_of_cases(
    db: Session, query: Select[Case], sort: str, *, limit: int, offset: int
) -> Sequence[Case]:
    """One page of the cases ``query`` finds, in the order ``sort`` names, with their persons."""
    # The page's ids first, from the index on (incident, number), and only then their cases
    # and persons: joining every skipped case to its person made deep pages slow.
    order = CASE_SORTS[sort]
    chosen = query.with_only_columns(Case.id)
    if sort == "name":
        chosen = chosen.join(Person, Person.id == Case.person_id)
    ids = chosen.order_by(*order).limit(limit).offset(offset).subquery()
    return db.scalars(
        select(Case)
        .join(ids, Case.id == ids.c.id)
        .join(Case.person)
        .order_by(*order)
        # The incident is the one asked about: no join for it (nor its post) on every row.
        .options(lazyload(Case.incident), contains_eager(Case.person))
    ).all()


def _overdue_by_case(db: Session, cases: Sequence[Case], now: datetime) -> dict[str, list[str]]:
    """The checklist items past due of each case still held, read in one query per 900
    cases: loading every case's checklist was most of the time of a page of 500."""
    held = [case.id for case in cases if _running(case)]
    found: dict[str, list[str]] = {}
    for start in range(0, len(held), 900):
        rows = db.execute(
            select(Milestone.case_id, Milestone.kind)
            .where(
                Milestone.case_id.in_(held[start : start + 900]),
                Milestone.done_at.is_(None),
                Milestone.due_at < now,
            )
            .order_by(Milestone.case_id, Milestone.position)
        )
        for case_id, kind in rows:
            found.setdefault(case_id, []).append(kind)
    return found


def summarize(
    case: Case, now: datetime | None = None, *, overdue: list[str] | None = None
) -> CaseSummary:
    """A case in a list; ``overdue`` is its items past due when the caller read them."""
    person = case.person
    return CaseSummary(
        id=case.id,
        number=case.number,
        incident_id=case.incident_id,
        person_id=case.person_id,
        person_name=person.display_name,
        date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else None,
        state=case.state,
        facility=case.facility,
        disposition=case.disposition,
        overdue=overdue if overdue is not None else overdue_kinds(case, now or utcnow()),
        version=case.version,
        updated_at=case.updated_at,
        assigned_to=case.assigned_to.name if case.assigned_to else None,
    )


def describe(case: Case, now: datetime | None = None) -> CaseRead:
    now = now or utcnow()
    running = _running(case)
    milestones = [
        MilestoneRead.model_validate(m).model_copy(
            update={
                "overdue": running and m.done_at is None and m.due_at < now,
                "breached": running and m.done_at is None and m.breach_at < now,
                "late": m.done_at is not None and m.done_at > m.due_at,
                "rule_ids": _RULES.get(m.kind, []),
            }
        )
        for m in case.milestones
    ]
    return CaseRead(
        **summarize(case, now).model_dump(),
        arrested_at=case.arrested_at,
        second_officer=case.second_officer.name if case.second_officer else None,
        host_identifier_masked=mask_identifier(case.host_identifier),
        allowed_transitions=allowed_moves(case),
        milestones=milestones,
        custody=[CustodyRead.model_validate(c) for c in case.custody],
        notes=[NoteRead.model_validate(n) for n in case.notes],
        family_notice=case.family_notice,
        employer_notice=case.employer_notice,
    )
