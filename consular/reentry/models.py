from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class ReentryFacts(UUIDPrimaryKey, Timestamps, Base):
    """What an officer recorded for a case's re-entry assessment; None where not known
    (the assessment then takes what the case itself says, or reports it unknown)."""

    __tablename__ = "reentry_facts"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), unique=True
    )
    entry_status: Mapped[str | None] = mapped_column(String(10))
    entry_date: Mapped[date | None]
    admitted_until: Mapped[date | None]
    departure_mode: Mapped[str | None] = mapped_column(String(32))
    departed_on: Mapped[date | None]
    # Typed in when the dates cannot give it (no I-94 date known, say).
    unlawful_presence_days: Mapped[int | None] = mapped_column(Integer)
    prior_removals: Mapped[int] = mapped_column(Integer, default=0)
    misrepresentation_finding: Mapped[bool] = mapped_column(default=False)
    # None: not known whether a violation (unauthorized work, say) was found or alleged.
    status_violation: Mapped[bool | None] = mapped_column(default=None)
    recorded_by: Mapped[str] = mapped_column(String(120))


class ReentryAssessment(UUIDPrimaryKey, Base):
    """One assessment as it was made: the facts, the rule set's version, what fired."""

    __tablename__ = "reentry_assessment"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    ruleset_version: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    rule_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    made_by: Mapped[str] = mapped_column(String(120))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReentryOutcome(UUIDPrimaryKey, Base):
    """What happened after return: re-entered, visa issued or refused, ESTA denied."""

    __tablename__ = "reentry_outcome"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assurance(UUIDPrimaryKey, Base):
    """A statement given about an incident's people (no disadvantage on re-entry, say):
    a fact shown beside each assessment, never a legal result."""

    __tablename__ = "assurance"

    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    given_on: Mapped[date]
    given_by: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text, info={"max_length": 4000})
    source: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
