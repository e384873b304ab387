"""The demo's trips as the employers would have planned them, screened, and the assurance
given after the raid: what the employer and re-entry pages show in the demo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from consular.auth.service import Actor
from consular.db import unit_of_work, utcnow
from consular.demo.lists import BATTERY_MAKER
from consular.reentry.service import add_assurance
from consular.registry.models import Deployment
from consular.screening.deployments import screen_deployment

# What each role's trip was for. Installers and technicians set up equipment shipped from
# Korea; engineers of the battery maker service it and train the plant's staff.
ACTIVITY = {
    "process engineer": "train_us_workers",
    "quality engineer": "service_equipment",
    "commissioning engineer": "service_equipment",
    "equipment installation engineer": "install_equipment",
    "installation technician": "install_equipment",
    "equipment setup technician": "install_equipment",
    "conveyor installer": "install_equipment",
    "electrical technician": "construction_labor",
    "controls technician": "repair_equipment",
}


def plan_and_screen(factory: sessionmaker[Session], echo: Callable[[str], object]) -> None:
    """Give each deployment its plan and verdict; the seller's contract covers only the
    battery maker's own staff, not its subcontractors'."""
    verdicts: Counter[str] = Counter()
    with unit_of_work(factory) as db:
        query = select(Deployment).options(joinedload(Deployment.employer))
        for deployment in db.scalars(query):
            activity = ACTIVITY.get(deployment.role)
            if activity is None or deployment.entry_date is None or deployment.planned_end is None:
                continue
            own_staff = deployment.employer.name == BATTERY_MAKER
            deployment.activity = activity
            deployment.stay_days = (deployment.planned_end - deployment.entry_date).days
            deployment.equipment_purchased_abroad = True
            deployment.contract_requires_seller_service = own_staff
            deployment.specialized_knowledge = "engineer" in deployment.role or own_staff
            deployment.hands_on = "engineer" not in deployment.role
            verdict = screen_deployment(deployment)
            if verdict is None:
                continue
            deployment.screening_verdict = verdict.outcome
            deployment.screening_rules = verdict.rule_ids
            deployment.screening_version = verdict.version
            deployment.screened_at = utcnow()
            deployment.registered_by = "demo"
            verdicts[verdict.outcome] += 1
    shown = ", ".join(f"{outcome} {n}" for outcome, n in sorted(verdicts.items()))
    echo(f"deployments screened: {sum(verdicts.values())} ({shown})")


def record_assurance(factory: sessionmaker[Session], admin: Actor, incident_id: str) -> None:
    with unit_of_work(factory) as db:
        add_assurance(
            db,
            admin,
            incident_id,
            given_on=date(2025, 9, 10),
            given_by="Minister of Foreign Affairs (after meeting the Secretary of State)",
            statement="The returning workers will face no disadvantage when they come back.",
            source="Press briefing, 10 September 2025",
        )
