"""The re-entry pages: a case's assessment with its facts and outcomes, and an incident's
assurances set against what happened after return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.errors import InvalidInput, NotFound
from consular.fields import FieldError, parse_date
from consular.reentry import report, service
from consular.rules import ruleset
from consular.web.common import not_found, page_for, signed_in, submit
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _case_reentry_page(
    request: Request,
    db: DB,
    session: WebSession,
    case_id: str,
    *,
    status_code: int = 200,
    error: object = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        assessment = service.assess(db, actor, case_id)
    except NotFound:
        return not_found(request, page)
    declared = ruleset("reentry").facts
    return page.render(
        request,
        "reentry.html",
        status_code=status_code,
        assessment=assessment,
        case=assessment.case,
        words=report.Words(page.language),
        report=report,
        recorded={f.name: f.value for f in assessment.facts if f.source == "recorded"},
        entry_statuses=declared["entry_status"].choices,
        departure_modes=declared["departure_mode"].choices,
        outcome_kinds=service.OUTCOME_KINDS,
        can_write=actor.can(Permission.CASE_WRITE),
        error=error,
    )


@router.get("/cases/{case_id}/reentry", response_class=HTMLResponse)
def case_reentry(request: Request, db: DB, case_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _case_reentry_page(request, db, session, case_id)


def _change(
    request: Request, db: DB, case_id: str, csrf_token: str, change: Callable[[Actor], object]
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        change,
        f"/cases/{case_id}/reentry",
        lambda session, exc: _case_reentry_page(
            request, db, session, case_id, status_code=409, error=exc
        ),
    )


def _day(text: str) -> date | None:
    try:
        return parse_date(text)
    except FieldError as exc:
        raise InvalidInput(exc.message) from None


def _number(name: str, text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput(f"{name}: {text.strip()!r} is not a number of days")
    return int(text)


@router.post("/cases/{case_id}/reentry/facts")
def case_reentry_facts(
    request: Request,
    db: DB,
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
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The whole facts form at once: an empty field means not known (the case decides)."""

    def change(actor: Actor) -> object:
        answers: dict[str, bool | None] = {"yes": True, "no": False, "": None}
        if status_violation not in answers:
            raise InvalidInput(f"status_violation: unknown value {status_violation!r}")
        facts: dict[str, Any] = {
            "entry_status": entry_status or None,
            "entry_date": _day(entry_date),
            "admitted_until": _day(admitted_until),
            "departure_mode": departure_mode or None,
            "departed_on": _day(departed_on),
            "unlawful_presence_days": _number("unlawful_presence_days", unlawful_presence_days),
            "prior_removals": _number("prior_removals", prior_removals) or 0,
            "misrepresentation_finding": misrepresentation_finding == "yes",
            "status_violation": answers[status_violation],
        }
        return service.record_facts(db, actor, case_id, facts)

    return _change(request, db, case_id, csrf_token, change)


@router.post("/cases/{case_id}/reentry/assessments")
def case_reentry_record(
    request: Request, db: DB, case_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return _change(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: service.assess(db, actor, case_id, record=True),
    )


@router.post("/cases/{case_id}/reentry/outcomes")
def case_reentry_outcome(
    request: Request,
    db: DB,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    happened_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    def change(actor: Actor) -> object:
        day = _day(happened_on)
        if day is None:
            raise InvalidInput("date: empty")
        return service.record_outcome(db, actor, case_id, kind, day, note)

    return _change(request, db, case_id, csrf_token, change)


def _follow_up_page(
    request: Request,
    db: DB,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: object = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        followed = service.follow_up(db, actor, incident_id)
    except NotFound:
        return not_found(request, page)
    return page.render(
        request,
        "follow_up.html",
        status_code=status_code,
        incident_id=incident_id,
        followed=followed,
        report=report,
        can_write=actor.can(Permission.INCIDENT_WRITE),
        error=error,
    )


@router.get("/incidents/{incident_id}/reentry", response_class=HTMLResponse)
def incident_follow_up(request: Request, db: DB, incident_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _follow_up_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/assurances")
def incident_assurance(
    request: Request,
    db: DB,
    incident_id: str,
    given_on: Annotated[str, Form()] = "",
    given_by: Annotated[str, Form()] = "",
    statement: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    def change(actor: Actor) -> object:
        day = _day(given_on)
        if day is None:
            raise InvalidInput("date: empty")
        return service.add_assurance(
            db,
            actor,
            incident_id,
            given_on=day,
            given_by=given_by,
            statement=statement,
            source=source,
        )

    return submit(
        request,
        db,
        csrf_token,
        change,
        f"/incidents/{incident_id}/reentry",
        lambda session, exc: _follow_up_page(
            request, db, session, incident_id, status_code=409, error=exc
        ),
    )
