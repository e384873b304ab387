"""A host list against the one before it: who is new, who is gone, who moved, what changed.

The host authority sends a new detainee list every day or two. Each row is known by the
person it was linked to, else by its A-number; rows that are neither (waiting in the review
queue without an A-number) cannot be compared yet and are counted apart. A facility that
changed becomes a transfer in the person's custody record when an officer says so, one case
at a time through the same rule as the case page, each audited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.notes import transfer_note
from consular.cases.service import record_custody
from consular.cases.states import CaseState
from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_
from consular.incidents.models import SourceList, SourceRecord
from consular.incidents.schemas import ListChange, ListChanges, TransferOutcome
from consular.incidents.service import get_incident
from consular.matching.profile import fold_host_identifier
from consular.registry.models import display_name
from consular.registry.service import mask_identifier

# Fields compared between the two rows of one person, as stored with each row.
COMPARED = ("family_name", "given_name", "full_name_hangul", "date_of_birth", "sex", "nationality")
# Identifiers are sealed: compared as the matching reads them, shown masked.
COMPARED_SEALED: dict[str, Callable[[SourceRecord], str | None]] = {
    "passport_number": lambda record: record.passport_index,
    "host_identifier": lambda record: fold_host_identifier(record.host_identifier),
}
# Rows that describe nobody the consulate follows on this list.
_LEFT_OUT = ("rejected", "out_of_scope")
# A case in these states is not moved by a list: the person has left custody.
_SETTLED = frozenset({CaseState.DEPARTED, CaseState.CLOSED, CaseState.RELEASED})


@dataclass(frozen=True)
class DiffRow:
    """One person on either list, with what changed between the two rows."""

    name: str
    row: int | None  # on the newer list
    previous_row: int | None
    case_id: str | None
    case_number: int | None
    case_state: str | None
    facility: str | None  # on the newer list (or the older one for a person gone)
    previous_facility: str | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ListDiff:
    """What a host list says differently from the previous host list of the incident."""

    source_list: SourceList
    previous: SourceList | None
    new: list[DiffRow]
    gone: list[DiffRow]
    moved: list[DiffRow]
    changed: list[DiffRow]
    unchanged: int
    not_comparable: int  # rows known by neither a person nor an A-number, both lists

    @property
    def transfers(self) -> list[DiffRow]:
        """The facility changes that can become custody records (a case, not yet moved)."""
        return [row for row in self.moved if row.case_id and _movable(row)]


def _movable(row: DiffRow) -> bool:
    return row.case_state not in _SETTLED


def _key(record: SourceRecord) -> tuple[str, str] | None:
    if record.person_id:
        return "person", record.person_id
    number = fold_host_identifier(record.host_identifier)
    if number:
        # A-123-456-789, A123456789 and 123456789 are one A-number, as the matching reads it.
        return "a_number", number
    return None


def _same_facility(left: str | None, right: str | None) -> bool:
    return " ".join((left or "").casefold().split()) == " ".join((right or "").casefold().split())


def _shown(value: object) -> str:
    if value is None or value == "":
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _changes(before: SourceRecord, after: SourceRecord) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for name in COMPARED:
        old, new = getattr(before, name), getattr(after, name)
        # A list that leaves a field out says nothing about it.
        if new not in (None, "") and old not in (None, "") and old != new:
            out[name] = (_shown(old), _shown(new))
    for name, compared in COMPARED_SEALED.items():
        old_index, new_index = compared(before), compared(after)
        if old_index and new_index and old_index != new_index:
            out[name] = (
                mask_identifier(getattr(before, name)) or "",
                mask_identifier(getattr(after, name)) or "",
            )
    return out


def previous_host_list(db: Session, source: SourceList) -> SourceList | None:
    """The host list of the same incident imported last before ``source``."""
    return db.scalars(
        select(SourceList)
        .where(
            SourceList.incident_id == source.incident_id,
            SourceList.kind == source.kind,
            SourceList.imported_at < source.imported_at,
            SourceList.id != source.id,
        )
        .order_by(SourceList.imported_at.desc())
        .limit(1)
    ).first()


def _rows(db: Session, source: SourceList) -> tuple[dict[tuple[str, str], SourceRecord], int]:
    """The list's rows by person (or A-number), first row kept; and how many have neither."""
    keyed: dict[tuple[str, str], SourceRecord] = {}
    unknown = 0
    records = db.scalars(
        select(SourceRecord)
        .where(SourceRecord.source_list_id == source.id)
        .where(SourceRecord.decision.not_in(_LEFT_OUT))
        .order_by(SourceRecord.row_number)
    )
    for record in records:
        key = _key(record)
        if key is None:
            unknown += 1
        else:
            keyed.setdefault(key, record)
    return keyed, unknown


def _cases(db: Session, records: Iterable[SourceRecord]) -> dict[str, Case]:
    ids = sorted({r.case_id for r in records if r.case_id})
    found: dict[str, Case] = {}
    for start in range(0, len(ids), 900):
        query = select(Case).where(Case.id.in_(ids[start : start + 900]))
        found.update((case.id, case) for case in db.scalars(query))
    return found


def _name(record: SourceRecord) -> str:
    return display_name(record.family_name, record.given_name, record.full_name_hangul, None)


