"""The families' hotline: one row per call about a person, in one incident."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.cases.models import Case
from consular.db import Base, Timestamps, UUIDPrimaryKey
from consular.incidents.models import Incident
from consular.registry.models import EmergencyContact
from consular.sealing import SealedText


class Inquiry(UUIDPrimaryKey, Timestamps, Base):
    """A call to the hotline: who called, whom they ask about as they told it, what was said
    and promised, and when the caller is to be called back.

    ``state`` is ``open`` (nobody found yet), ``linked`` (to ``case``; the caller is then an
    emergency contact of its person, ``contact``), ``reported`` (turned into a family
    report: ``source_record``, a row of a family list of the incident) or ``closed``.
    The caller's phone is stored in E.164 (``consular.phones``), sealed.
    """

    __tablename__ = "hotline_inquiry"

    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # the call's number within its incident
    caller_name: Mapped[str] = mapped_column(String(120))
    caller_relation: Mapped[str] = mapped_column(String(60), default="")
    caller_phone: Mapped[str] = mapped_column(
        SealedText("hotline_inquiry.caller_phone"), default="", info={"max_length": 40}
    )
    caller_language: Mapped[str] = mapped_column(String(5), default="ko")
    # Whom they ask about, as the caller told it.
    subject_name: Mapped[str] = mapped_column(String(120))
    subject_birth: Mapped[date | None] = mapped_column(default=None)
    subject_birth_typed: Mapped[str] = mapped_column(String(40), default="")
    subject_employer: Mapped[str] = mapped_column(String(200), default="")
    last_seen: Mapped[str] = mapped_column(String(300), default="")
    said: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    promised: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    callback_due: Mapped[datetime | None] = mapped_column(default=None, index=True)
    called_back_at: Mapped[datetime | None] = mapped_column(default=None)
    taken_by: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10), default="open", index=True)
    case_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="SET NULL"), index=True, default=None
    )
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("emergency_contact.id", ondelete="SET NULL"), default=None
    )
    source_record_id: Mapped[str | None] = mapped_column(
        ForeignKey("source_record.id", ondelete="SET NULL"), default=None
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship()
    case: Mapped[Case | None] = relationship()
    contact: Mapped[EmergencyContact | None] = relationship()
