"""Finding a case of an incident by what an officer has at hand: a name in any spelling, an
A-number, a passport number or the case number."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.reading import readable_cases, summarize
from consular.cases.schemas import CaseSummary
from consular.db import utcnow
from consular.errors import NotFound
from consular.incidents.models import Incident
from consular.incidents.scope import readable_incidents
from consular.matching.normalize import normalize_passport
from consular.registry.models import Person
from consular.registry.search import name_matches
from consular.sealing import blind_index, normalise_identifier

# A search shows at most this many cases: a name that finds more needs another word.
MOST_FOUND = 100
# Case numbers run from 1; a number longer than this is an identifier, not a case number.
_CASE_NUMBER_DIGITS = 6


class FoundBy(StrEnum):
    CASE_NUMBER = "case_number"
    HOST_IDENTIFIER = "host_identifier"
    PASSPORT = "passport"
    NAME = "name"


@dataclass(frozen=True)
class CaseFound:
    case: CaseSummary
    found_by: FoundBy


def search_incident(
    db: Session, actor: Actor, incident_id: str, text: str, *, limit: int = MOST_FOUND
) -> list[CaseFound]:
    """The incident's cases the actor may read that ``text`` names, the surest first (case
    number, A-number, passport number), then by name in case-number order; an incident the
    actor may not read is NotFound."""
    visible = readable_incidents(actor).where(Incident.id == incident_id)
    if (
        not actor.can(Permission.CASE_READ)
        or db.scalar(visible.with_only_columns(Incident.id)) is None
    ):
        raise NotFound("incident", incident_id)
    text = text.strip()
    found: dict[str, CaseFound] = {}
    now = utcnow()
    for found_by, condition in _conditions(text):
        query = (
            readable_cases(actor)
            .join(Person, Person.id == Case.person_id)
            .where(Case.incident_id == incident_id, condition)
            .order_by(Case.number)
            .limit(limit)
        )
        for case in db.scalars(query).unique():
            if case.id not in found and len(found) < limit:
                found[case.id] = CaseFound(summarize(case, now), found_by)
    return list(found.values())


def _conditions(text: str) -> list[tuple[FoundBy, ColumnElement[bool]]]:
    """What ``text`` may be, each with the condition on a case that finds it."""
    if not text:
        return []
    conditions: list[tuple[FoundBy, ColumnElement[bool]]] = []
    number = text.lstrip("#").strip()
    if number.isdigit() and len(number) <= _CASE_NUMBER_DIGITS:
        conditions.append((FoundBy.CASE_NUMBER, Case.number == int(number)))
    identifiers = _identifier_indexes(text)
    if identifiers:
        conditions.append((FoundBy.HOST_IDENTIFIER, Case.host_identifier_index.in_(identifiers)))
    passport = normalize_passport(text)
    if passport and len(passport) >= 5:
        conditions.append(
            (FoundBy.PASSPORT, Person.passport_index == blind_index("passport", passport))
        )
    by_name = name_matches(text)
    if by_name is not None:
        conditions.append((FoundBy.NAME, by_name))
    return conditions


def _identifier_indexes(text: str) -> list[str]:
    """The blind indexes an A-number typed this way may be stored under (with or without
    its A, with spaces or hyphens)."""
    typed = normalise_identifier(text)
    digits = typed[1:] if typed.startswith("A") else typed
    if not digits.isdigit() or len(digits) < 7:
        return []
    forms = {typed, digits, f"A{digits}"}
    return sorted(index for form in forms if (index := blind_index("identifier", form)))
