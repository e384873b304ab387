"""Showing a masked identifier, the one rule for every record that holds one.

A person's passport number and a case's host authority number are shown masked everywhere;
shown whole only to a user with ``identifier:reveal`` who can see the record (another
post's is not found), and every time with an audit row that names the field, never the
value. The page, the API and the command line all reveal through ``reveal_identifier``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.service import get_case
from consular.registry.service import get_person


class Revealed(StrEnum):
    """The kinds of record whose identifier can be revealed, as audit rows name them."""

    CASE = "case"
    PERSON = "person"


@dataclass(frozen=True)
class _Identifier:
    find: Callable[[Session, Actor, str], Any]
    field: str
    tag: AuditTag
    of_case: bool  # the audit row belongs to the case's history too


_IDENTIFIERS = {
    Revealed.CASE: _Identifier(get_case, "host_identifier", AuditTag.HOST_IDENTIFIER_REVEAL, True),
    Revealed.PERSON: _Identifier(get_person, "passport_number", AuditTag.PASSPORT_REVEAL, False),
}


def reveal_identifier(db: Session, actor: Actor, kind: Revealed, record_id: str) -> str | None:
    """The record's identifier, unmasked; the reveal is audited (the field, not the value)."""
    identifier = _IDENTIFIERS[kind]
    actor.require(Permission.IDENTIFIER_REVEAL, str(kind), record_id)
    record = identifier.find(db, actor, record_id)
    audit.record(
        db,
        actor=actor.name,
        tag=identifier.tag,
        target_type=str(kind),
        target_id=record.id,
        case_id=record.id if identifier.of_case else None,
        diff={"fields": [identifier.field]},
    )
    value: str | None = getattr(record, identifier.field)
    return value
