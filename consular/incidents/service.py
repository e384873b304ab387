"""Incidents, their source lists, reconciliation of list rows to persons, and the review queue."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypedDict

from sqlalchemy import Row, Text, func, select, type_coerce
from sqlalchemy.orm import Session

from consular import audit
from consular.auth.models import Post
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import open_case, preload_cases
from consular.config import get_settings
from consular.db import new_id, utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.fields import FieldError, is_hangul, parse_country
from consular.importing import ImportReport, refuse_bad_rows, refuse_repeat
from consular.incidents.listrows import ListRow, list_layout, list_warnings, parse_list
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.schemas import IncidentCreate, ListKind, ReviewAction
from consular.incidents.scope import readable_incidents
from consular.matching import Decision, Link, PersonRecord, build_matcher
from consular.matching.engine import NAME_BLOCK_LIMIT
from consular.matching.profile import fold_host_identifier, fold_worksite
from consular.matching.romanize import split_hangul_name
from consular.registry.models import Deployment, Employer, Person, PersonNameKey, display_name
from consular.registry.schemas import PersonCreate
from consular.registry.service import (
    Progress,
    create_person,
    mask_identifier,
    readable_persons,
)
from consular.sealing import SealedText, blind_index, open_sealed
from consular.tabular import Table


def get_incident(db: Session, actor: Actor, incident_id: str) -> Incident:
    incident = db.scalar(readable_incidents(actor).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound("incident", incident_id)
    return incident


def list_incidents(db: Session, actor: Actor) -> Sequence[Incident]:
    return db.scalars(readable_incidents(actor).order_by(Incident.started_at.desc())).all()


def case_counts(db: Session, incident_id: str) -> dict[str, int]:
    rows = db.execute(
        select(Case.state, func.count()).where(Case.incident_id == incident_id).group_by(Case.state)
    ).all()
    return {state: count for state, count in rows}


def create_incident(db: Session, actor: Actor, data: IncidentCreate) -> Incident:
    actor.require(Permission.INCIDENT_WRITE, "post", data.post or "")
    try:
        country = parse_country(data.host_country)
    except FieldError as exc:
        raise InvalidInput(f"host_country: {exc}") from None
    if data.post:
        post = db.scalar(select(Post).where(Post.name == data.post))
        if post is None or (actor.post_id is not None and post.id != actor.post_id):
            raise InvalidInput(f"no post named {data.post!r} that you may open incidents for")
        post_id = post.id
    elif actor.post_id is not None:
        post_id = actor.post_id
    else:
        raise InvalidInput("say which post is in charge (post)")
    incident = Incident(
        title=data.title,
        host_country=country or data.host_country,
        place=data.place,
        agency=data.agency,
        worksite=data.worksite.strip(),
        started_at=data.started_at.astimezone(UTC),
        post_id=post_id,
    )
    db.add(incident)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag="incidents:incident:create",
        target_type="incident",
        target_id=incident.id,
        diff=data.model_dump(mode="json"),
    )
    return incident


# --- source lists ------------------------------------------------------------------------


def import_list(
    db: Session,
    actor: Actor,
    incident_id: str,
    kind: str,
    table: Table,
    *,
    skip_invalid: bool = False,
    date_format: str | None = None,
    columns: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a source list into an incident and reconcile each row, all or nothing.

    Rows linked with confidence join (or open) the person's case; doubtful rows wait in the
    review queue; rows about other nationalities are kept but open no case. The columns and
    the date format are guessed as the import wizard guesses them; ``columns`` and
    ``date_format`` choose over the guesses.
    """
    prepared = prepare_list(
        db,
        actor,
        incident_id,
        kind,
        table,
        skip_invalid=skip_invalid,
        date_format=date_format,
        columns=columns,
    )
    return store_prepared(db, actor, prepared, progress)


@dataclass(frozen=True)
class PreparedList:
    """A list checked and reconciled, not yet written (``store_prepared`` writes it)."""

    incident_id: str
    kind: ListKind
    table: Table
    rows: Sequence[ListRow]
    links: dict[int, RowLink]
    report: ImportReport


