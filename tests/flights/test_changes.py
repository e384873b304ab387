"""A seat given tells the family the flight; a flight delayed keeps its seats, a flight
cancelled moves its passengers or lets them lose their seats; a departed flight cannot
change; the family's status page shows the flight and its changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.cases.wishes import record_wishes
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput
from consular.families.service import issue_code
from consular.flights.changes import cancel, delay
from consular.flights.models import Flight, FlightSeat, LostSeat
from consular.flights.service import assign, create_flight, depart, lock, set_travel
from consular.notifications.models import Notification
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.flights.test_flights import PLAN, _three_cases, _version
from tests.web.client import form_token, sign_in

LATER = datetime.fromisoformat("2025-09-12T10:30-04:00")


def _with_family(factory: sessionmaker[Session], case_id: str) -> None:
    """The case's person's wife (Korean, e-mail and phone), brother (English, e-mail) and a
    cousin who opted out."""
    with unit_of_work(factory) as db:
        person_id = db.get_one(Case, case_id).person_id
        db.add_all(
            [
                EmergencyContact(
                    person_id=person_id,
                    name="김미영",
                    phone="+821055500101",
                    email="miyoung@example.org",
                    language="ko",
                ),
                EmergencyContact(
                    person_id=person_id,
                    name="Lee Seongjin",
                    email="seongjin@example.org",
                    language="en",
                ),
                EmergencyContact(
                    person_id=person_id, name="Lee Hana", email="hana@example.org", opted_out=True
                ),
            ]
        )


def _messages(factory: sessionmaker[Session], event: str) -> list[Notification]:
    with factory() as db:
        return sorted(
            db.scalars(select(Notification).filter_by(event=event)),
            key=lambda n: (n.channel, n.recipient),
        )


def _seated(factory: sessionmaker[Session], world: World) -> tuple[str, str, str]:
    """LEE (with his family) and PARK seated on KE 036; the flight's id."""
    lee, park, _ = _three_cases(factory, world)
    _with_family(factory, lee)
    with unit_of_work(factory) as db:
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
        assign(db, world.officer, flight_id, lee)
        assign(db, world.officer, flight_id, park)
    return lee, park, flight_id


def test_a_seat_given_tells_the_family_the_flight_its_time_and_airport(
    factory: sessionmaker[Session], world: World
) -> None:
    _seated(factory, world)
    told = _messages(factory, "seat_assigned")
    assert [(n.channel, n.recipient, n.language) for n in told] == [
        ("email", "miyoung@example.org", "ko"),
        ("email", "seongjin@example.org", "en"),
        ("sms", "+821055500101", "ko"),
    ]
    english = told[1].body
    assert "Korean Air KE 036" in english and "Atlanta (ATL)" in english
    assert "2025-09-11 14:00 EDT" in english  # the post's time zone
    korean = told[0].body
    assert "KE 036" in korean and "2025-09-11 14:00" in korean and "항공편" in korean


