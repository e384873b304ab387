"""A page number out of bounds, or any query value a page cannot use, is answered by a page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from consular.api_schema import MAX_PAGE
from tests.conftest import World
from tests.workspace.client import sign_in

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("value", [str(2**63), str(2**63 - 1), str(MAX_PAGE + 1), "0", "two"])
def test_a_page_number_out_of_bounds_is_answered_with_a_page_naming_it(
    browser: TestClient, world: World, value: str
) -> None:
    sign_in(browser)
    response = browser.get(f"/incidents/{world.incident_id}", params={"page": value}, headers=EN)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "This address cannot be shown" in response.text
    assert "<code>page</code>" in response.text
    korean = browser.get(f"/incidents/{world.incident_id}", params={"page": value})
    assert korean.status_code == 422 and "이 주소는 열 수 없습니다" in korean.text


def test_the_last_allowed_page_number_shows_the_incident(browser: TestClient, world: World) -> None:
    sign_in(browser)
    response = browser.get(f"/incidents/{world.incident_id}", params={"page": MAX_PAGE})
    assert response.status_code == 200
