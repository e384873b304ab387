"""The outbox as it is, for supervisors: what waits and why, what fails, what was given up;
sending again and cancelling."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.notifications.service import GROUPS, cancel, outbox_state, send_again
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for, settings_of
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

OUTBOX = "/messages"


def _outbox_page(
    request: Request,
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    number = request.query_params.get("page", "1")
    state = outbox_state(
        db, actor_of(session), settings_of(request), int(number) if number.isdigit() else 1
    )
    return page.render(
        request, "outbox.html", status_code=status_code, state=state, groups=GROUPS, error=error
    )


@router.get(OUTBOX, response_class=HTMLResponse)
def outbox_page(request: Request, db: DB, session: SignedIn) -> Response:
    """Messages to families: waiting (and why), failing, given up, cancelled, sent."""
    return _outbox_page(request, db, session)


@router.get("/messages/failures")
def failures_page(session: SignedIn) -> Response:
    """The former address of the page."""
    return RedirectResponse(OUTBOX, status_code=308)


_refused = on_page(_outbox_page, status_code=409)


@router.post("/messages/{notification_id}/retry")
@refused_with(_refused)
def message_retry(db: DB, session: CheckedForm, notification_id: str) -> Response:
    send_again(db, actor_of(session), notification_id)
    return RedirectResponse(OUTBOX, status_code=303)


@router.post("/messages/{notification_id}/cancel")
@refused_with(_refused)
def message_cancel(
    db: DB, session: CheckedForm, notification_id: str, reason: Annotated[str, Form()] = ""
) -> Response:
    cancel(db, actor_of(session), notification_id, reason)
    return RedirectResponse(OUTBOX, status_code=303)


@router.post("/messages/selected")
@refused_with(_refused)
async def messages_selected(request: Request, db: DB, session: CheckedForm) -> Response:
    """Send again or cancel every chosen message, all or none."""
    form = await request.form()
    actor = actor_of(session)
    reason = str(form.get("reason", ""))
    for notification_id in form.getlist("message_id"):
        if form.get("action") == "cancel":
            cancel(db, actor, str(notification_id), reason)
        else:
            send_again(db, actor, str(notification_id))
    return RedirectResponse(OUTBOX, status_code=303)
