"""Three detainees of the raid at two facilities, one of them in the post's directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import Post
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.facilities.models import Facility
from consular.incidents.service import import_list
from consular.visits.service import PlanInput, create_plan
from tests.conftest import World
from tests.factories import ATLANTA, csv_table

FOLKSTON = "Folkston ICE Processing Center"
STEWART = "Stewart Detention Center"
SECOND_DAY = date(2025, 9, 5)


@dataclass(frozen=True)
class Detainees:
    lee: str  # Folkston, A123456789
    park: str  # Stewart, A234567890
    choi: str  # Folkston, A045678901
    folkston: str  # the directory entry


def detainees(factory: sessionmaker[Session], world: World) -> Detainees:
    with unit_of_work(factory) as db:
        post = db.scalars(select(Post).where(Post.name == ATLANTA)).one()
        entry = Facility(post_id=post.id, name=FOLKSTON, city="Folkston", region="GA")
        db.add(entry)
        db.flush()
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility,a_number\n"
                f'"LEE, SEONGHO",1988-03-14,KOR,{FOLKSTON},A123456789\n'
                f'"PARK, JIHYE",1995-07-30,KOR,{STEWART},A234567890\n'
                f'"CHOI, DONGHYUN",1979-11-11,KOR,{FOLKSTON},A045678901\n'
            ),
        )
        cases = db.scalars(select(Case).order_by(Case.number)).all()
        cases[0].facility_id = entry.id
        cases[0].special_needs = "Insulin twice a day"
        return Detainees(cases[0].id, cases[1].id, cases[2].id, entry.id)


def plan(factory: sessionmaker[Session], world: World, facility: str = FOLKSTON) -> str:
    with unit_of_work(factory) as db:
        return create_plan(
            db,
            world.officer,
            world.incident_id,
            PlanInput(facility, SECOND_DAY, ["officer.kim"], True, "Ms. Hwang"),
        ).id
