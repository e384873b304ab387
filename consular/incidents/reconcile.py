"""Reconciling list rows with the registry inside an incident: the candidate pool drawn
from the database, what the incident itself knows (the A-numbers already linked, the people
deployed at the raided worksite), and the links with what the review queue shows of them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import Row, Text, func, select, type_coerce
from sqlalchemy.orm import Session

from consular.auth.service import Actor
from consular.cases.models import Case
from consular.config import get_settings
from consular.errors import InvalidInput, NotFound
from consular.i18n import N_
from consular.incidents.listrows import ListRow
from consular.incidents.models import Incident
from consular.matching import Decision, Link, PersonRecord, build_matcher
from consular.matching.engine import NAME_BLOCK_LIMIT
from consular.matching.index import no_cycles_made
from consular.matching.profile import fold_host_identifier, fold_worksite
from consular.registry.models import Deployment, Employer, Person, PersonNameKey, display_name
from consular.registry.service import mask_identifier, readable_persons
from consular.sealing import SealedText, blind_index, open_sealed


def _in_scope(row: ListRow, home: str) -> bool:
    origin = row.record.nationality or row.record.country_of_birth
    return origin is None or origin == home


# The columns the matcher reads, not whole persons: no contact details opened, no objects
# for the session to track; the passport is opened once the person is in the pool.
_SEALED_PASSPORT = Person.__table__.c.passport_number
_POOL_COLUMNS = (
    Person.id,
    Person.family_name,
    Person.given_name,
    Person.family_name_hangul,
    Person.given_name_hangul,
    Person.date_of_birth,
    Person.sex,
    type_coerce(_SEALED_PASSPORT, Text).label("passport_sealed"),
    Person.nationality,
)


def _candidate_pool(
    db: Session,
    rows: Sequence[ListRow],
    identified: dict[str, str],
    at_worksite: set[str],
    worksite: str,
) -> list[PersonRecord]:
    """Registry persons that could be any of the rows (blocked on passport, birth date, name),
    the persons of the A-numbers already linked in the incident (``identified``: A-number →
    person) and those deployed at its ``worksite`` (``at_worksite``)."""
    found = _blocked(db, rows)
    listed = {fold_host_identifier(r.host_identifier) or "" for r in rows}
    held = {identified[number] for number in listed & identified.keys()}
    wanted = sorted((held | at_worksite) - found.keys())
    for person in db.execute(select(*_POOL_COLUMNS).where(Person.id.in_(wanted))):
        found.setdefault(person.id, person)
    numbers = {person_id: number for number, person_id in identified.items()}
    employers = _employers_of(db, found.keys())
    sealed = _SEALED_PASSPORT.type
    assert isinstance(sealed, SealedText)
    return [
        PersonRecord(
            id=p.id,
            family_name=p.family_name,
            given_name=p.given_name,
            family_name_hangul=p.family_name_hangul,
            given_name_hangul=p.given_name_hangul,
            date_of_birth=p.date_of_birth,
            sex=p.sex,
            passport_number=None
            if p.passport_sealed is None
            else open_sealed(p.passport_sealed, sealed.where),
            nationality=p.nationality,
            host_identifier=numbers.get(p.id),
            employers=employers.get(p.id, ()),
            worksites=(worksite,) if p.id in at_worksite else (),
        )
        for p in found.values()
    ]


def _blocked(db: Session, rows: Sequence[ListRow]) -> dict[str, Row[*tuple[Any, ...]]]:
    """The persons sharing a passport, a birth date (or its day and month swapped) or a
    spelling-insensitive name key with any of the rows, by id."""
    passports = {blind_index("passport", r.record.passport_number) for r in rows} - {None}
    births = {r.record.date_of_birth for r in rows if r.record.date_of_birth is not None}
    # Day and month swapped (a US list's 05/04 for 4 May), where the day can be a month.
    births |= {b.replace(month=b.day, day=b.month) for b in births if b.day <= 12}
    names = set().union(*(r.name_keys for r in rows))
    hanguls = {r.hangul_key for r in rows} - {None}
    keys = set().union(*(r.match_keys for r in rows))
    by_key = select(PersonNameKey.person_id)
    found: dict[str, Row[*tuple[Any, ...]]] = {}
    for column, values in (
        (Person.passport_index, passports),
        (Person.date_of_birth, births),
        (Person.name_key, names),
        (Person.hangul_key, hanguls),
        (Person.id, keys),
    ):
        items = sorted(values)  # type: ignore[type-var]
        for start in range(0, len(items), 900):
            chunk = items[start : start + 900]
            if column is Person.id:
                # Any spelling of the name: YI, SUNG HO finds LEE SEONGHO and 이성호. A name
                # carried by very many people is left to the birth date and the passport.
                usable = (
                    select(PersonNameKey.key)
                    .where(PersonNameKey.key.in_(chunk))
                    .group_by(PersonNameKey.key)
                    .having(func.count() <= NAME_BLOCK_LIMIT)
                )
                where = column.in_(by_key.where(PersonNameKey.key.in_(usable)))
            else:
                where = column.in_(chunk)
            # A person merged into another is found as that one, never as themselves.
            live = select(*_POOL_COLUMNS).where(where, Person.merged_into_id.is_(None))
            for person in db.execute(live):
                found.setdefault(person.id, person)
    return found


def _employers_of(db: Session, person_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The employers each person was deployed by, as the registry knows them."""
    found: dict[str, set[str]] = defaultdict(set)
    ordered = sorted(person_ids)
    for start in range(0, len(ordered), 900):
        query = (
            select(Deployment.person_id, Employer.name)
            .join(Employer, Deployment.employer_id == Employer.id)
            .where(Deployment.person_id.in_(ordered[start : start + 900]))
        )
        for person_id, name in db.execute(query):
            if person_id is not None:
                found[person_id].add(name)
    return {person_id: tuple(sorted(names)) for person_id, names in found.items()}


