"""The workspace in a real browser: Debian's Chromium driven by Playwright, never a download."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from consular.config import Settings
from tests.conftest import World
from tests.factories import rows_csv, user_with_token

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct horse 1"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture
def server(db_url: str, world: World) -> Iterator[str]:
    """The real application under uvicorn on a loopback port, in a thread of this process."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser tests run once, on SQLite")
    from consular.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(Settings(database_url=db_url, secure_cookies=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture
def browser_page(server: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="ko-KR", base_url=server)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _sign_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sign-in")
    page.get_by_label("사용자 이름").fill(name)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()


def test_an_officer_works_a_case_in_the_browser(browser_page, server: str, world: World) -> None:  # type: ignore[no-untyped-def]
    import httpx

    header = ["id", "full_name", "date_of_birth", "nationality", "facility"]
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center"]]
    uploaded = httpx.post(
        f"{server}/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={"file": ("host.csv", rows_csv(header, rows), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("heading", name="진행 중인 사건").wait_for()
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name=re.compile("LEE SEONGHO")).click()
    page.get_by_role("button", name="다음 상태로: 소재 확인").click()
    page.get_by_text("소재 확인", exact=True).first.wait_for()
    assert page.locator("dd strong").inner_text() == "소재 확인"
    page.get_by_role("button", name="다음 상태로: 영사 접견").click()
    page.get_by_role("button", name="다음 상태로: 영사 접견").wait_for(state="detached")
    assert page.locator("dd strong").inner_text() == "영사 접견"
    row = page.locator("tr", has_text="영사 면회")
    row.get_by_label("조치 내용").fill("Folkston 면회")
    row.get_by_role("button", name="완료로 기록").click()
    assert "officer.kim" in page.locator("tr", has_text="영사 면회").first.inner_text()
    # The history says it in Korean, with the item and how it was done; no tag.
    done = page.locator("tr", has_text="권리 보장 점검표 항목 완료").inner_text()
    assert "항목: 영사 면회" in done and "조치 내용: Folkston 면회" in done
    assert page.get_by_text("cases:milestone:complete").count() == 0
    # A family code: shown once at the top of the page, where the focus is, in groups.
    page.get_by_label("새 코드를 받을 사람").fill("김미영")
    page.get_by_role("button", name="코드 발급").click()
    issued = page.locator("#issued-code")
    issued.wait_for()
    assert page.evaluate("document.activeElement.id") == "issued-code"
    assert re.fullmatch(
        r"([2-9A-HJKMNP-TV-Z]{4}-){4}[2-9A-HJKMNP-TV-Z]{4}",
        issued.locator(".code").inner_text().replace(" ", ""),
    )
    page.reload()
    assert page.locator("#issued-code").count() == 0
    # Switch to English: the choice sticks on the next pages.
    page.get_by_label("언어", exact=True).select_option("en")
    page.get_by_role("button", name="바꾸기").click()
    page.get_by_role("heading", name="Rights checklist").wait_for()
    page.goto("/")
    page.get_by_role("heading", name="Open incidents").wait_for()
    # And back to Korean: the labels are Korean again.
    page.get_by_label("Language").select_option("ko")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("heading", name="진행 중인 사건").wait_for()
    assert page.get_by_role("link", name="현황판").count() == 1


def test_employer_hr_meets_not_found_for_another_companys_worker(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory
) -> None:
    import httpx

    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    found = httpx.get(
        f"{server}/api/v1/persons",
        params={"name": "LEE SEONGHO"},
        headers={"Authorization": f"Bearer {world.token}"},
    ).json()
    lee = found[0]["id"]
    page = browser_page
    _sign_in(page, "hr.daewon")
    response = page.goto(f"/persons/{lee}")
    assert response is not None and response.status == 404
    page.get_by_role("heading", name="페이지를 찾을 수 없습니다").wait_for()


def test_an_officer_imports_a_host_list_with_a_bad_row_through_the_wizard(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World
) -> None:
    header = ["A-Number", "Name", "DOB", "Citizenship", "Detention Facility"]
    rows = [
        ["A100", "LEE, SEONGHO", "03/14/1988", "KOR", "Folkston ICE Processing Center"],
        ["A101", "KIM, MIN JUN", "01/02/1990", "KOR", "Stewart Detention Center"],
        ["A102", "CHOI, DONG HYUN", "11/31/79", "KOR", "Folkston ICE Processing Center"],
    ]
    page = browser_page
    _sign_in(page, "officer.kim")
    page.get_by_role("link", name="Worksite raid").click()
    page.get_by_role("link", name="명단 가져오기").click()
    page.get_by_label("파일 (CSV 또는 XLSX, 첫 행은 머리글)").set_input_files(
        {"name": "ice-list.csv", "mimeType": "text/csv", "buffer": rows_csv(header, rows)}
    )
    page.get_by_role("button", name="올리고 계속").click()
    # The guessed columns and the US date format are already chosen.
    page.get_by_role("heading", name="각 열의 내용").wait_for()
    assert page.get_by_label("날짜 형식").input_value() == "%m/%d/%Y"
    page.get_by_role("button", name="저장하고 행 확인").click()
    # The bad row: its error in place, the cell marked, no way to reconcile yet.
    bad = page.locator("section#row-4")
    assert "dob: “11/31/79”는 MM/DD/YYYY 형식의 날짜가 아닙니다." in bad.inner_text()
    assert page.get_by_role("button", name="등록부와 대조").count() == 0
    cell = bad.locator("input[aria-invalid=true]")
    cell.fill("11/11/1979")
    bad.get_by_role("button", name="수정 저장").click()
    page.get_by_text("오류가 있는 행이 없습니다.").wait_for()
    page.get_by_role("button", name="등록부와 대조").click()
    # Review: the doubtful KIM MINJUN beside his two namesakes; accept the first.
    page.get_by_role("heading", name="대조 및 검토").wait_for()
    doubtful = page.locator("section#row-3")
    assert doubtful.locator(".candidate").count() == 2
    doubtful.get_by_role("button", name="이 사람이 맞음").first.click()
    page.get_by_text("결정: 이 사람이 맞음").wait_for()
    page.get_by_role("button", name="가져오기 확정").click()
    notice = page.get_by_role("status")
    assert "ice-list.csv" in notice.inner_text()
    assert "자동 연결 2행, 직접 결정 1행, 검토 대기 0행" in notice.inner_text()
    assert page.locator("table.cases tbody tr").count() == 3


def test_a_family_looks_up_the_status_with_a_code_in_the_browser(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory
) -> None:
    import httpx
    from sqlalchemy import select

    from consular.cases.models import Case
    from consular.config import Settings
    from consular.db import unit_of_work
    from consular.families.service import issue_code

    header = ["id", "full_name", "date_of_birth", "nationality", "facility"]
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center"]]
    uploaded = httpx.post(
        f"{server}/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={"file": ("host.csv", rows_csv(header, rows), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    with unit_of_work(factory) as db:
        case = db.scalars(select(Case)).one()
        code = issue_code(db, world.officer, Settings(), case.id, "김미영").code
    page = browser_page
    page.goto("/status")
    page.get_by_label("코드").fill(code.lower())
    page.get_by_label("생년월일 (YYYY-MM-DD)").fill("1988-03-14")
    page.get_by_role("button", name="상태 보기").click()
    page.get_by_text("Folkston ICE Processing Center에 구금 중").wait_for()
    assert "이성호" not in page.content() and "LEE" not in page.content()
    page.goto("/status")
    page.get_by_label("코드").fill(code)
    page.get_by_label("생년월일 (YYYY-MM-DD)").fill("1988-03-15")
    page.get_by_role("button", name="상태 보기").click()
    page.get_by_role("alert").wait_for()
    assert "이 코드와 생년월일로 찾은 상태가 없습니다" in page.get_by_role("alert").inner_text()


def test_an_employer_pastes_a_passport_zone_and_reads_the_verdict(  # type: ignore[no-untyped-def]
    browser_page, server: str, world: World, factory
) -> None:
    from tests.screening.test_deployments import td3

    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    page = browser_page
    _sign_in(page, "hr.battery")
    page.get_by_role("link", name="파견").click()
    page.get_by_role("heading", name="파견 및 비자 사전 심사").wait_for()
    page.get_by_label("여권 기계 판독 영역(두 줄)").fill(
        td3("HONG", "GILDONG", "M90000001", "880314", "M", "340101")
    )
    page.get_by_label("입국일").fill("2026-12-01")
    page.get_by_label("예정 종료일").fill("2027-01-15")
    page.get_by_label("입국 자격").select_option("b1")
    page.get_by_label("활동", exact=True).select_option("construction_labor")
    page.get_by_label("직접 작업 수행").check()
    page.get_by_role("button", name="등록 및 심사").click()
    row = page.locator("tr", has_text="HONG GILDONG")
    row.wait_for()
    assert "허용되지 않음" in row.inner_text()
    assert "건설 노동자는 방문자로 입국할 수 없습니다" in row.inner_text()
    assert "대신 필요한 자격: H-2B" in row.inner_text()
