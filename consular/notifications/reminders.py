"""Reminders and escalations: deadlines of the rights checklist that reach officers.

A scan finds the open checklist items of held persons due within the lead time (a reminder
to the case's assigned officer) and those past their breach time (an escalation to the
supervisors of the incident's post, and to the assigned officer). Each officer gets at
most one message per digest period, listing all their items; an item is never told to the
same officer twice at the same level (``Reminder`` remembers). The messages go through the
outbox, so the worker sends them like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, insert, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import Post, User
from consular.auth.permissions import Role
from consular.cases.labels import MILESTONES
from consular.cases.models import Case, Milestone
from consular.cases.states import IN_CUSTODY
from consular.config import Settings
from consular.db import utcnow
from consular.i18n import LANGUAGES, translations
from consular.i18n.particles import with_particles
from consular.incidents.models import Incident
from consular.notifications.models import Notification, Reminder
from consular.notifications.outbox import person_name
from consular.registry.models import Person

DUE = "due"
BREACHED = "breached"
# The outbox events of officers' messages: a digest with a breached item is an escalation.
REMINDER_EVENT = "reminder"
ESCALATION_EVENT = "escalation"
# No user has a language of their own yet: officers read the post's language, Korean.
OFFICER_LANGUAGE = "ko"


def N_(message: str) -> str:
    """Mark a sentence for the catalogs; it is translated when the message is written."""
    return message


SUBJECT_REMINDER = N_("Checklist items due on your cases: %(count)s")
SUBJECT_ESCALATION = N_("Rights deadlines breached: %(count)s items need action")
INTRO = N_("These checklist items of detained persons need action (times are the post's).")
BREACHED_HEADING = N_("Breached (the deadline has passed):")
DUE_HEADING = N_("Due soon or overdue:")
LINE = N_("Case %(number)s · %(name)s: %(item)s, due %(due)s (%(officer)s)")
NO_OFFICER = N_("no officer assigned")
FOOTER = N_("Open “My work” in the consular workspace to record what was done.")
SMS = N_("Consular workspace: %(count)s checklist items need action, %(breached)s breached.")


def _running() -> ColumnElement[bool]:
    # Deadlines run only while the person is held, and only in an incident still open.
    return and_(
        Milestone.done_at.is_(None),
        Case.state.in_([s.value for s in IN_CUSTODY]),
        Incident.status == "open",
    )


def count_due(db: Session, user_id: str, lead_hours: float, now: datetime | None = None) -> int:
    """How many open items of the officer's assigned cases are overdue or due within the
    lead time: the count beside "My work" on every page (one indexed query)."""
    horizon = (now or utcnow()) + timedelta(hours=lead_hours)
    query = (
        select(func.count(Milestone.id))
        .join(Case, Case.id == Milestone.case_id)
        .join(Incident, Incident.id == Case.incident_id)
        .where(Case.assigned_to_id == user_id, Milestone.due_at <= horizon, _running())
    )
    return db.scalar(query) or 0


@dataclass(frozen=True)
class Item:
    """An open checklist item someone is to be told of, at a level."""

    milestone_id: str
    case_number: int
    names: tuple[str | None, str | None, str | None, str | None]
    kind: str
    due_at: datetime
    level: str
    officer: str | None
    time_zone: str


@dataclass
class Digest:
    """One officer's message: every item not yet told to them."""

    user_id: str
    user_name: str
    items: list[Item]
    channels: list[str] = field(default_factory=list)

    @property
    def breached(self) -> int:
        return sum(1 for item in self.items if item.level == BREACHED)


@dataclass
class ScanReport:
    """What a scan wrote (or, in a dry run, would write)."""

    digests: list[Digest] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # told within the digest period
    unreachable: list[str] = field(default_factory=list)  # no e-mail, no phone

    @property
    def messages(self) -> int:
        return sum(len(d.channels) for d in self.digests)


def _open_items(db: Session, now: datetime, lead_hours: float) -> Sequence[Any]:
    horizon = now + timedelta(hours=lead_hours)
    query = (
        select(
            Milestone.id,
            Milestone.kind,
            Milestone.due_at,
            Milestone.breach_at,
            Case.number,
            Case.assigned_to_id,
            Incident.post_id,
            Post.time_zone,
            Person.family_name_hangul,
            Person.given_name_hangul,
            Person.family_name,
            Person.given_name,
        )
        .join(Case, Case.id == Milestone.case_id)
        .join(Incident, Incident.id == Case.incident_id)
        .join(Post, Post.id == Incident.post_id)
        .join(Person, Person.id == Case.person_id)
        .where(Milestone.due_at <= horizon, _running())
        .order_by(Milestone.due_at, Case.number)
    )
    return db.execute(query).all()


def _told(db: Session, now: datetime, lead_hours: float) -> set[tuple[str, str, str]]:
    """(item, user, level) already told, for the items still open."""
    horizon = now + timedelta(hours=lead_hours)
    query = (
        select(Reminder.milestone_id, Reminder.user_id, Reminder.level)
        .join(Milestone, Milestone.id == Reminder.milestone_id)
        .where(Milestone.done_at.is_(None), Milestone.due_at <= horizon)
    )
    return {(row[0], row[1], row[2]) for row in db.execute(query)}


