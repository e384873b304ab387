"""Flights home: create, fill with cases scheduled to depart, check, lock, depart.

Before a flight is locked it is checked: no case on it twice (a case holds one seat in
all), no more passengers than seats, every passenger with a travel document, every
passenger's case scheduled to depart. Marking it departed moves all its cases to
``departed`` in one transaction, with their messages to the families.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.cases.notes import departure_note
from consular.cases.service import check_version, get_case, transition
from consular.cases.states import IN_CUSTODY, CaseState, state_term
from consular.codes import in_words, sex_label
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound, unknown_value
from consular.exports import Column, table_in
from consular.fields import field_label
from consular.flights.models import Flight, FlightSeat
from consular.flights.news import tell_family
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import refuse_closed
from consular.incidents.service import get_incident
from consular.registry.service import mask_identifier

TRAVEL_DOCUMENTS = ("passport_held", "own_passport", "travel_certificate")
# The documents whose number is the person's passport number, printed for the airline.
PASSPORTS = ("passport_held", "own_passport")


@dataclass(frozen=True)
class FlightPlan:
    carrier: str
    number: str
    origin: str
    destination: str
    departs_at: datetime
    seats: int


def create_flight(db: Session, actor: Actor, incident_id: str, plan: FlightPlan) -> Flight:
    actor.require(Permission.CASE_TRANSITION, "incident", incident_id)
    incident = get_incident(db, actor, incident_id)
    refuse_closed(incident)
    faults = _plan_problems(plan)
    if faults:
        # The first problem is said; a machine gets them all.
        raise InvalidInput(faults[0], details={"problems": faults})
    flight = Flight(
        incident_id=incident.id,
        carrier=plan.carrier.strip(),
        number=plan.number.strip().upper(),
        origin=plan.origin.strip(),
        destination=plan.destination.strip(),
        departs_at=plan.departs_at.astimezone(UTC),
        seats=plan.seats,
    )
    db.add(flight)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FLIGHT_CREATE,
        target_type="flight",
        target_id=flight.id,
        diff={
            "carrier": flight.carrier,
            "number": flight.number,
            "origin": flight.origin,
            "destination": flight.destination,
            "departs_at": flight.departs_at.isoformat(),
            "seats": flight.seats,
        },
    )
    return flight


NO_OFFSET = Message(
    "flight.departure_without_offset",
    N_("The departure time needs a UTC offset, e.g. 2025-09-11T14:00-04:00."),
)


def _plan_problems(plan: FlightPlan) -> list[Message]:
    problems = [
        Message("flight.field_empty", N_("%(field)s is empty."), field=field_label(name))
        for name, value in (
            ("carrier", plan.carrier),
            ("number", plan.number),
            ("origin", plan.origin),
            ("destination", plan.destination),
        )
        if not value.strip()
    ]
    if plan.seats < 1:
        problems.append(Message("flight.no_seats", N_("Give at least one seat.")))
    if plan.departs_at.tzinfo is None:
        problems.append(NO_OFFSET)
    return problems


def get_flight(db: Session, actor: Actor, flight_id: str) -> Flight:
    flight = db.scalar(
        select(Flight).where(Flight.id == flight_id).options(selectinload(Flight.passengers))
    )
    if flight is None or not actor.can(Permission.CASE_READ):
        raise NotFound("flight", flight_id)
    get_incident(db, actor, flight.incident_id)  # another post's flight: not found
    return flight


def flights_of(db: Session, actor: Actor, incident_id: str) -> Sequence[Flight]:
    incident = get_incident(db, actor, incident_id)
    return db.scalars(
        select(Flight).where(Flight.incident_id == incident.id).order_by(Flight.departs_at)
    ).all()


def refuse_cancelled(flight: Flight) -> None:
    if flight.state == "cancelled":
        raise Conflict(
            "flight.cancelled",
            N_("Flight %(number)s was cancelled."),
            number=flight.number,
            details={"state": flight.state},
        )


def _open(flight: Flight) -> None:
    refuse_cancelled(flight)
    if flight.state != "open":
        raise Conflict(
            "flight.not_open",
            N_("Flight %(number)s is no longer open: its passengers are fixed."),
            number=flight.number,
            details={"state": flight.state},
        )


def assign(db: Session, actor: Actor, flight_id: str, case_id: str) -> FlightSeat:
    """Give a case scheduled to depart a seat on an open flight of its incident."""
    actor.require(Permission.CASE_TRANSITION, "flight", flight_id)
    flight = get_flight(db, actor, flight_id)
    _open(flight)
    case = get_case(db, actor, case_id, for_update=True)
    if case.incident_id != flight.incident_id:
        raise InvalidInput(
            "flight.case_of_another_incident",
            N_("Case %(number)s belongs to another incident."),
            number=case.number,
        )
    if case.state != CaseState.DEPARTURE_SCHEDULED:
        raise Conflict(
            "flight.case_not_departing",
            N_(
                "Case %(number)s is in state “%(state)s”: only a case scheduled to depart takes "
                "a seat."
            ),
            number=case.number,
            state=state_term(case.state),
        )
    taken = db.scalar(select(FlightSeat).where(FlightSeat.case_id == case.id))
    if taken is not None:
        raise Conflict(
            "flight.seat_taken",
            N_("Case %(number)s already has a seat on flight %(flight)s."),
            number=case.number,
            flight=taken.flight.number,
        )
    if len(flight.passengers) >= flight.seats:
        raise Conflict(
            "flight.full",
            N_("Flight %(number)s is full (%(seats)s seats)."),
            number=flight.number,
            seats=flight.seats,
        )
    seat = FlightSeat(flight_id=flight.id, case_id=case.id, assigned_by=actor.name)
    db.add(seat)
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.SEAT_ASSIGN,
        target_type="flight",
        target_id=flight.id,
        case_id=case.id,
        diff={"flight": flight.number, "case": case.number},
    )
    tell_family(db, case, flight, "seat_assigned")
    return seat


def unassign(db: Session, actor: Actor, flight_id: str, case_id: str) -> None:
    actor.require(Permission.CASE_TRANSITION, "flight", flight_id)
    flight = get_flight(db, actor, flight_id)
    _open(flight)
    seat = next((s for s in flight.passengers if s.case_id == case_id), None)
    if seat is None:
        raise NotFound("passenger", case_id)
    refuse_closed(seat.case.incident)
    db.delete(seat)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.SEAT_UNASSIGN,
        target_type="flight",
        target_id=flight.id,
        case_id=case_id,
        diff={"flight": flight.number, "case": seat.case.number},
    )


def set_travel(
    db: Session,
    actor: Actor,
    case_id: str,
    *,
    travel_document: str,
    special_needs: str,
    version: int,
) -> Case:
    """Record what the person travels on, and what they need on the way."""
    actor.require(Permission.CASE_WRITE, "case", case_id)
    case = get_case(db, actor, case_id, for_update=True)
    if travel_document and travel_document not in TRAVEL_DOCUMENTS:
        raise unknown_value("flight.unknown_travel_document", travel_document, TRAVEL_DOCUMENTS)
    check_version(case, version)
    before = {"travel_document": case.travel_document, "special_needs": case.special_needs}
    case.travel_document = travel_document
    case.special_needs = special_needs.strip()
    db.flush()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.TRAVEL_RECORD,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        diff={
            "travel_document": [before["travel_document"], travel_document],
            "special_needs": [before["special_needs"], case.special_needs],
        },
    )
    return case


def problems(flight: Flight) -> list[Message]:
    """What stops this flight being locked (empty when nothing does)."""
    found = []
    if len(flight.passengers) > flight.seats:
        found.append(
            Message(
                "flight.overbooked",
                N_("%(passengers)s passengers for %(seats)s seats."),
                passengers=len(flight.passengers),
                seats=flight.seats,
            )
        )
    for seat in flight.passengers:
        case = seat.case
        if not case.travel_document:
            found.append(
                Message(
                    "flight.no_travel_document",
                    N_("Case %(number)s: no travel document recorded."),
                    number=case.number,
                )
            )
        if case.state != CaseState.DEPARTURE_SCHEDULED:
            found.append(
                Message(
                    "flight.passenger_not_departing",
                    N_("Case %(number)s: in state “%(state)s”, not scheduled to depart."),
                    number=case.number,
                    state=state_term(case.state),
                )
            )
    if not flight.passengers:
        found.append(Message("flight.no_passenger", N_("No passenger yet.")))
    return found


def lock(db: Session, actor: Actor, flight_id: str) -> Flight:
    actor.require(Permission.CASE_TRANSITION, "flight", flight_id)
    flight = get_flight(db, actor, flight_id)
    _open(flight)
    found = problems(flight)
    if found:
        raise Conflict(
            "flight.not_ready",
            N_("Flight %(number)s cannot be locked yet: see the list of what is missing."),
            number=flight.number,
            details={"problems": found},
        )
    flight.state = "locked"
    flight.locked_by = actor.name
    flight.locked_at = utcnow()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FLIGHT_LOCK,
        target_type="flight",
        target_id=flight.id,
        diff={"passengers": len(flight.passengers)},
    )
    return flight


def depart(db: Session, actor: Actor, flight_id: str) -> Flight:
    """The flight left: every passenger's case moves to departed, all or none."""
    actor.require(Permission.CASE_TRANSITION, "flight", flight_id)
    flight = get_flight(db, actor, flight_id)
    if flight.state != "locked":
        raise Conflict(
            "flight.not_locked",
            N_("Flight %(number)s must be locked before it departs."),
            number=flight.number,
            details={"state": flight.state},
        )
    for seat in flight.passengers:
        transition(
            db,
            actor,
            seat.case_id,
            CaseState.DEPARTED.value,
            version=seat.case.version,
            note=departure_note(flight.carrier, flight.number),
        )
    flight.state = "departed"
    flight.departed_at = utcnow()
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.FLIGHT_DEPART,
        target_type="flight",
        target_id=flight.id,
        diff={"passengers": len(flight.passengers)},
    )
    return flight


