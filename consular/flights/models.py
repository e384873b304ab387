"""Flights and their seats; a case's travel document lives on the case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.cases.models import Case
from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class Flight(UUIDPrimaryKey, Timestamps, Base):
    """A flight home for an incident's people: open for seats, locked once checked, departed."""

    __tablename__ = "flight"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(80))
    number: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(80))
    destination: Mapped[str] = mapped_column(String(80))
    departs_at: Mapped[datetime]
    seats: Mapped[int] = mapped_column(Integer)
    # open, locked, departed; or cancelled (``consular.flights.changes``).
    state: Mapped[str] = mapped_column(String(10), default="open")
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_at: Mapped[datetime | None] = mapped_column(default=None)
    departed_at: Mapped[datetime | None] = mapped_column(default=None)
    # The departure time first planned, kept when the flight is delayed.
    first_departs_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[str | None] = mapped_column(String(120))
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    passengers: Mapped[list[FlightSeat]] = relationship(
        back_populates="flight", order_by="FlightSeat.assigned_at"
    )


class FlightSeat(UUIDPrimaryKey, Base):
    """One case on one flight; a case holds at most one seat in all (unique)."""

    __tablename__ = "flight_seat"

    flight_id: Mapped[str] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), unique=True)
    assigned_by: Mapped[str] = mapped_column(String(120))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    flight: Mapped[Flight] = relationship(back_populates="passengers")
    case: Mapped[Case] = relationship(lazy="joined")


class LostSeat(UUIDPrimaryKey, Base):
    """A seat a case lost when its flight was cancelled (the family's status page says so
    until the case has a seat again)."""

    __tablename__ = "lost_seat"

    flight_id: Mapped[str] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    lost_at: Mapped[datetime] = mapped_column(default=utcnow)
