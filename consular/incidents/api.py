from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select

from consular.api_schema import SIGNED_IN, TAKES_BODY, Language, Offset, answers
from consular.cases.export import export_cases
from consular.cases.schemas import CaseSort, CaseSummary
from consular.cases.service import list_cases
from consular.cases.states import CaseState
from consular.db import utcnow
from consular.importing import ImportReport, read_upload
from consular.incidents import lifecycle, service
from consular.incidents.listdiff import changes_read, compare_lists, record_transfers
from consular.incidents.listrows import read_columns_option
from consular.incidents.models import Incident, SourceList
from consular.incidents.schemas import (
    IncidentCreate,
    IncidentNote,
    IncidentRead,
    ListChanges,
    ListKind,
    ReviewDecision,
    ReviewItem,
    ReviewResult,
    SourceListRead,
    TransferOutcome,
    TransfersRequest,
)
from consular.web.deps import DB, CurrentActor, ReadDB, ReadingActor, csv_download, write_unit
from consular.web.limits import UploadLimits

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=answers(*SIGNED_IN))


class CasePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CaseSummary]


def incident_read(db: DB, incident: Incident) -> IncidentRead:
    return IncidentRead.model_validate(incident).model_copy(
        update={"case_counts": service.case_counts(db, incident.id)}
    )


@router.get("", response_model=list[IncidentRead])
def index(db: DB, actor: CurrentActor) -> list[IncidentRead]:
    return [incident_read(db, i) for i in service.list_incidents(db, actor)]


@router.post(
    "",
    response_model=IncidentRead,
    status_code=status.HTTP_201_CREATED,
    # 404: a post named that is not the caller's to open incidents for.
    responses=answers(*TAKES_BODY, 404),
)
def create(body: IncidentCreate, db: DB, actor: CurrentActor) -> IncidentRead:
    return incident_read(db, service.create_incident(db, actor, body))


@router.get("/{incident_id}", response_model=IncidentRead, responses=answers(404, 422))
def read(incident_id: str, db: DB, actor: CurrentActor) -> IncidentRead:
    return incident_read(db, service.get_incident(db, actor, incident_id))


@router.post(
    "/{incident_id}/close",
    response_model=IncidentRead,
    summary="Close an incident, saying why: its lists and cases take no change until reopened",
    responses=answers(*TAKES_BODY, 404, 409),
)
def close(incident_id: str, body: IncidentNote, db: DB, actor: CurrentActor) -> IncidentRead:
    return incident_read(db, lifecycle.close_incident(db, actor, incident_id, body.note))


@router.post(
    "/{incident_id}/reopen",
    response_model=IncidentRead,
    summary="Reopen a closed incident, saying why",
    responses=answers(*TAKES_BODY, 404, 409),
)
def reopen(incident_id: str, body: IncidentNote, db: DB, actor: CurrentActor) -> IncidentRead:
    return incident_read(db, lifecycle.reopen_incident(db, actor, incident_id, body.note))


