"""The JSON route of a bulk change to an incident's cases."""

from __future__ import annotations

from fastapi import APIRouter

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.cases.bulk import apply_bulk
from consular.cases.bulk_schemas import BulkReportRead, BulkRequest
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/incidents", tags=["cases"], responses=answers(*SIGNED_IN))


@router.post(
    "/{incident_id}/cases/bulk",
    response_model=BulkReportRead,
    summary="Apply one action to many cases of an incident, with a per-case report",
    responses=answers(*TAKES_BODY, 404, 409),
)
def bulk(incident_id: str, body: BulkRequest, db: DB, actor: CurrentActor) -> BulkReportRead:
    report = apply_bulk(
        db,
        actor,
        incident_id,
        body.selection.selection(),
        body.action.action(),
        mode=body.mode,
        dry_run=body.dry_run,
    )
    return BulkReportRead.of(report)
