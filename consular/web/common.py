"""What every page of the workspace does: find the session, render, check the form's token,
and answer a refused change with a page a person can act on."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from consular.auth.models import WebSession
from consular.auth.service import Actor
from consular.auth.sessions import actor_of, current_session, new_token
from consular.config import Settings
from consular.errors import Conflict, DomainError, InvalidInput, NotFound
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


def signed_in(request: Request, db: DB) -> WebSession | Response:
    """The signed-in session, or the way to the sign-in page (and back here after it)."""
    session = session_of(request, db)
    if session is not None:
        return session
    path = request.url.path
    target = "/sign-in" if path == "/" else f"/sign-in?next={quote(path, safe='/')}"
    return RedirectResponse(target, status_code=303)


def page_for(request: Request, session: WebSession | None) -> tuple[Page, str | None]:
    """The page context, and a new form cookie to set when the browser has none yet."""
    language = request_language(request)
    if session is not None:
        post = session.user.post
        zone = post.time_zone if post is not None else "UTC"
        return Page(language, session.user, session.csrf_token, zone), None
    token = request.cookies.get(FORM_COOKIE)
    fresh = None if token else new_token()
    return Page(language, None, token or fresh or ""), fresh


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


def expired(request: Request, page: Page) -> HTMLResponse:
    return page.render(request, "error.html", status_code=400, kind="form_expired")


def not_found(request: Request, page: Page) -> HTMLResponse:
    return page.render(request, "error.html", status_code=404, kind="not_found")


def client_address(request: Request) -> str:
    """The client's address, as the server was told it (behind a proxy: X-Forwarded-For)."""
    return request.client.host if request.client else "-"


def signed_in_form(request: Request, db: DB, csrf_token: str) -> WebSession | Response:
    """The session of a form post, or the answer to give instead (sign-in, expired form)."""
    session = signed_in(request, db)
    if isinstance(session, Response) or form_ok(request, session, csrf_token):
        return session
    page, _ = page_for(request, session)
    return expired(request, page)


def submit(
    request: Request,
    db: DB,
    csrf_token: str,
    change: Callable[[Actor], object],
    done: str,
    refused: Callable[[WebSession, DomainError], Response],
) -> Response:
    """Make a change, then go to ``done`` (Post/Redirect/Get).

    A change the domain refuses (the case moved on, someone else decided first) saves
    nothing and answers ``refused(session, error)``; unknown or not allowed is a 404 page.
    """
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    try:
        change(actor_of(session))
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except (Conflict, InvalidInput) as exc:
        db.rollback()
        return refused(session, exc)
    return RedirectResponse(done, status_code=303)
