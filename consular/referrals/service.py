"""The post's roster of counsel, interpreters, support organisations and medical services;
a case's referrals to them (only with the detainee's consent), its hearings and its bond.

A referral moves ``offered → accepted | declined`` and ``accepted → done`` (with what came
of it); each move is checked against the referral's version and audited with the state
before and after. The roster is the post's: another post's entries are not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import Post
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.fields import FieldError, parse_datetime
from consular.i18n import N_
from consular.i18n.message import Message, term
from consular.phones import parse_phone, region_of
from consular.referrals.labels import (
    BOND_PAYERS,
    BOND_STATES,
    HEARING_KINDS,
    PROVIDER_KINDS,
    REFERRAL_STATES,
)
from consular.referrals.models import Bond, Hearing, Provider, Referral

# One @, no spaces, a dot in the domain (as an officer's own address is checked).
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# offered → accepted or declined; accepted → done. Declined and done are where it ends.
MOVES: dict[str, tuple[str, ...]] = {
    "offered": ("accepted", "declined"),
    "accepted": ("done",),
    "declined": (),
    "done": (),
}
_FIELD_NAMES = {
    "name": N_("Name"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "languages": N_("Languages"),
    "place": N_("Place or court"),
    "amount": N_("Amount"),
    "starts_at": N_("Date and time"),
}


def _field(name: str) -> Message:
    return term(f"referrals.field.{name}", _FIELD_NAMES[name])


def _bad(code: str, name: str, problem: Message) -> InvalidInput:
    # The field is named first, so the reader knows where to look.
    return InvalidInput(
        code,
        N_("%(field)s: %(problem)s"),
        field=_field(name),
        problem=problem,
        details={"field": name},
    )


# The roster


def readable_providers(actor: Actor) -> Select[Provider]:
    """The roster entries the actor may read: their post's; every post's for headquarters."""
    query = select(Provider)
    if not actor.can(Permission.CASE_READ):
        return query.where(Provider.id.is_(None))
    if actor.post_id is not None:
        query = query.where(Provider.post_id == actor.post_id)
    return query


@dataclass(frozen=True)
class ProviderFields:
    """What a roster entry says, as typed (a phone in any common form)."""

    name: str
    kind: str
    languages: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    areas: str = ""
    notes: str = ""
    active: bool = True


def parse_languages(text: str) -> list[str]:
    """``"ko, en"`` as ``["ko", "en"]``: each a two-letter language code, in the typed order."""
    found = [part.strip().lower() for part in re.split(r"[,\s/]+", text) if part.strip()]
    return list(dict.fromkeys(found))


def _checked(fields: ProviderFields, post: Post) -> ProviderFields:
    name = " ".join(fields.name.split())
    if not name:
        raise InvalidInput(
            "provider.no_name", N_("Give the name of the lawyer, interpreter or organisation.")
        )
    if fields.kind not in PROVIDER_KINDS:
        raise unknown_value("provider.unknown_kind", fields.kind, list(PROVIDER_KINDS))
    languages = [code.strip().lower() for code in fields.languages if code.strip()]
    for code in languages:
        if not re.fullmatch(r"[a-z]{2}", code):
            raise _bad(
                "provider.bad_language",
                "languages",
                Message(
                    "provider.language",
                    N_("“%(value)s” is not a two-letter language code (ko, en)."),
                    value=code,
                ),
            )
    try:
        phone = parse_phone(fields.phone, region_of(post.country))
    except FieldError as error:
        raise _bad("provider.bad_phone", "phone", error.message) from None
    email = fields.email.strip()
    if email and not _EMAIL.fullmatch(email):
        raise _bad(
            "provider.bad_email",
            "email",
            Message(
                "provider.email",
                N_("“%(value)s” is not an e-mail address: write it as name@example.org."),
                value=email,
            ),
        )
    return ProviderFields(
        name=name,
        kind=fields.kind,
        languages=list(dict.fromkeys(languages)),
        phone=phone,
        email=email,
        areas=fields.areas.strip(),
        notes=fields.notes.strip(),
        active=fields.active,
    )


def list_providers(
    db: Session,
    actor: Actor,
    *,
    kind: str = "",
    language: str = "",
    active_only: bool = False,
    post_id: str | None = None,
) -> list[Provider]:
    """The roster by name, narrowed to a kind and a language (a roster holds dozens)."""
    query = readable_providers(actor).order_by(Provider.name)
    if kind:
        if kind not in PROVIDER_KINDS:
            raise unknown_value("provider.unknown_kind", kind, list(PROVIDER_KINDS))
        query = query.where(Provider.kind == kind)
    if post_id is not None:
        query = query.where(Provider.post_id == post_id)
    if active_only:
        query = query.where(Provider.active.is_(True))
    found = list(db.scalars(query))
    if language:
        found = [p for p in found if language.strip().lower() in p.languages]
    return found


def providers_of_post(db: Session, post_id: str) -> list[Provider]:
    """A post's roster by name: what a case of its incidents may be referred to."""
    return list(
        db.scalars(select(Provider).where(Provider.post_id == post_id).order_by(Provider.name))
    )


