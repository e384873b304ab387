"""Broadcasts through the API: preview (``dry_run``) or send one message to all the families
or employers of an incident, of a flight or of a facility; list the incident's broadcasts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.notifications.broadcasts import (
    Draft,
    Preview,
    SentBroadcast,
    broadcasts_of,
    preview,
    send,
)
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/incidents", tags=["broadcasts"], responses=answers(*SIGNED_IN))


class BroadcastCreate(BaseModel):
    audience: Literal["families", "employers"] = "families"
    scope: Literal["incident", "flight", "facility"] = "incident"
    scope_id: str | None = Field(None, description="The flight's or the facility's id")
    subject_ko: str
    body_ko: str
    subject_en: str
    body_en: str
    dry_run: bool = Field(False, description="Only say what sending would do; send nothing")


class LeftOutRead(BaseModel):
    opted_out: int = Field(description="Contacts who opted out of messages")
    withheld: int = Field(description="Cases whose detainee asked that they not be told")
    no_address: int = Field(description="Contacts (or HR users) with neither e-mail nor phone")
    no_contact: int = Field(description="Cases (or employers) with nobody on record to tell")


class TextRead(BaseModel):
    subject: str
    body: str


class BroadcastPreviewRead(BaseModel):
    audience: str
    scope: str
    scope_id: str | None
    scope_label: str
    cases: int
    messages: dict[str, int]
    languages: dict[str, int]
    left_out: LeftOutRead
    reaches_nobody: bool
    texts: dict[str, TextRead]


class BroadcastRead(BaseModel):
    id: str
    audience: str
    scope: str
    scope_id: str | None
    scope_label: str
    subject_ko: str
    subject_en: str
    sent_by: str
    sent_at: datetime
    counts: dict[str, object]
    delivery: dict[str, int]


def _preview_read(shown: Preview) -> BroadcastPreviewRead:
    return BroadcastPreviewRead(
        audience=shown.audience,
        scope=shown.scope,
        scope_id=shown.scope_id,
        scope_label=shown.scope_label,
        cases=shown.cases,
        messages=shown.messages,
        languages=shown.by_language,
        left_out=LeftOutRead(**shown.left_out),
        reaches_nobody=shown.reaches_nobody,
        texts={
            language: TextRead(subject=subject, body=body)
            for language, (subject, body) in shown.texts.items()
        },
    )


def _read(item: SentBroadcast) -> BroadcastRead:
    b = item.broadcast
    return BroadcastRead(
        id=b.id,
        audience=b.audience,
        scope=b.scope,
        scope_id=b.scope_id,
        scope_label=b.scope_label,
        subject_ko=b.subject_ko,
        subject_en=b.subject_en,
        sent_by=b.sent_by,
        sent_at=b.sent_at,
        counts=b.counts,
        delivery=item.delivery,
    )


@router.post(
    "/{incident_id}/broadcasts",
    response_model=BroadcastRead | BroadcastPreviewRead,
    status_code=status.HTTP_201_CREATED,
    summary="Send a broadcast (supervisors), or with dry_run say what it would do",
    responses=answers(*TAKES_BODY, 404, 409),
)
def create(
    incident_id: str, body: BroadcastCreate, db: DB, actor: CurrentActor
) -> BroadcastRead | JSONResponse:
    draft = Draft(
        audience=body.audience,
        scope=body.scope,
        scope_id=body.scope_id,
        subject_ko=body.subject_ko,
        body_ko=body.body_ko,
        subject_en=body.subject_en,
        body_en=body.body_en,
    )
    if body.dry_run:
        shown = _preview_read(preview(db, actor, incident_id, draft))
        return JSONResponse(shown.model_dump(mode="json"), status_code=200)
    sent = send(db, actor, incident_id, draft)
    return next(
        _read(i) for i in broadcasts_of(db, actor, incident_id) if i.broadcast.id == sent.id
    )


@router.get(
    "/{incident_id}/broadcasts",
    response_model=list[BroadcastRead],
    summary="The incident's broadcasts, newest first, with how far their messages got",
    responses=answers(404, 422),
)
def listed(incident_id: str, db: DB, actor: CurrentActor) -> list[BroadcastRead]:
    return [_read(item) for item in broadcasts_of(db, actor, incident_id)]
