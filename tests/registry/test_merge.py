"""Merging two persons found to be the same: everything of the duplicate moves onto the
person kept, the duplicate leaves the search, and an administrator can undo it exactly."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.permissions import Role
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.service import open_case
from consular.db import unit_of_work
from consular.errors import Conflict, NotFound
from consular.incidents.models import Incident, SourceRecord
from consular.incidents.service import import_list
from consular.registry.merge import merge_persons, plan_merge, unmerge
from consular.registry.models import (
    Deployment,
    EmergencyContact,
    Person,
    PersonMerge,
    PersonNameKey,
)
from consular.registry.service import search_persons
from tests.conftest import World
from tests.factories import OPERATOR, auth, csv_table, new_incident, user_with_token

ADMIN = Actor("admin.yoon", Role.ADMIN)
# KIM MINJUN born 1990-01-02 twice in the registry: R2 (kept) and R3 (the duplicate).
HOST_LIST = (
    "id,full_name,date_of_birth,nationality,passport_number\n"
    "H1,KIM MINJUN,1990-01-02,KOR,M33333333\n"
)


def _ids(db: Session) -> tuple[str, str]:
    by_ref = {ref: ident for ref, ident in db.execute(select(Person.registry_ref, Person.id))}
    return by_ref["R2"], by_ref["R3"]


def _holdings(db: Session, person_id: str) -> dict[str, object]:
    """Everything that hangs on a person, as a merge moves it."""
    person = db.get(Person, person_id)
    assert person is not None
    db.refresh(person)
    return {
        "cases": sorted(db.scalars(select(Case.id).where(Case.person_id == person_id))),
        "records": sorted(
            db.scalars(select(SourceRecord.id).where(SourceRecord.person_id == person_id))
        ),
        "deployments": sorted(
            db.scalars(select(Deployment.id).where(Deployment.person_id == person_id))
        ),
        "contacts": sorted(
            db.scalars(select(EmergencyContact.id).where(EmergencyContact.person_id == person_id))
        ),
        "keys": sorted(
            db.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == person_id))
        ),
        "spellings": list(person.other_spellings),
        "merged_into": person.merged_into_id,
    }


@pytest.fixture
def duplicate_with_everything(world: World, factory: sessionmaker[Session]) -> tuple[str, str]:
    """R3 with a case (from a host list row), a deployment and an emergency contact."""
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(HOST_LIST))
        kept, duplicate = _ids(db)
        db.add(EmergencyContact(person_id=duplicate, name="KIM SOYEON", phone="+82105550101"))
        db.execute(
            Person.__table__.update()
            .where(Person.id == duplicate)
            .values(other_spellings=["GIM MINJUN"])
        )
    return kept, duplicate


def test_a_merge_moves_everything_and_hides_the_duplicate(
    world: World, factory: sessionmaker[Session], duplicate_with_everything: tuple[str, str]
) -> None:
    kept, duplicate = duplicate_with_everything
    with factory() as db:
        theirs = _holdings(db, duplicate)
        before = _holdings(db, kept)
    assert theirs["cases"] and theirs["records"] and theirs["deployments"] and theirs["contacts"]
    with unit_of_work(factory) as db:
        plan = plan_merge(db, world.officer, kept, duplicate)
        assert plan.counts == {
            "cases": 1,
            "source_records": 1,
            "deployments": 1,
            "contacts": 1,
            "name_keys": 0,  # the same name: the kept person has every key already
            "other_spellings": 1,
        }
    with unit_of_work(factory) as db:
        merge = merge_persons(db, world.officer, kept, duplicate, reason="same person, two files")
        merge_id = merge.id
    with factory() as db:
        now = _holdings(db, kept)
        for kind in ("cases", "records", "deployments", "contacts"):
            assert now[kind] == sorted([*before[kind], *theirs[kind]])  # type: ignore[misc]
        assert now["spellings"] == ["GIM MINJUN"]
        assert _holdings(db, duplicate)["merged_into"] == kept
        found = search_persons(db, world.officer, name="KIM MINJUN")
        assert [p.id for p in found] == [kept]
        assert search_persons(db, world.officer, passport_number="M33333333") == []
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "registry:person:merge")
        ).all()
        assert {(e.target_type, e.target_id) for e in events} == {
            ("person", kept),
            ("person", duplicate),
            ("case", theirs["cases"][0]),  # type: ignore[index]
        }
        assert all(e.actor == "officer.kim" and e.diff["merge"] == merge_id for e in events)
        assert events[0].diff["reason"] == "same person, two files"


def test_an_administrator_undoes_a_merge_exactly(
    world: World, factory: sessionmaker[Session], duplicate_with_everything: tuple[str, str]
) -> None:
    kept, duplicate = duplicate_with_everything
    with factory() as db:
        before = (_holdings(db, kept), _holdings(db, duplicate))
    with unit_of_work(factory) as db:
        merge_id = merge_persons(db, world.officer, kept, duplicate, reason="same").id
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        unmerge(db, world.officer, merge_id, reason="not the same")  # officers cannot undo
    with unit_of_work(factory) as db:
        unmerge(db, ADMIN, merge_id, reason="two people after all: different fathers")
    with factory() as db:
        assert (_holdings(db, kept), _holdings(db, duplicate)) == before
        merge = db.get(PersonMerge, merge_id)
        assert merge is not None and merge.undone_by == "admin.yoon"
        assert [p.id for p in search_persons(db, ADMIN, passport_number="M33333333")] == [duplicate]
        undone = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "registry:person:unmerge")
        ).all()
        assert len(undone) == 3 and all(e.actor == "admin.yoon" for e in undone)
    with unit_of_work(factory) as db, pytest.raises(Conflict) as again:
        unmerge(db, ADMIN, merge_id, reason="again")
    assert again.value.code == "person.merge_undone"


def test_two_cases_in_one_incident_refuse_the_merge_and_say_which(
    world: World, factory: sessionmaker[Session], duplicate_with_everything: tuple[str, str]
) -> None:
    kept, duplicate = duplicate_with_everything
    other_incident = new_incident(factory)
    with unit_of_work(factory) as db:
        incident = db.get(Incident, world.incident_id)
        assert incident is not None
        open_case(db, OPERATOR, incident, kept, source="test")
        # A case in another incident alone does not stand in the way.
        later = db.get(Incident, other_incident)
        assert later is not None
        open_case(db, OPERATOR, later, duplicate, source="test")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        merge_persons(db, world.officer, kept, duplicate, reason="same")
    assert refused.value.code == "person.merge_same_incident"
    said = str(refused.value)
    assert "Worksite raid" in said and "cases 2 and 1" in said
    with factory() as db:
        assert _holdings(db, duplicate)["merged_into"] is None


def test_an_undo_is_refused_when_a_moved_row_changed_since(
    world: World, factory: sessionmaker[Session], duplicate_with_everything: tuple[str, str]
) -> None:
    kept, duplicate = duplicate_with_everything
    with unit_of_work(factory) as db:
        merge = merge_persons(db, world.officer, kept, duplicate, reason="same")
        merge_id, deployment_id = merge.id, merge.moved["deployments"][0]
    with unit_of_work(factory) as db:
        other = db.scalars(select(Person.id).where(Person.registry_ref == "R1")).one()
        deployment = db.get(Deployment, deployment_id)
        assert deployment is not None
        deployment.person_id = other
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        unmerge(db, ADMIN, merge_id, reason="not the same")
    assert refused.value.code == "person.unmerge_changed"
    assert deployment_id[:8] in str(refused.value)


def test_a_person_is_not_merged_twice_nor_with_themselves(
    world: World, factory: sessionmaker[Session], duplicate_with_everything: tuple[str, str]
) -> None:
    kept, duplicate = duplicate_with_everything
    with unit_of_work(factory) as db:
        merge_persons(db, world.officer, kept, duplicate, reason="same")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as twice:
        merge_persons(db, world.officer, kept, duplicate, reason="same")
    assert twice.value.code == "person.already_merged"
    with unit_of_work(factory) as db, pytest.raises(Exception) as itself:
        merge_persons(db, world.officer, kept, kept, reason="same")
    assert getattr(itself.value, "code", "") == "person.merge_same"
    viewer = Actor("viewer.lee", Role.VIEWER)
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        plan_merge(db, viewer, kept, duplicate)
    assert date(1990, 1, 2)  # both were born that day


def test_two_officers_merging_the_same_pair_the_other_way_round_make_one_merge(
    world: World, factory: sessionmaker[Session], db_url: str
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time; the row lock is PostgreSQL's")
    with factory() as db:
        kept, duplicate = _ids(db)
    first_merged = threading.Event()
    outcome: dict[str, str] = {}

    def other_officer() -> None:
        first_merged.wait(10)
        try:
            with unit_of_work(factory) as db:
                merge_persons(db, world.officer, duplicate, kept, reason="the other way")
        except Conflict as exc:
            outcome["second"] = exc.code

    other = threading.Thread(target=other_officer)
    other.start()
    with unit_of_work(factory) as db:
        merge_persons(db, world.officer, kept, duplicate, reason="same")
        first_merged.set()
        time.sleep(0.5)  # the other officer waits on the persons' rows meanwhile
    other.join(20)
    assert outcome == {"second": "person.already_merged"}
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(PersonMerge)) == 1


def test_an_employer_naming_the_merged_persons_passport_reaches_the_person_kept(
    world: World, factory: sessionmaker[Session], app_client: TestClient
) -> None:
    with unit_of_work(factory) as db:
        kept, duplicate = _ids(db)
        merge_persons(db, world.officer, kept, duplicate, reason="same")
    _, token = user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    worker = {
        "family_name": "KIM",
        "given_name": "MINJUN",
        "date_of_birth": "1990-01-02",
        "sex": "M",
        "nationality": "KOR",
        "passport_number": "M33333333",  # the merged person's
        "entry_status": "b1",
        "activity": "meetings",
        "entry_date": "2026-12-01",
        "stay_days": "10",
        **dict.fromkeys(
            (
                "equipment_purchased_abroad",
                "contract_requires_seller_service",
                "specialized_knowledge",
                "paid_by_us_source",
                "hands_on",
                "prior_us_refusal_or_violation",
            ),
            "no",
        ),
    }
    registered = app_client.post("/api/v1/deployments", json=worker, headers=auth(token))
    assert registered.status_code == 201, registered.text
    with factory() as db:
        deployment = db.get(Deployment, registered.json()["id"])
        assert deployment is not None and deployment.person_id == kept
