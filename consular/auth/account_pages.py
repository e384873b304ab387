"""My account: the signed-in user sees and changes their own e-mail and phone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.contact import set_contact
from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.phones import shown_phone
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for, settings_of
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

ACCOUNT = "/account"


def _account_page(
    request: Request,
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    user = session.user
    return page.render(
        request,
        "account.html",
        status_code=status_code,
        account=user,
        typed=typed
        if typed is not None
        else {"email": user.email, "phone": shown_phone(user.phone)},
        wrong=error.details.get("fields", {}) if error is not None else {},
        error=error,
        saved=request.query_params.get("saved") == "1" and error is None,
        lead_hours=f"{settings_of(request).reminder_lead_hours:g}",
    )


def _refused(refusal: Refusal) -> Response:
    return _account_page(
        refusal.request,
        refusal.db,
        refusal.session,
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=refusal.typed,
    )


@router.get(ACCOUNT, response_class=HTMLResponse)
def account_page(request: Request, db: DB, session: SignedIn) -> Response:
    """The signed-in user's name, role, post, and where their reminders reach them."""
    return _account_page(request, db, session)


@router.post(ACCOUNT, response_class=HTMLResponse)
@refused_with(_refused)
def account_contact(
    db: DB,
    session: CheckedForm,
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
) -> Response:
    set_contact(db, actor_of(session), session.user.name, email=email, phone=phone)
    return RedirectResponse(f"{ACCOUNT}?saved=1", status_code=303)
