"""An incident is closed with a note and reopened; closed, it takes no list and no case change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.db import unit_of_work
from consular.errors import Conflict
from consular.flights.service import FlightPlan, create_flight
from consular.incidents.service import import_list
from tests.cases.test_workflow import open_one_case
from tests.conftest import World
from tests.factories import OPERATOR, auth, csv_table, user_with_token

CHARTER = FlightPlan(
    "Korean Air", "KE2410", "ATL", "ICN", datetime(2025, 9, 11, 14, tzinfo=UTC), 300
)
OTHER_LIST = 'full_name,date_of_birth,nationality\n"PARK, JIMIN",1990-01-02,KOR\n'


def close(client: TestClient, world: World, note: str, token: str | None = None):
    return client.post(
        f"/api/v1/incidents/{world.incident_id}/close",
        headers=auth(token or world.token),
        json={"note": note},
    )


def reopen(client: TestClient, world: World, note: str):
    return client.post(
        f"/api/v1/incidents/{world.incident_id}/reopen",
        headers=auth(world.token),
        json={"note": note},
    )


def move(client: TestClient, world: World, case_id: str, language: str = "en"):
    version = client.get(f"/api/v1/cases/{case_id}", headers=auth(world.token)).json()["version"]
    return client.post(
        f"/api/v1/cases/{case_id}/transitions",
        headers=auth(world.token) | {"Accept-Language": language},
        json={"to": "transferred", "version": version},
    )


def test_closing_needs_a_note_and_says_who_closed_it_when_and_why(
    app_client: TestClient, world: World
) -> None:
    assert close(app_client, world, "").status_code == 422
    assert close(app_client, world, "x" * 2001).status_code == 422

    closed = close(app_client, world, "Everyone is home.")
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed"
    assert body["closed_by"] == "officer.kim"
    assert body["closing_note"] == "Everyone is home."
    assert body["closed_at"]

    again = close(app_client, world, "Twice.")
    assert again.status_code == 409
    assert again.json()["error"] == "incident.already_closed"


def test_a_closed_incident_refuses_a_list_and_a_case_change_until_reopened(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    case_id = open_one_case(factory, world)
    assert close(app_client, world, "Everyone is home.").status_code == 200

    refused = move(app_client, world, case_id, "ko")
    assert refused.status_code == 409
    assert refused.json()["error"] == "incident.closed"
    assert "Everyone is home." in refused.json()["message"]
    assert refused.json()["closed_at"]
    with unit_of_work(factory) as db, pytest.raises(Conflict) as error:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(OTHER_LIST))
    assert error.value.code == "incident.closed"
    listed = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers=auth(world.token),
        data={"kind": "host_authority"},
        files={"file": ("other.csv", OTHER_LIST.encode(), "text/csv")},
    )
    assert listed.status_code == 409
    assert listed.json()["error"] == "incident.closed"
    with unit_of_work(factory) as db, pytest.raises(Conflict) as charter:
        create_flight(db, OPERATOR, world.incident_id, CHARTER)
    assert charter.value.code == "incident.closed"

    assert reopen(app_client, world, "").status_code == 422
    reopened = reopen(app_client, world, "One more person was found.")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"
    assert reopened.json()["closed_by"] is None
    assert move(app_client, world, case_id).status_code == 200
    assert reopen(app_client, world, "Again.").json()["error"] == "incident.not_closed"


def test_closing_and_reopening_are_audited_with_their_notes(
    app_client: TestClient, db: Session, world: World
) -> None:
    close(app_client, world, "Everyone is home.")
    reopen(app_client, world, "One more person was found.")
    events = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.target_id == world.incident_id,
            AuditEvent.tag.in_(["incidents:incident:close", "incidents:incident:reopen"]),
        )
        .order_by(AuditEvent.seq)
    ).all()
    assert [(e.tag, e.actor, e.diff["note"]) for e in events] == [
        ("incidents:incident:close", "officer.kim", "Everyone is home."),
        ("incidents:incident:reopen", "officer.kim", "One more person was found."),
    ]


def test_a_viewer_may_not_close_an_incident(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _, viewer = user_with_token(factory, "viewer.park", "viewer")
    refused = close(app_client, world, "Not mine to close.", token=viewer)
    assert refused.status_code == 404  # not allowed looks like unknown
    assert close(app_client, world, "Not our post.", token=world.houston_token).status_code == 404
    assert (
        app_client.get(f"/api/v1/incidents/{world.incident_id}", headers=auth(world.token)).json()[
            "status"
        ]
        == "open"
    )