def deployed_at_worksite(db: Session, incident: Incident) -> set[str]:
    """The persons deployed at the incident's worksite when it began.

    Employers register the workers they send and where; on a raided worksite's lists,
    those people are who the consulate expects to find.
    """
    place = fold_worksite(incident.worksite)
    if not place:
        return set()
    day = incident.started_at.date()
    named = [
        worksite
        for worksite in db.scalars(select(Deployment.worksite).distinct())
        if fold_worksite(worksite) == place
    ]
    if not named:
        return set()
    query = select(Deployment.person_id).where(
        Deployment.worksite.in_(named),
        Deployment.person_id.is_not(None),
        (Deployment.entry_date.is_(None)) | (Deployment.entry_date <= day),
        (Deployment.planned_end.is_(None)) | (Deployment.planned_end >= day),
    )
    return {person_id for person_id in db.scalars(query) if person_id}


def incident_identifiers(db: Session, incident_id: str) -> dict[str, str]:
    """The A-numbers already linked in an incident (folded), each with its person's id.

    The host authority's number follows a detainee from one of its lists to the next.
    """
    query = select(Case.person_id, Case.host_identifier).where(
        Case.incident_id == incident_id, Case.host_identifier_index.is_not(None)
    )
    out: dict[str, str] = {}
    for person_id, number in db.execute(query):
        folded = fold_host_identifier(number)
        if folded:
            out[folded] = person_id
    return out


def person_record(person: Person) -> PersonRecord:
    return PersonRecord(
        id=person.id,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_hangul=person.family_name_hangul,
        given_name_hangul=person.given_name_hangul,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        passport_number=person.passport_number,
        nationality=person.nationality,
    )


class RowLink(TypedDict):
    """What reconciliation says of one row: a match, or a doubt for an officer."""

    decision: str  # match, review
    person_id: str | None  # the matched person
    score: float | None
    candidates: list[dict[str, object]]


