"""The interviews in the JSON API: many at once with the same per-row report, a case's
interviews, the incident's counts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import World
from tests.factories import auth
from tests.interviews.roster import FOLKSTON, detained

SEEN = {
    "told_reason": "no",
    "advised_rights": "yes",
    "family_notice": "no",
    "wish": "contest",
    "counsel_wanted": True,
}


def test_many_at_once_a_case_s_interviews_and_the_counts(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    cases = detained(factory, world)
    url = f"/api/v1/incidents/{world.incident_id}/interviews"
    body = {
        "facility": FOLKSTON,
        "held_on": "2025-09-08",
        "rows": [
            {"case_number": 1, **SEEN, "injured": True, "injuries": "bruises"},
            {"case_number": 2, "seen": False, "not_seen_reason": "not_produced"},
        ],
    }
    answer = app_client.post(url, json=body, headers=auth(world.token))
    assert answer.status_code == 201, answer.text
    assert [row["seen"] for row in answer.json()] == [True, False]
    listed = app_client.get(f"/api/v1/cases/{cases[1]}/interviews", headers=auth(world.token))
    assert listed.json()[0]["injuries"] == "bruises"
    counts = app_client.get(f"{url}/summary", headers=auth(world.token)).json()
    assert counts["total"] == {
        "facility": "",
        "cases": 3,
        "seen": 1,
        "not_yet_seen": 2,
        "injured": 1,
        "not_told_reason": 1,
        "not_advised_rights": 0,
        "want_counsel": 1,
        "want_voluntary_departure": 0,
        "refuse_family_notice": 1,
    }
    assert {c["facility"] for c in counts["facilities"]} == {FOLKSTON, "Stewart Detention Center"}


def test_a_wrong_row_answers_422_with_each_problem_and_saves_nothing(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    cases = detained(factory, world)
    url = f"/api/v1/incidents/{world.incident_id}/interviews"
    body = {
        "facility": FOLKSTON,
        "held_on": "2025-09-08",
        "rows": [{"case_number": 1, **SEEN}, {"case_number": 3, **SEEN, "wish": "maybe"}],
    }
    answer = app_client.post(url, json=body, headers=auth(world.token))
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert [(p["case_number"], p["field"], p["message"]["error"]) for p in problems] == [
        (3, "wish", "interview.unknown_value")
    ]
    listed = app_client.get(f"/api/v1/cases/{cases[1]}/interviews", headers=auth(world.token))
    assert listed.json() == []
    # Another post's officer finds neither the incident nor the case.
    other = auth(world.houston_token)
    assert app_client.post(url, json=body, headers=other).status_code == 404
    assert app_client.get(f"/api/v1/cases/{cases[1]}/interviews", headers=other).status_code == 404
    assert app_client.get(f"{url}/summary", headers=other).status_code == 404