def get_provider(db: Session, actor: Actor, provider_id: str) -> Provider:
    provider = db.scalar(readable_providers(actor).where(Provider.id == provider_id))
    if provider is None:
        raise NotFound("provider", provider_id)
    return provider


def _post_of(db: Session, actor: Actor, post_name: str | None) -> Post:
    if actor.post_id is not None:
        post = db.get(Post, actor.post_id)
    else:
        post = db.scalar(select(Post).where(Post.name == (post_name or "").strip()))
    if post is None:
        raise InvalidInput(
            "provider.no_post", N_("Say which post's roster this is: give the post's name.")
        )
    return post


def _saved(db: Session, provider: Provider) -> None:
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError:
        raise Conflict(
            "provider.duplicate",
            N_("The roster already has an entry named %(name)s."),
            name=provider.name,
        ) from None


def _snapshot(provider: Provider) -> dict[str, object]:
    return {
        "name": provider.name,
        "kind": provider.kind,
        "languages": list(provider.languages),
        "phone": provider.phone,
        "email": provider.email,
        "areas": provider.areas,
        "notes": provider.notes,
        "active": provider.active,
    }


def add_provider(
    db: Session, actor: Actor, fields: ProviderFields, *, post_name: str | None = None
) -> Provider:
    """Add an entry to the actor's post's roster (the operator names the post); audited."""
    actor.require(Permission.CASE_WRITE, "provider", fields.name)
    post = _post_of(db, actor, post_name)
    checked = _checked(fields, post)
    provider = Provider(post_id=post.id, **vars(checked))
    db.add(provider)
    _saved(db, provider)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.PROVIDER_CREATE,
        target_type="provider",
        target_id=provider.id,
        diff=_snapshot(provider),
    )
    return provider


def update_provider(
    db: Session, actor: Actor, provider_id: str, fields: ProviderFields, *, version: int
) -> Provider:
    """Change a roster entry made on ``version``; audited with each value before and after."""
    actor.require(Permission.CASE_WRITE, "provider", provider_id)
    provider = get_provider(db, actor, provider_id)
    if provider.version != version:
        raise Conflict(
            "provider.stale_version",
            N_("%(name)s was changed by someone else meanwhile. Reload it and try again."),
            name=provider.name,
            details={"your_version": version, "current_version": provider.version},
        )
    checked = _checked(fields, db.get_one(Post, provider.post_id))
    before = _snapshot(provider)
    for name, value in vars(checked).items():
        setattr(provider, name, value)
    after = _snapshot(provider)
    diff = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not diff:
        return provider
    provider.version += 1
    _saved(db, provider)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.PROVIDER_UPDATE,
        target_type="provider",
        target_id=provider.id,
        diff={**diff, "provider": provider.name},
    )
    return provider


# Referrals


def _case_record(
    db: Session, actor: Actor, case: Case, tag: AuditTag, diff: dict[str, object]
) -> None:
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff=diff,
    )


