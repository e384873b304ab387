"""The actions a bulk change applies to each case, each through the single action's service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases import assignment, labels, service
from consular.cases.policy import MilestoneKind
from consular.cases.states import Disposition
from consular.documents import service as documents
from consular.errors import unknown_value
from consular.flights import service as flights
from consular.incidents.models import Incident
from consular.incidents.team import team


class ActionKind(StrEnum):
    TRANSITION = "transition"
    DISPOSITION = "disposition"
    CUSTODY = "custody"
    TRAVEL = "travel"
    DOCUMENT = "document"
    MILESTONE = "milestone"
    ASSIGN = "assign"
    SEAT = "seat"


@dataclass(frozen=True)
class BulkAction:
    """One action and its values; only the values of its kind are read."""

    kind: str
    to: str = ""
    disposition: str = ""
    facility: str = ""
    custody_kind: str = "transferred"
    at: datetime | None = None
    travel_document: str = ""
    document_kind: str = ""
    passport_whereabouts: str = ""
    milestone: str = ""
    evidence: str = ""
    officer: str = ""
    second: str = ""
    flight_id: str = ""
    note: str = ""


# The permission each action needs: the single action's, checked once before any case.
PERMISSIONS = {
    ActionKind.TRANSITION: Permission.CASE_TRANSITION,
    ActionKind.DISPOSITION: Permission.CASE_WRITE,
    ActionKind.CUSTODY: Permission.CASE_WRITE,
    ActionKind.TRAVEL: Permission.CASE_WRITE,
    ActionKind.DOCUMENT: Permission.CASE_WRITE,
    ActionKind.MILESTONE: Permission.MILESTONE_COMPLETE,
    ActionKind.ASSIGN: Permission.CASE_ASSIGN,
    ActionKind.SEAT: Permission.CASE_TRANSITION,
}

Runner = Callable[[Session, Actor, str, int, BulkAction], None]


def _transition(db: Session, actor: Actor, case_id: str, version: int, a: BulkAction) -> None:
    service.transition(db, actor, case_id, a.to, version=version, note=a.note)


def _disposition(db: Session, actor: Actor, case_id: str, version: int, a: BulkAction) -> None:
    service.record_disposition(
        db, actor, case_id, disposition=a.disposition, version=version, note=a.note
    )


def _custody(db: Session, actor: Actor, case_id: str, version: int, a: BulkAction) -> None:
    service.record_custody(
        db,
        actor,
        case_id,
        facility=a.facility,
        kind=a.custody_kind,
        version=version,
        at=a.at,
        note=a.note,
    )


def _travel(db: Session, actor: Actor, case_id: str, version: int, a: BulkAction) -> None:
    # The bulk action sets the document only: each person's own needs stay as recorded.
    needs = service.get_case(db, actor, case_id).special_needs
    flights.set_travel(
        db,
        actor,
        case_id,
        travel_document=a.travel_document,
        special_needs=needs,
        version=version,
    )


def _document(db: Session, actor: Actor, case_id: str, _version: int, a: BulkAction) -> None:
    # The kind and the passport's whereabouts only: each person's number is their own.
    documents.set_kind(db, actor, case_id, a.document_kind, a.passport_whereabouts or "unknown")


def _milestone(db: Session, actor: Actor, case_id: str, _version: int, a: BulkAction) -> None:
    service.complete_milestone(db, actor, case_id, a.milestone, done_at=a.at, evidence=a.evidence)


def _assign(db: Session, actor: Actor, case_id: str, version: int, a: BulkAction) -> None:
    assignment.assign_case(
        db,
        actor,
        case_id,
        officer=a.officer or None,
        second=a.second or None,
        version=version,
        note=a.note,
    )


def _seat(db: Session, actor: Actor, case_id: str, _version: int, a: BulkAction) -> None:
    flights.assign(db, actor, a.flight_id, case_id)


RUNNERS: dict[ActionKind, Runner] = {
    ActionKind.TRANSITION: _transition,
    ActionKind.DISPOSITION: _disposition,
    ActionKind.CUSTODY: _custody,
    ActionKind.TRAVEL: _travel,
    ActionKind.DOCUMENT: _document,
    ActionKind.MILESTONE: _milestone,
    ActionKind.ASSIGN: _assign,
    ActionKind.SEAT: _seat,
}


def action_kind(kind: str) -> ActionKind:
    try:
        return ActionKind(kind)
    except ValueError:
        raise unknown_value("bulk.unknown_action", kind, [k.value for k in ActionKind]) from None


def bulk_choices(db: Session, actor: Actor, incident: Incident) -> dict[str, Any]:
    """What the cases table's bulk form offers this reader: the actions they may take, and
    the values each takes (the team's officers, the open flights, the fixed sets)."""
    kinds = [str(kind) for kind, needed in PERMISSIONS.items() if actor.can(needed)]
    if not kinds:
        return {"bulk_kinds": []}
    return {
        "bulk_kinds": kinds,
        "bulk_team": [user.name for user in team(db, incident)],
        "bulk_flights": [
            f for f in flights.flights_of(db, actor, incident.id) if f.state == "open"
        ],
        "bulk_dispositions": [str(d) for d in Disposition],
        "bulk_milestones": [str(k) for k in MilestoneKind],
        "bulk_travel_documents": list(flights.TRAVEL_DOCUMENTS),
        "bulk_document_kinds": labels.DOCUMENT_KINDS,
        "bulk_whereabouts": labels.PASSPORT_WHEREABOUTS,
        "bulk_custody_kinds": ("transferred", "booked"),
    }
