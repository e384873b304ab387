from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, computed_field

from consular.audit.tags import declared_tag
from consular.cases.models import CaseNote, CustodyEvent, Milestone
from consular.cases.states import CaseState, Disposition
from consular.fields import limit_of


class CaseSort(StrEnum):
    """The orders a list of cases comes in."""

    NUMBER = "number"
    NAME = "name"
    STATE = "state"
    FACILITY = "facility"


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    due_at: datetime
    breach_at: datetime
    done_at: datetime | None
    done_by: str | None
    evidence: str
    overdue: bool = False
    breached: bool = False
    late: bool = False
    rule_ids: list[str] = Field(default_factory=list)


class CustodyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    facility: str
    at: datetime
    note: str
    recorded_by: str


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    body: str
    author: str
    at: datetime


# Whom the detainee agrees to tell (consular.cases.wishes): not asked yet, yes or no.
Notice = Literal["unknown", "yes", "no"]


class CaseSummary(BaseModel):
    id: str
    number: int
    incident_id: str
    person_id: str
    person_name: str
    date_of_birth: str | None
    state: str
    facility: str | None
    disposition: str | None
    overdue: list[str]
    version: int
    updated_at: datetime
    assigned_to: str | None = Field(
        None, description="The user name of the case's officer (none: nobody owns it yet)"
    )


class CaseRead(CaseSummary):
    arrested_at: datetime
    second_officer: str | None = Field(None, description="The user name of the second officer")
    host_identifier_masked: str | None
    allowed_transitions: list[str]
    milestones: list[MilestoneRead]
    custody: list[CustodyRead]
    notes: list[NoteRead]
    family_notice: Notice = Field(
        "unknown", description="Whether the detainee agrees that the family be told (CON-05)"
    )
    employer_notice: Notice = Field(
        "unknown", description="Whether the detainee agrees that the employer be told"
    )


class WishesRequest(BaseModel):
    """Whom the detainee agrees to tell; a field left out stays as it is."""

    family: Notice | None = None
    employer: Notice | None = None
    version: int


class AssignmentRequest(BaseModel):
    """The case's officers by user name; null (or "") leaves the place empty."""

    officer: str | None = Field(None, max_length=120)
    second: str | None = Field(None, max_length=120)
    version: int


class TransitionRequest(BaseModel):
    to: CaseState
    note: str = Field("", max_length=limit_of(CaseNote.body))
    version: int


class CustodyRequest(BaseModel):
    facility: str = Field(min_length=1, max_length=limit_of(CustodyEvent.facility))
    # Release is a change of state (transition to released), not a custody record.
    kind: str = Field(default="booked", pattern="^(booked|transferred)$")
    at: AwareDatetime | None = None
    note: str = Field("", max_length=limit_of(CustodyEvent.note))
    version: int


class DispositionRequest(BaseModel):
    disposition: Disposition
    note: str = Field("", max_length=limit_of(CaseNote.body))
    version: int


class NoteRequest(BaseModel):
    body: str = Field(min_length=1, max_length=limit_of(CaseNote.body), pattern=r"\S")


class MilestoneComplete(BaseModel):
    done_at: AwareDatetime | None = None
    evidence: str = Field("", max_length=limit_of(Milestone.evidence))


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    tag: str
    target_type: str
    target_id: str
    diff: dict[str, object]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def description(self) -> str:
        """What the tag means, in English (pages show it in the reader's language)."""
        tag = declared_tag(self.tag)
        return tag.description if tag is not None else ""
