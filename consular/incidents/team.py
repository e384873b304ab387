"""An incident's team: the officers of its post, and officers from elsewhere added to it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import User
from consular.auth.permissions import Permission, Role
from consular.auth.service import Actor
from consular.cases.models import Case, Milestone
from consular.cases.states import IN_CUSTODY, CaseState
from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident, IncidentMember
from consular.incidents.scope import readable_incidents

# Who may work an incident's cases (and be assigned them): not employers, not viewers.
WORKING_ROLES = (Role.OFFICER.value, Role.SUPERVISOR.value, Role.ADMIN.value)
# Who may be added to an incident from elsewhere: the roles that read cases.
MEMBER_ROLES = (*WORKING_ROLES, Role.VIEWER.value)


def team(db: Session, incident: Incident) -> list[User]:
    """The active users who work this incident's cases, by name: its post's officers and the
    members added to it."""
    members = select(IncidentMember.user_id).where(IncidentMember.incident_id == incident.id)
    query = (
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_(WORKING_ROLES),
            or_(User.post_id == incident.post_id, User.id.in_(members)),
        )
        .order_by(User.name)
    )
    return list(db.scalars(query))


def members(db: Session, incident: Incident) -> list[IncidentMember]:
    """The users added to this incident from elsewhere, by name."""
    query = (
        select(IncidentMember)
        .join(IncidentMember.user)
        .where(IncidentMember.incident_id == incident.id)
        .order_by(User.name)
    )
    return list(db.scalars(query))


def team_officer(db: Session, incident: Incident, name: str) -> User:
    """The team member called ``name``; anyone else is refused by name."""
    for user in team(db, incident):
        if user.name == name.strip():
            return user
    raise Conflict(
        "case.officer_not_on_team",
        N_("%(name)s is not on the team of incident %(title)s: add them to the team first."),
        name=name.strip(),
        title=incident.title,
    )


# How far ahead an item counts as due soon on the team's workload.
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Workload:
    """One officer's share of an incident: open cases (as officer, as second) and the
    checklist items of those cases still held, due within a day or overdue."""

    officer: int = 0
    second: int = 0
    due_soon: int = 0
    overdue: int = 0


def workload(db: Session, incident: Incident, now: datetime) -> dict[str | None, Workload]:
    """Each officer's workload by user id, ``None`` for the cases with no officer; read in
    two grouped queries, whatever the size of the team."""
    open_cases = db.execute(
        select(Case.assigned_to_id, Case.second_officer_id, func.count())
        .where(Case.incident_id == incident.id, Case.state != CaseState.CLOSED.value)
        .group_by(Case.assigned_to_id, Case.second_officer_id)
    ).all()
    soon = func.sum(when((Milestone.due_at >= now, 1), else_=0))
    late = func.sum(when((Milestone.due_at < now, 1), else_=0))
    items = db.execute(
        select(Case.assigned_to_id, Case.second_officer_id, soon, late)
        .join(Milestone, Milestone.case_id == Case.id)
        .where(
            Case.incident_id == incident.id,
            Case.state.in_([s.value for s in IN_CUSTODY]),
            Milestone.done_at.is_(None),
            Milestone.due_at < now + DUE_SOON,
        )
        .group_by(Case.assigned_to_id, Case.second_officer_id)
    ).all()
    return _shares(open_cases, items)


def _shares(
    open_cases: Iterable[Row[str | None, str | None, int]],
    items: Iterable[Row[str | None, str | None, int | None, int | None]],
) -> dict[str | None, Workload]:
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for first, second, number in open_cases:
        counts[first]["officer"] += number
        if second is not None:
            counts[second]["second"] += number
    for first, second, due_soon, overdue in items:
        # An item of a case with two officers is in the work of each.
        for key in {first, second} - ({None} if first else set()):
            counts[key]["due_soon"] += int(due_soon or 0)
            counts[key]["overdue"] += int(overdue or 0)
    return {key: Workload(**held) for key, held in counts.items()}


@dataclass(frozen=True)
class TeamRow:
    """One officer of the team: who, whether added from elsewhere, their share of the cases."""

    user: User
    added: bool  # a member from elsewhere (may be removed), not an officer of the post
    work: Workload


def team_rows(db: Session, incident: Incident, now: datetime) -> tuple[list[TeamRow], Workload]:
    """The team with each officer's workload, and the workload of the cases with nobody."""
    shares = workload(db, incident, now)
    added = {member.user_id for member in members(db, incident)}
    rows = [
        TeamRow(user, user.id in added, shares.get(user.id, Workload()))
        for user in team(db, incident)
    ]
    return rows, shares.get(None, Workload())


