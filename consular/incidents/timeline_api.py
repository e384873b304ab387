"""An incident's timeline through the API: the raw tag beside the lines a person reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from consular.api_schema import SIGNED_IN, Language, answers
from consular.audit.history import event_lines
from consular.audit.tags import declared_tag
from consular.audit.timeline import KINDS, PAGE_SIZE, TimelineEntry, TimelineFilters, read_timeline
from consular.errors import unknown_value
from consular.i18n import local_time, translations
from consular.web.deps import ReadDB, ReadingActor

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=answers(*SIGNED_IN))


class TimelineCaseRead(BaseModel):
    id: str
    number: int
    name: str


class TimelineEventRead(BaseModel):
    seq: int
    at: datetime
    tag: str = Field(description="As stored: `domain:subject:action`")
    description: str = Field(description="What the tag means, in the requested language")
    actor: str
    case: TimelineCaseRead | None
    lines: list[str] = Field(description="Each value it changed, as the timeline page shows it")


class TimelineRead(BaseModel):
    items: list[TimelineEventRead]
    older: int | None = Field(description="Pass as `before` for the next, older page")


def _event_read(entry: TimelineEntry, language: str, time_zone: str) -> TimelineEventRead:
    event = entry.event
    tag = declared_tag(event.tag)
    gettext = translations(language).gettext
    said = event_lines(
        event,
        gettext,
        language=language,
        when=lambda moment: local_time(moment, time_zone, language),
    )
    case = entry.case
    return TimelineEventRead(
        seq=event.seq,
        at=event.at,
        tag=event.tag,
        description=gettext(tag.description) if tag else event.tag,
        actor=event.actor,
        case=TimelineCaseRead(id=case.id, number=case.number, name=case.name) if case else None,
        lines=list(said.changes),
    )


@router.get(
    "/{incident_id}/changes",
    response_model=TimelineRead,
    summary="What changed in the incident, newest first (needs audit:read)",
    responses=answers(404, 422),
)
def changes(
    incident_id: str,
    db: ReadDB,
    actor: ReadingActor,
    day: Annotated[date | None, Query(description="A day in the post's time zone")] = None,
    officer: Annotated[str, Query(max_length=120, description="Who did it")] = "",
    kind: Annotated[str, Query(description="A group of tags: " + ", ".join(KINDS))] = "",
    case: Annotated[int | None, Query(ge=1, le=10**9, description="A case number")] = None,
    before: Annotated[int | None, Query(ge=1, description="Events older than this seq")] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE)] = PAGE_SIZE,
    lang: Annotated[Language, Query(description="Language of the lines")] = Language.EN,
) -> TimelineRead:
    if kind and kind not in KINDS:
        raise unknown_value("timeline.unknown_kind", kind, KINDS)
    filters = TimelineFilters(day=day, officer=officer.strip(), kind=kind, case_number=case)
    shown = read_timeline(db, actor, incident_id, filters, before=before, limit=limit)
    return TimelineRead(
        items=[_event_read(e, lang.value, shown.time_zone) for e in shown.entries],
        older=shown.older,
    )