def prepare_list(
    db: Session,
    actor: Actor,
    incident_id: str,
    kind: str,
    table: Table,
    *,
    skip_invalid: bool = False,
    date_format: str | None = None,
    columns: dict[str, str] | None = None,
) -> PreparedList:
    """Check and reconcile a list; reads only, so it need not hold the write lock."""
    incident, list_kind = check_import(db, actor, incident_id, kind)
    report = ImportReport.start(table)
    refuse_imported(db, incident, table, report)
    layout = list_layout(table, columns=columns, date_format=date_format)
    report.columns, report.date_format = layout.columns, layout.date_format
    rows, errors = parse_list(
        table,
        date_format=layout.date_format,
        time_zone=incident.post.time_zone,
        columns=layout.columns,
    )
    report.warnings = [warning.as_dict() for warning in list_warnings(rows)]
    refuse_bad_rows(report, errors, skip_invalid=skip_invalid, usable_rows=len(rows))
    links = link_rows(db, rows, incident_id=incident.id)
    return PreparedList(incident.id, list_kind, table, rows, links, report)


def store_prepared(
    db: Session, actor: Actor, prepared: PreparedList, progress: Progress | None = None
) -> ImportReport:
    """Write a list ``prepare_list`` checked, unless the same file landed in the meantime."""
    incident, kind = check_import(db, actor, prepared.incident_id, prepared.kind.value)
    refuse_imported(db, incident, prepared.table, prepared.report)
    table, rows, links = prepared.table, prepared.rows, prepared.links
    return store_list(db, actor, incident, kind, table, rows, links, prepared.report, progress)


