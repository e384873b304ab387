"""The import wizard's drafts: a list is read, its columns chosen, its rows corrected,
reconciled and reviewed before anything of it joins the incident.

A draft belongs to the user who uploaded it; to anyone else it does not exist. Until
``commit_draft`` nothing is written to the incident, the registry or the cases; any change
to the columns or a row after reconciliation sends the draft back to be reconciled again,
so that what an officer reviewed is what gets committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.config import get_settings
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.fields import RowError
from consular.i18n import N_
from consular.importing import ImportReport, refuse_bad_rows
from consular.incidents.listrows import (
    DATE_FORMATS,
    FIELDS,
    ListRow,
    check_columns,
    list_layout,
    list_warnings,
    parse_list,
)
from consular.incidents.models import ImportDraft, Incident, SourceList, SourceRecord
from consular.incidents.reconcile import RowLink, link_rows
from consular.incidents.schemas import ListKind, ReviewAction
from consular.incidents.service import (
    check_import,
    decide,
    get_incident,
    refuse_imported,
    report_kept,
    store_list,
)
from consular.tabular import Row, Table

# The decision an officer takes back, so the row waits in the review queue after the commit.
UNDECIDED = "undecided"


class AlreadyCommitted(Conflict):
    """The draft was committed (by another press of the button): here is the list it became."""

    def __init__(self, source_list_id: str) -> None:
        super().__init__("import.already_committed", N_("This import was already committed."))
        self.source_list_id = source_list_id


def _expiry() -> timedelta:
    return timedelta(hours=get_settings().import_draft_hours)


def start_draft(
    db: Session, actor: Actor, incident_id: str, kind: str, table: Table
) -> ImportDraft:
    """Keep an uploaded list as a draft with a guessed choice of columns and date format.

    A file imported into the incident before is refused at once; the same file uploaded
    again by the same user opens the draft already begun, with its corrections.
    """
    incident, list_kind = check_import(db, actor, incident_id, kind)
    refuse_imported(db, incident, table, ImportReport.start(table))
    if not table.rows:
        raise InvalidInput(
            "import.no_rows",
            N_("%(file)s has no rows under its header: nothing to import."),
            file=table.source,
        )
    owner = _owner(actor)
    same = _draft_begun(db, owner, incident, table)
    if same is not None:
        same.kind = list_kind.value
        return same
    # Guessed as the command line and the API guess them.
    layout = list_layout(table)
    draft = ImportDraft(
        incident_id=incident.id,
        owner_id=owner,
        kind=list_kind.value,
        file_name=table.source,
        file_sha256=table.sha256,
        columns=list(table.columns),
        rows=[[row.number, row.values] for row in table.rows],
        mapping=layout.columns,
        date_format=layout.date_format,
        corrections={},
        decisions={},
    )
    db.add(draft)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.DRAFT_START,
        target_type="incident",
        target_id=incident.id,
        diff={"draft": draft.id, "file": table.source, "rows": len(table.rows), "kind": kind},
    )
    return draft


def _draft_begun(db: Session, owner: str, incident: Incident, table: Table) -> ImportDraft | None:
    """The owner's draft of the same file in the incident, not committed yet, if any (after
    clearing away the drafts that expired)."""
    # Expired drafts hold personal data nobody will use: anyone's upload clears them away.
    db.execute(delete(ImportDraft).where(ImportDraft.updated_at < utcnow() - _expiry()))
    return db.scalar(
        select(ImportDraft).where(
            ImportDraft.owner_id == owner,
            ImportDraft.incident_id == incident.id,
            ImportDraft.file_sha256 == table.sha256,
            ImportDraft.source_list_id.is_(None),
        )
    )


def _owner(actor: Actor) -> str:
    if actor.user_id is None:
        # The wizard keeps a draft for a user between pages; the command line imports at once.
        raise InvalidInput(
            "import.needs_user",
            N_("The import wizard needs a signed-in user; use “consular import list”."),
        )
    return actor.user_id


def get_draft(db: Session, actor: Actor, draft_id: str) -> ImportDraft:
    """The actor's own draft, still fresh, of an incident the actor may import into."""
    draft = db.get(ImportDraft, draft_id)
    if (
        draft is None
        or actor.user_id is None
        or draft.owner_id != actor.user_id
        or draft.updated_at < utcnow() - _expiry()
        or not actor.can(Permission.LIST_IMPORT)
    ):
        raise NotFound("import", draft_id)
    get_incident(db, actor, draft.incident_id)
    return draft


