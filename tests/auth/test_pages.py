"""Signing in and out of the workspace, and the administration of users, on the pages."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import WebSession
from consular.config import Settings
from consular.db import utcnow
from tests.factories import user_with_token
from tests.web.client import PASSWORD, form_token, sign_in


def test_an_officer_signs_in_and_sees_the_posts_open_incidents_in_korean(
    browser: TestClient,
) -> None:
    assert browser.get("/").headers["location"] == "/sign-in"
    response = sign_in(browser)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    page = browser.get("/")
    assert page.status_code == 200
    assert page.headers["content-language"] == "ko"
    assert "진행 중인 사건" in page.text and "Ellabell" in page.text
    assert "officer.kim" in page.text


def test_failed_sign_ins_are_answered_plainly_then_throttled(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    for _ in range(3):
        wrong = sign_in(browser, password="wrong")
        assert wrong.status_code == 401
        assert "사용자 이름 또는 비밀번호가 틀렸습니다" in wrong.text
    held = sign_in(browser)  # even the right password waits now
    assert held.status_code == 429
    assert 0 < int(held.headers["retry-after"]) <= 15 * 60
    assert "로그인 실패가 너무 많습니다" in held.text
    with factory() as db:
        failed = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.tag == "auth:sign_in:failed")
        )
    assert failed == 3


def test_an_unknown_user_name_is_answered_like_a_wrong_password(browser: TestClient) -> None:
    wrong = sign_in(browser, password="wrong")
    unknown = sign_in(browser, name="nobody.here", password="wrong")
    assert wrong.status_code == unknown.status_code == 401
    # The same page, but for the name typed in the form.
    assert wrong.text.replace("officer.kim", "NAME") == unknown.text.replace("nobody.here", "NAME")


def test_signing_out_and_idling_end_the_session(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    cookie = browser.cookies.get("consular_session")
    token = form_token(browser.get("/").text)
    assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert browser.get("/").headers["location"] == "/sign-in"
    # The old cookie is worth nothing after sign-out.
    browser.cookies.set("consular_session", cookie or "", domain="testserver")
    assert browser.get("/").headers["location"] == "/sign-in"

    sign_in(browser)
    assert browser.get("/").status_code == 200
    with factory() as db, db.begin():
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert browser.get("/").headers["location"] == "/sign-in"


def test_sign_in_returns_only_to_pages_of_this_site(browser: TestClient) -> None:
    token = form_token(browser.get("/sign-in").text)
    response = browser.post(
        "/sign-in",
        data={
            "name": "officer.kim",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/phish",
        },
    )
    assert response.headers["location"] == "/"


def test_an_administrator_creates_and_deactivates_users(
    browser: TestClient, factory: sessionmaker[Session], db_url: str
) -> None:
    from consular.app import create_app

    user_with_token(factory, "admin.one", "admin", post=None)
    sign_in(browser, name="admin.one")
    page = browser.get("/admin/users", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "officer.kim" in page.text
    token = form_token(page.text)
    created = browser.post(
        "/admin/users",
        data={
            "name": "officer.new",
            "role": "officer",
            "post": "Consulate General in Atlanta",
            "csrf_token": token,
        },
        headers={"Accept-Language": "en"},
    )
    assert created.status_code == 201, created.text
    password = re.search(r"Password: (\S+)\. It is shown only now", created.text)
    assert password
    again = browser.post(
        "/admin/users",
        data={"name": "officer.new", "role": "officer", "csrf_token": token},
    )
    assert again.status_code == 409 and "officer.new라는 사용자가 이미 있습니다" in again.text

    app = create_app(Settings(database_url=db_url))
    newcomer = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert sign_in(newcomer, name="officer.new", password=password.group(1)).status_code == 303
    assert newcomer.get("/").status_code == 200
    listing = browser.get("/admin/users", headers={"Accept-Language": "en"}).text
    new_id = re.findall(r"<td>officer\.new</td>.*?/admin/users/([^/]+)/deactivate", listing, re.S)
    assert new_id
    gone = browser.post(f"/admin/users/{new_id[0]}/deactivate", data={"csrf_token": token})
    assert gone.status_code == 303
    assert newcomer.get("/").headers["location"] == "/sign-in"  # the open session ended
    assert sign_in(newcomer, name="officer.new", password=password.group(1)).status_code == 401
    app.state.engine.dispose()


def test_only_administrators_see_the_users_page(browser: TestClient) -> None:
    sign_in(browser)
    assert browser.get("/admin/users").status_code == 404
    token = form_token(browser.get("/").text)
    refused = browser.post(
        "/admin/users", data={"name": "x.y", "role": "admin", "csrf_token": token}
    )
    assert refused.status_code == 404
