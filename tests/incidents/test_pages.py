"""The incidents' pages: the dashboard, an incident with its cases, the review queue."""

from __future__ import annotations

import csv
import html
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import auth, rows_csv, user_with_token
from tests.web.client import form_token, sign_in


def test_overdue_rights_deadlines_are_counted_on_the_dashboard(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world, HOST_ROWS[:1])
    sign_in(browser)
    page = browser.get("/", headers={"Accept-Language": "en"}).text
    assert "1 case has a rights deadline past due" in page
    assert re.search(r"<td>Reported</td><td class=\"number\">1</td>", page), page


def test_employer_hr_sees_no_incident_of_the_post(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    sign_in(browser, name="hr.daewon")
    home = browser.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/deployments"
    page = browser.get("/deployments").text
    assert "Ellabell" not in page and "소속 공관에 진행 중인 사건이 없습니다" not in page


HOST_ROWS = [
    ["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center"],
    ["H2", "PARK, JI HYE", "1995-07-30", "KOR", "Stewart Detention Center"],
    ["H3", "CHOI, DONG HYUN", "1979-11-11", "KOR", "Folkston ICE Processing Center"],
]


def _import_host_list(
    client: TestClient,
    world: World,
    rows: list[list[str]] = HOST_ROWS,
    header: tuple[str, ...] = ("id", "full_name", "date_of_birth", "nationality", "facility"),
) -> None:
    uploaded = client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={"file": ("host.csv", rows_csv(list(header), rows), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text


def test_the_incident_page_lists_filters_and_exports_its_cases(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}"
    page = browser.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "host.csv" in page.text and "Host authority" in page.text
    assert "3 cases" in page.text and "LEE SEONGHO (이성호)" in page.text
    stewart = browser.get(url, params={"facility": "Stewart Detention Center"})
    assert "조력 1건" in stewart.text and "PARK JIHYE" in stewart.text
    assert "LEE SEONGHO" not in stewart.text
    export = browser.get(
        f"{url}/cases.csv",
        params={"facility": "Folkston ICE Processing Center"},
        headers={"Accept-Language": "en"},
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        '"No.","Name","Date of birth","state","State","Facility","disposition","Disposition",'
        '"overdue","Past due","id"'
    )
    assert len(lines) == 3 and all("Folkston" in line for line in lines[1:])
    assert all('"reported","Reported"' in line for line in lines[1:])
    # In Korean: the headers and the states in words, the codes in their own columns.
    korean = browser.get(f"{url}/cases.csv", headers={"Accept-Language": "ko"})
    table = list(csv.reader(io.StringIO(korean.content.decode("utf-8-sig"))))
    assert table[0] == [
        "번호", "이름", "생년월일", "state", "상태", "구금 시설",
        "disposition", "처분", "overdue", "기한 초과", "id",
    ]  # fmt: skip
    assert {(row[3], row[4]) for row in table[1:]} == {("reported", "신고됨")}
    with factory() as db:
        exported = db.scalar(select(AuditEvent).where(AuditEvent.tag == "incidents:cases:export"))
    assert exported is not None and exported.actor == "officer.kim"
    assert exported.diff == {"rows": 2, "facility": "Folkston ICE Processing Center"}


def test_the_cases_export_through_the_api_is_in_the_language_asked_and_audited(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_host_list(app_client, world)
    url = f"/api/v1/incidents/{world.incident_id}/cases.csv"
    answer = app_client.get(url, params={"lang": "ko"}, headers=auth(world.token))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table[0][3:5] == ["state", "상태"] and len(table) == 4
    assert app_client.get(url, headers=auth(world.houston_token)).status_code == 404
    with factory() as db:
        exported = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "incidents:cases:export")
        ).one()
    assert exported.actor == "officer.kim" and exported.diff == {"rows": 3}


def test_another_posts_incident_is_not_found_for_an_officer(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    from tests.factories import HOUSTON

    user_with_token(factory, "officer.houston2", "officer", post=HOUSTON)
    sign_in(browser, name="officer.houston2")
    for path in (f"/incidents/{world.incident_id}", f"/incidents/{world.incident_id}/cases.csv"):
        response = browser.get(path)
        assert response.status_code == 404 and "페이지를 찾을 수 없습니다" in response.text
    assert browser.get("/incidents/no-such-incident").status_code == 404


def test_an_officer_settles_the_review_queue_on_its_page(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    from consular.cases.models import Case

    rows = [
        ["H1", "KIM, MIN JUN", "1990-01-02", "KOR"],  # two namesakes born that day
        ["H2", "HAN, BOKNAM", "1970-02-02", "KOR"],  # nobody in the registry
    ]
    _import_host_list(browser, world, rows, ("id", "full_name", "date_of_birth", "nationality"))
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    page = browser.get(url, headers={"Accept-Language": "en"}).text
    assert "2 rows wait for a decision." in page
    assert page.count("This is the person") == 2  # the two KIM MINJUNs side by side
    assert "Daewon Install" in page and "HL Battery" in page
    token = form_token(page)
    forms = re.findall(
        r'action="(/incidents/[^"]+/review/[^"]+)">\s*<input type="hidden" name="csrf_token"'
        r'[^>]*>\s*<input type="hidden" name="action" value="accept">\s*'
        r'<input type="hidden" name="person_id" value="([^"]+)">',
        page,
    )
    assert len(forms) == 2
    action, person_id = forms[0]
    accepted = browser.post(
        action, data={"action": "accept", "person_id": person_id, "csrf_token": token}
    )
    assert accepted.status_code == 303
    again = browser.post(
        action, data={"action": "accept", "person_id": person_id, "csrf_token": token}
    )
    assert again.status_code == 409 and "결정을 저장하지 않았습니다" in again.text
    han = re.search(r'action="(/incidents/[^"]+/review/[^"]+)"', browser.get(url).text)
    assert han
    created = browser.post(han.group(1), data={"action": "new_person", "csrf_token": token})
    assert created.status_code == 303
    assert "결정을 기다리는 행 0개" in browser.get(url).text
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 2


def test_the_review_queue_says_why_a_likely_namesake_was_not_linked(
    browser: TestClient, world: World
) -> None:
    # LEE SEONGHO is registered born 1988-03-14; the list says 1986-03-14.
    rows = [["H1", "LEE, SEONGHO", "1986-03-14", "KOR"]]
    _import_host_list(browser, world, rows, ("id", "full_name", "date_of_birth", "nationality"))
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    korean = browser.get(url, headers={"Accept-Language": "ko"}).text
    assert "자동으로 연결하지 않았습니다. 생년월일이 다르고(1986-03-14 / 1988-03-14)" in korean
    assert "동명이인일 수 있습니다" in korean
    english = browser.get(url, headers={"Accept-Language": "en"}).text
    assert "the date of birth differs (1986-03-14 / 1988-03-14)" in english


def explanations(page: str) -> list[str]:
    """The candidates' explanations on a page, as the reader sees them."""
    found = re.findall(r'<p class="explanation">(.*?)</p>', page, re.S)
    return [html.unescape(text).strip() for text in found]


def test_the_review_queue_explains_its_candidates_in_the_readers_language(
    browser: TestClient, world: World
) -> None:
    rows = [["H1", "KIM, MIN JUN", "1990-01-02", "KOR"], ["H2", "LEE, SEONGHO", "1986-03-14", ""]]
    _import_host_list(browser, world, rows, ("id", "full_name", "date_of_birth", "nationality"))
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    korean = explanations(browser.get(url, headers={"Accept-Language": "ko"}).text)
    assert len(korean) == 3 and all(text for text in korean)
    assert not [word for text in korean for word in re.findall(r"[a-z]{2,}", text)], korean
    assert "이름: 일치 (KIM MIN JUN / 김민준 KIM MINJUN, 등록부에 같은 이름 2명)" in korean[0]
    assert "생년월일: 일치 (1990-01-02 / 1990-01-02)" in korean[0]
    assert "생년월일: 한 자리 다름 (1986-03-14 / 1988-03-14)" in korean[2]
    english = explanations(browser.get(url, headers={"Accept-Language": "en"}).text)
    assert "Date of birth: one digit off (1986-03-14 / 1988-03-14)" in english[2]


def test_the_dashboard_draws_cases_by_state_over_the_last_days(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    page = browser.get("/", headers={"Accept-Language": "en"}).text
    assert "<svg" in page and "over the last 14 days" in page
    today = re.findall(r"<title>(\d{4}-\d\d-\d\d) · Reported: (\d+)</title>", page)
    assert today and today[-1][1] == "3"


def test_cases_are_filtered_by_employer_and_sorted_on_the_incident_page(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}"
    page = browser.get(url).text
    daewon = re.search(r'<option value="([^"]+)">Daewon Install</option>', page)
    assert daewon
    only = browser.get(url, params={"employer": daewon.group(1)}).text
    assert "PARK JIHYE" in only and "LEE SEONGHO" not in only and "CHOI DONGHYUN" not in only
    by_name = browser.get(url, params={"sort": "name"}).text
    names = re.findall(r'href="/cases/[^"]+">([A-Z]+) ', by_name)
    assert names == ["CHOI", "LEE", "PARK"]
    by_number = re.findall(r'href="/cases/[^"]+">([A-Z]+) ', browser.get(url).text)
    assert by_number == ["LEE", "PARK", "CHOI"]  # the list's order: case numbers
    csv_text = browser.get(f"{url}/cases.csv", params={"sort": "name"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert [row[1].split(" ")[0] for row in rows[1:]] == [
        "CHOI",
        "LEE",
        "PARK",
    ]