def refer(
    db: Session,
    actor: Actor,
    case_id: str,
    provider_id: str,
    *,
    consent: bool,
    consent_note: str,
) -> Referral:
    """Refer the case to a provider of its incident's post, once the detainee agreed."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    note = consent_note.strip()
    if not consent:
        raise InvalidInput(
            "referral.no_consent",
            N_(
                "The detainee's consent is not recorded: a case is referred only once the "
                "detainee agreed. Ask them, then tick the consent box."
            ),
        )
    if not note:
        raise InvalidInput(
            "referral.no_consent_note",
            N_("Say how and when the detainee agreed (at the welfare interview on 9/6, say)."),
        )
    provider = db.get(Provider, provider_id) if provider_id else None
    if provider is None or provider.post_id != case.incident.post_id:
        raise NotFound("provider", provider_id)
    if not provider.active:
        raise Conflict(
            "referral.inactive_provider",
            N_("%(name)s is marked inactive on the roster: choose another."),
            name=provider.name,
        )
    referral = Referral(case_id=case.id, provider=provider, consent_note=note, made_by=actor.name)
    db.add(referral)
    _case_record(
        db,
        actor,
        case,
        AuditTag.REFERRAL_CREATE,
        {"provider": provider.name, "kind": provider.kind, "state": "offered", "consent": note},
    )
    return referral


def referrals_of(db: Session, case: Case) -> list[Referral]:
    return list(
        db.scalars(
            select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
        )
    )


def move_referral(
    db: Session,
    actor: Actor,
    case_id: str,
    referral_id: str,
    to: str,
    *,
    version: int,
    outcome: str = "",
) -> Referral:
    """Move a referral on (accepted, declined, done), with what came of it; ``done`` needs
    an outcome."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    referral = db.scalar(
        select(Referral).where(Referral.id == referral_id, Referral.case_id == case.id)
    )
    if referral is None:
        raise NotFound("referral", referral_id)
    if referral.version != version:
        raise Conflict(
            "referral.stale_version",
            N_("The referral to %(name)s was changed by someone else meanwhile. Reload it."),
            name=referral.provider.name,
            details={"your_version": version, "current_version": referral.version},
        )
    allowed = MOVES[referral.state]
    if to not in MOVES:
        raise unknown_value("referral.unknown_state", to, allowed)
    if to not in allowed:
        raise Conflict(
            "referral.bad_move",
            N_("A referral %(state)s cannot become %(to)s."),
            state=term(referral.state, _state_name(referral.state)),
            to=term(to, _state_name(to)),
            details={"allowed": list(allowed), "state": referral.state},
        )
    text = outcome.strip()
    if to == "done" and not text:
        raise InvalidInput(
            "referral.no_outcome", N_("Say what came of the referral before marking it done.")
        )
    before = referral.state
    referral.state = to
    if text:
        referral.outcome = text
    referral.version += 1
    _case_record(
        db,
        actor,
        case,
        AuditTag.REFERRAL_MOVE,
        {"state": [before, to], "provider": referral.provider.name, "outcome": text},
    )
    return referral


def _state_name(state: str) -> str:
    return REFERRAL_STATES[state]


# Hearings and bond


