"""The families' hotline through the API: a call as logged, and its candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from consular.fields import limit_of
from consular.hotline.models import Inquiry


class InquiryCreate(BaseModel):
    """A call: the caller, and whom they ask about as they told it."""

    caller_name: str = Field(min_length=1, max_length=limit_of(Inquiry.caller_name))
    caller_relation: str = Field("", max_length=limit_of(Inquiry.caller_relation))
    caller_phone: str = Field(
        "", max_length=40, description="As typed; stored in E.164 (read as Korean without +)"
    )
    caller_language: str = Field("ko", pattern="^(ko|en)$")
    subject_name: str = Field(
        min_length=1,
        max_length=limit_of(Inquiry.subject_name),
        description="The person asked about, in Hangul or Latin letters",
    )
    subject_birth: str = Field(
        "", max_length=40, description="As typed: 1988.3.14, 880314, 14/03/1988"
    )
    subject_employer: str = Field("", max_length=limit_of(Inquiry.subject_employer))
    last_seen: str = Field("", max_length=limit_of(Inquiry.last_seen))
    said: str = Field("", max_length=limit_of(Inquiry.said))
    promised: str = Field("", max_length=limit_of(Inquiry.promised))
    callback_due: AwareDatetime | None = None


class InquiryLink(BaseModel):
    case_id: str
    version: int | None = Field(None, description="The call's version, to refuse a stale link")


class InquiryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    incident_id: str
    number: int
    caller_name: str
    caller_relation: str
    caller_phone: str = Field(description="E.164")
    caller_language: str
    subject_name: str
    subject_birth: date | None
    subject_birth_typed: str
    subject_employer: str
    last_seen: str
    said: str
    promised: str
    callback_due: datetime | None
    called_back_at: datetime | None
    overdue: bool = False
    taken_by: str
    state: str = Field(description="open, linked, reported or closed")
    case_id: str | None
    contact_id: str | None
    source_record_id: str | None
    version: int
    created_at: datetime


class CandidateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: str
    name: str
    date_of_birth: str | None
    passport: str | None = Field(description="Masked")
    employers: list[str]
    probability: float
    explanation: str
    evidence: list[dict[str, Any]]
    case_id: str | None = Field(description="The person's case in the call's incident")
    case_number: int | None
    likeliest: bool


class InquiryDetail(InquiryRead):
    candidates: list[CandidateRead]


class LinkRead(BaseModel):
    inquiry: InquiryRead
    contact_id: str | None
    contact_added: bool
    family_may_be_told: bool = Field(
        description="False when the detainee refused that the family be told: the contact is "
        "recorded, but no code or message reaches them"
    )
