from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.auth.models import Post, User
from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from consular.sealing import SealedJSON, SealedText


class Incident(UUIDPrimaryKey, Timestamps, Base):
    """An enforcement action against nationals: where, by whom, since when, which post leads."""

    __tablename__ = "incident"

    title: Mapped[str] = mapped_column(String(200))
    host_country: Mapped[str] = mapped_column(String(3))
    place: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200), default="")
    # The worksite raided, as employers name it in their deployments (none for a sweep).
    worksite: Mapped[str] = mapped_column(String(200), default="", server_default="")
    started_at: Mapped[datetime]
    post_id: Mapped[str] = mapped_column(ForeignKey("post.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Who closed the incident, when and why (cleared again when it is reopened).
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(120))
    closing_note: Mapped[str | None] = mapped_column(String(2000))

    post: Mapped[Post] = relationship(lazy="joined")


class IncidentMember(UUIDPrimaryKey, Base):
    """An officer from elsewhere (another post, headquarters) on this incident's team only:
    they see this incident and its cases, nothing else of its post."""

    __tablename__ = "incident_member"
    __table_args__ = (UniqueConstraint("incident_id", "user_id"),)

    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class SourceList(UUIDPrimaryKey, Base):
    """A list of people reported for an incident by one source, as imported."""

    __tablename__ = "source_list"
    __table_args__ = (UniqueConstraint("incident_id", "file_sha256"),)

    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_count: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Each bad row's error quotes the value it refused: sealed like the rows themselves.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(
        SealedJSON("source_list.errors"), default=list
    )
    # Values kept as written that cannot be true (a birth date in the future), by row.
    warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(
        SealedJSON("source_list.warnings"), default=list
    )


class SourceRecord(UUIDPrimaryKey, Timestamps, Base):
    """One row of a source list with its link decision."""

    __tablename__ = "source_record"

    source_list_id: Mapped[str] = mapped_column(
        ForeignKey("source_list.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    raw: Mapped[dict[str, str]] = mapped_column(SealedJSON("source_record.raw"))
    family_name: Mapped[str | None] = mapped_column(String(80))
    given_name: Mapped[str | None] = mapped_column(String(120))
    full_name_hangul: Mapped[str | None] = mapped_column(String(60))
    date_of_birth: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(1))
    nationality: Mapped[str | None] = mapped_column(String(3))
    passport_number: Mapped[str | None] = mapped_column(
        SealedText("source_record.passport_number"),
        info={"max_length": 20, "blind_index": ("passport_index", "passport")},
    )
    passport_index: Mapped[str | None] = mapped_column(String(32), index=True)
    facility: Mapped[str | None] = mapped_column(String(200))
    # The host authority's identifier (an A-number), sealed like the passport number.
    host_identifier: Mapped[str | None] = mapped_column(
        SealedText("source_record.host_identifier"),
        info={"max_length": 40, "blind_index": ("host_identifier_index", "identifier")},
    )
    host_identifier_index: Mapped[str | None] = mapped_column(String(32), index=True)
    arrested_at: Mapped[datetime | None]
    # pending (review queue), auto, confirmed, rejected, new_person, out_of_scope
    decision: Mapped[str] = mapped_column(String(16), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(
        SealedJSON("source_record.candidates"), default=list
    )
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]

    source_list: Mapped[SourceList] = relationship(lazy="joined")


class ImportDraft(UUIDPrimaryKey, Timestamps, Base):
    """A list on its way into an incident through the import wizard, kept for its owner only.

    Nothing of it belongs to the incident until it is committed: the file's rows, the
    chosen columns, corrections and review decisions wait here, and the draft is deleted
    on cancel or once it has not been touched for a day; the commit empties it.
    """

    __tablename__ = "import_draft"

    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    # The file as read: its columns, and each row as [row number, {column: value}].
    columns: Mapped[list[str]] = mapped_column(JSON)
    rows: Mapped[list[Any]] = mapped_column(SealedJSON("import_draft.rows"))
    # Each column of the file with the field it holds ("" for none).
    mapping: Mapped[dict[str, str]] = mapped_column(JSON)
    date_format: Mapped[str] = mapped_column(String(20))
    # Values an officer typed over the file's: {"row number": {column: value}}.
    corrections: Mapped[dict[str, dict[str, str]]] = mapped_column(
        SealedJSON("import_draft.corrections"), default=dict
    )
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    # Set by the reconcile step, cleared by any change before it: {"row number": RowLink}.
    links: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON("import_draft.links"))
    # The officer's decisions on doubtful rows: {"row number": {"action", "person_id"}}.
    decisions: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    # Set by the commit, which also empties the draft: the list it became. Kept until the
    # draft expires, so that a second press of "commit" finds the import done.
    source_list_id: Mapped[str | None] = mapped_column(String(36))
