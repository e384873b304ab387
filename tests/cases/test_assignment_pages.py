"""A case's officers: shown at the top of its page, set there (assign, reassign, unassign, take
it), through the API and the command line; stale and outsider choices refused, said beside
their field."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.cli.main import app as cli
from consular.db import unit_of_work
from consular.incidents.team import add_member
from tests.cases.test_workflow import open_one_case
from tests.conftest import World
from tests.factories import HOUSTON, auth, user_with_token
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def case_id(factory: sessionmaker[Session], world: World) -> str:
    """A case nobody holds yet; supervisor.lee and officer.hq (from Houston) on the team."""
    supervisor, _ = user_with_token(factory, "supervisor.lee", "supervisor")
    user_with_token(factory, "officer.hq", "officer", post=HOUSTON)
    case = open_one_case(factory, world)
    with unit_of_work(factory) as db:
        add_member(db, supervisor, world.incident_id, "officer.hq")
    return case


def _version(page: str) -> str:
    form = r'action="/cases/[^"]+/assignment".*?name="version" value="(\d+)"'
    found = re.search(form, page, re.S)
    assert found, page
    return found.group(1)


def _selected(page: str, field: str) -> str:
    select = re.search(rf'<select id="assign-{field}".*?</select>', page, re.S)
    assert select, page
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else ""


def test_an_officer_takes_a_case_nobody_holds(browser: TestClient, case_id: str) -> None:
    sign_in(browser)
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    assert "Nobody assigned" in page and "Take this case" in page
    taken = browser.post(
        f"/cases/{case_id}/take", data={"version": _version(page), "csrf_token": form_token(page)}
    )
    assert taken.status_code == 303
    after = browser.get(f"/cases/{case_id}", headers=EN).text
    assert "<dt>Officer</dt><dd>officer.kim" in after
    assert "Take this case" not in after
    assert _selected(after, "officer") == "officer.kim"


def test_a_supervisor_assigns_reassigns_and_unassigns_on_the_case_page(
    browser: TestClient, case_id: str
) -> None:
    sign_in(browser, "supervisor.lee")
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    token = form_token(page)
    # The choices are the team: the post's officers and the member from Houston.
    options = re.findall(r'<option value="([^"]+)"', page.split('id="assign-officer"')[1])
    assert {"officer.kim", "officer.hq", "supervisor.lee"} <= set(options)
    assert "officer.houston" not in options
    first = _version(page)
    assigned = browser.post(
        f"/cases/{case_id}/assignment",
        data={"officer": "officer.kim", "second": "officer.hq", "version": first}
        | {"csrf_token": token},
    )
    assert assigned.status_code == 303
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    assert "second: officer.hq" in page

    stale = browser.post(
        f"/cases/{case_id}/assignment",
        data={"officer": "officer.hq", "second": "", "version": first, "csrf_token": token},
        headers=EN,
    )
    assert stale.status_code == 409
    assert "was changed by someone else meanwhile" in stale.text
    assert _selected(stale.text, "officer") == "officer.hq"  # what was chosen, kept

    unassigned = browser.post(
        f"/cases/{case_id}/assignment",
        data={"officer": "", "second": "", "version": _version(page), "csrf_token": token},
    )
    assert unassigned.status_code == 303
    assert "Nobody assigned" in browser.get(f"/cases/{case_id}", headers=EN).text


def test_an_officer_off_the_team_is_refused_beside_the_field(
    browser: TestClient, case_id: str
) -> None:
    sign_in(browser, "supervisor.lee")
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    refused = browser.post(
        f"/cases/{case_id}/assignment",
        data={
            "officer": "officer.houston",
            "second": "",
            "version": _version(page),
            "csrf_token": form_token(page),
        },
        headers=EN,
    )
    assert refused.status_code == 409
    beside = re.search(r'<p id="assign-officer-error" class="error">(.*?)</p>', refused.text, re.S)
    assert beside and "officer.houston is not on the team" in beside.group(1)
    assert _selected(refused.text, "officer") == "officer.houston"
    assert 'id="assign-officer" name="officer" aria-invalid="true"' in refused.text


def test_a_viewer_sees_the_officers_but_no_form(
    browser: TestClient, factory: sessionmaker[Session], case_id: str
) -> None:
    user_with_token(factory, "viewer.choi", "viewer")
    sign_in(browser, "viewer.choi")
    page = browser.get(f"/cases/{case_id}", headers=EN).text
    assert "Nobody assigned" in page
    assert "/assignment" not in page and "Take this case" not in page


def test_the_case_assignment_through_the_api(
    app_client: TestClient, world: World, case_id: str
) -> None:
    path = f"/api/v1/cases/{case_id}"
    case = app_client.get(path, headers=auth(world.token)).json()
    assert case["assigned_to"] is None and case["second_officer"] is None
    body = {"officer": "officer.kim", "second": "officer.hq", "version": case["version"]}
    done = app_client.put(f"{path}/assignment", json=body, headers=auth(world.token))
    assert done.status_code == 200, done.text
    assert done.json()["assigned_to"] == "officer.kim"
    assert done.json()["second_officer"] == "officer.hq"
    stale = app_client.put(f"{path}/assignment", json=body, headers=auth(world.token))
    assert stale.status_code == 409 and stale.json()["error"] == "case.stale_version"
    outsider = {"officer": "officer.houston", "version": done.json()["version"]}
    refused = app_client.put(f"{path}/assignment", json=outsider, headers=auth(world.token))
    assert refused.status_code == 409 and refused.json()["error"] == "case.officer_not_on_team"
    # An officer of another post learns nothing of the case.
    other = app_client.put(f"{path}/assignment", json=outsider, headers=auth(world.houston_token))
    assert other.status_code == 404


def test_the_case_assignment_from_the_command_line(db_url: str, case_id: str) -> None:
    runner = CliRunner()
    args = ["--db", db_url, "cases", "assign", "--case", case_id]
    done = runner.invoke(cli, [*args, "--officer", "officer.kim", "--second", "officer.hq"])
    assert done.exit_code == 0, done.output
    assert "officer officer.kim, second officer.hq" in done.stdout
    refused = runner.invoke(cli, [*args, "--officer", "officer.houston"])
    assert refused.exit_code != 0 and "not on the team" in refused.stderr
    cleared = runner.invoke(cli, [*args, "--officer", ""])
    assert cleared.exit_code == 0 and "officer -, second -" in cleared.stdout
