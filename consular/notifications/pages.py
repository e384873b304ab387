"""Messages to families that failed, and sending them again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.notifications.service import failures, send_again
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)


def _failures_page(
    request: Request,
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    rows = failures(db, actor_of(session))
    return page.render(request, "failures.html", status_code=status_code, rows=rows, error=error)


@router.get("/messages/failures", response_class=HTMLResponse)
def failures_page(request: Request, db: DB, session: SignedIn) -> Response:
    """Messages to families that failed: given up, or waiting to be tried again."""
    return _failures_page(request, db, session)


_refused = on_page(_failures_page, status_code=409)


@router.post("/messages/{notification_id}/retry")
@refused_with(_refused)
def message_retry(db: DB, session: CheckedForm, notification_id: str) -> Response:
    send_again(db, actor_of(session), notification_id)
    return RedirectResponse("/messages/failures", status_code=303)
