"""Building blocks for tests: posts, users with tokens, incidents and small registry files."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from consular.auth.service import Actor, create_token, create_user, get_or_create_post
from consular.config import Settings
from consular.db import unit_of_work
from consular.importing import command_line_limits
from consular.incidents.schemas import IncidentCreate
from consular.incidents.service import create_incident
from consular.registry.models import Employer
from consular.tabular import Table, read_table_bytes

ATLANTA = "Consulate General in Atlanta"
ATLANTA_KO = "주애틀랜타 대한민국 총영사관"
HOUSTON = "Consulate General in Houston"
RAID_START = datetime(2025, 9, 4, 14, 0, tzinfo=UTC)
OPERATOR = Actor.operator()

REGISTRY_COLUMNS = (
    "id,family_name,given_name,family_name_hangul,given_name_hangul,sex,date_of_birth,"
    "nationality,passport_number,employer"
)
REGISTRY_ROWS = [
    "R1,LEE,SEONGHO,이,성호,M,1988-03-14,KOR,M12345678,HL Battery",
    "R2,KIM,MINJUN,김,민준,M,1990-01-02,KOR,M22222222,HL Battery",
    "R3,KIM,MINJUN,김,민준,M,1990-01-02,KOR,M33333333,Daewon Install",
    "R4,PARK,JIHYE,박,지혜,F,1995-07-30,KOR,,Daewon Install",
    "R5,CHOI,DONGHYUN,최,동현,M,1979-11-11,KOR,M55555555,HL Battery",
]

# A detainee roster as a US agency writes it: its own headers and country names, US dates,
# and columns the import has no field for.
AGENCY_ROSTER = (
    "A-Number,Last Name,First Name,Date of Birth,Country of Citizenship,Gender,Facility,"
    "Booking Date\n"
    'A123456789,LEE,SEONGHO,03/14/1988,"KOREA, SOUTH",M,Folkston ICE Processing Center,'
    "09/04/2025\n"
    "A234567890,PARK,JI HYE,07/30/1995,Korea (South),F,Stewart Detention Center,09/04/2025\n"
    "A345678901,GARCIA,JUAN,04/21/1980,MEXICO,M,Folkston ICE Processing Center,09/05/2025\n"
)

# The command line's limits, as the defaults have them.
LIMITS = command_line_limits(Settings())


def csv_table(text: str, name: str = "list.csv") -> Table:
    return read_table_bytes(text.encode(), name, limits=LIMITS)


def registry_table(rows: list[str] | None = None, name: str = "registry.csv") -> Table:
    return csv_table("\n".join([REGISTRY_COLUMNS, *(rows or REGISTRY_ROWS)]) + "\n", name)


def rows_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def setup_posts(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as db:
        get_or_create_post(
            db,
            ATLANTA,
            name_ko=ATLANTA_KO,
            city="Atlanta",
            time_zone="America/New_York",
            phone="+1-404-522-1611",
        )
        get_or_create_post(db, HOUSTON, city="Houston", time_zone="America/Chicago")


def user_with_token(
    factory: sessionmaker[Session],
    name: str,
    role: str,
    *,
    post: str | None = ATLANTA,
    employer: str | None = None,
) -> tuple[Actor, str]:
    with unit_of_work(factory) as db:
        if employer and db.query(Employer).filter_by(name=employer).first() is None:
            db.add(Employer(name=employer))
            db.flush()
        user = create_user(
            db,
            OPERATOR,
            name=name,
            role=role,
            password="correct horse 1",
            post=None if role == "employer_hr" else post,
            employer=employer,
        )
        token = create_token(db, OPERATOR, name)
        return Actor.from_user(user), token


def new_incident(factory: sessionmaker[Session], post: str = ATLANTA) -> str:
    with unit_of_work(factory) as db:
        incident = create_incident(
            db,
            OPERATOR,
            IncidentCreate(
                title="Worksite raid",
                host_country="USA",
                place="Ellabell, Georgia",
                agency="HSI",
                started_at=RAID_START,
                post=post,
            ),
        )
        return incident.id


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