@dataclass(frozen=True)
class Accounting:
    """Every detained person of an incident, in exactly one line."""

    total: int
    on_a_flight: int
    departed: int
    released: int
    transferred: int
    held: int  # still in custody and on no flight
    closed: int

    @property
    def accounted(self) -> bool:
        parts = (
            self.on_a_flight,
            self.departed,
            self.released,
            self.transferred,
            self.held,
            self.closed,
        )
        return sum(parts) == self.total


def accounting(db: Session, actor: Actor, incident_id: str) -> Accounting:
    incident = get_incident(db, actor, incident_id)
    seated = select(FlightSeat.case_id).join(Flight).where(Flight.state != "departed")
    rows = db.execute(
        select(Case.state, Case.id.in_(seated), func.count())
        .where(Case.incident_id == incident.id)
        .group_by(Case.state, Case.id.in_(seated))
    ).all()
    counts = {"on": 0, "departed": 0, "released": 0, "transferred": 0, "held": 0, "closed": 0}
    for state, on_flight, count in rows:
        if on_flight:
            counts["on"] += count
        elif state in ("departed", "released", "transferred", "closed"):
            counts[state] += count
        elif CaseState(state) in IN_CUSTODY:
            counts["held"] += count
    return Accounting(
        total=sum(count for _, _, count in rows),
        on_a_flight=counts["on"],
        departed=counts["departed"],
        released=counts["released"],
        transferred=counts["transferred"],
        held=counts["held"],
        closed=counts["closed"],
    )


