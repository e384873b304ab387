"""The demo's travel documents: the charter's passengers' passports held by the host
authority, travel certificates issued where a passport was lost (numbers the post's own
series gives, TC25…: synthetic)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.states import IN_CUSTODY, CaseState
from consular.db import unit_of_work
from consular.documents.service import DocumentEntry, issue_certificate, record_document

Echo = Callable[[str], None]

ISSUED_ON = date(2025, 9, 9)
# Those still held who lost their passport in the raid: certificates for a year.
HELD_WITH_CERTIFICATES = 3


def record_documents(factory: sessionmaker[Session], incident_id: str, echo: Echo) -> None:
    """Documents for the cases scheduled to depart (as labelled on the charter) and a few
    certificates for people still held."""
    with unit_of_work(factory) as db:
        officer = Actor.from_user(db.scalars(select(User).where(User.name == "officer.kim")).one())
        cases = db.scalars(
            select(Case).where(Case.incident_id == incident_id).order_by(Case.number)
        ).all()
        passports = certificates = 0
        held = [c for c in cases if CaseState(c.state) in IN_CUSTODY]
        for case in cases:
            if case.travel_document == "travel_certificate":
                _certificate(db, officer, case, "single_journey")
                certificates += 1
            elif case.travel_document == "passport_held":
                record_document(
                    db, officer, case.id, DocumentEntry(passport_whereabouts="authority")
                )
                passports += 1
        for case in held[:HELD_WITH_CERTIFICATES]:
            _certificate(db, officer, case, "one_year")
            certificates += 1
    echo(f"travel documents: {passports} passports held, {certificates} travel certificates")


def _certificate(db: Session, officer: Actor, case: Case, validity: str) -> None:
    expires = date(2025, 9, 30) if validity == "single_journey" else None
    issue_certificate(
        db,
        officer,
        case.id,
        DocumentEntry(
            issued_on=ISSUED_ON,
            expires_on=expires,
            validity=validity,
            passport_whereabouts="unknown",
        ),
    )
