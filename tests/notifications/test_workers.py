"""Several workers on one outbox, a slow relay, a malformed message: every message is
delivered once, recorded by the worker that holds it, and no message stops the others."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.config import Settings
from consular.db import WRITE_OPTION, make_engine, make_session_factory, unit_of_work, utcnow
from consular.notifications import worker
from consular.notifications.channels import message_id
from consular.notifications.models import Notification
from consular.notifications.service import send_again
from consular.notifications.worker import Batch, run_once
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.factories import user_with_token
from tests.notifications.conftest import (
    Mailbox,
    SlowRelay,
    case_with_contacts,
    due_messages,
    serving,
)


def _settings(db_url: str, port: int, **values: object) -> Settings:
    return Settings(  # type: ignore[arg-type]
        database_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="atlanta@consulate.example",
        **values,
    )


def _emails(factory: sessionmaker[Session], case_id: str, count: int, **values: str) -> list[str]:
    return due_messages(factory, case_id, count, channel="email", **values)


def _outstanding(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        query = select(func.count()).where(Notification.state.in_(("pending", "sending")))
        return int(db.scalar(query) or 0)


def _by_id(factory: sessionmaker[Session]) -> dict[str, Notification]:
    with factory() as db:
        return {n.id: n for n in db.scalars(select(Notification))}


def _work_until_done(factory: sessionmaker[Session], settings: Settings, until: float) -> None:
    """What `consular worker` does, stopping once nothing is owed any more."""
    while time.monotonic() < until:
        if run_once(factory, settings).taken == 0:
            if not _outstanding(factory):
                return
            time.sleep(0.1)


def test_four_workers_and_a_slow_relay_deliver_every_message_exactly_once(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    relay = SlowRelay(delay_s=0.25)  # 40 messages take 10 s one after another
    ids = _emails(factory, case_with_contacts(factory, world), 40)
    with serving(relay) as port:
        settings = _settings(db_url, port, notify_lease_seconds=5, notify_timeout_seconds=2)
        until = time.monotonic() + 60
        workers = [
            threading.Thread(target=_work_until_done, args=(factory, settings, until))
            for _ in range(4)
        ]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(70)
    assert not any(thread.is_alive() for thread in workers), "a worker is stuck"
    delivered = Counter(m["Message-ID"] for m in relay.messages)
    rows = _by_id(factory)
    assert sum(delivered.values()) == len(ids)  # no message twice
    assert delivered == Counter({message_id(rows[key]): 1 for key in ids})
    assert {rows[key].state for key in ids} == {"sent"}
    assert {rows[key].attempts for key in ids} == {1}


def test_a_message_with_a_line_break_fails_alone_and_the_others_are_delivered(
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    smtp_server: tuple[int, Mailbox],
) -> None:
    port, mailbox = smtp_server
    case_id = case_with_contacts(factory, world)
    # First in line: a recipient that would add a header, then a subject that would.
    [bad_recipient] = _emails(
        factory, case_id, 1, recipient="family@example.org\r\nBcc: other@example.net"
    )
    [bad_subject] = _emails(
        factory, case_id, 1, recipient="hana@example.org", subject="news of LEE\r\nBcc: x@y.z"
    )
    good = _emails(factory, case_id, 3)
    settings = _settings(db_url, port)
    batch = run_once(factory, settings)
    assert (batch.sent, batch.dead) == (4, 1)
    rows = _by_id(factory)
    assert rows[bad_recipient].state == "dead" and rows[bad_recipient].attempts == 1
    assert "line break" in rows[bad_recipient].last_error
    assert all(rows[key].state == "sent" for key in [bad_subject, *good])
    # The subject's line break became a space: one header, no one else received it.
    folded = next(m for m in mailbox.messages if m["To"] == "hana@example.org")
    assert folded["Subject"] == "news of LEE Bcc: x@y.z" and folded["Bcc"] is None
    received = sorted(m["To"] for m in mailbox.messages)
    assert received == [f"family00{index}@example.org" for index in range(3)] + ["hana@example.org"]
    assert run_once(factory, settings).taken == 0  # nothing is stuck in sending


def test_any_error_in_sending_one_message_is_counted_backed_off_and_given_up(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    def broken(settings: Settings, notification: Notification) -> None:
        raise RuntimeError("the channel broke")

    [key] = _emails(factory, case_with_contacts(factory, world), 1)
    settings = Settings(  # type: ignore[call-arg]
        database_url=db_url, notify_max_attempts=2, notify_backoff_seconds=30
    )
    before = utcnow()
    assert run_once(factory, settings, senders={"email": broken}).failed == 1
    row = _by_id(factory)[key]
    assert row.state == "pending" and row.attempts == 1
    assert row.last_error == "RuntimeError: the channel broke"
    assert 29 < (row.next_attempt_at - before).total_seconds() < 32
    with unit_of_work(factory) as db:  # the time passes
        db.get_one(Notification, key).next_attempt_at = utcnow()
    assert run_once(factory, settings, senders={"email": broken}).dead == 1
    assert _by_id(factory)[key].state == "dead"


def _lease_until(factory: sessionmaker[Session], key: str) -> datetime | None:
    with factory() as db:
        return db.get_one(Notification, key).lease_until


def test_a_worker_whose_lease_ran_out_does_not_record_over_the_worker_that_took_over(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    # The relay answers each step of the first session within the 2.5 s timeout but past
    # the 5 s lease in all, and refuses it once the second worker has begun; it accepts
    # the second worker's message after that.
    relay = SlowRelay(stages_s=2.0, hold_s=2.4)
    [key] = _emails(factory, case_with_contacts(factory, world), 1)
    with serving(relay) as port:
        settings = _settings(db_url, port, notify_lease_seconds=5, notify_timeout_seconds=2.5)
        first: list[Batch] = []
        slow = threading.Thread(target=lambda: first.append(run_once(factory, settings)))
        slow.start()
        deadline = time.monotonic() + 20
        while (lease := _lease_until(factory, key)) is None or lease > utcnow():
            assert time.monotonic() < deadline, "the first worker never took the message"
            time.sleep(0.1)
        second = run_once(factory, settings)  # takes the message over and delivers it
        slow.join(30)
    row = _by_id(factory)[key]
    assert row.state == "sent" and row.last_error == "" and row.attempts == 2
    assert [m["Message-ID"] for m in relay.messages] == [message_id(row)]
    assert second.sent == 1
    assert first[0].lost == 1 and first[0].failed == 0


def test_the_lease_must_outlast_two_timeouts(db_url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(  # type: ignore[call-arg]
            database_url=db_url, notify_lease_seconds=15, notify_timeout_seconds=10
        )
    assert "CONSULAR_NOTIFY_LEASE_SECONDS" in str(refused.value)
    assert "CONSULAR_NOTIFY_TIMEOUT_SECONDS" in str(refused.value)


def test_a_message_whose_worker_stopped_on_its_last_attempt_is_given_up_not_taken_again(
    factory: sessionmaker[Session], world: World, db_url: str, smtp_server: tuple[int, Mailbox]
) -> None:
    port, mailbox = smtp_server
    crashed, waiting = _emails(factory, case_with_contacts(factory, world), 2)
    with unit_of_work(factory) as db:  # its worker died while sending it, a third time
        row = db.get_one(Notification, crashed)
        row.state, row.attempts = "sending", 3
        row.lease_until = utcnow() - timedelta(seconds=1)
    batch = run_once(factory, _settings(db_url, port, notify_max_attempts=3))
    assert batch.sent == 1 and batch.taken == 1
    rows = _by_id(factory)
    assert rows[crashed].state == "dead" and "stopped" in rows[crashed].last_error
    assert rows[waiting].state == "sent"
    assert [m["To"] for m in mailbox.messages] == [rows[waiting].recipient]


def test_a_message_given_up_for_its_address_goes_to_the_corrected_address_when_sent_again(
    factory: sessionmaker[Session], world: World, db_url: str, smtp_server: tuple[int, Mailbox]
) -> None:
    port, mailbox = smtp_server
    case_id = case_with_contacts(factory, world)
    with factory() as db:
        wife = db.scalars(select(EmergencyContact).filter_by(name="김미영")).one()
    [key] = _emails(
        factory, case_id, 1, contact_id=wife.id, recipient="miyoung@example.org\nBcc: x@y.z"
    )
    settings = _settings(db_url, port)
    assert run_once(factory, settings).dead == 1
    supervisor, _ = user_with_token(factory, "supervisor.choi", "supervisor")
    with unit_of_work(factory) as db:  # the registry's contact was right all along
        send_again(db, supervisor, key)
    assert run_once(factory, settings).sent == 1
    assert [m["To"] for m in mailbox.messages] == ["miyoung@example.org"]


def _hold_the_outbox(connection: Connection) -> None:
    """Keep every other unit of work off the outbox until the transaction ends."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(**{WRITE_OPTION: True}).begin()  # BEGIN IMMEDIATE
    else:
        connection.begin()
        connection.exec_driver_sql("LOCK TABLE notification IN ACCESS EXCLUSIVE MODE")


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_worker_waits_out_a_database_it_cannot_use_then_sends(
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    smtp_server: tuple[int, Mailbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "OUTAGE_FIRST_WAIT_S", 0.1)
    port, mailbox = smtp_server
    [key] = _emails(factory, case_with_contacts(factory, world), 1)
    # The worker gives up on a lock after 0.1 s, as it would on a database gone away.
    if db_url.startswith("sqlite"):
        worker_engine = make_engine(db_url, busy_timeout_ms=100)
    else:
        worker_engine = make_engine(db_url, connect_args={"options": "-c lock_timeout=100"})
    blocker = make_engine(db_url)
    outages: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run_forever,
        args=(make_session_factory(worker_engine), _settings(db_url, port)),
        kwargs={"idle_seconds": 0.05, "on_outage": lambda _e, w: outages.append(w), "stop": stop},
    )
    try:
        with blocker.connect() as held:
            _hold_the_outbox(held)
            thread.start()
            assert _wait_for(lambda: len(outages) >= 3, 20), "the worker never met the outage"
            assert thread.is_alive(), "the worker stopped at the outage"
            held.rollback()
        assert _wait_for(lambda: _by_id(factory)[key].state == "sent", 20)
    finally:
        stop.set()
        thread.join(10)
        worker_engine.dispose()
        blocker.dispose()
    assert not thread.is_alive()
    assert outages[:3] == [0.1, 0.2, 0.4]  # it tries again sooner than it would give up
    assert [m["To"] for m in mailbox.messages] == ["family000@example.org"]
