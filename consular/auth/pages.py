"""Signing in and out, the language, and the administration of users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from consular.auth.models import Post, User, WebSession
from consular.auth.permissions import Permission, Role
from consular.auth.service import Actor, create_user, deactivate_user, generate_password
from consular.auth.sessions import (
    actor_of,
    clear_sign_in_failures,
    recent_failures,
    sign_in,
    sign_out,
    unlockable_by,
)
from consular.errors import Conflict, InvalidInput, NotFound, Throttled, Unauthenticated
from consular.i18n import LANGUAGE_COOKIE, LANGUAGES
from consular.registry.models import Employer
from consular.web.common import (
    SESSION_COOKIE,
    client_address,
    expired,
    form_ok,
    not_found,
    page_for,
    session_of,
    settings_of,
    signed_in,
    signed_in_form,
    submit,
    with_form_cookie,
)
from consular.web.deps import DB

ONE_YEAR_S = 365 * 24 * 3600

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only a path on this site: never an address elsewhere (open redirect).
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, db: DB, next: str = "/") -> Response:
    session = session_of(request, db)
    if session is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    page, fresh = page_for(request, None)
    response = page.render(request, "sign_in.html", name="", next=_safe_next(next))
    return with_form_cookie(request, response, fresh)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_submit(
    request: Request,
    db: DB,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    page, fresh = page_for(request, None)
    if not form_ok(request, None, csrf_token):
        return with_form_cookie(request, expired(request, page), fresh)
    client = client_address(request)
    try:
        signed = sign_in(db, settings_of(request), name, password, client)
    except Throttled as exc:
        response = page.render(
            request,
            "sign_in.html",
            status_code=429,
            name=name,
            next=_safe_next(next),
            error="throttled",
            minutes=max(1, (exc.retry_after_s + 59) // 60),
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except Unauthenticated:
        return page.render(
            request,
            "sign_in.html",
            status_code=401,
            name=name,
            next=_safe_next(next),
            error="wrong",
        )
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=settings_of(request).secure_cookies,
    )
    return redirect


@router.post("/sign-out")
def sign_out_submit(request: Request, db: DB, csrf_token: Annotated[str, Form()] = "") -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    if not form_ok(request, session, csrf_token):
        page, _ = page_for(request, session)
        return expired(request, page)
    sign_out(db, session)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language_submit(
    request: Request,
    db: DB,
    language: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    session = session_of(request, db)
    page, fresh = page_for(request, session)
    if not form_ok(request, session, csrf_token) or language not in LANGUAGES:
        return with_form_cookie(request, expired(request, page), fresh)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=ONE_YEAR_S, samesite="lax")
    return response


def _admin_page(
    request: Request,
    db: DB,
    session: WebSession,
    *,
    status_code: int = 200,
    error: str | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    # Administrators manage users; supervisors only unlock those of their own post.
    if not (actor.can(Permission.USER_ADMIN) or actor.can(Permission.SIGN_IN_UNLOCK)):
        return not_found(request, page)
    users = db.scalars(select(User).order_by(User.name)).all()
    return page.render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=[user for user in users if unlockable_by(actor, user)],
        manages_users=actor.can(Permission.USER_ADMIN),
        failures=recent_failures(db, settings_of(request)),
        posts=db.scalars(select(Post.name).order_by(Post.name)).all(),
        employers=db.scalars(select(Employer.name).order_by(Employer.name)).all(),
        employer_names={
            ident: name for ident, name in db.execute(select(Employer.id, Employer.name))
        },
        roles=[str(role) for role in Role],
        error=error,
        created=created,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, db: DB) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _admin_page(request, db, session)


@router.post("/admin/users", response_class=HTMLResponse)
def admin_create_user(
    request: Request,
    db: DB,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    post: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create a user; the new password is shown on this answer only."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    password = generate_password()
    try:
        create_user(
            db,
            actor_of(session),
            name=name.strip(),
            role=role,
            password=password,
            post=post or None,
            employer=employer or None,
        )
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except (Conflict, InvalidInput) as exc:
        db.rollback()
        return _admin_page(request, db, session, status_code=409, error=str(exc))
    return _admin_page(request, db, session, status_code=201, created=(name.strip(), password))


@router.post("/admin/users/{user_id}/deactivate")
def admin_deactivate_user(
    request: Request, db: DB, user_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: deactivate_user(db, actor, user_id),
        "/admin/users",
        lambda session, error: _admin_page(request, db, session, status_code=409, error=str(error)),
    )


@router.post("/admin/users/{user_id}/unlock")
def admin_unlock_user(
    request: Request, db: DB, user_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Forget a user's failed sign-ins, so the user may sign in again at once."""

    def unlock(actor: Actor) -> None:
        user = db.get(User, user_id)
        if user is None:
            raise NotFound("user", user_id)
        clear_sign_in_failures(db, actor, user.name)

    return submit(
        request,
        db,
        csrf_token,
        unlock,
        "/admin/users",
        lambda session, error: _admin_page(request, db, session, status_code=409, error=str(error)),
    )
