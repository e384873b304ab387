"""Cases to work on at once: the five persons of the test registry, detained at two facilities."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.cases.service import CaseOpening, open_cases
from consular.db import unit_of_work
from consular.incidents.models import Incident
from consular.registry.models import Person
from tests.conftest import World
from tests.factories import OPERATOR

FOLKSTON = "Folkston ICE Processing Center"
STEWART = "Stewart Detention Center"
# Case numbers 1 to 5: the first three at Folkston, the last two at Stewart, case 5 with no
# facility recorded (so it cannot be marked located).
FACILITIES = (FOLKSTON, FOLKSTON, FOLKSTON, STEWART, None)


def open_five(factory: sessionmaker[Session], world: World) -> dict[int, str]:
    """The five cases' ids by case number; case N has the A-number A10000000N."""
    with unit_of_work(factory) as db:
        incident = db.get_one(Incident, world.incident_id)
        persons = db.scalars(select(Person).order_by(Person.date_of_birth, Person.id)).all()
        openings = [
            CaseOpening(person.id, None, facility, f"A10000000{n}", "test")
            for n, (person, facility) in enumerate(zip(persons, FACILITIES, strict=True), 1)
        ]
        open_cases(db, OPERATOR, incident, openings)
    with unit_of_work(factory, write=False) as db:
        rows = db.execute(select(Case.number, Case.id).where(Case.incident_id == world.incident_id))
        return {number: case_id for number, case_id in rows}


def audit_count(factory: sessionmaker[Session]) -> int:
    with unit_of_work(factory, write=False) as db:
        return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def states(factory: sessionmaker[Session], world: World) -> dict[int, str]:
    with unit_of_work(factory, write=False) as db:
        rows = db.execute(
            select(Case.number, Case.state).where(Case.incident_id == world.incident_id)
        )
        return {number: state for number, state in rows}
