"""A host list against the previous one, and its transfers recorded from the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.errors import Conflict, NotFound
from consular.incidents.listdiff import compare_lists, record_transfers
from consular.incidents.schemas import TransferOutcome
from consular.incidents.service import get_incident
from consular.web.common import not_found, page_for, signed_in, signed_in_form
from consular.web.deps import DB
from consular.web.pages import Page

router = APIRouter(include_in_schema=False)


@router.get("/incidents/{incident_id}/lists/{list_id}/changes", response_class=HTMLResponse)
def changes_page(request: Request, db: DB, incident_id: str, list_id: str) -> Response:
    """Who is new, gone, moved or written differently since the previous host list."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        return _render(request, db, page, actor, incident_id, list_id, None)
    except NotFound:
        return not_found(request, page)


@router.post("/incidents/{incident_id}/lists/{list_id}/transfers", response_class=HTMLResponse)
def transfers(
    request: Request,
    db: DB,
    incident_id: str,
    list_id: str,
    case_id: Annotated[list[str] | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record the chosen facility changes as transfers; the page lists each case's outcome."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        results = record_transfers(db, actor, incident_id, list_id, case_ids=case_id or [])
    except NotFound:
        db.rollback()
        return not_found(request, page)
    except Conflict:
        # The first list of its kind: the page says there is nothing to compare with.
        db.rollback()
        results = []
    return _render(request, db, page, actor, incident_id, list_id, results)


def _render(
    request: Request,
    db: Session,
    page: Page,
    actor: Actor,
    incident_id: str,
    list_id: str,
    results: list[TransferOutcome] | None,
) -> Response:
    return page.render(
        request,
        "list_changes.html",
        incident=get_incident(db, actor, incident_id),
        diff=compare_lists(db, actor, incident_id, list_id),
        can_write=actor.can(Permission.CASE_WRITE),
        results=results,
    )