def test_a_seat_given_to_a_detainee_who_refused_that_the_family_be_told_tells_nobody(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, _, _ = _three_cases(factory, world)
    _with_family(factory, lee)
    with unit_of_work(factory) as db:
        record_wishes(db, world.officer, lee, family="no")
        flight_id = create_flight(db, world.officer, world.incident_id, PLAN).id
        assign(db, world.officer, flight_id, lee)
    assert _messages(factory, "seat_assigned") == []


def test_a_delayed_flight_keeps_its_seats_and_the_families_are_told_the_new_time(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, flight_id = _seated(factory, world)
    with unit_of_work(factory) as db:
        delay(db, world.officer, flight_id, LATER)
    with factory() as db:
        flight = db.get_one(Flight, flight_id)
        assert flight.departs_at == LATER.astimezone(flight.departs_at.tzinfo)
        assert flight.first_departs_at == PLAN.departs_at
        seats = db.scalars(select(FlightSeat.case_id).filter_by(flight_id=flight_id)).all()
        assert set(seats) == {lee, park}
        event = db.scalars(select(AuditEvent).filter_by(tag="flights:flight:delay")).one()
        assert event.diff["passengers"] == 2
    told = _messages(factory, "flight_delayed")
    assert len(told) == 3 and "2025-09-12 10:30 EDT" in told[1].body
    with pytest.raises(InvalidInput, match="later"), unit_of_work(factory) as db:
        delay(db, world.officer, flight_id, PLAN.departs_at)


def test_a_cancelled_flight_whose_passengers_lose_their_seats_leaves_them_to_depart(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, flight_id = _seated(factory, world)
    with pytest.raises(InvalidInput), unit_of_work(factory) as db:
        cancel(db, world.officer, flight_id, reason=" ")
    with unit_of_work(factory) as db:
        cancel(db, world.officer, flight_id, reason="Aircraft unavailable")
    with factory() as db:
        flight = db.get_one(Flight, flight_id)
        assert flight.state == "cancelled" and flight.cancel_reason == "Aircraft unavailable"
        assert db.scalar(select(FlightSeat.id)) is None
        assert set(db.scalars(select(LostSeat.case_id))) == {lee, park}
        # Seats are for cases scheduled to depart: the cases stay so, without a seat.
        assert {db.get_one(Case, c).state for c in (lee, park)} == {"departure_scheduled"}
    told = _messages(factory, "flight_cancelled")
    assert len(told) == 3 and "was cancelled" in told[1].body
    with pytest.raises(Conflict, match="was cancelled"), unit_of_work(factory) as db:
        assign(db, world.officer, flight_id, lee)


def test_a_cancelled_flights_passengers_move_to_another_open_flight_with_seats(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, flight_id = _seated(factory, world)
    with unit_of_work(factory) as db:
        small = create_flight(
            db, world.officer, world.incident_id, replace(PLAN, number="KE 038", seats=1)
        ).id
        other = create_flight(
            db, world.officer, world.incident_id, replace(PLAN, number="OZ 223", departs_at=LATER)
        ).id
    with (
        pytest.raises(Conflict, match="1 free seats for 2 passengers"),
        unit_of_work(factory) as db,
    ):
        cancel(db, world.officer, flight_id, reason="Crew", move_to=small)
    with unit_of_work(factory) as db:
        cancel(db, world.officer, flight_id, reason="Crew", move_to=other)
    with factory() as db:
        seats = db.scalars(select(FlightSeat.case_id).filter_by(flight_id=other)).all()
        assert set(seats) == {lee, park}
        assert db.get_one(Flight, flight_id).state == "cancelled"
    told = _messages(factory, "seat_moved")
    assert len(told) == 3 and "OZ 223" in told[1].body and "2025-09-12 10:30" in told[1].body


def test_a_departed_flight_can_be_neither_delayed_nor_cancelled(
    factory: sessionmaker[Session], world: World
) -> None:
    lee, park, flight_id = _seated(factory, world)
    with unit_of_work(factory) as db:
        for case_id in (lee, park):
            set_travel(
                db,
                world.officer,
                case_id,
                travel_document="passport_held",
                special_needs="",
                version=_version(factory, case_id),
            )
        # A locked flight can still be delayed.
        lock(db, world.officer, flight_id)
        delay(db, world.officer, flight_id, LATER)
        depart(db, world.officer, flight_id)
    for change in (
        lambda db: delay(db, world.officer, flight_id, LATER.replace(hour=20)),
        lambda db: cancel(db, world.officer, flight_id, reason="late"),
    ):
        with pytest.raises(Conflict, match="has departed") as refused, unit_of_work(factory) as db:
            change(db)
        assert refused.value.message.code == "flight.departed"


def _status(client: TestClient, code: str, headers: dict[str, str]) -> str:
    form = client.get("/status", headers=headers)
    answer = client.post(
        "/status",
        data={"code": code, "date_of_birth": "1988-03-14", "csrf_token": form_token(form.text)},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_family_status_page_shows_the_flight_its_delay_and_its_cancellation(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    from consular.app import create_app

    lee, _, flight_id = _seated(factory, world)
    with unit_of_work(factory) as db:
        code = issue_code(db, world.officer, Settings(database_url=db_url), lee, "김미영").code
    app = create_app(Settings(database_url=db_url))
    en, ko = {"Accept-Language": "en"}, {"Accept-Language": "ko"}
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as family:
        page = _status(family, code, en)
        assert "Flight Korean Air KE 036 from Atlanta (ATL), departing 2025-09-11 14:00" in page
        with unit_of_work(factory) as db:
            delay(db, world.officer, flight_id, LATER)
        page = _status(family, code, en)
        assert "departing 2025-09-12 10:30" in page
        assert "Delayed: first planned for 2025-09-11 14:00" in page
        korean = _status(family, code, ko)
        assert "KE 036" in korean and "지연" in korean and "Delayed" not in korean
        with unit_of_work(factory) as db:
            cancel(db, world.officer, flight_id, reason="Aircraft unavailable")
        page = _status(family, code, en)
        assert "was cancelled; the consulate will tell you the new flight" in page
    app.state.engine.dispose()


def test_the_flight_page_delays_and_cancels_in_korean(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    from consular.app import create_app

    _, _, flight_id = _seated(factory, world)
    app = create_app(Settings(database_url=db_url))
    ko = {"Accept-Language": "ko"}
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        sign_in(client)
        page = client.get(f"/flights/{flight_id}", headers=ko).text
        assert "항공편 지연 또는 결항" in page
        delayed = client.post(
            f"/flights/{flight_id}/delay",
            data={"departs_at": "2025-09-11T12:00", "csrf_token": form_token(page)},
            headers=ko,
        )
        assert delayed.status_code == 409 or delayed.status_code == 422
        assert "늦은" in delayed.text
        delayed = client.post(
            f"/flights/{flight_id}/delay",
            data={"departs_at": "2025-09-12T10:30", "csrf_token": form_token(page)},
            headers=ko,
        )
        assert delayed.status_code == 303
        page = client.get(f"/flights/{flight_id}", headers=ko).text
        assert "2025-09-12 10:30" in page
        cancelled = client.post(
            f"/flights/{flight_id}/cancel",
            data={"reason": "기체 결함", "move_to": "", "csrf_token": form_token(page)},
            headers=ko,
        )
        assert cancelled.status_code == 303
        page = client.get(f"/flights/{flight_id}", headers=ko).text
        assert "기체 결함" in page and "결항 처리" in page
    app.state.engine.dispose()
    with factory() as db:
        assert db.get_one(Flight, flight_id).state == "cancelled"


def test_the_api_and_the_command_line_delay_and_cancel_a_flight(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    from consular.app import create_app
    from tests.cli.test_commands import run
    from tests.factories import auth

    lee, park, flight_id = _seated(factory, world)
    app = create_app(Settings(database_url=db_url))
    with TestClient(app, base_url="https://testserver") as client:
        url = f"/api/v1/flights/{flight_id}"
        naive = client.post(
            f"{url}/delay", json={"departs_at": "2025-09-12T10:30"}, headers=auth(world.token)
        )
        assert naive.status_code == 422
        delayed = client.post(
            f"{url}/delay", json={"departs_at": LATER.isoformat()}, headers=auth(world.token)
        )
        assert delayed.status_code == 200, delayed.text
        assert delayed.json()["first_departs_at"].startswith("2025-09-11T18:00")
        assert set(delayed.json()["passengers"]) == {lee, park}
        other = client.post(
            f"{url}/delay",
            json={"departs_at": LATER.isoformat()},
            headers=auth(world.houston_token),
        )
        assert other.status_code == 404  # another post's flight
    app.state.engine.dispose()
    code, out, err = run(db_url, "flight", "cancel", flight_id, "--reason", "Aircraft unavailable")
    assert code == 0, err
    assert "2 passengers lost their seats" in out
    code, out, err = run(db_url, "flight", "delay", flight_id, "--departs", LATER.isoformat())
    assert code != 0 and "was cancelled" in err
