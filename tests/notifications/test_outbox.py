"""Messages to families: written with the change, sent by the worker over real SMTP and a
real webhook, retried with backoff, given up on, and never lost or sent twice."""

from __future__ import annotations

import hmac
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.service import complete_milestone, transition
from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.errors import Conflict
from consular.notifications.channels import signature
from consular.notifications.models import Notification
from consular.notifications.worker import run_once
from tests.conftest import World
from tests.notifications.conftest import Mailbox, Provider, case_with_contacts, due_messages


def _settings(db_url: str, **values: object) -> Settings:
    return Settings(database_url=db_url, **values)  # type: ignore[arg-type]


def _notifications(factory: sessionmaker[Session]) -> list[Notification]:
    with factory() as db:
        return list(db.scalars(select(Notification).order_by(Notification.created_at)))


def test_a_change_that_matters_to_the_family_writes_its_messages_with_it(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    written = _notifications(factory)
    # Wife: e-mail and SMS in Korean; brother: e-mail in English; the cousin opted out.
    assert sorted((n.channel, n.recipient, n.language) for n in written) == [
        ("email", "miyoung@example.org", "ko"),
        ("email", "seongjin@example.org", "en"),
        ("sms", "+82-10-5550-0101", "ko"),
    ]
    wife = next(n for n in written if n.channel == "email" and n.language == "ko")
    assert "이성호 님의 소재가 확인되었습니다: Folkston ICE Processing Center에" in wife.body
    brother = next(n for n in written if n.language == "en")
    assert brother.subject == "Consulate General in Atlanta: news of LEE SEONGHO"
    assert all(n.state == "pending" for n in written)
    # A refused change writes nothing; a checklist item other than the visit neither.
    with pytest.raises(Conflict), unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "departed", version=2)
    with unit_of_work(factory) as db:
        complete_milestone(db, world.officer, case_id, "rights_advised")
    assert len(_notifications(factory)) == 3
    with unit_of_work(factory) as db:
        complete_milestone(db, world.officer, case_id, "consular_visit")
    visits = [n for n in _notifications(factory) if n.event == "consular_visit"]
    assert len(visits) == 3


def test_the_worker_sends_email_over_smtp_and_sms_through_the_signed_webhook(
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    smtp_server: tuple[int, Mailbox],
    provider: tuple[str, Provider],
) -> None:
    port, mailbox = smtp_server
    url, sms = provider
    settings = _settings(
        db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="atlanta@consulate.example",
        sms_webhook_url=url,
        sms_webhook_secret="s3cret",
    )
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    batch = run_once(factory, settings)
    assert (batch.sent, batch.failed, batch.dead) == (3, 0, 0)
    sent = _notifications(factory)
    assert all(n.state == "sent" and n.sent_at is not None for n in sent)
    assert sorted(m["To"] for m in mailbox.messages) == [
        "miyoung@example.org",
        "seongjin@example.org",
    ]
    korean = next(m for m in mailbox.messages if m["To"] == "miyoung@example.org")
    email_id = next(n.id for n in sent if n.recipient == "miyoung@example.org")
    assert korean["Message-ID"] == f"<{email_id}@consular>"
    assert "소재가 확인되었습니다" in korean.get_content()
    [request] = sms.requests
    body = request["body"]
    assert hmac.compare_digest(
        request["headers"]["x-consular-signature"], signature("s3cret", body)
    )
    payload = json.loads(body)
    assert payload["to"] == "+82-10-5550-0101" and "소재가 확인" in payload["text"]
    # Nothing is due any more: a second run sends nothing.
    assert run_once(factory, settings).taken == 0
    assert len(mailbox.messages) == 2 and len(sms.requests) == 1


def test_a_provider_failing_twice_is_tried_again_later_then_succeeds(
    factory: sessionmaker[Session], world: World, db_url: str, provider: tuple[str, Provider]
) -> None:
    url, sms = provider
    sms.fail_first = 2
    settings = _settings(db_url, sms_webhook_url=url, notify_backoff_seconds=30)
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    delays = []
    for _ in range(2):
        before = utcnow()
        batch = run_once(factory, settings)
        assert batch.failed == 1 and batch.waiting == 2  # no SMTP server configured
        sms_row = next(n for n in _notifications(factory) if n.channel == "sms")
        assert sms_row.state == "pending" and "503" in sms_row.last_error
        delays.append((sms_row.next_attempt_at - before).total_seconds())
        assert run_once(factory, settings).taken == 0  # not due yet
        with factory() as db, db.begin():  # the time passes
            db.execute(update(Notification).values(next_attempt_at=utcnow()))
    assert 29 < delays[0] < 32 and 59 < delays[1] < 62  # 30 s, then twice that
    assert run_once(factory, settings).sent == 1
    sms_row = next(n for n in _notifications(factory) if n.channel == "sms")
    assert sms_row.state == "sent" and sms_row.attempts == 3 and sms_row.last_error == ""
    assert len(sms.requests) == 3 and len(sms.delivered) == 1
    # The e-mails waited for a server without using up their attempts.
    emails = [n for n in _notifications(factory) if n.channel == "email"]
    assert all(n.state == "pending" and n.attempts == 0 for n in emails)


