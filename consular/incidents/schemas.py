from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from consular.api_schema import CountryCode
from consular.cases.models import CaseNote
from consular.fields import limit_of
from consular.incidents.lifecycle import NOTE_MAX
from consular.incidents.models import Incident

if TYPE_CHECKING:
    from consular.incidents.models import SourceRecord


class ListKind(StrEnum):
    HOST_AUTHORITY = "host_authority"
    EMPLOYER = "employer"
    FAMILY = "family"
    CONSULAR_INTERVIEW = "consular_interview"


class ReviewAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    NEW_PERSON = "new_person"
    # A person the officer found by searching the registry, not among the candidates.
    LINK = "link"


class IncidentCreate(BaseModel):
    title: str = Field(min_length=1, max_length=limit_of(Incident.title))
    host_country: CountryCode
    place: str = Field(min_length=1, max_length=limit_of(Incident.place))
    agency: str = Field("", max_length=limit_of(Incident.agency))
    worksite: str = Field(
        "",
        max_length=limit_of(Incident.worksite),
        description="The worksite raided, as deployments name it: the people deployed there "
        "are expected on its lists",
    )
    started_at: AwareDatetime
    post: str | None = Field(default=None, description="Post name; defaults to the caller's post")


class IncidentNote(BaseModel):
    """Why an incident is closed, or reopened."""

    note: str = Field(min_length=1, max_length=NOTE_MAX)


class WorkloadRead(BaseModel):
    """Open cases held (as officer, as second officer) and the checklist items of those still
    held: due within 24 hours, or past due."""

    model_config = ConfigDict(from_attributes=True)

    officer: int
    second: int
    due_soon: int
    overdue: int


class TeamMemberRead(BaseModel):
    name: str
    role: str
    post: str | None
    added: bool = Field(description="Added to this incident from elsewhere (may be removed)")
    workload: WorkloadRead


class TeamRead(BaseModel):
    members: list[TeamMemberRead]
    unassigned: WorkloadRead = Field(description="The cases with no officer")


class MemberAdd(BaseModel):
    user: str = Field(min_length=1, max_length=120, description="The user name to add")


class IncidentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    host_country: str
    place: str
    agency: str
    worksite: str = ""
    started_at: datetime
    post_id: str
    status: str
    closed_at: datetime | None = None
    closed_by: str | None = None
    closing_note: str | None = None
    case_counts: dict[str, int] = Field(default_factory=dict)


class SourceListRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    file_name: str
    imported_by: str
    imported_at: datetime
    row_count: int
    report: dict[str, object]


class EvidenceRead(BaseModel):
    """How one field of the row compares with the candidate's: codes and the values compared."""

    field: str
    outcome: str
    values: tuple[str, str]
    """The list's value, then the registry's."""
    notes: list[list[str]] = Field(default_factory=list)
    """How the values were read, each a code and its values: ``["swapped"]``,
    ``["scripts", "latin", "hangul"]``, ``["namesakes", "3"]``, ``["as_written"]``."""


class ReviewCandidate(BaseModel):
    person_id: str
    name: str
    date_of_birth: str | None
    passport: str | None = None
    employers: list[str] = Field(default_factory=list)
    probability: float
    explanation: str
    """The evidence in one English line; ``evidence`` holds it field by field."""
    evidence: list[EvidenceRead] = Field(default_factory=list)
    hold: str | None = None
    """Why the likeliest candidate waits for an officer: ``birth_date_differs``,
    ``name_part_only``, ``conflict``, ``host_identifier_differs`` or ``host_identifier_taken``."""
    hold_detail: str = ""
    hold_field: str = ""
    """The field of ``evidence`` behind ``hold``."""


class ReviewItem(BaseModel):
    id: str
    source_list_id: str
    kind: str
    row_number: int
    raw: dict[str, str]
    candidates: list[ReviewCandidate]

    @classmethod
    def of(cls, record: SourceRecord) -> ReviewItem:
        """A waiting list row with its candidates, as the review queue shows it."""
        return cls(
            id=record.id,
            source_list_id=record.source_list_id,
            kind=record.source_list.kind,
            row_number=record.row_number,
            raw=record.raw,
            candidates=[ReviewCandidate.model_validate(c) for c in record.candidates],
        )


class ReviewDecision(BaseModel):
    action: ReviewAction
    person_id: str | None = None
    note: str = Field("", max_length=limit_of(CaseNote.body))


class ReviewResult(BaseModel):
    id: str
    decision: str
    person_id: str | None
    case_id: str | None


class ListChange(BaseModel):
    """One person on a host list and the list before it, with what changed."""

    name: str
    row: int | None = Field(description="Row on the newer list (none for a person gone)")
    previous_row: int | None
    case_id: str | None
    case_number: int | None
    case_state: str | None
    facility: str | None
    previous_facility: str | None
    changes: dict[str, tuple[str, str]] = Field(
        default_factory=dict, description="Field: [before, after]; identifiers masked"
    )


class ListChanges(BaseModel):
    """A host list against the previous one of its kind in the incident."""

    source_list_id: str
    previous_list_id: str | None
    previous_file_name: str | None
    new: list[ListChange]
    gone: list[ListChange]
    moved: list[ListChange]
    changed: list[ListChange]
    unchanged: int
    not_comparable: int = Field(
        description="Rows known by neither a linked person nor an A-number (both lists)"
    )


class TransfersRequest(BaseModel):
    case_ids: list[str] | None = Field(
        default=None, description="Only these cases; by default every case the list moved"
    )
    against: str | None = Field(default=None, description="The earlier list; by default the last")


class TransferOutcome(BaseModel):
    case_id: str
    case_number: int | None
    name: str
    applied: bool
    reason: str = ""
    facility: str | None = None
    code: str = Field(
        "", description="Why refused: settled, already_there, moved_meanwhile, not_moved"
    )
    detail: str = ""
