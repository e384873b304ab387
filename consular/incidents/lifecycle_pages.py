"""The incident page's forms that close an incident with a note, and reopen it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from consular.auth.sessions import actor_of
from consular.incidents.lifecycle import close_incident, reopen_incident
from consular.incidents.pages import incident_refused
from consular.web.access import CheckedForm, on_page, refused_with
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

_refused = on_page(incident_refused, "incident_id")


@router.post("/incidents/{incident_id}/close")
@refused_with(_refused)
def close(
    db: DB, session: CheckedForm, incident_id: str, note: Annotated[str, Form()] = ""
) -> Response:
    close_incident(db, actor_of(session), incident_id, note)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/incidents/{incident_id}/reopen")
@refused_with(_refused)
def reopen(
    db: DB, session: CheckedForm, incident_id: str, note: Annotated[str, Form()] = ""
) -> Response:
    reopen_incident(db, actor_of(session), incident_id, note)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
