"""A flight delayed or cancelled, and its passengers' families told.

A flight that has not departed (open or locked) can be delayed to a later departure time:
its passengers keep their seats. It can be cancelled, with a reason: the officer either
moves every passenger to another open flight of the incident (which must have the seats),
or lets them lose their seats. Seats are only for cases scheduled to depart, and losing one
does not change the case's state: the case stays scheduled to depart, among those without a
seat, until it is given one on another flight. A departed or cancelled flight cannot be
changed. Each change is audited, for the flight and for each passenger's case, and the
families are told through the outbox (which respects opt-outs and the detainee's wish).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput
from consular.flights.models import Flight, LostSeat
from consular.flights.news import tell_family
from consular.flights.service import NO_OFFSET, get_flight, refuse_cancelled
from consular.i18n import N_
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.service import get_incident


def _changeable(db: Session, actor: Actor, flight_id: str) -> Flight:
    """The flight, when it may still change: not departed, not cancelled, its incident open."""
    actor.require(Permission.CASE_TRANSITION, "flight", flight_id)
    flight = get_flight(db, actor, flight_id)
    refuse_closed(get_incident(db, actor, flight.incident_id))
    if flight.state == "departed":
        raise Conflict(
            "flight.departed",
            N_("Flight %(number)s has departed: it can no longer be delayed or cancelled."),
            number=flight.number,
            details={"state": flight.state},
        )
    refuse_cancelled(flight)
    return flight


def delay(db: Session, actor: Actor, flight_id: str, departs_at: datetime) -> Flight:
    """The flight now departs later; its passengers keep their seats and their families are
    told the new time."""
    flight = _changeable(db, actor, flight_id)
    if departs_at.tzinfo is None:
        raise InvalidInput(NO_OFFSET)
    later = departs_at.astimezone(UTC)
    if later <= flight.departs_at:
        raise InvalidInput(
            "flight.delay_not_later",
            N_("A delay moves the departure later: give a time after the one planned."),
        )
    before = flight.departs_at
    if flight.first_departs_at is None:
        flight.first_departs_at = before
    flight.departs_at = later
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FLIGHT_DELAY,
        target_type="flight",
        target_id=flight.id,
        diff={
            "flight": flight.number,
            "departs_at": [before.isoformat(), later.isoformat()],
            "passengers": len(flight.passengers),
        },
    )
    for seat in flight.passengers:
        tell_family(db, seat.case, flight, "flight_delayed")
    return flight


def cancel(
    db: Session, actor: Actor, flight_id: str, *, reason: str, move_to: str | None = None
) -> Flight:
    """The flight will not fly. With ``move_to`` (another open flight of the incident) every
    passenger gets a seat on it; without, they lose their seats. All or none."""
    flight = _changeable(db, actor, flight_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("flight.cancel_reason", N_("Say why the flight is cancelled."))
    target = _target(db, actor, flight, move_to) if move_to else None
    passengers = list(flight.passengers)
    for seat in passengers:
        case = seat.case
        if target is not None:
            # The seat itself moves (a case holds one seat in all).
            seat.flight_id = target.id
            seat.assigned_by = actor.name
            seat.assigned_at = utcnow()
            audit.record(
                db,
                actor=actor.name,
                tag=AuditTag.SEAT_ASSIGN,
                target_type="flight",
                target_id=target.id,
                case_id=case.id,
                diff={"flight": target.number, "case": case.number, "from": flight.number},
            )
            tell_family(db, case, target, "seat_moved")
        else:
            db.delete(seat)
            db.add(LostSeat(flight_id=flight.id, case_id=case.id))
            audit.record(
                db,
                actor=actor.name,
                tag=AuditTag.SEAT_UNASSIGN,
                target_type="flight",
                target_id=flight.id,
                case_id=case.id,
                diff={"flight": flight.number, "case": case.number, "note": reason[:500]},
            )
            tell_family(db, case, flight, "flight_cancelled")
    flight.state = "cancelled"
    flight.cancelled_by = actor.name
    flight.cancelled_at = utcnow()
    flight.cancel_reason = reason[:500]
    db.flush()
    db.expire(flight, ["passengers"])
    if target is not None:
        db.expire(target, ["passengers"])
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FLIGHT_CANCEL,
        target_type="flight",
        target_id=flight.id,
        diff={
            "flight": flight.number,
            "moved_to": target.number if target is not None else "",
            "seats_lost": 0 if target is not None else len(passengers),
            "passengers": len(passengers),
            "reason": reason[:500],
        },
    )
    return flight


def _target(db: Session, actor: Actor, flight: Flight, move_to: str) -> Flight:
    """The flight the passengers move to: another open flight of the same incident with a
    seat for each of them."""
    target = get_flight(db, actor, move_to)
    if target.id == flight.id or target.incident_id != flight.incident_id:
        raise InvalidInput(
            "flight.move_to_other",
            N_("Choose another flight of the same incident for the passengers."),
        )
    if target.state != "open":
        raise Conflict(
            "flight.move_to_not_open",
            N_("Flight %(number)s is not open: the passengers cannot be moved to it."),
            number=target.number,
            details={"state": target.state},
        )
    free = target.seats - len(target.passengers)
    if free < len(flight.passengers):
        raise Conflict(
            "flight.move_to_full",
            N_(
                "Flight %(number)s has %(free)s free seats for %(passengers)s passengers: "
                "they cannot all be moved to it."
            ),
            number=target.number,
            free=free,
            passengers=len(flight.passengers),
        )
    return target


def open_flights_besides(flights: Sequence[Flight], flight: Flight) -> list[Flight]:
    """The flights a cancelled flight's passengers can be moved to (the page offers them)."""
    return [f for f in flights if f.id != flight.id and f.state == "open"]
