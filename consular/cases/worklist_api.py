"""The officer's work through the JSON API: ``GET /api/v1/my-work``, as the page filters it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from consular.api_schema import SIGNED_IN, Offset, answers
from consular.cases.worklist import MOST_ITEMS, Due, Urgency, WorkFilter, WorkItem, my_work
from consular.web.deps import DB, CurrentActor

router = APIRouter(tags=["my work"], responses=answers(*SIGNED_IN))


class WorkItemRead(BaseModel):
    case_id: str
    case_number: int
    incident_id: str
    incident_title: str
    name_latin: str
    name_hangul: str
    facility: str | None
    kind: str
    due_at: datetime
    breach_at: datetime
    urgency: Urgency
    minutes_late: int | None

    @classmethod
    def of(cls, item: WorkItem) -> WorkItemRead:
        return cls(
            case_id=item.case_id,
            case_number=item.case_number,
            incident_id=item.incident_id,
            incident_title=item.incident_title,
            name_latin=item.latin_name,
            name_hangul=item.hangul_name,
            facility=item.facility,
            kind=item.kind,
            due_at=item.due_at,
            breach_at=item.breach_at,
            urgency=item.urgency,
            minutes_late=None if item.late_by is None else int(item.late_by.total_seconds() // 60),
        )


class WorkPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[WorkItemRead]


@router.get(
    "/my-work",
    response_model=WorkPage,
    summary="The caller's open checklist items, breached first, then overdue, then by due time",
    responses=answers(422),
)
def read_my_work(
    db: DB,
    actor: CurrentActor,
    incident: str | None = None,
    facility: str | None = None,
    due: Due | None = None,
    limit: Annotated[int, Query(ge=1, le=MOST_ITEMS)] = 50,
    offset: Offset = 0,
) -> WorkPage:
    total, items = my_work(
        db, actor, WorkFilter.of(incident, facility, due), limit=limit, offset=offset
    )
    return WorkPage(
        total=total, limit=limit, offset=offset, items=[WorkItemRead.of(i) for i in items]
    )
