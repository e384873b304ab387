"""The JSON API of travel documents: one case's, and a list of numbers for an incident."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.documents.models import PASSPORT, TravelDocument
from consular.documents.service import (
    DocumentEntry,
    ListedNumber,
    get_document,
    issue_certificate,
    record_document,
    record_numbers,
)
from consular.errors import NotFound
from consular.registry.service import mask_identifier
from consular.web.deps import DB, CurrentActor

router = APIRouter(tags=["travel documents"], responses=answers(*SIGNED_IN))
CHANGE = answers(*TAKES_BODY, 404, 409)


class TravelDocumentUpdate(BaseModel):
    kind: str = Field(PASSPORT, max_length=24, description="passport, travel_certificate, other")
    number: str = Field("", max_length=20)
    issued_on: date | None = None
    expires_on: date | None = None
    validity: str = Field("", max_length=24, description="single_journey or one_year")
    passport_whereabouts: str = Field(
        "unknown", max_length=24, description="authority, consulate, person, unknown"
    )
    # Issue a travel certificate: the number may be left empty for the post's next one.
    issue: bool = False
    version: int | None = None


class TravelDocumentRead(BaseModel):
    case_id: str
    kind: str
    number: str | None = Field(description="whole for those who may reveal identifiers")
    post: str
    issued_on: date | None
    expires_on: date | None
    validity: str
    passport_whereabouts: str
    travel_document: str = Field(description="the case's label the flights read")
    printed: int
    version: int


class ListedNumberIn(BaseModel):
    case: str = Field(max_length=40, description="the case's number or its A-number")
    number: str = Field(max_length=20)


class TravelDocumentsImport(BaseModel):
    rows: list[ListedNumberIn] = Field(max_length=5000)
    kind: str = Field(PASSPORT, max_length=24)
    passport_whereabouts: str | None = Field(None, max_length=24)
    dry_run: bool = False


class TravelDocumentsReport(BaseModel):
    dry_run: bool
    recorded: list[dict[str, Any]]


def _read(record: TravelDocument, actor: Actor) -> TravelDocumentRead:
    whole = actor.can(Permission.IDENTIFIER_REVEAL)
    return TravelDocumentRead(
        case_id=record.case_id,
        kind=record.kind,
        number=record.number if whole else mask_identifier(record.number),
        post=record.post.name,
        issued_on=record.issued_on,
        expires_on=record.expires_on,
        validity=record.validity,
        passport_whereabouts=record.passport_whereabouts,
        travel_document=record.case.travel_document,
        printed=record.printed,
        version=record.version,
    )


@router.get(
    "/cases/{case_id}/travel-document",
    response_model=TravelDocumentRead,
    responses=answers(404, 422),
)
def read(case_id: str, db: DB, actor: CurrentActor) -> TravelDocumentRead:
    record = get_document(db, actor, case_id)
    if record is None:
        raise NotFound("travel_document", case_id)
    return _read(record, actor)


@router.put(
    "/cases/{case_id}/travel-document",
    response_model=TravelDocumentRead,
    summary="Record the case's travel document (or issue a travel certificate)",
    responses=CHANGE,
)
def put(
    case_id: str, body: TravelDocumentUpdate, db: DB, actor: CurrentActor
) -> TravelDocumentRead:
    entry = DocumentEntry(
        kind=body.kind,
        number=body.number,
        issued_on=body.issued_on,
        expires_on=body.expires_on,
        validity=body.validity,
        passport_whereabouts=body.passport_whereabouts,
    )
    change = issue_certificate if body.issue else record_document
    record = change(db, actor, case_id, entry, version=body.version)
    db.flush()
    db.refresh(record)
    return _read(record, actor)


@router.post(
    "/incidents/{incident_id}/travel-documents",
    response_model=TravelDocumentsReport,
    summary="Record document numbers for many cases, all or none (422 names each bad row)",
    responses=CHANGE,
)
def import_numbers(
    incident_id: str, body: TravelDocumentsImport, db: DB, actor: CurrentActor
) -> TravelDocumentsReport:
    listed = [ListedNumber(i, row.case, row.number) for i, row in enumerate(body.rows, 1)]
    recorded = record_numbers(
        db,
        actor,
        incident_id,
        listed,
        kind=body.kind,
        passport_whereabouts=body.passport_whereabouts,
        dry_run=body.dry_run,
    )
    return TravelDocumentsReport(dry_run=body.dry_run, recorded=recorded)
