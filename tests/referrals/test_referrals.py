"""Counsel and support: the post's roster, referrals only with the detainee's consent and
through their states, hearings and bond on the case, and the hearing's reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.history import event_lines
from consular.audit.models import AuditEvent
from consular.auth.models import User
from consular.cases.models import Case
from consular.config import Settings
from consular.db import unit_of_work, utcnow
from consular.errors import InvalidInput
from consular.i18n import translations
from consular.i18n.message import shown
from consular.incidents.lifecycle import close_incident
from consular.incidents.service import import_list
from consular.notifications.models import Notification
from consular.notifications.reminders import scan
from consular.referrals import labels, service
from consular.referrals.api import BondState, HearingKind, Payer, ProviderKind, ReferralState
from consular.referrals.models import Provider, Referral
from consular.referrals.service import ProviderFields
from tests.conftest import World
from tests.factories import OPERATOR, auth, csv_table
from tests.web.client import form_token, sign_in

KO = translations("ko").gettext
ROSTER = (
    "full_name,date_of_birth,nationality,facility\n"
    '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
    '"PARK, JIHYE",1995-07-30,KOR,Folkston ICE Processing Center\n'
)
FIRM = {
    "name": "Peachtree Immigration Law Group",
    "kind": "lawyer",
    "languages": ["ko", "en"],
    "phone": "(404) 555-0142",
    "email": "intake@peachtree-law.example",
    "areas": "Immigration law, bond hearings, Georgia",
}


@pytest.fixture
def cases(factory: sessionmaker[Session], world: World) -> list[str]:
    """Two held cases of the Atlanta incident, both assigned to officer.kim (with an e-mail)."""
    with unit_of_work(factory) as db:
        import_list(db, world.officer, world.incident_id, "host_authority", csv_table(ROSTER))
        kim = db.scalars(select(User).where(User.name == "officer.kim")).one()
        kim.email = "kim@atlanta.example"
        found = list(db.scalars(select(Case).order_by(Case.number)))
        for case in found:
            case.assigned_to_id = kim.id
            for item in case.milestones:  # nothing else to remind of
                item.done_at = utcnow() - timedelta(days=1)
        return [case.id for case in found]


def _firm(app_client: TestClient, world: World) -> dict[str, object]:
    answer = app_client.post("/api/v1/providers", json=FIRM, headers=auth(world.token))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_the_roster_is_the_posts_own_and_stores_phones_in_e164(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    firm = _firm(app_client, world)
    assert firm["phone"] == "+14045550142" and firm["languages"] == ["ko", "en"]
    mine = app_client.get("/api/v1/providers?language=ko", headers=auth(world.token)).json()
    assert [p["name"] for p in mine] == [FIRM["name"]]
    assert (
        app_client.get("/api/v1/providers?kind=interpreter", headers=auth(world.token)).json() == []
    )

    houston = auth(world.houston_token)
    assert app_client.get("/api/v1/providers", headers=houston).json() == []
    assert app_client.get(f"/api/v1/providers/{firm['id']}", headers=houston).status_code == 404
    changed = {**FIRM, "version": 1, "notes": "Takes cases pro bono"}
    refused = app_client.put(f"/api/v1/providers/{firm['id']}", json=changed, headers=houston)
    assert refused.status_code == 404

    again = app_client.put(
        f"/api/v1/providers/{firm['id']}", json=changed, headers=auth(world.token)
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    stale = app_client.put(
        f"/api/v1/providers/{firm['id']}", json=changed, headers=auth(world.token)
    )
    assert stale.status_code == 409 and stale.json()["error"] == "provider.stale_version"
    with factory() as db:
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.target_id == firm["id"])).all()
        assert tags == ["referrals:provider:create", "referrals:provider:update"]


def test_an_impossible_phone_is_refused_with_its_reason_in_korean(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    answer = app_client.post(
        "/api/v1/providers", json={**FIRM, "phone": "404-555"}, headers=auth(world.token)
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "provider.bad_phone"
    assert "Phone" in answer.json()["message"] and "too short" in answer.json()["message"]
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        service.add_provider(db, world.officer, ProviderFields(name="X", kind="ngo", phone="12"))
    said = shown(refused.value.message, KO)
    assert said.startswith("전화") and "짧" in said, said
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Provider)) == 0


def test_a_referral_needs_the_detainees_consent(
    app_client: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    firm = _firm(app_client, world)
    path = f"/api/v1/cases/{cases[0]}/referrals"
    for body, code in (
        ({"provider_id": firm["id"], "consent": False, "consent_note": "asked"}, "no_consent"),
        ({"provider_id": firm["id"], "consent": True, "consent_note": " "}, "no_consent_note"),
    ):
        refused = app_client.post(path, json=body, headers=auth(world.token))
        assert refused.status_code == 422 and refused.json()["error"] == f"referral.{code}"
    assert "consent" in refused.json()["message"] or "agreed" in refused.json()["message"]
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Referral)) == 0
    # Another post's case never reaches this post's roster (nor the other way round).
    houston = app_client.post(
        path,
        json={"provider_id": firm["id"], "consent": True, "consent_note": "at the visit"},
        headers=auth(world.houston_token),
    )
    assert houston.status_code == 404


def test_a_referral_moves_only_as_allowed_and_on_its_current_version(
    app_client: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    firm = _firm(app_client, world)
    base = f"/api/v1/cases/{cases[0]}/referrals"
    made = app_client.post(
        base,
        json={
            "provider_id": firm["id"],
            "consent": True,
            "consent_note": "at the welfare interview on 9/6",
        },
        headers=auth(world.token),
    )
    assert made.status_code == 201 and made.json()["state"] == "offered"
    moves = f"{base}/{made.json()['id']}/moves"
    skipped = app_client.post(moves, json={"to": "done", "version": 1}, headers=auth(world.token))
    assert skipped.status_code == 409
    assert skipped.json()["error"] == "referral.bad_move"
    assert skipped.json()["allowed"] == ["accepted", "declined"]

    accepted = app_client.post(
        moves, json={"to": "accepted", "version": 1}, headers=auth(world.token)
    )
    assert accepted.status_code == 200 and accepted.json()["version"] == 2
    stale = app_client.post(moves, json={"to": "declined", "version": 1}, headers=auth(world.token))
    assert stale.status_code == 409 and stale.json()["error"] == "referral.stale_version"
    no_outcome = app_client.post(
        moves, json={"to": "done", "version": 2}, headers=auth(world.token)
    )
    assert no_outcome.status_code == 422
    done = app_client.post(
        moves,
        json={"to": "done", "version": 2, "outcome": "Bond hearing set; counsel retained"},
        headers=auth(world.token),
    )
    assert done.status_code == 200 and done.json()["outcome"].startswith("Bond hearing")
    # A case may have several referrals.
    second = app_client.post(
        base,
        json={"provider_id": firm["id"], "consent": True, "consent_note": "by phone on 9/8"},
        headers=auth(world.token),
    )
    assert second.status_code == 201
    listed = app_client.get(base, headers=auth(world.token)).json()
    assert [r["state"] for r in listed] == ["done", "offered"]

    with factory() as db:
        events = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == cases[0], AuditEvent.tag == "referrals:referral:move")
            .order_by(AuditEvent.seq)
        ).all()
        assert [e.diff["state"] for e in events] == [["offered", "accepted"], ["accepted", "done"]]
        lines = event_lines(events[-1], KO, language="ko")
        assert lines.what == "의뢰 진행" and any("수락 → 완료" in line for line in lines.changes)


def test_hearings_and_bond_on_the_case_and_a_closed_incident_refuses(
    app_client: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    hearing = app_client.post(
        f"/api/v1/cases/{cases[0]}/hearings",
        json={
            "kind": "bond",
            "starts_at": "2025-09-12T09:00",
            "place": "Atlanta Immigration Court",
        },
        headers=auth(world.token),
    )
    assert hearing.status_code == 201, hearing.text
    starts_at = datetime.fromisoformat(hearing.json()["starts_at"])
    assert starts_at == datetime(2025, 9, 12, 13, 0, tzinfo=UTC)  # 09:00 EDT
    bond = {"amount": "7500", "payer": "family", "version": 0}
    first = app_client.put(f"/api/v1/cases/{cases[0]}/bond", json=bond, headers=auth(world.token))
    assert first.status_code == 200 and first.json()["state"] == "set"
    again = app_client.put(f"/api/v1/cases/{cases[0]}/bond", json=bond, headers=auth(world.token))
    assert again.status_code == 409 and again.json()["error"] == "bond.stale_version"
    paid = {**bond, "state": "paid", "version": 1}
    assert (
        app_client.put(
            f"/api/v1/cases/{cases[0]}/bond", json=paid, headers=auth(world.token)
        ).json()["state"]
        == "paid"
    )
    with factory() as db:
        diffs = db.scalars(
            select(AuditEvent.diff)
            .where(AuditEvent.tag == "referrals:bond:record")
            .order_by(AuditEvent.seq)
        ).all()
        assert diffs[0]["amount"] == [None, "7500.00"] and diffs[1]["state"] == ["set", "paid"]

    with unit_of_work(factory) as db:
        close_incident(db, OPERATOR, world.incident_id, "All came home.")
    refused = app_client.post(
        f"/api/v1/cases/{cases[0]}/hearings",
        json={"kind": "merits", "starts_at": "2025-10-01T09:00", "place": "Atlanta"},
        headers=auth(world.token),
    )
    assert refused.status_code == 409 and refused.json()["error"] == "incident.closed"


def test_an_upcoming_hearing_reminds_the_assigned_officer_once(
    factory: sessionmaker[Session], db_url: str, world: World, cases: list[str]
) -> None:
    now = utcnow()
    with unit_of_work(factory) as db:
        service.add_hearing(
            db,
            world.officer,
            cases[0],
            kind="master_calendar",
            starts_at=now + timedelta(hours=30),
            place="Atlanta Immigration Court",
        )
        service.add_hearing(  # beyond the lead time: not yet
            db, world.officer, cases[1], kind="merits", starts_at=now + timedelta(days=5), place="X"
        )
    settings = Settings(database_url=db_url, reminder_digest_minutes=1)
    with unit_of_work(factory) as db:
        report = scan(db, settings, actor="worker", now=now)
    assert [d.user_name for d in report.digests] == ["officer.kim"]
    with factory() as db:
        [email] = db.scalars(select(Notification)).all()
    assert email.recipient == "kim@atlanta.example"
    assert "다가오는 심리" in email.subject and "이성호" in email.body
    assert "Atlanta Immigration Court" in email.body and "박지혜" not in email.body
    with unit_of_work(factory) as db:
        later = scan(db, settings, actor="worker", now=now + timedelta(hours=2))
    assert later.digests == []
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_api_codes_are_the_labels_codes() -> None:
    from typing import get_args

    assert set(get_args(ProviderKind)) == set(labels.PROVIDER_KINDS)
    assert set(get_args(HearingKind)) == set(labels.HEARING_KINDS)
    assert set(get_args(Payer)) == set(labels.BOND_PAYERS)
    assert set(get_args(BondState)) == set(labels.BOND_STATES)
    assert set(get_args(ReferralState)) == set(labels.REFERRAL_STATES) == set(service.MOVES)


def test_the_pages_in_korean_refer_a_case_and_refuse_one_without_consent(
    browser: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    ko = {"Accept-Language": "ko"}
    form = browser.get("/providers/new", headers=ko)
    assert form.status_code == 200 and "명부에 추가" in form.text
    bad = browser.post(
        "/providers/new",
        data={
            **FIRM,
            "languages": "ko, en",
            "phone": "12",
            "active": "yes",
            "csrf_token": form_token(form.text),
        },
        headers=ko,
    )
    assert bad.status_code == 422 and "전화" in bad.text and FIRM["name"] in bad.text
    made = browser.post(
        "/providers/new",
        data={**FIRM, "languages": "ko, en", "active": "yes", "csrf_token": form_token(form.text)},
    )
    assert made.status_code == 303
    listing = browser.get("/providers?kind=lawyer&language=ko", headers=ko).text
    assert FIRM["name"] in listing and "(404) 555-0142" in listing and "변호사" in listing

    page = browser.get(f"/cases/{cases[0]}", headers=ko)
    assert "변호인·통역·지원 의뢰" in page.text and "심리" in page.text and "보석금" in page.text
    with factory() as db:
        firm_id = db.scalars(select(Provider.id)).one()
    token = form_token(page.text)
    refused = browser.post(
        f"/cases/{cases[0]}/referrals",
        data={"provider": firm_id, "consent_note": "면회 때", "csrf_token": token},
        headers=ko,
    )
    assert refused.status_code == 422 and "동의" in refused.text
    done = browser.post(
        f"/cases/{cases[0]}/referrals",
        data={
            "provider": firm_id,
            "consent": "yes",
            "consent_note": "9/6 면회 때",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    hearing = browser.post(
        f"/cases/{cases[0]}/hearings",
        data={
            "kind": "bond",
            "day": "2025-09-12",
            "at": "09:00",
            "place": "Atlanta Immigration Court",
            "csrf_token": token,
        },
    )
    assert hearing.status_code == 303
    bond = browser.post(
        f"/cases/{cases[0]}/bond",
        data={
            "amount": "7,500",
            "payer": "employer",
            "state": "set",
            "version": "0",
            "csrf_token": token,
        },
    )
    assert bond.status_code == 303
    shown_page = browser.get(f"/cases/{cases[0]}", headers=ko).text
    assert "제안됨" in shown_page and "9/6 면회 때" in shown_page
    assert "2025-09-12 09:00" in shown_page and "7,500.00 USD" in shown_page
    with factory() as db:
        bond_row = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "referrals:bond:record")
        ).one()
        assert bond_row["amount"] == [None, "7500.00"]
    assert Decimal("7500.00") == Decimal(bond_row["amount"][1])


def test_the_command_line_adds_to_a_posts_roster_and_lists_it(db_url: str, world: World) -> None:
    from tests.cli.test_commands import run
    from tests.factories import ATLANTA

    code, out, _ = run(
        db_url,
        *("providers", "add", "--post", ATLANTA, "--name", "Savannah Korean Interpreters"),
        *("--kind", "interpreter", "--languages", "ko,en", "--phone", "912-555-0187"),
    )
    assert code == 0 and "+19125550187" in out
    code, out, err = run(
        db_url,
        *("providers", "add", "--post", ATLANTA, "--name", "X", "--kind", "ngo"),
        *("--phone", "+999 1234"),
    )
    assert code != 0 and "country code that does not exist" in err
    code, out, _ = run(db_url, "providers", "list", "--language", "ko")
    assert code == 0 and "Savannah Korean Interpreters" in out and "(912) 555-0187" in out


def test_my_work_lists_the_hearings_coming_up_on_my_cases(
    browser: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as db:
        service.add_hearing(
            db,
            world.officer,
            cases[1],
            kind="bond",
            starts_at=utcnow() + timedelta(hours=20),
            place="Stewart Immigration Court",
        )
    sign_in(browser)
    page = browser.get("/my-work", headers={"Accept-Language": "ko"}).text
    assert "다가오는 심리" in page and "보석 심리" in page and "Stewart Immigration Court" in page


def test_a_hearing_taken_off_the_case_is_audited_with_what_it_was(
    app_client: TestClient, world: World, cases: list[str], factory: sessionmaker[Session]
) -> None:
    path = f"/api/v1/cases/{cases[0]}/hearings"
    made = app_client.post(
        path,
        json={"kind": "merits", "starts_at": "2025-10-01T09:00", "place": "Atlanta"},
        headers=auth(world.token),
    ).json()
    houston = app_client.delete(f"{path}/{made['id']}", headers=auth(world.houston_token))
    assert houston.status_code == 404
    gone = app_client.delete(
        f"{path}/{made['id']}", params={"note": "postponed"}, headers=auth(world.token)
    )
    assert gone.status_code == 204
    assert app_client.get(path, headers=auth(world.token)).json() == []
    with factory() as db:
        diff = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "referrals:hearing:remove")
        ).one()
    assert diff["place"] == "Atlanta" and diff["note"] == "postponed"