DOCUMENT_NAMES = {
    "passport_held": N_("Passport held by the host authority"),
    "own_passport": N_("Own passport"),
    "travel_certificate": N_("Travel certificate issued"),
    "": N_("None recorded"),
}


MANIFEST = (
    Column("seat", N_("No.")),
    Column("case", N_("Case")),
    Column("family_name", N_("Family name (Latin)")),
    Column("given_name", N_("Given name (Latin)")),
    Column("name_hangul", N_("Full name (Hangul)")),
    Column("date_of_birth", N_("Date of birth")),
    Column("sex", N_("Sex"), sex_label),
    Column("travel_document", N_("Travel document"), in_words(DOCUMENT_NAMES)),
    Column("passport_number", N_("Passport number")),
    Column("special_needs", N_("Special needs")),
)


def manifest_words(row: dict[str, str], language: str) -> dict[str, str]:
    """A passenger's row as people read it: its codes (sex, travel document) in words."""
    return {
        column.name: column.words(row[column.name], language) if column.words else row[column.name]
        for column in MANIFEST
    }


def manifest_table(rows: Sequence[dict[str, str]], language: str) -> list[list[object]]:
    """The manifest as a table for an export in ``language`` (see ``consular.exports``)."""
    return table_in(MANIFEST, rows, language)


_Made = TypeVar("_Made")


def export_manifest(
    db: Session,
    actor: Actor,
    flight_id: str,
    kind: str,
    render: Callable[[Flight, list[dict[str, str]]], _Made],
) -> _Made:
    """The flight's manifest as ``render`` makes it (a page, a PDF, a CSV: ``kind``), its
    export audited whoever exports it, from a page or the command line. Nothing is audited
    when ``render`` fails (no font for the PDF, say)."""
    flight = get_flight(db, actor, flight_id)
    rows = manifest(flight, actor)
    made = render(flight, rows)
    audit.record(
        db,
        actor=actor.name,
        tag=AuditTag.MANIFEST_EXPORT,
        target_type="flight",
        target_id=flight.id,
        diff={
            "format": kind,
            "rows": len(rows),
            "passport_numbers": "whole" if actor.can(Permission.IDENTIFIER_REVEAL) else "masked",
        },
    )
    return made


def manifest(flight: Flight, actor: Actor) -> list[dict[str, str]]:
    """The flight's passengers in the order they were given seats.

    The airline checks each passport's number against the manifest: it is printed whole
    for those who may reveal identifiers, masked for the others (the export is audited).
    """
    whole = actor.can(Permission.IDENTIFIER_REVEAL)
    rows = []
    for index, seat in enumerate(flight.passengers, start=1):
        person = seat.case.person
        passport = person.passport_number if seat.case.travel_document in PASSPORTS else None
        rows.append(
            {
                "seat": str(index),
                "case": str(seat.case.number),
                "family_name": person.family_name or "",
                "given_name": person.given_name or "",
                "name_hangul": (person.family_name_hangul or "") + (person.given_name_hangul or ""),
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
                "sex": person.sex or "",
                "travel_document": seat.case.travel_document,
                "passport_number": (passport if whole else mask_identifier(passport)) or "",
                "special_needs": seat.case.special_needs,
            }
        )
    return rows
