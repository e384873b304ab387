"""Opening an incident from the workspace: the dashboard's link, the form, its refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import Post
from consular.db import unit_of_work
from consular.incidents.models import Incident
from tests.conftest import World
from tests.factories import HOUSTON, user_with_token
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
GOOD = {
    "title": "Folkston transfer",
    "host_country": "United States",
    "place": "Folkston, Georgia",
    "agency": "ICE",
    "worksite": "",
    "started_at": "2025-09-06T08:30",
}


def test_an_officer_opens_an_incident_for_their_post_in_its_time_zone(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    sign_in(browser)
    dashboard = browser.get("/", headers=EN).text
    assert 'href="/incidents/new"' in dashboard
    form = browser.get("/incidents/new", headers=EN).text
    assert 'name="post"' not in form  # their own post, not a choice
    opened = browser.post("/incidents/new", data={**GOOD, "csrf_token": form_token(form)})
    assert opened.status_code == 303
    incident_id = opened.headers["location"].removeprefix("/incidents/")
    with unit_of_work(factory, write=False) as db:
        incident = db.get_one(Incident, incident_id)
        post = db.get_one(Post, incident.post_id)
        assert post.city == "Atlanta"
        assert incident.host_country == "USA" and incident.agency == "ICE"
        # 08:30 in Atlanta (EDT, UTC-4) is 12:30 UTC.
        assert incident.started_at.strftime("%Y-%m-%d %H:%M") == "2025-09-06 12:30"
    assert "Folkston transfer" in browser.get(opened.headers["location"]).text


def test_a_refused_incident_keeps_what_was_typed_and_says_why_beside_each_field(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    sign_in(browser)
    token = form_token(browser.get("/incidents/new").text)
    typed = {**GOOD, "title": "", "host_country": "Atlantis", "started_at": "6 Sept"}
    refused = browser.post("/incidents/new", data={**typed, "csrf_token": token}, headers=EN)
    assert refused.status_code == 422
    page = refused.text
    assert 'id="incident-title-error"' in page and "Fill this in." in page
    assert 'id="incident-host_country-error"' in page and 'value="Atlantis"' in page
    assert 'id="incident-started_at-error"' in page and 'value="6 Sept"' in page
    assert 'value="Folkston, Georgia"' in page and 'id="incident-place-error"' not in page
    with unit_of_work(factory, write=False) as db:
        assert len(db.scalars(select(Incident)).all()) == 1


def test_headquarters_chooses_the_post_and_a_viewer_opens_nothing(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "admin.hq", "admin", post=None)
    sign_in(browser, "admin.hq")
    form = browser.get("/incidents/new", headers=EN).text
    token = form_token(form)
    assert f'<option value="{HOUSTON}"' in form
    no_post = browser.post("/incidents/new", data={**GOOD, "csrf_token": token}, headers=EN)
    assert no_post.status_code == 422 and 'id="incident-post-error"' in no_post.text
    opened = browser.post(
        "/incidents/new", data={**GOOD, "post": HOUSTON, "csrf_token": token}, headers=EN
    )
    assert opened.status_code == 303
    with unit_of_work(factory, write=False) as db:
        incident = db.get_one(Incident, opened.headers["location"].removeprefix("/incidents/"))
        # 08:30 in Houston (CDT, UTC-5).
        assert incident.started_at.strftime("%H:%M") == "13:30"
    browser.post("/sign-out", data={"csrf_token": token})

    user_with_token(factory, "viewer.choi", "viewer")
    sign_in(browser, "viewer.choi")
    assert 'href="/incidents/new"' not in browser.get("/").text
    assert browser.get("/incidents/new").status_code == 404
