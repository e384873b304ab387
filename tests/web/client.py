"""Signing in to the workspace from a test client, as a browser would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse 1"  # tests.factories gives every user this password


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(client: TestClient, name: str = "officer.kim", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = form_token(client.get("/sign-in").text)
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token})
