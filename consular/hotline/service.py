"""The families' hotline: logging a call, linking it to a case (the caller becomes an
emergency contact), turning it into a family report, and giving the caller a family code.

A closed incident still takes calls (families go on calling after it is closed, and what
they were told must be on record), but nothing that changes its cases or lists: no link,
no family report, no contact, no code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.cases.wishes import family_may_be_told
from consular.config import Settings
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.families.service import IssuedCode, issue_code
from consular.fields import FieldError, limit_of, parse_datetime, parse_text, read_typed_date
from consular.hotline.contacts import LANGUAGES, read_phone
from consular.hotline.matching import as_record
from consular.hotline.models import Inquiry
from consular.hotline.sms import write_code_sms
from consular.i18n import N_
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident, SourceRecord
from consular.incidents.schemas import ListKind
from consular.incidents.scope import incident_scope
from consular.incidents.service import import_list
from consular.registry.models import EmergencyContact
from consular.tabular import Row, Table


class InquiryState(StrEnum):
    OPEN = "open"
    LINKED = "linked"
    REPORTED = "reported"
    CLOSED = "closed"


# Where a call may go from each state (closing is always possible; a closed call reopens).
MOVES: dict[InquiryState, frozenset[InquiryState]] = {
    InquiryState.OPEN: frozenset({InquiryState.LINKED, InquiryState.REPORTED, InquiryState.CLOSED}),
    InquiryState.REPORTED: frozenset({InquiryState.LINKED, InquiryState.CLOSED}),
    InquiryState.LINKED: frozenset({InquiryState.CLOSED}),
    InquiryState.CLOSED: frozenset({InquiryState.OPEN}),
}


@dataclass(frozen=True)
class InquiryForm:
    """A call as the officer types it while on the phone."""

    caller_name: str
    subject_name: str
    caller_relation: str = ""
    caller_phone: str = ""
    caller_language: str = "ko"
    subject_birth: str = ""
    subject_employer: str = ""
    last_seen: str = ""
    said: str = ""
    promised: str = ""
    callback_due: datetime | None = None


def readable_inquiries(actor: Actor) -> Select[Inquiry]:
    """The calls of the incidents the actor may read (their post's and their teams')."""
    return (
        select(Inquiry)
        .join(Incident, Inquiry.incident_id == Incident.id)
        .where(incident_scope(actor, Permission.HOTLINE_READ))
    )


def incident_for_calls(
    db: Session, actor: Actor, incident_id: str, permission: Permission = Permission.HOTLINE_READ
) -> Incident:
    """The incident whose calls the actor may read (or, with ``HOTLINE_WRITE``, log)."""
    actor.require(permission, "incident", incident_id)
    incident = db.scalar(
        select(Incident).where(Incident.id == incident_id, incident_scope(actor, permission))
    )
    if incident is None:
        raise NotFound("incident", incident_id)
    return incident


def get_inquiry(db: Session, actor: Actor, inquiry_id: str) -> Inquiry:
    actor.require(Permission.HOTLINE_READ, "inquiry", inquiry_id)
    inquiry = db.scalar(readable_inquiries(actor).where(Inquiry.id == inquiry_id))
    if inquiry is None:
        raise NotFound("inquiry", inquiry_id)
    return inquiry


def inquiries_of(db: Session, actor: Actor, incident_id: str) -> Sequence[Inquiry]:
    """An incident's calls: those awaiting a callback first (soonest due first), then the
    others, newest first."""
    incident = incident_for_calls(db, actor, incident_id, Permission.HOTLINE_READ)
    waiting = (
        Inquiry.callback_due.is_not(None)
        & Inquiry.called_back_at.is_(None)
        & (Inquiry.state != InquiryState.CLOSED.value)
    )
    query = (
        select(Inquiry)
        .where(Inquiry.incident_id == incident.id)
        .order_by(when((waiting, 0), else_=1), Inquiry.callback_due, Inquiry.created_at.desc())
    )
    return db.scalars(query).all()


def calls_of_case(db: Session, actor: Actor, case_id: str) -> Sequence[Inquiry]:
    """The calls linked to a case, oldest first."""
    query = readable_inquiries(actor).where(Inquiry.case_id == case_id)
    return db.scalars(query.order_by(Inquiry.created_at)).all()


def is_overdue(inquiry: Inquiry, now: datetime) -> bool:
    """A callback promised for a time gone by, not yet made, on a call not closed."""
    return (
        inquiry.callback_due is not None
        and inquiry.called_back_at is None
        and inquiry.state != InquiryState.CLOSED
        and inquiry.callback_due < now
    )


def _line(value: str, column: object, field: str) -> str:
    try:
        return parse_text(value, limit_of(column))
    except FieldError as exc:
        raise InvalidInput(exc.message, details={"field": field}) from None


def _text(value: str, column: object, field: str) -> str:
    text = value.strip()
    limit = limit_of(column)
    if len(text) > limit:
        raise InvalidInput(
            "hotline.too_long",
            N_("%(field)s has %(count)s characters, more than the %(limit)s allowed."),
            field=field,
            count=f"{len(text):,}",
            limit=f"{limit:,}",
            details={"field": field},
        )
    return text


def callback_time(typed: str, time_zone: str) -> datetime | None:
    """When the caller is to be called back, typed in the post's time zone."""
    try:
        return parse_datetime(typed, time_zone)
    except FieldError as exc:
        raise InvalidInput(exc.message, details={"field": "callback_due"}) from None


