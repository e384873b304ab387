"""A post's roster of counsel, interpreters and support organisations; a case's referrals to
them, its hearings and its bond."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class Provider(UUIDPrimaryKey, Timestamps, Base):
    """A lawyer, interpreter, support organisation or medical service the post refers
    detainees to. Its phone is stored in E.164 (``consular.phones``); an inactive one stays
    on the roster (its referrals name it) but is offered for no new referral."""

    __tablename__ = "provider"
    __table_args__ = (UniqueConstraint("post_id", "name"),)

    post_id: Mapped[str] = mapped_column(ForeignKey("post.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # lawyer, interpreter, ngo, medical
    # ISO 639-1 codes, in the order the provider gave them (["ko", "en"]).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # What they take on and where, as written (immigration law, Georgia).
    areas: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Referral(UUIDPrimaryKey, Timestamps, Base):
    """A case referred to a provider, with the detainee's consent and how it was given."""

    __tablename__ = "referral"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("provider.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="offered")
    # How and when the detainee agreed ("at the welfare interview on 9/6"); never empty.
    consent_note: Mapped[str] = mapped_column(Text, info={"max_length": 1000})
    outcome: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    made_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    provider: Mapped[Provider] = relationship(lazy="joined")


class Hearing(UUIDPrimaryKey, Base):
    """A hearing of the case before the host country's court (stored in UTC, typed and
    shown in the post's time zone)."""

    __tablename__ = "hearing"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # master_calendar, bond, merits, other
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Bond(UUIDPrimaryKey, Timestamps, Base):
    """The bond set for a case's release: one per case, changed as it is paid or denied."""

    __tablename__ = "bond"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), unique=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    payer: Mapped[str] = mapped_column(String(16))  # detainee, family, employer, other
    state: Mapped[str] = mapped_column(String(8), default="set")  # set, paid, denied
    note: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    recorded_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)


class HearingReminder(Base):
    """A hearing an officer was told of: the reminder scan tells each officer once."""

    __tablename__ = "hearing_reminder"

    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearing.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    reminded_at: Mapped[datetime] = mapped_column(default=utcnow)