def _diff_row(
    cases: dict[str, Case], newer: SourceRecord | None, older: SourceRecord | None
) -> DiffRow:
    """One person's rows on the newer and the older list (one of them may be missing)."""
    shown = newer or older
    assert shown is not None
    case = cases.get(shown.case_id or "") or cases.get((older.case_id if older else None) or "")
    return DiffRow(
        name=case.person.display_name if case is not None else _name(shown),
        row=newer.row_number if newer else None,
        previous_row=older.row_number if older else None,
        case_id=case.id if case is not None else None,
        case_number=case.number if case is not None else None,
        case_state=case.state if case is not None else None,
        facility=shown.facility,
        previous_facility=older.facility if older and newer else None,
        changes=_changes(older, newer) if older and newer else {},
    )


def compare_lists(
    db: Session, actor: Actor, incident_id: str, list_id: str, *, against: str | None = None
) -> ListDiff:
    """The list ``list_id`` against ``against`` (by default the previous list of its kind)."""
    actor.require(Permission.CASE_READ, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    source = db.get(SourceList, list_id)
    if source is None or source.incident_id != incident.id:
        raise NotFound("source list", list_id)
    if against is None:
        previous = previous_host_list(db, source)
    else:
        previous = db.get(SourceList, against)
        if previous is None or previous.incident_id != incident.id:
            raise NotFound("source list", against)
        if previous.id == source.id:
            raise InvalidInput(
                "list.compared_with_itself",
                N_("A list compared with itself has no differences: choose another."),
            )
    now, unknown = _rows(db, source)
    before, unknown_before = _rows(db, previous) if previous is not None else ({}, 0)
    cases = _cases(db, [*now.values(), *before.values()])
    new, moved, changed = [], [], []
    unchanged = 0
    for key, record in now.items():
        old = before.get(key)
        if old is None:
            if previous is not None:
                new.append(_diff_row(cases, record, None))
            continue
        row = _diff_row(cases, record, old)
        if record.facility and not _same_facility(old.facility, record.facility):
            moved.append(row)
        elif row.changes:
            changed.append(row)
        else:
            unchanged += 1
    gone = [_diff_row(cases, None, old) for key, old in before.items() if key not in now]
    return ListDiff(
        source, previous, new, gone, moved, changed, unchanged, unknown + unknown_before
    )


def record_transfers(
    db: Session,
    actor: Actor,
    incident_id: str,
    list_id: str,
    *,
    case_ids: Sequence[str] | None = None,
    against: str | None = None,
) -> list[TransferOutcome]:
    """Each facility change of the list as a transfer in the case's custody record.

    ``case_ids`` limits it to those cases (by default every case the list moved). A case
    whose facility was changed since the earlier list, or whose person left custody, is
    refused with the reason and the others are recorded: one audit record per case.
    """
    actor.require(Permission.CASE_WRITE, "incident", incident_id)
    diff = compare_lists(db, actor, incident_id, list_id, against=against)
    if diff.previous is None:
        raise Conflict(
            "list.first_of_its_kind",
            N_("This is the incident's first list of its kind: nothing to compare with."),
        )
    wanted = set(case_ids) if case_ids is not None else None
    results: list[TransferOutcome] = []
    for row in diff.moved:
        if row.case_id is None or (wanted is not None and row.case_id not in wanted):
            continue
        results.append(_transfer(db, actor, diff, row))
    if wanted is not None:
        unknown = wanted - {r.case_id for r in results}
        results.extend(
            TransferOutcome(
                case_id=case_id,
                case_number=None,
                name="",
                applied=False,
                reason="the list does not move this case",
                code="not_moved",
            )
            for case_id in sorted(unknown)
        )
    return results


def _transfer(db: Session, actor: Actor, diff: ListDiff, row: DiffRow) -> TransferOutcome:
    assert row.case_id is not None and row.facility is not None
    case = db.get(Case, row.case_id)
    assert case is not None
    done = TransferOutcome(
        case_id=case.id,
        case_number=case.number,
        name=row.name,
        applied=False,
        facility=row.facility,
    )
    if case.state in _SETTLED:
        reason = f"the case is {case.state}: the person has left custody"
        return _refused(done, reason, "settled", case.state)
    if _same_facility(case.facility, row.facility):
        return _refused(done, "already recorded at this facility", "already_there", row.facility)
    if case.facility and not _same_facility(case.facility, row.previous_facility):
        reason = f"the case's facility was changed to {case.facility} since the earlier list"
        return _refused(done, reason, "moved_meanwhile", case.facility)
    assert diff.previous is not None
    note = transfer_note(
        diff.source_list.file_name, row.row, diff.previous.file_name, row.previous_facility
    )
    record_custody(
        db, actor, case.id, facility=row.facility, kind="transferred", version=case.version,
        note=note,
    )  # fmt: skip
    return done.model_copy(update={"applied": True})


def _refused(result: TransferOutcome, reason: str, code: str, detail: str) -> TransferOutcome:
    return result.model_copy(update={"reason": reason, "code": code, "detail": detail})


def changes_read(diff: ListDiff) -> ListChanges:
    """The differences as the API answers them."""

    def rows(items: list[DiffRow]) -> list[ListChange]:
        return [ListChange(**dataclasses.asdict(item)) for item in items]

    return ListChanges(
        source_list_id=diff.source_list.id,
        previous_list_id=diff.previous.id if diff.previous else None,
        previous_file_name=diff.previous.file_name if diff.previous else None,
        new=rows(diff.new),
        gone=rows(diff.gone),
        moved=rows(diff.moved),
        changed=rows(diff.changed),
        unchanged=diff.unchanged,
        not_comparable=diff.not_comparable,
    )
