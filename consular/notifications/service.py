"""What officers and supervisors see of the outbox: a case's messages, the failures."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import readable_cases
from consular.db import utcnow
from consular.errors import Conflict, NotFound
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
    """The address or number as the contact has it now (the one that failed may have been
    corrected since); empty when the contact is gone or has none for the channel."""
    contact = db.get(EmergencyContact, notification.contact_id) if notification.contact_id else None
    if contact is None:
        return ""
    return (contact.email if notification.channel == "email" else contact.phone).strip()


def send_again(db: Session, actor: Actor, notification_id: str) -> Notification:
    """A supervisor sends a given-up message again, to the contact's address or number as
    it is now (after correcting it, say)."""
    actor.require(Permission.NOTIFICATION_FAILURES, "message", notification_id)
    notification = db.get(Notification, notification_id)
    visible = readable_cases(actor).with_only_columns(Case.id)
    if notification is None or db.scalar(visible.where(Case.id == notification.case_id)) is None:
        raise NotFound("message", notification_id)
    if notification.state != "dead":
        raise Conflict(
            "notification.not_given_up",
            N_("This message is not a given-up one: it cannot be sent again now."),
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
