"""Supervisors see the outbox as it is: what waits and why, what failed; they send again
and cancel."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.service import transition
from consular.config import Settings
from consular.db import unit_of_work
from consular.notifications.models import Notification
from consular.notifications.worker import run_once
from tests.conftest import World
from tests.factories import user_with_token
from tests.notifications.conftest import Mailbox, Provider, case_with_contacts
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}
EN = {"Accept-Language": "en"}


def _queued(factory: sessionmaker[Session], world: World) -> str:
    """Three messages written for a located case: two e-mails and one SMS."""
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    return case_id


def _as_supervisor(browser: TestClient, factory: sessionmaker[Session]) -> str:
    user_with_token(factory, "supervisor.choi", "supervisor")
    browser.cookies.clear()
    sign_in(browser, "supervisor.choi")
    return form_token(browser.get("/messages").text)


def _ids(factory: sessionmaker[Session], channel: str) -> list[str]:
    with factory() as db:
        return list(
            db.scalars(select(Notification.id).where(Notification.channel == channel)).all()
        )


def _states(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as db:
        return {n.id: n.state for n in db.scalars(select(Notification))}


def test_the_page_says_in_korean_that_e_mail_is_not_configured_and_how_many_wait(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _queued(factory, world)
    _as_supervisor(browser, factory)
    page = browser.get("/messages", headers=KO).text
    assert "가족·담당관 알림 발송 현황" in page
    assert "이메일이 설정되지 않았습니다: 메시지 2건이 기다리고 있습니다." in page
    assert "SMS가 설정되지 않았습니다: 메시지 1건이 기다리고 있습니다." in page
    assert 'id="count-no_channel">3<' in page and 'id="count-dead">0<' in page
    english = browser.get("/messages", headers=EN).text
    assert "E-mail is not configured: 2 messages wait. Tell the operator" in english


def test_a_given_up_message_sent_again_waits_and_the_worker_delivers_it(
    browser: TestClient,
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    smtp_server: tuple[int, Mailbox],
) -> None:
    port, mailbox = smtp_server
    _queued(factory, world)
    emails = _ids(factory, "email")
    with factory() as db, db.begin():
        db.execute(
            update(Notification)
            .where(Notification.id.in_(emails))
            .values(state="dead", attempts=5, last_error="SMTP 127.0.0.1:25: refused")
        )
    token = _as_supervisor(browser, factory)
    page = browser.get("/messages", headers=EN).text
    assert 'id="count-dead">2<' in page and "SMTP 127.0.0.1:25: refused" in page
    sent = browser.post(
        "/messages/selected",
        data={"csrf_token": token, "action": "retry", "message_id": emails},
    )
    assert sent.status_code == 303
    with factory() as db:
        rows = db.scalars(select(Notification).where(Notification.id.in_(emails))).all()
        assert {(n.state, n.attempts) for n in rows} == {("pending", 0)}
        assert db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "notifications:message:retry")
        ).all()
    settings = Settings(
        database_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="atlanta@consulate.example",
    )
    batch = run_once(factory, settings)
    assert batch.sent == 2
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "miyoung@example.org",
        "seongjin@example.org",
    ]


def test_a_cancelled_message_is_never_sent(
    browser: TestClient,
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    provider: tuple[str, Provider],
) -> None:
    url, sms = provider
    _queued(factory, world)
    (sms_id,) = _ids(factory, "sms")
    token = _as_supervisor(browser, factory)
    unexplained = browser.post(f"/messages/{sms_id}/cancel", data={"csrf_token": token})
    assert unexplained.status_code == 409 and _states(factory)[sms_id] == "pending"
    cancelled = browser.post(
        f"/messages/{sms_id}/cancel",
        data={"csrf_token": token, "reason": "the family asked by phone"},
    )
    assert cancelled.status_code == 303
    assert _states(factory)[sms_id] == "canceled"
    with factory() as db:
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "notifications:message:cancel")
        ).one()
        assert "the family asked by phone" in str(event.diff)
    run_once(factory, Settings(database_url=db_url, sms_webhook_url=url))
    assert sms.requests == [] and _states(factory)[sms_id] == "canceled"
    again = browser.post(f"/messages/{sms_id}/retry", data={"csrf_token": token})
    assert again.status_code == 409
    page = browser.get("/messages", headers=EN).text
    assert 'id="count-cancelled">1<' in page


def test_officers_and_viewers_see_no_outbox_and_cannot_change_it(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _queued(factory, world)
    (sms_id,) = _ids(factory, "sms")
    user_with_token(factory, "viewer.park", "viewer")
    for name in ("officer.kim", "viewer.park"):
        browser.cookies.clear()
        sign_in(browser, name)
        assert browser.get("/messages").status_code == 404
        token = form_token(browser.get("/").text)
        for action in ("retry", "cancel"):
            refused = browser.post(
                f"/messages/{sms_id}/{action}", data={"csrf_token": token, "reason": "x"}
            )
            assert refused.status_code == 404
        assert "/messages" not in browser.get("/").text.split("<main")[0]
    assert _states(factory)[sms_id] == "pending"