def _birth(typed: str) -> tuple[date | None, str]:
    try:
        read = read_typed_date(typed)
    except FieldError as exc:
        raise InvalidInput(exc.message, details={"field": "subject_birth"}) from None
    return (read.day if read else None), " ".join(typed.split())


def log_call(db: Session, actor: Actor, incident_id: str, form: InquiryForm) -> Inquiry:
    """Log a call about a person in an incident (a closed one too); audited."""
    incident = incident_for_calls(db, actor, incident_id, Permission.HOTLINE_WRITE)
    caller = _line(form.caller_name, Inquiry.caller_name, "caller_name")
    subject = _line(form.subject_name, Inquiry.subject_name, "subject_name")
    if not caller:
        raise InvalidInput(
            "hotline.caller_missing", N_("Say who is calling."), details={"field": "caller_name"}
        )
    if not subject:
        raise InvalidInput(
            "hotline.subject_missing",
            N_("Say whom the caller asks about."),
            details={"field": "subject_name"},
        )
    if form.caller_language not in LANGUAGES:
        raise InvalidInput(
            "hotline.language",
            N_("Choose the caller's language: Korean or English."),
            details={"field": "caller_language"},
        )
    born, typed = _birth(form.subject_birth)
    number = (
        db.scalar(select(func.max(Inquiry.number)).where(Inquiry.incident_id == incident.id)) or 0
    ) + 1
    inquiry = Inquiry(
        incident_id=incident.id,
        number=number,
        caller_name=caller,
        caller_relation=_line(form.caller_relation, Inquiry.caller_relation, "caller_relation"),
        caller_phone=read_phone(form.caller_phone, "caller_phone"),
        caller_language=form.caller_language,
        subject_name=subject,
        subject_birth=born,
        subject_birth_typed=_line(typed, Inquiry.subject_birth_typed, "subject_birth"),
        subject_employer=_line(form.subject_employer, Inquiry.subject_employer, "subject_employer"),
        last_seen=_line(form.last_seen, Inquiry.last_seen, "last_seen"),
        said=_text(form.said, Inquiry.said, "said"),
        promised=_text(form.promised, Inquiry.promised, "promised"),
        callback_due=form.callback_due,
        taken_by=actor.name,
        state=InquiryState.OPEN.value,
    )
    db.add(inquiry)
    db.flush()
    _audit(db, actor, AuditTag.HOTLINE_LOG, inquiry, {"number": number, "caller": caller})
    return inquiry


def _audit(
    db: Session, actor: Actor, tag: AuditTag, inquiry: Inquiry, diff: dict[str, object]
) -> None:
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="hotline_inquiry",
        target_id=inquiry.id,
        case_id=inquiry.case_id,
        diff=diff,
    )


