"""Two persons found to be the same: everything of the duplicate moves onto the person kept,
the duplicate is marked as merged into it, and an administrator can move exactly the same
rows back. Each merge keeps the list of what it moved (``PersonMerge.moved``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_
from consular.incidents.models import SourceRecord
from consular.registry.models import (
    Deployment,
    EmergencyContact,
    Person,
    PersonMerge,
    PersonNameKey,
)
from consular.registry.service import get_person

# The rows a merge moves from one person to the other.
Moved = Case | SourceRecord | Deployment | EmergencyContact


@dataclass
class MergePlan:
    """What merging ``duplicate`` into ``kept`` moves; computed, nothing written."""

    kept: Person
    duplicate: Person
    cases: list[Case] = field(default_factory=list)
    source_records: list[SourceRecord] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    contacts: list[EmergencyContact] = field(default_factory=list)
    name_keys: list[str] = field(default_factory=list)
    other_spellings: list[str] = field(default_factory=list)

    @property
    def moved(self) -> dict[str, list[str]]:
        """The ids (keys, spellings) of what moves, by kind: what the merge record keeps."""
        rows: dict[str, Sequence[Moved]] = {
            "cases": self.cases,
            "source_records": self.source_records,
            "deployments": self.deployments,
            "contacts": self.contacts,
        }
        return {
            **{kind: sorted(row.id for row in found) for kind, found in rows.items()},
            "name_keys": sorted(self.name_keys),
            "other_spellings": list(self.other_spellings),
        }

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(ids) for kind, ids in self.moved.items()}


def _live_person(db: Session, actor: Actor, person_id: str) -> Person:
    person = get_person(db, actor, person_id)
    if person.merged_into_id is not None:
        raise Conflict(
            "person.already_merged",
            N_("%(name)s was already merged into another person."),
            name=person.display_name,
        )
    return person


def plan_merge(db: Session, actor: Actor, keep_id: str, duplicate_id: str) -> MergePlan:
    """What a merge would move, or the reason it is refused; reads only."""
    actor.require(Permission.PERSON_MERGE, "person", duplicate_id)
    if keep_id == duplicate_id:
        raise InvalidInput("person.merge_same", N_("A person cannot be merged with themselves."))
    kept = _live_person(db, actor, keep_id)
    duplicate = _live_person(db, actor, duplicate_id)
    plan = MergePlan(kept, duplicate)
    plan.cases = list(db.scalars(select(Case).where(Case.person_id == duplicate.id)).unique())
    _refuse_same_incident(db, kept, plan.cases)
    plan.source_records = list(
        db.scalars(select(SourceRecord).where(SourceRecord.person_id == duplicate.id))
    )
    plan.deployments = list(
        db.scalars(select(Deployment).where(Deployment.person_id == duplicate.id))
    )
    plan.contacts = list(
        db.scalars(select(EmergencyContact).where(EmergencyContact.person_id == duplicate.id))
    )
    held = set(db.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == kept.id)))
    theirs = db.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == duplicate.id))
    plan.name_keys = sorted(set(theirs) - held)
    plan.other_spellings = _new_spellings(kept, duplicate)
    return plan


def _refuse_same_incident(db: Session, kept: Person, cases: Sequence[Case]) -> None:
    """Two cases of one incident cannot become one person's: an officer closes one first."""
    incidents = {case.incident_id: case for case in cases}
    if not incidents:
        return
    query = select(Case).where(Case.person_id == kept.id, Case.incident_id.in_(incidents))
    clash = db.scalars(query.order_by(Case.number)).unique().first()
    if clash is not None:
        other = incidents[clash.incident_id]
        raise Conflict(
            "person.merge_same_incident",
            N_(
                "Both persons have a case in %(incident)s (cases %(kept)s and %(duplicate)s): "
                "settle one of them first."
            ),
            incident=clash.incident.title,
            kept=clash.number,
            duplicate=other.number,
            details={"incident_id": clash.incident_id, "cases": [clash.id, other.id]},
        )


