"""What people type into the pages and the API is bounded by the column that keeps it, and
a name that is not what its column says is refused by row and column, in Korean too."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case, CaseNote
from consular.incidents.models import ImportDraft, Incident
from tests.cases.test_pages import _first_case
from tests.conftest import World
from tests.factories import auth, rows_csv
from tests.incidents.test_import_pages import _selected
from tests.incidents.test_pages import _import_host_list
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}


def test_the_wizard_names_the_row_and_column_of_a_hangul_name_that_is_not_hangul(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    page = browser.get(f"/incidents/{world.incident_id}/imports/new", headers=KO)
    header = ["번호", "성명", "생년월일", "국적"]
    rows = [["1", "김민준", "1990-01-02", "KOR"], ["2", "김 민 준", "1990-01-02", "KOR"]]
    uploaded = browser.post(
        f"/incidents/{world.incident_id}/imports",
        data={"kind": "employer", "csrf_token": form_token(page.text)},
        files={"file": ("명단.csv", rows_csv(header, rows), "text/csv")},
        headers=KO,
    )
    assert uploaded.status_code == 303, uploaded.text
    columns_url = uploaded.headers["location"]
    html = browser.get(columns_url, headers=KO).text
    assert _selected(html, "field-1") == "full_name_hangul"
    fields = {f"field-{i}": _selected(html, f"field-{i}") for i in range(len(header))}
    saved = browser.post(
        columns_url,
        data={"csrf_token": form_token(html), "kind": "employer", "date_format": "%Y-%m-%d"}
        | fields,
    )
    assert saved.status_code == 303, saved.text
    preview = browser.get(columns_url.replace("/columns", "/preview"), headers=KO)
    assert preview.status_code == 200, preview.text
    shown = re.search(r'<li id="row-3-error-성명">(.*?)</li>', preview.text)
    assert shown, preview.text
    assert "“김 민 준”은 한글 이름이 아닙니다" in shown.group(1)
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(ImportDraft)) == 1


def test_an_over_long_note_or_special_needs_is_refused_on_the_case_page_in_korean(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}", headers=KO).text
    note = browser.post(
        f"/cases/{case_id}/notes",
        data={"body": "가" * 10_001, "csrf_token": form_token(page)},
        headers=KO,
    )
    assert note.status_code == 422, note.text
    assert "메모: 10,001자로, 허용되는 10,000자보다 깁니다." in note.text
    version = re.search(
        r'action="/cases/[^"]+/travel"[^>]*>\s*<input[^>]*>\s*'
        r'<input type="hidden" name="version" value="(\d+)">',
        page,
    )
    assert version
    travel = browser.post(
        f"/cases/{case_id}/travel",
        data={
            "csrf_token": form_token(page),
            "travel_document": "passport_held",
            "special_needs": "wheelchair;" * 50,
            "version": version.group(1),
        },
        headers=KO,
    )
    assert travel.status_code == 422, travel.text
    assert "특별 지원 필요 사항: 550자로, 허용되는 500자보다 깁니다." in travel.text
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(CaseNote)) == 0
        assert db.scalar(select(Case.special_needs).where(Case.id == case_id)) == ""


def test_an_over_long_value_sent_to_the_api_is_a_422_naming_the_field(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    incident = {
        "title": "Raid",
        "host_country": "USA",
        "place": "Ellabell",
        "agency": "A" * 201,
        "started_at": "2025-09-04T10:00:00-04:00",
    }
    answer = app_client.post("/api/v1/incidents", json=incident, headers=auth(world.token))
    assert answer.status_code == 422, answer.text
    assert [f["field"] for f in answer.json()["fields"]] == ["body.agency"]
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Incident)) == 1  # the world's own
