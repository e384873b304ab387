"""A case's page and the changes made from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consular.audit.service import case_history
from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.cases.service import (
    add_note,
    complete_milestone,
    describe,
    get_case,
    record_custody,
    record_disposition,
    reveal_host_identifier,
    transition,
)
from consular.cases.states import Disposition
from consular.db import utcnow
from consular.errors import InvalidInput, NotFound
from consular.families.service import codes_of, issue_code, revoke_code
from consular.flights.service import TRAVEL_DOCUMENTS, set_travel
from consular.notifications.service import of_case as notifications_of_case
from consular.web.common import not_found, page_for, settings_of, signed_in, signed_in_form, submit
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _case_page(
    request: Request,
    db: DB,
    session: WebSession,
    case_id: str,
    *,
    status_code: int = 200,
    error: object = None,
    revealed: str | None = None,
    issued_code: tuple[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        case = get_case(db, actor, case_id)
    except NotFound:
        return not_found(request, page)
    history = case_history(db, case.id) if actor.can(Permission.AUDIT_READ) else []
    return page.render(
        request,
        "case.html",
        status_code=status_code,
        case=case,
        view=describe(case),
        history=history,
        error=error,
        revealed=revealed,
        can_reveal=actor.can(Permission.IDENTIFIER_REVEAL),
        can_move=actor.can(Permission.CASE_TRANSITION),
        can_complete=actor.can(Permission.MILESTONE_COMPLETE),
        can_write=actor.can(Permission.CASE_WRITE),
        dispositions=[str(d) for d in Disposition],
        can_family=actor.can(Permission.FAMILY_CODE),
        family_codes=codes_of(db, case) if actor.can(Permission.FAMILY_CODE) else [],
        messages=notifications_of_case(db, case.id),
        issued_code=issued_code,
        now=utcnow(),
        # Release is recorded by moving the case to released, not here.
        custody_kinds=("booked", "transferred"),
        travel_documents=TRAVEL_DOCUMENTS,
    )


def _change_case(
    request: Request,
    db: DB,
    case_id: str,
    csrf_token: str,
    change: Callable[[Actor], object],
    *,
    refused_before: str | None = None,
) -> Response:
    """Change a case and show it again; a refusal shows the case with the reason."""

    def refused(session: WebSession, reason: object, status: int) -> Response:
        return _case_page(request, db, session, case_id, status_code=status, error=reason)

    if refused_before is not None:
        session = signed_in_form(request, db, csrf_token)
        if isinstance(session, Response):
            return session
        return refused(session, refused_before, 400)
    return submit(
        request,
        db,
        csrf_token,
        change,
        f"/cases/{case_id}",
        # Bad input (422) is told apart from a case that moved on meanwhile (409).
        lambda session, error: refused(session, error, error.status_code),
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, db: DB, case_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _case_page(request, db, session, case_id)


@router.post("/cases/{case_id}/transition")
def case_transition(
    request: Request,
    db: DB,
    case_id: str,
    to: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: transition(db, actor, case_id, to, version=version, note=note.strip()),
    )


@router.post("/cases/{case_id}/milestones/{kind}")
def case_milestone_done(
    request: Request,
    db: DB,
    case_id: str,
    kind: str,
    evidence: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: complete_milestone(db, actor, case_id, kind, evidence=evidence.strip()),
    )


@router.post("/cases/{case_id}/notes")
def case_note(
    request: Request,
    db: DB,
    case_id: str,
    body: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: add_note(db, actor, case_id, body.strip()),
        refused_before=None if body.strip() else "empty_note",
    )


@router.post("/cases/{case_id}/disposition")
def case_disposition(
    request: Request,
    db: DB,
    case_id: str,
    disposition: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: record_disposition(
            db, actor, case_id, disposition=disposition, version=version, note=note.strip()
        ),
    )


@router.post("/cases/{case_id}/custody")
def case_custody(
    request: Request,
    db: DB,
    case_id: str,
    facility: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "booked",
    version: Annotated[int, Form()] = 0,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: record_custody(
            db, actor, case_id, facility=facility, kind=kind, version=version, note=note.strip()
        ),
    )


@router.post("/cases/{case_id}/travel")
def case_travel(
    request: Request,
    db: DB,
    case_id: str,
    travel_document: Annotated[str, Form()] = "",
    special_needs: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: set_travel(
            db,
            actor,
            case_id,
            travel_document=travel_document,
            special_needs=special_needs,
            version=version,
        ),
    )


@router.post("/cases/{case_id}/reveal", response_class=HTMLResponse)
def case_reveal(
    request: Request, db: DB, case_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Show the host authority's number once, on this answer only; the reveal is audited."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    actor = actor_of(session)
    try:
        revealed = reveal_host_identifier(db, actor, case_id)
    except NotFound:
        page, _ = page_for(request, session)
        return not_found(request, page)
    return _case_page(request, db, session, case_id, revealed=revealed or "")


@router.post("/cases/{case_id}/family-codes", response_class=HTMLResponse)
def case_family_code(
    request: Request,
    db: DB,
    case_id: str,
    contact: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Issue a family status code; it is shown on this answer only."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    try:
        issued = issue_code(db, actor_of(session), settings_of(request), case_id, contact)
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except InvalidInput as exc:
        db.rollback()
        return _case_page(request, db, session, case_id, status_code=422, error=exc)
    return _case_page(
        request,
        db,
        session,
        case_id,
        status_code=201,
        issued_code=(issued.code, issued.family_code.contact_name),
    )


@router.post("/cases/{case_id}/family-codes/{code_id}/revoke")
def case_family_code_revoke(
    request: Request,
    db: DB,
    case_id: str,
    code_id: str,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_case(
        request,
        db,
        case_id,
        csrf_token,
        lambda actor: revoke_code(db, actor, code_id, case_id),
    )
