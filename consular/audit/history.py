"""An audit event as a person reads it: who, what was done, and each value it changed, in
the reader's language ("상태: 소재 확인 → 영사 접견"). A page shows these lines, never a tag
or a stored code; the JSON API keeps the raw event for machines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from consular.audit.models import AuditEvent
from consular.audit.tags import AuditTag, declared_tag
from consular.cases import labels
from consular.cases.notes import from_row, shown_note
from consular.codes import RELATIONSHIPS
from consular.i18n import N_
from consular.i18n.message import Gettext, Message, term
from consular.interviews import labels as interview_labels
from consular.phones import shown_phone
from consular.reentry.report import FACT_NAMES, OUTCOME_KINDS, VERDICTS, Words
from consular.reentry.service import RECORDED_FIELDS
from consular.referrals import labels as referral_labels

Shown = Message | str


@dataclass(frozen=True)
class Reader:
    """Whom the lines are for: their language, and how a moment is written for them."""

    gettext: Gettext
    language: str
    when: Callable[[datetime], str] | None = None


@dataclass(frozen=True)
class EventLines:
    """One event, in the reader's words."""

    who: str
    what: str
    changes: tuple[str, ...]


def _as_text(value: Any, reader: Reader) -> Shown:
    return str(value)


@dataclass(frozen=True)
class Field:
    """A value of an event's diff worth showing: its label, and how its value reads.
    ``changed``: the diff holds ``[before, after]``; ``read``: the value is made of several
    of the diff's (it is shown as ``read`` gives it)."""

    label: str
    show: Callable[[Any, Reader], Shown] = _as_text
    changed: bool = False
    read: Callable[[dict[str, Any]], Shown] | None = None


def coded(names: Mapping[str, str]) -> Callable[[Any, Reader], Shown]:
    """A code from a fixed set, shown by its name (an unknown code as it is)."""
    return lambda value, reader: term(value, names[value]) if value in names else str(value)


def _moment(value: Any, reader: Reader) -> Shown:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if reader.when is None or moment.tzinfo is None:
        return str(value)
    return reader.when(moment)


def _yes_no(value: Any, reader: Reader) -> Shown:
    return Message("yes", N_("Yes")) if value else Message("no", N_("No"))


def _fact(name: str) -> Callable[[Any, Reader], Shown]:
    return lambda value, reader: Words(reader.language).value(name, value)


_NOTE = Field(N_("Note"), lambda value, reader: shown_note(str(value)))
_SOURCE = Field(N_("Source"), lambda value, reader: shown_note(str(value)))
_DECISIONS = {
    "auto": N_("Linked by the matching"),
    "confirmed": N_("Confirmed in review"),
    "new_person": N_("New person, from review"),
    "found_by_search": N_("Linked to a person found by search, in review"),
}
_CHANNELS = {"email": N_("E-mail"), "sms": N_("SMS")}
_DOCUMENT = {
    "kind": Field(N_("Kind"), coded(labels.DOCUMENT_KINDS), changed=True),
    "number": Field(N_("Document number"), changed=True),
    "issued_on": Field(N_("Issued on"), changed=True),
    "expires_on": Field(N_("Expires on"), changed=True),
    "validity": Field(N_("Valid for"), coded(labels.VALIDITIES), changed=True),
    "passport_whereabouts": Field(N_("Passport"), coded(labels.PASSPORT_WHEREABOUTS), changed=True),
    "travel_document": Field(N_("Travel document"), coded(labels.TRAVEL_DOCUMENTS), changed=True),
}
_AUDIENCES = {"families": N_("Families"), "employers": N_("Employers")}
_MERGE = {
    "kept": Field(N_("Person kept")),
    "duplicate": Field(N_("Person merged into it")),
    "reason": _NOTE,
}
_LANGUAGES = {"ko": N_("Korean"), "en": N_("English")}
_CONTACT = {
    "name": Field(N_("Name"), changed=True),
    "relation": Field(N_("Relation"), coded(RELATIONSHIPS), changed=True),
    "phone_changed": Field(N_("Phone changed"), _yes_no),
    "language": Field(N_("Messages in"), coded(_LANGUAGES), changed=True),
    "opted_out": Field(N_("Asked for no messages"), _yes_no, changed=True),
}


