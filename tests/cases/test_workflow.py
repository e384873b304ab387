"""A case through its states, its rights checklist, and the conflicts officers run into."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.policy import POLICY
from consular.db import unit_of_work
from consular.incidents.service import import_list
from tests.conftest import World
from tests.factories import OPERATOR, RAID_START, auth, csv_table


def open_one_case(factory: sessionmaker[Session], world: World, facility: str = "") -> str:
    rows = (
        f'full_name,date_of_birth,nationality,facility\n"LEE, SEONGHO",1988-03-14,KOR,{facility}\n'
    )
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(rows))
    with unit_of_work(factory, write=False) as db:
        from consular.cases.models import Case

        return db.query(Case).one().id


@pytest.fixture
def case_id(factory: sessionmaker[Session], world: World) -> str:
    return open_one_case(factory, world)


def get(client: TestClient, world: World, case_id: str) -> dict:
    response = client.get(f"/api/v1/cases/{case_id}", headers=auth(world.token))
    assert response.status_code == 200, response.text
    return response.json()


def post(client: TestClient, world: World, path: str, body: dict | None = None):
    return client.post(f"/api/v1/cases/{path}", headers=auth(world.token), json=body)


def test_a_case_moves_through_its_states_and_each_step_is_in_its_history(
    app_client: TestClient, world: World, case_id: str
) -> None:
    case = get(app_client, world, case_id)
    assert case["state"] == "reported"
    # Located needs a facility first, so it is not offered yet.
    assert case["allowed_transitions"] == ["closed", "released", "transferred"]

    custody = post(
        app_client,
        world,
        f"{case_id}/custody",
        {"facility": "Folkston ICE Processing Center", "version": case["version"]},
    )
    assert custody.status_code == 200, custody.text
    assert "located" in custody.json()["allowed_transitions"]
    version = custody.json()["version"]
    for to in ("located", "consular_access", "disposition_pending"):
        moved = post(
            app_client,
            world,
            f"{case_id}/transitions",
            {"to": to, "note": f"now {to}", "version": version},
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == to
        version = moved.json()["version"]

    early = post(
        app_client,
        world,
        f"{case_id}/transitions",
        {"to": "departure_scheduled", "version": version},
    )
    assert early.status_code == 409
    assert "disposition" in early.json()["message"]

    decided = post(
        app_client,
        world,
        f"{case_id}/disposition",
        {
            "disposition": "voluntary_departure",
            "note": "consent recorded at interview",
            "version": version,
        },
    )
    version = decided.json()["version"]
    scheduled = post(
        app_client,
        world,
        f"{case_id}/transitions",
        {"to": "departure_scheduled", "version": version},
    )
    assert scheduled.status_code == 200
    assert scheduled.json()["disposition"] == "voluntary_departure"

    history = app_client.get(f"/api/v1/cases/{case_id}/audit", headers=auth(world.token)).json()
    tags = [event["tag"] for event in history]
    assert tags[0] == "cases:case:create"
    transitions = [e["diff"]["state"] for e in history if e["tag"] == "cases:case:transition"]
    assert transitions == [
        ["reported", "located"],
        ["located", "consular_access"],
        ["consular_access", "disposition_pending"],
        ["disposition_pending", "departure_scheduled"],
    ]
    officer_steps = ("cases:case:transition", "cases:custody:record", "cases:disposition:record")
    assert {e["actor"] for e in history if e["tag"] in officer_steps} == {"officer.kim"}
    notes = [n["body"] for n in scheduled.json()["notes"]]
    assert "consent recorded at interview" in notes


def test_an_illegal_transition_answers_409_with_the_allowed_states(
    app_client: TestClient, world: World, case_id: str
) -> None:
    case = get(app_client, world, case_id)
    response = post(
        app_client, world, f"{case_id}/transitions", {"to": "departed", "version": case["version"]}
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["allowed"] == ["closed", "released", "transferred"]
    # A stable code, the sentence in English and its values, for a program to act on.
    assert answer["error"] == "case.bad_transition"
    assert answer["message"] == "A case in state “Reported” cannot move to “Departed”."
    assert answer["params"] == {"state": "Reported", "to": "Departed"}
    assert answer["state"] == "reported"
    assert get(app_client, world, case_id)["state"] == "reported"


def test_located_needs_a_facility(app_client: TestClient, world: World, case_id: str) -> None:
    case = get(app_client, world, case_id)
    response = post(
        app_client, world, f"{case_id}/transitions", {"to": "located", "version": case["version"]}
    )
    assert response.status_code == 409
    assert "facility" in response.json()["message"]


def test_a_stale_version_is_refused_so_no_update_is_lost(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    case_id = open_one_case(factory, world, facility="Folkston ICE Processing Center")
    seen = get(app_client, world, case_id)["version"]
    first = post(app_client, world, f"{case_id}/transitions", {"to": "located", "version": seen})
    assert first.status_code == 200
    second = post(app_client, world, f"{case_id}/transitions", {"to": "released", "version": seen})
    assert second.status_code == 409
    number = first.json()["number"]
    assert second.json() == {
        "error": "case.stale_version",
        "message": f"Case {number} was changed by someone else meanwhile. Reload it and try again.",
        "params": {"number": number},
        "your_version": seen,
        "current_version": first.json()["version"],
    }
    assert get(app_client, world, case_id)["state"] == "located"


def test_the_rights_checklist_has_policy_deadlines_from_the_arrest(
    app_client: TestClient, world: World, case_id: str
) -> None:
    case = get(app_client, world, case_id)
    by_kind = {m["kind"]: m for m in case["milestones"]}
    assert list(by_kind) == [p.kind.value for p in POLICY]
    notified = by_kind["consulate_notified"]
    assert datetime.fromisoformat(notified["due_at"]) == RAID_START + timedelta(hours=24)
    assert datetime.fromisoformat(notified["breach_at"]) == RAID_START + timedelta(hours=72)
    assert "CON-04" in notified["rule_ids"]
    # The raid was in 2025: everything not done is overdue and breached now.
    assert all(m["overdue"] and m["breached"] for m in case["milestones"])
    assert sorted(case["overdue"]) == sorted(by_kind)


def test_completing_a_milestone_records_who_and_when_and_clears_overdue(
    app_client: TestClient, world: World, case_id: str
) -> None:
    done_at = (RAID_START + timedelta(hours=30)).isoformat()
    response = post(
        app_client,
        world,
        f"{case_id}/milestones/consular_visit/complete",
        {"done_at": done_at, "evidence": "visited at Folkston, 40 min"},
    )
    assert response.status_code == 200, response.text
    visit = next(m for m in response.json()["milestones"] if m["kind"] == "consular_visit")
    assert visit["done_by"] == "officer.kim"
    assert datetime.fromisoformat(visit["done_at"]) == RAID_START + timedelta(hours=30)
    assert not visit["overdue"]
    assert "consular_visit" not in response.json()["overdue"]

    twice = post(app_client, world, f"{case_id}/milestones/consular_visit/complete", {})
    assert twice.status_code == 409
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    ahead = post(
        app_client, world, f"{case_id}/milestones/legal_counsel/complete", {"done_at": future}
    )
    assert ahead.status_code == 422
    unknown = post(app_client, world, f"{case_id}/milestones/haircut/complete", {})
    assert unknown.status_code == 422


def test_case_lists_filter_by_state_and_overdue(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    rows = (
        "full_name,date_of_birth,nationality,facility\n"
        + "\n".join(
            [
                '"LEE, SEONGHO",1988-03-14,KOR,Folkston',
                '"PARK, JIHYE",1995-07-30,KOR,Stewart',
                '"CHOI, DONGHYUN",1979-11-11,KOR,Folkston',
            ]
        )
        + "\n"
    )
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(rows))
    base = f"/api/v1/incidents/{world.incident_id}/cases"
    page = app_client.get(base, headers=auth(world.token)).json()
    assert page["total"] == 3
    first = page["items"][0]
    for kind in [p.kind.value for p in POLICY]:
        post(app_client, world, f"{first['id']}/milestones/{kind}/complete", {})
    post(
        app_client,
        world,
        f"{first['id']}/transitions",
        {"to": "located", "version": first["version"]},
    )

    located = app_client.get(f"{base}?state=located", headers=auth(world.token)).json()
    assert [c["id"] for c in located["items"]] == [first["id"]]
    overdue = app_client.get(f"{base}?overdue=true", headers=auth(world.token)).json()
    assert overdue["total"] == 2 and first["id"] not in [c["id"] for c in overdue["items"]]
    paged = app_client.get(f"{base}?limit=1&offset=1", headers=auth(world.token)).json()
    assert len(paged["items"]) == 1 and paged["items"][0]["number"] == 2
    bad = app_client.get(f"{base}?state=vanished", headers=auth(world.token))
    assert bad.status_code == 422


def test_other_posts_get_404_for_a_case_exactly_like_an_unknown_one(
    app_client: TestClient, world: World, case_id: str
) -> None:
    foreign = app_client.get(f"/api/v1/cases/{case_id}", headers=auth(world.houston_token))
    unknown = app_client.get(
        "/api/v1/cases/00000000-0000-0000-0000-000000000000", headers=auth(world.houston_token)
    )
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["error"] == unknown.json()["error"] == "not_found"
    moved = app_client.post(
        f"/api/v1/cases/{case_id}/transitions",
        headers=auth(world.houston_token),
        json={"to": "released", "version": 1},
    )
    assert moved.status_code == 404
    assert get(app_client, world, case_id)["state"] == "reported"


def test_a_later_list_fills_in_the_facility_and_a_number_but_never_overwrites(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    case_id = open_one_case(factory, world)
    assert get(app_client, world, case_id)["facility"] is None
    later = (
        "full_name,date_of_birth,nationality,facility,a_number\n"
        '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center,A201234567\n'
    )
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(later, "day4.csv"))
    case = get(app_client, world, case_id)
    assert case["facility"] == "Folkston ICE Processing Center"
    assert case["host_identifier_masked"] == "•••••••567"
    assert [c["facility"] for c in case["custody"]] == ["Folkston ICE Processing Center"]
    other = later.replace("Folkston ICE Processing Center", "Stewart Detention Center")
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(other, "day5.csv"))
    assert get(app_client, world, case_id)["facility"] == "Folkston ICE Processing Center"


def test_notes_and_transfers_are_kept_in_order(
    app_client: TestClient, world: World, case_id: str
) -> None:
    assert (
        post(
            app_client, world, f"{case_id}/notes", {"body": "asked for a Korean interpreter"}
        ).status_code
        == 201
    )
    assert post(app_client, world, f"{case_id}/notes", {"body": ""}).status_code == 422
    version = get(app_client, world, case_id)["version"]
    first = post(
        app_client,
        world,
        f"{case_id}/custody",
        {"facility": "Folkston ICE Processing Center", "version": version},
    ).json()
    moved = post(
        app_client,
        world,
        f"{case_id}/custody",
        {
            "facility": "Stewart Detention Center",
            "kind": "transferred",
            "note": "bus at 06:00",
            "version": first["version"],
        },
    ).json()
    assert moved["facility"] == "Stewart Detention Center"
    assert [(c["kind"], c["facility"]) for c in moved["custody"]] == [
        ("booked", "Folkston ICE Processing Center"),
        ("transferred", "Stewart Detention Center"),
    ]
    assert [n["body"] for n in moved["notes"]] == ["asked for a Korean interpreter"]
    bad_kind = post(
        app_client,
        world,
        f"{case_id}/custody",
        {"facility": "X", "kind": "vanished", "version": moved["version"]},
    )
    assert bad_kind.status_code == 422


def test_times_without_a_zone_and_malformed_requests_get_a_clear_422(
    app_client: TestClient, world: World, case_id: str
) -> None:
    naive = post(
        app_client,
        world,
        f"{case_id}/milestones/consular_visit/complete",
        {"done_at": "2025-09-05T10:00:00"},
    )
    assert naive.status_code == 422
    body = naive.json()
    assert body["error"] == "invalid_input" and "done_at" in body["message"]
    missing = post(app_client, world, f"{case_id}/transitions", {"to": "released"})
    assert missing.status_code == 422 and "version" in missing.json()["message"]


def test_a_milestone_can_be_completed_without_a_body_and_the_note_of_a_move_shows_at_once(
    app_client: TestClient, world: World, case_id: str
) -> None:
    response = app_client.post(
        f"/api/v1/cases/{case_id}/milestones/interpreter/complete", headers=auth(world.token)
    )
    assert response.status_code == 200, response.text
    version = response.json()["version"]
    moved = post(
        app_client,
        world,
        f"{case_id}/transitions",
        {"to": "released", "note": "released on bond", "version": version},
    ).json()
    assert [n["body"] for n in moved["notes"]] == ["released on bond"]


def test_deadlines_stop_when_the_person_is_no_longer_held_and_late_work_is_marked(
    app_client: TestClient, world: World, case_id: str
) -> None:
    late = (RAID_START + timedelta(hours=80)).isoformat()
    done = post(
        app_client, world, f"{case_id}/milestones/consulate_notified/complete", {"done_at": late}
    ).json()
    notified = next(m for m in done["milestones"] if m["kind"] == "consulate_notified")
    assert notified["late"] and not notified["overdue"]
    assert "rights_advised" in done["overdue"]
    released = post(
        app_client, world, f"{case_id}/transitions", {"to": "released", "version": done["version"]}
    ).json()
    assert released["overdue"] == []
    assert not any(m["overdue"] or m["breached"] for m in released["milestones"])
    listed = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/cases?overdue=true", headers=auth(world.token)
    ).json()
    assert listed["total"] == 0


def test_revealing_the_host_identifier_is_audited(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    rows = (
        'full_name,date_of_birth,nationality,a_number\n"LEE, SEONGHO",1988-03-14,KOR,A201234567\n'
    )
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(rows))
    case_id = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/cases", headers=auth(world.token)
    ).json()["items"][0]["id"]
    shown = post(app_client, world, f"{case_id}/identifiers")
    assert shown.json() == {"host_identifier": "A201234567"}
    history = app_client.get(f"/api/v1/cases/{case_id}/audit", headers=auth(world.token)).json()
    assert history[-1]["tag"] == "cases:identifier:reveal"
    assert history[-1]["actor"] == "officer.kim"
