"""A busy database answers "try again", and long work never holds the write lock (SQLite).

SQLite lets one unit of work write at a time. Reconciling a large list takes minutes; while
it runs, sign-ins, status lookups and every other change must still go through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session, sessionmaker

from consular.api_schema import ErrorCode, ErrorRead
from consular.app import create_app
from consular.config import Settings
from consular.db import unit_of_work
from consular.incidents import drafts, service
from consular.incidents.models import ImportDraft, SourceList
from consular.screening import api as screening_api
from tests.conftest import World
from tests.factories import rows_csv
from tests.web.client import form_token, sign_in

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
HEADER = ["A-Number", "Name", "DOB", "Citizenship", "Detention Facility"]
ROWS = [
    ["A100", "LEE, SEONGHO", "03/14/1988", "KOR", "Folkston ICE Processing Center"],
    ["A101", "KIM, MIN JUN", "01/02/1990", "KOR", "Stewart Detention Center"],
]


def _path(db_url: str) -> str:
    database = make_url(db_url).database
    assert database
    return database


@contextmanager
def _write_lock_held(db_url: str) -> Iterator[None]:
    """Another process's writer, holding SQLite's write lock."""
    other = sqlite3.connect(_path(db_url), isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _can_write_now(db_url: str) -> bool:
    """Whether another writer could take the write lock at this moment, without waiting."""
    other = sqlite3.connect(_path(db_url), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def _probing(db_url: str, real: Callable[..., Any], seen: list[bool]) -> Callable[..., Any]:
    """``real``, noting first whether someone else could write while it runs."""

    def probe(*args: Any, **kwargs: Any) -> Any:
        seen.append(_can_write_now(db_url))
        return real(*args, **kwargs)

    return probe


@pytest.fixture
def impatient(db_url: str, world: World) -> Iterator[TestClient]:
    """The workspace with a short wait for the write lock, so a busy database shows quickly."""
    settings = Settings(database_url=db_url, busy_timeout_seconds=0.2, busy_retry_after_seconds=7)
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


@sqlite_only
def test_a_busy_database_answers_try_again_on_pages_the_api_and_the_status_page(
    impatient: TestClient, db_url: str, world: World
) -> None:
    sign_in_page = impatient.get("/sign-in", headers=KO)
    token = form_token(sign_in_page.text)
    with _write_lock_held(db_url):
        page = impatient.post(
            "/sign-in",
            data={"name": "officer.kim", "password": "x" * 12, "csrf_token": token},
            headers=KO,
        )
        api = impatient.post(
            "/api/v1/incidents",
            json={
                "title": "Raid",
                "host_country": "USA",
                "place": "Ellabell, GA",
                "started_at": "2025-09-04T10:00:00-04:00",
            },
            headers={"Authorization": f"Bearer {world.token}"},
        )
        status = impatient.post(
            "/status",
            data={"code": "ABCD-EFGH", "date_of_birth": "1990-01-02", "csrf_token": token},
            headers=KO,
        )
    assert page.status_code == 503 and page.headers["retry-after"] == "7"
    assert "시스템이 바쁩니다" in page.text and "아무것도 저장되지 않았습니다" in page.text
    assert status.status_code == 503 and "시스템이 바쁩니다" in status.text
    assert api.status_code == 503 and api.headers["retry-after"] == "7"
    assert api.json()["error"] == "busy" and "try again in 7 seconds" in api.json()["message"]
    assert ErrorRead.model_validate(api.json()).error == ErrorCode.BUSY
    # Once the other work is done, the same request goes through.
    again = impatient.post(
        "/sign-in",
        data={"name": "officer.kim", "password": "correct horse 1", "csrf_token": token},
    )
    assert again.status_code == 303


def _draft_ready(client: TestClient, world: World) -> tuple[str, str]:
    """A list uploaded in the wizard with its columns chosen: its address and a form token."""
    page = client.get(f"/incidents/{world.incident_id}/imports/new", headers=EN)
    uploaded = client.post(
        f"/incidents/{world.incident_id}/imports",
        data={"kind": "host_authority", "csrf_token": form_token(page.text)},
        files={"file": ("ice.csv", rows_csv(HEADER, ROWS), "text/csv")},
    )
    assert uploaded.status_code == 303, uploaded.text
    base = uploaded.headers["location"].rsplit("/", 1)[0]
    html = client.get(f"{base}/columns", headers=EN).text
    fields = ["host_identifier", "full_name", "date_of_birth", "nationality", "facility"]
    saved = client.post(
        f"{base}/columns",
        data={
            "csrf_token": form_token(html),
            "kind": "host_authority",
            "date_format": "%m/%d/%Y",
            **{f"field-{i}": field for i, field in enumerate(fields)},
        },
    )
    assert saved.status_code == 303, saved.text
    return base, form_token(html)


@sqlite_only
def test_reconciling_in_the_wizard_lets_others_write_meanwhile(
    browser: TestClient, db_url: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(browser)
    base, token = _draft_ready(browser, world)
    seen: list[bool] = []
    monkeypatch.setattr(drafts, "link_rows", _probing(db_url, drafts.link_rows, seen))
    reconciled = browser.post(f"{base}/reconcile", data={"csrf_token": token})
    assert reconciled.status_code == 303, reconciled.text
    assert seen == [True]
    review = browser.get(f"{base}/review", headers=EN).text
    assert "1 row matches a person in the registry." in review
    assert "1 row is doubtful" in review


@sqlite_only
def test_a_list_changed_while_it_was_reconciled_is_reconciled_again(
    browser: TestClient,
    db_url: str,
    world: World,
    factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in(browser)
    base, token = _draft_ready(browser, world)
    real = drafts.link_rows

    def changed_meanwhile(db: Session, rows: Any, **options: Any) -> Any:
        # The officer's other tab changes the columns while this one reconciles.
        with unit_of_work(factory) as other:
            draft = other.scalars(select(ImportDraft)).one()
            drafts.leave_out_invalid(other, draft, True)
        return real(db, rows, **options)

    monkeypatch.setattr(drafts, "link_rows", changed_meanwhile)
    refused = browser.post(f"{base}/reconcile", data={"csrf_token": token}, headers=KO)
    assert refused.status_code == 409
    assert "대조하는 동안 명단이 바뀌었습니다" in refused.text
    with factory() as db:
        assert db.scalars(select(ImportDraft)).one().links is None


@sqlite_only
def test_a_list_imported_through_the_api_is_reconciled_without_the_write_lock(
    app_client: TestClient, db_url: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(service, "link_rows", _probing(db_url, service.link_rows, seen))
    answer = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        data={"kind": "host_authority", "date_format": "%m/%d/%Y"},
        files={"file": ("ice.csv", rows_csv(HEADER, ROWS), "text/csv")},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert answer.status_code == 201, answer.text
    assert seen == [True]
    assert answer.json()["linked"] == 1 and answer.json()["review"] == 1


@sqlite_only
def test_the_same_file_imported_twice_at_once_lands_once(
    app_client: TestClient,
    db_url: str,
    world: World,
    factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = service.link_rows
    body = rows_csv(HEADER, ROWS)

    def other_import_lands_first(db: Session, rows: Any, **options: Any) -> Any:
        monkeypatch.setattr(service, "link_rows", real)
        first = app_client.post(
            f"/api/v1/incidents/{world.incident_id}/lists",
            data={"kind": "host_authority", "date_format": "%m/%d/%Y"},
            files={"file": ("ice.csv", body, "text/csv")},
            headers={"Authorization": f"Bearer {world.token}"},
        )
        assert first.status_code == 201, first.text
        return real(db, rows, **options)

    monkeypatch.setattr(service, "link_rows", other_import_lands_first)
    second = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        data={"kind": "host_authority", "date_format": "%m/%d/%Y"},
        files={"file": ("ice-again.csv", body, "text/csv")},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert second.status_code == 409
    assert "was already imported into this incident" in second.json()["message"]
    with factory() as db:
        assert len(db.scalars(select(SourceList)).all()) == 1


@sqlite_only
def test_screening_a_plan_holds_no_write_lock(
    app_client: TestClient, db_url: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(
        screening_api, "parse_plan", _probing(db_url, screening_api.parse_plan, seen)
    )
    plan = rows_csv(
        ["worker", "entry_status", "activity", "stay_days"], [["W1", "ESTA", "installation", "30"]]
    )
    answer = app_client.post(
        "/api/v1/screen",
        files={"file": ("plan.csv", plan, "text/csv")},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert answer.status_code in (200, 422), answer.text
    assert seen == [True]
