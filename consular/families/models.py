"""Status lookup codes and the failed lookups kept for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, UUIDPrimaryKey, utcnow


class FamilyCode(UUIDPrimaryKey, Base):
    """A code an officer gave a named contact, to look up one case's coarse status.

    Only the code's SHA-256 is stored: the code itself is shown once, when it is issued.
    """

    __tablename__ = "family_code"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120))
    # The emergency contact on record with that name, when there is one.
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("emergency_contact.id", ondelete="SET NULL")
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class StatusLookupFailure(UUIDPrimaryKey, Base):
    """A lookup that found nothing, kept for throttling by the code typed and the client."""

    __tablename__ = "status_lookup_failure"

    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
