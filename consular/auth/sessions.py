"""Signing in and out of the workspace, with throttling of failed attempts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import SignInFailure, User, WebSession
from consular.auth.permissions import Permission
from consular.auth.service import Actor, authenticate_password
from consular.config import Settings
from consular.db import utcnow
from consular.errors import NotFound, Throttled, Unauthenticated

# A session's last_seen_at is written at most this often, not on every page.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie; never stored
    session: WebSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _throttle(db: Session, settings: Settings, name: str, client: str) -> None:
    """Refuse while this name at this address, or this address for any name, failed too often.

    A name is never held back everywhere: failures at one address leave its owner free to
    sign in from another, so nobody can lock an officer out from afar.
    """
    now = utcnow()
    window = timedelta(minutes=settings.sign_in_window_minutes)
    of_name = SignInFailure.user_name == name
    recent = select(
        func.count().filter(of_name),
        func.min(SignInFailure.at).filter(of_name),
        func.count(),
        func.min(SignInFailure.at),
    ).where(SignInFailure.at > now - window, SignInFailure.client == client)
    name_failures, name_oldest, client_failures, client_oldest = db.execute(recent).one()
    for failures, oldest, limit in (
        (name_failures, name_oldest, settings.sign_in_attempts),
        (client_failures, client_oldest, settings.sign_in_attempts_per_client),
    ):
        if failures >= limit and oldest is not None:
            raise Throttled(max(int((oldest + window - now).total_seconds()) + 1, 1))


def sign_in(db: Session, settings: Settings, name: str, password: str, client: str) -> SignedIn:
    """Start a session, or raise :class:`Throttled` or ``Unauthenticated``.

    A failure is recorded (and audited) in the caller's transaction, so the caller must
    commit it even though the sign-in failed.
    """
    name = name.strip()
    client = client[:64]
    _throttle(db, settings, name[:120], client)
    now = utcnow()
    try:
        actor = authenticate_password(db, name, password)
    except Unauthenticated:
        db.add(SignInFailure(user_name=name[:120], client=client, at=now))
        audit.record(
            db,
            actor=name[:120] or "-",
            tag=AuditTag.SIGN_IN_FAILED,
            target_type="user",
            target_id=name[:64],
            diff={"client": client},
        )
        raise
    token = new_token()
    assert actor.user_id is not None
    session = WebSession(
        token_hash=_hash(token),
        user_id=actor.user_id,
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
    )
    db.add(session)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.SIGN_IN,
        target_type="web_session",
        target_id=session.id,
        diff={"client": client},
    )
    return SignedIn(token, session)


def current_session(db: Session, settings: Settings, token: str | None) -> WebSession | None:
    """The live session of this cookie, or ``None`` (unknown, signed out, idle too long)."""
    if not token:
        return None
    session = db.scalar(
        select(WebSession).where(
            WebSession.token_hash == _hash(token), WebSession.ended_at.is_(None)
        )
    )
    if session is None or not session.user.active:
        return None
    now = utcnow()
    if now - session.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        session.ended_at = now
        return None
    if now - session.last_seen_at > _TOUCH_EVERY:
        session.last_seen_at = now
    return session


def sign_out(db: Session, session: WebSession) -> None:
    session.ended_at = utcnow()
    audit.record(
        db,
        actor=session.user.name,
        tag=AuditTag.SIGN_OUT,
        target_type="web_session",
        target_id=session.id,
        diff={},
    )


def actor_of(session: WebSession) -> Actor:
    return Actor.from_user(session.user)


def recent_failures(db: Session, settings: Settings) -> dict[str, int]:
    """Failed sign-ins within the window, by user name (at every address together)."""
    since = utcnow() - timedelta(minutes=settings.sign_in_window_minutes)
    rows = db.execute(
        select(SignInFailure.user_name, func.count())
        .where(SignInFailure.at > since)
        .group_by(SignInFailure.user_name)
    )
    return {name: count for name, count in rows}


def clear_sign_in_failures(db: Session, actor: Actor, name: str) -> int:
    """Forget a user's failed sign-ins (at every address), so the user may try again at once.

    Returns how many were forgotten; the failures stay in the audit log, and so does this.
    """
    actor.require(Permission.SIGN_IN_UNLOCK, "user", name)
    user = db.scalar(select(User).where(User.name == name))
    if user is None or not unlockable_by(actor, user):
        raise NotFound("user", name)
    cleared = db.execute(delete(SignInFailure).where(SignInFailure.user_name == user.name))
    count = int(getattr(cleared, "rowcount", 0) or 0)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.SIGN_IN_UNLOCK,
        target_type="user",
        target_id=user.id,
        diff={"name": user.name, "failures_cleared": count},
    )
    return count


def unlockable_by(actor: Actor, user: User) -> bool:
    """An administrator unlocks anyone; a supervisor, the users of their own post."""
    if actor.can(Permission.USER_ADMIN):
        return True
    return (
        actor.can(Permission.SIGN_IN_UNLOCK)
        and actor.post_id is not None
        and (user.post_id == actor.post_id)
    )


# What a change left to show is shown on the page it redirects to, at once; later, it is gone.
_SHOWN_WITHIN = timedelta(minutes=10)


def show_once(session: WebSession, kind: str, **values: str) -> None:
    """Keep ``values`` for the next page of this session to show, once (Post/Redirect/Get)."""
    session.shown_once = {"kind": kind, "at": utcnow().isoformat(), **values}


def take_shown_once(session: WebSession, kind: str, **matching: str) -> dict[str, str] | None:
    """What the last change left to show, if it is of ``kind`` for these values; it is gone
    once taken, so a reload shows nothing (and reveals nothing again)."""
    held = session.shown_once
    if not held or held.get("kind") != kind:
        return None
    if any(held.get(name) != value for name, value in matching.items()):
        return None
    session.shown_once = None
    if utcnow() - datetime.fromisoformat(held["at"]) > _SHOWN_WITHIN:
        return None
    return {name: str(value) for name, value in held.items() if name not in ("kind", "at")}
