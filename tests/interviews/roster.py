"""A small incident for the interviews' tests: three detained at two facilities."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.db import unit_of_work
from consular.incidents.service import import_list
from tests.conftest import World
from tests.factories import csv_table

FOLKSTON = "Folkston ICE Processing Center"
STEWART = "Stewart Detention Center"
HOST_LIST = (
    "full_name,date_of_birth,nationality,facility,a_number\n"
    f'"LEE, SEONGHO",1988-03-14,KOR,{FOLKSTON},A123456789\n'
    f'"PARK, JIHYE",1995-07-30,KOR,{STEWART},A234567890\n'
    f'"CHOI, DONGHYUN",1979-11-11,KOR,{FOLKSTON},A345678901\n'
)


def detained(factory: sessionmaker[Session], world: World) -> dict[int, str]:
    """The three cases, by number: 1 LEE (Folkston), 2 PARK (Stewart), 3 CHOI (Folkston)."""
    with unit_of_work(factory) as db:
        import_list(db, world.officer, world.incident_id, "host_authority", csv_table(HOST_LIST))
        return {case.number: case.id for case in db.scalars(select(Case)).unique()}
