"""The review queue: an officer searches the registry from a row and links the row to the
person found; the case opens as for a confirmed candidate, and the link is audited."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.incidents.models import SourceRecord
from consular.registry.models import Person
from tests.conftest import World
from tests.factories import rows_csv
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
# Registered as PARK JIHYE born 1995-07-30; the list has another spelling and a wrong year,
# so the matching proposes nobody.
ROW = ["H9", "BAK, JEE HAE", "1959-07-30", "KOR"]


def _import_row(client: TestClient, world: World) -> None:
    uploaded = client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={
            "file": (
                "host.csv",
                rows_csv(["id", "full_name", "date_of_birth", "nationality"], [ROW]),
                "text/csv",
            )
        },
    )
    assert uploaded.status_code == 201, uploaded.text


def _park(factory: sessionmaker[Session]) -> str:
    with factory() as db:
        person = db.scalars(select(Person).where(Person.family_name == "PARK")).one()
        return person.id


def test_an_officer_searches_the_registry_from_a_row_and_links_it(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_row(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    page = browser.get(url, headers=EN).text
    assert "1 row waits for a decision." in page and "This is the person" not in page
    row = re.search(r'name="row" value="([^"]+)"', page)
    assert row
    # The search starts from the row as the list wrote it; here the year is wrong.
    assert 'value="BAK JEE HAE"' in page and 'value="1959-07-30"' in page
    found = browser.get(url, params={"row": row.group(1), "name": "박지혜"}, headers=EN)
    assert found.status_code == 200
    text = html.unescape(found.text)
    assert "PARK JIHYE (박지혜)" in text and "Link the row to this person" in text
    action = f"/incidents/{world.incident_id}/review/{row.group(1)}"
    token = form_token(found.text)
    park = _park(factory)
    # Why is required: nothing but the officer stands behind this link.
    unsaid = browser.post(
        action, data={"action": "link", "person_id": park, "csrf_token": token}, headers=EN
    )
    assert unsaid.status_code == 409
    assert "Say why the person found is the one on the row." in html.unescape(unsaid.text)
    linked = browser.post(
        action,
        data={
            "action": "link",
            "person_id": park,
            "note": "same passport photo; year mistyped by ICE",
            "csrf_token": token,
        },
    )
    assert linked.status_code == 303
    assert "결정을 기다리는 행 0개" in browser.get(url).text
    with factory() as db:
        case = db.scalars(select(Case).where(Case.person_id == park)).unique().one()
        record = db.scalars(select(SourceRecord)).one()
        assert (record.decision, record.person_id, record.case_id) == (
            "found_by_search",
            park,
            case.id,
        )
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.tag == "incidents:record:link", AuditEvent.target_id == record.id
            )
        ).one()
        assert event.actor == "officer.kim" and event.case_id == case.id
        assert event.diff["decision"] == "found_by_search"
        assert event.diff["note"] == "same passport photo; year mistyped by ICE"
    history = html.unescape(browser.get(f"/cases/{case.id}", headers=EN).text)
    assert "Linked to a person found by search, in review" in history


def test_the_search_from_a_row_says_what_is_wrong(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_row(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    row = re.search(r'name="row" value="([^"]+)"', browser.get(url).text)
    assert row
    bad = browser.get(url, params={"row": row.group(1), "date_of_birth": "30.30.1995"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    nobody = browser.get(url, params={"row": row.group(1), "name": "HAN BOKNAM"}, headers=EN)
    assert "Nobody in the registry was found." in nobody.text


def test_a_person_found_by_search_must_be_one_the_officer_may_link(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _import_row(browser, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/review"
    page = browser.get(url).text
    row = re.search(r'name="row" value="([^"]+)"', page)
    assert row
    unknown = browser.post(
        f"{url}/{row.group(1)}",
        data={
            "action": "link",
            "person_id": "no-such-person",
            "note": "typed by hand",
            "csrf_token": form_token(page),
        },
    )
    assert unknown.status_code == 404
