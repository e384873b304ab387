"""The re-entry pages: a case's assessment with its facts and outcomes, and an incident's
assurances set against what happened after return."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.errors import DomainError, InvalidInput
from consular.fields import FieldError, parse_date
from consular.i18n import N_
from consular.i18n.message import Message, term
from consular.reentry import report, service
from consular.rules import ruleset
from consular.web.access import CheckedForm, Refusal, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _case_reentry_page(
    request: Request,
    db: Session,
    session: WebSession,
    case_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    kept: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    """The case's assessment; ``kept`` fills a refused form (by its action) again."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    assessment = service.assess(db, actor, case_id)
    kept = kept or {}
    recorded = {f.name: f.value for f in assessment.facts if f.source == "recorded"}
    typed_facts = kept.get(f"/cases/{case_id}/reentry/facts")
    declared = ruleset("reentry").facts
    return page.render(
        request,
        "reentry.html",
        status_code=status_code,
        assessment=assessment,
        case=assessment.case,
        words=report.Words(page.language),
        report=report,
        recorded=_as_typed(typed_facts) if typed_facts is not None else recorded,
        kept_outcome=kept.get(f"/cases/{case_id}/reentry/outcomes", {}),
        entry_statuses=declared["entry_status"].choices,
        departure_modes=declared["departure_mode"].choices,
        outcome_kinds=service.OUTCOME_KINDS,
        can_write=actor.can(Permission.CASE_WRITE),
        error=error,
    )


@router.get("/cases/{case_id}/reentry", response_class=HTMLResponse)
def case_reentry(request: Request, db: DB, session: SignedIn, case_id: str) -> Response:
    return _case_reentry_page(request, db, session, case_id)


def _as_typed(typed: Mapping[str, str]) -> dict[str, Any]:
    """The facts form as it was sent, in the shape of the recorded facts it shows."""
    return {
        **typed,
        "status_violation": _ANSWERS.get(typed.get("status_violation", "")),
        "misrepresentation_finding": typed.get("misrepresentation_finding") == "yes",
    }


_case_refused = on_page(_case_reentry_page, "case_id", status_code=409, kept=True)


def _to_case(case_id: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}/reentry", status_code=303)


# The form's fields by the names a refusal says them with.
_FIELDS = {**report.FACT_NAMES, "date": N_("Date")}


def _field(name: str) -> Message:
    return term(f"reentry.fact.{name}", _FIELDS[name])


def _day(name: str, text: str) -> date | None:
    try:
        return parse_date(text)
    except FieldError:
        raise InvalidInput(
            "reentry.bad_date",
            N_("%(field)s: %(value)s is not a date in the form YYYY-MM-DD."),
            field=_field(name),
            value=text.strip(),
        ) from None


def _required_day(text: str) -> date:
    day = _day("date", text)
    if day is None:
        raise InvalidInput("reentry.no_date", N_("Give the date."))
    return day


def _number(name: str, text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput(
            "reentry.bad_days",
            N_("%(field)s: %(value)s is not a number of days."),
            field=_field(name),
            value=text.strip(),
        )
    return int(text)


_ANSWERS: dict[str, bool | None] = {"yes": True, "no": False, "": None}


@router.post("/cases/{case_id}/reentry/facts")
@refused_with(_case_refused)
def case_reentry_facts(
    db: DB,
    session: CheckedForm,
    case_id: str,
    entry_status: Annotated[str, Form()] = "",
    entry_date: Annotated[str, Form()] = "",
    admitted_until: Annotated[str, Form()] = "",
    departure_mode: Annotated[str, Form()] = "",
    departed_on: Annotated[str, Form()] = "",
    unlawful_presence_days: Annotated[str, Form()] = "",
    prior_removals: Annotated[str, Form()] = "0",
    misrepresentation_finding: Annotated[str, Form()] = "",
    status_violation: Annotated[str, Form()] = "",
) -> Response:
    """The whole facts form at once: an empty field means not known (the case decides)."""
    if status_violation not in _ANSWERS:
        raise InvalidInput(
            "reentry.bad_answer",
            N_("%(field)s: answer yes, no, or leave it empty."),
            field=_field("status_violation"),
        )
    facts: dict[str, Any] = {
        "entry_status": entry_status or None,
        "entry_date": _day("entry_date", entry_date),
        "admitted_until": _day("admitted_until", admitted_until),
        "departure_mode": departure_mode or None,
        "departed_on": _day("departed_on", departed_on),
        "unlawful_presence_days": _number("unlawful_presence_days", unlawful_presence_days),
        "prior_removals": _number("prior_removals", prior_removals) or 0,
        "misrepresentation_finding": misrepresentation_finding == "yes",
        "status_violation": _ANSWERS[status_violation],
    }
    service.record_facts(db, actor_of(session), case_id, facts)
    return _to_case(case_id)


@router.post("/cases/{case_id}/reentry/assessments")
@refused_with(_case_refused)
def case_reentry_record(db: DB, session: CheckedForm, case_id: str) -> Response:
    service.assess(db, actor_of(session), case_id, record=True)
    return _to_case(case_id)


@router.post("/cases/{case_id}/reentry/outcomes")
@refused_with(_case_refused)
def case_reentry_outcome(
    db: DB,
    session: CheckedForm,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    happened_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    day = _required_day(happened_on)
    service.record_outcome(db, actor_of(session), case_id, kind, day, note)
    return _to_case(case_id)


def _follow_up_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    followed = service.follow_up(db, actor, incident_id)
    return page.render(
        request,
        "follow_up.html",
        status_code=status_code,
        incident_id=incident_id,
        followed=followed,
        report=report,
        can_write=actor.can(Permission.INCIDENT_WRITE),
        error=error,
        typed=typed or {},
    )


@router.get("/incidents/{incident_id}/reentry", response_class=HTMLResponse)
def incident_follow_up(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _follow_up_page(request, db, session, incident_id)


def _follow_up_refused(refusal: Refusal) -> Response:
    return _follow_up_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        status_code=409,
        error=refusal.error,
        typed=refusal.typed,
    )


@router.post("/incidents/{incident_id}/assurances")
@refused_with(_follow_up_refused)
def incident_assurance(
    db: DB,
    session: CheckedForm,
    incident_id: str,
    given_on: Annotated[str, Form()] = "",
    given_by: Annotated[str, Form()] = "",
    statement: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    service.add_assurance(
        db,
        actor_of(session),
        incident_id,
        given_on=_required_day(given_on),
        given_by=given_by,
        statement=statement,
        source=source,
    )
    return RedirectResponse(f"/incidents/{incident_id}/reentry", status_code=303)
