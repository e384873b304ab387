"""Visit plans: which officers see which detainees at one facility on one day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.cases.models import Case
from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from consular.facilities.models import Facility

STATES = ("planned", "done", "cancelled")


class VisitPlan(UUIDPrimaryKey, Timestamps, Base):
    """A visit to one facility on one day (the post's calendar) within an incident.

    ``facility_name`` is always the facility's name as the cases carry it; ``facility_id``
    is its directory entry, when the post's directory has one (a facility the lists name
    but the directory does not yet is planned by its name alone).
    """

    __tablename__ = "visit_plan"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    facility_id: Mapped[str | None] = mapped_column(
        ForeignKey("facility.id", ondelete="SET NULL"), index=True
    )
    facility_name: Mapped[str] = mapped_column(String(200))
    visit_date: Mapped[date] = mapped_column(index=True)
    # The user names of the officers going, all on the incident's team when planned.
    officers: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter: Mapped[bool] = mapped_column(default=False)
    interpreter_name: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    state: Mapped[str] = mapped_column(String(10), default="planned")  # planned, done, cancelled
    created_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    facility_entry: Mapped[Facility | None] = relationship(lazy="select")
    cases: Mapped[list[VisitCase]] = relationship(
        back_populates="plan", order_by="VisitCase.added_at", cascade="all, delete-orphan"
    )


class VisitCase(UUIDPrimaryKey, Base):
    """One case to be seen on one visit."""

    __tablename__ = "visit_case"
    __table_args__ = (UniqueConstraint("plan_id", "case_id"),)

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("visit_plan.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[VisitPlan] = relationship(back_populates="cases")
    case: Mapped[Case] = relationship(lazy="joined")