def check_import(
    db: Session, actor: Actor, incident_id: str, kind: str
) -> tuple[Incident, ListKind]:
    """The incident a list may be imported into by this actor, and the list's kind."""
    actor.require(Permission.LIST_IMPORT, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    try:
        return incident, ListKind(kind)
    except ValueError:
        raise InvalidInput(
            f"unknown list kind {kind!r}; choose one of {', '.join(k.value for k in ListKind)}"
        ) from None


def refuse_imported(db: Session, incident: Incident, table: Table, report: ImportReport) -> None:
    """The same file was imported into this incident before: import nothing."""
    previous = db.scalar(
        select(SourceList).where(
            SourceList.incident_id == incident.id, SourceList.file_sha256 == table.sha256
        )
    )
    if previous is not None:
        refuse_repeat(
            report, previous.imported_at, previous.imported_by, where=" into this incident"
        )


def store_list(
    db: Session,
    actor: Actor,
    incident: Incident,
    kind: ListKind,
    table: Table,
    rows: Sequence[ListRow],
    links: dict[int, RowLink],
    report: ImportReport,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a checked list and its rows as ``link_rows`` linked them; audited."""
    source = SourceList(
        incident_id=incident.id,
        kind=kind.value,
        file_name=table.source,
        file_sha256=table.sha256,
        imported_by=actor.name,
        row_count=len(table.rows),
        errors=report.errors,
        warnings=report.warnings,
    )
    db.add(source)
    db.flush()
    report.source_list_id = source.id
    _write_records(db, actor, incident, source, rows, links, report, progress)
    report.status = "imported"
    source.report = report_kept(report)
    audit.record(
        db,
        actor=actor.name,
        tag="incidents:list:import",
        target_type="source_list",
        target_id=source.id,
        diff=source.report | {"kind": kind.value},
    )
    return report


def report_kept(report: ImportReport) -> dict[str, object]:
    """The report as kept in the clear with its list: errors and warnings quote the values
    they name, so they are kept sealed beside it instead."""
    return report.model_dump(exclude={"errors", "warnings"})


def _in_scope(row: ListRow, home: str) -> bool:
    origin = row.record.nationality or row.record.country_of_birth
    return origin is None or origin == home


def _candidate_pool(
    db: Session,
    rows: Sequence[ListRow],
    identified: dict[str, str],
    at_worksite: dict[str, tuple[str, ...]] | None = None,
) -> list[PersonRecord]:
    """Registry persons that could be any of the rows (blocking on passport, birth date, name,
    and the A-numbers already linked in the incident, ``identified``: A-number → person)."""
    passports = {blind_index("passport", r.record.passport_number) for r in rows} - {None}
    births = {r.record.date_of_birth for r in rows if r.record.date_of_birth is not None}
    # Day and month swapped (a US list's 05/04 for 4 May), where the day can be a month.
    births |= {b.replace(month=b.day, day=b.month) for b in births if b.day <= 12}
    names = set().union(*(r.name_keys for r in rows))
    hanguls = {r.hangul_key for r in rows} - {None}
    keys = set().union(*(r.match_keys for r in rows))
    by_key = select(PersonNameKey.person_id)
    passport = Person.__table__.c.passport_number
    # The columns the matcher reads, not whole persons: no contact details opened, no objects
    # for the session to track; the passport is opened once the person is new to the pool.
    columns = (
        Person.id,
        Person.family_name,
        Person.given_name,
        Person.family_name_hangul,
        Person.given_name_hangul,
        Person.date_of_birth,
        Person.sex,
        type_coerce(passport, Text).label("passport_sealed"),
        Person.nationality,
    )
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
            for person in db.execute(select(*columns).where(where)):
                found.setdefault(person.id, person)
    listed = {fold_host_identifier(r.host_identifier) or "" for r in rows}
    held = listed & identified.keys()
    # Everyone deployed at the raided worksite at the time is a candidate.
    present = set(at_worksite) if at_worksite is not None else set()
    wanted = sorted(({identified[number] for number in held} | present) - found.keys())
    for person in db.execute(select(*columns).where(Person.id.in_(wanted))):
        found.setdefault(person.id, person)
    numbers = {person_id: number for number, person_id in identified.items()}
    employers = _employers_of(db, found.keys())
    worksites = at_worksite or {}
    sealed = passport.type
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
            worksites=worksites.get(p.id, ()),
        )
        for p in found.values()
    ]


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


def deployed_at_worksite(db: Session, incident: Incident) -> dict[str, tuple[str, ...]]:
    """The persons deployed at the incident's worksite when it began, with that worksite.

    Employers register the workers they send and where; on a raided worksite's lists,
    those people are who the consulate expects to find.
    """
    place = fold_worksite(incident.worksite)
    if not place:
        return {}
    day = incident.started_at.date()
    named = [
        worksite
        for worksite in db.scalars(select(Deployment.worksite).distinct())
        if fold_worksite(worksite) == place
    ]
    if not named:
        return {}
    query = select(Deployment.person_id).where(
        Deployment.worksite.in_(named),
        Deployment.person_id.is_not(None),
        (Deployment.entry_date.is_(None)) | (Deployment.entry_date <= day),
        (Deployment.planned_end.is_(None)) | (Deployment.planned_end >= day),
    )
    return {person_id: (incident.worksite,) for person_id in db.scalars(query) if person_id}


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
    unless its name and birth date say otherwise (then an officer decides).
    """
    home = get_settings().home_country
    in_scope = [r for r in rows if _in_scope(r, home)]
    incident = db.get(Incident, incident_id) if incident_id else None
    identified = incident_identifiers(db, incident.id) if incident else {}
    at_worksite = deployed_at_worksite(db, incident) if incident else None
    # The pool holds only the likely candidates; how telling a name or a birth date is
    # depends on the whole registry.
    population = db.scalar(select(func.count()).select_from(Person)) or 0
    pool = _candidate_pool(db, in_scope, identified, at_worksite)
    matcher = build_matcher(pool, population=population)
    worksite = (incident.worksite,) if incident and at_worksite else ()
    links = list(matcher.link_many(_probe(r, worksite) for r in in_scope))
    names = _persons_by_id(db, {c.registry_id for link in links for c in link.candidates})
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


def _probe(row: ListRow, worksite: tuple[str, ...]) -> PersonRecord:
    """The row as the matcher compares it: with its A-number and the raided worksite."""
    if not row.host_identifier and not worksite:
        return row.record
    return dataclasses.replace(row.record, host_identifier=row.host_identifier, worksites=worksite)


def _write_records(
    db: Session,
    actor: Actor,
    incident: Incident,
    source: SourceList,
    rows: Sequence[ListRow],
    links: dict[int, RowLink],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    preload_cases(db, incident, (link["person_id"] for link in links.values() if link["person_id"]))
    # Rows linked between two flushes: one flush per row was most of the import's time.
    flush_every = 500
    records: list[SourceRecord] = []
    for done, row in enumerate(rows, start=1):
        link = links.get(row.row_number)
        record = row.to_source_record(source)
        # Known now, so that the link's audit event can name the record before it is written.
        record.id = new_id()
        records.append(record)
        if link is None:
            record.decision = "out_of_scope"
            report.out_of_scope += 1
        else:
            record.score = link["score"]
            record.candidates = link["candidates"]
            if link["person_id"]:
                record.decision = "auto"
                if _link_record(db, actor, incident, source, record, link["person_id"]):
                    report.cases_created += 1
                report.linked += 1
            else:
                record.decision = "pending"
                report.review += 1
        report.imported += 1
        if done % flush_every == 0 or done == len(rows):
            # The batch's cases are written before the records that point at them (no
            # relationship tells the flush that order).
            db.flush()
            db.add_all(records)
            records = []
        if progress is not None and done % 200 == 0:
            progress(done)
    db.flush()


@dataclass(frozen=True)
class _Shown:
    """What the review queue shows of a candidate: enough to tell namesakes apart."""

    name: str
    date_of_birth: str | None
    passport: str | None  # masked
    employers: list[str]


def _persons_by_id(db: Session, ids: set[str]) -> dict[str, _Shown]:
    # The columns shown, not whole persons: no contact details opened for a candidate list.
    found: dict[str, _Shown] = {}
    ordered = sorted(ids)
    employers = _employers_of(db, ordered)
    for start in range(0, len(ordered), 900):
        query = select(
            Person.id,
            Person.family_name,
            Person.given_name,
            Person.family_name_hangul,
            Person.given_name_hangul,
            Person.date_of_birth,
            Person.passport_number,
        ).where(Person.id.in_(ordered[start : start + 900]))
        for ident, family, given, family_hangul, given_hangul, born, passport in db.execute(query):
            found[ident] = _Shown(
                name=display_name(family, given, family_hangul, given_hangul),
                date_of_birth=born.isoformat() if born else None,
                passport=mask_identifier(passport),
                employers=list(employers.get(ident, ())),
            )
    return found


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
            }
        )
    return out


def _link_record(
    db: Session,
    actor: Actor,
    incident: Incident,
    source: SourceList,
    record: SourceRecord,
    person_id: str,
    *,
    note: str = "",
) -> bool:
    case, created = open_case(
        db,
        actor,
        incident,
        person_id,
        arrested_at=record.arrested_at,
        facility=record.facility,
        host_identifier=record.host_identifier,
        source=f"{source.kind} list {source.file_name} row {record.row_number}",
    )
    if created and record in db:
        # A record already in the session could be written before its new case otherwise.
        db.flush()
    record.person_id = person_id
    record.case_id = case.id
    audit.record(
        db,
        actor=actor.name,
        tag="incidents:record:link",
        target_type="source_record",
        target_id=record.id,
        case_id=case.id,
        diff={
            "decision": record.decision,
            "person_id": person_id,
            "list": source.file_name,
            "kind": source.kind,
            "row": record.row_number,
            "score": record.score,
            "note": note,
        },
    )
    return created


# --- review queue ------------------------------------------------------------------------


def review_queue(db: Session, actor: Actor, incident_id: str) -> Sequence[SourceRecord]:
    actor.require(Permission.REVIEW_DECIDE, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    return db.scalars(
        select(SourceRecord)
        .where(SourceRecord.incident_id == incident.id, SourceRecord.decision == "pending")
        .order_by(SourceRecord.created_at, SourceRecord.row_number)
    ).all()


def decide(
    db: Session,
    actor: Actor,
    incident_id: str,
    record_id: str,
    action: str,
    *,
    person_id: str | None = None,
    note: str = "",
) -> SourceRecord:
    """An officer's decision on a doubtful row: accept a person, reject, or a new person."""
    actor.require(Permission.REVIEW_DECIDE, "review item", record_id)
    incident = get_incident(db, actor, incident_id)
    record = db.get(SourceRecord, record_id)
    if record is None or record.incident_id != incident.id:
        raise NotFound("review item", record_id)
    if record.decision != "pending":
        raise Conflict(f"this row was already decided ({record.decision} by {record.decided_by})")
    try:
        chosen = ReviewAction(action)
    except ValueError:
        raise InvalidInput(
            f"unknown action {action!r}; choose accept, reject or new_person"
        ) from None
    record.decided_by = actor.name
    record.decided_at = utcnow()
    if chosen is ReviewAction.REJECT:
        record.decision = "rejected"
        db.flush()
        audit.record(
            db,
            actor=actor.name,
            tag="incidents:review:reject",
            target_type="source_record",
            target_id=record.id,
            diff={"row": record.row_number, "note": note},
        )
        return record
    if chosen is ReviewAction.ACCEPT:
        if not person_id:
            raise InvalidInput("accept needs the person_id of the chosen candidate")
        person = db.scalar(readable_persons(actor).where(Person.id == person_id))
        if person is None:
            raise NotFound("person", person_id)
        record.decision = "confirmed"
    else:
        person = _person_from_record(db, actor, record)
        record.decision = "new_person"
    _link_record(db, actor, incident, record.source_list, record, person.id, note=note)
    if record.decision == "new_person":
        _link_other_reports(db, actor, incident, person, record)
    return record


def _link_other_reports(
    db: Session, actor: Actor, incident: Incident, person: Person, decided: SourceRecord
) -> None:
    """Rows still waiting that the engine says are this new person join the same case.

    The same unregistered detainee is often reported by the host authority, the employer
    and the family; one decision should not leave the other reports waiting.
    """
    waiting = db.scalars(
        select(SourceRecord).where(
            SourceRecord.incident_id == incident.id,
            SourceRecord.decision == "pending",
            SourceRecord.id != decided.id,
        )
    ).all()
    if not waiting:
        return
    population = db.scalar(select(func.count()).select_from(Person)) or 0
    matcher = build_matcher([person_record(person)], population=population)
    for other in waiting:
        link = matcher.link(_as_record(other))
        if link.decision is not Decision.MATCH or link.best is None:
            continue
        other.decision = "auto"
        other.score = link.best.probability
        other.decided_by, other.decided_at = actor.name, utcnow()
        note = f"same person as row {decided.row_number} of {decided.source_list.file_name}"
        _link_record(db, actor, incident, other.source_list, other, person.id, note=note)


def _as_record(row: SourceRecord) -> PersonRecord:
    return PersonRecord(
        id=row.id,
        family_name=row.family_name,
        given_name=row.given_name,
        full_name_hangul=row.full_name_hangul,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        passport_number=row.passport_number,
        nationality=row.nationality,
        host_identifier=row.host_identifier,
    )


def _person_from_record(db: Session, actor: Actor, record: SourceRecord) -> Person:
    family_hangul = record.raw.get("family_name_hangul") or None
    given_hangul = record.raw.get("given_name_hangul") or None
    if not family_hangul and is_hangul(record.full_name_hangul or ""):
        # (A Hangul name typed in the Latin keyboard layout is only read by the matching.)
        family_hangul, given_hangul = split_hangul_name(record.full_name_hangul or "")
    return create_person(
        db,
        actor,
        PersonCreate(
            family_name=record.family_name,
            given_name=record.given_name,
            family_name_hangul=family_hangul,
            given_name_hangul=given_hangul,
            sex=record.sex,
            date_of_birth=record.date_of_birth,
            nationality=record.nationality or get_settings().home_country,
            passport_number=record.passport_number,
        ),
        reason=f"new person from review of list row {record.row_number}",
    )
