"""An incident's team page: who is on it, each officer's workload, and (for supervisors)
adding and removing members from elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.db import utcnow
from consular.errors import DomainError
from consular.incidents.lifecycle import CLOSED
from consular.incidents.service import get_incident
from consular.incidents.team import add_member, remove_member, team_rows
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _team_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    kept: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident = get_incident(db, actor, incident_id)
    rows, unassigned = team_rows(db, incident, utcnow())
    return page.render(
        request,
        "team.html",
        status_code=status_code,
        incident=incident,
        rows=rows,
        unassigned=unassigned,
        can_manage=incident.status != CLOSED and actor.can(Permission.INCIDENT_TEAM),
        error=error,
        typed=(kept or {}).get(f"/incidents/{incident_id}/team", {}),
    )


_refused = on_page(_team_page, "incident_id", kept=True)


@router.get("/incidents/{incident_id}/team", response_class=HTMLResponse)
def team_page(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _team_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/team")
@refused_with(_refused)
def team_add(
    db: DB, session: CheckedForm, incident_id: str, user: Annotated[str, Form()] = ""
) -> Response:
    add_member(db, actor_of(session), incident_id, user)
    return RedirectResponse(f"/incidents/{incident_id}/team", status_code=303)


@router.post("/incidents/{incident_id}/team/{user_name}/remove")
@refused_with(_refused)
def team_remove(db: DB, session: CheckedForm, incident_id: str, user_name: str) -> Response:
    remove_member(db, actor_of(session), incident_id, user_name)
    return RedirectResponse(f"/incidents/{incident_id}/team", status_code=303)
