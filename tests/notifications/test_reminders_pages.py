"""What officers and supervisors see of reminders: the count beside "My work" on every page,
and the officers' messages on the outbox page, sent again or cancelled there."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import User
from consular.db import unit_of_work
from consular.notifications.models import Notification
from tests.notifications.test_reminders import _open, _scan, team  # noqa: F401
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}


def test_every_page_shows_the_officer_how_many_items_are_due(
    browser: TestClient,
    factory: sessionmaker[Session],
    team: dict[str, int],  # noqa: F811
) -> None:
    _open(factory, team["LEE"], "consular_visit", due_in_h=-3, breach_in_h=48)
    _open(factory, team["PARK"], "legal_counsel", due_in_h=5, breach_in_h=48)
    _open(factory, team["CHOI"], "consular_visit", due_in_h=-3, breach_in_h=48)  # unassigned
    sign_in(browser)
    for path in ("/", "/persons", "/account"):
        page = browser.get(path, headers=KO).text
        badge = re.search(r'class="badge due-count"[^>]*>([^<]*)</', page)
        assert badge and badge.group(1) == "기한 임박 2건", path

    # Nothing due: no badge.
    with unit_of_work(factory) as db:
        for item in db.scalars(select(Notification)):
            db.delete(item)
    _open(factory, team["LEE"], "consular_visit", due_in_h=30, breach_in_h=72)
    _open(factory, team["PARK"], "legal_counsel", due_in_h=30, breach_in_h=72)
    assert "due-count" not in browser.get("/", headers=KO).text


def test_the_supervisor_sees_the_officers_messages_apart_and_sends_again_or_cancels(
    browser: TestClient,
    factory: sessionmaker[Session],
    db_url: str,
    team: dict[str, int],  # noqa: F811
) -> None:
    _open(factory, team["LEE"], "consulate_notified", due_in_h=-80, breach_in_h=-8)
    _scan(factory, db_url)
    with unit_of_work(factory) as db:
        messages = {n.recipient: n for n in db.scalars(select(Notification))}
        kim = messages["kim@atlanta.example"]
        kim.state, kim.attempts, kim.last_error = "dead", 6, "SMTP 127.0.0.1:25: refused"
        kim_id, park_id = kim.id, messages["park@atlanta.example"].id

    sign_in(browser, "supervisor.park")
    page = browser.get("/messages", headers=KO).text
    assert 'id="officer-count-dead">1<' in page and 'id="officer-count-no_channel">1<' in page
    assert 'id="count-dead">0<' in page
    dead = re.search(r'<h2 id="dead">.*?</table>', page, re.S)
    assert dead and "담당관에게" in dead.group(0) and "officer.kim" in dead.group(0)
    assert "기한 초과 보고: 기한 경과" in dead.group(0)
    assert "이메일이 설정되지 않았습니다: 메시지 1건이 기다리고 있습니다." in page

    token = form_token(page)
    # Kim corrected his address since: the message goes to the address he has now.
    with unit_of_work(factory) as db:
        db.scalars(
            select(User).where(User.name == "officer.kim")
        ).one().email = "kim.seonu@atlanta.example"
    again = browser.post(f"/messages/{kim_id}/retry", data={"csrf_token": token})
    assert again.status_code == 303
    cancelled = browser.post(
        f"/messages/{park_id}/cancel", data={"csrf_token": token, "reason": "Seen on site"}
    )
    assert cancelled.status_code == 303
    with factory() as db:
        retried = db.get_one(Notification, kim_id)
        assert (retried.state, retried.recipient) == ("pending", "kim.seonu@atlanta.example")
        assert db.get_one(Notification, park_id).state == "canceled"
        tags = set(db.scalars(select(AuditEvent.tag)))
    assert {"notifications:message:retry", "notifications:message:cancel"} <= tags


def test_a_supervisor_of_another_post_does_not_see_the_officers_messages(
    browser: TestClient,
    factory: sessionmaker[Session],
    db_url: str,
    team: dict[str, int],  # noqa: F811
) -> None:
    from tests.factories import HOUSTON, user_with_token

    _open(factory, team["LEE"], "consular_visit", due_in_h=2, breach_in_h=48)
    _scan(factory, db_url)
    with factory() as db:
        [message] = db.scalars(select(Notification)).all()
    user_with_token(factory, "supervisor.houston", "supervisor", post=HOUSTON)
    sign_in(browser, "supervisor.houston")
    page = browser.get("/messages").text
    assert 'id="officer-count-no_channel">0<' in page and "officer.kim" not in page
    token = form_token(page)
    assert (
        browser.post(f"/messages/{message.id}/retry", data={"csrf_token": token}).status_code == 404
    )
