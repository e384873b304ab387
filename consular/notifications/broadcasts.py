"""Broadcasts: one message an officer writes to all the families, or all the employers, of
an incident, of one of its flights (its passengers) or of a facility (the cases held there).

The officer writes the subject and the text in Korean and in English, both required: each
family contact reads the one of their own language. (Employers' HR users read Korean.) A
preview says, before anything is sent, exactly how many messages go out by channel and who
is left out and why: a contact who opted out, a case whose detainee asked that the family (or
the employer) not be told (rule CON-05, ``consular.cases.wishes``), a contact with neither
an e-mail address nor a phone number, a case with no contact on record. A broadcast that
would reach nobody cannot be sent. Sending writes the messages into the outbox in one
transaction, once per address (two contacts sharing an address get one message), records the
broadcast with the preview's counts, and is audited. Only supervisors send
(``Permission.BROADCAST_SEND``); whoever reads the incident may preview.

Employers are reached through their HR users' accounts (their e-mail address and phone), for
the employers that deployed a case's person when the incident began.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import User
from consular.auth.permissions import Permission, Role
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.wishes import employer_may_be_told, family_may_be_told
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.facilities.models import Facility
from consular.flights.models import Flight, FlightSeat
from consular.i18n import LANGUAGES, N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.models import Incident
from consular.incidents.service import get_incident
from consular.notifications.models import Broadcast, Notification
from consular.registry.models import Deployment, Person

AUDIENCES = ("families", "employers")
SCOPES = ("incident", "flight", "facility")
# Why someone of the audience gets no message.
LEFT_OUT = ("opted_out", "withheld", "no_address", "no_contact")
CHANNELS = ("email", "sms")
SUBJECT_MAX = 150
BODY_MAX = 4000
EVENT = "broadcast"
# Employers' HR users have no language of their own: they are Korean companies.
EMPLOYER_LANGUAGE = "ko"


@dataclass(frozen=True)
class Draft:
    """What the officer wrote, and to whom: ``scope`` is ``incident``, ``flight`` or
    ``facility``, ``scope_id`` the flight's or the facility's id."""

    audience: str
    scope: str
    scope_id: str | None
    subject_ko: str
    body_ko: str
    subject_en: str
    body_en: str

    def text(self, language: str) -> tuple[str, str]:
        if language == "en":
            return self.subject_en.strip(), self.body_en.strip()
        return self.subject_ko.strip(), self.body_ko.strip()


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    language: str
    case_id: str | None = None
    contact_id: str | None = None
    user_id: str | None = None


@dataclass
class Preview:
    """What sending would do: the messages by channel and language, who is left out and
    why, and the texts exactly as they go out (with the post's signature)."""

    audience: str
    scope: str
    scope_id: str | None
    scope_label: str
    cases: int
    recipients: list[Recipient]
    left_out: dict[str, int]
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def messages(self) -> dict[str, int]:
        counted = Counter(r.channel for r in self.recipients)
        return {channel: counted[channel] for channel in CHANNELS}

    @property
    def by_language(self) -> dict[str, int]:
        counted = Counter(r.language for r in self.recipients)
        return {language: counted[language] for language in LANGUAGES}

    @property
    def total(self) -> int:
        return len(self.recipients)

    @property
    def reaches_nobody(self) -> bool:
        return not self.recipients

    def counts(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "messages": self.messages,
            "languages": self.by_language,
            "left_out": dict(self.left_out),
        }


def _checked(draft: Draft) -> None:
    """Refuse an unknown audience or scope, an empty or too long text: every problem."""
    if draft.audience not in AUDIENCES:
        raise unknown_value("broadcast.unknown_audience", draft.audience, AUDIENCES)
    if draft.scope not in SCOPES:
        raise unknown_value("broadcast.unknown_scope", draft.scope, SCOPES)
    if draft.scope != "incident" and not draft.scope_id:
        raise InvalidInput(
            "broadcast.scope_missing", N_("Choose the flight or the facility of the broadcast.")
        )
    wrong: dict[str, Message] = {}
    for name, value, limit in (
        ("subject_ko", draft.subject_ko, SUBJECT_MAX),
        ("body_ko", draft.body_ko, BODY_MAX),
        ("subject_en", draft.subject_en, SUBJECT_MAX),
        ("body_en", draft.body_en, BODY_MAX),
    ):
        if not value.strip():
            wrong[name] = Message(
                "broadcast.text_empty",
                N_("Write it in Korean and in English: each family reads its own language."),
            )
        elif len(value.strip()) > limit:
            wrong[name] = Message(
                "broadcast.text_too_long",
                N_("At most %(limit)s characters (%(length)s written)."),
                limit=limit,
                length=len(value.strip()),
            )
    if wrong:
        raise InvalidInput(
            "broadcast.form",
            N_("The broadcast is not ready: correct the marked fields."),
            details={"fields": wrong},
        )


def _scoped_cases(db: Session, actor: Actor, incident: Incident, draft: Draft) -> tuple[Any, str]:
    """The query of the audience's cases, and what the scope is called."""
    query = select(Case).where(Case.incident_id == incident.id)
    if draft.scope == "flight":
        flight = db.get(Flight, draft.scope_id or "")
        if flight is None or flight.incident_id != incident.id:
            raise NotFound("flight", draft.scope_id)
        seated = select(FlightSeat.case_id).where(FlightSeat.flight_id == flight.id)
        return query.where(Case.id.in_(seated)), f"{flight.carrier} {flight.number}"
    if draft.scope == "facility":
        facility = db.get(Facility, draft.scope_id or "")
        if facility is None or facility.post_id != incident.post_id:
            raise NotFound("facility", draft.scope_id)
        held = (Case.facility_id == facility.id) | (
            Case.facility_id.is_(None) & (Case.facility == facility.name)
        )
        return query.where(held), facility.name
    return query, incident.title


def preview(db: Session, actor: Actor, incident_id: str, draft: Draft) -> Preview:
    """What sending ``draft`` would do, without writing anything."""
    actor.require(Permission.CASE_READ, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    _checked(draft)
    query, label = _scoped_cases(db, actor, incident, draft)
    cases = db.scalars(
        query.options(selectinload(Case.person).selectinload(Person.contacts)).order_by(Case.number)
    ).all()
    found = _families(cases) if draft.audience == "families" else _employers(db, incident, cases)
    recipients, left_out = found
    post = incident.post
    texts = {}
    for language in LANGUAGES:
        subject, body = draft.text(language)
        signature = f"{post.name_in(language)} · {post.phone or '—'}"
        texts[language] = (subject, f"{body}\n\n{signature}")
    return Preview(
        audience=draft.audience,
        scope=draft.scope,
        scope_id=draft.scope_id if draft.scope != "incident" else None,
        scope_label=label,
        cases=len(cases),
        recipients=recipients,
        left_out=left_out,
        texts=texts,
    )


def _language(value: str) -> str:
    return value if value in LANGUAGES else "ko"


def _families(cases: Sequence[Case]) -> tuple[list[Recipient], dict[str, int]]:
    """One recipient per address of each contact who may be told; the rest counted: withheld
    and no contact by case, opted out and no address by contact."""
    left = dict.fromkeys(LEFT_OUT, 0)
    recipients: list[Recipient] = []
    seen: set[tuple[str, str]] = set()
    for case in cases:
        if not family_may_be_told(case):
            left["withheld"] += 1
            continue
        contacts = case.person.contacts
        if not contacts:
            left["no_contact"] += 1
        for contact in contacts:
            if contact.opted_out:
                left["opted_out"] += 1
                continue
            addresses = [
                (channel, address.strip())
                for channel, address in (("email", contact.email), ("sms", contact.phone))
                if address.strip()
            ]
            if not addresses:
                left["no_address"] += 1
            for channel, address in addresses:
                key = (channel, address.casefold())
                if key in seen:
                    continue
                seen.add(key)
                recipients.append(
                    Recipient(
                        channel,
                        address,
                        _language(contact.language),
                        case_id=case.id,
                        contact_id=contact.id,
                    )
                )
    return recipients, left


def _employers(
    db: Session, incident: Incident, cases: Sequence[Case]
) -> tuple[list[Recipient], dict[str, int]]:
    """The HR users of the employers that deployed the cases' persons when the incident
    began; withheld by case, no contact by employer (no HR user), no address by user."""
    left = dict.fromkeys(LEFT_OUT, 0)
    told = [case for case in cases if employer_may_be_told(case)]
    left["withheld"] = len(cases) - len(told)
    started = incident.started_at.date()
    employer_ids: set[str] = set()
    persons = [case.person_id for case in told]
    for deployment in db.scalars(select(Deployment).where(Deployment.person_id.in_(persons))):
        if deployment.entry_date is not None and deployment.entry_date > started:
            continue
        if deployment.planned_end is not None and deployment.planned_end < started:
            continue
        employer_ids.add(deployment.employer_id)
    users = db.scalars(
        select(User)
        .where(
            User.employer_id.in_(sorted(employer_ids)),
            User.role == Role.EMPLOYER_HR.value,
            User.active.is_(True),
        )
        .order_by(User.name)
    ).all()
    left["no_contact"] = len(employer_ids - {user.employer_id for user in users})
    recipients: list[Recipient] = []
    seen: set[tuple[str, str]] = set()
    for user in users:
        addresses = [
            (channel, address.strip())
            for channel, address in (("email", user.email), ("sms", user.phone))
            if address.strip()
        ]
        if not addresses:
            left["no_address"] += 1
        for channel, address in addresses:
            if (channel, address.casefold()) in seen:
                continue
            seen.add((channel, address.casefold()))
            recipients.append(Recipient(channel, address, EMPLOYER_LANGUAGE, user_id=user.id))
    return recipients, left


def send(db: Session, actor: Actor, incident_id: str, draft: Draft) -> Broadcast:
    """Write the broadcast's messages into the outbox and record it; refused when it would
    reach nobody."""
    actor.require(Permission.BROADCAST_SEND, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    shown = preview(db, actor, incident_id, draft)
    if shown.reaches_nobody:
        raise Conflict(
            "broadcast.nobody",
            N_(
                "This broadcast would reach nobody (everyone is left out: see why in the "
                "preview): nothing was sent."
            ),
            details={"counts": shown.counts()},
        )
    broadcast = Broadcast(
        incident_id=incident.id,
        audience=draft.audience,
        scope=draft.scope,
        scope_id=shown.scope_id,
        scope_label=shown.scope_label[:200],
        subject_ko=draft.subject_ko.strip(),
        body_ko=draft.body_ko.strip(),
        subject_en=draft.subject_en.strip(),
        body_en=draft.body_en.strip(),
        counts=shown.counts(),
        sent_by=actor.name,
    )
    db.add(broadcast)
    db.flush()
    for recipient in shown.recipients:
        subject, body = shown.texts[recipient.language]
        db.add(
            Notification(
                case_id=recipient.case_id,
                contact_id=recipient.contact_id,
                user_id=recipient.user_id,
                broadcast_id=broadcast.id,
                event=EVENT,
                channel=recipient.channel,
                recipient=recipient.address,
                language=recipient.language,
                subject=subject,
                body=body,
            )
        )
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.BROADCAST_SEND,
        target_type="broadcast",
        target_id=broadcast.id,
        diff={
            "audience": draft.audience,
            "scope": shown.scope_label,
            "subject": broadcast.subject_ko,
            "messages": shown.total,
            "counts": shown.counts(),
        },
    )
    return broadcast


@dataclass(frozen=True)
class SentBroadcast:
    broadcast: Broadcast
    delivery: dict[str, int]  # messages by outbox state


def broadcasts_of(db: Session, actor: Actor, incident_id: str) -> list[SentBroadcast]:
    """The incident's broadcasts, newest first, with how far their messages got."""
    actor.require(Permission.CASE_READ, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    found = db.scalars(
        select(Broadcast)
        .where(Broadcast.incident_id == incident.id)
        .order_by(Broadcast.sent_at.desc())
    ).all()
    states: dict[str, dict[str, int]] = {b.id: {} for b in found}
    if found:
        for broadcast_id, state, count in db.execute(
            select(Notification.broadcast_id, Notification.state, func.count())
            .where(Notification.broadcast_id.in_(list(states)))
            .group_by(Notification.broadcast_id, Notification.state)
        ):
            states[str(broadcast_id)][state] = count
    return [SentBroadcast(b, states[b.id]) for b in found]


def scope_choices(db: Session, incident: Incident) -> list[tuple[str, str, str | None]]:
    """What a broadcast can be of: the incident, each of its flights, each facility of its
    post, as ``(scope, label, id)``."""
    flights = db.scalars(
        select(Flight).where(Flight.incident_id == incident.id).order_by(Flight.departs_at)
    ).all()
    facilities = db.scalars(
        select(Facility).where(Facility.post_id == incident.post_id).order_by(Facility.name)
    ).all()
    return [
        ("incident", incident.title, None),
        *(("flight", f"{f.carrier} {f.number}", f.id) for f in flights),
        *(("facility", f.name, f.id) for f in facilities),
    ]
