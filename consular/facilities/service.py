"""The post's facility directory: read, add and change entries, and merge free text into one.

An officer reads and changes their own post's entries; a member of another post's incident
team reads that post's entries; headquarters (no post) reads every post's. Another post's
entry answers as one that does not exist. Merging the names cases were written with into an
entry is a supervisor's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.contact import EMAIL
from consular.auth.models import Post
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case, CustodyEvent
from consular.cases.states import IN_CUSTODY
from consular.errors import Conflict, InvalidInput, NotFound
from consular.facilities.models import Facility
from consular.facilities.names import name_key
from consular.fields import FieldError, limit_of, parse_country
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import OPEN
from consular.incidents.models import Incident, IncidentMember
from consular.phones import parse_phone, region_of

# What a person types for an entry, in the order of its form.
TYPED = (
    "name",
    "operator",
    "address",
    "city",
    "region",
    "country",
    "phone",
    "visiting_hours",
    "field_office",
    "field_office_phone",
    "field_office_email",
    "notes",
)
PHONES = ("phone", "field_office_phone")
_HELD = tuple(state.value for state in IN_CUSTODY)


def facility_scope(actor: Actor) -> ColumnElement[bool]:
    """A condition on ``Facility``: the entries the actor may read."""
    if not actor.can(Permission.FACILITY_READ):
        return false()
    if actor.post_id is None:
        return true()
    own_post = Facility.post_id == actor.post_id
    if actor.user_id is None:
        return own_post
    # A team member lent to another post's incident reads where its people are held.
    lent_to = (
        select(Incident.post_id)
        .join(IncidentMember, IncidentMember.incident_id == Incident.id)
        .where(IncidentMember.user_id == actor.user_id)
    )
    return or_(own_post, Facility.post_id.in_(lent_to))


def readable_facilities(actor: Actor) -> Select[Facility]:
    return select(Facility).where(facility_scope(actor))


def directory(db: Session, actor: Actor, post_id: str | None = None) -> list[Facility]:
    """The entries of ``post_id`` (else the actor's post; every post's for headquarters)."""
    query = readable_facilities(actor)
    wanted = post_id or actor.post_id
    if wanted is not None:
        query = query.where(Facility.post_id == wanted)
    return list(db.scalars(query.order_by(Facility.name)))


def get_facility(db: Session, actor: Actor, facility_id: str) -> Facility:
    found = db.scalar(readable_facilities(actor).where(Facility.id == facility_id))
    if found is None:
        raise NotFound("facility", facility_id)
    return found


def may_edit(actor: Actor, facility: Facility) -> bool:
    """Whether the actor changes this entry: their own post's (headquarters: any)."""
    own = actor.post_id is None or actor.post_id == facility.post_id
    return own and actor.can(Permission.FACILITY_WRITE)


def may_merge(actor: Actor, facility: Facility) -> bool:
    return may_edit(actor, facility) and actor.can(Permission.FACILITY_MERGE)


def _editable(db: Session, actor: Actor, facility_id: str) -> Facility:
    facility = get_facility(db, actor, facility_id)
    if not may_edit(actor, facility):
        raise NotFound("facility", facility_id)  # read-only looks like any refusal: absent
    return facility


def create_facility(
    db: Session, actor: Actor, typed: Mapping[str, str], *, post_id: str | None = None
) -> Facility:
    """Add an entry to the actor's post's directory (``post_id`` for headquarters)."""
    actor.require(Permission.FACILITY_WRITE, "facility", "")
    post = db.get(Post, post_id or actor.post_id or "")
    if post is None or (actor.post_id is not None and post.id != actor.post_id):
        raise InvalidInput(
            "facility.no_post", N_("Say which post's directory the facility belongs to.")
        )
    values = _checked({"country": post.country, **typed}, post.country)
    _refuse_duplicate(db, post.id, values["name"], None)
    facility = Facility(post_id=post.id, **values)
    db.add(facility)
    db.flush()
    diff = {key: value for key, value in values.items() if value}
    _audit(db, actor, AuditTag.FACILITY_CREATE, facility, diff)
    return facility