@router.post(
    "/{incident_id}/lists",
    response_model=ImportReport,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a source list (CSV or XLSX)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def upload_list(
    request: Request,
    incident_id: str,
    db: ReadDB,
    actor: ReadingActor,
    kind: Annotated[ListKind, Form()],
    file: Annotated[UploadFile, File(description="CSV or XLSX")],
    limits: UploadLimits,
    skip_invalid: Annotated[bool, Form()] = False,
    date_format: Annotated[
        str | None,
        Form(description="How the birth dates are written, e.g. %m/%d/%Y; guessed when not given"),
    ] = None,
    columns: Annotated[
        str,
        Form(
            description="The field a column holds, over the guess from its header: "
            "'Country of Citizenship=nationality,Booking Date=' (empty: not used)"
        ),
    ] = "",
) -> ImportReport:
    # Reading and reconciling the list holds no write lock; writing it is a short transaction.
    service.get_incident(db, actor, incident_id)
    chosen = read_columns_option(columns)
    table = read_upload(file.file, file.filename or "upload.csv", limits)
    prepared = service.prepare_list(
        db,
        actor,
        incident_id,
        kind.value,
        table,
        skip_invalid=skip_invalid,
        date_format=date_format or None,
        columns=chosen,
    )
    with write_unit(request) as writing:
        return service.store_prepared(writing, actor, prepared)


@router.get(
    "/{incident_id}/lists", response_model=list[SourceListRead], responses=answers(404, 422)
)
def lists(incident_id: str, db: DB, actor: CurrentActor) -> list[SourceListRead]:
    incident = service.get_incident(db, actor, incident_id)
    found = db.scalars(
        select(SourceList)
        .where(SourceList.incident_id == incident.id)
        .order_by(SourceList.imported_at)
    )
    return [SourceListRead.model_validate(s) for s in found]


@router.get(
    "/{incident_id}/lists/{list_id}/changes",
    response_model=ListChanges,
    summary="A host list against the previous one: new, gone, moved, changed",
    responses=answers(404, 422),
)
def list_changes(
    incident_id: str, list_id: str, db: DB, actor: CurrentActor, against: str | None = None
) -> ListChanges:
    return changes_read(compare_lists(db, actor, incident_id, list_id, against=against))


@router.post(
    "/{incident_id}/lists/{list_id}/transfers",
    response_model=list[TransferOutcome],
    summary="Record the list's facility changes as transfers, case by case",
    responses=answers(*TAKES_BODY, 404, 409),
)
def list_transfers(
    incident_id: str, list_id: str, body: TransfersRequest, db: DB, actor: CurrentActor
) -> list[TransferOutcome]:
    return record_transfers(
        db, actor, incident_id, list_id, case_ids=body.case_ids, against=body.against
    )


@router.get("/{incident_id}/cases", response_model=CasePage, responses=answers(404, 422))
def cases(
    incident_id: str,
    db: DB,
    actor: CurrentActor,
    state: CaseState | None = None,
    overdue: bool = False,
    facility: str | None = None,
    employer_id: str | None = None,
    officer: Annotated[
        str | None, Query(max_length=120, description="user name, `me` or `none`")
    ] = None,
    sort: CaseSort = CaseSort.NUMBER,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> CasePage:
    service.get_incident(db, actor, incident_id)
    total, page = list_cases(
        db,
        actor,
        incident_id,
        state=state.value if state else None,
        overdue=overdue,
        facility=facility,
        employer_id=employer_id,
        officer=officer,
        sort=sort.value,
        limit=limit,
        offset=offset,
    )
    return CasePage(total=total, limit=limit, offset=offset, items=page)


@router.get(
    "/{incident_id}/cases.csv",
    summary="The cases as CSV in a language, codes beside their words (audited)",
    response_class=Response,
    responses={**answers(404, 422), 200: {"content": {"text/csv": {}}}},
)
def cases_csv(
    incident_id: str,
    db: DB,
    actor: CurrentActor,
    lang: Annotated[Language, Query(description="The export's language")] = Language.EN,
    state: CaseState | None = None,
    overdue: bool = False,
    facility: str | None = None,
    employer_id: str | None = None,
    sort: CaseSort = CaseSort.NUMBER,
) -> Response:
    table = export_cases(
        db,
        actor,
        incident_id,
        lang.value,
        state=state.value if state else None,
        overdue=overdue,
        facility=facility,
        employer_id=employer_id,
        sort=sort.value,
    )
    return csv_download(table, f"cases-{incident_id[:8]}-{utcnow():%Y%m%d-%H%M}.csv")


@router.get(
    "/{incident_id}/review",
    response_model=list[ReviewItem],
    summary="Rows that could not be linked with confidence",
    responses=answers(404, 422),
)
def review(incident_id: str, db: DB, actor: CurrentActor) -> list[ReviewItem]:
    return [ReviewItem.of(r) for r in service.review_queue(db, actor, incident_id)]


@router.post(
    "/{incident_id}/review/{record_id}",
    response_model=ReviewResult,
    responses=answers(*TAKES_BODY, 404, 409),
)
def decide(
    incident_id: str, record_id: str, body: ReviewDecision, db: DB, actor: CurrentActor
) -> ReviewResult:
    record = service.decide(
        db,
        actor,
        incident_id,
        record_id,
        body.action.value,
        person_id=body.person_id,
        note=body.note,
    )
    return ReviewResult(
        id=record.id, decision=record.decision, person_id=record.person_id, case_id=record.case_id
    )
