"""Officers see a case's messages and how they went; supervisors see the failures."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.service import transition
from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.notifications.models import Notification
from consular.notifications.service import GROUPS
from consular.notifications.worker import run_once
from tests.conftest import World
from tests.factories import HOUSTON, user_with_token
from tests.notifications.conftest import Provider, case_with_contacts
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


def test_the_case_page_shows_each_message_and_the_supervisor_sends_a_given_up_one_again(
    browser: TestClient,
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    provider: tuple[str, Provider],
) -> None:
    url, sms = provider
    sms.always_fail = True
    settings = Settings(database_url=db_url, sms_webhook_url=url, notify_max_attempts=1)
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=1)
    run_once(factory, settings)
    sign_in(browser)
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    messages = re.search(r'<h2 id="messages">.*?</table>', page, re.S)
    assert messages, page
    assert "SMS · +82-10-5550-0101" in messages.group(0)
    assert "Given up" in messages.group(0) and "SMS webhook answered 503" in messages.group(0)
    assert messages.group(0).count("Waiting to be sent") == 2  # the e-mails: no server yet
    # Officers have no failures page; the post's supervisor has.
    assert browser.get("/messages").status_code == 404
    user_with_token(factory, "supervisor.choi", "supervisor")
    browser.cookies.clear()
    sign_in(browser, "supervisor.choi")
    former = browser.get("/messages/failures")  # the page's former address
    assert former.status_code == 308 and former.headers["location"] == "/messages"
    failures = browser.get("/messages", headers=EN).text
    dead = re.search(r'<h2 id="dead">.*?</table>', failures, re.S)
    assert dead and "+82-10-5550-0101" in dead.group(0)
    assert "miyoung@example.org" not in dead.group(0)
    retry = re.search(r'formaction="(/messages/[^"]+/retry)"', failures)
    assert retry
    again = browser.post(retry.group(1), data={"csrf_token": form_token(failures)})
    assert again.status_code == 303
    with factory() as db:
        sms_row = db.scalars(select(Notification).where(Notification.channel == "sms")).one()
        assert sms_row.state == "pending" and sms_row.attempts == 0
    twice = browser.post(retry.group(1), data={"csrf_token": form_token(failures)}, headers=EN)
    assert twice.status_code == 409 and "cannot be sent again now" in twice.text
    assert "has not failed" in twice.text
    # A supervisor of another post sees none of it.
    with factory() as db, db.begin():
        db.execute(update(Notification).values(state="dead", next_attempt_at=utcnow()))
    user_with_token(factory, "supervisor.houston", "supervisor", post=HOUSTON)
    browser.cookies.clear()
    sign_in(browser, "supervisor.houston")
    elsewhere = browser.get("/messages", headers=EN).text
    assert all(f'id="count-{name}">0<' in elsewhere for name in GROUPS), elsewhere
    assert "+82-10-5550-0101" not in elsewhere
    assert (
        browser.post(retry.group(1), data={"csrf_token": form_token(elsewhere)}).status_code == 404
    )
