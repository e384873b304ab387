"""The import wizard and the list page in Korean: a refused file, a cell that cannot be read,
a wrong choice of columns and a kept warning all read in Korean, with no English word left
but the file's own (its name, its headers, the values it holds)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.incidents.models import SourceList
from tests.conftest import World
from tests.factories import auth, rows_csv
from tests.incidents.test_import_pages import HOST_HEADER, HOST_ROWS, _selected
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}
# How a date format is written for a person (MM/DD/YYYY): notation, not English.
_FORMAT = re.compile(r"\b(?:YYYY|YY|MM|DD)\b")


def _english_words(text: str, *data: str) -> list[str]:
    """The Latin words of ``text`` once the file's own words are taken out."""
    for said in data:
        text = text.replace(said, "")
    return re.findall(r"[A-Za-z]{2,}", _FORMAT.sub("", text))


def _shown(page: str, pattern: str) -> str:
    found = re.search(pattern, page, flags=re.S)
    assert found, page
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def _upload(
    client: TestClient, world: World, name: str, content: bytes, kind: str = "host_authority"
):  # type: ignore[no-untyped-def]
    page = client.get(f"/incidents/{world.incident_id}/imports/new", headers=KO)
    return client.post(
        f"/incidents/{world.incident_id}/imports",
        data={"kind": kind, "csrf_token": form_token(page.text)},
        files={"file": (name, content, "text/csv")},
        headers=KO,
    )


def test_an_empty_file_is_refused_in_korean(browser: TestClient, world: World) -> None:
    sign_in(browser)
    refused = _upload(browser, world, "empty.csv", b"\n\n")
    assert refused.status_code == 422
    said = _shown(refused.text, r'<p class="error" role="alert">(.*?)</p>')
    assert said == "파일을 받지 않았습니다: empty.csv 파일이 비어 있습니다. 머리글 행이 없습니다."
    assert _english_words(said, "empty.csv") == []


def test_a_cell_that_is_no_date_and_a_wrong_choice_of_columns_read_in_korean(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    uploaded = _upload(browser, world, "ice-list.csv", rows_csv(HOST_HEADER, HOST_ROWS))
    assert uploaded.status_code == 303, uploaded.text
    columns_url = uploaded.headers["location"]
    page = browser.get(columns_url, headers=KO).text
    choice = {f"field-{i}": _selected(page, f"field-{i}") for i in range(len(HOST_HEADER))}
    form = {"csrf_token": form_token(page), "kind": "host_authority", "date_format": "%m/%d/%Y"}

    # The A-Number column said to hold the name too: the column as the file names it, the
    # field as the pages name it.
    twice = browser.post(columns_url, data=form | choice | {"field-0": "full_name"}, headers=KO)
    assert twice.status_code == 422
    said = _shown(twice.text, r'<div class="error" role="alert">.*?<ul>(.*?)</ul>')
    assert said == "name: “a_number” 열과 같이 성명 (로마자)를 담고 있습니다. 하나만 남기십시오."
    assert _english_words(said, "a_number", "name") == []
    # No column for a name at all: no column to name, and no field key either.
    nameless = {**choice, "field-1": ""}
    refused = browser.post(columns_url, data=form | nameless, headers=KO)
    assert refused.status_code == 422
    said = _shown(refused.text, r'<div class="error" role="alert">.*?<ul>(.*?)</ul>')
    assert said == "이름 열이 없습니다: 성명 열, 또는 성과 이름 열을 선택하십시오."

    saved = browser.post(columns_url, data=form | choice, headers=KO)
    assert saved.status_code == 303, saved.text
    preview = browser.get(columns_url.replace("/columns", "/preview"), headers=KO).text
    said = _shown(preview, r'<li id="row-5-error-dob">(.*?)</li>')
    assert said == "dob: “11/31/79”는 MM/DD/YYYY 형식의 날짜가 아닙니다."
    assert _english_words(said, "dob", "11/31/79") == []
    # Each column is shown with the field it holds, by the field's label.
    assert "성명 (로마자)" in preview and "full_name" not in preview


def test_a_warning_kept_with_a_list_reads_in_korean_on_the_list_page(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    content = rows_csv(
        ["id", "full_name", "date_of_birth", "nationality"],
        [["H1", "SEO, YUNA", "2052-11-15", "KOR"], ["H2", "KIM, MIN JUN", "1990-01-02", "KOR"]],
    )
    imported = browser.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers=auth(world.token),
        data={"kind": "host_authority"},
        files={"file": ("host.csv", content, "text/csv")},
    )
    assert imported.status_code == 201, imported.text
    report = imported.json()
    [warning] = report["warnings"]
    assert warning["message"] == "The date of birth “2052-11-15” is in the future."
    assert warning["code"] == "cell.future_birth" and warning["params"] == {"value": "2052-11-15"}

    sign_in(browser)
    url = f"/incidents/{world.incident_id}/lists/{report['source_list_id']}"
    page = browser.get(url, headers=KO).text
    said = _shown(page, r"<td>date_of_birth</td><td>(.*?)</td>")
    assert said == "생년월일 “2052-11-15”가 미래입니다."
    # A warning kept before warnings kept their code is shown as it was written.
    with factory() as db:
        source = db.get(SourceList, report["source_list_id"])
        assert source is not None
        source.warnings = [{"row": 2, "column": "date_of_birth", "message": "kept as said"}]
        db.commit()
    page = browser.get(url, headers=KO).text
    assert _shown(page, r"<td>date_of_birth</td><td>(.*?)</td>") == "kept as said"
