"""Who may send a page its request, declared on the route, and the answers to what the
declarations and the domain raise.

A page route takes ``SignedIn`` (a GET) or ``CheckedForm`` (a POST: signed in, and the
form's token is the session's); these raise ``SignInRequired`` or ``FormExpired``. The
application's handlers (``consular.app``) turn them, a ``NotFound`` and a refused change
(``Conflict``, ``InvalidInput``) into the page to show. The exception has rolled back the
request's unit of work on its way there, so nothing the route did is saved; the page that
shows a refusal (named on the route with ``@refused_with``) is rendered in a fresh one,
with what the person typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from consular.auth.models import WebSession
from consular.db import reading_unit
from consular.errors import DomainError, NotFound
from consular.web.common import form_ok, page_for, session_of, with_form_cookie
from consular.web.deps import DB, ReadDB


class SignInRequired(Exception):
    """No live session: sign in, then come back to ``next_path``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class FormExpired(Exception):
    """The form's token is missing or not the one this browser was given: nothing is done."""


def _signed_in(request: Request, db: DB) -> WebSession:
    session = session_of(request, db)
    if session is None:
        raise SignInRequired(request.url.path)
    return session


def _reading_signed_in(request: Request, db: ReadDB) -> WebSession:
    return _signed_in(request, db)


SignedIn = Annotated[WebSession, Depends(_signed_in)]
# The signed-in session of a route that reads in ``ReadDB`` (long work, no write lock).
ReadingSignedIn = Annotated[WebSession, Depends(_reading_signed_in)]


def _checked(request: Request, session: WebSession | None, csrf_token: str) -> None:
    if not form_ok(request, session, csrf_token):
        raise FormExpired()


def _checked_form(
    request: Request, session: SignedIn, csrf_token: Annotated[str, Form()] = ""
) -> WebSession:
    _checked(request, session, csrf_token)
    return session


def _reading_checked_form(
    request: Request, session: ReadingSignedIn, csrf_token: Annotated[str, Form()] = ""
) -> WebSession:
    _checked(request, session, csrf_token)
    return session


def _cookie_form(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    _checked(request, None, csrf_token)


def _open_form(
    request: Request, db: DB, csrf_token: Annotated[str, Form()] = ""
) -> WebSession | None:
    session = session_of(request, db)
    _checked(request, session, csrf_token)
    return session


# A form post of a signed-in user, its token checked against the session's.
CheckedForm = Annotated[WebSession, Depends(_checked_form)]
ReadingCheckedForm = Annotated[WebSession, Depends(_reading_checked_form)]
# A form sent before sign-in (sign-in, the public status page): the token is the form
# cookie's (double submit), since there is no session to hold it.
CookieForm = Annotated[None, Depends(_cookie_form)]
# A form anyone may send (the language): the session's token if signed in, else the cookie's.
OpenForm = Annotated[WebSession | None, Depends(_open_form)]


@dataclass(frozen=True)
class Refusal:
    """A change the domain refused, with what its page needs to show it again."""

    request: Request
    db: Session  # a fresh unit of work: the refused one was rolled back
    session: WebSession
    error: DomainError
    typed: Mapping[str, str]  # the form as sent, to fill it in again

    def path_param(self, name: str) -> str:
        return str(self.request.path_params[name])


RefusalPage = Callable[[Refusal], Response]
_REFUSAL_PAGE = "consular_refusal_page"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def refused_with(render: RefusalPage) -> Callable[[Endpoint], Endpoint]:
    """Name the page that shows this route's refused change (the case with the reason)."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _REFUSAL_PAGE, render)
        return endpoint

    return mark


def on_page(
    page: Callable[..., Response],
    param: str | None = None,
    *,
    status_code: int | None = None,
    kept: bool = False,
) -> RefusalPage:
    """The refusal said on ``page``, called as ``page(request, db, session[, the path's
    param], status_code=…, error=…)``; the status is the error's unless given. With
    ``kept``, the page also gets ``kept={the form's action: what was typed}`` to fill the
    refused form in again."""

    def render(refusal: Refusal) -> Response:
        ident = (refusal.path_param(param),) if param else ()
        again = {"kept": {refusal.request.url.path: refusal.typed}} if kept else {}
        return page(
            refusal.request,
            refusal.db,
            refusal.session,
            *ident,
            status_code=status_code or refusal.error.status_code,
            error=refusal.error,
            **again,
        )

    return render


def sign_in_target(path: str) -> str:
    return "/sign-in" if path == "/" else f"/sign-in?next={quote(path, safe='/')}"


def _fresh_unit(request: Request) -> AbstractContextManager[Session]:
    # Only reads: the page of a refusal or an error saves nothing.
    return reading_unit(request.app.state.session_factory)


def _error_page(request: Request, status_code: int, kind: str) -> Response:
    """The form-expired or not-found page, for whoever is signed in (if anyone)."""
    with _fresh_unit(request) as db:
        page, fresh = page_for(request, session_of(request, db))
        response = page.render(request, "error.html", status_code=status_code, kind=kind)
    # The public status page's answers stay out of search engines; no error page belongs there.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return with_form_cookie(request, response, fresh)


def _refusal_page(
    request: Request, render: RefusalPage | None, error: DomainError, typed: dict[str, str]
) -> Response:
    with _fresh_unit(request) as db:
        session = session_of(request, db)
        if session is None:
            return RedirectResponse(sign_in_target(request.url.path), status_code=303)
        if render is None:
            page, _ = page_for(request, session)
            return page.render(
                request, "error.html", status_code=error.status_code, kind="refused", error=error
            )
        try:
            return render(Refusal(request, db, session, error, typed))
        except NotFound:  # the record went meanwhile: this handler is the 404 page's too
            page, _ = page_for(request, session)
            return page.render(request, "error.html", status_code=404, kind="not_found")


async def _typed(request: Request) -> dict[str, str]:
    # The form was read, and kept on the request, when the route's fields were parsed.
    form = await request.form()
    return {
        name: value
        for name, value in form.multi_items()
        if isinstance(value, str) and name != "csrf_token"
    }


# The answers below are the application's exception handlers for the pages (registered in
# ``consular.app``): an exception reaches them after the request's unit of work rolled back.


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(sign_in_target(exc.next_path), status_code=303)


async def form_expired(request: Request, exc: Exception) -> Response:
    return await run_in_threadpool(_error_page, request, 400, "form_expired")


async def refused_page(request: Request, error: DomainError) -> Response:
    """A page's answer to a domain error: not found, or the route's page of a refusal."""
    if isinstance(error, NotFound):
        return await run_in_threadpool(_error_page, request, 404, "not_found")
    render = getattr(request.scope.get("endpoint"), _REFUSAL_PAGE, None)
    typed = await _typed(request)
    return await run_in_threadpool(_refusal_page, request, render, error, typed)
