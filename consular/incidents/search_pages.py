"""Search inside an incident: its cases by name, A-number, passport number or case number."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.sessions import actor_of
from consular.incidents.search import search_incident
from consular.incidents.service import get_incident
from consular.web.access import SignedIn
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


@router.get("/incidents/{incident_id}/search", response_class=HTMLResponse)
def incident_search_page(
    request: Request, db: DB, session: SignedIn, incident_id: str, q: str = ""
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident = get_incident(db, actor, incident_id)
    found = search_incident(db, actor, incident.id, q) if q.strip() else None
    return page.render(request, "incident_search.html", incident=incident, q=q, found=found)
