"""Every answer says: never frame me, never sniff me, run nothing but this site's own files,
and (where it may carry personal data) never store me."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from consular.config import Settings
from consular.web.pages import TEMPLATE_FOLDERS
from tests.conftest import World
from tests.web.client import form_token, sign_in

POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)


@pytest.fixture
def app(db_url: str, world: World) -> Iterator[FastAPI]:
    from consular.app import create_app

    app = create_app(Settings(database_url=db_url))

    @app.get("/broken-page")
    def broken_page() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/v1/broken")
    def broken_api() -> None:
        raise RuntimeError("a bug")

    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client


def _protected(response: Response, *, cached: bool = False) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["content-security-policy"] == POLICY
    if cached:
        assert "no-store" not in response.headers.get("cache-control", "")
    else:
        assert response.headers["cache-control"] == "no-store"


def test_pages_exports_and_the_api_carry_the_headers(client: TestClient, world: World) -> None:
    _protected(client.get("/sign-in"))
    sign_in(client)
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    _protected(dashboard)
    export = client.get(f"/incidents/{world.incident_id}/cases.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    _protected(export)
    bearer = {"Authorization": f"Bearer {world.token}"}
    api = client.get("/api/v1/incidents", headers=bearer)
    assert api.status_code == 200
    _protected(api)
    _protected(client.get("/api/v1/incidents"))  # 401: still never stored
    # Nothing personal: the health check, the API's description and the stylesheet may be kept.
    _protected(client.get("/api/v1/health"), cached=True)
    _protected(client.get("/api/v1/openapi.json"), cached=True)
    _protected(client.get("/static/app.css"), cached=True)


def test_the_public_status_page_carries_the_headers(client: TestClient) -> None:
    form = client.get("/status")
    assert form.status_code == 200
    _protected(form)
    answer = client.post(
        "/status",
        data={
            "code": "NOPE-NOPE",
            "date_of_birth": "1988-03-14",
            "csrf_token": form_token(form.text),
        },
    )
    assert answer.status_code in (200, 404)
    _protected(answer)


def test_not_found_and_server_error_pages_carry_the_headers(client: TestClient) -> None:
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    _protected(missing)
    _protected(client.get("/api/v1/no-such-thing"))
    broken = client.get("/broken-page")
    assert broken.status_code == 500 and "<html" in broken.text
    _protected(broken)
    broken_api = client.get("/api/v1/broken")
    assert broken_api.status_code == 500 and broken_api.json()["error"] == "internal"
    _protected(broken_api)


def test_no_template_carries_inline_script_or_style() -> None:
    inline = re.compile(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)
    found = {
        path.name: inline.findall(path.read_text(encoding="utf-8"))
        for folder in TEMPLATE_FOLDERS
        for path in folder.glob("*.html")
    }
    # The manifest and the visit roster inline their stylesheet only when written to a file,
    # never when served.
    assert found.pop("manifest.html") == ["<style"]
    assert found.pop("roster.html") == ["<style"]
    assert {name: hits for name, hits in found.items() if hits} == {}
