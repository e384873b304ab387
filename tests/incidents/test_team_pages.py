"""The team page, its API and its commands: who is on the team and each officer's workload,
members added and removed by supervisors only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.audit.models import AuditEvent
from consular.auth.service import Actor
from consular.cases.assignment import assign_case
from consular.cases.models import Case
from consular.cli.main import app as cli
from consular.db import unit_of_work, utcnow
from consular.incidents.service import import_list
from consular.incidents.team import add_member
from tests.conftest import World
from tests.factories import HOUSTON, OPERATOR, auth, csv_table, user_with_token
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
HOST_LIST = (
    "full_name,date_of_birth,nationality,facility\n"
    '"LEE, SEONGHO",1988-03-14,KOR,Folkston\n'
    '"PARK, JIHYE",1995-07-30,KOR,Folkston\n'
    '"CHOI, DONGHYUN",1979-11-11,KOR,Stewart\n'
)


@dataclass(frozen=True)
class Team:
    supervisor: Actor
    supervisor_token: str
    visitor_token: str
    cases: dict[str, str]  # family name → case id


def _due(db: Session, case_id: str, **offsets: timedelta) -> None:
    """Every checklist item of the case done, but those named, due at now + their offset."""
    now = utcnow()
    case = db.get_one(Case, case_id)
    for milestone in case.milestones:
        if milestone.kind in offsets:
            milestone.done_at, milestone.due_at = None, now + offsets[milestone.kind]
        else:
            milestone.done_at = now


@pytest.fixture
def team_world(factory: sessionmaker[Session], world: World) -> Team:
    """LEE (officer.kim, second officer.hq): an item due in 2 h and one 1 h overdue; PARK
    (officer.kim) released, with an overdue item that no longer runs; CHOI with nobody, an
    item due in 3 h and one due in two days."""
    supervisor, supervisor_token = user_with_token(factory, "supervisor.lee", "supervisor")
    _, visitor_token = user_with_token(factory, "officer.hq", "officer", post=HOUSTON)
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(HOST_LIST))
        add_member(db, supervisor, world.incident_id, "officer.hq")
    with unit_of_work(factory) as db:
        cases = {c.person.family_name: c.id for c in db.scalars(select(Case))}
        hour = timedelta(hours=1)
        _due(db, cases["LEE"], consular_visit=2 * hour, legal_counsel=-hour)
        _due(db, cases["PARK"], consular_visit=-hour)
        db.get_one(Case, cases["PARK"]).state = "released"
        _due(db, cases["CHOI"], consular_visit=3 * hour, legal_counsel=48 * hour)
    with unit_of_work(factory) as db:
        lee = db.get_one(Case, cases["LEE"])
        assign_case(
            db, supervisor, lee.id, officer="officer.kim", second="officer.hq", version=lee.version
        )
        park = db.get_one(Case, cases["PARK"])
        assign_case(db, supervisor, park.id, officer="officer.kim", version=park.version)
    return Team(supervisor, supervisor_token, visitor_token, cases)


def _work(officer: int, second: int, due_soon: int, overdue: int) -> dict[str, int]:
    return {"officer": officer, "second": second, "due_soon": due_soon, "overdue": overdue}


def test_the_team_and_each_officers_workload_through_the_api(
    app_client: TestClient, world: World, team_world: Team
) -> None:
    path = f"/api/v1/incidents/{world.incident_id}/team"
    answer = app_client.get(path, headers=auth(world.token))
    assert answer.status_code == 200, answer.text
    team = {m["name"]: m for m in answer.json()["members"]}
    assert list(team) == ["officer.hq", "officer.kim", "supervisor.lee"]
    assert team["officer.kim"]["workload"] == _work(2, 0, 1, 1)
    assert team["officer.hq"]["workload"] == _work(0, 1, 1, 1)
    assert team["officer.hq"]["added"] and not team["officer.kim"]["added"]
    assert team["officer.hq"]["post"] == HOUSTON
    assert team["supervisor.lee"]["workload"] == _work(0, 0, 0, 0)
    assert answer.json()["unassigned"] == _work(1, 0, 1, 0)


def test_the_team_page_shows_the_workload_and_links_to_each_officers_cases(
    browser: TestClient, world: World, team_world: Team
) -> None:
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}").text
    assert f'href="/incidents/{world.incident_id}/team"' in incident
    page = browser.get(f"/incidents/{world.incident_id}/team", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    row = re.search(r"<th scope=\"row\">officer\.kim.*?</tr>", page.text, re.S)
    assert row, page.text
    figures = re.findall(r'<td class="number">(?:<[^>]+>)*(\d+)', row.group(0))
    assert figures == ["2", "0", "1", "1"]
    assert f'href="/incidents/{world.incident_id}?officer=officer.kim#cases"' in row.group(0)
    nobody = re.search(r"Nobody assigned.*?</tr>", page.text, re.S)
    assert nobody and re.findall(r">(\d+)<", nobody.group(0)) == ["1", "1", "0"]
    # An officer sees the team, not the forms that change it.
    assert 'action="/incidents/' + world.incident_id + '/team"' not in page.text
    assert "/remove" not in page.text
    refused = browser.post(
        f"/incidents/{world.incident_id}/team",
        data={"user": "officer.houston", "csrf_token": form_token(page.text)},
    )
    assert refused.status_code == 404


def test_a_supervisor_adds_and_removes_a_member_on_the_team_page(
    browser: TestClient, world: World, team_world: Team
) -> None:
    sign_in(browser, "supervisor.lee")
    path = f"/incidents/{world.incident_id}/team"
    page = browser.get(path, headers={"Accept-Language": "en"}).text
    token = form_token(page)
    assert f'action="{path}"' in page
    unknown = browser.post(path, data={"user": "officer.nobody", "csrf_token": token}, headers=EN)
    assert unknown.status_code == 422
    assert 'value="officer.nobody"' in unknown.text
    assert 'id="member-user-error"' in unknown.text
    assert "No active officer is called officer.nobody" in unknown.text

    added = browser.post(path, data={"user": "officer.houston", "csrf_token": token})
    assert added.status_code == 303 and added.headers["location"] == path
    page = browser.get(path, headers={"Accept-Language": "en"}).text
    assert "officer.houston" in page
    assert "Yes, remove officer.houston from the team" in page
    removed = browser.post(f"{path}/officer.hq/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    after = browser.get(path).text
    assert "officer.hq" not in after and "officer.houston" in after


def test_the_team_through_the_api_add_and_remove(
    app_client: TestClient,
    factory: sessionmaker[Session],
    world: World,
    team_world: Team,
) -> None:
    path = f"/api/v1/incidents/{world.incident_id}/team"
    boss = auth(team_world.supervisor_token)
    by_officer = app_client.post(path, json={"user": "officer.houston"}, headers=auth(world.token))
    assert by_officer.status_code == 404
    added = app_client.post(path, json={"user": "officer.houston"}, headers=boss)
    assert added.status_code == 201, added.text
    assert "officer.houston" in {m["name"] for m in added.json()["members"]}
    again = app_client.post(path, json={"user": "officer.houston"}, headers=boss)
    assert again.status_code == 409 and again.json()["error"] == "incident.member_already"

    removed = app_client.delete(f"{path}/officer.hq", headers=boss)
    assert removed.status_code == 200
    assert "officer.hq" not in {m["name"] for m in removed.json()["members"]}
    # Off the team, the member no longer sees the incident, and left the case they seconded.
    assert app_client.get(path, headers=auth(team_world.visitor_token)).status_code == 404
    lee = app_client.get(f"/api/v1/cases/{team_world.cases['LEE']}", headers=boss).json()
    assert lee["assigned_to"] == "officer.kim" and lee["second_officer"] is None
    assert app_client.delete(f"{path}/officer.hq", headers=boss).status_code == 404


def test_the_team_from_the_command_line(
    db_url: str, factory: sessionmaker[Session], world: World, team_world: Team
) -> None:
    runner = CliRunner()
    incident = world.incident_id
    args = ["--db", db_url, "incident", "team"]
    listed = runner.invoke(cli, [*args, "list", "--incident", incident])
    assert listed.exit_code == 0, listed.output
    kim = next(line for line in listed.stdout.splitlines() if line.startswith("officer.kim"))
    assert kim.split()[-4:] == ["2", "0", "1", "1"]
    assert "(added)" in next(line for line in listed.stdout.splitlines() if "officer.hq" in line)

    added = runner.invoke(cli, [*args, "add", "--incident", incident, "--user", "officer.houston"])
    assert added.exit_code == 0 and "added officer.houston" in added.stdout
    removed = runner.invoke(cli, [*args, "remove", "--incident", incident, "--user", "officer.hq"])
    assert removed.exit_code == 0 and "1 case(s) left without them" in removed.stdout
    refused = runner.invoke(cli, [*args, "add", "--incident", incident, "--user", "officer.kim"])
    assert refused.exit_code != 0 and "officer of this post" in refused.stderr
    with unit_of_work(factory, write=False) as db:
        tags = list(db.scalars(select(AuditEvent.tag).where(AuditEvent.tag.like("incidents:%"))))
    assert tags.count("incidents:team:add") == 2 and "incidents:team:remove" in tags
