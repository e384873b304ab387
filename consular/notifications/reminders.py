"""Reminders and escalations: deadlines of the rights checklist that reach officers.

A scan finds the open checklist items of held persons due within the lead time (a reminder
to the case's assigned officer) and those past their breach time (an escalation to the
supervisors of the incident's post, and to the assigned officer). Each officer gets at
most one message per digest period, listing all their items; an item is never told to the
same officer twice at the same level (``Reminder`` remembers). A hearing of an assigned case
that starts within its own lead time is told to the officer once, in the same digest
(``consular.referrals.reminders``). The messages go through the outbox, so the worker sends
them like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

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
from consular.referrals.labels import HEARING_KINDS
from consular.referrals.reminders import HearingItem, hearings_owed, remember_hearings
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
MORE = N_("… and %(count)s more.")
FOOTER = N_("Open “My work” in the consular workspace to record what was done.")
SMS = N_("Consular workspace: %(count)s checklist items need action, %(breached)s breached.")
SUBJECT_HEARINGS = N_("Hearings coming up on your cases: %(count)s")
HEARINGS_HEADING = N_("Hearings coming up:")
HEARING_LINE = N_("Case %(number)s · %(name)s: %(kind)s, %(when)s, %(place)s")
SMS_HEARINGS = N_("Consular workspace: %(count)s hearings coming up on your cases.")


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


# An open checklist item a user is to be told of: (milestone id, level).
Owed = tuple[str, str]


@dataclass(frozen=True)
class Item:
    """A line of a digest: an item with what the reader needs to find it."""

    case_number: int
    names: tuple[str | None, str | None, str | None, str | None]
    kind: str
    due_at: datetime
    level: str
    officer: str | None
    time_zone: str


@dataclass
class Digest:
    """One user's message: every item not yet told to them (``owed``, soonest first), of
    which the first ``DIGEST_LINES`` of each level are written out (``items``)."""

    user_id: str
    user_name: str
    owed: list[Owed]
    channels: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    hearings: list[HearingItem] = field(default_factory=list)

    @property
    def breached(self) -> int:
        return sum(1 for _, level in self.owed if level == BREACHED)


@dataclass
class ScanReport:
    """What a scan wrote (or, in a dry run, would write)."""

    digests: list[Digest] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # told within the digest period
    unreachable: list[str] = field(default_factory=list)  # no e-mail, no phone

    @property
    def messages(self) -> int:
        return sum(len(d.channels) for d in self.digests)


# A digest writes out this many items of each level; the rest are counted ("and 40 more"):
# a message of a thousand lines helps nobody, "My work" lists them all.
DIGEST_LINES = 50


def _not_told(user_id: Any, level: Any) -> ColumnElement[bool]:
    return ~exists().where(
        Reminder.milestone_id == Milestone.id, Reminder.user_id == user_id, Reminder.level == level
    )


def _owed_query(now: datetime, lead_hours: float) -> Select[Any]:
    """(milestone_id, due_at, user_id, level) of each item not yet told to a user at its
    level: the assigned officer's items due within the lead time; the post's supervisors'
    breached ones."""
    horizon = now + timedelta(hours=lead_hours)
    level = case((Milestone.breach_at <= now, BREACHED), else_=DUE)
    held = (
        select(Milestone.id.label("milestone_id"), Milestone.due_at)
        .join(Case, Case.id == Milestone.case_id)
        .join(Incident, Incident.id == Case.incident_id)
        .where(Milestone.due_at <= horizon, _running())
    )
    officers = held.add_columns(Case.assigned_to_id.label("user_id"), level.label("level")).where(
        Case.assigned_to_id.is_not(None), _not_told(Case.assigned_to_id, level)
    )
    supervisor = and_(
        User.post_id == Incident.post_id,
        User.role == Role.SUPERVISOR.value,
        User.active.is_(True),
    )
    supervisors = (
        held.join(User, supervisor)
        .add_columns(User.id.label("user_id"), literal(BREACHED).label("level"))
        .where(
            Milestone.breach_at <= now,
            or_(Case.assigned_to_id.is_(None), Case.assigned_to_id != User.id),
            _not_told(User.id, BREACHED),
        )
    )
    owed = union_all(officers, supervisors).subquery("owed")
    return select(owed.c.milestone_id, owed.c.due_at, owed.c.user_id, owed.c.level)


def _owed(db: Session, query: Select[Any]) -> dict[str, list[Owed]]:
    """Each user's items not yet told to them, soonest first."""
    owed: dict[str, list[Owed]] = defaultdict(list)
    due_at = query.selected_columns.due_at
    plain = query.with_only_columns(
        query.selected_columns.milestone_id,
        query.selected_columns.user_id,
        query.selected_columns.level,
    ).order_by(due_at, query.selected_columns.milestone_id)
    for milestone_id, user_id, level in db.execute(plain):
        owed[user_id].append((milestone_id, level))
    return owed


