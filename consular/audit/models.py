from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, utcnow


class AuditEvent(Base):
    """Append-only, hash-chained: each row carries the hash of the row before it."""

    __tablename__ = "audit_event"
    # An incident's timeline finds the events about it, its lists and its flights by target.
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    tag: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    diff: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row, made by the migrations: the last sequence number and hash. Appenders lock it,
    so the chain never forks; without it the log was deleted, and nothing is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))
    # This database's chain, named in signed checkpoints: one from elsewhere is refused.
    chain_id: Mapped[str] = mapped_column(String(36))


class TimelineVisit(Base):
    """When a user last opened an incident's timeline: what came after is new to them."""

    __tablename__ = "timeline_visit"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]
    # The last event of the log when they looked: a later one is new to them.
    seen_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
