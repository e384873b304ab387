from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from consular.sealing import SealedJSON


class Post(UUIDPrimaryKey, Timestamps, Base):
    """A diplomatic post (embassy or consulate) in charge of incidents in its district."""

    __tablename__ = "post"

    # The English name, by which commands and the API name the post; and the Korean one.
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200), default="", server_default="")
    country: Mapped[str] = mapped_column(String(3))
    city: Mapped[str] = mapped_column(String(120), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    phone: Mapped[str] = mapped_column(String(40), default="")

    def name_in(self, language: str) -> str:
        """The post's name in the reader's language, else in the other one."""
        return post_name(self.name, self.name_ko, language)


def post_name(english: str, korean: str, language: str) -> str:
    """A post's name in ``language`` (``ko`` or ``en``), falling back to the other."""
    return (korean or english) if language == "ko" else (english or korean)


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "user_account"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    post_id: Mapped[str | None] = mapped_column(ForeignKey("post.id"), index=True)
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employer.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Where reminders of the officer's own deadlines reach them ("" if not given).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")

    post: Mapped[Post | None] = relationship(lazy="joined")


class ApiToken(UUIDPrimaryKey, Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


# Browser sessions and failed sign-ins, stored so that any server process can check them.
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
    # What the answer to a change shows once, on the page it leads to (a revealed number, a
    # family code): sealed, and taken away when shown, so that a reload shows nothing.
    shown_once: Mapped[dict[str, Any] | None] = mapped_column(
        SealedJSON("web_session.shown_once"), default=None
    )

    user: Mapped[User] = relationship(lazy="joined")


class SignInFailure(UUIDPrimaryKey, Base):
    """One failed sign-in, kept for throttling (by user name and by client address)."""

    __tablename__ = "sign_in_failure"

    user_name: Mapped[str] = mapped_column(String(120), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
