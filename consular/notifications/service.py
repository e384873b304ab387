"""What officers and supervisors see of the outbox: a case's messages, the failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.models import User
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.config import Settings
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_
from consular.notifications.models import Notification
from consular.registry.models import EmergencyContact


def of_case(db: Session, case_id: str) -> Sequence[Notification]:
    """A case's messages, newest first (the caller has checked the case may be read)."""
    return db.scalars(
        select(Notification)
        .where(Notification.case_id == case_id)
        .order_by(Notification.created_at.desc(), Notification.channel)
    ).all()


def failures(db: Session, actor: Actor) -> Sequence[tuple[Notification, Case]]:
    """Messages given up on, and those failing and waiting to be tried again, of the cases
    the actor may read; for supervisors."""
    actor.require(Permission.NOTIFICATION_FAILURES, "page", "failures")
    visible = readable_cases(actor).with_only_columns(Case.id)
    rows = db.execute(
        select(Notification, Case)
        .join(Case, Case.id == Notification.case_id)
        .where(
            Notification.case_id.in_(visible),
            or_(
                Notification.state == "dead",
                and_(Notification.state == "pending", Notification.attempts > 0),
            ),
        )
        .order_by(Notification.state, Notification.created_at.desc())
    ).all()
    return [(notification, case) for notification, case in rows]


def _current_recipient(db: Session, notification: Notification) -> str:
    """The address or number as the contact (or the officer) has it now (the one that
    failed may have been corrected since); empty when they are gone or have none for the
    channel."""
    person: EmergencyContact | User | None = None
    if notification.user_id:
        person = db.get(User, notification.user_id)
    elif notification.contact_id:
        person = db.get(EmergencyContact, notification.contact_id)
    if person is None:
        return ""
    return (person.email if notification.channel == "email" else person.phone).strip()


def _officers_seen(actor: Actor) -> ColumnElement[bool]:
    """Whose reminders a supervisor sees: their post's users'; every user's for headquarters."""
    if actor.post_id is None:
        return Notification.user_id.is_not(None)
    own = select(User.id).where(User.post_id == actor.post_id)
    return Notification.user_id.in_(own)


def _visible(actor: Actor) -> ColumnElement[bool]:
    """The messages a supervisor sees: to the families of the cases they may read, and to
    the officers of their post."""
    cases = Notification.case_id.in_(readable_cases(actor).with_only_columns(Case.id))
    return or_(cases, _officers_seen(actor))


def _readable(db: Session, actor: Actor, notification_id: str) -> Notification:
    """A message the supervisor may see, or NotFound."""
    actor.require(Permission.NOTIFICATION_FAILURES, "message", notification_id)
    seen = db.scalar(
        select(Notification).where(Notification.id == notification_id, _visible(actor))
    )
    if seen is None:
        raise NotFound("message", notification_id)
    return seen


def send_again(db: Session, actor: Actor, notification_id: str) -> Notification:
    """A supervisor sends a given-up or failing message again now, to the contact's
    address or number as it is now (after correcting it, say)."""
    notification = _readable(db, actor, notification_id)
    if notification.state not in ("dead", "pending") or (
        notification.state == "pending" and notification.attempts == 0
    ):
        raise Conflict(
            "notification.not_given_up",
            N_("This message has not failed: it cannot be sent again now."),
            details={"state": notification.state},
        )
    current = _current_recipient(db, notification)
    recipient_changed = bool(current) and current != notification.recipient
    if recipient_changed:
        notification.recipient = current
    notification.state = "pending"
    notification.attempts = 0
    notification.next_attempt_at = utcnow()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.MESSAGE_RETRY,
        target_type="notification",
        target_id=notification.id,
        case_id=notification.case_id,
        diff={
            "channel": notification.channel,
            "last_error": notification.last_error,
            "recipient_changed": recipient_changed,
        },
    )
    return notification


# The groups of the outbox, in the order the page shows them.
GROUPS = ("no_channel", "worker", "failing", "dead", "cancelled", "sent")
GROUP_SIZE = 50


def configured_channels(settings: Settings) -> dict[str, bool]:
    """Whether each channel has what it needs to send (the worker's settings)."""
    return {"email": bool(settings.smtp_host), "sms": bool(settings.sms_webhook_url)}


