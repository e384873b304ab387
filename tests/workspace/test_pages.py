"""The web workspace: signing in and out, forms protected, Korean and English, error pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import WebSession
from consular.config import Settings
from consular.db import utcnow
from consular.i18n import catalog_path
from consular.notifications import messages
from consular.web.pages import TEMPLATE_FOLDERS
from consular.web.reasons import REASONS, STATES
from tests.conftest import World
from tests.factories import rows_csv, user_with_token
from tests.workspace.client import PASSWORD, form_token, sign_in

ROOT = Path(__file__).parents[2]


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


def test_the_language_follows_the_browser_and_then_the_users_choice(
    browser: TestClient,
) -> None:
    english = browser.get("/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.headers["content-language"] == "en" and "User name" in english.text
    korean = browser.get("/sign-in", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert "사용자 이름" in korean.text
    sign_in(browser)
    token = form_token(browser.get("/").text)
    switched = browser.post("/language", data={"language": "en", "csrf_token": token, "next": "/"})
    assert switched.status_code == 303
    # The choice sticks, whatever the browser says.
    page = browser.get("/", headers={"Accept-Language": "ko-KR"})
    assert "Open incidents" in page.text and "진행 중인 사건" not in page.text


def test_a_form_without_its_token_is_refused_and_changes_nothing(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    browser.get("/sign-in")
    forged = browser.post(
        "/sign-in", data={"name": "officer.kim", "password": PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 400 and "입력 양식이 만료되었습니다" in forged.text
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(WebSession)) == 0
    sign_in(browser)
    out = browser.post("/sign-out", data={"csrf_token": "forged"})
    assert out.status_code == 400
    assert browser.get("/").status_code == 200  # still signed in


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


def test_unknown_pages_answer_a_page_in_the_users_language(browser: TestClient) -> None:
    korean = browser.get("/no-such-page")
    assert korean.status_code == 404 and "페이지를 찾을 수 없습니다" in korean.text
    english = browser.get("/no-such-page", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "Page not found" in english.text
    api = browser.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json() == {"error": "not_found", "message": "Not Found"}


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
    page = browser.get("/").text
    assert "Ellabell" not in page and "소속 공관에 진행 중인 사건이 없습니다" in page


def test_every_string_of_the_pages_is_translated_into_korean() -> None:
    with catalog_path("ko").open("rb") as handle:
        catalog = read_po(handle)
    used = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for folder in TEMPLATE_FOLDERS
        for message in extract_from_dir(
            str(folder),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert used, "no strings found in the templates"
    # The Python modules whose strings `make messages` extracts (babel.cfg), N_() included.
    modules = re.findall(r"^\[python: (.+)\]$", (ROOT / "babel.cfg").read_text(), re.M)
    assert "consular/reentry/report.py" in modules
    for module in modules:
        used |= {
            message[1] if isinstance(message[1], str) else message[1][0]
            for message in extract_from_file(
                "python", str(ROOT / module), keywords={"_": None, "N_": None, "gettext": None}
            )
        }
    used |= {sentence for _, sentence in REASONS} | set(STATES.values())
    used |= {*messages.EVENTS.values(), messages.SUBJECT, messages.FOOTER, messages.UNKNOWN_PLACE}
    untranslated = sorted(
        text
        for text in used
        if (entry := catalog.get(text)) is None
        or not (entry.string if isinstance(entry.string, str) else all(entry.string))
    )
    assert untranslated == []


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
    assert "사건 1건" in stewart.text and "PARK JIHYE" in stewart.text
    assert "LEE SEONGHO" not in stewart.text
    export = browser.get(f"{url}/cases.csv", params={"facility": "Folkston ICE Processing Center"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == '"number","name","date_of_birth","state","facility","disposition","overdue"'
    assert len(lines) == 3 and all("Folkston" in line for line in lines[1:])
    with factory() as db:
        exported = db.scalar(select(AuditEvent).where(AuditEvent.tag == "incidents:cases:export"))
    assert exported is not None and exported.actor == "officer.kim"
    assert exported.diff["rows"] == 2


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


def _first_case(browser: TestClient, world: World) -> str:
    page = browser.get(f"/incidents/{world.incident_id}").text
    found = re.search(r'href="/cases/([0-9a-f-]+)"', page)
    assert found, page
    return found.group(1)


def test_an_officer_moves_a_case_and_completes_a_checklist_item_on_its_page(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Rights checklist" in page.text
    token = form_token(page.text)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    # The list gave a facility, so the person can be marked located; a jump is not offered.
    assert 'name="to" value="located"' in page.text
    assert 'name="to" value="departed"' not in page.text
    moved = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "located", "version": version.group(1), "csrf_token": token},
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/cases/{case_id}"
    done = browser.post(
        f"/cases/{case_id}/milestones/consular_visit",
        data={"evidence": "visited at Folkston", "csrf_token": token},
    )
    assert done.status_code == 303
    after = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    assert "<strong>Located</strong>" in after
    assert "by officer.kim" in after
    assert "cases:case:transition" in after and "cases:milestone:complete" in after
    # The same form sent again carries the old version: refused, nothing changed.
    stale = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "consular_access", "version": version.group(1), "csrf_token": token},
    )
    assert stale.status_code == 409 and "변경하지 않았습니다" in stale.text


def test_the_host_number_is_masked_until_shown_and_the_reveal_is_audited(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    header = ("id", "full_name", "date_of_birth", "nationality", "facility", "a_number")
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston", "A123456789"]]
    _import_host_list(browser, world, rows, header)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}").text
    assert "A123456789" not in page and "789" in page
    shown = browser.post(f"/cases/{case_id}/reveal", data={"csrf_token": form_token(page)})
    assert shown.status_code == 200 and "A123456789" in shown.text
    with factory() as db:
        reveals = db.scalars(
            select(AuditEvent.actor).where(AuditEvent.tag == "cases:identifier:reveal")
        ).all()
    assert reveals == ["officer.kim"]


def test_a_case_of_another_post_is_not_found(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    from tests.factories import HOUSTON

    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    user_with_token(factory, "officer.houston2", "officer", post=HOUSTON)
    sign_in(browser, name="officer.houston2")
    assert browser.get(f"/cases/{case_id}").status_code == 404
    token = form_token(browser.get("/").text)
    for path, data in (
        (f"/cases/{case_id}/transition", {"to": "located", "version": "1"}),
        (f"/cases/{case_id}/notes", {"body": "hello"}),
        (f"/cases/{case_id}/reveal", {}),
    ):
        answer = browser.post(path, data={**data, "csrf_token": token})
        assert answer.status_code == 404, path


def test_notes_are_saved_and_an_empty_one_is_refused(browser: TestClient, world: World) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    token = form_token(browser.get(f"/cases/{case_id}").text)
    empty = browser.post(f"/cases/{case_id}/notes", data={"body": "  ", "csrf_token": token})
    assert empty.status_code == 400 and "메모가 비어 있습니다" in empty.text
    saved = browser.post(
        f"/cases/{case_id}/notes",
        data={"body": "Wife called; <b>asks</b> about medication", "csrf_token": token},
    )
    assert saved.status_code == 303
    page = browser.get(f"/cases/{case_id}").text
    assert "Wife called; &lt;b&gt;asks&lt;/b&gt; about medication" in page  # escaped, not HTML


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


def test_the_registry_is_searched_by_name_in_either_script_and_by_birth_date(
    browser: TestClient,
) -> None:
    sign_in(browser)
    by_hangul = browser.get("/persons", params={"name": "이성호"})
    assert by_hangul.status_code == 200 and "LEE SEONGHO (이성호)" in by_hangul.text
    assert "M12345678" not in by_hangul.text and "678" in by_hangul.text  # masked
    by_date = browser.get("/persons", params={"date_of_birth": "1990-01-02"}).text
    assert by_date.count('href="/persons/') == 2  # the two KIM MINJUNs
    bad = browser.get("/persons", params={"date_of_birth": "02/01/1990"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    person = re.search(r'href="(/persons/[^"]+)"', by_hangul.text)
    assert person
    page = browser.get(person.group(1), headers={"Accept-Language": "en"}).text
    assert "HL Battery" in page and "Deployments" in page


def test_employer_hr_sees_no_registry_page_not_even_its_own_workers(
    browser: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    lee = re.search(r'href="(/persons/[^"]+)"', browser.get("/persons?name=이성호").text)
    park = re.search(r'href="(/persons/[^"]+)"', browser.get("/persons?name=박지혜").text)
    assert lee and park
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    sign_in(browser, name="hr.daewon")
    assert browser.get(park.group(1)).status_code == 404  # PARK JIHYE works for Daewon
    other = browser.get(lee.group(1))  # LEE SEONGHO works for HL Battery
    assert other.status_code == 404 and "페이지를 찾을 수 없습니다" in other.text
    search = browser.get("/persons?name=PARK JIHYE")
    assert search.status_code == 404 and not re.search(r'href="/persons/[^"]', search.text)
    assert 'href="/persons"' not in browser.get("/").text


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
    assert again.status_code == 409 and "officer.new(이)라는 사용자가 이미 있습니다" in again.text

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


def test_custody_and_disposition_are_recorded_from_the_case_page(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}").text
    token = form_token(page)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    moved = browser.post(
        f"/cases/{case_id}/custody",
        data={
            "facility": "Stewart Detention Center",
            "kind": "transferred",
            "version": version.group(1),
            "csrf_token": token,
        },
    )
    assert moved.status_code == 303
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version and "Stewart Detention Center" in page
    empty = browser.post(
        f"/cases/{case_id}/custody",
        data={"facility": " ", "kind": "booked", "version": version.group(1), "csrf_token": token},
    )
    assert empty.status_code == 422 and "시설이 비어 있습니다" in empty.text
    decided = browser.post(
        f"/cases/{case_id}/disposition",
        data={
            "disposition": "voluntary_departure",
            "version": version.group(1),
            "csrf_token": token,
        },
    )
    assert decided.status_code == 303
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    assert "<dd>Voluntary departure</dd>" in page
    wrong = browser.post(
        f"/cases/{case_id}/disposition",
        data={"disposition": "deported", "version": "99", "csrf_token": token},
    )
    assert wrong.status_code == 409
