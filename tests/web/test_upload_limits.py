"""Uploads within bounds: files beyond a limit refused by name, bodies cut before sign-in."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator

import httpx
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.config import Settings
from consular.incidents.models import ImportDraft
from tests.conftest import World
from tests.factories import rows_csv
from tests.web.client import form_token, sign_in

CAP = 64 * 1024
LIMITED = {"max_import_rows": 100, "max_request_bytes": CAP, "max_upload_bytes": 32 * 1024}


@pytest.fixture
def limited_app(db_url: str, world: World) -> Iterator[FastAPI]:
    from consular.app import create_app

    app = create_app(Settings(database_url=db_url, **LIMITED))  # type: ignore[arg-type]
    yield app
    app.state.engine.dispose()


@pytest.fixture
def limited_browser(limited_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(limited_app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _many_rows_workbook(rows: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet("Plan")
    worksheet.append(["id", "nationality", "entry_date", "planned_days", "activity"])
    for number in range(rows):
        worksheet.append([f"T-{number}", "KOR", "2025-10-01", 30, "installation"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_api_refuses_a_plan_of_too_many_rows_naming_the_limit(
    limited_browser: TestClient, world: World
) -> None:
    data = _many_rows_workbook(600)  # about 20 KB sent, 600 rows inside

    answer = limited_browser.post(
        "/api/v1/screen",
        files={"file": ("plan.xlsx", data)},
        headers={"Authorization": f"Bearer {world.token}"},
    )

    assert answer.status_code == 422
    assert answer.json() == {
        "error": "table.too_many_rows",
        "message": "plan.xlsx (sheet “Plan”) has more than 100 rows "
        "(the limit is CONSULAR_MAX_IMPORT_ROWS=100): split it.",
        "params": {
            "file": "plan.xlsx (sheet “Plan”)",
            "count": "100",
            "limit": "CONSULAR_MAX_IMPORT_ROWS=100",
        },
    }


def test_the_wizard_refuses_a_list_over_the_row_limit_in_korean_and_keeps_nothing(
    limited_browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(limited_browser)
    page = limited_browser.get(f"/incidents/{world.incident_id}/imports/new")
    rows = [[f"A{n}", "KIM, MIN JUN", "01/02/1990", "KOR", "Stewart"] for n in range(101)]

    answer = limited_browser.post(
        f"/incidents/{world.incident_id}/imports",
        data={"kind": "host_authority", "csrf_token": form_token(page.text)},
        files={"file": ("ice-list.csv", rows_csv(["id", "name", "dob", "nat", "fac"], rows))},
    )

    assert answer.status_code == 422
    assert "ice-list.csv 파일의 행이 100개를 넘습니다(한도: CONSULAR_MAX_IMPORT_ROWS=100)" in (
        answer.text
    )
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(ImportDraft)) == 0


class _Body:
    """A multipart upload of one large file sent in chunks, counting what the server took."""

    head = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nid,name\r\n"
    )

    def __init__(self, total: int, chunk: int = 16 * 1024) -> None:
        self.total, self.chunk, self.consumed = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.consumed += len(self.head)
        yield self.head
        while self.consumed < self.total:
            self.consumed += self.chunk
            yield b"1,KIM\r\n" * (self.chunk // 7)
        yield b"\r\n--b--\r\n"


def _post(app: FastAPI, path: str, body: _Body, headers: dict[str, str]) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            return await client.post(path, content=body, headers=headers)

    return asyncio.run(send())


MULTIPART = {"Content-Type": "multipart/form-data; boundary=b", "Accept-Language": "ko"}


@pytest.mark.parametrize("path", ["/incidents/x/imports", "/api/v1/screen"])
def test_an_unauthenticated_streamed_body_is_cut_at_the_cap(
    limited_app: FastAPI, path: str
) -> None:
    body = _Body(16 * 2**20)

    answer = _post(limited_app, path, body, MULTIPART)

    assert answer.status_code == 413
    assert body.consumed <= CAP + body.chunk  # not 16 MB
    if path.startswith("/api/"):
        assert answer.json() == {
            "error": "too_large",
            "message": "the request is larger than 65,536 bytes (the limit is "
            f"CONSULAR_MAX_REQUEST_BYTES={CAP}); nothing was read",
        }
    else:
        assert answer.headers["content-language"] == "ko"
        assert "파일이 너무 큽니다" in answer.text


@pytest.mark.parametrize("path", ["/incidents/x/imports", "/api/v1/screen"])
def test_a_declared_length_over_the_cap_is_refused_before_reading(
    limited_app: FastAPI, path: str
) -> None:
    body = _Body(200 * 2**20)

    answer = _post(limited_app, path, body, {**MULTIPART, "Content-Length": str(200 * 2**20)})

    assert answer.status_code == 413
    assert body.consumed == 0
    assert answer.headers["connection"] == "close"


def test_a_body_within_the_cap_reaches_the_route(limited_app: FastAPI) -> None:
    body = _Body(CAP // 2)

    answer = _post(limited_app, "/api/v1/screen", body, MULTIPART)

    assert answer.status_code == 401  # read whole, then refused for want of a token
