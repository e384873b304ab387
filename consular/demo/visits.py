"""The demo's visits: on the incident's second day, officers go to each of the two
facilities where the raid's detainees are held, an interpreter with them at Stewart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from consular.auth.service import Actor
from consular.db import unit_of_work
from consular.demo.lists import FOLKSTON, STEWART
from consular.incidents.models import Incident
from consular.visits.service import PlanInput, create_plan, local_start

Echo = Callable[[str], None]

# Who goes where: the post's officers to Folkston, the team from headquarters to Stewart.
VISITS = (
    (FOLKSTON, ("officer.kim", "officer.lee"), ""),
    (STEWART, ("officer.hq.jung", "officer.hq.han"), "Hwang Mirae (interpreter)"),
)


def plan_the_visits(factory: sessionmaker[Session], incident_id: str, echo: Echo) -> None:
    """One visit plan for each facility on the incident's second day."""
    with unit_of_work(factory) as db:
        incident = db.get_one(Incident, incident_id)
        day = local_start(incident) + timedelta(days=1)
        for facility, officers, interpreter in VISITS:
            made = create_plan(
                db,
                Actor.operator(),
                incident_id,
                PlanInput(
                    facility,
                    day,
                    officers,
                    interpreter=bool(interpreter),
                    interpreter_name=interpreter,
                    notes="Bring the rights leaflets in Korean.",
                ),
            )
            echo(f"visit: {facility} on {day}, {len(made.cases)} cases to see")
