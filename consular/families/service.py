"""Family status codes: issued to a named contact, looked up on the public status page.

A code is 20 characters of Crockford's base32 (100 random bits), shown once in groups of
four; only its SHA-256 is kept. A lookup needs the code and the detained person's date of
birth, and answers only a coarse status. A wrong code, a wrong date, an expired or revoked
code all answer the same "not found"; failures are counted per code typed and per client
address, and past the limit the lookup waits (``Throttled``). Every lookup is audited.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, bindparam, func, insert, or_, select, true, update
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import Post, post_name
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case, Milestone
from consular.cases.policy import MilestoneKind
from consular.cases.service import get_case
from consular.cases.states import IN_CUSTODY, CaseState
from consular.cases.wishes import family_may_be_told
from consular.config import Settings
from consular.db import new_id, utcnow
from consular.errors import Conflict, InvalidInput, NotFound, Throttled
from consular.facilities.models import Facility
from consular.families.models import FamilyCode, StatusLookupFailure
from consular.flights.models import Flight, FlightSeat, LostSeat
from consular.i18n import N_
from consular.incidents.models import Incident
from consular.registry.models import Person

# Crockford's base32 without 0 and 1: no character reads like another when spoken or copied
# by hand (0/O, 1/I/L), and no U. Twenty of them carry 98 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
# Codes issued before 0 and 1 were left out are read as Crockford's base32 reads them.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as given to the family: ``K7QM-2XAP-…``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(typed: str) -> str:
    """What was typed, as the code it means: case, spaces and dashes ignored, O→0, I/L→1."""
    return "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_TYPED)


def code_hash(typed: str) -> str:
    return hashlib.sha256(normalize_code(typed).encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once, never stored
    family_code: FamilyCode


def issue_code(
    db: Session, actor: Actor, settings: Settings, case_id: str, contact_name: str
) -> IssuedCode:
    """A new code for a case, given to a named contact; audited (without the code)."""
    actor.require(Permission.FAMILY_CODE, "case", case_id)
    case = get_case(db, actor, case_id)
    if not family_may_be_told(case):
        raise Conflict(
            "family_code.refused_by_detainee",
            N_(
                "The detainee asked that the family not be told (recorded on the case): no "
                "family code is issued."
            ),
        )
    name = " ".join(contact_name.split())
    if not name:
        raise InvalidInput(
            "family_code.contact_missing", N_("Say whom the code is given to (the contact's name).")
        )
    # (A name longer than its column is refused where FamilyCode is made: consular.db.)
    contact = next((c for c in case.person.contacts if c.name.casefold() == name.casefold()), None)
    code = new_code()
    now = utcnow()
    issued = FamilyCode(
        case_id=case.id,
        contact_name=contact.name if contact is not None else name,
        contact_id=contact.id if contact is not None else None,
        code_hash=code_hash(code),
        issued_by=actor.name,
        issued_at=now,
        expires_at=now + timedelta(days=settings.family_code_days),
    )
    db.add(issued)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FAMILY_CODE_ISSUE,
        target_type="family_code",
        target_id=issued.id,
        case_id=case.id,
        diff={
            "contact": issued.contact_name,
            "on_record": contact is not None,
            "expires_at": issued.expires_at.isoformat(),
        },
    )
    return IssuedCode(shown(code), issued)


def codes_of_case(db: Session, actor: Actor, case_id: str) -> Sequence[FamilyCode]:
    """A case's codes, for an actor who may see the case and handle its codes."""
    case = get_case(db, actor, case_id)
    return codes_of(db, case) if actor.can(Permission.FAMILY_CODE) else []


def codes_of(db: Session, case: Case) -> Sequence[FamilyCode]:
    """The codes of a case the caller has already read and may handle codes for."""
    return db.scalars(
        select(FamilyCode).where(FamilyCode.case_id == case.id).order_by(FamilyCode.issued_at)
    ).all()