def _phone(value: Any, reader: Reader) -> Shown:
    return shown_phone(str(value))


def _entry_change(changed: bool) -> dict[str, Field]:
    """The values of a facility's directory entry worth reading in its history."""
    return {
        "facility": Field(N_("Facility")),
        "name": Field(N_("Name"), changed=changed),
        "operator": Field(N_("Operator"), changed=changed),
        "city": Field(N_("City"), changed=changed),
        "phone": Field(N_("Phone"), _phone, changed=changed),
        "visiting_hours": Field(N_("Visiting hours"), changed=changed),
        "field_office": Field(N_("Field office"), changed=changed),
        "field_office_phone": Field(N_("Field office phone"), _phone, changed=changed),
    }


FIELDS: dict[AuditTag, dict[str, Field]] = {
    AuditTag.CASE_CREATE: {
        "state": Field(N_("State"), coded(labels.STATES)),
        "facility": Field(N_("Facility")),
        "source": _SOURCE,
    },
    AuditTag.CASE_UPDATE: {
        "arrested_at": Field(N_("Arrested"), _moment),
        "facility": Field(N_("Facility")),
        "host_identifier": Field(
            N_("Host authority number"), coded({"recorded": N_("recorded, shown masked")})
        ),
        "source": _SOURCE,
    },
    AuditTag.CASE_TRANSITION: {
        "state": Field(N_("State"), coded(labels.STATES), changed=True),
        "note": _NOTE,
    },
    AuditTag.CUSTODY_RECORD: {
        "kind": Field(N_("Kind"), coded(labels.CUSTODY_KINDS)),
        "facility": Field(N_("Facility"), changed=True),
        "note": _NOTE,
    },
    AuditTag.DISPOSITION_RECORD: {
        "disposition": Field(N_("Disposition"), coded(labels.DISPOSITIONS), changed=True),
        "note": _NOTE,
    },
    AuditTag.NOTE_ADD: {"body": _NOTE},
    AuditTag.MILESTONE_COMPLETE: {
        "kind": Field(N_("Item"), coded(labels.MILESTONES)),
        "done_at": Field(N_("Done at"), _moment),
        "evidence": Field(N_("How it was done")),
    },
    AuditTag.TRAVEL_RECORD: {
        "travel_document": Field(
            N_("Travel document"), coded(labels.TRAVEL_DOCUMENTS), changed=True
        ),
        "special_needs": Field(N_("Special needs"), changed=True),
    },
    AuditTag.CASE_ASSIGN: {
        "assigned_to": Field(N_("Officer"), changed=True),
        "second_officer": Field(N_("Second officer"), changed=True),
        "note": _NOTE,
    },
    AuditTag.CASE_WISHES: {
        "family_notice": Field(N_("Family may be told"), coded(labels.NOTICES), changed=True),
        "employer_notice": Field(N_("Employer may be told"), coded(labels.NOTICES), changed=True),
    },
    AuditTag.DOCUMENT_RECORD: _DOCUMENT,
    AuditTag.DOCUMENT_ISSUE: _DOCUMENT,
    AuditTag.DOCUMENT_PRINT: {
        "number": Field(N_("Document number")),
        "printed": Field(N_("Times printed")),
    },
    AuditTag.INTERVIEW_RECORD: {
        "held_on": Field(N_("Date")),
        "facility": Field(N_("Facility")),
        "interviewer": Field(N_("Interviewed by")),
        "seen": Field(N_("Seen or not"), coded(interview_labels.SEEN)),
        "not_seen_reason": Field(N_("Why not seen"), coded(interview_labels.NOT_SEEN_REASONS)),
        "not_seen_other": Field(N_("Other reason")),
        "interpreter": Field(N_("Interpreter used"), _yes_no),
        "health": Field(N_("Health")),
        "injuries": Field(N_("Injuries")),
        "medical_notes": Field(N_("Medical needs")),
        "complaints": Field(N_("Complaints about treatment")),
        "told_reason": Field(N_("Told the reason for the arrest"), coded(interview_labels.ANSWERS)),
        "advised_rights": Field(N_("Advised of rights"), coded(interview_labels.ANSWERS)),
        "family_notice": Field(N_("Family may be told"), coded(interview_labels.NOTICE_ANSWERS)),
        "employer_notice": Field(
            N_("Employer may be told"), coded(interview_labels.NOTICE_ANSWERS)
        ),
        "wish": Field(N_("Wishes"), coded(interview_labels.WISHES)),
        "counsel_wanted": Field(N_("Wants counsel"), _yes_no),
        "property_held": Field(N_("Property held by the host authority")),
        "property_left": Field(N_("Property left at the worksite or hotel")),
        "notes": _NOTE,
    },
    AuditTag.FACILITY_CREATE: _entry_change(False),
    AuditTag.FACILITY_UPDATE: _entry_change(True),
    AuditTag.FACILITY_MERGE: {"facility": Field(N_("Facility"), changed=True)},
    AuditTag.TEAM_ADD: {"officer": Field(N_("Officer"))},
    AuditTag.TEAM_REMOVE: {"officer": Field(N_("Officer")), "unassigned": Field(N_("Cases"))},
    AuditTag.RECORD_LINK: {
        "row": Field(
            N_("Source"),
            read=lambda diff: from_row(str(diff.get("kind")), str(diff.get("list")), diff["row"]),
        ),
        "decision": Field(N_("How it was linked"), coded(_DECISIONS)),
        "note": _NOTE,
    },
    AuditTag.REVIEW_REJECT: {"row": Field(N_("Row")), "note": _NOTE},
    AuditTag.PERSON_MERGE: _MERGE,
    AuditTag.PERSON_UNMERGE: _MERGE,
    AuditTag.INCIDENT_CLOSE: {"note": _NOTE},
    AuditTag.INCIDENT_REOPEN: {"note": _NOTE},
    AuditTag.ASSESSMENT_RECORD: {
        "outcome": Field(N_("Result"), coded(VERDICTS)),
        "rules": Field(N_("Rules"), lambda value, reader: " ".join(map(str, value))),
        "version": Field(N_("Rule set version")),
    },
    AuditTag.REENTRY_FACTS_UPDATE: {
        name: Field(FACT_NAMES[name], _fact(name), changed=True) for name in RECORDED_FIELDS
    },
    AuditTag.REENTRY_OUTCOME_RECORD: {
        "kind": Field(N_("What happened"), coded(OUTCOME_KINDS)),
        "on": Field(N_("Date")),
        "note": _NOTE,
    },
    AuditTag.REFERRAL_CREATE: {
        "provider": Field(N_("Referred to")),
        "kind": Field(N_("Kind"), coded(referral_labels.PROVIDER_KINDS)),
        "consent": Field(N_("Consent")),
    },
    AuditTag.REFERRAL_MOVE: {
        "provider": Field(N_("Referred to")),
        "state": Field(N_("State"), coded(referral_labels.REFERRAL_STATES), changed=True),
        "outcome": Field(N_("Outcome")),
    },
    AuditTag.HEARING_ADD: {
        "kind": Field(N_("Kind"), coded(referral_labels.HEARING_KINDS)),
        "starts_at": Field(N_("Date and time"), _moment),
        "place": Field(N_("Place or court")),
        "note": _NOTE,
    },
    AuditTag.HEARING_REMOVE: {
        "kind": Field(N_("Kind"), coded(referral_labels.HEARING_KINDS)),
        "starts_at": Field(N_("Date and time"), _moment),
        "place": Field(N_("Place or court")),
        "note": _NOTE,
    },
    AuditTag.BOND_RECORD: {
        "amount": Field(N_("Amount (US dollars)"), changed=True),
        "payer": Field(N_("Who pays"), coded(referral_labels.BOND_PAYERS), changed=True),
        "state": Field(N_("Bond state"), coded(referral_labels.BOND_STATES), changed=True),
        "note": _NOTE,
    },
    AuditTag.SEAT_ASSIGN: {"flight": Field(N_("Flight"))},
    AuditTag.SEAT_UNASSIGN: {"flight": Field(N_("Flight")), "note": _NOTE},
    AuditTag.FLIGHT_DELAY: {
        "flight": Field(N_("Flight")),
        "departs_at": Field(N_("Departure time"), _moment, changed=True),
    },
    AuditTag.FLIGHT_CANCEL: {
        "flight": Field(N_("Flight")),
        "moved_to": Field(N_("Passengers moved to")),
        "seats_lost": Field(N_("Seats lost")),
        "reason": _NOTE,
    },
    AuditTag.BROADCAST_SEND: {
        "audience": Field(N_("To"), coded(_AUDIENCES)),
        "scope": Field(N_("Of")),
        "subject": Field(N_("Subject")),
        "messages": Field(N_("Messages")),
    },
    AuditTag.VISIT_CASE_ADD: {"facility": Field(N_("Facility")), "date": Field(N_("Date"))},
    AuditTag.VISIT_CASE_REMOVE: {"facility": Field(N_("Facility")), "date": Field(N_("Date"))},
    AuditTag.FAMILY_CODE_ISSUE: {
        "contact": Field(N_("Given to")),
        "expires_at": Field(N_("Valid until"), _moment),
    },
    AuditTag.FAMILY_CODE_REVOKE: {"contact": Field(N_("Given to"))},
    AuditTag.STATUS_LOOKUP: {"contact": Field(N_("Given to"))},
    AuditTag.HOTLINE_LINK: {
        "number": Field(N_("Call")),
        "caller": Field(N_("Caller")),
        "contact_added": Field(N_("Caller added as an emergency contact"), _yes_no),
    },
    AuditTag.HOTLINE_CODE_SMS: {"contact": Field(N_("Given to"))},
    AuditTag.CONTACT_ADD: _CONTACT,
    AuditTag.CONTACT_CHANGE: _CONTACT,
    AuditTag.CONTACT_REMOVE: {"name": Field(N_("Name"))},
    AuditTag.MESSAGE_RETRY: {
        "channel": Field(N_("Sent by"), coded(_CHANNELS)),
        "recipient_changed": Field(N_("Address corrected"), _yes_no),
    },
}


