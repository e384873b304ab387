"""Whom a call may be about: the person the caller named, reconciled with the registry and
the incident's cases as a family list's row would be (the same blocking, index and scores).
Only the officer sees the candidates; the caller is told nothing of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.cases.models import Case
from consular.hotline.models import Inquiry
from consular.incidents.listrows import ListRow
from consular.incidents.reconcile import link_rows
from consular.matching import PersonRecord

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Candidates shown to the officer; the matcher ranks them.
SHOWN = 8


@dataclass(frozen=True)
class InquiryCandidate:
    """A person the call may be about: their case in the incident if they have one."""

    person_id: str
    name: str
    date_of_birth: str | None
    passport: str | None  # masked
    employers: list[str]
    probability: float
    explanation: str
    evidence: list[dict[str, Any]]
    case_id: str | None
    case_number: int | None
    likeliest: bool  # the matcher would link a list row to this one without review


def as_record(inquiry: Inquiry) -> PersonRecord:
    """The person asked about as a family list's row reads: the name in the script it was
    told in, the birth date, the employer."""
    name = " ".join(inquiry.subject_name.split())
    hangul = bool(_HANGUL.search(name))
    return PersonRecord(
        id=inquiry.id,
        full_name=None if hangul else name,
        full_name_hangul=name.replace(" ", "") if hangul else None,
        date_of_birth=inquiry.subject_birth,
        employers=(inquiry.subject_employer,) if inquiry.subject_employer else (),
    )


def as_row(inquiry: Inquiry) -> ListRow:
    return ListRow(
        row_number=1,
        raw={},
        record=as_record(inquiry),
        facility=None,
        host_identifier=None,
        arrested_at=None,
    )


def candidates(db: Session, inquiry: Inquiry) -> list[InquiryCandidate]:
    """The likeliest persons first, each with their case in the call's incident."""
    links = link_rows(db, [as_row(inquiry)], incident_id=inquiry.incident_id)
    found = links.get(1)
    if found is None:
        return []
    shown = found["candidates"][:SHOWN]
    ids = [str(c["person_id"]) for c in shown]
    cases = {
        person_id: (case_id, number)
        for person_id, case_id, number in db.execute(
            select(Case.person_id, Case.id, Case.number).where(
                Case.incident_id == inquiry.incident_id, Case.person_id.in_(ids)
            )
        )
    }
    out = []
    for rank, candidate in enumerate(shown):
        person_id = str(candidate["person_id"])
        case_id, number = cases.get(person_id, (None, None))
        out.append(
            InquiryCandidate(
                person_id=person_id,
                name=str(candidate["name"]),
                date_of_birth=candidate["date_of_birth"],  # type: ignore[arg-type]
                passport=candidate["passport"],  # type: ignore[arg-type]
                employers=list(candidate["employers"]),  # type: ignore[call-overload]
                probability=float(candidate["probability"]),  # type: ignore[arg-type]
                explanation=str(candidate["explanation"]),
                evidence=list(candidate["evidence"]),  # type: ignore[call-overload]
                case_id=case_id,
                case_number=number,
                likeliest=rank == 0 and found["decision"] == "match",
            )
        )
    return out
