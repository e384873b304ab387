"""Work on many cases of one incident at once: select them, then apply one action to each.

Each case goes through the single action's service (same rules, one audit record per case)
inside a savepoint of its own. All-or-nothing writes nothing when one case is refused; "where
allowed" keeps the cases that passed; a preview runs every check and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from consular.auth.service import Actor
from consular.cases.bulk_actions import PERMISSIONS, RUNNERS, BulkAction, Runner, action_kind
from consular.cases.models import Case
from consular.cases.reading import matching_cases, readable_cases
from consular.errors import DomainError, unknown_value
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.service import get_incident
from consular.registry.models import Person
from consular.sealing import blind_index, normalise_identifier

_CHUNK = 900  # ids per IN (...): under SQLite's limit of bound values


class Mode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    WHERE_ALLOWED = "where_allowed"


@dataclass(frozen=True)
class Selection:
    """Which cases: explicit ids, all that match the case list's filters, or a pasted list.

    ``versions`` are the versions seen (in a preview): a case changed since is refused."""

    case_ids: Sequence[str] = ()
    versions: Mapping[str, int] = field(default_factory=dict)
    filters: Mapping[str, Any] | None = None
    pasted: str = ""


@dataclass(frozen=True)
class CaseOutcome:
    """One case of the report; ``version`` is the one it was checked at (a preview passes it
    on, so that a case changed before the change is applied is refused)."""

    case_id: str
    number: int
    name: str
    version: int
    applied: bool
    reason: Message | None = None


@dataclass(frozen=True)
class LineProblem:
    """An entry of the pasted list (or an id) that names no case of the incident."""

    line: int
    entry: str
    reason: Message


@dataclass
class BulkReport:
    incident_id: str
    action: BulkAction
    mode: Mode
    dry_run: bool
    outcomes: list[CaseOutcome]
    problems: list[LineProblem]
    written: bool = False

    @property
    def applied(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.applied]

    @property
    def refused(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if not o.applied]


def apply_bulk(
    db: Session,
    actor: Actor,
    incident_id: str,
    selection: Selection,
    action: BulkAction,
    *,
    mode: str = Mode.ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkReport:
    """Apply ``action`` to each selected case of the incident; the report says, per case,
    applied or refused and why. Nothing is written by a preview (``dry_run``), nor by an
    all-or-nothing change that one case refuses."""
    kind = action_kind(action.kind)
    chosen_mode = _mode(mode)
    actor.require(PERMISSIONS[kind], "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    ids, problems = select_cases(db, actor, incident.id, selection)
    rows = _lock(db, ids)
    held = _preload(db, [case_id for case_id, _, _ in rows])
    names = {case.id: case.person.display_name for case in held}
    runner = RUNNERS[kind]
    outcomes: list[CaseOutcome] = []
    whole = db.begin_nested()
    try:
        for case_id, number, version in rows:
            seen = selection.versions.get(case_id, version)
            outcomes.append(_one(db, actor, runner, action, case_id, number, names[case_id], seen))
    except BaseException:
        whole.rollback()
        raise
    del held  # kept in the session while the actions ran
    refused = any(not o.applied for o in outcomes)
    keep = not dry_run and not (chosen_mode is Mode.ALL_OR_NOTHING and refused)
    if keep:
        whole.commit()
    else:
        whole.rollback()
    outcomes.sort(key=lambda o: o.number)
    return BulkReport(incident.id, action, chosen_mode, dry_run, outcomes, problems, keep)


def _one(
    db: Session,
    actor: Actor,
    runner: Runner,
    action: BulkAction,
    case_id: str,
    number: int,
    name: str,
    version: int,
) -> CaseOutcome:
    """One case in its own savepoint: a refusal rolls back this case alone."""
    savepoint = db.begin_nested()
    try:
        runner(db, actor, case_id, version, action)
    except DomainError as refusal:
        savepoint.rollback()
        return CaseOutcome(case_id, number, name, version, False, refusal.message)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return CaseOutcome(case_id, number, name, version, True)


def _mode(mode: str) -> Mode:
    try:
        return Mode(mode)
    except ValueError:
        raise unknown_value("bulk.unknown_mode", mode, [m.value for m in Mode]) from None


def _lock(db: Session, ids: Sequence[str]) -> list[tuple[str, int, int]]:
    """The cases' (id, number, version), locked on PostgreSQL in the order of their ids, so two
    bulk changes of overlapping cases wait for each other instead of deadlocking."""
    ordered = sorted(set(ids))
    rows: list[tuple[str, int, int]] = []
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        query = (
            select(Case.id, Case.number, Case.version)
            .where(Case.id.in_(chunk))
            .order_by(Case.id)
            .with_for_update()
        )
        rows.extend((i, n, v) for i, n, v in db.execute(query))
    return rows


def _preload(db: Session, ids: Sequence[str]) -> list[Case]:
    """The locked cases with what their actions read (checklist, custody, notes, the family's
    contacts), in a few queries for all: the caller keeps them, so that each action finds
    them in the session instead of querying again (a query each made 500 cases slow)."""
    held: list[Case] = []
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(Case)
            .where(Case.id.in_(ids[start : start + _CHUNK]))
            .options(
                selectinload(Case.milestones),
                selectinload(Case.custody),
                selectinload(Case.notes),
                selectinload(Case.person).selectinload(Person.contacts),
            )
        )
        held.extend(db.scalars(query))
    return held


def select_cases(
    db: Session, actor: Actor, incident_id: str, selection: Selection
) -> tuple[list[str], list[LineProblem]]:
    """The ids of the selected cases of the incident, and each entry that names none."""
    found: dict[str, None] = {}
    problems: list[LineProblem] = []
    if selection.case_ids:
        known = _existing(db, actor, incident_id, selection.case_ids)
        for position, case_id in enumerate(selection.case_ids, start=1):
            if case_id in known:
                found[case_id] = None
            else:
                problems.append(LineProblem(position, case_id, _no_case(case_id)))
    if selection.filters is not None:
        query = matching_cases(actor, incident_id, **selection.filters)
        found.update((case_id, None) for case_id in db.scalars(query.with_only_columns(Case.id)))
    if selection.pasted.strip():
        pasted, problems_pasted = _pasted(db, actor, incident_id, selection.pasted)
        found.update((case_id, None) for case_id in pasted)
        problems.extend(problems_pasted)
    return list(found), problems


def _existing(db: Session, actor: Actor, incident_id: str, ids: Sequence[str]) -> set[str]:
    known: set[str] = set()
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        query = (
            readable_cases(actor)
            .where(Case.incident_id == incident_id, Case.id.in_(wanted[start : start + _CHUNK]))
            .with_only_columns(Case.id)
        )
        known.update(db.scalars(query))
    return known


def _no_case(entry: str) -> Message:
    return Message(
        "bulk.no_such_case",
        N_("No case of this incident has the number or A-number “%(entry)s”."),
        entry=entry,
    )


# A case number as officers write it: "12", "#12", "No. 12"; anything else is an A-number.
_CASE_NUMBER = re.compile(r"^(?:no\.?\s*|#)?(\d{1,7})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,;\t]+")


def pasted_entries(text: str) -> list[tuple[int, str]]:
    """Each entry of a pasted list with its line number: one or more a line, separated by
    commas, semicolons or tabs (spaces stay inside an A-number such as "A 123 456 789")."""
    entries: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for piece in _SEPARATORS.split(line):
            if piece.strip():
                entries.append((number, piece.strip()))
    return entries


def _pasted(
    db: Session, actor: Actor, incident_id: str, text: str
) -> tuple[list[str], list[LineProblem]]:
    entries = pasted_entries(text)
    numbers = {e: int(m.group(1)) for _, e in entries if (m := _CASE_NUMBER.match(e))}
    indexes = {e: _identifier_indexes(e) for _, e in entries if e not in numbers}
    in_incident = readable_cases(actor).where(Case.incident_id == incident_id)
    by_number: dict[int, str] = {}
    wanted_numbers = sorted(set(numbers.values()))
    for start in range(0, len(wanted_numbers), _CHUNK):
        some = wanted_numbers[start : start + _CHUNK]
        query = in_incident.where(Case.number.in_(some)).with_only_columns(Case.number, Case.id)
        by_number.update((n, i) for n, i in db.execute(query))
    wanted = sorted({index for found in indexes.values() for index in found})
    by_index: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        indexed = in_incident.where(
            Case.host_identifier_index.in_(wanted[start : start + _CHUNK])
        ).with_only_columns(Case.host_identifier_index, Case.id)
        by_index.update((index, case_id) for index, case_id in db.execute(indexed) if index)
    return _resolved(entries, numbers, indexes, by_number, by_index)


def _resolved(
    entries: list[tuple[int, str]],
    numbers: dict[str, int],
    indexes: dict[str, list[str]],
    by_number: dict[int, str],
    by_index: dict[str, str],
) -> tuple[list[str], list[LineProblem]]:
    """Each entry's case, or its line's problem; an entry naming a case already named is
    reported too, so that a count that does not add up can be explained."""
    ids: list[str] = []
    first_line: dict[str, int] = {}
    problems: list[LineProblem] = []
    for line, entry in entries:
        if entry in numbers:
            case_id = by_number.get(numbers[entry])
        else:
            case_id = next((by_index[i] for i in indexes[entry] if i in by_index), None)
        if case_id is None:
            problems.append(LineProblem(line, entry, _no_case(entry)))
        elif case_id in first_line:
            problems.append(LineProblem(line, entry, _named_before(entry, first_line[case_id])))
        else:
            first_line[case_id] = line
            ids.append(case_id)
    return ids, problems


def _named_before(entry: str, line: int) -> Message:
    return Message(
        "bulk.named_twice",
        N_("“%(entry)s” names a case already listed on line %(line)s."),
        entry=entry,
        line=line,
    )


def _identifier_indexes(entry: str) -> list[str]:
    """The blind indexes an A-number may be stored under: as typed, with and without its A."""
    typed = normalise_identifier(entry)
    digits = "".join(ch for ch in typed if ch.isdigit())
    forms = {typed, digits, f"A{digits}"} if digits else {typed}
    return sorted(i for form in forms if (i := blind_index("identifier", form)))