def revoke_code(db: Session, actor: Actor, code_id: str, case_id: str | None = None) -> FamilyCode:
    """Stop a code working at once; audited."""
    actor.require(Permission.FAMILY_CODE, "family code", code_id)
    issued = db.get(FamilyCode, code_id)
    if issued is None or (case_id is not None and issued.case_id != case_id):
        raise NotFound("family code", code_id)
    get_case(db, actor, issued.case_id)  # not the actor's case: not found
    if issued.revoked_at is not None:
        raise Conflict(
            "family_code.already_revoked",
            N_("This code was already revoked by %(who)s."),
            who=issued.revoked_by,
        )
    issued.revoked_at = utcnow()
    issued.revoked_by = actor.name
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FAMILY_CODE_REVOKE,
        target_type="family_code",
        target_id=issued.id,
        case_id=issued.case_id,
        diff={"contact": issued.contact_name},
    )
    return issued


@dataclass(frozen=True)
class FlightShown:
    """The flight home as a family sees it: its number, when and whence it departs, and
    whether it was delayed (``first_departs_at``: the time first planned) or cancelled."""

    flight: str
    departs_at: datetime
    origin: str
    first_departs_at: datetime | None
    cancelled: bool


@dataclass(frozen=True)
class FamilyStatus:
    """All a family learns: where, whether seen by a consul, departure, return; no more."""

    held: bool
    facility: str | None
    # The city of the facility's directory entry, when the case is linked to one.
    facility_city: str | None
    seen_by_consul: bool
    released: bool
    departure_scheduled: bool
    departed: bool
    updated_at: datetime
    post_name: str
    post_name_ko: str
    post_phone: str
    time_zone: str
    # The case's seat on a flight, or the flight it lost its seat on when it was cancelled.
    flight: FlightShown | None = None

    def post_name_in(self, language: str) -> str:
        """The post's name in the reader's language, else in the other one."""
        return post_name(self.post_name, self.post_name_ko, language)


# What a lookup reads, in one statement and without ORM objects (the public page is the
# busiest page of an incident): the failures of the window, per code typed and per client,
# and the code with the few coarse facts of its case, when there is such a code.
_OF_CODE = StatusLookupFailure.code_hash == bindparam("hashed")
_OF_CLIENT = StatusLookupFailure.client == bindparam("client")
_FAILURES = (
    select(
        func.count().filter(_OF_CODE).label("code_failures"),
        func.min(StatusLookupFailure.at).filter(_OF_CODE).label("code_oldest"),
        func.count().filter(_OF_CLIENT).label("client_failures"),
        func.min(StatusLookupFailure.at).filter(_OF_CLIENT).label("client_oldest"),
    )
    .where(StatusLookupFailure.at > bindparam("since"), or_(_OF_CODE, _OF_CLIENT))
    .subquery("failures")
)
_VISIT_DONE = (
    select(Milestone.done_at)
    .where(Milestone.case_id == Case.id, Milestone.kind == MilestoneKind.CONSULAR_VISIT)
    .correlate(Case)
    .scalar_subquery()
)
_FACILITY_CITY = (
    select(Facility.city).where(Facility.id == Case.facility_id).correlate(Case).scalar_subquery()
)
_LAST_DONE = (
    select(func.max(Milestone.done_at))
    .where(Milestone.case_id == Case.id)
    .correlate(Case)
    .scalar_subquery()
)
# The columns of a case (joined to its incident's post) its coarse status is read from, by
# ``coarse_status``: for a family's lookup here, for an employer's workers in screening.
COARSE_STATUS_COLUMNS = (
    Case.id.label("case_id"),
    Case.state,
    Case.facility,
    Case.updated_at,
    Post.name.label("post_name"),
    Post.name_ko.label("post_name_ko"),
    Post.phone.label("post_phone"),
    Post.time_zone,
    _VISIT_DONE.label("visit_done_at"),
    _LAST_DONE.label("last_done_at"),
    _FACILITY_CITY.label("facility_city"),
)
_FOUND = (
    select(
        FamilyCode.id.label("code_id"),
        FamilyCode.revoked_at,
        FamilyCode.expires_at,
        FamilyCode.contact_name,
        Person.date_of_birth,
        Case.family_notice,
        *COARSE_STATUS_COLUMNS,
    )
    .join(Case, Case.id == FamilyCode.case_id)
    .join(Person, Person.id == Case.person_id)
    .join(Incident, Incident.id == Case.incident_id)
    .join(Post, Post.id == Incident.post_id)
    .where(FamilyCode.code_hash == bindparam("hashed"))
    .subquery("found")
)
_READ = select(_FAILURES, _FOUND).select_from(_FAILURES.outerjoin(_FOUND, true()))
_FAILED = insert(StatusLookupFailure)
_USED = update(FamilyCode).where(FamilyCode.id == bindparam("code_id"))
# Advisory locks in two key spaces, one for the codes typed, one for client addresses;
# a lookup takes the code's lock before the address's, never the other way round.
_LOCK = select(
    func.pg_advisory_xact_lock(bindparam("space", type_=Integer), func.hashtext(bindparam("key")))
)
_CLIENT_FAILURES = select(
    func.count().label("client_failures"), func.min(StatusLookupFailure.at).label("client_oldest")
).where(StatusLookupFailure.at > bindparam("since"), _OF_CLIENT)


