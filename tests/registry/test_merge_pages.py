"""Merging on the person's page, through the API and at the command line: search, preview,
confirm; the merged person's page says where they went; only an administrator undoes."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.cases.models import Case
from consular.cli.main import app
from consular.db import unit_of_work
from consular.incidents.service import import_list
from consular.registry.models import Person, PersonMerge
from tests.conftest import World
from tests.factories import OPERATOR, auth, csv_table, user_with_token
from tests.registry.test_merge import HOST_LIST
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


def _by_ref(factory: sessionmaker[Session], ref: str) -> str:
    with factory() as db:
        return db.scalars(select(Person.id).where(Person.registry_ref == ref)).one()


def _case_for_r3(world: World, factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(HOST_LIST))


def test_an_officer_merges_from_the_person_page_and_an_admin_undoes_it(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _case_for_r3(world, factory)
    kept, duplicate = _by_ref(factory, "R2"), _by_ref(factory, "R3")
    sign_in(browser)
    person = browser.get(f"/persons/{kept}", headers=EN).text
    assert f"/persons/{kept}/merge" in person
    found = browser.get(f"/persons/{kept}/merge", params={"name": "김민준"}, headers=EN)
    assert found.status_code == 200
    assert f"/persons/{kept}/merge?duplicate={duplicate}" in found.text
    assert f"/persons/{duplicate}/merge?duplicate={kept}" in found.text  # the other way round
    preview = browser.get(f"/persons/{kept}/merge", params={"duplicate": duplicate}, headers=EN)
    text = html.unescape(preview.text)
    assert "What the merge will do" in text
    assert re.search(r"<td>Cases</td><td class=\"number\">1</td>", text)
    assert "Worksite raid · Case 1" in text
    refused = browser.post(
        f"/persons/{kept}/merge",
        data={"duplicate_id": duplicate, "reason": "", "csrf_token": form_token(preview.text)},
        headers=EN,
    )
    assert refused.status_code == 422
    assert "Say why the two are the same person." in html.unescape(refused.text)
    merged = browser.post(
        f"/persons/{kept}/merge",
        data={
            "duplicate_id": duplicate,
            "reason": "one passport renewed",
            "csrf_token": form_token(preview.text),
        },
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/persons/{kept}"
    hidden = browser.get("/persons", params={"passport_number": "M33333333"}, headers=EN)
    assert "Nobody found." in hidden.text
    gone = html.unescape(browser.get(f"/persons/{duplicate}", headers=EN).text)
    assert "Merged into KIM MINJUN (김민준)" in gone and "one passport renewed" in gone
    assert "Undo the merge" not in gone  # officers do not undo
    with factory() as db:
        case_id = db.scalars(select(Case.id).where(Case.person_id == kept)).one()
    history = html.unescape(browser.get(f"/cases/{case_id}", headers=EN).text)
    assert "Two persons found to be the same merged" in history
    assert "Person merged into it: KIM MINJUN (김민준)" in history
    with factory() as db:
        merge_id = db.scalars(select(PersonMerge.id)).one()
    token = form_token(gone)
    denied = browser.post(
        f"/persons/merges/{merge_id}/undo", data={"reason": "no", "csrf_token": token}
    )
    assert denied.status_code == 404

    user_with_token(factory, "admin.yoon", "admin")
    browser.cookies.clear()
    sign_in(browser, name="admin.yoon")
    page = browser.get(f"/persons/{duplicate}", headers=EN).text
    assert "Undo the merge" in page
    undone = browser.post(
        f"/persons/merges/{merge_id}/undo",
        data={"reason": "two brothers", "csrf_token": form_token(page)},
    )
    assert undone.status_code == 303
    back = html.unescape(browser.get(f"/persons/{duplicate}", headers=EN).text)
    assert "Merged into" not in back and "Worksite raid · Case 1" in back


def test_the_merge_page_says_why_a_merge_is_refused(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    kept = _by_ref(factory, "R2")
    sign_in(browser)
    itself = browser.get(f"/persons/{kept}/merge", params={"duplicate": kept}, headers=EN)
    assert itself.status_code == 422
    assert "A person cannot be merged with themselves." in html.unescape(itself.text)
    user_with_token(factory, "viewer.lee", "viewer")
    browser.cookies.clear()
    sign_in(browser, name="viewer.lee")
    assert browser.get(f"/persons/{kept}/merge").status_code == 404


def test_the_api_merges_with_a_dry_run_first_and_only_an_admin_undoes(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    _case_for_r3(world, factory)
    kept, duplicate = _by_ref(factory, "R2"), _by_ref(factory, "R3")
    url = f"/api/v1/persons/{kept}/merge"
    body = {"duplicate_id": duplicate, "reason": "same", "dry_run": True}
    dry = app_client.post(url, json=body, headers=auth(world.token))
    assert dry.status_code == 200, dry.text
    assert dry.json()["id"] is None and dry.json()["moved"]["cases"] == 1
    with factory() as db:
        assert db.get(Person, duplicate).merged_into_id is None  # type: ignore[union-attr]
    done = app_client.post(url, json={**body, "dry_run": False}, headers=auth(world.token))
    assert done.status_code == 200 and done.json()["moved"]["deployments"] == 1
    read = app_client.get(f"/api/v1/persons/{duplicate}", headers=auth(world.token)).json()
    assert read["merged_into_id"] == kept
    undo = f"/api/v1/persons/merges/{done.json()['id']}/undo"
    denied = app_client.post(undo, json={"reason": "no"}, headers=auth(world.token))
    assert denied.status_code == 404
    _, admin = user_with_token(factory, "admin.yoon", "admin")
    undone = app_client.post(undo, json={"reason": "brothers"}, headers=auth(admin))
    assert undone.status_code == 200 and undone.json()["undone"] is True


def test_the_command_line_merges_and_unmerges_by_registry_reference(
    db_url: str, world: World, factory: sessionmaker[Session]
) -> None:
    runner = CliRunner()
    args = ["--db", db_url, "registry", "merge", "--keep", "R2", "--duplicate", "R3"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would move: cases: 0" in dry.stdout and "deployments: 1" in dry.stdout
    with factory() as db:
        assert db.scalar(select(PersonMerge.id)) is None
    done = runner.invoke(app, [*args, "--reason", "one passport renewed"])
    assert done.exit_code == 0, done.output
    assert "moved: " in done.stdout and "merge " in done.stdout
    again = runner.invoke(app, [*args, "--reason", "again"])
    assert again.exit_code == 1 and "already merged" in again.stderr
    undone = runner.invoke(app, ["--db", db_url, "registry", "unmerge", "R3", "--reason", "no"])
    assert undone.exit_code == 0, undone.output
    assert "moved back: " in undone.stdout
    with factory() as db:
        assert db.get(Person, _by_ref(factory, "R3")).merged_into_id is None  # type: ignore[union-attr]
