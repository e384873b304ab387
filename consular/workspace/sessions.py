"""Signing in and out of the workspace, with throttling of failed attempts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from consular import audit
from consular.auth.service import Actor, authenticate_password
from consular.config import Settings
from consular.db import utcnow
from consular.errors import Throttled, Unauthenticated
from consular.workspace.models import SignInFailure, WebSession

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


def sign_in(db: Session, settings: Settings, name: str, password: str, client: str) -> SignedIn:
    """Start a session, or raise :class:`Throttled` or ``Unauthenticated``.

    A failure is recorded (and audited) in the caller's transaction, so the caller must
    commit it even though the sign-in failed.
    """
    name = name.strip()
    now = utcnow()
    window = timedelta(minutes=settings.sign_in_window_minutes)
    recent = (
        select(func.count(), func.min(SignInFailure.at))
        .where(SignInFailure.at > now - window)
        .where(or_(SignInFailure.user_name == name, SignInFailure.client == client))
    )
    failures, oldest = db.execute(recent).one()
    if failures >= settings.sign_in_attempts and oldest is not None:
        raise Throttled(max(int((oldest + window - now).total_seconds()) + 1, 1))
    try:
        actor = authenticate_password(db, name, password)
    except Unauthenticated:
        db.add(SignInFailure(user_name=name[:120], client=client[:64], at=now))
        audit.record(
            db,
            actor=name[:120] or "-",
            tag="auth:sign_in:failed",
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
        tag="auth:sign_in",
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
        tag="auth:sign_out",
        target_type="web_session",
        target_id=session.id,
        diff={},
    )


def actor_of(session: WebSession) -> Actor:
    return Actor.from_user(session.user)
