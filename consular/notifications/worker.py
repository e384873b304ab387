"""The worker: takes due messages from the outbox, sends them, records what happened.

Each message is taken in a short transaction (on PostgreSQL with ``FOR UPDATE SKIP
LOCKED``, so several workers share the outbox without taking the same message; SQLite runs
one writer at a time), sent outside any transaction, and its outcome recorded in another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.notifications.channels import SENDERS, NotConfigured, SendError
from consular.notifications.models import Notification

Sender = Callable[[Settings, Notification], None]


@dataclass
class Batch:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    waiting: int = 0  # channel not configured
    errors: list[str] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return self.sent + self.failed + self.dead + self.waiting


def claim(db: Session, settings: Settings, limit: int) -> list[Notification]:
    """Due messages, and those a dead worker left, marked as this worker's for a lease."""
    now = utcnow()
    query = (
        select(Notification)
        .where(
            or_(
                and_(Notification.state == "pending", Notification.next_attempt_at <= now),
                and_(Notification.state == "sending", Notification.lease_until < now),
            )
        )
        .order_by(Notification.next_attempt_at, Notification.created_at)
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken = list(db.scalars(query))
    for notification in taken:
        notification.state = "sending"
        notification.lease_until = now + timedelta(seconds=settings.notify_lease_seconds)
        notification.attempts += 1
    return taken


def _record(
    factory: sessionmaker[Session],
    settings: Settings,
    notification_id: str,
    error: SendError | None,
    batch: Batch,
) -> None:
    with unit_of_work(factory) as db:
        notification = db.get(Notification, notification_id)
        if notification is None or notification.state != "sending":
            return
        now = utcnow()
        notification.lease_until = None
        if error is None:
            notification.state = "sent"
            notification.sent_at = now
            notification.last_error = ""
            batch.sent += 1
            return
        notification.last_error = str(error)[:2000]
        batch.errors.append(f"{notification.channel} {notification.id}: {error}")
        if isinstance(error, NotConfigured):
            # Nothing was tried: the attempt is given back, and the message waits.
            notification.attempts -= 1
            notification.state = "pending"
            notification.next_attempt_at = now + timedelta(seconds=settings.notify_lease_seconds)
            batch.waiting += 1
        elif notification.attempts >= settings.notify_max_attempts:
            notification.state = "dead"
            batch.dead += 1
        else:
            delay = settings.notify_backoff_seconds * 2 ** (notification.attempts - 1)
            notification.state = "pending"
            notification.next_attempt_at = now + timedelta(seconds=delay)
            batch.failed += 1


def run_once(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = 50,
    senders: dict[str, Sender] | None = None,
) -> Batch:
    """Take up to ``limit`` due messages and send them, one after another."""
    chosen = senders or SENDERS
    with unit_of_work(factory) as db:
        taken = claim(db, settings, limit)
        db.flush()
        db.expunge_all()
    batch = Batch()
    for notification in taken:
        error: SendError | None = None
        try:
            chosen[notification.channel](settings, notification)
        except SendError as exc:
            error = exc
        _record(factory, settings, notification.id, error, batch)
    return batch


def run_forever(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = 50,
    idle_seconds: float = 2.0,
    report: Callable[[Batch], None] | None = None,
) -> None:
    """Send until stopped; sleep a little whenever nothing is due."""
    while True:
        batch = run_once(factory, settings, limit=limit)
        if report is not None and batch.taken:
            report(batch)
        if batch.taken == 0:
            time.sleep(idle_seconds)
