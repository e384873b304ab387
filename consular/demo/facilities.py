"""The model case's two facilities in the Atlanta post's directory, and the demo's cases
linked to them by the names the host list gave.

Public institutional data only (operator, address, the ICE field office in charge); the
phone numbers are fictional 555 numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.db import unit_of_work
from consular.demo.lists import FOLKSTON, STEWART
from consular.facilities.service import create_facility, merge_name

Echo = Callable[[str], None]

SUPERVISOR = "supervisor.park"
_FIELD_OFFICE = {
    "field_office": "ICE Atlanta Field Office",
    "field_office_phone": "404-555-0180",
    "field_office_email": "atlanta.field-office@example.org",
}
ENTRIES = (
    {
        "name": FOLKSTON,
        "operator": "GEO Group",
        "address": "3026 Hwy 252 East",
        "city": "Folkston",
        "region": "GA",
        "phone": "912-555-0100",
        "visiting_hours": (
            "Legal and consular visits daily 8:00–20:00; call the day before to book. "
            "Family visits on weekends, by appointment."
        ),
        **_FIELD_OFFICE,
    },
    {
        "name": STEWART,
        "operator": "CoreCivic",
        "address": "146 CCA Road",
        "city": "Lumpkin",
        "region": "GA",
        "phone": "229-555-0140",
        "visiting_hours": "Legal and consular visits daily 8:00–17:00, with photo ID.",
        **_FIELD_OFFICE,
    },
)


def add_facilities(factory: sessionmaker[Session], echo: Echo) -> None:
    """The two entries, added by the post's supervisor, who links the cases to them."""
    with unit_of_work(factory) as db:
        user = db.scalars(select(User).where(User.name == SUPERVISOR)).one()
        supervisor = Actor.from_user(user)
        linked = []
        for entry in ENTRIES:
            facility = create_facility(db, supervisor, {"country": "USA", **entry})
            cases = merge_name(db, supervisor, facility.id, facility.name)
            linked.append(f"{facility.name} ({len(cases)} cases)")
    echo(f"facility directory: {', '.join(linked)}")
