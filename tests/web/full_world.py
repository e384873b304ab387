"""A workspace with something on every page: lists, the review queue, cases in several
states, a flight with passengers, a deployment, a re-entry assessment, a family code,
failed messages, unfinished imports and a user of each role; all made through the services.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.cases.assignment import assign_case
from consular.cases.models import Case
from consular.cases.service import add_note, complete_milestone, record_disposition, transition
from consular.config import Settings
from consular.db import Base, unit_of_work
from consular.families.service import issue_code
from consular.flights.service import FlightPlan, assign, create_flight
from consular.incidents.drafts import reconcile_draft, set_columns, start_draft
from consular.incidents.service import import_list
from consular.notifications import reminders
from consular.notifications.models import Notification
from consular.reentry import service as reentry
from consular.referrals import service as referrals
from consular.registry.merge import merge_persons
from consular.registry.models import EmergencyContact, Person
from consular.registry.schemas import PersonCreate
from consular.registry.service import add_person
from consular.screening.deployments import import_deployments
from tests.conftest import World
from tests.factories import csv_table, user_with_token

# One login per role (officer.kim comes with the world); every user has one password.
USERS = (
    ("supervisor.park", "supervisor", {}),
    ("viewer.choi", "viewer", {}),
    ("admin.one", "admin", {"post": None}),
    ("hr.battery", "employer_hr", {"employer": "HL Battery"}),
)
FIRST_HOST_LIST = (
    "id,full_name,date_of_birth,nationality,facility\n"
    'H1,"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
    'H2,"PARK, JIHYE",1995-07-30,KOR,Stewart Detention Center\n'
    'H3,"CHOI, DONGHYUN",1979-11-11,KOR,Folkston ICE Processing Center\n'
    'H4,"KIM, MINJUN",1990-01-02,KOR,Folkston ICE Processing Center\n'
    'H5,"GARCIA, JUAN",1980-04-21,MEX,Folkston ICE Processing Center\n'
)
# The next day's list: CHOI moved, PARK left out, a new name (JEONG, released at once).
SECOND_HOST_LIST = (
    "id,full_name,date_of_birth,nationality,facility\n"
    'H1,"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
    'H3,"CHOI, DONGHYUN",1979-11-11,KOR,Stewart Detention Center\n'
    'H6,"JEONG, MIRAE",1992-06-06,KOR,Stewart Detention Center\n'
)
DRAFT_WITH_A_BAD_ROW = (
    "A-Number,Name,DOB,Citizenship\n"
    'A100,"LEE, SEONGHO",03/14/1988,KOR\n'
    'A102,"CHOI, DONG HYUN",11/31/79,KOR\n'
)
DRAFT_TO_REVIEW = 'id,full_name,date_of_birth,nationality\nE1,"KIM, MINJUN",1990-01-02,KOR\n'
DEPLOYMENTS = (
    "family_name,given_name,date_of_birth,sex,nationality,passport_number,entry_status,"
    "activity,equipment_purchased_abroad,contract_requires_seller_service,"
    "specialized_knowledge,paid_by_us_source,hands_on,stay_days,"
    "prior_us_refusal_or_violation,entry_date\n"
    "YOON,SEJIN,1990-05-01,M,KOR,M90000002,b1,construction_labor,no,no,no,no,yes,60,no,"
    "2026-12-01\n"
    "KANG,MIRAE,1993-09-09,F,KOR,M90000003,b1,meetings,no,no,no,no,no,10,no,2026-12-01\n"
)
FLIGHT = FlightPlan(
    carrier="Korean Air",
    number="KE 036",
    origin="Atlanta (ATL)",
    destination="Seoul Incheon (ICN)",
    departs_at=datetime.fromisoformat("2025-09-11T14:00-04:00"),
    seats=20,
)


# What the world's people wrote themselves: shown as they wrote it, whatever the language.
FREE_TEXT = {
    "Visited at Folkston",
    "Asked for his medication.",
    "Departure will not count against future visas.",
    "SMS webhook answered 503",
}


def _headers(*files: str) -> set[str]:
    """The column names of the files, as a page shows them (the import lowercases them)."""
    return {name.lower() for text in files for name in text.splitlines()[0].split(",")}


def build_full_world(factory: sessionmaker[Session], world: World) -> str:
    """Fill ``world`` (posts, two officers, a registry of five, an incident) further;
    return the family code given for LEE SEONGHO (born 1988-03-14)."""
    for name, role, options in USERS:
        user_with_token(factory, name, role, **options)
    officer = world.officer
    with unit_of_work(factory) as db:
        import_list(db, officer, world.incident_id, "host_authority", csv_table(FIRST_HOST_LIST))
        cases = {c.person.family_name: c for c in db.scalars(select(Case).order_by(Case.number))}
        code = _progress(db, world, cases)
        hotline_calls(db, world.officer, world.incident_id, cases["LEE"].id)
    with unit_of_work(factory) as db:
        second = csv_table(SECOND_HOST_LIST, "host-day-2.csv")
        import_list(db, officer, world.incident_id, "host_authority", second)
        jeong = db.scalars(select(Case).order_by(Case.number.desc())).first()
        assert jeong is not None
        transition(db, officer, jeong.id, "released", version=jeong.version)
        import_deployments(db, _hr(db), csv_table(DEPLOYMENTS, "workers.csv"))
    with unit_of_work(factory) as db:
        table = csv_table(DRAFT_WITH_A_BAD_ROW, "ice-list.csv")
        start_draft(db, officer, world.incident_id, "host_authority", table)
        draft = start_draft(
            db, officer, world.incident_id, "employer", csv_table(DRAFT_TO_REVIEW, "staff.csv")
        )
        set_columns(db, draft, "employer", draft.mapping, "%Y-%m-%d")
        reconcile_draft(db, draft)
    with unit_of_work(factory) as db:
        _merged_duplicate(db, officer)
        # The 2025 raid's items are long breached: the supervisor's escalation waits.
        supervisor = db.scalars(select(User).where(User.name == "supervisor.park")).one()
        supervisor.email = "park@atlanta.example"
        reminders.scan(db, Settings(), actor="worker")
    return code


def hotline_calls(db: Session, officer: Any, incident_id: str, case_id: str) -> None:
    """Two calls: LEE's wife, linked to his case; a father asking about someone on no list,
    to be called back."""
    from consular.hotline.service import InquiryForm, link, log_call

    wife = InquiryForm(
        caller_name="김미영",
        caller_relation="wife",
        caller_phone="010-5550-0199",
        subject_name="이성호",
        subject_birth="1988.3.14",
        said="연락이 닿지 않습니다.",
    )
    link(db, officer, log_call(db, officer, incident_id, wife).id, case_id)
    father = InquiryForm(
        caller_name="오세훈",
        caller_relation="father",
        subject_name="오준석",
        subject_birth="970521",
        callback_due=datetime(2025, 9, 6, 14, 0, tzinfo=UTC),
    )
    log_call(db, officer, incident_id, father)


def _merged_duplicate(db: Session, officer: Any) -> None:
    """KIM MINJUN (R2) registered twice: the second file merged into the first."""
    kept = db.scalars(select(Person).where(Person.registry_ref == "R2")).one()
    twin = PersonCreate(
        family_name="KIM",
        given_name="MIN JUN",
        family_name_hangul="김",
        given_name_hangul="민준",
        date_of_birth=kept.date_of_birth,
        passport_number="M44444444",
    )
    duplicate = add_person(db, officer, twin, reason="registered twice")
    merge_persons(db, officer, kept.id, duplicate.id, reason="여권 갱신 전후의 같은 사람")


def _hr(db: Session) -> Any:
    from consular.auth.service import Actor

    return Actor.from_user(db.scalars(select(User).where(User.name == "hr.battery")).one())


def _progress(db: Session, world: World, cases: dict[str, Case]) -> str:
    """LEE visited, with a note, a family code and messages; PARK on the flight home with
    a re-entry assessment and a refused visa; CHOI located; KIM waits in the review queue."""
    officer = world.officer
    lee, park, choi = cases["LEE"], cases["PARK"], cases["CHOI"]
    transition(db, officer, choi.id, "located", version=choi.version)
    for state in ("located", "consular_access"):
        transition(db, officer, lee.id, state, version=lee.version)
    complete_milestone(db, officer, lee.id, "consular_visit", evidence="Visited at Folkston")
    second = "supervisor.park"
    assign_case(db, officer, lee.id, officer=officer.name, second=second, version=lee.version)
    add_note(db, officer, lee.id, "Asked for his medication.")
    code = issue_code(db, officer, Settings(), lee.id, "Kim Mi-young").code
    _failed_messages(db, lee)
    for state in ("located", "consular_access", "disposition_pending"):
        transition(db, officer, park.id, state, version=park.version)
    record_disposition(
        db, officer, park.id, disposition="voluntary_departure", version=park.version
    )
    transition(db, officer, park.id, "departure_scheduled", version=park.version)
    flight = create_flight(db, officer, world.incident_id, FLIGHT)
    assign(db, officer, flight.id, park.id)
    reentry.record_facts(db, officer, park.id, {"departed_on": date(2025, 9, 11)})
    reentry.assess(db, officer, park.id, record=True)
    reentry.record_outcome(db, officer, park.id, "visa_refused", date(2025, 11, 3))
    reentry.add_assurance(
        db,
        officer,
        world.incident_id,
        given_on=date(2025, 9, 14),
        given_by="Department of State",
        statement="Departure will not count against future visas.",
        source="Press briefing",
    )
    _counsel(db, officer, lee.id)
    return code


def _counsel(db: Session, officer: Any, case_id: str) -> None:
    """LEE referred to a law firm of the roster, with a hearing and a bond."""
    firm = referrals.add_provider(
        db,
        officer,
        referrals.ProviderFields(
            name="Peachtree Immigration Law Group",
            kind="lawyer",
            languages=["ko", "en"],
            phone="404-555-0142",
            areas="Immigration law; Georgia",
        ),
    )
    referrals.refer(db, officer, case_id, firm.id, consent=True, consent_note="9/6 면회 때")
    referrals.add_hearing(
        db,
        officer,
        case_id,
        kind="bond",
        starts_at=datetime(2025, 9, 12, 9, 0, tzinfo=UTC),
        place="Atlanta Immigration Court",
    )
    referrals.record_bond(
        db, officer, case_id, amount=Decimal("7500"), payer="family", state="set", version=0
    )


def _failed_messages(db: Session, case: Case) -> None:
    contact = EmergencyContact(
        person_id=case.person_id,
        name="Kim Mi-young",
        relationship_to_person="wife",
        phone="+82-10-5550-0101",
        email="miyoung@example.org",
        language="ko",
    )
    db.add(contact)
    db.flush()
    for channel, recipient, state, attempts in (
        ("sms", "+82-10-5550-0101", "dead", 5),
        ("email", "miyoung@example.org", "pending", 2),
    ):
        db.add(
            Notification(
                case_id=case.id,
                contact_id=contact.id,
                event="located",
                channel=channel,
                recipient=recipient,
                language="ko",
                subject="소재 확인",
                body="소재가 확인되었습니다.",
                state=state,
                attempts=attempts,
                last_error="SMS webhook answered 503",
            )
        )
    db.flush()


def data_values(factory: sessionmaker[Session]) -> set[str]:
    """Every text the world holds that a page may show as it is: names, places, files.

    Codes (``voluntary_departure``, ``cases:note:add``) and sentences the product wrote
    (``registered by the employer``) are left out: a page translates them, and one shown
    as it is stored is an untranslated word.
    """
    values: set[str] = set()
    with factory() as db:
        for mapper in Base.registry.mappers:
            columns = [c for c in mapper.columns if c.key in mapper.attrs]
            for row in db.scalars(select(mapper.class_)):
                for column in columns:
                    _collect(getattr(row, mapper.get_property_by_column(column).key), values)
    kept = {v for v in values if not _is_code(v) and not _is_sentence(v)}
    # The command line's operator is named by their login on the server: a name, not a code.
    kept |= {v.removeprefix("cli:") for v in values if v.startswith("cli:")}
    files = (FIRST_HOST_LIST, SECOND_HOST_LIST, DRAFT_WITH_A_BAD_ROW, DRAFT_TO_REVIEW)
    return kept | FREE_TEXT | _headers(*files)


def _collect(value: object, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value.strip())
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(key, into)
            _collect(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, into)


def _is_sentence(value: str) -> bool:
    return len(re.findall(r"(?<!\S)[a-z]{2,}(?=[\s,.;:)]|$)", value)) >= 2


def _is_code(value: str) -> bool:
    return value == "" or all(part.isidentifier() and part.islower() for part in value.split(":"))
