"""The detainee's wish about who is told (CON-05): against a refusal, no message reaches the
family, no family code is issued or opens, and the employer is not shown the case."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.cases.service import complete_milestone, transition
from consular.cases.wishes import record_wishes
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.families.service import issue_code, lookup_status
from consular.notifications.models import Notification
from tests.conftest import World
from tests.factories import user_with_token
from tests.notifications.conftest import case_with_contacts
from tests.screening.test_employer_cases import _detained
from tests.web.client import form_token, sign_in

SETTINGS = Settings()


def _messages(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        return db.scalar(select(func.count()).select_from(Notification)) or 0


def test_a_refusal_keeps_every_message_from_the_family(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, case_id, family="no")
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=2)
    assert _messages(factory) == 0
    # Asked again, he agrees: the next change reaches the family as before.
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, case_id, family="yes")
    with unit_of_work(factory) as db:
        complete_milestone(
            db, world.officer, case_id, "consular_visit", evidence="Seen at Folkston"
        )
    assert _messages(factory) > 0


def test_no_family_code_is_issued_or_opens_against_a_refusal(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        issued = issue_code(db, world.officer, SETTINGS, case_id, "김미영")
    with unit_of_work(factory) as db:
        assert lookup_status(db, SETTINGS, issued.code, date(1988, 3, 14), "client").held
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, case_id, family="no")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        issue_code(db, world.officer, SETTINGS, case_id, "김미영")
    assert refused.value.code == "family_code.refused_by_detainee"
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        lookup_status(db, SETTINGS, issued.code, date(1988, 3, 14), "client")


def test_the_wish_is_audited_with_before_and_after_and_a_bad_value_is_refused(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, case_id, family="no", employer="yes")
        record_wishes(db, world.officer, case_id, family="no")  # unchanged: nothing recorded
    with factory() as db:
        diffs = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "cases:wishes:record")
        ).all()
    assert diffs == [{"family_notice": ["unknown", "no"], "employer_notice": ["unknown", "yes"]}]
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as bad:
        record_wishes(db, world.officer, case_id, family="maybe")
    assert bad.value.code == "case.unknown_family_notice"


def test_the_employer_is_not_shown_a_case_whose_detainee_refused(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _detained(world, factory)
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    assert "LEE SEONGHO" in browser.get("/deployments", headers={"Accept-Language": "en"}).text
    with unit_of_work(factory) as db:
        for case in db.scalars(select(Case)).unique():
            record_wishes(db, world.officer, case.id, employer="no")
    page = browser.get("/deployments", headers={"Accept-Language": "en"}).text
    assert "Your workers with a consular case" not in page


def test_the_officer_records_a_refusal_on_the_korean_case_page(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    case_id = case_with_contacts(factory, world)
    sign_in(browser)
    page = browser.get(f"/cases/{case_id}").text
    assert "피구금자의 통보 동의" in page and "아직 묻지 않음" in page
    saved = browser.post(
        f"/cases/{case_id}/wishes",
        data={"family": "no", "employer": "yes", "version": "1", "csrf_token": form_token(page)},
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("#wishes")
    page = browser.get(f"/cases/{case_id}").text
    assert "가족 통보를 거부했습니다" in page
    with factory() as db:
        case = db.get(Case, case_id)
        assert case is not None and (case.family_notice, case.employer_notice) == ("no", "yes")
    # The form of an older version is refused, and says so, changing nothing.
    stale = browser.post(
        f"/cases/{case_id}/wishes",
        data={"family": "yes", "version": "1", "csrf_token": form_token(page)},
    )
    assert stale.status_code == 409
    with factory() as db:
        assert db.get(Case, case_id).family_notice == "no"  # type: ignore[union-attr]


def test_the_api_reads_and_sets_the_wishes(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    case_id = case_with_contacts(factory, world)
    headers = {"Authorization": f"Bearer {world.token}"}
    read = app_client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    assert (read["family_notice"], read["employer_notice"]) == ("unknown", "unknown")
    put = app_client.put(
        f"/api/v1/cases/{case_id}/wishes",
        headers=headers,
        json={"family": "no", "version": read["version"]},
    )
    assert put.status_code == 200 and put.json()["family_notice"] == "no"
    assert put.json()["employer_notice"] == "unknown"
    bad = app_client.put(
        f"/api/v1/cases/{case_id}/wishes",
        headers=headers,
        json={"family": "perhaps", "version": put.json()["version"]},
    )
    assert bad.status_code == 422
    other = app_client.put(
        f"/api/v1/cases/{case_id}/wishes",
        headers={"Authorization": f"Bearer {world.houston_token}"},
        json={"family": "yes", "version": put.json()["version"]},
    )
    assert other.status_code == 404
