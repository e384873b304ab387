"""The demo's team at work through the week: two officers from headquarters join the post's,
the cases are shared among them, the charter home is seated, families are given codes.

As in the model case, a rapid-response team from the Ministry in Seoul joined the consulate
general; the charter left Atlanta for Incheon on 11 September 2025.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor, create_user, get_or_create_post
from consular.cases.assignment import assign_case
from consular.cases.models import Case
from consular.cases.states import CaseState
from consular.config import Settings
from consular.db import unit_of_work
from consular.families.service import issue_code
from consular.flights.service import FlightPlan, assign, create_flight, set_travel
from consular.incidents.team import add_member

Echo = Callable[[str], None]

HEADQUARTERS = "Ministry of Foreign Affairs, Seoul"
HEADQUARTERS_KO = "외교부 본부"
# The rapid-response team's officers, added to the incident's team only.
HQ_OFFICERS = ("officer.hq.jung", "officer.hq.han")
POST_OFFICERS = ("officer.kim", "officer.lee")
SUPERVISOR = "supervisor.park"
CHARTER = FlightPlan(
    carrier="Korean Air",
    number="KE2409",
    origin="ATL",
    destination="ICN",
    departs_at=datetime(2025, 9, 11, 12, 0, tzinfo=ZoneInfo("America/New_York")),
    seats=368,
)
# Every UNASSIGNED_EVERY-th case waits for an officer; every SECOND_EVERY-th has a second.
UNASSIGNED_EVERY = 9
SECOND_EVERY = 5
FAMILY_CODES = 5
PASSWORD_LENGTH = 14


def work_the_week(
    factory: sessionmaker[Session], incident_id: str, seed: int, echo: Echo
) -> list[tuple[str, str, str]]:
    """The team, the assignments, the charter's seats and a few family codes; returns the
    new logins as (user name, role, password), drawn from ``seed``."""
    logins = _headquarters_team(factory, incident_id, seed)
    echo(f"team: {', '.join(POST_OFFICERS)} and from {HEADQUARTERS}: {', '.join(HQ_OFFICERS)}")
    with unit_of_work(factory) as db:
        assigned, seconded = _share_cases(db, _actor(db, SUPERVISOR), incident_id)
    echo(f"assignments: {assigned} cases with an officer ({seconded} with a second officer)")
    with unit_of_work(factory) as db:
        seated = _seat_the_charter(db, _actor(db, "officer.kim"), incident_id)
    route = f"{CHARTER.origin}→{CHARTER.destination}"
    echo(f"flight: {CHARTER.carrier} {CHARTER.number} {route}, {seated} seats assigned")
    with unit_of_work(factory) as db:
        codes = _family_codes(db, _actor(db, "officer.lee"), incident_id)
    echo(f"family codes: {len(codes)} issued (shown once, for the status page /status)")
    for line in codes:
        echo(f"  {line}")
    return logins


def _actor(db: Session, name: str) -> Actor:
    return Actor.from_user(db.scalars(select(User).where(User.name == name)).one())


def _headquarters_team(
    factory: sessionmaker[Session], incident_id: str, seed: int
) -> list[tuple[str, str, str]]:
    rng = random.Random(f"demo-week-{seed}")
    alphabet = string.ascii_letters + string.digits
    logins = []
    with unit_of_work(factory) as db:
        get_or_create_post(
            db,
            HEADQUARTERS,
            name_ko=HEADQUARTERS_KO,
            country="KOR",
            city="Seoul",
            time_zone="Asia/Seoul",
            phone="+82-2-555-0100",
        )
        for name in HQ_OFFICERS:
            password = "".join(rng.choice(alphabet) for _ in range(PASSWORD_LENGTH))
            create_user(
                db,
                Actor.operator(),
                name=name,
                role="officer",
                password=password,
                post=HEADQUARTERS,
            )
            logins.append((name, "officer", password))
    with unit_of_work(factory) as db:
        supervisor = _actor(db, SUPERVISOR)
        for name in HQ_OFFICERS:
            add_member(db, supervisor, incident_id, name)
    return logins


def _cases(db: Session, incident_id: str) -> Sequence[Case]:
    return db.scalars(
        select(Case).where(Case.incident_id == incident_id).order_by(Case.number)
    ).all()


def _share_cases(db: Session, supervisor: Actor, incident_id: str) -> tuple[int, int]:
    """Most cases to one of the four officers in turn; a few wait; some get a second."""
    officers = (*POST_OFFICERS, *HQ_OFFICERS)
    assigned = seconded = 0
    for case in _cases(db, incident_id):
        if case.number % UNASSIGNED_EVERY == 0:
            continue
        first = officers[case.number % len(officers)]
        second = None
        if case.number % SECOND_EVERY == 0:
            second = officers[(case.number + 1) % len(officers)]
        assign_case(db, supervisor, case.id, officer=first, second=second, version=case.version)
        assigned += 1
        seconded += second is not None
    return assigned, seconded


def _seat_the_charter(db: Session, officer: Actor, incident_id: str) -> int:
    """The charter, with a seat and a travel document for each case scheduled to depart."""
    flight = create_flight(db, officer, incident_id, CHARTER)
    leaving = [c for c in _cases(db, incident_id) if c.state == CaseState.DEPARTURE_SCHEDULED]
    for number, case in enumerate(leaving):
        # Most passports were held by the host authority; one was lost and needs a certificate.
        document = "travel_certificate" if number == 0 else "passport_held"
        set_travel(
            db,
            officer,
            case.id,
            travel_document=document,
            special_needs="",
            version=case.version,
        )
        assign(db, officer, flight.id, case.id)
    return len(leaving)


def _family_codes(db: Session, officer: Actor, incident_id: str) -> list[str]:
    """Codes for the first cases whose person has an emergency contact on record."""
    issued: list[str] = []
    settings = Settings()
    for case in _cases(db, incident_id):
        if len(issued) == FAMILY_CODES:
            break
        if not case.person.contacts:
            continue
        contact = case.person.contacts[0].name
        code = issue_code(db, officer, settings, case.id, contact).code
        born = case.person.date_of_birth
        issued.append(f"case {case.number}, {contact}: {code} (born {born})")
    return issued