def test_a_message_that_keeps_failing_is_given_up_and_kept(
    factory: sessionmaker[Session], world: World, db_url: str, provider: tuple[str, Provider]
) -> None:
    url, sms = provider
    sms.always_fail = True
    settings = _settings(db_url, sms_webhook_url=url, notify_max_attempts=2)
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    assert run_once(factory, settings).failed == 1
    with factory() as db, db.begin():
        db.execute(update(Notification).values(next_attempt_at=utcnow()))
    assert run_once(factory, settings).dead == 1
    dead = next(n for n in _notifications(factory) if n.channel == "sms")
    assert dead.state == "dead" and dead.attempts == 2 and "503" in dead.last_error
    with factory() as db, db.begin():
        db.execute(update(Notification).values(next_attempt_at=utcnow()))
    run_once(factory, settings)
    assert len(sms.requests) == 2  # a dead message is not tried again


def test_a_worker_killed_mid_batch_loses_nothing_and_delivers_nothing_twice(
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    provider: tuple[str, Provider],
    tmp_path: Path,
) -> None:
    url, sms = provider
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        for state, version in (("located", 1), ("consular_access", 2)):
            transition(db, world.officer, case_id, state, version=version)
        complete_milestone(db, world.officer, case_id, "consular_visit")
    with factory() as db, db.begin():  # e-mails are not the subject here
        db.execute(update(Notification).where(Notification.channel == "email").values(state="sent"))
    due = [n.id for n in _notifications(factory) if n.channel == "sms"]
    assert len(due) == 2  # located, consular visit
    sms.delay_s = 3.0  # the provider holds the first request: the worker dies meanwhile
    env = {
        **os.environ,
        "CONSULAR_SMS_WEBHOOK_URL": url,
        "CONSULAR_SMS_WEBHOOK_SECRET": "s3cret",  # the worker refuses to start without one
        "CONSULAR_NOTIFY_LEASE_SECONDS": "5",
        "CONSULAR_NOTIFY_TIMEOUT_SECONDS": "2",
    }
    said = tmp_path / "worker.err"
    with said.open("w") as errors:
        worker = subprocess.Popen(
            [sys.executable, "-m", "consular.cli", "--db", db_url, "worker", "--batch", "10"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            # A loaded machine can take a while to start Python and import the application.
            arrived = sms.arrived.wait(90)
            worker.send_signal(signal.SIGKILL)
        finally:
            worker.wait(10)
    assert arrived, f"the worker sent nothing; it said: {said.read_text()}"
    sms.delay_s = 0.0
    # Both messages are still owed: the one in flight is left to be taken again after its
    # lease, the other was never taken (each message is taken just before it is sent).
    states = {n.id: n.state for n in _notifications(factory) if n.channel == "sms"}
    assert sorted(states.values()) == ["pending", "sending"]
    settings = _settings(db_url, sms_webhook_url=url)
    assert run_once(factory, settings).sent == 1  # the lease of the other one still runs
    with factory() as db, db.begin():  # the lease runs out
        db.execute(update(Notification).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert run_once(factory, settings).sent == 1
    assert all(n.state == "sent" for n in _notifications(factory))
    # The message in flight reached the provider twice with the same key: delivered once.
    assert sorted(sms.delivered) == sorted(due)
    keys = [r["headers"]["idempotency-key"] for r in sms.requests]
    assert len(keys) == 3 and len(set(keys)) == 2


def test_several_workers_share_the_outbox_without_taking_the_same_message(
    factory: sessionmaker[Session], world: World, db_url: str, provider: tuple[str, Provider]
) -> None:
    url, sms = provider
    sms.delay_s = 0.1
    due_messages(factory, case_with_contacts(factory, world), 9, channel="sms")
    with factory() as db:
        total = db.scalar(select(func.count()).select_from(Notification))
    settings = _settings(db_url, sms_webhook_url=url)
    taken: list[int] = []

    def work() -> None:
        taken.append(run_once(factory, settings, limit=3).sent)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(30)
    assert sum(taken) == total and all(count > 0 for count in taken)
    keys = [r["headers"]["idempotency-key"] for r in sms.requests]
    assert len(keys) == len(set(keys)) == total