def _new_spellings(kept: Person, duplicate: Person) -> list[str]:
    """The duplicate's names and spellings the kept person does not carry yet."""
    latin = " ".join(p for p in (duplicate.family_name, duplicate.given_name) if p)
    hangul = "".join(p for p in (duplicate.family_name_hangul, duplicate.given_name_hangul) if p)
    own = {
        " ".join(p for p in (kept.family_name, kept.given_name) if p),
        "".join(p for p in (kept.family_name_hangul, kept.given_name_hangul) if p),
        *(kept.other_spellings or []),
    }
    out: list[str] = []
    for spelling in (latin, hangul, *(duplicate.other_spellings or [])):
        if spelling and spelling not in own and spelling not in out:
            out.append(spelling)
    return out


def merge_persons(
    db: Session, actor: Actor, keep_id: str, duplicate_id: str, *, reason: str
) -> PersonMerge:
    """Move everything of the duplicate onto the person kept; audited, undoable."""
    actor.require(Permission.PERSON_MERGE, "person", duplicate_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("person.merge_reason", N_("Say why the two are the same person."))
    # Two officers merging the same pair (either way round) at once: the second waits,
    # then finds the first's merge (PostgreSQL; SQLite writes one at a time).
    db.execute(
        select(Person.id)
        .where(Person.id.in_([keep_id, duplicate_id]))
        .order_by(Person.id)
        .with_for_update()
    )
    plan = plan_merge(db, actor, keep_id, duplicate_id)
    kept, duplicate = plan.kept, plan.duplicate
    rows: list[Moved] = [*plan.cases, *plan.source_records, *plan.deployments, *plan.contacts]
    for row in rows:
        row.person_id = kept.id
    db.add_all(PersonNameKey(key=key, person_id=kept.id) for key in plan.name_keys)
    kept.other_spellings = [*(kept.other_spellings or []), *plan.other_spellings]
    duplicate.merged_into_id = kept.id
    merge = PersonMerge(
        kept_id=kept.id,
        duplicate_id=duplicate.id,
        moved=plan.moved,
        reason=reason,
        merged_by=actor.name,
        merged_at=utcnow(),
    )
    db.add(merge)
    db.flush()
    diff = {
        "kept": kept.display_name,
        "duplicate": duplicate.display_name,
        "moved": plan.counts,
        "reason": reason,
    }
    _audit_both(db, actor, AuditTag.PERSON_MERGE, merge, diff, plan.cases)
    return merge


def _audit_both(
    db: Session,
    actor: Actor,
    tag: AuditTag,
    merge: PersonMerge,
    diff: Mapping[str, object],
    cases: Sequence[Case],
) -> None:
    """One event on each person, and one on each case moved (its history shows it)."""
    events = [
        audit.Event(actor.name, tag, "person", person_id, {**diff, "merge": merge.id})
        for person_id in (merge.kept_id, merge.duplicate_id)
    ]
    events += [
        audit.Event(actor.name, tag, "case", case.id, {**diff, "merge": merge.id}, case.id)
        for case in cases
    ]
    audit.record_many(db, events)


def live_merge_of(db: Session, duplicate_id: str) -> PersonMerge | None:
    """The merge, not undone, that hid this person."""
    return db.scalars(
        select(PersonMerge).where(
            PersonMerge.duplicate_id == duplicate_id, PersonMerge.undone_at.is_(None)
        )
    ).first()


def merges_into(db: Session, kept_id: str) -> Sequence[PersonMerge]:
    """The merges, not undone, that moved persons onto this one."""
    return db.scalars(
        select(PersonMerge)
        .where(PersonMerge.kept_id == kept_id, PersonMerge.undone_at.is_(None))
        .order_by(PersonMerge.merged_at)
    ).all()


def get_merge(db: Session, actor: Actor, merge_id: str) -> PersonMerge:
    actor.require(Permission.PERSON_READ, "person merge", merge_id)
    merge = db.get(PersonMerge, merge_id)
    if merge is None:
        raise NotFound("person merge", merge_id)
    return merge


def unmerge(db: Session, actor: Actor, merge_id: str, *, reason: str) -> PersonMerge:
    """Move exactly the rows a merge moved back to the duplicate, and show it again;
    refused, with the reason, when what changed since makes that unsafe."""
    actor.require(Permission.PERSON_UNMERGE, "person merge", merge_id)
    merge = get_merge(db, actor, merge_id)
    db.refresh(merge, with_for_update=True)  # one undo at a time
    reason = reason.strip()
    if not reason:
        raise InvalidInput("person.unmerge_reason", N_("Say why the merge is undone."))
    if merge.undone_at is not None:
        raise Conflict(
            "person.merge_undone",
            N_("This merge was already undone by %(who)s."),
            who=merge.undone_by,
        )
    kept, duplicate = merge.kept, merge.duplicate
    if kept.merged_into_id is not None:
        raise Conflict(
            "person.unmerge_kept_merged",
            N_("%(name)s was merged into another person since: undo that merge first."),
            name=kept.display_name,
        )
    rows = _moved_rows(db, merge)
    _refuse_cases_since(db, merge, [row for row in rows if isinstance(row, Case)])
    for row in rows:
        row.person_id = duplicate.id
    keys = merge.moved.get("name_keys", [])
    if keys:
        db.execute(
            delete(PersonNameKey).where(
                PersonNameKey.person_id == kept.id, PersonNameKey.key.in_(keys)
            )
        )
    added = set(merge.moved.get("other_spellings", []))
    kept.other_spellings = [s for s in (kept.other_spellings or []) if s not in added]
    duplicate.merged_into_id = None
    merge.undone_by = actor.name
    merge.undone_at = utcnow()
    merge.undo_reason = reason
    db.flush()
    diff = {"kept": kept.display_name, "duplicate": duplicate.display_name, "reason": reason}
    cases = [row for row in rows if isinstance(row, Case)]
    _audit_both(db, actor, AuditTag.PERSON_UNMERGE, merge, diff, cases)
    return merge


def _refuse_cases_since(db: Session, merge: PersonMerge, cases: Sequence[Case]) -> None:
    """A case opened for the duplicate since (a list linked to it) would become its second."""
    incidents = {case.incident_id for case in cases}
    if not incidents:
        return
    query = select(Case).where(
        Case.person_id == merge.duplicate_id, Case.incident_id.in_(incidents)
    )
    since = db.scalars(query).unique().first()
    if since is not None:
        raise Conflict(
            "person.unmerge_case_since",
            N_(
                "%(name)s has had case %(number)s in %(incident)s opened since the merge: "
                "the merge cannot be undone safely."
            ),
            name=merge.duplicate.display_name,
            number=since.number,
            incident=since.incident.title,
        )


_MODELS: dict[str, type[Moved]] = {
    "cases": Case,
    "source_records": SourceRecord,
    "deployments": Deployment,
    "contacts": EmergencyContact,
}


def _moved_rows(db: Session, merge: PersonMerge) -> list[Moved]:
    """The rows the merge moved, each still on the kept person; else the undo is refused."""
    rows: list[Moved] = []
    for kind, model in _MODELS.items():
        for ident in merge.moved.get(kind, []):
            row = cast(Moved | None, db.get(model, ident))
            if row is None or row.person_id != merge.kept_id:
                raise Conflict(
                    "person.unmerge_changed",
                    N_(
                        "A row the merge moved (%(ident)s) is no longer the kept person's: "
                        "the merge cannot be undone safely."
                    ),
                    ident=ident[:8],
                    details={"kind": kind, "id": ident},
                )
            rows.append(row)
    return rows
