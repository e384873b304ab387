from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.audit.service import case_history
from consular.auth.permissions import Permission
from consular.cases import service
from consular.cases.assignment import assign_case
from consular.cases.policy import MilestoneKind
from consular.cases.reveal import Revealed, reveal_identifier
from consular.cases.schemas import (
    AssignmentRequest,
    AuditEventRead,
    CaseRead,
    CustodyRequest,
    DispositionRequest,
    MilestoneComplete,
    NoteRead,
    NoteRequest,
    TransitionRequest,
    WishesRequest,
)
from consular.cases.wishes import record_wishes
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/cases", tags=["cases"], responses=answers(*SIGNED_IN))
# A change to a case: a body, an unknown case, and a stale version or a move not allowed.
CHANGE = answers(*TAKES_BODY, 404, 409)


@router.get("/{case_id}", response_model=CaseRead, responses=answers(404, 422))
def read(case_id: str, db: DB, actor: CurrentActor) -> CaseRead:
    return service.describe(service.get_case(db, actor, case_id))


@router.post(
    "/{case_id}/transitions",
    response_model=CaseRead,
    summary="Move a case to another state (409 lists the allowed ones)",
    responses=CHANGE,
)
def transition(case_id: str, body: TransitionRequest, db: DB, actor: CurrentActor) -> CaseRead:
    case = service.transition(
        db, actor, case_id, body.to.value, version=body.version, note=body.note
    )
    return service.describe(service.get_case(db, actor, case.id))


@router.put(
    "/{case_id}/assignment",
    response_model=CaseRead,
    summary="Set the case's officer and second officer (team members, by user name)",
    responses=CHANGE,
)
def assignment(case_id: str, body: AssignmentRequest, db: DB, actor: CurrentActor) -> CaseRead:
    assign_case(db, actor, case_id, officer=body.officer, second=body.second, version=body.version)
    return service.describe(service.get_case(db, actor, case_id))


@router.put(
    "/{case_id}/wishes",
    response_model=CaseRead,
    summary="Record whom the detainee agrees to tell: the family, the employer (CON-05)",
    responses=CHANGE,
)
def wishes(case_id: str, body: WishesRequest, db: DB, actor: CurrentActor) -> CaseRead:
    record_wishes(
        db, actor, case_id, family=body.family, employer=body.employer, version=body.version
    )
    return service.describe(service.get_case(db, actor, case_id))


@router.post(
    "/{case_id}/custody",
    response_model=CaseRead,
    summary="Record where the person is held",
    responses=CHANGE,
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


@router.post("/{case_id}/disposition", response_model=CaseRead, responses=CHANGE)
def disposition(case_id: str, body: DispositionRequest, db: DB, actor: CurrentActor) -> CaseRead:
    service.record_disposition(
        db, actor, case_id, disposition=body.disposition.value, version=body.version, note=body.note
    )
    return service.describe(service.get_case(db, actor, case_id))


@router.post(
    "/{case_id}/notes",
    response_model=NoteRead,
    status_code=201,
    responses=answers(*TAKES_BODY, 404),
)
def note(case_id: str, body: NoteRequest, db: DB, actor: CurrentActor) -> NoteRead:
    return NoteRead.model_validate(service.add_note(db, actor, case_id, body.body))


@router.post(
    "/{case_id}/milestones/{kind}/complete",
    response_model=CaseRead,
    summary="Record a rights-checklist item as done",
    responses=CHANGE,
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
    responses=answers(404, 422),
)
def history(case_id: str, db: DB, actor: CurrentActor) -> list[AuditEventRead]:
    actor.require(Permission.AUDIT_READ, "case", case_id)
    case = service.get_case(db, actor, case_id)
    return [AuditEventRead.model_validate(e) for e in case_history(db, case.id)]


@router.post(
    "/{case_id}/identifiers",
    summary="Reveal the host-authority identifier (audited)",
    responses=answers(404, 422),
)
def reveal(case_id: str, db: DB, actor: CurrentActor) -> dict[str, str | None]:
    return {"host_identifier": reveal_identifier(db, actor, Revealed.CASE, case_id)}
