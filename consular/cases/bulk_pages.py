"""The pages of a bulk change: the preview of what will happen, then the per-case result.

The selection is made on the incident's cases table (check boxes, "all that match this
filter", a pasted list); the preview resolves it to cases and their versions, which the
Apply form carries in hidden fields, so a case changed in between is refused, not overwritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.cases.bulk import BulkReport, Mode, Selection, apply_bulk
from consular.cases.bulk_actions import ActionKind, BulkAction
from consular.cases.states import CaseState
from consular.errors import InvalidInput
from consular.i18n import N_
from consular.incidents.models import Incident
from consular.incidents.pages import CasesShown, case_filters, render_incident
from consular.web.access import CheckedForm, Refusal, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


class BulkForm(BaseModel):
    """What the cases table's bulk form (and the preview's Apply form) sends."""

    case: list[str] = Field(default_factory=list, max_length=10_000)
    all_matching: str = ""
    f_state: str = ""
    f_facility: str = Field("", max_length=200)
    f_overdue: str = ""
    f_employer: str = Field("", max_length=64)
    f_officer: str = Field("", max_length=120)
    pasted: str = Field("", max_length=200_000)
    action: str = Field("", max_length=24)
    to: str = Field("", max_length=24)
    disposition: str = Field("", max_length=24)
    facility: str = Field("", max_length=200)
    custody_kind: str = Field("transferred", max_length=16)
    at: str = Field("", max_length=40)
    travel_document: str = Field("", max_length=24)
    document_kind: str = Field("", max_length=24)
    passport_whereabouts: str = Field("", max_length=24)
    milestone: str = Field("", max_length=32)
    evidence: str = Field("", max_length=2000)
    officer: str = Field("", max_length=120)
    second: str = Field("", max_length=120)
    flight_id: str = Field("", max_length=64)
    note: str = Field("", max_length=2000)
    mode: str = Field(Mode.ALL_OR_NOTHING.value, max_length=24)

    def selection(self) -> Selection:
        ids: list[str] = []
        versions: dict[str, int] = {}
        for value in self.case:
            # The preview's hidden fields are "id:version"; a check box is the id alone.
            case_id, _, version = value.partition(":")
            ids.append(case_id)
            if version.isdigit():
                versions[case_id] = int(version)
        filters = None
        if self.all_matching == "1":
            filters = case_filters(
                self.f_state, self.f_facility, self.f_overdue, self.f_employer, None, self.f_officer
            )
            del filters["sort"]
        return Selection(ids, versions, filters, self.pasted)

    def bulk_action(self, time_zone: str) -> BulkAction:
        return BulkAction(
            kind=self.action,
            to=self.to,
            disposition=self.disposition,
            facility=self.facility,
            custody_kind=self.custody_kind,
            at=_local_time(self.at, time_zone),
            travel_document=self.travel_document,
            document_kind=self.document_kind,
            passport_whereabouts=self.passport_whereabouts,
            milestone=self.milestone,
            evidence=self.evidence.strip(),
            officer=self.officer,
            second=self.second,
            flight_id=self.flight_id,
            note=self.note.strip(),
        )

    def action_fields(self) -> dict[str, str]:
        """The action and its values, carried from the preview to Apply."""
        kept = self.model_dump(exclude={"case", "all_matching", "pasted"})
        return {k: v for k, v in kept.items() if v and not k.startswith("f_")}


def _local_time(text: str, time_zone: str) -> datetime | None:
    """A time typed in the post's time zone (``datetime-local``), or none typed."""
    if not text.strip():
        return None
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "bulk.bad_time",
            N_("“%(value)s” is not a date and time (for example 2025-09-06 15:00)."),
            value=text,
        ) from None
    return local if local.tzinfo else local.replace(tzinfo=ZoneInfo(time_zone))


def _refused(refusal: Refusal) -> Response:
    """A bulk change refused as a whole (closed incident, unknown action): the incident."""
    incident_id = refusal.path_param("incident_id")
    shown = CasesShown(case_filters(), 1)
    return render_incident(
        refusal.request,
        refusal.db,
        refusal.session,
        incident_id,
        shown,
        status_code=refusal.error.status_code,
        error=refusal.error,
    )


def _render(
    request: Request,
    db: Session,
    session: WebSession,
    report: BulkReport,
    typed: BulkForm,
    template: str,
) -> Response:
    page, _ = page_for(request, session)
    return page.render(
        request,
        template,
        incident=db.get(Incident, report.incident_id),
        report=report,
        carried=typed.action_fields(),
        state_names={str(s) for s in CaseState},
        actions=[str(k) for k in ActionKind],
    )


@router.post("/incidents/{incident_id}/cases/bulk", response_class=HTMLResponse)
@refused_with(_refused)
def bulk_preview(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    typed: Annotated[BulkForm, Form()],
) -> Response:
    """What the change would do to each selected case; nothing is written."""
    report = _run(request, db, session, incident_id, typed, dry_run=True)
    return _render(request, db, session, report, typed, "bulk_preview.html")


@router.post("/incidents/{incident_id}/cases/bulk/apply", response_class=HTMLResponse)
@refused_with(_refused)
def bulk_apply(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    typed: Annotated[BulkForm, Form()],
) -> Response:
    """The change applied, and the result for each case. Sent again, it changes nothing: the
    versions it carries are then stale."""
    report = _run(request, db, session, incident_id, typed, dry_run=False)
    return _render(request, db, session, report, typed, "bulk_result.html")


def _run(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    typed: BulkForm,
    *,
    dry_run: bool,
) -> BulkReport:
    page, _ = page_for(request, session)
    return apply_bulk(
        db,
        actor_of(session),
        incident_id,
        typed.selection(),
        typed.bulk_action(page.time_zone),
        mode=typed.mode,
        dry_run=dry_run,
    )
