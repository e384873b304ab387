"""The worker: takes due messages from the outbox, sends them, records what happened.

Each message is claimed on its own, just before it is sent, in a short transaction: a
conditional UPDATE gives it a random claim token and a lease (on PostgreSQL the candidate
is picked with ``FOR UPDATE SKIP LOCKED``, so several workers do not queue on one row; on
SQLite the transaction holds the write lock). It is sent outside any transaction, and its
outcome is written only ``WHERE claim_token`` is still this claim's: a worker whose lease
ran out and whose message another worker took over cannot overwrite that worker's outcome.
Any error in writing or sending one message is that message's failure; the worker goes on.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Update, and_, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.notifications import reminders
from consular.notifications.channels import SENDERS, NotConfigured, SendError, Undeliverable
from consular.notifications.models import Notification

Sender = Callable[[Settings, Notification], None]

logger = logging.getLogger(__name__)

# A claim skips at most this many messages given up on the way (see _give_up_abandoned).
_CLAIM_TRIES = 20


@dataclass
class Batch:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    waiting: int = 0  # channel not configured
    lost: int = 0  # lease ran out and another worker took the message over: not recorded
    errors: list[str] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return self.sent + self.failed + self.dead + self.waiting + self.lost


@dataclass(frozen=True)
class Claim:
    """A message taken by this worker (a detached copy) and the token that proves it."""

    notification: Notification
    token: str


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Notification.state == "pending", Notification.next_attempt_at <= now),
        and_(Notification.state == "sending", Notification.lease_until < now),
    )


def _changed(db: Session, statement: Update) -> bool:
    result: Any = db.execute(statement, execution_options={"synchronize_session": False})
    return bool(result.rowcount == 1)


def _give_up_abandoned(db: Session, notification_id: str, now: datetime) -> None:
    """A message whose worker stopped (killed, crashed) on its last attempt is given up,
    not taken again: a message that brings its worker down must not do so forever."""
    _changed(
        db,
        update(Notification)
        .where(Notification.id == notification_id, _due(now))
        .values(
            state="dead",
            claim_token=None,
            lease_until=None,
            last_error="no outcome was recorded: the worker sending it stopped on each attempt",
        ),
    )


def claim_next(db: Session, settings: Settings) -> Claim | None:
    """The next due message (or one a stopped worker left), taken for one lease."""
    now = utcnow()
    for _ in range(_CLAIM_TRIES):
        query = (
            select(Notification.id, Notification.state, Notification.attempts)
            .where(_due(now))
            .order_by(Notification.next_attempt_at, Notification.created_at)
            .limit(1)
        )
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        candidate = db.execute(query).first()
        if candidate is None:
            return None
        if candidate.state == "sending" and candidate.attempts >= settings.notify_max_attempts:
            _give_up_abandoned(db, candidate.id, now)
            continue
        token = secrets.token_hex(16)
        taken = update(Notification).where(Notification.id == candidate.id, _due(now))
        lease_until = now + timedelta(seconds=settings.notify_lease_seconds)
        values = {"attempts": Notification.attempts + 1}
        if _changed(
            db, taken.values(state="sending", claim_token=token, lease_until=lease_until, **values)
        ):
            notification = db.get_one(Notification, candidate.id, populate_existing=True)
            db.expunge(notification)
            return Claim(notification, token)
    return None


def _outcome(
    settings: Settings, notification: Notification, error: Exception | None
) -> tuple[str, dict[str, Any]]:
    """What the attempt comes to (a ``Batch`` field) and the columns that record it."""
    now = utcnow()
    if error is None:
        return "sent", {"state": "sent", "sent_at": now, "last_error": ""}
    text = str(error) if isinstance(error, SendError) else f"{type(error).__name__}: {error}"
    values: dict[str, Any] = {"last_error": text[:2000]}
    if isinstance(error, NotConfigured):
        # Nothing was tried: the attempt is given back, and the message waits.
        wait = now + timedelta(seconds=settings.notify_lease_seconds)
        return "waiting", values | {
            "state": "pending",
            "attempts": notification.attempts - 1,
            "next_attempt_at": wait,
        }
    if isinstance(error, Undeliverable) or notification.attempts >= settings.notify_max_attempts:
        return "dead", values | {"state": "dead"}
    delay = settings.notify_backoff_seconds * 2 ** (notification.attempts - 1)
    return "failed", values | {
        "state": "pending",
        "next_attempt_at": now + timedelta(seconds=delay),
    }


def record(
    factory: sessionmaker[Session],
    settings: Settings,
    claim: Claim,
    error: Exception | None,
    batch: Batch,
) -> None:
    """Write the attempt's outcome, only while the message is still this claim's."""
    notification = claim.notification
    outcome, values = _outcome(settings, notification, error)
    with unit_of_work(factory) as db:
        held = _changed(
            db,
            update(Notification)
            .where(
                Notification.id == notification.id,
                Notification.state == "sending",
                Notification.claim_token == claim.token,
            )
            .values(claim_token=None, lease_until=None, **values),
        )
    if not held:
        batch.lost += 1
        logger.warning(
            "%s %s: the lease ran out and another worker took the message over; "
            "this attempt (%s) is not recorded",
            notification.channel,
            notification.id,
            outcome,
        )
        return
    setattr(batch, outcome, getattr(batch, outcome) + 1)
    if error is not None:
        batch.errors.append(f"{notification.channel} {notification.id}: {values['last_error']}")


def _send(
    settings: Settings, senders: Mapping[str, Sender], notification: Notification
) -> Exception | None:
    sender = senders.get(notification.channel)
    try:
        if sender is None:
            raise Undeliverable(f"no channel {notification.channel!r} to send this message by")
        sender(settings, notification)
    except SendError as exc:
        return exc
    except Exception as exc:  # an error of this message only: it must not stop the others
        logger.exception("%s %s: sending failed", notification.channel, notification.id)
        return exc
    return None


def run_once(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = 50,
    senders: dict[str, Sender] | None = None,
) -> Batch:
    """Take up to ``limit`` due messages and send them, one after another, each claimed
    just before it is sent."""
    chosen: Mapping[str, Sender] = senders or SENDERS
    batch = Batch()
    while batch.taken < limit:
        with unit_of_work(factory) as db:
            claim = claim_next(db, settings)
        if claim is None:
            break
        error = _send(settings, chosen, claim.notification)
        record(factory, settings, claim, error, batch)
    return batch


def scan_reminders(
    factory: sessionmaker[Session], settings: Settings
) -> reminders.ScanReport | None:
    """Write the officers' reminders now due into the outbox, in one unit of work; None
    when another worker wrote the same ones at the same moment (the unique reminder)."""
    try:
        with unit_of_work(factory) as db:
            return reminders.scan(db, settings, actor="worker")
    except IntegrityError:
        logger.info("another worker scanned for reminders at the same moment")
        return None


# While the database cannot be used (restarted, busy, its network cut), the worker tries
# again after this long, doubling each time up to the longest.
OUTAGE_FIRST_WAIT_S = 1.0
OUTAGE_LONGEST_WAIT_S = 60.0


def run_forever(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = 50,
    idle_seconds: float = 2.0,
    report: Callable[[Batch], None] | None = None,
    on_outage: Callable[[DBAPIError, float], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Send until stopped; sleep a little whenever nothing is due; every
    ``reminder_scan_minutes``, write the officers' reminders now due first.

    A database that cannot be used does not stop the worker: it is reported to
    ``on_outage`` with the wait before the next try, and the worker tries again. A message
    sent but not recorded meanwhile stays claimed until its lease runs out, then is sent
    again under the same key, which the receiver recognises.
    """
    stop = stop or threading.Event()
    wait = OUTAGE_FIRST_WAIT_S
    next_scan = time.monotonic()
    while not stop.is_set():
        try:
            if time.monotonic() >= next_scan:
                scan_reminders(factory, settings)
                next_scan = time.monotonic() + settings.reminder_scan_minutes * 60
            batch = run_once(factory, settings, limit=limit)
        except DBAPIError as exc:
            if on_outage is not None:
                on_outage(exc, wait)
            else:
                logger.warning("database unavailable, trying again in %.0f s: %s", wait, exc.orig)
            stop.wait(wait)
            wait = min(wait * 2, OUTAGE_LONGEST_WAIT_S)
            continue
        wait = OUTAGE_FIRST_WAIT_S
        if report is not None and batch.taken:
            report(batch)
        if batch.taken == 0:
            stop.wait(idle_seconds)
