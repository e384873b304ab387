"""A welfare interview: one consular officer's meeting with one detainee at one visit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, UUIDPrimaryKey, utcnow


class WelfareInterview(UUIDPrimaryKey, Base):
    """What the officer saw and was told at a visit. A case can have several; the latest
    is its current picture. A person not seen has only the reason why (and notes).

    The detainee's choice about telling the family and the employer is recorded on the case
    as well (``consular.cases.wishes``), where the outbox and the family codes read it."""

    __tablename__ = "welfare_interview"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    interviewer: Mapped[str] = mapped_column(String(120))
    facility: Mapped[str] = mapped_column(String(200))
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    seen: Mapped[bool] = mapped_column(Boolean)
    # refused (to come out), transferred, released, not_produced (by the facility), other.
    not_seen_reason: Mapped[str] = mapped_column(String(16), default="")
    not_seen_other: Mapped[str] = mapped_column(String(200), default="")
    health: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    injured: Mapped[bool] = mapped_column(Boolean, default=False)
    injuries: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    medical_needs: Mapped[bool] = mapped_column(Boolean, default=False)
    medical_notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    complaints: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    # yes, no, unsure ("" for a person not seen).
    told_reason: Mapped[str] = mapped_column(String(8), default="")
    advised_rights: Mapped[str] = mapped_column(String(8), default="")
    # yes, no, not_asked: as the detainee said it at this interview.
    family_notice: Mapped[str] = mapped_column(String(12), default="")
    employer_notice: Mapped[str] = mapped_column(String(12), default="")
    # voluntary_departure, contest, undecided.
    wish: Mapped[str] = mapped_column(String(24), default="")
    counsel_wanted: Mapped[bool] = mapped_column(Boolean, default=False)
    property_held: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    property_left: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 4000})
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