def update_facility(
    db: Session, actor: Actor, facility_id: str, typed: Mapping[str, str], *, version: int
) -> Facility:
    """Change an entry's values (those ``typed`` names; the others stay), if unchanged since
    ``version`` was read."""
    facility = _editable(db, actor, facility_id)
    if facility.version != version:
        raise Conflict(
            "facility.stale_version",
            N_("%(name)s was changed by someone else meanwhile. Reload it and try again."),
            name=facility.name,
            details={"your_version": version, "current_version": facility.version},
        )
    current = {key: getattr(facility, key) for key in TYPED}
    values = _checked({**current, **typed}, facility.country)
    if name_key(values["name"]) != name_key(facility.name):
        _refuse_duplicate(db, facility.post_id, values["name"], facility.id)
    diff = {key: [current[key], value] for key, value in values.items() if current[key] != value}
    if not diff:
        return facility
    for key, value in values.items():
        setattr(facility, key, value)
    facility.version += 1
    if "name" in diff:
        # The cases linked to the entry are written with its name.
        for case in db.scalars(select(Case).where(Case.facility_id == facility.id)):
            case.facility = facility.name
    db.flush()
    _audit(db, actor, AuditTag.FACILITY_UPDATE, facility, diff)
    return facility


def _audit(
    db: Session, actor: Actor, tag: AuditTag, facility: Facility, diff: Mapping[str, object]
) -> None:
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="facility",
        target_id=facility.id,
        diff={"facility": facility.name, **diff},
    )


def _checked(typed: Mapping[str, str], post_country: str) -> dict[str, str]:
    """The entry's values as stored, or every problem beside its field."""
    values = {key: " ".join(str(typed.get(key) or "").split()) for key in TYPED}
    for key in ("visiting_hours", "notes", "address"):
        values[key] = str(typed.get(key) or "").strip()  # their lines are kept
    wrong: dict[str, Message] = {}
    if not values["name"]:
        wrong["name"] = Message("facility.name_empty", N_("Give the facility's name."))
    try:
        values["country"] = parse_country(values["country"]) or post_country
    except FieldError as exc:
        wrong["country"] = exc.message
    if not wrong.get("country") and values["country"] is not None:
        for key in PHONES:
            try:
                values[key] = parse_phone(values[key], region_of(values["country"]))
            except FieldError as exc:
                wrong[key] = exc.message
    email = values["field_office_email"]
    if email and not EMAIL.fullmatch(email):
        wrong["field_office_email"] = Message(
            "facility.email_invalid",
            N_("“%(value)s” is not an e-mail address: write it as name@example.org."),
            value=email,
        )
    for key in TYPED:
        limit = limit_of(getattr(Facility, key))
        if key not in wrong and len(values[key]) > limit:
            wrong[key] = Message(
                "facility.too_long", N_("At most %(limit)s characters."), limit=limit
            )
    if wrong:
        first = next(iter(wrong.values()))
        raise InvalidInput(first, details={"fields": wrong, "problems": list(wrong.values())})
    return values


def _refuse_duplicate(db: Session, post_id: str, name: str, own_id: str | None) -> None:
    for entry_id, existing in db.execute(
        select(Facility.id, Facility.name).where(Facility.post_id == post_id)
    ):
        if entry_id != own_id and name_key(existing) == name_key(name):
            raise Conflict(
                "facility.duplicate_name",
                N_("The directory already has %(name)s: change that entry instead."),
                name=existing,
                details={"facility_id": entry_id},
            )


def _open_cases_of_post(post_id: str) -> Select[Case]:
    return (
        select(Case)
        .join(Incident, Incident.id == Case.incident_id)
        .where(Incident.post_id == post_id, Incident.status == OPEN)
    )


def held_counts(db: Session, post_id: str) -> dict[str, int]:
    """Per entry of the post, how many people of its open incidents are held there."""
    query = (
        select(Case.facility_id, func.count())
        .join(Incident, Incident.id == Case.incident_id)
        .where(
            Incident.post_id == post_id,
            Incident.status == OPEN,
            Case.facility_id.is_not(None),
            Case.state.in_(_HELD),
        )
        .group_by(Case.facility_id)
    )
    return {str(entry_id): count for entry_id, count in db.execute(query)}


@dataclass(frozen=True)
class HeldThere:
    """The cases of one open incident held at an entry."""

    incident: Incident
    cases: list[Case]


