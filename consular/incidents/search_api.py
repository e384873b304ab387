"""Search inside an incident through the JSON API: ``GET /api/v1/incidents/{id}/search``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from consular.api_schema import SIGNED_IN, answers
from consular.cases.schemas import CaseSummary
from consular.incidents.search import MOST_FOUND, FoundBy, search_incident
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=answers(*SIGNED_IN))


class CaseFoundRead(BaseModel):
    found_by: FoundBy
    case: CaseSummary


@router.get(
    "/{incident_id}/search",
    response_model=list[CaseFoundRead],
    summary="The incident's cases by name (any spelling, partial), A-number, passport or number",
    responses=answers(404, 422),
)
def search(
    incident_id: str,
    db: DB,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=MOST_FOUND)] = MOST_FOUND,
) -> list[CaseFoundRead]:
    return [
        CaseFoundRead(found_by=item.found_by, case=item.case)
        for item in search_incident(db, actor, incident_id, q, limit=limit)
    ]
