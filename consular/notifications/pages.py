"""Messages to families that failed, and sending them again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.errors import NotFound
from consular.notifications.service import failures, send_again
from consular.web.common import not_found, page_for, signed_in, submit
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _failures_page(
    request: Request,
    db: DB,
    session: WebSession,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    page, _ = page_for(request, session)
    try:
        rows = failures(db, actor_of(session))
    except NotFound:
        return not_found(request, page)
    return page.render(request, "failures.html", status_code=status_code, rows=rows, error=error)


@router.get("/messages/failures", response_class=HTMLResponse)
def failures_page(request: Request, db: DB) -> Response:
    """Messages to families that failed: given up, or waiting to be tried again."""
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _failures_page(request, db, session)


@router.post("/messages/{notification_id}/retry")
def message_retry(
    request: Request, db: DB, notification_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: send_again(db, actor, notification_id),
        "/messages/failures",
        lambda session, error: _failures_page(
            request, db, session, status_code=409, error=str(error)
        ),
    )