def event_lines(
    event: AuditEvent,
    gettext: Gettext,
    *,
    language: str,
    when: Callable[[datetime], str] | None = None,
) -> EventLines:
    """``event`` for a reader of ``language`` whose catalog is ``gettext``; ``when`` writes
    a moment (the post's time zone), else moments stay as stored."""
    reader = Reader(gettext, language, when)
    tag = declared_tag(event.tag)
    if tag is None:
        # Only a row written outside the product has an undeclared tag.
        return EventLines(event.actor, event.tag, ())
    return EventLines(
        who=_who(event.actor, gettext),
        what=gettext(tag.description),
        changes=tuple(line.translated(gettext) for line in _lines(tag, event.diff, reader)),
    )


def _who(actor: str, gettext: Gettext) -> str:
    # The public status page records its caller as "public:<address>", the command line
    # its operator as "cli:<login on the server>".
    if actor.startswith("cli:"):
        said = N_("The operator, at the command line (%(login)s)")
        return Message("audit.operator", said, login=actor.removeprefix("cli:")).translated(gettext)
    if not actor.startswith("public:"):
        return actor
    said = N_("A family, on the status page (%(client)s)")
    return Message("audit.public", said, client=actor.removeprefix("public:")).translated(gettext)


def _lines(tag: AuditTag, diff: dict[str, Any], reader: Reader) -> list[Message]:
    lines = []
    for key, field in FIELDS.get(tag, {}).items():
        if key not in diff:
            continue
        value = diff[key]
        if field.read is not None:
            lines.append(_line(field, field.read(diff)))
        elif field.changed and isinstance(value, list) and len(value) == 2:
            lines.extend(_change(field, value[0], value[1], reader))
        elif not _empty(value) and value != {}:
            lines.append(_line(field, field.show(value, reader)))
    return lines


def _line(field: Field, value: Shown) -> Message:
    return Message("audit.value", N_("%(field)s: %(value)s"), field=_label(field), value=value)


def _change(field: Field, before: Any, after: Any, reader: Reader) -> list[Message]:
    if before == after or (_empty(before) and _empty(after)):
        return []
    if _empty(before):
        return [_line(field, field.show(after, reader))]
    return [
        Message(
            "audit.change",
            N_("%(field)s: %(before)s → %(after)s"),
            field=_label(field),
            before=field.show(before, reader),
            after="—" if _empty(after) else field.show(after, reader),
        )
    ]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _label(field: Field) -> Message:
    return Message("audit.field", field.label)
