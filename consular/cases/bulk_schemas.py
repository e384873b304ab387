"""The JSON of a bulk change: which cases, which action, how; and its per-case report."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from consular.cases.bulk import BulkReport, LineProblem, Mode, Selection
from consular.cases.bulk_actions import ActionKind, BulkAction
from consular.cases.states import CaseState
from consular.i18n.message import Message

_TEXT = 2000  # the longest note or evidence a bulk change carries, as on a case's page


class CaseFilter(BaseModel):
    """The filters of the incident's case list (``GET /incidents/{id}/cases``)."""

    state: CaseState | None = None
    facility: str | None = Field(None, max_length=200)
    overdue: bool = False
    employer_id: str | None = Field(None, max_length=64)
    officer: str | None = Field(None, max_length=120, description="user name, `me` or `none`")


class BulkSelection(BaseModel):
    """One or more of: case ids, all that match a filter, a pasted list of case numbers and
    A-numbers (one or more a line, separated by commas, semicolons or tabs)."""

    case_ids: list[str] = Field(default_factory=list, max_length=10_000)
    versions: dict[str, int] = Field(
        default_factory=dict, description="case id → version seen; a case changed since is refused"
    )
    filter: CaseFilter | None = None
    pasted: str = Field("", max_length=200_000)

    def selection(self) -> Selection:
        filters: dict[str, Any] | None = None
        if self.filter is not None:
            filters = self.filter.model_dump()
            filters["state"] = self.filter.state.value if self.filter.state else None
        return Selection(self.case_ids, self.versions, filters, self.pasted)


class BulkActionRequest(BaseModel):
    """The action and its values; each kind reads its own (see docs/api.md)."""

    kind: ActionKind
    to: str = Field("", max_length=24)
    disposition: str = Field("", max_length=24)
    facility: str = Field("", max_length=200)
    custody_kind: str = Field("transferred", max_length=16)
    at: AwareDatetime | None = None
    travel_document: str = Field("", max_length=24)
    document_kind: str = Field("", max_length=24)
    passport_whereabouts: str = Field("", max_length=24)
    milestone: str = Field("", max_length=32)
    evidence: str = Field("", max_length=_TEXT)
    officer: str = Field("", max_length=120)
    second: str = Field("", max_length=120)
    flight_id: str = Field("", max_length=64)
    note: str = Field("", max_length=_TEXT)

    def action(self) -> BulkAction:
        return BulkAction(**{**self.model_dump(), "kind": self.kind.value})


class BulkRequest(BaseModel):
    selection: BulkSelection
    action: BulkActionRequest
    mode: Mode = Mode.ALL_OR_NOTHING
    dry_run: bool = False


class BulkCaseRead(BaseModel):
    case_id: str
    number: int
    name: str
    version: int
    outcome: Literal["applied", "refused"]
    error: str | None = None
    message: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class BulkProblemRead(BaseModel):
    line: int
    entry: str
    error: str
    message: str
    params: dict[str, Any]


class BulkReportRead(BaseModel):
    incident_id: str
    mode: Mode
    dry_run: bool
    written: bool = Field(description="false for a preview, or all-or-nothing with a refusal")
    applied: int
    refused: int
    cases: list[BulkCaseRead]
    problems: list[BulkProblemRead]

    @classmethod
    def of(cls, report: BulkReport) -> BulkReportRead:
        return cls(
            incident_id=report.incident_id,
            mode=report.mode,
            dry_run=report.dry_run,
            written=report.written,
            applied=len(report.applied),
            refused=len(report.refused),
            cases=[
                BulkCaseRead(
                    case_id=o.case_id,
                    number=o.number,
                    name=o.name,
                    version=o.version,
                    outcome="applied" if o.applied else "refused",
                    **_said(o.reason),
                )
                for o in report.outcomes
            ],
            problems=[_problem(p) for p in report.problems],
        )


def _said(reason: Message | None) -> dict[str, Any]:
    if reason is None:
        return {}
    return {"error": reason.code, "message": str(reason), "params": reason.plain_params()}


def _problem(problem: LineProblem) -> BulkProblemRead:
    return BulkProblemRead(line=problem.line, entry=problem.entry, **_said(problem.reason))
