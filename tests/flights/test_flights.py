"""The flight home: seats for cases scheduled to depart, the checks before locking, the
manifest, and departure moving every passenger's case in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.cases.service import record_disposition, transition
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.flights.service import (
    FlightPlan,
    accounting,
    assign,
    create_flight,
    depart,
    lock,
    manifest,
    set_travel,
)
from consular.incidents.service import import_list
from consular.notifications.models import Notification
from tests.conftest import World
from tests.factories import csv_table

PLAN = FlightPlan(
    carrier="Korean Air",
    number="ke 036",
    origin="Atlanta (ATL)",
    destination="Seoul Incheon (ICN)",
    departs_at=datetime.fromisoformat("2025-09-11T14:00-04:00"),
    seats=2,
)


def _three_cases(factory: sessionmaker[Session], world: World) -> list[str]:
    """LEE, PARK and CHOI, detained; LEE and PARK scheduled to depart."""
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility\n"
                '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
                '"PARK, JIHYE",1995-07-30,KOR,Stewart Detention Center\n'
                '"CHOI, DONGHYUN",1979-11-11,KOR,Folkston ICE Processing Center\n'
            ),
        )
        cases = db.scalars(select(Case).order_by(Case.number)).all()
        for case in cases[:2]:
            for state in ("located", "consular_access", "disposition_pending"):
                transition(db, world.officer, case.id, state, version=case.version)
            record_disposition(
                db,
                world.officer,
                case.id,
                disposition="voluntary_departure",
                version=case.version,
            )
            transition(db, world.officer, case.id, "departure_scheduled", version=case.version)
        return [case.id for case in cases]


def _version(factory: sessionmaker[Session], case_id: str) -> int:
    with factory() as db:
        case = db.get(Case, case_id)
        assert case is not None
        return case.version


def test_a_flight_is_filled_checked_locked_and_departs_with_every_passenger(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, choi = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
        assign(db, world.officer, flight_id, lee)
        assign(db, world.officer, flight_id, park)
    with (
        pytest.raises(Conflict, match=r"already has a seat on flight KE 036"),
        unit_of_work(factory) as db,
    ):
        assign(db, world.officer, flight_id, lee)
    with (
        pytest.raises(Conflict, match=r"only a case scheduled to depart takes a seat"),
        unit_of_work(factory) as db,
    ):
        assign(db, world.officer, flight_id, choi)
    # Locking needs a travel document for everyone on board.
    with (
        pytest.raises(Conflict, match=r"cannot be locked yet") as refused,
        unit_of_work(factory) as db,
    ):
        lock(db, world.officer, flight_id)
    assert {p["error"] for p in refused.value.to_dict()["problems"]} == {
        "flight.no_travel_document"
    }
    with unit_of_work(factory) as db:
        set_travel(
            db,
            world.officer,
            lee,
            travel_document="passport_held",
            special_needs="",
            version=_version(factory, lee),
        )
        set_travel(
            db,
            world.officer,
            park,
            travel_document="travel_certificate",
            special_needs="wheelchair at the gate",
            version=_version(factory, park),
        )
        flight = lock(db, world.officer, flight_id)
        rows = manifest(flight, world.officer)
    assert [(r["seat"], r["family_name"], r["travel_document"]) for r in rows] == [
        ("1", "LEE", "passport_held"),
        ("2", "PARK", "travel_certificate"),
    ]
    assert (
        rows[1]["special_needs"] == "wheelchair at the gate" and rows[0]["name_hangul"] == "이성호"
    )
    with unit_of_work(factory) as db:
        counted = accounting(db, world.officer, world.incident_id)
    assert (counted.total, counted.on_a_flight, counted.held) == (3, 2, 1) and counted.accounted
    with unit_of_work(factory) as db:
        depart(db, world.officer, flight_id)
    with factory() as db:
        states = {c.id: c.state for c in db.scalars(select(Case))}
        assert states == {lee: "departed", park: "departed", choi: "reported"}
        departed = db.scalars(select(Notification.event).where(Notification.event == "departed"))
        assert list(departed) == []  # these people have no contacts on record
    with unit_of_work(factory) as db:
        counted = accounting(db, world.officer, world.incident_id)
    assert (counted.departed, counted.on_a_flight, counted.held) == (2, 0, 1)


def test_seats_are_not_exceeded_and_a_locked_flight_keeps_its_passengers(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, replace(PLAN, seats=1)).id
        assign(db, world.officer, flight_id, lee)
    with pytest.raises(Conflict, match="is full \\(1 seats\\)"), unit_of_work(factory) as db:
        assign(db, world.officer, flight_id, park)
    with unit_of_work(factory) as db:
        set_travel(
            db,
            world.officer,
            lee,
            travel_document="own_passport",
            special_needs="",
            version=_version(factory, lee),
        )
        lock(db, world.officer, flight_id)
    with (
        pytest.raises(Conflict, match=r"is no longer open: its passengers are fixed"),
        unit_of_work(factory) as db,
    ):
        assign(db, world.officer, flight_id, park)


def test_a_departure_that_fails_for_one_case_moves_none(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
        for case_id in (lee, park):
            assign(db, world.officer, flight_id, case_id)
            set_travel(
                db,
                world.officer,
                case_id,
                travel_document="passport_held",
                special_needs="",
                version=db.get(Case, case_id).version,  # type: ignore[union-attr]
            )
        lock(db, world.officer, flight_id)
    # PARK is released on bond after the flight was locked: the departure is refused whole.
    with unit_of_work(factory) as db:
        transition(db, world.officer, park, "released", version=_version(factory, park))
    with pytest.raises(Conflict), unit_of_work(factory) as db:
        depart(db, world.officer, flight_id)
    with factory() as db:
        assert db.get(Case, lee).state == "departure_scheduled"  # type: ignore[union-attr]


def test_bad_flights_and_other_posts_are_refused(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.auth.service import Actor
    from tests.factories import HOUSTON, user_with_token

    with (
        pytest.raises(InvalidInput, match=r"^Flight number is empty") as refused,
        unit_of_work(factory) as db,
    ):
        create_flight(
            db,
            world.officer,
            world.incident_id,
            FlightPlan("KE", "", "ATL", "ICN", datetime(2025, 9, 11, 14), 0),
        )
    # The first problem is said; every one is listed for a program.
    assert [p["message"] for p in refused.value.to_dict()["problems"]] == [
        "Flight number is empty.",
        "Give at least one seat.",
        "The departure time needs a UTC offset, e.g. 2025-09-11T14:00-04:00.",
    ]
    houston: Actor = user_with_token(factory, "officer.h2", "officer", post=HOUSTON)[0]
    with pytest.raises(NotFound), unit_of_work(factory) as db:
        create_flight(db, houston, world.incident_id, PLAN)
