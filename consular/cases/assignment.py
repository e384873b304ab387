"""Who owns a case: its assigned officer and an optional second, both on the incident's team."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular.auth.models import User
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import check_version, get_case
from consular.errors import InvalidInput
from consular.i18n import N_
from consular.incidents.team import officers_of, record_assignment, team_officer


def assign_case(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    officer: str | None,
    second: str | None = None,
    version: int,
    note: str = "",
) -> Case:
    """Set the case's officer and second officer by user name (``None`` or "" leaves the place
    empty). Both must be on the incident's team; audited as one change."""
    actor.require(Permission.CASE_ASSIGN, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    check_version(case, version)
    first = _officer(db, case, officer)
    other = _officer(db, case, second)
    if first is None and other is not None:
        raise InvalidInput(
            "case.second_without_officer",
            N_("Choose the case's officer before a second officer."),
        )
    if first is not None and other is not None and first.id == other.id:
        raise InvalidInput(
            "case.second_same_officer",
            N_("%(name)s cannot be both the officer and the second officer."),
            name=first.name,
        )
    before = officers_of(case)
    case.assigned_to_id, case.assigned_to = (first.id, first) if first else (None, None)
    case.second_officer_id, case.second_officer = (other.id, other) if other else (None, None)
    if officers_of(case) == before:
        return case
    db.flush()
    record_assignment(db, actor, case, before, note)
    return case


def _officer(db: Session, case: Case, name: str | None) -> User | None:
    if not name or not name.strip():
        return None
    return team_officer(db, case.incident, name)
