"""An incident's broadcasts: the list, a new one written in Korean and English, its preview
with the exact count of messages and who is left out, and sending it (post, then redirect)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.incidents.service import get_incident
from consular.notifications.broadcasts import (
    AUDIENCES,
    Draft,
    Preview,
    broadcasts_of,
    preview,
    scope_choices,
    send,
)
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

FIELDS = ("audience", "scope", "subject_ko", "body_ko", "subject_en", "body_en")


def draft_of(typed: Mapping[str, str]) -> Draft:
    """The form as a draft: ``scope`` is ``incident``, ``flight:<id>`` or ``facility:<id>``."""
    scope, _, scope_id = typed.get("scope", "incident").partition(":")
    return Draft(
        audience=typed.get("audience", "families"),
        scope=scope,
        scope_id=scope_id or None,
        subject_ko=typed.get("subject_ko", ""),
        body_ko=typed.get("body_ko", ""),
        subject_en=typed.get("subject_en", ""),
        body_en=typed.get("body_en", ""),
    )


def _page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    typed: Mapping[str, str] | None = None,
    shown: Preview | None = None,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident = get_incident(db, actor, incident_id)
    sent_id = request.query_params.get("sent", "")
    return page.render(
        request,
        "broadcasts.html",
        status_code=status_code,
        incident=incident,
        broadcasts=broadcasts_of(db, actor, incident.id),
        scopes=scope_choices(db, incident),
        audiences=AUDIENCES,
        typed=typed or {},
        shown=shown,
        error=error,
        wrong=error.details.get("fields", {}) if error is not None else {},
        can_send=actor.can(Permission.BROADCAST_SEND),
        sent_id=sent_id,
    )


@router.get("/incidents/{incident_id}/broadcasts", response_class=HTMLResponse)
def broadcasts_page(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _page(request, db, session, incident_id)


def _refused(refusal: Refusal) -> Response:
    """The page again, the form filled in as it was sent, with what is wrong."""
    return _page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        status_code=refusal.error.status_code,
        typed=refusal.typed,
        error=refusal.error,
    )


async def _typed_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in FIELDS}


# The broadcast's form as typed.
Typed = Annotated[dict[str, str], Depends(_typed_form)]


@router.post("/incidents/{incident_id}/broadcasts/preview", response_class=HTMLResponse)
@refused_with(_refused)
def broadcast_preview(
    request: Request, db: DB, session: CheckedForm, incident_id: str, typed: Typed
) -> Response:
    """The texts as each language's families will read them, and exactly whom they reach."""
    shown = preview(db, actor_of(session), incident_id, draft_of(typed))
    return _page(request, db, session, incident_id, typed=typed, shown=shown)


@router.post("/incidents/{incident_id}/broadcasts")
@refused_with(_refused)
def broadcast_send(db: DB, session: CheckedForm, incident_id: str, typed: Typed) -> Response:
    sent = send(db, actor_of(session), incident_id, draft_of(typed))
    return RedirectResponse(
        f"/incidents/{incident_id}/broadcasts?sent={sent.id}#broadcast-{sent.id}", status_code=303
    )