def _group(name: str, settings: Settings) -> ColumnElement[bool]:
    configured = [c for c, ok in configured_channels(settings).items() if ok]
    missing = [c for c, ok in configured_channels(settings).items() if not ok]
    waiting = Notification.state.in_(("pending", "sending"))
    ready = Notification.channel.in_(configured) if configured else false()
    conditions: dict[str, ColumnElement[bool]] = {
        "no_channel": and_(waiting, Notification.channel.in_(missing)) if missing else false(),
        "worker": and_(waiting, ready, Notification.attempts == 0),
        "failing": and_(waiting, ready, Notification.attempts > 0),
        "dead": Notification.state == "dead",
        "cancelled": Notification.state == CANCELLED,
        "sent": Notification.state == "sent",
    }
    return conditions[name]


@dataclass
class OutboxState:
    """How many messages wait and why, fail, were given up, cancelled or sent; the newest
    of each group; and how many wait for each channel that is not configured. Messages to
    families (``counts``, ``rows``) and to officers (``officer_counts``, ``officer_rows``)."""

    counts: dict[str, int]
    unconfigured: dict[str, int]
    rows: dict[str, list[tuple[Notification, Case]]] = field(default_factory=dict)
    officer_counts: dict[str, int] = field(default_factory=dict)
    officer_rows: dict[str, list[tuple[Notification, User]]] = field(default_factory=dict)


def _newest(query: Any, page: int) -> Any:
    return (
        query.order_by(Notification.created_at.desc(), Notification.id)
        .offset((max(page, 1) - 1) * GROUP_SIZE)
        .limit(GROUP_SIZE)
    )


def outbox_state(db: Session, actor: Actor, settings: Settings, page: int = 1) -> OutboxState:
    """The outbox of the cases the actor may read, and of their post's officers, as it is;
    for supervisors."""
    actor.require(Permission.NOTIFICATION_FAILURES, "page", "messages")
    families = Notification.case_id.in_(readable_cases(actor).with_only_columns(Case.id))
    officers = _officers_seen(actor)
    state = OutboxState(counts={}, unconfigured={})
    for name in GROUPS:
        group = _group(name, settings)
        state.counts[name] = _count(db, families, group)
        state.officer_counts[name] = _count(db, officers, group)
        found = db.execute(
            _newest(
                select(Notification, Case)
                .join(Case, Case.id == Notification.case_id)
                .where(families, group),
                page,
            )
        ).all()
        state.rows[name] = [(notification, case) for notification, case in found]
        to_officers = db.execute(
            _newest(
                select(Notification, User)
                .join(User, User.id == Notification.user_id)
                .where(officers, group),
                page,
            )
        ).all()
        state.officer_rows[name] = [(notification, user) for notification, user in to_officers]
    waiting = Notification.state.in_(("pending", "sending"))
    for channel, ok in configured_channels(settings).items():
        count = 0 if ok else _count(db, or_(families, officers), waiting, channel=channel)
        if count:
            state.unconfigured[channel] = count
    return state


def _count(db: Session, *where: ColumnElement[bool], channel: str | None = None) -> int:
    if channel is not None:
        where = (*where, Notification.channel == channel)
    return db.scalar(select(func.count(Notification.id)).where(*where)) or 0


# A message a supervisor cancelled: the worker takes only pending ones, so never sends it.
CANCELLED = "canceled"


def cancel(db: Session, actor: Actor, notification_id: str, reason: str) -> Notification:
    """A supervisor cancels a message that waits, fails or was given up, with a reason."""
    notification = _readable(db, actor, notification_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("notification.cancel_reason", N_("Say why the message is cancelled."))
    previous = notification.state
    # Conditional, so that a worker claiming the message at this moment wins or loses whole.
    changed: Any = db.execute(
        update(Notification)
        .where(Notification.id == notification.id, Notification.state.in_(("pending", "dead")))
        .values(state=CANCELLED),
        execution_options={"synchronize_session": False},
    )
    if changed.rowcount != 1:
        raise Conflict(
            "notification.not_cancellable",
            N_("This message is being sent or is already done: it cannot be cancelled."),
            details={"state": previous},
        )
    db.refresh(notification)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.MESSAGE_CANCEL,
        target_type="notification",
        target_id=notification.id,
        case_id=notification.case_id,
        diff={"channel": notification.channel, "state": previous, "reason": reason[:500]},
    )
    return notification