def add_hearing(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    kind: str,
    starts_at: datetime,
    place: str,
    notes: str = "",
) -> Hearing:
    """Record a hearing of the case (``starts_at`` aware; stored in UTC); audited."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    if kind not in HEARING_KINDS:
        raise unknown_value("hearing.unknown_kind", kind, list(HEARING_KINDS))
    if starts_at.tzinfo is None:
        # A time said without its zone is the post's, as officers and courts say it.
        zone = db.get_one(Post, case.incident.post_id).time_zone
        starts_at = starts_at.replace(tzinfo=ZoneInfo(zone))
    where = " ".join(place.split())
    if not where:
        raise _bad(
            "hearing.no_place",
            "place",
            Message("hearing.place", N_("give the court or the place of the hearing.")),
        )
    hearing = Hearing(
        case_id=case.id,
        kind=kind,
        starts_at=starts_at,
        place=where,
        notes=notes.strip(),
        recorded_by=actor.name,
    )
    db.add(hearing)
    _case_record(
        db,
        actor,
        case,
        AuditTag.HEARING_ADD,
        {"kind": kind, "starts_at": starts_at.isoformat(), "place": where, "note": hearing.notes},
    )
    return hearing


def typed_moment(db: Session, actor: Actor, case_id: str, day: str, at: str) -> datetime:
    """A date and a time typed on the case's page, in its post's time zone."""
    case = get_case(db, actor, case_id)
    zone = db.get_one(Post, case.incident.post_id).time_zone
    try:
        moment = parse_datetime(f"{day.strip()}T{at.strip() or '00:00'}", zone)
    except FieldError:
        moment = None
    if moment is None or not day.strip():
        raise _bad(
            "hearing.bad_time",
            "starts_at",
            Message(
                "hearing.time",
                N_("“%(value)s” is not a date and time like 2025-09-12 09:00."),
                value=f"{day} {at}".strip(),
            ),
        )
    return moment


def remove_hearing(
    db: Session, actor: Actor, case_id: str, hearing_id: str, *, note: str = ""
) -> None:
    """Take a hearing off the case (postponed, cancelled, typed by mistake), saying why;
    audited with what it was. A new date is recorded as a new hearing."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    hearing = db.scalar(select(Hearing).where(Hearing.id == hearing_id, Hearing.case_id == case.id))
    if hearing is None:
        raise NotFound("hearing", hearing_id)
    diff: dict[str, object] = {
        "kind": hearing.kind,
        "starts_at": hearing.starts_at.isoformat(),
        "place": hearing.place,
        "note": note.strip(),
    }
    db.delete(hearing)
    _case_record(db, actor, case, AuditTag.HEARING_REMOVE, diff)


def hearings_of(db: Session, case: Case) -> list[Hearing]:
    return list(
        db.scalars(select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.starts_at))
    )


def bond_of(db: Session, case: Case) -> Bond | None:
    return db.scalar(select(Bond).where(Bond.case_id == case.id))


def parse_amount(text: str) -> Decimal:
    """A bond's amount as typed (``7,500`` or ``7500.00`` US dollars)."""
    try:
        amount = Decimal(text.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise _bad(
            "bond.bad_amount",
            "amount",
            Message(
                "bond.amount",
                N_("“%(value)s” is not an amount in US dollars (7,500)."),
                value=text.strip(),
            ),
        )
    return amount.quantize(Decimal("0.01"))


def record_bond(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    amount: Decimal,
    payer: str,
    state: str,
    version: int,
    note: str = "",
) -> Bond:
    """Set the case's bond, or change it (``version``: the bond's, 0 when there is none yet);
    audited with each value before and after."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    if payer not in BOND_PAYERS:
        raise unknown_value("bond.unknown_payer", payer, list(BOND_PAYERS))
    if state not in BOND_STATES:
        raise unknown_value("bond.unknown_state", state, list(BOND_STATES))
    bond = bond_of(db, case)
    current = bond.version if bond is not None else 0
    if version != current:
        raise Conflict(
            "bond.stale_version",
            N_("The bond of case %(number)s was changed by someone else meanwhile. Reload it."),
            number=case.number,
            details={"your_version": version, "current_version": current},
        )
    before: dict[str, object] = (
        {"amount": str(bond.amount), "payer": bond.payer, "state": bond.state}
        if bond is not None
        else {"amount": None, "payer": None, "state": None}
    )
    if bond is None:
        bond = Bond(case_id=case.id, amount=amount, payer=payer, state=state, version=0)
        db.add(bond)
    bond.amount, bond.payer, bond.state = amount, payer, state
    bond.note, bond.recorded_by = note.strip(), actor.name
    bond.version += 1
    after = {"amount": str(amount), "payer": payer, "state": state}
    diff: dict[str, object] = {
        name: [before[name], after[name]] for name in after if before[name] != after[name]
    }
    _case_record(db, actor, case, AuditTag.BOND_RECORD, {**diff, "note": bond.note})
    return bond