def _changing(db: Session, actor: Actor, inquiry_id: str, version: int | None) -> Inquiry:
    actor.require(Permission.HOTLINE_WRITE, "inquiry", inquiry_id)
    inquiry = get_inquiry(db, actor, inquiry_id)
    if version is not None and inquiry.version != version:
        raise Conflict(
            "hotline.stale",
            N_("Someone changed this call meanwhile: read it again before changing it."),
        )
    return inquiry


def _move(inquiry: Inquiry, to: InquiryState) -> None:
    here = InquiryState(inquiry.state)
    if to not in MOVES[here]:
        raise Conflict(
            "hotline.illegal_move",
            N_("This call has moved on meanwhile (linked, reported or closed): read it again."),
            details={"allowed": sorted(s.value for s in MOVES[here])},
        )
    inquiry.state = to.value
    inquiry.version += 1


def set_state(
    db: Session, actor: Actor, inquiry_id: str, to: str, *, version: int | None = None
) -> Inquiry:
    """Close a call, or reopen a closed one (it is linked or reported again if it was);
    audited."""
    inquiry = _changing(db, actor, inquiry_id, version)
    if to not in (InquiryState.CLOSED, InquiryState.OPEN):
        raise InvalidInput("hotline.state", N_("A call can only be closed or reopened here."))
    before = inquiry.state
    _move(inquiry, InquiryState(to))
    if to == InquiryState.OPEN and inquiry.case_id:
        inquiry.state = InquiryState.LINKED.value
    elif to == InquiryState.OPEN and inquiry.source_record_id:
        inquiry.state = InquiryState.REPORTED.value
    db.flush()
    _audit(db, actor, AuditTag.HOTLINE_STATE, inquiry, {"state": [before, inquiry.state]})
    return inquiry


def called_back(db: Session, actor: Actor, inquiry_id: str) -> Inquiry:
    """The promised callback was made; audited."""
    inquiry = _changing(db, actor, inquiry_id, None)
    if inquiry.called_back_at is None:
        inquiry.called_back_at = utcnow()
        inquiry.version += 1
        db.flush()
        _audit(db, actor, AuditTag.HOTLINE_STATE, inquiry, {"called_back": True})
    return inquiry


@dataclass(frozen=True)
class Linked:
    """What linking a call did: the contact recorded (or found) for the caller, and whether
    the family may be told anything (the detainee's wish, CON-05)."""

    inquiry: Inquiry
    contact: EmergencyContact | None
    contact_added: bool
    family_may_be_told: bool


def _same_contact(case: Case, inquiry: Inquiry) -> EmergencyContact | None:
    for contact in case.person.contacts:
        if inquiry.caller_phone and contact.phone == inquiry.caller_phone:
            return contact
        if contact.name.casefold() == inquiry.caller_name.casefold():
            return contact
    return None


def link(
    db: Session, actor: Actor, inquiry_id: str, case_id: str, *, version: int | None = None
) -> Linked:
    """Link a call to a case of its incident; the caller becomes an emergency contact of the
    case's person (found again if already one, by phone or name). Against the detainee's
    refusal the contact is still recorded, but the family will be told nothing. Audited."""
    inquiry = _changing(db, actor, inquiry_id, version)
    refuse_closed(inquiry.incident)
    case = get_case(db, actor, case_id, for_update=True)
    if case.incident_id != inquiry.incident_id:
        raise NotFound("case", case_id)
    _move(inquiry, InquiryState.LINKED)
    contact = _same_contact(case, inquiry)
    added = contact is None
    if contact is None:
        contact = EmergencyContact(
            name=inquiry.caller_name,
            relationship_to_person=inquiry.caller_relation,
            phone=inquiry.caller_phone,
            language=inquiry.caller_language,
        )
        case.person.contacts.append(contact)
        db.flush()
    inquiry.case_id, inquiry.contact_id = case.id, contact.id
    db.flush()
    diff: dict[str, object] = {
        "number": inquiry.number,
        "caller": inquiry.caller_name,
        "contact_added": added,
    }
    _audit(db, actor, AuditTag.HOTLINE_LINK, inquiry, diff)
    if added:
        contact_diff = {
            "name": contact.name,
            "relation": contact.relationship_to_person,
            "language": contact.language,
            "phone_changed": bool(contact.phone),
        }
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.CONTACT_ADD,
            target_type="emergency_contact",
            target_id=contact.id,
            case_id=case.id,
            diff=contact_diff,
        )
    return Linked(inquiry, contact, added, family_may_be_told(case))


