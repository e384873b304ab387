"""Opening an incident from the workspace: the form, each refusal beside its field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.models import Post, WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.errors import DomainError, InvalidInput, NotFound
from consular.fields import FieldError, limit_of, parse_country
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.models import Incident
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import create_incident
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

FIELDS = ("title", "host_country", "place", "agency", "worksite", "started_at", "post")
_REQUIRED = ("title", "host_country", "place", "started_at")
_LIMITS = {
    "title": limit_of(Incident.title),
    "place": limit_of(Incident.place),
    "agency": limit_of(Incident.agency),
    "worksite": limit_of(Incident.worksite),
}


def _opening_page(
    request: Request,
    db: Session,
    session: WebSession,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    actor.require(Permission.INCIDENT_WRITE, "page", "/incidents/new")
    # Headquarters chooses the post in charge; an officer of a post opens for their own.
    posts = db.scalars(select(Post).order_by(Post.name)).all() if actor.post_id is None else []
    wrong = dict(error.details.get("fields", {})) if error else {}
    if error and not wrong and posts:
        # The service refuses only the post (unknown, or not theirs): said beside it.
        wrong = {"post": error.message}
    return page.render(
        request,
        "incident_new.html",
        status_code=status_code,
        posts=posts,
        typed=typed or {"host_country": "USA"},
        wrong=wrong,
        limits=_LIMITS,
        error=error,
    )


def _opening_refused(refusal: Refusal) -> Response:
    return _opening_page(
        refusal.request,
        refusal.db,
        refusal.session,
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=refusal.typed,
    )


@router.get("/incidents/new", response_class=HTMLResponse)
def opening_page(request: Request, db: DB, session: SignedIn) -> Response:
    return _opening_page(request, db, session)


def _zone(db: Session, session: WebSession, post_name: str) -> ZoneInfo:
    """The time zone the start is typed in: the chosen post's, else the reader's post's."""
    post = db.scalar(select(Post).where(Post.name == post_name)) if post_name else None
    post = post or session.user.post
    return ZoneInfo(post.time_zone if post is not None else "UTC")


def opening_plan(typed: Mapping[str, str], zone: ZoneInfo) -> IncidentCreate:
    """The incident as typed; every value that cannot be taken is refused by its field."""
    wrong: dict[str, Message] = {}
    for name in _REQUIRED:
        if not typed.get(name, "").strip():
            wrong[name] = Message("incident.field_missing", N_("Fill this in."))
    for name, limit in _LIMITS.items():
        if len(typed.get(name, "").strip()) > limit:
            wrong[name] = Message(
                "incident.field_long", N_("At most %(limit)s characters."), limit=limit
            )
    country = None
    try:
        country = parse_country(typed.get("host_country", ""))
    except FieldError as exc:
        wrong["host_country"] = exc.message
    started = _started(typed.get("started_at", ""), zone)
    if started is None and "started_at" not in wrong:
        wrong["started_at"] = Message(
            "incident.started_at",
            N_("Give the start as YYYY-MM-DDTHH:MM, in the post's time zone."),
        )
    if wrong or country is None or started is None:
        raise InvalidInput(
            "incident.form",
            N_("The incident was not opened: correct the marked fields."),
            details={"fields": wrong},
        )
    return IncidentCreate(
        title=typed["title"].strip(),
        host_country=country,
        place=typed["place"].strip(),
        agency=typed.get("agency", "").strip(),
        worksite=typed.get("worksite", "").strip(),
        started_at=started,
        post=typed.get("post", "").strip() or None,
    )


def _started(text: str, zone: ZoneInfo) -> datetime | None:
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return local if local.tzinfo else local.replace(tzinfo=zone)


@router.post("/incidents/new")
@refused_with(_opening_refused)
def opening(
    db: DB,
    session: CheckedForm,
    title: Annotated[str, Form()] = "",
    host_country: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    agency: Annotated[str, Form()] = "",
    worksite: Annotated[str, Form()] = "",
    started_at: Annotated[str, Form()] = "",
    post: Annotated[str, Form()] = "",
) -> Response:
    """Open an incident; the start is read in the post's time zone."""
    actor = actor_of(session)
    if not actor.can(Permission.INCIDENT_WRITE):
        raise NotFound("page", "/incidents/new")
    typed = {
        "title": title,
        "host_country": host_country,
        "place": place,
        "agency": agency,
        "worksite": worksite,
        "started_at": started_at,
        "post": post if actor.post_id is None else "",
    }
    plan = opening_plan(typed, _zone(db, session, typed["post"]))
    incident = create_incident(db, actor, plan)
    return RedirectResponse(f"/incidents/{incident.id}", status_code=303)
