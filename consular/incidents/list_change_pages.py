"""A host list against the previous one, and its transfers recorded from the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.incidents.listdiff import compare_lists, record_transfers
from consular.incidents.schemas import TransferOutcome
from consular.incidents.service import get_incident
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


@router.get("/incidents/{incident_id}/lists/{list_id}/changes", response_class=HTMLResponse)
def changes_page(
    request: Request, db: DB, session: SignedIn, incident_id: str, list_id: str
) -> Response:
    """Who is new, gone, moved or written differently since the previous host list."""
    return _render(request, db, session, incident_id, list_id, None)


def _nothing_recorded(refusal: Refusal) -> Response:
    # The first list of its kind: the page says there is nothing to compare with.
    incident_id, list_id = refusal.path_param("incident_id"), refusal.path_param("list_id")
    return _render(refusal.request, refusal.db, refusal.session, incident_id, list_id, [])


@router.post("/incidents/{incident_id}/lists/{list_id}/transfers", response_class=HTMLResponse)
@refused_with(_nothing_recorded)
def transfers(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    list_id: str,
    case_id: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Record the chosen facility changes as transfers; the page lists each case's outcome."""
    actor = actor_of(session)
    results = record_transfers(db, actor, incident_id, list_id, case_ids=case_id or [])
    return _render(request, db, session, incident_id, list_id, results)


def _render(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    list_id: str,
    results: list[TransferOutcome] | None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    return page.render(
        request,
        "list_changes.html",
        incident=get_incident(db, actor, incident_id),
        diff=compare_lists(db, actor, incident_id, list_id),
        can_write=actor.can(Permission.CASE_WRITE),
        results=results,
    )
