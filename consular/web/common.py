"""What every page of the workspace needs: the session of its cookie, the page to render
with, and the form token it checks (``consular.web.access`` declares who may call a page)."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import object_session

from consular.auth.models import WebSession
from consular.auth.sessions import current_session, new_token
from consular.config import Settings
from consular.incidents.team import WORKING_ROLES
from consular.notifications.reminders import count_due
from consular.web.deps import DB
from consular.web.pages import Page, request_language

SESSION_COOKIE = "consular_session"
# Before sign-in there is no session to hold the form token: it lives in its own cookie
# and must come back in the form (double submit).
FORM_COOKIE = "consular_form"


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def session_of(request: Request, db: DB) -> WebSession | None:
    return current_session(db, settings_of(request), request.cookies.get(SESSION_COOKIE))


def page_for(request: Request, session: WebSession | None) -> tuple[Page, str | None]:
    """The page context, and a new form cookie to set when the browser has none yet."""
    language = request_language(request)
    if session is not None:
        post = session.user.post
        zone = post.time_zone if post is not None else "UTC"
        page = Page(language, session.user, session.csrf_token, zone)
        page.due_count = _due_count(request, session)
        page.due_link = _served(request, MY_WORK)
        return page, None
    token = request.cookies.get(FORM_COOKIE)
    fresh = None if token else new_token()
    return Page(language, None, token or fresh or ""), fresh


MY_WORK = "/my-work"


def _served(request: Request, path: str) -> str | None:
    """``path`` if the application serves it (the badge links to "My work" once it is)."""
    routes = request.app.router.routes
    return path if any(getattr(route, "path", None) == path for route in routes) else None


def _due_count(request: Request, session: WebSession) -> int | None:
    """The signed-in officer's items overdue or due within the lead time, for the badge."""
    db = object_session(session)
    if db is None or session.user.role not in WORKING_ROLES:
        return None
    return count_due(db, session.user.id, settings_of(request).reminder_lead_hours)


def with_form_cookie(request: Request, response: Response, fresh: str | None) -> Response:
    if fresh is not None:
        response.set_cookie(
            FORM_COOKIE,
            fresh,
            httponly=True,
            samesite="lax",
            secure=settings_of(request).secure_cookies,
        )
    return response


def form_ok(request: Request, session: WebSession | None, submitted: str) -> bool:
    expected = session.csrf_token if session is not None else request.cookies.get(FORM_COOKIE)
    return bool(expected) and secrets.compare_digest(expected or "", submitted)


def client_address(request: Request) -> str:
    """The client's address, as the server was told it (behind a proxy: X-Forwarded-For)."""
    return request.client.host if request.client else "-"
