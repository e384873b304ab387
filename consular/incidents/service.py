"""Incidents, their source lists, reconciliation of list rows to persons, and the review queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import Post
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.notes import list_row, same_person_note
from consular.cases.service import CaseOpening, open_case, open_cases, preload_cases
from consular.config import get_settings
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.fields import FieldError, is_hangul, parse_country
from consular.i18n import N_
from consular.importing import ImportReport, refuse_bad_rows, refuse_repeat
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.listrows import ListRow, list_layout, list_warnings, parse_list
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.reconcile import (
    RowLink,
    link_rows,
    person_found_by_search,
    person_record,
    refuse_merged,
)
from consular.incidents.schemas import IncidentCreate, ListKind, ReviewAction
from consular.incidents.scope import readable_incidents
from consular.matching import Decision, PersonRecord, build_matcher
from consular.matching.romanize import split_hangul_name
from consular.registry.models import Person
from consular.registry.schemas import PersonCreate
from consular.registry.service import (
    Progress,
    create_person,
    readable_persons,
)
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
        raise InvalidInput(exc.message) from None
    if data.post:
        post = db.scalar(select(Post).where(Post.name == data.post))
        if post is None or (actor.post_id is not None and post.id != actor.post_id):
            raise InvalidInput(
                "incident.unknown_post",
                N_("There is no post named %(name)s that you may open incidents for."),
                name=data.post,
            )
        post_id = post.id
    elif actor.post_id is not None:
        post_id = actor.post_id
    else:
        raise InvalidInput("incident.post_missing", N_("Say which post is in charge."))
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
        tag=AuditTag.INCIDENT_CREATE,
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
    refuse_closed(incident)
    try:
        return incident, ListKind(kind)
    except ValueError:
        raise unknown_value("list.unknown_kind", kind, [k.value for k in ListKind]) from None


def refuse_imported(db: Session, incident: Incident, table: Table, report: ImportReport) -> None:
    """The same file was imported into this incident before: import nothing."""
    previous = db.scalar(
        select(SourceList).where(
            SourceList.incident_id == incident.id, SourceList.file_sha256 == table.sha256
        )
    )
    if previous is not None:
        refuse_repeat(report, previous.imported_at, previous.imported_by, into_incident=True)


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
        tag=AuditTag.LIST_IMPORT,
        target_type="source_list",
        target_id=source.id,
        diff=source.report | {"kind": kind.value},
    )
    return report


def report_kept(report: ImportReport) -> dict[str, object]:
    """The report as kept in the clear with its list: errors and warnings quote the values
    they name, so they are kept sealed beside it instead."""
    return report.model_dump(exclude={"errors", "warnings"})


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
    """Write the list's records, open the cases of the persons linked and audit each link,
    a batch of rows at a time in a few statements (an ORM object per row, case, checklist
    item and event was most of a 10,000-row import's time)."""
    known = preload_cases(
        db, incident, (link["person_id"] for link in links.values() if link["person_id"])
    )
    batch = 500
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        _write_batch(db, actor, incident, source, chunk, links, known, report)
        if progress is not None:
            progress(start + len(chunk))
    db.flush()


def _write_batch(
    db: Session,
    actor: Actor,
    incident: Incident,
    source: SourceList,
    chunk: Sequence[ListRow],
    links: dict[int, RowLink],
    known: set[str],
    report: ImportReport,
) -> None:
    """Write one batch of the list's records, with the cases they open and their links."""
    records = [row.source_record(source) for row in chunk]
    opening, existing = _decide_records(source, chunk, records, links, known, report)
    case_ids = open_cases(db, actor, incident, [o for _, o in opening])
    report.cases_created += len(case_ids)
    for (record, _), case_id in zip(opening, case_ids, strict=True):
        record["case_id"] = case_id
    audit.record_many(db, (_link_event(actor, source, record) for record, _ in opening))
    for record in existing:
        # After what the row told the case (audited there), the link.
        record["case_id"] = _case_of(db, actor, incident, source, record)
        audit.record_many(db, [_link_event(actor, source, record)])
    db.execute(insert(SourceRecord), records)


def _decide_records(
    source: SourceList,
    chunk: Sequence[ListRow],
    records: list[dict[str, Any]],
    links: dict[int, RowLink],
    known: set[str],
    report: ImportReport,
) -> tuple[list[tuple[dict[str, Any], CaseOpening]], list[dict[str, Any]]]:
    """Mark each record with what its link decided, counting it in the report. Returns the
    records whose person needs a case opened (with the opening), and those whose person has
    one already."""
    opening: list[tuple[dict[str, Any], CaseOpening]] = []
    existing: list[dict[str, Any]] = []
    for row, record in zip(chunk, records, strict=True):
        link = links.get(row.row_number)
        report.imported += 1
        if link is None:
            record["decision"] = "out_of_scope"
            report.out_of_scope += 1
            continue
        record["score"], record["candidates"] = link["score"], link["candidates"]
        person_id = link["person_id"]
        if not person_id:
            report.review += 1
            continue
        record["decision"], record["person_id"] = "auto", person_id
        report.linked += 1
        if person_id in known:
            # A case from before this list, or from an earlier row of it.
            existing.append(record)
        else:
            known.add(person_id)
            opening.append((record, _opening(source, record)))
    return opening, existing


def _opening(source: SourceList, record: dict[str, Any]) -> CaseOpening:
    return CaseOpening(
        person_id=record["person_id"],
        arrested_at=record["arrested_at"],
        facility=record["facility"],
        host_identifier=record["host_identifier"],
        source=list_row(source.kind, source.file_name, record["row_number"]),
    )


def _case_of(
    db: Session, actor: Actor, incident: Incident, source: SourceList, record: dict[str, Any]
) -> str:
    # The person's case exists: it takes what this row tells that it did not know.
    opening = _opening(source, record)
    case, _ = open_case(
        db,
        actor,
        incident,
        opening.person_id,
        arrested_at=opening.arrested_at,
        facility=opening.facility,
        host_identifier=opening.host_identifier,
        source=opening.source,
    )
    return case.id


def _link_event(
    actor: Actor, source: SourceList, record: dict[str, Any], note: str = ""
) -> audit.Event:
    return audit.Event(
        actor=actor.name,
        tag=AuditTag.RECORD_LINK,
        target_type="source_record",
        target_id=record["id"],
        case_id=record["case_id"],
        diff={
            "decision": record["decision"],
            "person_id": record["person_id"],
            "list": source.file_name,
            "kind": source.kind,
            "row": record["row_number"],
            "score": record["score"],
            "note": note,
        },
    )


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
    """Link a record already written (a review decision) to the person, opening their case."""
    case, created = open_case(
        db,
        actor,
        incident,
        person_id,
        arrested_at=record.arrested_at,
        facility=record.facility,
        host_identifier=record.host_identifier,
        source=list_row(source.kind, source.file_name, record.row_number),
    )
    record.person_id = person_id
    record.case_id = case.id
    values = {
        "id": record.id,
        "case_id": case.id,
        "decision": record.decision,
        "person_id": person_id,
        "row_number": record.row_number,
        "score": record.score,
    }
    audit.record_many(db, [_link_event(actor, source, values, note)])
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
    """An officer's decision on a doubtful row: accept a candidate, link a person found by
    searching the registry, reject, or a new person."""
    actor.require(Permission.REVIEW_DECIDE, "review item", record_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    record = _pending_record(db, incident, record_id)
    try:
        chosen = ReviewAction(action)
    except ValueError:
        raise unknown_value(
            "review.unknown_action", action, [a.value for a in ReviewAction]
        ) from None
    record.decided_by = actor.name
    record.decided_at = utcnow()
    if chosen is ReviewAction.REJECT:
        _reject(db, actor, record, note)
        return record
    if chosen is ReviewAction.ACCEPT:
        person = _chosen_candidate(db, actor, person_id)
        record.decision = "confirmed"
    elif chosen is ReviewAction.LINK:
        person = person_found_by_search(db, actor, person_id, note)
        record.decision = "found_by_search"
    else:
        person = _person_from_record(db, actor, record)
        record.decision = "new_person"
    _link_record(db, actor, incident, record.source_list, record, person.id, note=note)
    if record.decision == "new_person":
        _link_other_reports(db, actor, incident, person, record)
    return record


def _pending_record(db: Session, incident: Incident, record_id: str) -> SourceRecord:
    """The incident's row waiting for a decision; decided already is a conflict."""
    record = db.get(SourceRecord, record_id)
    if record is None or record.incident_id != incident.id:
        raise NotFound("review item", record_id)
    if record.decision != "pending":
        raise Conflict(
            "review.already_decided",
            N_("This row was already decided by %(who)s."),
            who=record.decided_by,
            details={"decision": record.decision},
        )
    return record


def _reject(db: Session, actor: Actor, record: SourceRecord, note: str) -> None:
    record.decision = "rejected"
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.REVIEW_REJECT,
        target_type="source_record",
        target_id=record.id,
        diff={"row": record.row_number, "note": note},
    )


def _chosen_candidate(db: Session, actor: Actor, person_id: str | None) -> Person:
    """The person the officer accepted for a row, among those they may see."""
    if not person_id:
        raise InvalidInput(
            "review.candidate_missing",
            N_("Choose one of the row's candidates."),
            details={"needs": "person_id"},
        )
    person = db.scalar(readable_persons(actor).where(Person.id == person_id))
    if person is None:
        raise NotFound("person", person_id)
    refuse_merged(person)
    return person


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
        note = same_person_note(decided.row_number, decided.source_list.file_name)
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
