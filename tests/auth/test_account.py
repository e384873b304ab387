"""My account: an officer sets where their reminders reach them; an impossible e-mail or
phone is refused beside its field, with what was typed kept; every change audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.audit.models import AuditEvent
from consular.auth.models import User
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}


def _user(factory: sessionmaker[Session], name: str = "officer.kim") -> User:
    with factory() as db:
        return db.scalars(select(User).where(User.name == name)).one()


def _contact_events(factory: sessionmaker[Session]) -> list[AuditEvent]:
    with factory() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.tag == "auth:user:contact")))


def test_an_officer_sets_their_own_email_and_phone(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    page = browser.get("/account", headers=KO)
    assert page.status_code == 200 and "내 계정" in page.text and "officer.kim" in page.text
    assert 'href="/account"' in browser.get("/", headers=KO).text  # reached from every page

    saved = browser.post(
        "/account",
        data={
            "email": " kim@atlanta.example ",
            "phone": "+1-404-555-0123",
            "csrf_token": form_token(page.text),
        },
    )
    assert saved.status_code == 303
    shown = browser.get(saved.headers["location"], headers=KO).text
    assert "이메일과 전화번호를 저장했습니다." in shown
    # Stored in E.164, shown as the number's country writes it.
    assert 'value="kim@atlanta.example"' in shown and 'value="(404) 555-0123"' in shown
    user = _user(factory)
    assert (user.email, user.phone) == ("kim@atlanta.example", "+14045550123")
    [event] = _contact_events(factory)
    assert event.actor == "officer.kim"
    assert event.diff == {"name": "officer.kim", "email": [False, True], "phone": [False, True]}


def test_an_impossible_email_and_phone_are_refused_beside_their_fields(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    token = form_token(browser.get("/account").text)
    refused = browser.post(
        "/account",
        data={"email": "kim at atlanta", "phone": "call me", "csrf_token": token},
        headers=KO,
    )
    assert refused.status_code == 422
    page = refused.text
    assert 'id="email-error"' in page and "“kim at atlanta”는 이메일 주소가 아닙니다" in page
    assert 'id="phone-error"' in page and "“call me”는 전화번호가 아닙니다" in page
    assert 'value="kim at atlanta"' in page and 'value="call me"' in page  # typed, kept
    assert 'aria-invalid="true"' in page
    user = _user(factory)
    assert (user.email, user.phone) == ("", "")
    assert _contact_events(factory) == []


def test_a_phone_with_too_few_digits_is_refused_and_an_empty_one_clears_it(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    token = form_token(browser.get("/account").text)
    short = browser.post("/account", data={"email": "", "phone": "+1 23", "csrf_token": token})
    assert short.status_code == 422 and 'id="phone-error"' in short.text
    assert 'id="email-error"' not in short.text

    # Without a country code, a number is read in the post's country (the United States).
    local = browser.post("/account", data={"phone": "404 555 0177", "csrf_token": token})
    assert local.status_code == 303 and _user(factory).phone == "+14045550177"
    korean = {"email": "", "phone": "010-5550-0101", "csrf_token": token}
    impossible = browser.post("/account", data=korean, headers=KO)
    assert impossible.status_code == 422 and 'id="phone-error"' in impossible.text
    assert "“010-5550-0101”은(는)" not in impossible.text  # the particle is resolved
    assert _user(factory).phone == "+14045550177"
    browser.post("/account", data={**korean, "phone": "+82 10-5550-0101"})
    assert _user(factory).phone == "+821055500101"
    browser.post("/account", data={"email": "", "phone": "", "csrf_token": token})
    assert _user(factory).phone == ""


def test_the_administrator_sets_an_officers_contact_at_the_command_line(
    browser: TestClient, db_url: str, factory: sessionmaker[Session]
) -> None:
    from consular.cli.main import app

    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "--db",
            db_url,
            *("user", "contact", "--user", "officer.kim"),
            *("--email", "kim@atlanta.example", "--phone", "+1-404-555-0123"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "phone (404) 555-0123" in done.output
    assert (_user(factory).email, _user(factory).phone) == ("kim@atlanta.example", "+14045550123")
    assert [e.actor.startswith("cli:") for e in _contact_events(factory)] == [True]

    wrong = runner.invoke(
        app, ["--db", db_url, "user", "contact", "--user", "officer.kim", "--email", "nope"]
    )
    assert wrong.exit_code != 0 and "is not an e-mail address" in wrong.output
    impossible = runner.invoke(
        app, ["--db", db_url, "user", "contact", "--user", "officer.kim", "--phone", "+1 23"]
    )
    assert impossible.exit_code != 0 and "too short to be a phone number" in impossible.output
    unknown = runner.invoke(app, ["--db", db_url, "user", "contact", "--user", "nobody"])
    assert unknown.exit_code != 0 and "not found" in unknown.output
