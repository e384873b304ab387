"""The employer's deployments page: register a worker from the passport zone, upload a
file, read each trip's verdict and what to fix, in Korean or English."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.factories import rows_csv, user_with_token
from tests.screening.test_deployments import FILE_HEADER, FILE_ROWS, INSTALLER
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


def test_an_employer_registers_a_worker_and_reads_what_to_fix(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    page = browser.get("/deployments", headers=EN).text
    assert "Register a worker and the trip" in page
    form = {k: v for k, v in INSTALLER.items() if v != "no"}
    form["planned_end"] = "2027-04-01"  # 121 days: too long for ESTA
    form["csrf_token"] = form_token(page)
    saved = browser.post("/deployments", data=form)
    assert saved.status_code == 303
    page = html.unescape(browser.get("/deployments", headers=EN).text)
    assert "HONG GILDONG" in page and "Not permitted" in page
    assert "ESTA allows at most 90 days per entry, with no extension; the plan is 121 days." in page
    assert "Travel on instead: B-1" in page
    korean = html.unescape(browser.get("/deployments").text)
    assert "ESTA는 입국당 최대 90일이며 연장할 수 없습니다. 계획은 121일입니다." in korean
    assert "대신 필요한 자격: B-1" in korean

    broken = {**form, "mrz": INSTALLER["mrz"][:-1] + "X", "csrf_token": form_token(page)}
    refused = browser.post("/deployments", data=broken)
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "저장되지 않았습니다. 아래를 고친 뒤 다시 보내십시오." in text
    assert "여권 기계 판독 영역(두 줄)" in text


def test_a_file_with_a_bad_row_saves_nothing_and_says_where(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    page = browser.get("/deployments", headers=EN).text
    bad = [*FILE_ROWS, [*FILE_ROWS[1][:7], "digging", *FILE_ROWS[1][8:]]]
    refused = browser.post(
        "/deployments/import",
        data={"csrf_token": form_token(page)},
        files={"file": ("workers.csv", rows_csv(FILE_HEADER, bad))},
        headers=EN,
    )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Row 4, Activity: “digging” is not a known code" in text
    assert "YOON SEJIN" not in text
    saved = browser.post(
        "/deployments/import",
        data={"csrf_token": form_token(page)},
        files={"file": ("workers.csv", rows_csv(FILE_HEADER, FILE_ROWS))},
    )
    assert saved.status_code == 303
    page = html.unescape(browser.get("/deployments", headers=EN).text)
    assert "YOON SEJIN" in page and "Construction labour" in page
    assert page.index("YOON SEJIN") < page.index("KANG MIRAE")  # worst verdict first


def test_a_viewer_has_no_deployments_page(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "viewer.lee", "viewer")
    sign_in(browser, name="viewer.lee")
    assert browser.get("/deployments").status_code == 404


def test_a_plan_is_screened_on_the_page_and_comes_back_as_a_csv(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    page = browser.get("/deployments").text
    header = ["id", "nationality", *FILE_HEADER[6:15]]
    rows = [["T-1", "KOR", *FILE_ROWS[0][6:15]]]
    answer = browser.post(
        "/deployments/screen",
        data={"csrf_token": form_token(page)},
        files={"file": ("plan.csv", rows_csv(header, rows))},
    )
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"plan-screened.csv\"; filename*=UTF-8''plan-screened.csv"
    )
    text = answer.content.decode("utf-8-sig")
    assert (
        "T-1" in text
        and "not_permitted" in text
        and "건설 노동자는 방문자로 입국할 수 없습니다" in text
    )
    refused = browser.post(
        "/deployments/screen",
        data={"csrf_token": form_token(page)},
        files={"file": ("plan.csv", rows_csv(header, [[*rows[0][:3], "digging", *rows[0][4:]]]))},
        headers=EN,
    )
    assert refused.status_code == 422
    assert "Row 2, Activity: “digging” is not a known code" in html.unescape(refused.text)


def test_a_wrong_check_digit_in_the_passport_zone_reads_in_korean(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    sign_in(browser, name="hr.battery")
    page = browser.get("/deployments", headers=KO).text
    zone = INSTALLER["mrz"]
    wrong = str((int(zone[-1]) + 1) % 10)
    form = {k: v for k, v in INSTALLER.items() if v != "no"} | {"mrz": zone[:-1] + wrong}
    refused = browser.post("/deployments", data=form | {"csrf_token": form_token(page)}, headers=KO)
    assert refused.status_code == 422
    errors = re.search(r'<div class="error" role="alert">.*?<ul>(.*?)</ul>', refused.text, re.S)
    assert errors, refused.text
    said = html.unescape(re.sub(r"<[^>]+>", "", errors.group(1))).strip()
    assert said == (
        f"여권 기계 판독 영역(두 줄): 2번째 줄, 1-10, 14-20, 22-43번째 자리(종합): 검증 숫자가 "
        f"{wrong}인데 계산 값은 {zone[-1]}입니다. 여권과 글자를 대조하십시오."
    )
    assert re.findall(r"[A-Za-z]{2,}", said) == []
