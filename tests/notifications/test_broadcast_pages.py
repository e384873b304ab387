"""The broadcasts page (in Korean), the API with ``dry_run``, and the command line."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.config import Settings
from consular.db import unit_of_work
from consular.flights.service import create_flight
from consular.notifications.models import Broadcast, Notification
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import auth, user_with_token
from tests.flights.test_flights import PLAN
from tests.notifications.test_broadcasts import DRAFT, three_families
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}
FORM = {
    "audience": "families",
    "scope": "incident",
    "subject_ko": DRAFT.subject_ko,
    "body_ko": DRAFT.body_ko,
    "subject_en": DRAFT.subject_en,
    "body_en": DRAFT.body_en,
}


@pytest.fixture
def client(db_url: str, world: World) -> Iterator[TestClient]:
    from consular.app import create_app

    app = create_app(Settings(database_url=db_url))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_supervisor_previews_in_both_languages_then_sends_and_is_sent_back_to_the_list(
    client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    user_with_token(factory, "supervisor.park", "supervisor")
    sign_in(client, "supervisor.park")
    url = f"/incidents/{world.incident_id}/broadcasts"
    page = client.get(url, headers=KO)
    assert page.status_code == 200
    assert "새 일괄 안내" in page.text and "아직 일괄 안내가 없습니다." in page.text
    visible = re.sub(r"<[^>]+>", " ", page.text)
    for english in ("Broadcast", "Preview", "families", "Subject", "Message", "incident"):
        assert english not in visible
    shown = client.post(
        f"{url}/preview", data={**FORM, "csrf_token": form_token(page.text)}, headers=KO
    )
    assert shown.status_code == 200
    text = shown.text
    assert "이메일 메시지</dt><dd>2" in text and "문자 메시지</dt><dd>1" in text
    assert "제외: 수신 거부</dt><dd>연락처 1명" in text
    assert "제외: 알릴 사람이 등록되지 않음</dt><dd>조력 건 1건" in text
    assert DRAFT.body_ko in text and DRAFT.body_en in text
    assert "메시지 3건 보내기" in text
    assert _count(factory, Notification) == 0
    sent = client.post(url, data={**FORM, "csrf_token": form_token(text)}, headers=KO)
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{url}?sent=")
    listed = client.get(sent.headers["location"], headers=KO).text
    assert "발송 대기열" in listed and "supervisor.park" in listed and "영사관 안내" in listed
    assert _count(factory, Notification) == 3 and _count(factory, Broadcast) == 1


def test_the_page_says_before_sending_that_nobody_would_be_reached_and_an_officer_cannot_send(
    client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    sign_in(client)
    url = f"/incidents/{world.incident_id}/broadcasts"
    page = client.get(url, headers=KO).text
    shown = client.post(f"{url}/preview", data={**FORM, "csrf_token": form_token(page)}, headers=KO)
    assert "상급자만 보낼 수 있습니다" in shown.text and "보내기</button>" not in shown.text
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
    empty = client.post(
        f"{url}/preview",
        data={**FORM, "scope": f"flight:{flight_id}", "csrf_token": form_token(page)},
        headers=KO,
    )
    assert "받을 사람이 없습니다" in empty.text and "보내기</button>" not in empty.text
    missing = client.post(
        f"{url}/preview",
        data={**FORM, "subject_en": "", "csrf_token": form_token(page)},
        headers=KO,
    )
    assert missing.status_code == 422
    assert 'id="subject_en-error"' in missing.text and DRAFT.body_ko in missing.text


def test_the_api_previews_with_dry_run_sends_and_refuses_a_broadcast_to_nobody(
    client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    _, token = user_with_token(factory, "supervisor.park", "supervisor")
    url = f"/api/v1/incidents/{world.incident_id}/broadcasts"
    body = {k: v for k, v in FORM.items()}
    dry = client.post(url, json={**body, "dry_run": True}, headers=auth(token))
    assert dry.status_code == 200, dry.text
    assert dry.json()["messages"] == {"email": 2, "sms": 1}
    assert dry.json()["left_out"] == {
        "opted_out": 1,
        "withheld": 0,
        "no_address": 1,
        "no_contact": 1,
    }
    assert _count(factory, Notification) == 0
    sent = client.post(url, json=body, headers=auth(token))
    assert sent.status_code == 201, sent.text
    assert sent.json()["delivery"] == {"pending": 3}
    officer = client.post(url, json=body, headers=auth(world.token))
    assert officer.status_code == 404
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
    nobody = client.post(
        url, json={**body, "scope": "flight", "scope_id": flight_id}, headers=auth(token)
    )
    assert nobody.status_code == 409 and nobody.json()["error"] == "broadcast.nobody"
    listed = client.get(url, headers=auth(world.token)).json()
    assert [b["sent_by"] for b in listed] == ["supervisor.park"]


def test_the_command_line_counts_with_dry_run_then_sends(
    db_url: str, factory: sessionmaker[Session], world: World
) -> None:
    three_families(factory, world)
    args = [
        "broadcast",
        "send",
        "--incident",
        world.incident_id,
        "--subject-ko",
        DRAFT.subject_ko,
        "--body-ko",
        DRAFT.body_ko,
        "--subject-en",
        DRAFT.subject_en,
        "--body-en",
        DRAFT.body_en,
    ]
    code, out, err = run(db_url, *args, "--dry-run")
    assert code == 0, err
    assert "2 e-mails, 1 SMS" in out and "1 opted out" in out
    assert _count(factory, Notification) == 0
    code, out, err = run(db_url, *args)
    assert code == 0, err
    assert _count(factory, Notification) == 3
    code, out, err = run(db_url, *args, "--audience", "employers")
    assert code != 0 and "nobody" in err