def held_there(db: Session, actor: Actor, facility: Facility) -> list[HeldThere]:
    """The people of the open incidents the actor reads who are held at the entry."""
    from consular.incidents.scope import incident_scope

    query = (
        select(Case)
        .join(Incident, Incident.id == Case.incident_id)
        .where(
            Case.facility_id == facility.id,
            Case.state.in_(_HELD),
            Incident.status == OPEN,
            incident_scope(actor),
        )
        .order_by(Incident.started_at, Case.number)
    )
    grouped: dict[str, HeldThere] = {}
    for case in db.scalars(query):
        grouped.setdefault(case.incident_id, HeldThere(case.incident, [])).cases.append(case)
    return list(grouped.values())


@dataclass(frozen=True)
class FreeName:
    """A facility as cases were written with it, in no entry of the directory."""

    name: str
    cases: int


def free_names(db: Session, facility: Facility) -> list[FreeName]:
    """The names the cases of the post's open incidents give that match no entry."""
    known = set(
        map(name_key, db.scalars(select(Facility.name).where(Facility.post_id == facility.post_id)))
    )
    query = (
        select(Case.facility, func.count())
        .join(Incident, Incident.id == Case.incident_id)
        .where(
            Incident.post_id == facility.post_id,
            Incident.status == OPEN,
            Case.facility_id.is_(None),
            Case.facility.is_not(None),
        )
        .group_by(Case.facility)
        .order_by(Case.facility)
    )
    return [
        FreeName(name, count)
        for name, count in db.execute(query)
        if name and name_key(name) not in known
    ]


def merge_name(db: Session, actor: Actor, facility_id: str, name: str) -> list[Case]:
    """Write every case of the post's open incidents given as ``name`` (and its custody
    records) as the entry, linked to it; one audit event per case, on the case's history.
    Returns the cases changed."""
    facility = get_facility(db, actor, facility_id)
    if not may_merge(actor, facility):
        raise NotFound("facility", facility_id)
    key = name_key(name)
    if not key:
        raise InvalidInput("facility.merge_empty", N_("Choose the name to merge."))
    others = select(Facility.name).where(
        Facility.post_id == facility.post_id, Facility.id != facility.id
    )
    for other in db.scalars(others):
        if name_key(other) == key:
            raise Conflict(
                "facility.merge_other_entry",
                N_("%(name)s is an entry of the directory of its own."),
                name=other,
            )
    cases = [
        case
        for case in db.scalars(
            _open_cases_of_post(facility.post_id)
            .where(Case.facility_id.is_(None), Case.facility.is_not(None))
            .order_by(Case.number)
        )
        if name_key(case.facility or "") == key
    ]
    if not cases:
        raise InvalidInput(
            "facility.merge_nothing",
            N_("No case of an open incident is written as “%(name)s”."),
            name=name,
        )
    merge_cases(db, actor, facility, cases)
    return cases


def merge_cases(db: Session, actor: Actor, facility: Facility, cases: Sequence[Case]) -> None:
    """Link the cases, and their custody records of their facility's name, to the entry."""
    events = []
    for case in cases:
        before = case.facility or ""
        key = name_key(before)
        case.facility, case.facility_id = facility.name, facility.id
        for event in db.scalars(
            select(CustodyEvent).where(
                CustodyEvent.case_id == case.id, CustodyEvent.facility_id.is_(None)
            )
        ):
            if name_key(event.facility) == key:
                event.facility, event.facility_id = facility.name, facility.id
        events.append(
            audit.Event(
                actor=actor.name,
                tag=AuditTag.FACILITY_MERGE,
                target_type="case",
                target_id=case.id,
                case_id=case.id,
                diff={"facility": [before, facility.name], "facility_id": facility.id},
            )
        )
    db.flush()
    audit.record_many(db, events)


@dataclass(frozen=True)
class HeldCount:
    """How many people of an incident are held at one facility (its entry, if linked)."""

    name: str
    facility_id: str | None
    count: int


def held_per_facility(db: Session, incident_id: str) -> list[HeldCount]:
    """The incident's people still held, counted per facility, the largest first."""
    query = (
        select(Case.facility, Case.facility_id, func.count())
        .where(
            Case.incident_id == incident_id,
            Case.state.in_(_HELD),
            Case.facility.is_not(None),
        )
        .group_by(Case.facility, Case.facility_id)
    )
    counts = [HeldCount(str(name), entry_id, count) for name, entry_id, count in db.execute(query)]
    return sorted(counts, key=lambda held: (-held.count, held.name))
