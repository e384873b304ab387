"""The hotline through the API: log a call, read it with its candidates, link it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.factories import auth
from tests.hotline.test_service import _case


def test_a_call_is_logged_read_with_its_candidates_and_linked(
    factory: sessionmaker[Session], app_client: TestClient, world: World
) -> None:
    case_id = _case(factory, world)
    logged = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/inquiries",
        json={
            "caller_name": "Kim Miyoung",
            "caller_phone": "+82 10 5550 0101",
            "caller_language": "en",
            "subject_name": "LEE SEONGHO",
            "subject_birth": "14/03/1988",
        },
        headers=auth(world.token),
    )
    assert logged.status_code == 201, logged.text
    call = logged.json()
    assert call["caller_phone"] == "+821055500101" and call["subject_birth"] == "1988-03-14"
    read = app_client.get(f"/api/v1/inquiries/{call['id']}", headers=auth(world.token)).json()
    assert read["candidates"][0]["case_id"] == case_id
    linked = app_client.post(
        f"/api/v1/inquiries/{call['id']}/link",
        json={"case_id": case_id, "version": call["version"]},
        headers=auth(world.token),
    )
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert body["contact_added"] and body["family_may_be_told"]
    assert body["inquiry"]["state"] == "linked"
    listed = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/inquiries", headers=auth(world.token)
    ).json()
    assert [c["id"] for c in listed] == [call["id"]]


def test_bad_input_and_other_posts_are_refused(app_client: TestClient, world: World) -> None:
    bad = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/inquiries",
        json={"caller_name": "김미영", "subject_name": "이성호", "caller_phone": "02-0000-0000"},
        headers=auth(world.token),
    )
    assert bad.status_code == 422 and bad.json()["error"] == "phone.impossible"
    assert bad.json()["field"] == "caller_phone"
    other = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/inquiries", headers=auth(world.houston_token)
    )
    assert other.status_code == 404