def _remember(db: Session, query: Select[Any], user_ids: list[str], now: datetime) -> None:
    """Remember, in the database itself, every item told to these users now: a first scan
    of a big incident remembers tens of thousands."""
    columns = query.selected_columns
    chosen = query.with_only_columns(
        columns.milestone_id,
        columns.user_id,
        columns.level,
        bindparam("now", now, type_=Reminder.reminded_at.type),
    ).where(columns.user_id.in_(user_ids))
    db.execute(
        insert(Reminder).from_select(["milestone_id", "user_id", "level", "reminded_at"], chosen)
    )


def _lines(db: Session, digests: list[Digest]) -> None:
    """Fill in the lines each digest writes out, in one query."""
    shown = {
        digest.user_id: [
            owed
            for level in (BREACHED, DUE)
            for owed in [o for o in digest.owed if o[1] == level][:DIGEST_LINES]
        ]
        for digest in digests
    }
    wanted = sorted({milestone_id for chosen in shown.values() for milestone_id, _ in chosen})
    if not wanted:
        return
    officer = aliased(User)
    query = (
        select(
            Milestone.id,
            Milestone.kind,
            Milestone.due_at,
            Case.number,
            officer.name,
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
        .outerjoin(officer, officer.id == Case.assigned_to_id)
        .where(Milestone.id.in_(wanted))
    )
    found = {row.id: row for row in db.execute(query)}
    for digest in digests:
        for milestone_id, level in shown[digest.user_id]:
            row = found[milestone_id]
            digest.items.append(
                Item(
                    case_number=row.number,
                    names=(
                        row.family_name_hangul,
                        row.given_name_hangul,
                        row.family_name,
                        row.given_name,
                    ),
                    kind=row.kind,
                    due_at=row.due_at,
                    level=level,
                    officer=row.name,
                    time_zone=row.time_zone,
                )
            )


def _recently_told(db: Session, since: datetime) -> set[str]:
    """The users sent a reminder or an escalation since then."""
    query = select(Notification.user_id).where(
        Notification.user_id.is_not(None),
        Notification.event.in_((REMINDER_EVENT, ESCALATION_EVENT)),
        Notification.created_at > since,
    )
    return {user_id for user_id in db.scalars(query.distinct()) if user_id}


def scan(
    db: Session,
    settings: Settings,
    *,
    actor: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ScanReport:
    """Write into the outbox one digest per user owed one; remember what each was told.

    A user told of anything within the digest period waits for the next scan after it;
    a user with neither e-mail nor phone sees only the count in the workspace.
    """
    now = now or utcnow()
    query = _owed_query(now, settings.reminder_lead_hours)
    owed = _owed(db, query)
    hearings = hearings_owed(db, now, settings.hearing_lead_hours)
    told = list(owed) + [user_id for user_id in hearings if user_id not in owed]
    recent = _recently_told(db, now - timedelta(minutes=settings.reminder_digest_minutes))
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(told)))}
    report = ScanReport()
    for user_id in told:
        user = users[user_id]
        if not user.active:
            continue
        if user_id in recent:
            report.held_back.append(user.name)
            continue
        digest = Digest(user.id, user.name, owed.get(user_id, []), _channels(user, settings))
        digest.hearings = hearings.get(user_id, [])
        if digest.channels:
            report.digests.append(digest)
        else:
            report.unreachable.append(user.name)
    _lines(db, report.digests)
    if not dry_run and report.digests:
        for digest in report.digests:
            _write(db, users[digest.user_id], digest, actor, now)
            remember_hearings(db, digest.user_id, digest.hearings, now)
        _remember(db, query, [d.user_id for d in report.digests], now)
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
    audit.record(
        db,
        actor=actor,
        tag=AuditTag.REMINDER_SEND,
        target_type="user",
        target_id=user.id,
        diff={
            "user": user.name,
            "items": len(digest.owed),
            "breached": digest.breached,
            "channels": digest.channels,
            **({"hearings": len(digest.hearings)} if digest.hearings else {}),
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
    count = len(digest.owed)
    if count:
        subject = gettext(SUBJECT_ESCALATION if digest.breached else SUBJECT_REMINDER) % {
            "count": count
        }
        sms = gettext(SMS) % {"count": count, "breached": digest.breached}
    else:
        subject = gettext(SUBJECT_HEARINGS) % {"count": len(digest.hearings)}
        sms = gettext(SMS_HEARINGS) % {"count": len(digest.hearings)}
    lines = [gettext(INTRO)] if count else []
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
        more = sum(1 for _, at_level in digest.owed if at_level == level) - len(chosen)
        if more:
            lines.append(gettext(MORE) % {"count": more})
    lines += _hearing_lines(digest.hearings, gettext, language)
    lines += ["", gettext(FOOTER)]
    body = "\n".join(lines).lstrip("\n")
    return with_particles(subject), with_particles(body), with_particles(sms)


def _hearing_lines(hearings: list[HearingItem], gettext: Any, language: str) -> list[str]:
    if not hearings:
        return []
    line = gettext(HEARING_LINE)
    return ["", gettext(HEARINGS_HEADING)] + [
        "- "
        + line
        % {
            "number": item.case_number,
            "name": person_name(*item.names, language=language),
            "kind": gettext(HEARING_KINDS.get(item.kind, item.kind)),
            "when": _when(item.starts_at, item.time_zone),
            "place": item.place,
        }
        for item in hearings
    ]
