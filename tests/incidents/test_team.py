"""An incident's team: officers from elsewhere see that incident only; cases have officers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.service import Actor
from consular.cases.assignment import assign_case
from consular.cases.models import Case
from consular.cases.service import get_case
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.incidents.team import add_member, remove_member, team
from tests.cases.test_workflow import open_one_case
from tests.conftest import World
from tests.factories import HOUSTON, auth, new_incident, user_with_token


@pytest.fixture
def visitor(factory: sessionmaker[Session], world: World) -> tuple[Actor, str]:
    """An officer of another post, not yet on any Atlanta incident's team."""
    return user_with_token(factory, "officer.hq", "officer", post=HOUSTON)


@pytest.fixture
def supervisor(factory: sessionmaker[Session], world: World) -> Actor:
    return user_with_token(factory, "supervisor.lee", "supervisor")[0]


def test_a_member_from_elsewhere_sees_this_incident_only(
    app_client: TestClient,
    factory: sessionmaker[Session],
    world: World,
    visitor: tuple[Actor, str],
    supervisor: Actor,
) -> None:
    case_id = open_one_case(factory, world)
    other_incident = new_incident(factory)
    _, token = visitor
    assert app_client.get(f"/api/v1/cases/{case_id}", headers=auth(token)).status_code == 404

    with unit_of_work(factory) as db:
        add_member(db, supervisor, world.incident_id, "officer.hq")

    assert app_client.get(f"/api/v1/cases/{case_id}", headers=auth(token)).status_code == 200
    seen = app_client.get("/api/v1/incidents", headers=auth(token)).json()
    ids = {incident["id"] for incident in seen}
    assert world.incident_id in ids
    assert other_incident not in ids
    assert (
        app_client.get(f"/api/v1/incidents/{other_incident}", headers=auth(token)).status_code
        == 404
    )


def test_only_supervisors_add_members_and_each_once(
    factory: sessionmaker[Session], world: World, visitor: tuple[Actor, str], supervisor: Actor
) -> None:
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        add_member(db, world.officer, world.incident_id, "officer.hq")
    with unit_of_work(factory) as db:
        add_member(db, supervisor, world.incident_id, "officer.hq")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as again:
        add_member(db, supervisor, world.incident_id, "officer.hq")
    assert again.value.code == "incident.member_already"
    with unit_of_work(factory) as db, pytest.raises(Conflict) as own:
        add_member(db, supervisor, world.incident_id, "officer.kim")
    assert own.value.code == "incident.member_of_post"
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as unknown:
        add_member(db, supervisor, world.incident_id, "nobody")
    assert unknown.value.code == "incident.no_such_officer"


def test_a_case_is_assigned_to_team_members_only_and_each_change_is_audited(
    factory: sessionmaker[Session], world: World, visitor: tuple[Actor, str], supervisor: Actor
) -> None:
    case_id = open_one_case(factory, world)
    with unit_of_work(factory) as db, pytest.raises(Conflict) as outsider:
        assign_case(db, supervisor, case_id, officer="officer.hq", version=1)
    assert outsider.value.code == "case.officer_not_on_team"

    with unit_of_work(factory) as db:
        add_member(db, supervisor, world.incident_id, "officer.hq")
        incident = get_case(db, supervisor, case_id).incident
        assert [u.name for u in team(db, incident)] == [
            "officer.hq",
            "officer.kim",
            "supervisor.lee",
        ]
        case = assign_case(
            db, supervisor, case_id, officer="officer.kim", second="officer.hq", version=1
        )
        version = case.version

    with unit_of_work(factory) as db, pytest.raises(InvalidInput):
        assign_case(
            db, supervisor, case_id, officer="officer.kim", second="officer.kim", version=version
        )
    with unit_of_work(factory) as db, pytest.raises(InvalidInput):
        assign_case(db, supervisor, case_id, officer=None, second="officer.kim", version=version)
    with unit_of_work(factory) as db, pytest.raises(Conflict) as stale:
        assign_case(db, supervisor, case_id, officer=None, version=version - 1)
    assert stale.value.code == "case.stale_version"

    with unit_of_work(factory) as db:
        # Taken off the team, the member leaves the cases they had.
        assert remove_member(db, supervisor, world.incident_id, "officer.hq") == 1
    with unit_of_work(factory, write=False) as db:
        case = db.get_one(Case, case_id)
        assert case.assigned_to is not None and case.assigned_to.name == "officer.kim"
        assert case.second_officer is None
        diffs = [
            e.diff
            for e in db.scalars(
                select(AuditEvent)
                .where(AuditEvent.tag == "cases:case:assign")
                .order_by(AuditEvent.seq)
            )
        ]
    assert [d["second_officer"] for d in diffs] == [[None, "officer.hq"], ["officer.hq", None]]
    assert diffs[0]["assigned_to"] == [None, "officer.kim"]
