"""A case's emergency contacts, added, changed and removed by an officer: phones in E.164,
each change audited on the case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.errors import InvalidInput, NotFound
from consular.fields import FieldError, limit_of, parse_contact, parse_text
from consular.i18n import N_
from consular.phones import parse_phone
from consular.registry.models import EmergencyContact

LANGUAGES = ("ko", "en")


@dataclass(frozen=True)
class ContactForm:
    """A contact as typed: the phone as people write it, read in ``region`` when it has no
    country code."""

    name: str
    relation: str = ""
    phone: str = ""
    email: str = ""
    language: str = "ko"
    opted_out: bool = False


def read_phone(typed: str, field: str, region: str = "KR") -> str:
    """A typed phone in E.164 ("" for none), or the refusal naming the field."""
    try:
        return parse_phone(typed, region)
    except FieldError as exc:
        raise InvalidInput(exc.message, details={"field": field}) from None


def _checked(form: ContactForm) -> dict[str, object]:
    name = " ".join(form.name.split())
    if not name:
        raise InvalidInput(
            "contact.name_missing", N_("Say the contact's name."), details={"field": "name"}
        )
    if form.language not in LANGUAGES:
        raise InvalidInput(
            "contact.language",
            N_("Choose the language of the contact's messages: Korean or English."),
            details={"field": "language"},
        )
    try:
        values: dict[str, object] = {
            "name": parse_text(name, limit_of(EmergencyContact.name)),
            "relationship_to_person": parse_text(
                form.relation, limit_of(EmergencyContact.relationship_to_person)
            ),
            "email": parse_contact(form.email, limit_of(EmergencyContact.email)),
        }
    except FieldError as exc:
        raise InvalidInput(exc.message) from None
    values["phone"] = read_phone(form.phone, "phone")
    values["language"] = form.language
    values["opted_out"] = form.opted_out
    return values


def _diff(contact: EmergencyContact, before: dict[str, object] | None) -> dict[str, object]:
    now = {
        "name": contact.name,
        "relation": contact.relationship_to_person,
        "language": contact.language,
        "opted_out": contact.opted_out,
    }
    if before is None:
        return now | {"phone_changed": bool(contact.phone)}
    diff: dict[str, object] = {
        key: [before[key], value] for key, value in now.items() if before[key] != value
    }
    if before["phone"] != contact.phone:
        diff["phone_changed"] = True
    return diff


def _audit(
    db: Session, actor: Actor, tag: AuditTag, case: Case, contact_id: str, diff: dict[str, object]
) -> None:
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="emergency_contact",
        target_id=contact_id,
        case_id=case.id,
        diff=diff,
    )


def add_contact(db: Session, actor: Actor, case_id: str, form: ContactForm) -> EmergencyContact:
    """A new emergency contact of the case's person; audited on the case."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    contact = EmergencyContact(**_checked(form))
    case.person.contacts.append(contact)
    db.flush()
    _audit(db, actor, AuditTag.CONTACT_ADD, case, contact.id, _diff(contact, None))
    return contact


def _contact_of(case: Case, contact_id: str) -> EmergencyContact:
    contact = next((c for c in case.person.contacts if c.id == contact_id), None)
    if contact is None:
        raise NotFound("emergency_contact", contact_id)
    return contact


def change_contact(
    db: Session, actor: Actor, case_id: str, contact_id: str, form: ContactForm
) -> EmergencyContact:
    """Change a contact of the case's person (its phone, language, opting out); audited."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    contact = _contact_of(case, contact_id)
    values = _checked(form)
    before = {
        "name": contact.name,
        "relation": contact.relationship_to_person,
        "language": contact.language,
        "opted_out": contact.opted_out,
        "phone": contact.phone,
    }
    for key, value in values.items():
        setattr(contact, key, value)
    db.flush()
    diff = _diff(contact, before)
    if diff:
        _audit(db, actor, AuditTag.CONTACT_CHANGE, case, contact.id, diff)
    return contact


def remove_contact(db: Session, actor: Actor, case_id: str, contact_id: str) -> None:
    """Remove a contact of the case's person; the messages already written keep their
    address, the codes given keep the name. Audited."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    contact = _contact_of(case, contact_id)
    case.person.contacts.remove(contact)
    db.delete(contact)
    db.flush()
    _audit(db, actor, AuditTag.CONTACT_REMOVE, case, contact_id, {"name": contact.name})
