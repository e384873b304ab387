"""The demo's welfare interviews: the first visits to both facilities, two days after the
raid, with part of each facility's detainees seen (some injured by the restraints, some not
told why they were arrested, a few refusing that their family be told, some wanting
counsel). Synthetic answers, chosen by case number so the demo is the same each time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.families.models import FamilyCode
from consular.interviews.service import InterviewInput, Visit, record_interviews

Echo = Callable[[str], None]
OFFICER = "officer.kim"
VISIT_DAYS = ("2025-09-06", "2025-09-07")


def record_first_visits(factory: sessionmaker[Session], incident_id: str, echo: Echo) -> None:
    """Two of three detainees of each facility interviewed at its first visit."""
    with unit_of_work(factory) as db:
        actor = Actor.from_user(db.scalars(select(User).where(User.name == OFFICER)).one())
        coded = set(db.scalars(select(FamilyCode.case_id)))
        by_facility: dict[str, list[Case]] = defaultdict(list)
        query = select(Case).where(Case.incident_id == incident_id, Case.facility.is_not(None))
        for case in db.scalars(query.order_by(Case.number)).unique():
            by_facility[str(case.facility)].append(case)
        total = 0
        for index, (facility, cases) in enumerate(sorted(by_facility.items())):
            rows = [_answers(case, case.id in coded) for case in cases if case.number % 3]
            day = VISIT_DAYS[index % len(VISIT_DAYS)]
            total += len(record_interviews(db, actor, incident_id, Visit(facility, day), rows))
    echo(f"welfare interviews: {total} recorded at {len(by_facility)} facilities")


def _answers(case: Case, has_family_code: bool) -> InterviewInput:
    n = case.number
    if n % 17 == 0:
        return InterviewInput(case_number=n, seen=False, not_seen_reason="refused")
    injured = n % 11 == 0
    # A family that holds a code keeps it working: only others refuse to have them told.
    refuses = n % 23 == 0 and not has_family_code
    return InterviewInput(
        case_number=n,
        interpreter=n % 8 == 0,
        health="tired; sleeps badly in the cold dormitory" if n % 5 == 0 else "well",
        injured=injured,
        injuries="bruised wrists from the zip ties at the arrest" if injured else "",
        medical_needs=n % 19 == 0,
        medical_notes="blood pressure medicine left at the hotel" if n % 19 == 0 else "",
        told_reason="no" if n % 4 == 0 else "yes",
        advised_rights="no" if n % 6 == 0 else ("unsure" if n % 10 == 0 else "yes"),
        family_notice="no" if refuses else "yes",
        employer_notice="no" if refuses else "not_asked",
        wish="contest" if n % 9 == 0 else ("undecided" if n % 13 == 0 else "voluntary_departure"),
        counsel_wanted=n % 7 == 0,
        property_held="passport, phone, wallet" if n % 2 else "passport",
        property_left="suitcase at the hotel in Savannah" if n % 5 == 1 else "",
    )