def drafts_of(db: Session, actor: Actor, incident_id: str) -> Sequence[ImportDraft]:
    """The actor's drafts for an incident, newest first (to pick up where one left off)."""
    if actor.user_id is None or not actor.can(Permission.LIST_IMPORT):
        return []
    return db.scalars(
        select(ImportDraft)
        .where(
            ImportDraft.owner_id == actor.user_id,
            ImportDraft.incident_id == incident_id,
            ImportDraft.updated_at >= utcnow() - _expiry(),
            ImportDraft.source_list_id.is_(None),
        )
        .order_by(ImportDraft.updated_at.desc())
    ).all()


def draft_table(draft: ImportDraft) -> Table:
    """The file's rows with the officer's corrections typed over them."""
    rows = []
    for number, values in draft.rows:
        typed = draft.corrections.get(str(number), {})
        rows.append(Row(number, {**values, **typed}))
    return Table(draft.file_name, tuple(draft.columns), tuple(rows), draft.file_sha256)


@dataclass
class DraftCheck:
    """A draft read with its chosen columns: the good rows and every error, by row; and the
    values kept that cannot be true (warnings), by row."""

    rows: list[ListRow]
    errors: list[RowError]
    header_errors: list[RowError] = field(default_factory=list)
    by_row: dict[int, list[RowError]] = field(default_factory=dict)
    warnings_by_row: dict[int, list[RowError]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[RowError]:
        return list_warnings(self.rows)

    @property
    def ready(self) -> bool:
        return not self.header_errors and bool(self.rows)


def check_draft(db: Session, draft: ImportDraft) -> DraftCheck:
    incident = db.get(Incident, draft.incident_id)
    zone = incident.post.time_zone if incident is not None else "UTC"
    _, header_errors = check_columns(draft.mapping)
    if header_errors:
        return DraftCheck([], header_errors, header_errors)
    rows, errors = parse_list(
        draft_table(draft), date_format=draft.date_format, time_zone=zone, columns=draft.mapping
    )
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    warned = {row.row_number: list(row.warnings) for row in rows if row.warnings}
    return DraftCheck(rows, errors, [], by_row, warned)


def _require_open(draft: ImportDraft) -> None:
    if draft.source_list_id is not None:
        raise AlreadyCommitted(draft.source_list_id)


def _touch(db: Session, draft: ImportDraft, *, keep_links: bool = False) -> None:
    if not keep_links:
        # What was reconciled and reviewed no longer describes the rows.
        draft.links = None
        draft.decisions = {}
    draft.updated_at = utcnow()
    db.flush()


def set_columns(
    db: Session, draft: ImportDraft, kind: str, mapping: dict[str, str], date_format: str
) -> None:
    """Choose the list's kind, the field each column holds, and how its dates are written."""
    _require_open(draft)
    try:
        draft.kind = ListKind(kind).value
    except ValueError:
        raise InvalidInput(
            "import.unknown_kind", N_("“%(value)s” is not a kind of list."), value=kind
        ) from None
    if date_format not in DATE_FORMATS:
        raise InvalidInput(
            "import.unknown_date_format",
            N_("“%(value)s” is not one of the date formats offered."),
            value=date_format,
        )
    chosen = {}
    for column in draft.columns:
        value = mapping.get(column, "")
        if value and value not in FIELDS:
            raise InvalidInput(
                "columns.not_a_field",
                N_("Column “%(column)s”: “%(field)s” is not a field a list holds."),
                column=column,
                field=value,
            )
        chosen[column] = value
    draft.mapping = chosen
    draft.date_format = date_format
    _touch(db, draft)


def correct_row(db: Session, draft: ImportDraft, row_number: int, values: dict[str, str]) -> None:
    """Type over cells of one row; a value equal to the file's own undoes its correction."""
    _require_open(draft)
    original = next((dict(v) for n, v in draft.rows if n == row_number), None)
    if original is None:
        raise NotFound("row", row_number)
    unknown = sorted(set(values) - set(draft.columns))
    if unknown:
        raise InvalidInput(
            "import.no_such_column",
            N_("Row %(row)s: the file has no column “%(column)s”."),
            row=row_number,
            column=unknown[0],
        )
    corrections = dict(draft.corrections)
    typed = dict(corrections.get(str(row_number), {}))
    for column, value in values.items():
        value = value.strip()
        if value == original.get(column, ""):
            typed.pop(column, None)
        else:
            typed[column] = value
    if typed:
        corrections[str(row_number)] = typed
    else:
        corrections.pop(str(row_number), None)
    draft.corrections = corrections
    _touch(db, draft)


def leave_out_invalid(db: Session, draft: ImportDraft, leave_out: bool) -> None:
    """Import without the rows that still have errors (they stay listed in the report)."""
    _require_open(draft)
    draft.skip_invalid = leave_out
    _touch(db, draft)


@dataclass(frozen=True)
class Reconciled:
    """Links computed for a draft as it stood when it was read (``seen_at``)."""

    seen_at: datetime
    links: dict[int, RowLink]


def reconcile_draft(db: Session, draft: ImportDraft) -> dict[int, RowLink]:
    """Match the good rows against the registry and keep the result; writes nothing else."""
    return keep_links(db, draft, compute_links(db, draft))


def compute_links(db: Session, draft: ImportDraft) -> Reconciled:
    """Match the good rows against the registry; reads only, so it can run without holding
    the write lock (a large list takes minutes) and be kept with ``keep_links`` after."""
    _require_open(draft)
    checked = check_draft(db, draft)
    if checked.header_errors:
        raise InvalidInput(
            "import.bad_columns", N_("The choice of columns has errors: fix them first.")
        )
    if checked.errors and not draft.skip_invalid:
        raise InvalidInput(
            "import.rows_with_errors",
            N_(
                "%(rows)s row(s) have errors: correct them, or choose to leave them out of the "
                "import."
            ),
            rows=len(checked.by_row),
        )
    if not checked.rows:
        raise InvalidInput("import.no_good_row", N_("No row without errors is left to import."))
    return Reconciled(draft.updated_at, link_rows(db, checked.rows, incident_id=draft.incident_id))


def keep_links(db: Session, draft: ImportDraft, reconciled: Reconciled) -> dict[int, RowLink]:
    """Keep links computed by ``compute_links``, unless the draft changed in the meantime."""
    _require_open(draft)
    if draft.updated_at != reconciled.seen_at:
        raise Conflict(
            "import.changed_meanwhile",
            N_("The list was changed while it was being reconciled: reconcile it again."),
        )
    draft.links = {str(number): link for number, link in reconciled.links.items()}
    draft.decisions = {}
    _touch(db, draft, keep_links=True)
    return reconciled.links


def _not_reconciled() -> Conflict:
    return Conflict(
        "import.not_reconciled",
        N_("The list changed since it was reconciled: reconcile it again."),
    )


def decide_in_draft(
    db: Session,
    actor: Actor,
    draft: ImportDraft,
    row_number: int,
    action: str,
    person_id: str | None = None,
) -> None:
    """Note an officer's decision on a doubtful row; it is carried out at the commit."""
    _require_open(draft)
    actor.require(Permission.REVIEW_DECIDE, "review item", row_number)
    if draft.links is None:
        raise _not_reconciled()
    link = draft.links.get(str(row_number))
    if link is None or link["decision"] != "review":
        raise NotFound("review item", row_number)
    decisions = dict(draft.decisions)
    if action == UNDECIDED:
        decisions.pop(str(row_number), None)
    else:
        try:
            chosen = ReviewAction(action)
            if chosen is ReviewAction.LINK:
                # Linking to a person found by search is done in the incident's review queue.
                raise ValueError(action)
        except ValueError:
            raise InvalidInput(
                "import.unknown_action",
                N_("“%(value)s” is not a decision: choose accept, reject or new person."),
                value=action,
            ) from None
        if chosen is ReviewAction.ACCEPT and person_id not in {
            c["person_id"] for c in link["candidates"]
        }:
            raise InvalidInput("import.not_a_candidate", N_("Choose one of the row's candidates."))
        decisions[str(row_number)] = {
            "action": chosen.value,
            "person_id": (person_id or "") if chosen is ReviewAction.ACCEPT else "",
        }
    draft.decisions = decisions
    _touch(db, draft, keep_links=True)


def cancel_draft(db: Session, actor: Actor, draft: ImportDraft) -> None:
    """Throw the draft away: the file, the choices, the corrections and the decisions."""
    _require_open(draft)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.DRAFT_CANCEL,
        target_type="incident",
        target_id=draft.incident_id,
        diff={"draft": draft.id, "file": draft.file_name},
    )
    db.delete(draft)
    db.flush()


