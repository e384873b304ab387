"""Family status codes: issued to a named contact, looked up on the public status page.

A code is 20 characters of Crockford's base32 (100 random bits), shown once in groups of
four; only its SHA-256 is kept. A lookup needs the code and the detained person's date of
birth, and answers only a coarse status. A wrong code, a wrong date, an expired or revoked
code all answer the same "not found"; failures are counted per code typed and per client
address, and past the limit the lookup waits (``Throttled``). Every lookup is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.policy import MilestoneKind
from consular.cases.service import get_case
from consular.cases.states import IN_CUSTODY, CaseState
from consular.config import Settings
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound, Throttled
from consular.families.models import FamilyCode, StatusLookupFailure

# Crockford's base32: no I, L, O or U, so that a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
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
    name = " ".join(contact_name.split())
    if not name:
        raise InvalidInput("say whom the code is given to (the contact's name)")
    if len(name) > 120:
        raise InvalidInput("the contact's name is longer than 120 characters")
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
        tag="families:code:issue",
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
        raise Conflict(f"this code was already revoked by {issued.revoked_by}")
    issued.revoked_at = utcnow()
    issued.revoked_by = actor.name
    audit.record(
        db,
        actor=actor.name,
        tag="families:code:revoke",
        target_type="family_code",
        target_id=issued.id,
        case_id=issued.case_id,
        diff={"contact": issued.contact_name},
    )
    return issued


@dataclass(frozen=True)
class FamilyStatus:
    """All a family learns: where, whether seen by a consul, departure, return; no more."""

    held: bool
    facility: str | None
    seen_by_consul: bool
    released: bool
    departure_scheduled: bool
    departed: bool
    updated_at: datetime
    post_name: str
    post_phone: str
    time_zone: str


def _status(case: Case) -> FamilyStatus:
    state = CaseState(case.state)
    held = state in IN_CUSTODY
    visit = next((m for m in case.milestones if m.kind == MilestoneKind.CONSULAR_VISIT), None)
    moments = [case.updated_at, *(m.done_at for m in case.milestones if m.done_at)]
    post = case.incident.post
    return FamilyStatus(
        held=held,
        facility=case.facility if held else None,
        seen_by_consul=visit is not None and visit.done_at is not None,
        released=state is CaseState.RELEASED,
        departure_scheduled=state is CaseState.DEPARTURE_SCHEDULED,
        departed=state in (CaseState.DEPARTED, CaseState.CLOSED),
        updated_at=max(moments),
        post_name=post.name,
        post_phone=post.phone,
        time_zone=post.time_zone,
    )


def _retry_after(
    db: Session, settings: Settings, hashed: str, client: str, now: datetime
) -> int | None:
    """Seconds to wait when this code or this client failed too often lately, else None."""
    window = timedelta(minutes=settings.status_window_minutes)
    of_code = StatusLookupFailure.code_hash == hashed
    of_client = StatusLookupFailure.client == client
    # Both counts in one statement: every statement costs the page about a millisecond.
    counts = db.execute(
        select(
            func.count().filter(of_code),
            func.min(StatusLookupFailure.at).filter(of_code),
            func.count().filter(of_client),
            func.min(StatusLookupFailure.at).filter(of_client),
        ).where(StatusLookupFailure.at > now - window, or_(of_code, of_client))
    ).one()
    for failures, oldest, limit in (
        (counts[0], counts[1], settings.status_attempts_per_code),
        (counts[2], counts[3], settings.status_attempts_per_client),
    ):
        if failures >= limit and oldest is not None:
            return max(int((oldest + window - now).total_seconds()) + 1, 1)
    return None


def lookup_status(
    db: Session, settings: Settings, typed_code: str, date_of_birth: date | None, client: str
) -> FamilyStatus:
    """The coarse status a code and a date of birth open, or ``NotFound`` (whatever was
    wrong), or ``Throttled``. A failure is recorded in the caller's transaction, which must
    be committed even though the lookup failed."""
    hashed = code_hash(typed_code)
    client = client[:64]
    if db.get_bind().dialect.name == "postgresql":
        # Lookups of one code count their failures one after another, so that concurrent
        # guesses of a date of birth cannot slip past the per-code limit. (SQLite writes one
        # at a time anyway; the per-address count may run a few over under concurrency.)
        db.execute(select(func.pg_advisory_xact_lock(func.hashtext(hashed))))
    now = utcnow()
    wait = _retry_after(db, settings, hashed, client, now)
    if wait is not None:
        audit.record(
            db,
            actor=f"public:{client}",
            tag="families:status:throttled",
            target_type="family_code",
            target_id=hashed[:16],
            diff={"retry_after_s": wait},
        )
        raise Throttled(wait)
    # The code with its case, person, incident and post in one statement, the checklist in
    # a second.
    found = db.execute(
        select(FamilyCode, Case)
        .join(Case, Case.id == FamilyCode.case_id)
        .where(FamilyCode.code_hash == hashed)
        .options(selectinload(Case.milestones))
    ).one_or_none()
    issued, case = (found[0], found[1]) if found is not None else (None, None)
    if (
        issued is None
        or case is None
        or issued.revoked_at is not None
        or issued.expires_at <= now
        or date_of_birth is None
        or case.person.date_of_birth != date_of_birth
    ):
        db.add(StatusLookupFailure(code_hash=hashed, client=client, at=now))
        audit.record(
            db,
            actor=f"public:{client}",
            tag="families:status:failed",
            target_type="family_code",
            # The code's own id when it exists (a family mistyping a date, or someone who
            # holds a code guessing); else the start of what was typed, hashed.
            target_id=issued.id if issued is not None else hashed[:16],
            case_id=case.id if case is not None else None,
            diff={},
        )
        raise NotFound("status", None)
    issued.last_used_at = now
    audit.record(
        db,
        actor=f"public:{client}",
        tag="families:status:lookup",
        target_type="family_code",
        target_id=issued.id,
        case_id=case.id,
        diff={"contact": issued.contact_name},
    )
    return _status(case)
