"""A page number out of bounds, or any query value a page cannot use, is answered by a page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.api_schema import MAX_PAGE
from tests.cases.test_workflow import open_one_case
from tests.conftest import World
from tests.web.client import sign_in

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
    assert response.status_code == 303  # within bounds: to the last page, here the first
    assert browser.get(response.headers["location"]).status_code == 200


def test_a_page_past_the_last_one_shows_the_last_page_not_an_empty_table(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    open_one_case(factory, world, facility="Folkston")
    sign_in(browser)
    url = f"/incidents/{world.incident_id}"
    response = browser.get(url, params={"page": 9, "facility": "Folkston"}, headers=EN)
    assert response.status_code == 303
    # Page 1 of 1, the filter kept.
    assert response.headers["location"] == f"{url}?facility=Folkston#cases"
    last = browser.get(response.headers["location"], headers=EN)
    assert last.status_code == 200 and "LEE SEONGHO" in last.text