def commit_draft(db: Session, actor: Actor, draft: ImportDraft) -> ImportReport:
    """Import the list as reconciled and reviewed, carry out the decisions, empty the draft.

    One transaction: the list, its rows, the cases they open and every decision, or nothing.
    """
    # Two presses of the button: the second waits here for the first, then finds it done.
    db.refresh(draft, with_for_update=True)
    _require_open(draft)
    if draft.links is None:
        raise _not_reconciled()
    incident, kind = check_import(db, actor, draft.incident_id, draft.kind)
    table = draft_table(draft)
    report = ImportReport.start(table)
    refuse_imported(db, incident, table, report)
    checked = check_draft(db, draft)
    report.columns, report.date_format = dict(draft.mapping), draft.date_format
    report.warnings = [warning.as_dict() for warning in checked.warnings]
    refuse_bad_rows(
        report, checked.errors, skip_invalid=draft.skip_invalid, usable_rows=len(checked.rows)
    )
    used = {row.row_number for row in checked.rows}
    corrected = {int(n): v for n, v in draft.corrections.items() if int(n) in used}
    report.corrected = len(corrected)
    links = {int(number): link for number, link in draft.links.items()}
    store_list(db, actor, incident, kind, table, checked.rows, links, report)
    if corrected:
        original = {n: v for n, v in draft.rows}
        audit.record(
            db,
            actor=actor.name,
            tag=AuditTag.LIST_CORRECT,
            target_type="source_list",
            target_id=report.source_list_id or "",
            diff={
                str(n): {c: {"file": original[n].get(c, ""), "typed": v} for c, v in typed.items()}
                for n, typed in sorted(corrected.items())
            },
        )
    _carry_out(db, actor, incident, report, draft.decisions)
    # The list holds the rows now; the draft keeps only where they went.
    draft.source_list_id = report.source_list_id
    draft.rows, draft.corrections, draft.links, draft.decisions = [], {}, None, {}
    draft.updated_at = utcnow()
    db.flush()
    return report


def _carry_out(
    db: Session,
    actor: Actor,
    incident: Incident,
    report: ImportReport,
    decisions: dict[str, dict[str, str]],
) -> None:
    if not decisions:
        return
    records = {
        r.row_number: r
        for r in db.scalars(
            select(SourceRecord).where(SourceRecord.source_list_id == report.source_list_id)
        )
    }
    for number, decision in sorted(decisions.items(), key=lambda item: int(item[0])):
        record = records.get(int(number))
        if record is None or record.decision != "pending":
            # Linked already: a new person decided on another row of this list was this one.
            continue
        decide(
            db,
            actor,
            incident.id,
            record.id,
            decision["action"],
            person_id=decision["person_id"] or None,
            note="decided in the import wizard",
        )
    pending = sum(1 for r in records.values() if r.decision == "pending")
    report.decided = report.review - pending
    report.review = pending
    source = db.get(SourceList, report.source_list_id)
    if source is not None:
        source.report = report_kept(report)
