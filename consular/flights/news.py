"""What the families of a flight's passengers are told of its seats and its changes:
the flight's number, its departure in the post's time zone and its airport, in the
contact's language, through the outbox (which respects opt-outs and the detainee's wish)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular.cases.models import Case
from consular.flights.models import Flight
from consular.i18n import local_time
from consular.notifications.outbox import Value, enqueue


def flight_values(flight: Flight, time_zone: str) -> dict[str, Value]:
    """The flight as a message names it."""
    departs_at = flight.departs_at
    return {
        "flight": f"{flight.carrier} {flight.number}",
        "airport": flight.origin,
        "departs": lambda language: local_time(departs_at, time_zone, language),
    }


def tell_family(db: Session, case: Case, flight: Flight, event: str) -> None:
    """Write the message of ``event`` (``seat_assigned``, ``flight_delayed``, ``seat_moved``,
    ``flight_cancelled``) about ``flight`` to the case's family."""
    enqueue(db, case, event, **flight_values(flight, case.incident.post.time_zone))
