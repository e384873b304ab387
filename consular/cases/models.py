from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.auth.models import User
from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from consular.facilities.models import Facility
from consular.incidents.models import Incident
from consular.registry.models import Person
from consular.sealing import SealedText


class Case(UUIDPrimaryKey, Timestamps, Base):
    """One detained person in one incident."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("incident_id", "person_id"),
        UniqueConstraint("incident_id", "number"),
    )

    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24), index=True)
    facility: Mapped[str | None] = mapped_column(String(200))
    # The host authority's identifier (an A-number): sealed, found by its blind index.
    host_identifier: Mapped[str | None] = mapped_column(
        SealedText("case_file.host_identifier"),
        info={"max_length": 40, "blind_index": ("host_identifier_index", "identifier")},
    )
    host_identifier_index: Mapped[str | None] = mapped_column(String(32), index=True)
    arrested_at: Mapped[datetime]
    disposition: Mapped[str | None] = mapped_column(String(24))
    # What the person will travel on: "" (none yet), passport_held (by the host authority,
    # handed over at the airport), own_passport, travel_certificate (issued by the post).
    travel_document: Mapped[str] = mapped_column(String(24), default="")
    # Bounded: the manifest prints it in a table cell (consular.fields.limit_of reads the bound).
    special_needs: Mapped[str] = mapped_column(Text, default="", info={"max_length": 500})
    # The officer who owns the case, and optionally a second one (both on the incident's team).
    assigned_to_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    second_officer_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The directory entry of ``facility`` (consular.facilities), once it is known.
    facility_id: Mapped[str | None] = mapped_column(
        ForeignKey("facility.id", ondelete="SET NULL"), index=True
    )
    # The detainee's own choice about who is told of the detention (VCCR 36(1), CON-05):
    # ``unknown`` until asked, ``yes`` or ``no``. Against a ``no`` no message, no family code
    # and no employer's view reaches them (consular.cases.wishes).
    family_notice: Mapped[str] = mapped_column(
        String(8), default="unknown", server_default="unknown"
    )
    employer_notice: Mapped[str] = mapped_column(
        String(8), default="unknown", server_default="unknown"
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id], lazy="joined")
    second_officer: Mapped[User | None] = relationship(
        foreign_keys=[second_officer_id], lazy="joined"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="case", order_by="Milestone.position"
    )
    facility_entry: Mapped[Facility | None] = relationship(lazy="select")
    custody: Mapped[list[CustodyEvent]] = relationship(order_by="CustodyEvent.at")
    notes: Mapped[list[CaseNote]] = relationship(order_by="CaseNote.at")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CustodyEvent(UUIDPrimaryKey, Base):
    __tablename__ = "custody_event"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # booked, transferred, released
    facility: Mapped[str] = mapped_column(String(200))
    facility_id: Mapped[str | None] = mapped_column(
        ForeignKey("facility.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    recorded_by: Mapped[str] = mapped_column(String(120))


class CaseNote(UUIDPrimaryKey, Base):
    __tablename__ = "case_note"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, info={"max_length": 10_000})
    author: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Milestone(UUIDPrimaryKey, Base):
    """One item of a case's rights checklist, with its due and breach times."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("case_id", "kind"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(index=True)
    breach_at: Mapped[datetime]
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    done_by: Mapped[str | None] = mapped_column(String(120))
    evidence: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    recorded_at: Mapped[datetime | None] = mapped_column(default=None)

    case: Mapped[Case] = relationship(back_populates="milestones")
