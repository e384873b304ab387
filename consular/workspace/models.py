"""Browser sessions and failed sign-ins, stored so that any server process can check them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.auth.models import User
from consular.db import Base, UUIDPrimaryKey, utcnow


class WebSession(UUIDPrimaryKey, Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Every form carries this token; a form posted without it is refused (CSRF).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class SignInFailure(UUIDPrimaryKey, Base):
    """One failed sign-in, kept for throttling (by user name and by client address)."""

    __tablename__ = "sign_in_failure"

    user_name: Mapped[str] = mapped_column(String(120), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
