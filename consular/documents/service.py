"""Travel documents: record what a case's person travels on, issue and print a travel
certificate (여행증명서), and record many numbers at once from a pasted list.

Every change keeps ``Case.travel_document`` (the label the flights and the bulk actions
read) equal to what the record says (``label_of``), in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.db import utcnow
from consular.documents.models import (
    KINDS,
    PASSPORT,
    TRAVEL_CERTIFICATE,
    VALIDITIES,
    WHEREABOUTS,
    TravelDocument,
    label_of,
)
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.service import get_incident
from consular.matching.normalize import normalize_passport
from consular.registry.service import mask_identifier
from consular.sealing import blind_index, normalise_identifier


@dataclass(frozen=True)
class DocumentEntry:
    """A travel document as an officer records it."""

    kind: str = PASSPORT
    number: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    validity: str = ""
    passport_whereabouts: str = "unknown"


def document_of(db: Session, case_id: str) -> TravelDocument | None:
    return db.scalar(select(TravelDocument).where(TravelDocument.case_id == case_id))


def get_document(db: Session, actor: Actor, case_id: str) -> TravelDocument | None:
    """The case's document, read through the case's scoping (another post's: not found)."""
    case = get_case(db, actor, case_id)
    return document_of(db, case.id)


def _checked(entry: DocumentEntry) -> DocumentEntry:
    if entry.kind not in KINDS:
        raise unknown_value("document.unknown_kind", entry.kind, KINDS)
    if entry.passport_whereabouts not in WHEREABOUTS:
        raise unknown_value("document.unknown_whereabouts", entry.passport_whereabouts, WHEREABOUTS)
    if entry.validity and entry.validity not in VALIDITIES:
        raise unknown_value("document.unknown_validity", entry.validity, VALIDITIES)
    if entry.issued_on and entry.expires_on and entry.expires_on < entry.issued_on:
        raise InvalidInput(
            "document.expires_before_issue",
            N_("The expiry date %(expires)s is before the issue date %(issued)s."),
            expires=entry.expires_on.isoformat(),
            issued=entry.issued_on.isoformat(),
        )
    return replace(entry, number=normalize_passport(entry.number) or "")


_TAKEN = N_("Document number %(number)s is already recorded for case %(other)s at this post.")


def _taken_by(db: Session, post_id: str, number: str, case_id: str) -> Case | None:
    """The other case whose document at this post has this number, if one has."""
    if not number:
        return None
    other = db.scalar(
        select(TravelDocument).where(
            TravelDocument.post_id == post_id,
            TravelDocument.number_index == blind_index("passport", number),
            TravelDocument.case_id != case_id,
        )
    )
    return None if other is None else other.case


def _refuse_taken(db: Session, post_id: str, number: str, case_id: str) -> None:
    other = _taken_by(db, post_id, number, case_id)
    if other is not None:
        raise Conflict(
            "document.number_taken",
            _TAKEN,
            number=number,
            other=other.number,
        )


def _shown(record: TravelDocument | None) -> dict[str, Any]:
    """What the audit keeps of a record: its number masked."""
    if record is None:
        return dict.fromkeys(
            ("kind", "number", "issued_on", "expires_on", "validity", "passport_whereabouts")
        )
    return {
        "kind": record.kind,
        "number": mask_identifier(record.number),
        "issued_on": record.issued_on.isoformat() if record.issued_on else None,
        "expires_on": record.expires_on.isoformat() if record.expires_on else None,
        "validity": record.validity or None,
        "passport_whereabouts": record.passport_whereabouts,
    }


def record_document(
    db: Session,
    actor: Actor,
    case_id: str,
    entry: DocumentEntry,
    *,
    version: int | None = None,
    tag: AuditTag = AuditTag.DOCUMENT_RECORD,
) -> TravelDocument:
    """Record (or replace) the case's travel document; audited with the values before and
    after, its number masked. ``version`` is the record's, checked when given."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    entry = _checked(entry)
    case = get_case(db, actor, case_id, for_update=True)
    record = document_of(db, case.id)
    if version is not None and record is not None and record.version != version:
        raise Conflict(
            "document.stale_version",
            N_("The travel document of case %(number)s was changed by someone else meanwhile."),
            number=case.number,
        )
    _refuse_taken(db, case.incident.post_id, entry.number, case.id)
    before, label_before = _shown(record), case.travel_document
    if record is None:
        record = TravelDocument(case_id=case.id, post_id=case.incident.post_id)
        db.add(record)
    record.kind = entry.kind
    record.number = entry.number or None
    record.issued_on, record.expires_on = entry.issued_on, entry.expires_on
    record.validity = entry.validity
    record.passport_whereabouts = entry.passport_whereabouts
    if tag == AuditTag.DOCUMENT_ISSUE:
        record.issued_by, record.printed = actor.name, 0
    case.travel_document = label_of(record.kind, record.passport_whereabouts)
    after = _shown(record)
    diff: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if case.travel_document != label_before:
        diff["travel_document"] = [label_before, case.travel_document]
    if not diff and tag == AuditTag.DOCUMENT_RECORD:
        return record
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff=diff,
    )
    return record


def _a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def next_certificate_number(db: Session, post_id: str, year: int) -> str:
    """The post's next travel certificate number of the year: TC, the year, a serial."""
    issued = db.scalar(
        select(func.count())
        .select_from(TravelDocument)
        .where(TravelDocument.post_id == post_id, TravelDocument.kind == TRAVEL_CERTIFICATE)
    )
    serial = (issued or 0) + 1
    while True:
        number = f"TC{year % 100:02d}{serial:05d}"
        index = blind_index("passport", number)
        taken = db.scalar(
            select(TravelDocument.id).where(
                TravelDocument.post_id == post_id, TravelDocument.number_index == index
            )
        )
        if taken is None:
            return number
        serial += 1


def issue_certificate(
    db: Session,
    actor: Actor,
    case_id: str,
    entry: DocumentEntry,
    *,
    version: int | None = None,
) -> TravelDocument:
    """Issue the case's person a travel certificate: the number typed or the post's next
    one, valid one journey (until the date given) or a year from the issue date."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    validity = entry.validity or "single_journey"
    issued_on = entry.issued_on or utcnow().date()
    expires_on = entry.expires_on
    if expires_on is None and validity == "one_year":
        expires_on = _a_year_on(issued_on)
    if expires_on is None:
        raise InvalidInput(
            "document.no_expiry",
            N_("A travel certificate for one journey needs the date it expires."),
        )
    number = entry.number.strip() or next_certificate_number(
        db, case.incident.post_id, issued_on.year
    )
    certificate = replace(
        entry,
        kind=TRAVEL_CERTIFICATE,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
        validity=validity,
    )
    return record_document(
        db, actor, case.id, certificate, version=version, tag=AuditTag.DOCUMENT_ISSUE
    )


def set_kind(
    db: Session, actor: Actor, case_id: str, kind: str, passport_whereabouts: str
) -> TravelDocument:
    """The case's document kind and where the passport is, its number and dates kept while
    the kind stays (a bulk change sets these, each person's number being their own)."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    record = document_of(db, get_case(db, actor, case_id).id)
    kept = record if record is not None and record.kind == kind else None
    entry = DocumentEntry(
        kind=kind,
        number=(kept.number or "") if kept else "",
        issued_on=kept.issued_on if kept else None,
        expires_on=kept.expires_on if kept else None,
        validity=kept.validity if kept else "",
        passport_whereabouts=passport_whereabouts,
    )
    return record_document(db, actor, case_id, entry)


_Made = TypeVar("_Made")


def print_certificate(
    db: Session,
    actor: Actor,
    case_id: str,
    render: Callable[[TravelDocument], _Made],
) -> _Made:
    """The case's travel certificate as ``render`` makes it (a PDF); every printing is
    audited, the first and each again. Nothing is audited when ``render`` fails."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    record = get_document(db, actor, case_id)
    if record is None or record.kind != TRAVEL_CERTIFICATE or not record.number:
        raise NotFound("travel_certificate", case_id)
    made = render(record)
    record.printed += 1
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.DOCUMENT_PRINT,
        target_type="case",
        target_id=record.case_id,
        case_id=record.case_id,
        diff={
            "number": mask_identifier(record.number),
            "printed": record.printed,
        },
    )
    return made


# --- Many at once: a pasted list "case number or A-number, document number" -------------

_SEPARATOR = re.compile(r"\s*[,;\t]\s*")


@dataclass(frozen=True)
class ListedNumber:
    row: int
    reference: str
    number: str


def parse_list(text: str) -> list[ListedNumber]:
    """The lines of a pasted list, each "case number or A-number, document number"; blank
    lines are skipped, a line without both halves is kept for the check to name."""
    listed = []
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _SEPARATOR.split(line.strip(), maxsplit=1)
        reference, number = [*parts, ""][:2]
        listed.append(ListedNumber(row, reference.strip(), number.strip()))
    return listed


def _find_case(db: Session, actor: Actor, incident_id: str, reference: str) -> Case | None:
    """The incident's case by its number, or by the host authority's number (A-number)."""
    query = select(Case).where(Case.incident_id == incident_id)
    if reference.isdigit():
        found = db.scalar(query.where(Case.number == int(reference)))
        if found is not None:
            return found
    index = blind_index("identifier", normalise_identifier(reference))
    if index is None:
        return None
    return db.scalar(query.where(Case.host_identifier_index == index))


def _row_error(row: int, column: str, message: Message) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


@dataclass
class _ListCheck:
    """The rows of a list checked one by one against the incident and each other."""

    db: Session
    actor: Actor
    incident_id: str
    post_id: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    planned: list[tuple[ListedNumber, Case, str]] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def row(self, item: ListedNumber) -> None:
        case = (
            _find_case(self.db, self.actor, self.incident_id, item.reference)
            if item.reference
            else None
        )
        number = normalize_passport(item.number) or ""
        self._case_problem(item, case)
        self._number_problem(item, case, number)
        if case is not None:
            self.cases.setdefault(case.id, item.row)
            if number:
                self.numbers.setdefault(number, item.row)
                self.planned.append((item, case, number))

    def _case_problem(self, item: ListedNumber, case: Case | None) -> None:
        if case is None:
            said = Message(
                "document.list_unknown_case",
                N_("No case %(reference)s in this incident."),
                reference=item.reference or "—",
            )
        elif case.id in self.cases:
            said = Message(
                "document.list_case_twice",
                N_("Case %(number)s is listed already on row %(row)s."),
                number=case.number,
                row=self.cases[case.id],
            )
        else:
            return
        self.errors.append(_row_error(item.row, "case", said))

    def _number_problem(self, item: ListedNumber, case: Case | None, number: str) -> None:
        other = None
        if number and number not in self.numbers and case is not None:
            other = _taken_by(self.db, self.post_id, number, case.id)
        if not number:
            said = Message("document.list_no_number", N_("The document number is missing."))
        elif number in self.numbers:
            said = Message(
                "document.list_number_twice",
                N_("Document number %(number)s is listed already on row %(row)s."),
                number=number,
                row=self.numbers[number],
            )
        elif other is not None:
            said = Message("document.number_taken", _TAKEN, number=number, other=other.number)
        else:
            return
        self.errors.append(_row_error(item.row, "number", said))


def record_numbers(
    db: Session,
    actor: Actor,
    incident_id: str,
    listed: Sequence[ListedNumber],
    *,
    kind: str = PASSPORT,
    passport_whereabouts: str | None = None,
    dry_run: bool = False,
) -> list[dict[str, Any]]:
    """Record a document number for each listed case, all or none: any row that does not
    do refuses the whole list, each such row named. Returns a line per row."""
    actor.require(Permission.CASE_WRITE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    if kind not in KINDS:
        raise unknown_value("document.unknown_kind", kind, KINDS)
    check = _ListCheck(db, actor, incident.id, incident.post_id)
    for item in listed:
        check.row(item)
    if check.errors:
        raise InvalidInput(
            "document.list_refused",
            N_("No document was recorded: %(count)s rows of the list need correcting."),
            count=len({e["row"] for e in check.errors}),
            details={"report": {"errors": check.errors}},
        )
    report = []
    for item, case, number in check.planned:
        if not dry_run:
            _record_listed(db, actor, case, number, kind, passport_whereabouts)
        report.append({"row": item.row, "case": case.number, "case_id": case.id})
    return report


def _record_listed(
    db: Session, actor: Actor, case: Case, number: str, kind: str, whereabouts: str | None
) -> None:
    """A listed number recorded, the document's dates kept while its kind stays."""
    record = document_of(db, case.id)
    kept = record if record is not None and record.kind == kind else None
    record_document(
        db,
        actor,
        case.id,
        DocumentEntry(
            kind=kind,
            number=number,
            issued_on=kept.issued_on if kept else None,
            expires_on=kept.expires_on if kept else None,
            validity=kept.validity if kept else "",
            passport_whereabouts=whereabouts
            or (record.passport_whereabouts if record else "unknown"),
        ),
    )
