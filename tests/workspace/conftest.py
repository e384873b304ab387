"""The workspace's pages through a test client that keeps cookies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from consular.config import Settings
from tests.conftest import World


@pytest.fixture
def browser(db_url: str, world: World) -> Iterator[TestClient]:
    """A client that keeps cookies, over HTTPS as in production (cookies are Secure)."""
    from consular.app import create_app

    app = create_app(Settings(database_url=db_url, sign_in_attempts=3))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()