def _hold_back(
    db: Session,
    settings: Settings,
    actor: str,
    hashed: str,
    now: datetime,
    *counts: tuple[int, datetime | None, int],
) -> None:
    """Raise ``Throttled`` (audited) when any ``(failures, oldest failure, limit)`` of the
    window reached its limit, with the seconds until its oldest failure leaves the window."""
    window = timedelta(minutes=settings.status_window_minutes)
    for failures, oldest, limit in counts:
        if failures >= limit and oldest is not None:
            wait = max(int((oldest + window - now).total_seconds()) + 1, 1)
            audit.append(
                db,
                actor=actor,
                tag=AuditTag.STATUS_THROTTLED,
                target_type="family_code",
                target_id=hashed[:16],
                diff={"retry_after_s": wait},
            )
            raise Throttled(wait)


def coarse_status(found: Any) -> FamilyStatus:
    """The coarse status of a case from a row holding ``COARSE_STATUS_COLUMNS``."""
    state = CaseState(found.state)
    held = state in IN_CUSTODY
    moments = [found.updated_at, *([found.last_done_at] if found.last_done_at else [])]
    return FamilyStatus(
        held=held,
        facility=found.facility if held else None,
        facility_city=(found.facility_city or None) if held else None,
        seen_by_consul=found.visit_done_at is not None,
        released=state is CaseState.RELEASED,
        departure_scheduled=state is CaseState.DEPARTURE_SCHEDULED,
        departed=state in (CaseState.DEPARTED, CaseState.CLOSED),
        updated_at=max(moments),
        post_name=found.post_name,
        post_name_ko=found.post_name_ko,
        post_phone=found.post_phone,
        time_zone=found.time_zone,
    )


def _opens(found: Row[Any], date_of_birth: date | None, now: datetime) -> bool:
    """A live code, given with the date of birth of its case's person, of a case whose
    detainee has not refused that the family be told (CON-05: then it opens nothing)."""
    return (
        found.revoked_at is None
        and found.family_notice != "no"
        and found.expires_at > now
        and date_of_birth is not None
        and found.date_of_birth == date_of_birth
    )


