"""The families' hotline through the API: an incident's calls, logging one, one call with
its candidates, and linking it to a case."""

from __future__ import annotations

from fastapi import APIRouter, status

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.db import utcnow
from consular.hotline.matching import candidates
from consular.hotline.models import Inquiry
from consular.hotline.schemas import (
    CandidateRead,
    InquiryCreate,
    InquiryDetail,
    InquiryLink,
    InquiryRead,
    LinkRead,
)
from consular.hotline.service import (
    InquiryForm,
    get_inquiry,
    inquiries_of,
    is_overdue,
    link,
    log_call,
)
from consular.web.deps import DB, CurrentActor

router = APIRouter(tags=["hotline"], responses=answers(*SIGNED_IN))


def _read(inquiry: Inquiry) -> InquiryRead:
    read = InquiryRead.model_validate(inquiry)
    read.overdue = is_overdue(inquiry, utcnow())
    return read


@router.get(
    "/incidents/{incident_id}/inquiries",
    response_model=list[InquiryRead],
    summary="The incident's hotline calls, those awaiting a callback first",
    responses=answers(404, 422),
)
def calls(incident_id: str, db: DB, actor: CurrentActor) -> list[InquiryRead]:
    return [_read(inquiry) for inquiry in inquiries_of(db, actor, incident_id)]


@router.post(
    "/incidents/{incident_id}/inquiries",
    response_model=InquiryRead,
    status_code=status.HTTP_201_CREATED,
    summary="Log a call to the families' hotline",
    responses=answers(*TAKES_BODY, 404),
)
def log(incident_id: str, body: InquiryCreate, db: DB, actor: CurrentActor) -> InquiryRead:
    form = InquiryForm(**body.model_dump())
    return _read(log_call(db, actor, incident_id, form))


@router.get(
    "/inquiries/{inquiry_id}",
    response_model=InquiryDetail,
    summary="One call, with the persons and cases it may be about",
    responses=answers(404, 422),
)
def inquiry(inquiry_id: str, db: DB, actor: CurrentActor) -> InquiryDetail:
    found = get_inquiry(db, actor, inquiry_id)
    shown = candidates(db, found) if found.state in ("open", "reported") else []
    return InquiryDetail(
        **_read(found).model_dump(),
        candidates=[CandidateRead.model_validate(c) for c in shown],
    )


@router.post(
    "/inquiries/{inquiry_id}/link",
    response_model=LinkRead,
    summary="Link a call to a case of its incident; the caller becomes an emergency contact",
    responses=answers(*TAKES_BODY, 404, 409),
)
def link_call(inquiry_id: str, body: InquiryLink, db: DB, actor: CurrentActor) -> LinkRead:
    linked = link(db, actor, inquiry_id, body.case_id, version=body.version)
    return LinkRead(
        inquiry=_read(linked.inquiry),
        contact_id=linked.contact.id if linked.contact else None,
        contact_added=linked.contact_added,
        family_may_be_told=linked.family_may_be_told,
    )