def link_rows(
    db: Session, rows: Sequence[ListRow], *, incident_id: str | None = None
) -> dict[int, RowLink]:
    """Each row of the home country by row number, reconciled with the registry; reads only.

    Rows about other nationals are left out (they open no case). In an incident, the
    A-numbers already linked there are evidence: a row carrying one is that person's,
    unless its name and birth date say otherwise (then an officer decides); and so is a
    deployment at the incident's worksite when it began.
    """
    home = get_settings().home_country
    in_scope = [r for r in rows if _in_scope(r, home)]
    incident = db.get(Incident, incident_id) if incident_id else None
    identified = incident_identifiers(db, incident.id) if incident else {}
    at_worksite = deployed_at_worksite(db, incident) if incident else set()
    worksite = incident.worksite if incident and at_worksite else ""
    # The pool holds only the likely candidates; how telling a name or a birth date is
    # depends on the whole registry.
    population = db.scalar(select(func.count()).select_from(Person)) or 0
    with no_cycles_made():
        pool = _candidate_pool(db, in_scope, identified, at_worksite, worksite)
    matcher = build_matcher(pool, population=population)
    links = list(matcher.link_many(_probe(r, worksite) for r in in_scope))
    names = _shown(pool, {c.registry_id for link in links for c in link.candidates})
    out: dict[int, RowLink] = {}
    for row, link in zip(in_scope, links, strict=True):
        matched = link.decision is Decision.MATCH and link.best is not None
        out[row.row_number] = RowLink(
            decision="match" if matched else "review",
            person_id=link.best.registry_id if matched and link.best else None,
            score=link.best.probability if link.best else None,
            candidates=_candidates_json(link, names),
        )
    return out


def _probe(row: ListRow, worksite: str) -> PersonRecord:
    """The row as the matcher compares it: with its A-number and the raided worksite."""
    if not row.host_identifier and not worksite:
        return row.record
    return dataclasses.replace(
        row.record,
        host_identifier=row.host_identifier,
        worksites=(worksite,) if worksite else (),
    )


@dataclass(frozen=True)
class _Shown:
    """What the review queue shows of a candidate: enough to tell namesakes apart."""

    name: str
    date_of_birth: str | None
    passport: str | None  # masked
    employers: list[str]


def _shown(pool: Sequence[PersonRecord], ids: set[str]) -> dict[str, _Shown]:
    """What the review queue shows of these candidates, from the pool they were found in
    (it holds every column shown, the passport already opened): no second reading."""
    return {
        person.id: _Shown(
            name=display_name(
                person.family_name,
                person.given_name,
                person.family_name_hangul,
                person.given_name_hangul,
            ),
            date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else None,
            passport=mask_identifier(person.passport_number),
            employers=list(person.employers),
        )
        for person in pool
        if person.id in ids
    }


def _candidates_json(link: Link, names: dict[str, _Shown]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for rank, candidate in enumerate(link.candidates):
        person = names.get(candidate.registry_id)
        held = rank == 0 and link.hold is not None
        out.append(
            {
                # Why the likeliest candidate waits for an officer (a code the pages translate).
                "hold": link.hold.value if held and link.hold else None,
                "hold_detail": link.hold_detail if held else "",
                "person_id": candidate.registry_id,
                "name": person.name if person else "?",
                "date_of_birth": person.date_of_birth if person else None,
                # What tells two namesakes apart at a glance, without revealing identifiers.
                "passport": person.passport if person else None,
                "employers": person.employers if person else [],
                "probability": round(candidate.probability, 4),
                "explanation": candidate.explanation(),
                # The same evidence as codes and values, put in the reader's words by the pages.
                "evidence": [
                    {"field": e.field, "outcome": e.outcome, "values": e.values, "notes": e.notes}
                    for e in candidate.evidence
                ],
                "hold_field": link.hold_field if held else "",
            }
        )
    return out


def person_found_by_search(db: Session, actor: Actor, person_id: str | None, note: str) -> Person:
    """The registry person an officer found by searching for a row (not one of its
    candidates): one they may see, not merged into another; why they are the row's is
    required, since no matching stands behind the link."""
    if not person_id:
        raise InvalidInput(
            "review.person_missing",
            N_("Search the registry and choose the person."),
            details={"needs": "person_id"},
        )
    if not note.strip():
        raise InvalidInput(
            "review.link_reason",
            N_("Say why the person found is the one on the row."),
            details={"needs": "note"},
        )
    person = db.scalar(readable_persons(actor).where(Person.id == person_id))
    if person is None:
        raise NotFound("person", person_id)
    refuse_merged(person)
    return person


def refuse_merged(person: Person) -> None:
    """A person merged into another takes no new row: the one kept does."""
    if person.merged_into_id is not None:
        raise InvalidInput(
            "review.person_merged",
            N_("%(name)s was merged into another person: link the row to that one."),
            name=person.display_name,
        )
