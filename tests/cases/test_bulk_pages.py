"""The bulk change from the incident's cases table: preview, apply, the per-case result."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.registry.models import Person
from tests.cases.bulk_world import FOLKSTON, audit_count, open_five, states
from tests.conftest import World
from tests.factories import auth, user_with_token
from tests.web.client import form_token, sign_in
from tests.web.visible_text import english_in, visible_text

KO = {"Accept-Language": "ko"}


def _hidden(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)


def _send(browser: TestClient, path: str, fields: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    # Repeated names (one hidden field per case), as a browser sends them.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return browser.post(path, content=urlencode(fields), headers=form)


def test_an_officer_previews_then_applies_a_move_and_reads_each_case_result(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    browser.headers["Accept-Language"] = "en"
    sign_in(browser)
    page = browser.get(f"/incidents/{world.incident_id}").text
    assert f'name="case" value="{cases[1]}"' in page
    assert "Officer" in page and "—" in page
    before = audit_count(factory)
    preview = browser.post(
        f"/incidents/{world.incident_id}/cases/bulk",
        data={
            "csrf_token": form_token(page),
            "case": [cases[4], cases[5]],
            "pasted": "1\n77",
            "action": "transition",
            "to": "located",
            "mode": "where_allowed",
        },
    )
    assert preview.status_code == 200, preview.text
    assert "Preview: nothing has been changed yet" in preview.text
    assert "Line 2" in preview.text and "“77”" in preview.text
    assert "Record the facility where the person is held" in preview.text
    assert audit_count(factory) == before
    carried = _hidden(preview.text)
    assert ("case", f"{cases[4]}:1") in carried
    applied = _send(browser, f"/incidents/{world.incident_id}/cases/bulk/apply", carried)
    assert applied.status_code == 200, applied.text
    assert "The change was made" in applied.text
    assert "2 of 3 cases changed; 1 refused." in applied.text
    assert states(factory, world) == {
        1: "located",
        2: "reported",
        3: "reported",
        4: "located",
        5: "reported",
    }
    # Sent again, the versions carried are stale: nothing more is changed.
    again = _send(browser, f"/incidents/{world.incident_id}/cases/bulk/apply", carried)
    assert "Nothing was changed" in again.text
    assert "was changed by someone else meanwhile" in again.text


def test_all_that_match_the_filter_and_the_officer_filter_in_korean(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    sign_in(browser)
    page = browser.get(
        f"/incidents/{world.incident_id}?facility={FOLKSTON}", headers={"Accept-Language": "ko"}
    ).text
    done = browser.post(
        f"/incidents/{world.incident_id}/cases/bulk/apply",
        data={
            "csrf_token": form_token(page),
            "all_matching": "1",
            "f_facility": FOLKSTON,
            "action": "assign",
            "officer": "officer.kim",
        },
        headers={"Accept-Language": "ko"},
    )
    assert done.status_code == 200, done.text
    browser.headers["Accept-Language"] = "en"
    mine = browser.get(f"/incidents/{world.incident_id}?officer=me").text
    assert "3 cases" in mine and "officer.kim" in mine
    nobody = browser.get(f"/incidents/{world.incident_id}?officer=none").text
    assert "2 cases" in nobody


def test_a_closed_incident_or_a_viewer_gets_no_bulk_change(
    browser: TestClient, app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    _, token = user_with_token(factory, "viewer.park", "viewer")
    body = {
        "selection": {"case_ids": [cases[1]]},
        "action": {"kind": "transition", "to": "located"},
    }
    refused = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/cases/bulk", json=body, headers=auth(token)
    )
    assert refused.status_code == 404
    sign_in(browser, "viewer.park")
    page = browser.get(f"/incidents/{world.incident_id}").text
    assert 'name="case"' not in page
    posted = browser.post(
        f"/incidents/{world.incident_id}/cases/bulk",
        data={"csrf_token": form_token(page), "case": cases[1], "action": "transition"},
    )
    assert posted.status_code == 404


def test_the_api_reports_each_case_with_its_code_message_and_values(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    before = audit_count(factory)
    body = {
        "selection": {"pasted": "4\n5\nA-999", "filter": {"facility": FOLKSTON}},
        "action": {"kind": "transition", "to": "located"},
        "mode": "all_or_nothing",
        "dry_run": False,
    }
    url = f"/api/v1/incidents/{world.incident_id}/cases/bulk"
    answer = app_client.post(url, json=body, headers=auth(world.token))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["written"] is False and report["applied"] == 4 and report["refused"] == 1
    refused = next(c for c in report["cases"] if c["outcome"] == "refused")
    assert refused["number"] == 5 and refused["error"] == "case.facility_missing"
    assert refused["message"].startswith("Record the facility")
    assert report["problems"] == [
        {
            "line": 3,
            "entry": "A-999",
            "error": "bulk.no_such_case",
            "message": "No case of this incident has the number or A-number “A-999”.",
            "params": {"entry": "A-999"},
        }
    ]
    assert audit_count(factory) == before
    body["mode"] = "where_allowed"
    applied = app_client.post(url, json=body, headers=auth(world.token)).json()
    assert applied["written"] is True and applied["applied"] == 4
    assert audit_count(factory) == before + 4
    assert cases


def test_the_preview_and_the_result_say_everything_in_korean(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    sign_in(browser)
    page = browser.get(f"/incidents/{world.incident_id}", headers=KO).text
    fields = {
        "csrf_token": form_token(page),
        "case": list(cases.values()),
        "pasted": "A-999",
        "action": "milestone",
        "milestone": "consular_visit",
        "evidence": "면회",
    }
    with unit_of_work(factory, write=False) as db:
        names = [p.display_name for p in db.scalars(select(Person))]
    data = [*names, "A-999", "officer.kim", "Worksite raid"]
    for path in ("/cases/bulk", "/cases/bulk/apply"):
        shown = browser.post(f"/incidents/{world.incident_id}{path}", data=fields, headers=KO)
        assert shown.status_code == 200, shown.text
        assert english_in(visible_text(shown.text), data) == []
    assert "변경했습니다" in shown.text


def test_the_case_list_of_the_api_filters_by_officer(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    url = f"/api/v1/incidents/{world.incident_id}/cases"
    body = {
        "selection": {"pasted": "1, 2"},
        "action": {"kind": "assign", "officer": "officer.kim"},
    }
    assert app_client.post(f"{url}/bulk", json=body, headers=auth(world.token)).json()["written"]
    mine = app_client.get(f"{url}?officer=me", headers=auth(world.token)).json()
    assert [c["number"] for c in mine["items"]] == [1, 2]
    assert {c["assigned_to"] for c in mine["items"]} == {"officer.kim"}
    named = app_client.get(f"{url}?officer=officer.kim", headers=auth(world.token)).json()
    assert named["total"] == 2
    nobody = app_client.get(f"{url}?officer=none", headers=auth(world.token)).json()
    assert nobody["total"] == 3