def add_member(db: Session, actor: Actor, incident_id: str, user_name: str) -> IncidentMember:
    """Add a user of another post (or of headquarters) to this incident's team; audited."""
    incident = _managed(db, actor, incident_id)
    user = db.scalar(select(User).where(User.name == user_name.strip()))
    if user is None or not user.active or user.role not in MEMBER_ROLES:
        # Said beside the name typed, as a refusal: the user list is not secret to a supervisor.
        raise InvalidInput(
            "incident.no_such_officer",
            N_("No active officer is called %(name)s: check the user name."),
            name=user_name.strip(),
        )
    if user.post_id == incident.post_id:
        raise Conflict(
            "incident.member_of_post",
            N_("%(name)s is an officer of this post and is on the team already."),
            name=user.name,
        )
    taken = select(IncidentMember).where(
        IncidentMember.incident_id == incident.id, IncidentMember.user_id == user.id
    )
    if db.scalar(taken) is not None:
        raise Conflict(
            "incident.member_already",
            N_("%(name)s is on this incident's team already."),
            name=user.name,
        )
    member = IncidentMember(incident_id=incident.id, user_id=user.id, added_by=actor.name)
    db.add(member)
    db.flush()
    _audit(db, actor, incident, AuditTag.TEAM_ADD, {"officer": user.name})
    return member


def remove_member(db: Session, actor: Actor, incident_id: str, user_name: str) -> int:
    """Take a member off the team; the cases assigned to them are left without that officer
    (each change audited). Returns how many cases were unassigned."""
    incident = _managed(db, actor, incident_id)
    query = (
        select(IncidentMember)
        .join(IncidentMember.user)
        .where(IncidentMember.incident_id == incident.id, User.name == user_name.strip())
    )
    member = db.scalar(query)
    if member is None:
        raise NotFound("member", user_name)
    unassigned = unassign_everywhere(db, actor, incident, member.user)
    db.delete(member)
    db.flush()
    _audit(
        db,
        actor,
        incident,
        AuditTag.TEAM_REMOVE,
        {"officer": member.user.name, "unassigned": unassigned},
    )
    return unassigned


def unassign_everywhere(db: Session, actor: Actor, incident: Incident, user: User) -> int:
    """Take ``user`` off every case of ``incident`` they own or second; each audited."""
    query = select(Case).where(
        Case.incident_id == incident.id,
        or_(Case.assigned_to_id == user.id, Case.second_officer_id == user.id),
    )
    cases = list(db.scalars(query))
    for case in cases:
        before = officers_of(case)
        if case.assigned_to_id == user.id:
            case.assigned_to_id, case.assigned_to = None, None
        if case.second_officer_id == user.id:
            case.second_officer_id, case.second_officer = None, None
        db.flush()
        record_assignment(db, actor, case, before, N_("Removed from the incident's team"))
    return len(cases)


def officers_of(case: Case) -> tuple[str | None, str | None]:
    """The names of the case's officer and second officer (None where there is none)."""
    first, second = case.assigned_to, case.second_officer
    return (first.name if first else None, second.name if second else None)


def record_assignment(
    db: Session, actor: Actor, case: Case, before: tuple[str | None, str | None], note: str = ""
) -> None:
    """Audit a change of the case's officers, from ``before`` to what the case holds now."""
    after = officers_of(case)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.CASE_ASSIGN,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={
            "assigned_to": [before[0], after[0]],
            "second_officer": [before[1], after[1]],
            "note": note,
        },
    )


def _managed(db: Session, actor: Actor, incident_id: str) -> Incident:
    actor.require(Permission.INCIDENT_TEAM, "incident", incident_id)
    incident = db.scalar(readable_incidents(actor).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound("incident", incident_id)
    refuse_closed(incident)
    return incident


def _audit(
    db: Session, actor: Actor, incident: Incident, tag: AuditTag, diff: dict[str, object]
) -> None:
    audit.record(
        db, actor=actor.name, tag=tag, target_type="incident", target_id=incident.id, diff=diff
    )
