from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consular.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from consular.sealing import SealedText


def display_name(
    family: str | None, given: str | None, family_hangul: str | None, given_hangul: str | None
) -> str:
    latin = " ".join(p for p in (family, given) if p)
    hangul = "".join(p for p in (family_hangul, given_hangul) if p)
    if latin and hangul:
        return f"{latin} ({hangul})"
    return latin or hangul or "?"


class Employer(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "employer"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(3), default="KOR")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("employer.id"))


class PersonNameKey(Base):
    """A spelling-insensitive name key of a person (``consular.matching.name_keys``).

    Lists find their candidates through these: ``YI, SUNG HO`` on a host list and a person
    registered as 이성호 or LEE SEONGHO share the key ``이:SUNGHO``.
    """

    __tablename__ = "person_name_key"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    person_id: Mapped[str] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Person(UUIDPrimaryKey, Timestamps, Base):
    """A national in the registry (or a person first met on a source list)."""

    __tablename__ = "person"

    registry_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    family_name_hangul: Mapped[str | None] = mapped_column(String(40))
    given_name_hangul: Mapped[str | None] = mapped_column(String(40))
    family_name: Mapped[str | None] = mapped_column(String(80))
    given_name: Mapped[str | None] = mapped_column(String(120))
    other_spellings: Mapped[list[str]] = mapped_column(JSON, default=list)
    sex: Mapped[str | None] = mapped_column(String(1))
    date_of_birth: Mapped[date | None] = mapped_column(index=True)
    nationality: Mapped[str] = mapped_column(String(3))
    # Sealed (consular.sealing); found by passport_index, its blind index.
    passport_number: Mapped[str | None] = mapped_column(
        SealedText("person.passport_number"),
        info={"max_length": 20, "blind_index": ("passport_index", "passport")},
    )
    passport_index: Mapped[str | None] = mapped_column(String(32), index=True)
    phone: Mapped[str] = mapped_column(
        SealedText("person.phone"), default="", info={"max_length": 40}
    )
    email: Mapped[str] = mapped_column(
        SealedText("person.email"), default="", info={"max_length": 200}
    )
    # Search keys: Latin name upper-cased letters only (family+given), Hangul without spaces.
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    hangul_key: Mapped[str] = mapped_column(String(80), index=True, default="")
    # Set when found to be the same as another person (consular.registry.merge): hidden
    # from search, their page points to the person kept. No foreign key: SQLite adds one
    # only by rebuilding the table, which its children's cascades would empty; the merge's
    # record (person_merge) holds both persons by key.
    merged_into_id: Mapped[str | None] = mapped_column(String(36), index=True)

    name_keys: Mapped[list[PersonNameKey]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    contacts: Mapped[list[EmergencyContact]] = relationship(
        back_populates="person", order_by="EmergencyContact.created_at"
    )
    deployments: Mapped[list[Deployment]] = relationship(back_populates="person")

    @property
    def display_name(self) -> str:
        return display_name(
            self.family_name, self.given_name, self.family_name_hangul, self.given_name_hangul
        )


class EmergencyContact(UUIDPrimaryKey, Base):
    __tablename__ = "emergency_contact"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    relationship_to_person: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(
        SealedText("emergency_contact.phone"), default="", info={"max_length": 40}
    )
    email: Mapped[str] = mapped_column(
        SealedText("emergency_contact.email"), default="", info={"max_length": 200}
    )
    language: Mapped[str] = mapped_column(String(5), default="ko")
    # The contact asked to receive no messages from the system.
    opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="contacts")


class Deployment(UUIDPrimaryKey, Timestamps, Base):
    """A person sent abroad by an employer: where, to do what, under which entry status."""

    __tablename__ = "deployment"

    # None while the worker the employer named agrees with no registry person in every field.
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    employer_id: Mapped[str] = mapped_column(ForeignKey("employer.id"), index=True)
    # The worker as the employer (or the registry file) named them: what the employer sees.
    worker_family_name: Mapped[str | None] = mapped_column(String(80))
    worker_given_name: Mapped[str | None] = mapped_column(String(120))
    worker_family_name_hangul: Mapped[str | None] = mapped_column(String(40))
    worker_given_name_hangul: Mapped[str | None] = mapped_column(String(40))
    worker_sex: Mapped[str | None] = mapped_column(String(1))
    worker_date_of_birth: Mapped[date | None]
    worker_nationality: Mapped[str | None] = mapped_column(String(3))
    worker_passport_number: Mapped[str | None] = mapped_column(
        SealedText("deployment.worker_passport_number"),
        info={"max_length": 20, "blind_index": ("worker_passport_index", "passport")},
    )
    worker_passport_index: Mapped[str | None] = mapped_column(String(32), index=True)
    host_country: Mapped[str] = mapped_column(String(3), default="USA")
    worksite: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    planned_activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    entry_status: Mapped[str | None] = mapped_column(String(10))
    entry_date: Mapped[date | None]
    planned_end: Mapped[date | None]
    screening_verdict: Mapped[str | None] = mapped_column(String(20))
    # The pre-deployment screen's plan (consular/rules/screen.toml) and its last verdict.
    activity: Mapped[str | None] = mapped_column(String(32))
    stay_days: Mapped[int | None] = mapped_column(Integer)
    equipment_purchased_abroad: Mapped[bool] = mapped_column(default=False, server_default=false())
    contract_requires_seller_service: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )
    specialized_knowledge: Mapped[bool] = mapped_column(default=False, server_default=false())
    paid_by_us_source: Mapped[bool] = mapped_column(default=False, server_default=false())
    hands_on: Mapped[bool] = mapped_column(default=False, server_default=false())
    prior_us_refusal_or_violation: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )
    briefing_conceals_activity: Mapped[bool] = mapped_column(default=False, server_default=false())
    passport_expires_on: Mapped[date | None]
    screening_rules: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    screening_version: Mapped[str | None] = mapped_column(String(40))
    screened_at: Mapped[datetime | None]
    registered_by: Mapped[str] = mapped_column(String(120), default="", server_default="")

    person: Mapped[Person | None] = relationship(back_populates="deployments")
    employer: Mapped[Employer] = relationship(lazy="joined")

    @property
    def worker_name(self) -> str:
        return display_name(
            self.worker_family_name,
            self.worker_given_name,
            self.worker_family_name_hangul,
            self.worker_given_name_hangul,
        )


class RegistryImport(UUIDPrimaryKey, Base):
    """One registry file imported; its hash stops the same file being imported twice."""

    __tablename__ = "registry_import"

    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_count: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PersonMerge(UUIDPrimaryKey, Base):
    """Two persons found to be the same: what moved from the duplicate onto the kept one,
    row by row, so that an administrator can move exactly those rows back."""

    __tablename__ = "person_merge"

    kept_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    duplicate_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    # {"cases": [ids], "source_records": [ids], "deployments": [ids], "contacts": [ids],
    #  "name_keys": [keys added to the kept person], "other_spellings": [spellings added]}
    moved: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500), default="")
    merged_by: Mapped[str] = mapped_column(String(120))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String(120))
    undone_at: Mapped[datetime | None]
    undo_reason: Mapped[str] = mapped_column(String(500), default="")

    kept: Mapped[Person] = relationship(foreign_keys=[kept_id])
    duplicate: Mapped[Person] = relationship(foreign_keys=[duplicate_id])

    @property
    def counts(self) -> dict[str, int]:
        """How many of each kind of row the merge moved."""
        return {kind: len(moved) for kind, moved in self.moved.items()}