def _count_failure(
    db: Session,
    settings: Settings,
    who: tuple[str, str, str],
    found: Row[Any] | None,
    since: datetime,
    now: datetime,
) -> None:
    """Record a failed lookup (``who``: the actor, the typed code's hash, the client)."""
    actor, hashed, client = who
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        # Failures from one address are counted one after another too, so that guesses
        # of many codes sent at once from one address cannot slip past its limit. Only
        # failures wait for this lock: valid lookups from a shared address never queue.
        # The count is read again by a statement that starts after the lock is held.
        conn.execute(_LOCK, {"space": 2, "key": client})
        again = conn.execute(_CLIENT_FAILURES, {"client": client, "since": since}).one()
        counted = (again.client_failures, again.client_oldest, settings.status_attempts_per_client)
        _hold_back(db, settings, actor, hashed, now, counted)
    conn.execute(_FAILED, {"id": new_id(), "code_hash": hashed, "client": client, "at": now})
    audit.append(
        db,
        actor=actor,
        tag=AuditTag.STATUS_FAILED,
        target_type="family_code",
        # The code's own id when it exists (a family mistyping a date, or someone who
        # holds a code guessing); else the start of what was typed, hashed.
        target_id=found.code_id if found is not None else hashed[:16],
        case_id=found.case_id if found is not None else None,
        diff={},
    )


def lookup_status(
    db: Session, settings: Settings, typed_code: str, date_of_birth: date | None, client: str
) -> FamilyStatus:
    """The coarse status a code and a date of birth open, or ``NotFound`` (whatever was
    wrong), or ``Throttled``. A failure is recorded in the caller's transaction, which must
    be committed even though the lookup failed."""
    hashed = code_hash(typed_code)
    client = client[:64]
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        # Lookups of one code count their failures one after another, so that concurrent
        # guesses of a date of birth cannot slip past the per-code limit. (SQLite writes one
        # at a time anyway.)
        conn.execute(_LOCK, {"space": 1, "key": hashed})
    now = utcnow()
    actor = f"public:{client}"
    since = now - timedelta(minutes=settings.status_window_minutes)
    read = conn.execute(_READ, {"hashed": hashed, "client": client, "since": since}).one()
    per_code, per_client = settings.status_attempts_per_code, settings.status_attempts_per_client
    _hold_back(
        db,
        settings,
        actor,
        hashed,
        now,
        (read.code_failures, read.code_oldest, per_code),
        (read.client_failures, read.client_oldest, per_client),
    )
    found = read if read.code_id is not None else None
    if found is None or not _opens(found, date_of_birth, now):
        _count_failure(db, settings, (actor, hashed, client), found, since, now)
        raise NotFound("status", None)
    conn.execute(_USED, {"code_id": found.code_id, "last_used_at": now})
    audit.append(
        db,
        actor=actor,
        tag=AuditTag.STATUS_LOOKUP,
        target_type="family_code",
        target_id=found.code_id,
        case_id=found.case_id,
        diff={"contact": found.contact_name},
    )
    status = coarse_status(found)
    if status.departure_scheduled or status.departed:
        status = dataclasses.replace(status, flight=flight_of_case(db, found.case_id))
    return status


_FLIGHT_COLUMNS = (
    Flight.carrier,
    Flight.number,
    Flight.departs_at,
    Flight.origin,
    Flight.first_departs_at,
)


def flight_of_case(db: Session, case_id: str) -> FlightShown | None:
    """The flight the case has a seat on; else the cancelled flight it last lost one on."""
    seated = db.execute(
        select(*_FLIGHT_COLUMNS).join(FlightSeat).where(FlightSeat.case_id == case_id)
    ).first()
    lost = (
        None
        if seated is not None
        else db.execute(
            select(*_FLIGHT_COLUMNS)
            .join(LostSeat)
            .where(LostSeat.case_id == case_id)
            .order_by(LostSeat.lost_at.desc())
            .limit(1)
        ).first()
    )
    row = seated or lost
    if row is None:
        return None
    return FlightShown(
        flight=f"{row.carrier} {row.number}",
        departs_at=row.departs_at,
        origin=row.origin,
        first_departs_at=row.first_departs_at,
        cancelled=seated is None,
    )