# --- the caller's family code ------------------------------------------------------------


@dataclass(frozen=True)
class CodeGiven:
    issued: IssuedCode
    sms_written: bool


def give_code(
    db: Session, actor: Actor, settings: Settings, inquiry_id: str, *, by_sms: bool = False
) -> CodeGiven:
    """A family code for the caller of a linked call (refused against the detainee's wish);
    with ``by_sms``, a text message carrying it is written to the outbox for the caller's
    phone. The code is in that message only: never in the call, the audit or the code's row."""
    inquiry = _changing(db, actor, inquiry_id, None)
    refuse_closed(inquiry.incident)
    if inquiry.case_id is None or inquiry.contact is None:
        raise Conflict(
            "hotline.not_linked",
            N_("Link the call to a case first: the code is for that case's family."),
        )
    case = get_case(db, actor, inquiry.case_id, for_update=True)
    contact = inquiry.contact
    if by_sms:
        _refuse_sms(contact)
    issued = issue_code(db, actor, settings, case.id, contact.name)
    if by_sms:
        write_code_sms(db, case, contact, issued.code)
        _audit(db, actor, AuditTag.HOTLINE_CODE_SMS, inquiry, {"contact": contact.name})
    return CodeGiven(issued, by_sms)


def _refuse_sms(contact: EmergencyContact) -> None:
    if contact.opted_out:
        raise Conflict(
            "hotline.sms_opted_out",
            N_("%(name)s asked for no messages: give the code by phone instead."),
            name=contact.name,
        )
    if not contact.phone:
        raise InvalidInput(
            "hotline.sms_no_phone",
            N_("No phone is on record for %(name)s: give the code by phone instead."),
            name=contact.name,
        )


# --- the family report -------------------------------------------------------------------


def report_table(inquiry: Inquiry) -> Table:
    """The call as a family list of one row, as a family's spreadsheet would write it."""
    record = as_record(inquiry)
    name_field = "full_name_hangul" if record.full_name_hangul else "full_name"
    values = {
        "id": f"hotline-{inquiry.id}",
        name_field: record.full_name_hangul or record.full_name or "",
        "date_of_birth": inquiry.subject_birth.isoformat() if inquiry.subject_birth else "",
        "employer": inquiry.subject_employer,
        "last_seen": inquiry.last_seen,
        "reported_by": f"{inquiry.caller_name} ({inquiry.caller_relation})".replace(" ()", ""),
    }
    digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
    return Table(
        f"hotline-call-{inquiry.number}",
        tuple(values),
        (Row(2, values),),
        digest,
    )


def report(db: Session, actor: Actor, inquiry_id: str, *, version: int | None = None) -> Inquiry:
    """Turn a call about a person on no list into a family report: a family list of one row
    in the incident, imported and reconciled as any family list (it opens a case or waits
    in the review queue). Audited."""
    inquiry = _changing(db, actor, inquiry_id, version)
    refuse_closed(inquiry.incident)
    if InquiryState.REPORTED not in MOVES[InquiryState(inquiry.state)]:
        _move(inquiry, InquiryState.REPORTED)  # refused, saying why
    table = report_table(inquiry)
    fields = {"last_seen": "", "reported_by": ""}
    columns = {column: fields.get(column, column) for column in table.columns}
    imported = import_list(
        db,
        actor,
        inquiry.incident_id,
        ListKind.FAMILY.value,
        table,
        date_format="%Y-%m-%d",
        columns=columns,
    )
    row = db.scalar(
        select(SourceRecord).where(SourceRecord.source_list_id == imported.source_list_id)
    )
    inquiry.source_record_id = row.id if row is not None else None
    _move(inquiry, InquiryState.REPORTED)
    db.flush()
    _audit(
        db,
        actor,
        AuditTag.HOTLINE_REPORT,
        inquiry,
        {"number": inquiry.number, "list": table.source},
    )
    return inquiry
