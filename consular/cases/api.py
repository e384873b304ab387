from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from consular.audit.service import case_history
from consular.auth.permissions import Permission
from consular.cases import service
from consular.cases.policy import MilestoneKind
from consular.cases.schemas import (
    AuditEventRead,
    CaseRead,
    CustodyRequest,
    DispositionRequest,
    MilestoneComplete,
    NoteRead,
    NoteRequest,
    TransitionRequest,
)
from consular.web import DB, CurrentActor

router = APIRouter(prefix="/cases", tags=["cases"])


@router.get("/{case_id}", response_model=CaseRead)
def read(case_id: str, db: DB, actor: CurrentActor) -> CaseRead:
    return service.describe(service.get_case(db, actor, case_id))


@router.post(
    "/{case_id}/transitions",
    response_model=CaseRead,
    summary="Move a case to another state (409 lists the allowed ones)",
)
def transition(case_id: str, body: TransitionRequest, db: DB, actor: CurrentActor) -> CaseRead:
    case = service.transition(
        db, actor, case_id, body.to.value, version=body.version, note=body.note
    )
    return service.describe(service.get_case(db, actor, case.id))


@router.post(
    "/{case_id}/custody", response_model=CaseRead, summary="Record where the person is held"
)
def custody(case_id: str, body: CustodyRequest, db: DB, actor: CurrentActor) -> CaseRead:
    service.record_custody(
        db,
        actor,
        case_id,
        facility=body.facility,
        kind=body.kind,
        version=body.version,
        at=body.at,
        note=body.note,
    )
    return service.describe(service.get_case(db, actor, case_id))


@router.post("/{case_id}/disposition", response_model=CaseRead)
def disposition(case_id: str, body: DispositionRequest, db: DB, actor: CurrentActor) -> CaseRead:
    service.record_disposition(
        db, actor, case_id, disposition=body.disposition.value, version=body.version, note=body.note
    )
    return service.describe(service.get_case(db, actor, case_id))


@router.post("/{case_id}/notes", response_model=NoteRead, status_code=201)
def note(case_id: str, body: NoteRequest, db: DB, actor: CurrentActor) -> NoteRead:
    return NoteRead.model_validate(service.add_note(db, actor, case_id, body.body))


@router.post(
    "/{case_id}/milestones/{kind}/complete",
    response_model=CaseRead,
    summary="Record a rights-checklist item as done",
)
def complete(
    case_id: str,
    kind: MilestoneKind,
    db: DB,
    actor: CurrentActor,
    body: Annotated[MilestoneComplete | None, Body()] = None,
) -> CaseRead:
    body = body or MilestoneComplete()
    service.complete_milestone(
        db, actor, case_id, kind.value, done_at=body.done_at, evidence=body.evidence
    )
    return service.describe(service.get_case(db, actor, case_id))


@router.get(
    "/{case_id}/audit",
    response_model=list[AuditEventRead],
    summary="The case's full history from the audit log",
)
def history(case_id: str, db: DB, actor: CurrentActor) -> list[AuditEventRead]:
    actor.require(Permission.AUDIT_READ, "case", case_id)
    case = service.get_case(db, actor, case_id)
    return [AuditEventRead.model_validate(e) for e in case_history(db, case.id)]


@router.post("/{case_id}/identifiers", summary="Reveal the host-authority identifier (audited)")
def reveal(case_id: str, db: DB, actor: CurrentActor) -> dict[str, str | None]:
    return {"host_identifier": service.reveal_host_identifier(db, actor, case_id)}
