"""The outbox: one row per message to one contact (or one officer) over one channel; and
the checklist items each officer was reminded of."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consular.db import Base, UUIDPrimaryKey, utcnow
from consular.sealing import SealedText


class Notification(UUIDPrimaryKey, Base):
    """A message to a contact, written in the same transaction as the change it reports.

    ``pending`` waits for ``next_attempt_at``; a worker that takes it marks it ``sending``
    with a random ``claim_token`` until ``lease_until`` (a worker that died leaves it to be
    taken again after that, under a new token); then ``sent``, or back to ``pending`` with a
    later ``next_attempt_at`` after a failure, or ``dead`` when the attempts are used up. An
    outcome is written only with the token of the claim that sent it. Its id goes with the
    message as the key that lets the receiving side drop a second copy.
    """

    __tablename__ = "notification"

    # A family's message belongs to a case and a contact; an officer's reminder to a user.
    case_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("emergency_contact.id", ondelete="SET NULL")
    )
    # The broadcast the message is one of (``consular.notifications.broadcasts``).
    broadcast_id: Mapped[str | None] = mapped_column(
        ForeignKey("broadcast.id", ondelete="SET NULL"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))  # email, sms
    recipient: Mapped[str] = mapped_column(
        SealedText("notification.recipient"), info={"max_length": 200}
    )
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    claim_token: Mapped[str | None] = mapped_column(String(32), default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class Reminder(Base):
    """A checklist item an officer was told of, at one level (due soon, breached): the
    scan never tells the same officer of the same item twice at the same level."""

    __tablename__ = "reminder"

    # No foreign keys: checking them row by row (and locking each item's row) cost more than
    # the rest of a first scan, which remembers tens of thousands; ids are never reused.
    milestone_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)  # due, breached
    reminded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(UUIDPrimaryKey, Base):
    """One message an officer wrote, in Korean and in English, to all the families (or the
    employers) of an incident, of one of its flights or of a facility; sent through the
    outbox (its rows carry ``broadcast_id``). ``counts`` keeps what the preview said when it
    was sent: the messages by channel and who was left out, by reason."""

    __tablename__ = "broadcast"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    audience: Mapped[str] = mapped_column(String(10))  # families, employers
    scope: Mapped[str] = mapped_column(String(10))  # incident, flight, facility
    # The flight's or the facility's id (no foreign key: the broadcast outlives them).
    scope_id: Mapped[str | None] = mapped_column(String(36))
    scope_label: Mapped[str] = mapped_column(String(200), default="")
    subject_ko: Mapped[str] = mapped_column(String(150))
    body_ko: Mapped[str] = mapped_column(Text)
    subject_en: Mapped[str] = mapped_column(String(150))
    body_en: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sent_by: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
