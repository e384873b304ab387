"""Signing in and out, the language, and the administration of users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.models import Post, User, WebSession
from consular.auth.permissions import Permission, Role
from consular.auth.service import create_user, deactivate_user, generate_password
from consular.auth.sessions import (
    actor_of,
    clear_sign_in_failures,
    recent_failures,
    sign_in,
    sign_out,
    unlockable_by,
)
from consular.errors import DomainError, NotFound, Throttled, Unauthenticated
from consular.i18n import LANGUAGE_COOKIE, LANGUAGES
from consular.registry.models import Employer
from consular.web.access import (
    CheckedForm,
    CookieForm,
    FormExpired,
    OpenForm,
    SignedIn,
    on_page,
    refused_with,
)
from consular.web.common import (
    SESSION_COOKIE,
    client_address,
    page_for,
    session_of,
    settings_of,
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
    _form: CookieForm,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    # A wrong password is answered here, not raised: its failure is counted (and saved)
    # for the throttle.
    page, _ = page_for(request, None)
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
def sign_out_submit(db: DB, session: CheckedForm) -> Response:
    sign_out(db, session)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language_submit(
    _form: OpenForm,
    language: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if language not in LANGUAGES:
        raise FormExpired()  # not a form of ours
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=ONE_YEAR_S, samesite="lax")
    return response


def _admin_page(
    request: Request,
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    # Administrators manage users; supervisors only unlock those of their own post.
    if not (actor.can(Permission.USER_ADMIN) or actor.can(Permission.SIGN_IN_UNLOCK)):
        raise NotFound("users")
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


_admin_refused = on_page(_admin_page, status_code=409)


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, db: DB, session: SignedIn) -> Response:
    return _admin_page(request, db, session)


@router.post("/admin/users", response_class=HTMLResponse)
@refused_with(_admin_refused)
def admin_create_user(
    request: Request,
    db: DB,
    session: CheckedForm,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    post: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
) -> Response:
    """Create a user; the new password is shown on this answer only."""
    password = generate_password()
    create_user(
        db,
        actor_of(session),
        name=name.strip(),
        role=role,
        password=password,
        post=post or None,
        employer=employer or None,
    )
    return _admin_page(request, db, session, status_code=201, created=(name.strip(), password))


@router.post("/admin/users/{user_id}/deactivate")
@refused_with(_admin_refused)
def admin_deactivate_user(db: DB, session: CheckedForm, user_id: str) -> Response:
    deactivate_user(db, actor_of(session), user_id)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/unlock")
@refused_with(_admin_refused)
def admin_unlock_user(db: DB, session: CheckedForm, user_id: str) -> Response:
    """Forget a user's failed sign-ins, so the user may sign in again at once."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    clear_sign_in_failures(db, actor_of(session), user.name)
    return RedirectResponse("/admin/users", status_code=303)
