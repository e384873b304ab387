"""Flights through the API: delay one (a later departure time) or cancel it (its passengers
moved to another open flight, or losing their seats); the families are told."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from consular.api_schema import SIGNED_IN, TAKES_BODY, answers
from consular.flights.changes import cancel, delay
from consular.flights.models import Flight
from consular.flights.service import get_flight
from consular.web.deps import DB, CurrentActor

router = APIRouter(prefix="/flights", tags=["flights"], responses=answers(*SIGNED_IN))


class FlightRead(BaseModel):
    id: str
    incident_id: str
    carrier: str
    number: str
    origin: str
    destination: str
    departs_at: datetime
    first_departs_at: datetime | None = Field(description="The time first planned, if delayed")
    seats: int
    state: str = Field(description="open, locked, departed or cancelled")
    passengers: list[str] = Field(description="The passengers' case ids")
    cancel_reason: str


class FlightDelay(BaseModel):
    departs_at: AwareDatetime = Field(description="The new departure time, with its UTC offset")


class FlightCancel(BaseModel):
    reason: str
    move_to: str | None = Field(
        None,
        description="Another open flight of the incident for every passenger; else "
        "they lose their seats",
    )


def flight_read(flight: Flight) -> FlightRead:
    return FlightRead(
        id=flight.id,
        incident_id=flight.incident_id,
        carrier=flight.carrier,
        number=flight.number,
        origin=flight.origin,
        destination=flight.destination,
        departs_at=flight.departs_at,
        first_departs_at=flight.first_departs_at,
        seats=flight.seats,
        state=flight.state,
        passengers=[seat.case_id for seat in flight.passengers],
        cancel_reason=flight.cancel_reason,
    )


@router.get(
    "/{flight_id}", response_model=FlightRead, summary="A flight", responses=answers(404, 422)
)
def read(flight_id: str, db: DB, actor: CurrentActor) -> FlightRead:
    return flight_read(get_flight(db, actor, flight_id))


@router.post(
    "/{flight_id}/delay",
    response_model=FlightRead,
    summary="Delay a flight that has not departed: the passengers keep their seats",
    responses=answers(*TAKES_BODY, 404, 409),
)
def delay_flight(flight_id: str, body: FlightDelay, db: DB, actor: CurrentActor) -> FlightRead:
    return flight_read(delay(db, actor, flight_id, body.departs_at))


@router.post(
    "/{flight_id}/cancel",
    response_model=FlightRead,
    summary="Cancel a flight that has not departed: passengers moved or losing their seats",
    responses=answers(*TAKES_BODY, 404, 409),
)
def cancel_flight(flight_id: str, body: FlightCancel, db: DB, actor: CurrentActor) -> FlightRead:
    cancelled = cancel(db, actor, flight_id, reason=body.reason, move_to=body.move_to)
    return flight_read(cancelled)
