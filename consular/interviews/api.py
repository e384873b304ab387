"""The welfare interviews in the JSON API: a visit's interviews at once, a case's, the counts."""

from __future__ import annotations

from fastapi import APIRouter

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.interviews.aggregates import summary
from consular.interviews.schemas import InterviewRead, InterviewsCreate, SummaryRead
from consular.interviews.service import InterviewInput, Visit, interviews_of, record_interviews
from consular.web.deps import DB, CurrentActor

router = APIRouter(tags=["interviews"], responses=answers(*SIGNED_IN))


@router.post(
    "/incidents/{incident_id}/interviews",
    response_model=list[InterviewRead],
    status_code=201,
    summary="Record a visit's welfare interviews, all or none (422 lists each row's problems)",
    responses=answers(*TAKES_BODY, 404, 409),
)
def record(
    incident_id: str, body: InterviewsCreate, db: DB, actor: CurrentActor
) -> list[InterviewRead]:
    visit = Visit(body.facility, body.held_on.isoformat(), body.interviewer)
    rows = [InterviewInput(**row.model_dump()) for row in body.rows]
    saved = record_interviews(db, actor, incident_id, visit, rows)
    return [InterviewRead.model_validate(interview) for interview in saved]


@router.get(
    "/cases/{case_id}/interviews",
    response_model=list[InterviewRead],
    summary="A case's welfare interviews, the latest first",
    responses=answers(404, 422),
)
def of_case(case_id: str, db: DB, actor: CurrentActor) -> list[InterviewRead]:
    return [InterviewRead.model_validate(item) for item in interviews_of(db, actor, case_id)]


@router.get(
    "/incidents/{incident_id}/interviews/summary",
    response_model=SummaryRead,
    summary="The incident's interviews counted per facility and in total",
    responses=answers(404, 422),
)
def counts(incident_id: str, db: DB, actor: CurrentActor) -> SummaryRead:
    return SummaryRead.model_validate(summary(db, actor, incident_id))