def _supervisors(db: Session, post_ids: set[str]) -> dict[str, list[str]]:
    query = select(User.post_id, User.id).where(
        User.role == Role.SUPERVISOR.value, User.active.is_(True), User.post_id.in_(post_ids)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for post_id, user_id in db.execute(query):
        found[post_id].append(user_id)
    return found


def _due_items(
    db: Session, now: datetime, lead_hours: float
) -> dict[str, list[Item]]:
    """Each user's items not yet told to them at their level."""
    rows = _open_items(db, now, lead_hours)
    told = _told(db, now, lead_hours)
    supervisors = _supervisors(db, {row.post_id for row in rows if row.breach_at <= now})
    names: dict[str, str] = {row.id: row.name for row in db.execute(select(User.id, User.name))}
    owed: dict[str, list[Item]] = defaultdict(list)
    for row in rows:
        level = BREACHED if row.breach_at <= now else DUE
        recipients = [row.assigned_to_id] if row.assigned_to_id else []
        if level == BREACHED:
            recipients += [s for s in supervisors.get(row.post_id, []) if s not in recipients]
        item = Item(
            milestone_id=row.id,
            case_number=row.number,
            names=(row.family_name_hangul, row.given_name_hangul, row.family_name, row.given_name),
            kind=row.kind,
            due_at=row.due_at,
            level=level,
            officer=names.get(row.assigned_to_id) if row.assigned_to_id else None,
            time_zone=row.time_zone,
        )
        for user_id in recipients:
            if (row.id, user_id, level) not in told:
                owed[user_id].append(item)
    return owed


def _recently_told(db: Session, since: datetime) -> set[str]:
    query = select(Reminder.user_id).where(Reminder.reminded_at > since).distinct()
    return set(db.scalars(query))


def scan(
    db: Session, settings: Settings, *, actor: str, now: datetime | None = None, dry_run: bool = False
) -> ScanReport:
    """Write into the outbox one digest per officer owed one; remember what each was told.

    An officer told of anything within the digest period waits for the next scan after it;
    an officer with neither e-mail nor phone sees only the count in the workspace.
    """
    now = now or utcnow()
    owed = _due_items(db, now, settings.reminder_lead_hours)
    recent = _recently_told(db, now - timedelta(minutes=settings.reminder_digest_minutes))
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(list(owed))))}
    report = ScanReport()
    for user_id, items in owed.items():
        user = users[user_id]
        if not user.active:
            continue
        if user_id in recent:
            report.held_back.append(user.name)
            continue
        digest = Digest(user.id, user.name, items, _channels(user, settings))
        if not digest.channels:
            report.unreachable.append(user.name)
            continue
        report.digests.append(digest)
        if not dry_run:
            _write(db, user, digest, actor, now)
    return report


def _channels(user: User, settings: Settings) -> list[str]:
    channels = ["email"] if user.email.strip() else []
    if user.phone.strip() and settings.sms_webhook_url:
        channels.append("sms")
    return channels


def _write(db: Session, user: User, digest: Digest, actor: str, now: datetime) -> None:
    language = OFFICER_LANGUAGE
    event = ESCALATION_EVENT if digest.breached else REMINDER_EVENT
    subject, body, sms = write_digest(digest, language)
    for channel in digest.channels:
        db.add(
            Notification(
                user_id=user.id,
                event=event,
                channel=channel,
                recipient=(user.email if channel == "email" else user.phone).strip(),
                language=language,
                subject=subject,
                body=body if channel == "email" else sms,
                created_at=now,
                next_attempt_at=now,
            )
        )
    db.execute(
        insert(Reminder),
        [
            {"milestone_id": i.milestone_id, "user_id": user.id, "level": i.level,
             "reminded_at": now}
            for i in digest.items
        ],
    )
    audit.record(
        db,
        actor=actor,
        tag=AuditTag.REMINDER_SEND,
        target_type="user",
        target_id=user.id,
        diff={
            "user": user.name,
            "items": len(digest.items),
            "breached": digest.breached,
            "channels": digest.channels,
        },
    )


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _when(moment: datetime, zone: str) -> str:
    # The pages' format (2025-09-04 14:00 EDT), without a locale's cost for thousands of lines.
    return moment.astimezone(_zone(zone)).strftime("%Y-%m-%d %H:%M %Z")


def write_digest(digest: Digest, language: str) -> tuple[str, str, str]:
    """The subject, the e-mail's body and the SMS text of a digest, in ``language``."""
    gettext = translations(language if language in LANGUAGES else "ko").gettext
    count = len(digest.items)
    subject = gettext(SUBJECT_ESCALATION if digest.breached else SUBJECT_REMINDER) % {
        "count": count
    }
    lines = [gettext(INTRO)]
    line = gettext(LINE)
    unassigned = gettext(NO_OFFICER)
    for level, heading in ((BREACHED, BREACHED_HEADING), (DUE, DUE_HEADING)):
        chosen = [item for item in digest.items if item.level == level]
        if not chosen:
            continue
        lines += ["", gettext(heading)]
        lines += [
            "- "
            + line
            % {
                "number": item.case_number,
                "name": person_name(*item.names, language=language),
                "item": gettext(MILESTONES.get(item.kind, item.kind)),
                "due": _when(item.due_at, item.time_zone),
                "officer": item.officer or unassigned,
            }
            for item in chosen
        ]
    lines += ["", gettext(FOOTER)]
    sms = gettext(SMS) % {"count": count, "breached": digest.breached}
    return with_particles(subject), with_particles("\n".join(lines)), with_particles(sms)
