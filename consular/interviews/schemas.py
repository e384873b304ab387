"""The welfare interviews' JSON shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = Literal["yes", "no", "unsure", ""]
Notice = Literal["yes", "no", "not_asked", ""]


class InterviewRow(BaseModel):
    """One person's interview; the case by its number in the incident. Bounds and the rules
    (a reason when not seen, the answers when seen) are checked with the whole roster."""

    case_number: int = Field(ge=1)
    seen: bool = True
    not_seen_reason: str = Field("", max_length=16)
    not_seen_other: str = Field("", max_length=10_000)
    interpreter: bool = False
    health: str = Field("", max_length=10_000)
    injured: bool = False
    injuries: str = Field("", max_length=10_000)
    medical_needs: bool = False
    medical_notes: str = Field("", max_length=10_000)
    complaints: str = Field("", max_length=10_000)
    told_reason: str = Field("", max_length=16)
    advised_rights: str = Field("", max_length=16)
    family_notice: str = Field("", max_length=16)
    employer_notice: str = Field("not_asked", max_length=16)
    wish: str = Field("", max_length=24)
    counsel_wanted: bool = False
    property_held: str = Field("", max_length=10_000)
    property_left: str = Field("", max_length=10_000)
    notes: str = Field("", max_length=10_000)


class InterviewsCreate(BaseModel):
    """A visit's interviews: saved all together, or none with every problem by row."""

    facility: str = Field(max_length=1000)
    held_on: date
    interviewer: str = Field("", max_length=1000)
    rows: list[InterviewRow] = Field(min_length=1, max_length=500)


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    case_id: str
    held_on: date
    interviewer: str
    facility: str
    seen: bool
    not_seen_reason: str
    not_seen_other: str
    interpreter: bool
    health: str
    injured: bool
    injuries: str
    medical_needs: bool
    medical_notes: str
    complaints: str
    told_reason: str
    advised_rights: str
    family_notice: str
    employer_notice: str
    wish: str
    counsel_wanted: bool
    property_held: str
    property_left: str
    notes: str
    recorded_by: str
    recorded_at: datetime


class CountsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    facility: str
    cases: int
    seen: int
    not_yet_seen: int
    injured: int
    not_told_reason: int
    not_advised_rights: int
    want_counsel: int
    want_voluntary_departure: int
    refuse_family_notice: int


class SummaryRead(BaseModel):
    """Per facility (where the case says the person is held; "" when not known), and total."""

    model_config = ConfigDict(from_attributes=True)

    facilities: list[CountsRead]
    total: CountsRead
