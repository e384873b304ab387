"""The demo build: the model case, built through the services, the same for the same seed."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.service import verify_chain
from consular.auth.models import User
from consular.auth.permissions import Role
from consular.auth.service import Actor, authenticate_password
from consular.cases.models import Case, CustodyEvent, Milestone
from consular.db import make_engine, make_session_factory, unit_of_work, utcnow
from consular.demo.build import build_demo as build_demo_into
from consular.demo.build import plan_demo
from consular.demo.database import DemoRefused, prepare_database, refuse_foreign_data
from consular.demo.lists import STAGE_COUNTS
from consular.demo.week import HEADQUARTERS
from consular.incidents.models import Incident, SourceList, SourceRecord
from consular.incidents.service import review_queue
from consular.incidents.team import members, team, workload
from consular.registry.models import EmergencyContact, Person
from consular.registry.service import import_registry
from consular.visits.models import VisitPlan
from tests.factories import OPERATOR, registry_table

pytestmark = pytest.mark.slow

SEED = 7


@dataclass(frozen=True)
class Built:
    url: str
    logins: list[tuple[str, str, str]]
    lines: list[str]
    factory: sessionmaker[Session]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The demo of seed 7, built once for the whole module: it takes several seconds."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    lines: list[str] = []
    logins = build_demo_into(url, seed=SEED, echo=lines.append)
    engine = make_engine(url)
    yield Built(url, logins, lines, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def demo(built: Built) -> Iterator[Session]:
    with unit_of_work(built.factory, write=False) as session:
        yield session


def _cases(db: Session) -> list[Case]:
    return list(db.scalars(select(Case).order_by(Case.number)))


def test_the_host_list_is_imported_whole_and_other_nationals_stay_out_of_scope(
    demo: Session,
) -> None:
    host = demo.scalars(select(SourceList).where(SourceList.kind == "host_authority")).one()
    assert host.row_count == 475
    decisions = Counter(
        demo.scalars(select(SourceRecord.decision).where(SourceRecord.source_list_id == host.id))
    )
    assert sum(decisions.values()) == 475
    assert decisions["out_of_scope"] == 158
    assert decisions["pending"] == 0  # every host row was reviewed


def test_there_is_one_case_per_korean_detainee_ten_of_them_women(demo: Session) -> None:
    cases = _cases(demo)
    assert len(cases) == 317
    assert len({case.person_id for case in cases}) == 317
    assert Counter(case.person.sex for case in cases) == {"M": 307, "F": 10}
    assert {case.person.nationality for case in cases} == {"KOR"}
    women_held = {case.facility for case in cases if case.person.sex == "F"}
    assert women_held == {"Stewart Detention Center"}


def test_the_registry_holds_twenty_thousand_nationals_and_contacts(demo: Session) -> None:
    registered = demo.scalar(
        select(func.count()).select_from(Person).where(Person.registry_ref.is_not(None))
    )
    assert registered == 20_000
    with_contact = demo.scalar(
        select(func.count(func.distinct(EmergencyContact.person_id))).join(
            Case, Case.person_id == EmergencyContact.person_id
        )
    )
    assert with_contact is not None and with_contact >= 300


def test_case_progress_follows_the_plan_of_stages(demo: Session) -> None:
    cases = _cases(demo)
    states = Counter(case.state for case in cases)
    for stage, count in STAGE_COUNTS:
        assert states[stage] == count
    assert states["reported"] == 317 - sum(count for _, count in STAGE_COUNTS)
    leaving = [case for case in cases if case.state == "departure_scheduled"]
    assert {case.disposition for case in leaving} == {"voluntary_departure"}
    (released,) = [case for case in cases if case.state == "released"]
    assert demo.scalar(
        select(CustodyEvent.kind).where(
            CustodyEvent.case_id == released.id, CustodyEvent.kind == "released"
        )
    )


def test_some_milestones_are_done_in_the_past_and_some_overdue(demo: Session) -> None:
    now = utcnow()
    milestones = list(demo.scalars(select(Milestone).join(Milestone.case)))
    done = [m for m in milestones if m.done_at is not None]
    overdue = [m for m in milestones if m.done_at is None and m.due_at < now]
    assert len(done) > 500 and len(overdue) > 100
    assert all(m.done_at is not None and m.case.arrested_at < m.done_at <= now for m in done)
    kinds_done = Counter(m.kind for m in done)
    assert kinds_done["rights_advised"] > 0.85 * 317
    assert 0 < kinds_done["legal_counsel"] < 317


def test_the_review_queue_keeps_a_few_rows_on_purpose(demo: Session) -> None:
    officer = demo.scalars(select(User).where(User.name == "officer.kim")).one()
    incident_id = demo.scalars(select(Case.incident_id)).first()
    assert incident_id is not None
    queue = review_queue(demo, Actor.from_user(officer), incident_id)
    assert 1 <= len(queue) <= 5


def test_each_role_has_a_user_whose_printed_password_works(built: Built, demo: Session) -> None:
    roles = {user.role for user in demo.scalars(select(User))}
    assert roles == {role.value for role in Role}
    assert len(built.logins) == 8  # with the two officers from headquarters
    for name, role, password in built.logins:
        assert authenticate_password(demo, name, password).role == role


def test_the_audit_chain_verifies_and_names_the_officers(demo: Session) -> None:
    count, problem = verify_chain(demo)
    assert problem is None
    assert count > 1000


def test_the_build_reports_its_progress(built: Built) -> None:
    text = "\n".join(built.lines)
    assert "registry: 20000 persons" in text
    assert "host list" in text and "475 rows" in text
    assert "cases: 317" in text
    assert "chain intact" in text


def test_the_same_seed_plans_the_same_demo_and_the_build_follows_the_plan(
    demo: Session,
) -> None:
    # A second full build would double the module's time; instead check that the seed
    # fixes the whole plan and that the database is exactly what the plan says.
    plan = plan_demo(SEED)
    assert plan == plan_demo(SEED)
    names = {p.key: f"{p.name.family_latin} {p.name.given_latin}" for p in plan.world.detained}
    expected = sorted(
        (names[p.key], plan.cases[p.key].stage) for p in plan.world.detained if p.in_registry
    )
    in_database = sorted(
        (f"{case.person.family_name} {case.person.given_name}", case.state)
        for case in _cases(demo)
        if case.person.registry_ref is not None
    )
    assert in_database == expected
    unregistered = Counter(case.state for case in _cases(demo) if case.person.registry_ref is None)
    assert unregistered == Counter(
        plan.cases[p.key].stage for p in plan.world.detained if not p.in_registry
    )


def test_another_seed_draws_other_people() -> None:
    first, other = plan_demo(SEED), plan_demo(SEED + 1)
    assert first.world.detained[0].name != other.world.detained[0].name
    assert {p.name for p in first.world.detained} != {p.name for p in other.world.detained}
    assert first.lists[0].table.sha256 != other.lists[0].table.sha256
    assert first.passwords != other.passwords


def test_a_database_with_persons_is_refused_unless_it_is_a_sqlite_demo(built: Built) -> None:
    engine = make_engine(built.url)
    try:
        # Anything but SQLite is never wiped: persons there, of a demo or not, stop the build.
        with pytest.raises(DemoRefused, match="already holds 20015 persons"):
            refuse_foreign_data(engine, allow_demo=False)
        refuse_foreign_data(engine, allow_demo=True)
    finally:
        engine.dispose()


def test_a_sqlite_file_with_other_persons_is_left_alone(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "consular.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine: Engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as db:
        import_registry(db, OPERATOR, registry_table())
    engine.dispose()

    with pytest.raises(DemoRefused, match="already holds 5 persons"):
        prepare_database(url)
    with pytest.raises(DemoRefused):
        build_demo_into(url, seed=SEED, echo=lambda line: None)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Person)) == 5
    engine.dispose()


def test_a_file_that_is_not_a_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database, but someone's notes\n" * 100)
    with pytest.raises(DemoRefused, match="cannot be checked"):
        prepare_database(f"sqlite:///{path}")
    assert path.read_text().startswith("not a database")


def test_an_empty_database_is_accepted(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    shutil.copy(sqlite_template, path)
    prepare_database(f"sqlite:///{path}")
    assert not path.exists()  # replaced by the build that follows


def test_the_employers_trips_are_screened_and_the_assurance_recorded(demo: Session) -> None:
    """The subcontractors' installers (no seller's contract) are for a lawyer; the battery
    maker's own engineers pass with the ESTA caution; electricians on visitor status do not."""
    from consular.reentry.models import Assurance
    from consular.registry.models import Deployment

    rows = demo.execute(
        select(Deployment.role, Deployment.entry_status, Deployment.screening_verdict).where(
            Deployment.screening_verdict.is_not(None)
        )
    ).all()
    assert len(rows) > 500
    verdicts = {(role, status): verdict for role, status, verdict in rows}
    assert verdicts[("electrical technician", "esta")] == "not_permitted"
    assert verdicts[("equipment installation engineer", "esta")] == "caution"
    assert verdicts[("installation technician", "b1b2")] == "refer"
    assert demo.scalar(select(func.count()).select_from(Assurance)) == 1


def test_the_team_shares_the_cases_and_two_officers_came_from_headquarters(
    built: Built, demo: Session
) -> None:
    incident = demo.scalars(select(Incident)).one()
    hq = {m.user.name: m.user.post for m in members(demo, incident)}
    assert set(hq) == {"officer.hq.jung", "officer.hq.han"}
    assert {post.name for post in hq.values() if post} == {HEADQUARTERS}
    assert {post.name_ko for post in hq.values() if post} == {"외교부 본부"}
    team_names = {user.name for user in team(demo, incident)}
    assert {"officer.kim", "officer.lee", *hq} <= team_names
    cases = _cases(demo)
    officers = Counter(case.assigned_to.name if case.assigned_to else None for case in cases)
    assert 0 < officers[None] < len(cases) / 5  # most cases have an officer, a few wait
    assert {"officer.kim", "officer.lee", *hq} <= set(officers)
    seconded = [case for case in cases if case.second_officer is not None]
    assert seconded and all(case.assigned_to is not None for case in seconded)
    assert all(case.second_officer_id != case.assigned_to_id for case in seconded)
    # The workload the team page shows adds up to the open cases.
    shares = workload(demo, incident, utcnow())
    assert sum(share.officer for share in shares.values()) == sum(
        1 for case in cases if case.state != "closed"
    )
    assert "officer.hq.jung" in {name for name, _, _ in built.logins}
    assert any(line.startswith("team: ") for line in built.lines)


def test_the_charter_seats_everyone_scheduled_to_depart_and_families_hold_codes(
    built: Built, demo: Session
) -> None:
    from consular.families.models import FamilyCode
    from consular.flights.models import Flight, FlightSeat

    (flight,) = demo.scalars(select(Flight))
    assert (flight.number, flight.origin, flight.destination) == ("KE2409", "ATL", "ICN")
    leaving = {case.id for case in _cases(demo) if case.state == "departure_scheduled"}
    seated = set(demo.scalars(select(FlightSeat.case_id).where(FlightSeat.flight_id == flight.id)))
    assert seated == leaving and len(leaving) == 6
    assert all(case.travel_document for case in _cases(demo) if case.id in leaving)
    codes = list(demo.scalars(select(FamilyCode)))
    assert len(codes) == 5 and all(code.contact_id is not None for code in codes)
    assert sum(1 for line in built.lines if line.startswith("  case ")) == 5


def test_reminders_wait_for_the_supervisor_in_the_outbox(demo: Session) -> None:
    from consular.auth.models import User
    from consular.notifications.models import Notification

    waiting = demo.execute(
        select(User.name, Notification.event, Notification.recipient)
        .join(User, User.id == Notification.user_id)
        .where(Notification.state == "pending")
    ).all()
    assert ("supervisor.park", "escalation", "supervisor.park@atlanta.consulate.example") in [
        tuple(row) for row in waiting
    ]


def test_the_families_were_told_of_the_charter_and_sent_one_broadcast(
    built: Built, demo: Session
) -> None:
    from consular.notifications.models import Broadcast, Notification

    (broadcast,) = demo.scalars(select(Broadcast))
    assert broadcast.sent_by == "supervisor.park" and broadcast.audience == "families"
    messages = list(demo.scalars(select(Notification).filter_by(broadcast_id=broadcast.id)))
    assert len(messages) == sum(broadcast.counts["messages"].values()) > 0
    assert {m.language for m in messages} <= {"ko", "en"}
    assert demo.scalars(select(Notification).filter_by(event="seat_assigned")).first()
    assert any(line.startswith("broadcast: ") for line in built.lines)


def test_the_model_cases_facilities_are_in_the_directory_and_hold_its_cases(
    demo: Session,
) -> None:
    from consular.facilities.models import Facility

    entries = {f.name: f for f in demo.scalars(select(Facility))}
    assert set(entries) == {"Folkston ICE Processing Center", "Stewart Detention Center"}
    assert entries["Stewart Detention Center"].city == "Lumpkin"
    assert entries["Folkston ICE Processing Center"].phone.startswith("+1912555")
    named = [case for case in _cases(demo) if case.facility in entries]
    assert named and all(case.facility_id == entries[case.facility].id for case in named)
    # Every custody record of those names is linked too.
    unlinked = select(func.count()).where(
        CustodyEvent.facility.in_(list(entries)), CustodyEvent.facility_id.is_(None)
    )
    assert demo.scalar(unlinked) == 0


def test_officers_visit_both_facilities_on_the_second_day(demo: Session) -> None:
    plans = list(demo.scalars(select(VisitPlan).order_by(VisitPlan.facility_name)))
    assert [p.facility_name for p in plans] == [
        "Folkston ICE Processing Center",
        "Stewart Detention Center",
    ]
    assert {p.visit_date.isoformat() for p in plans} == {"2025-09-05"}
    assert [p.interpreter for p in plans] == [False, True]
    assert all(p.cases for p in plans)
    assert all(p.facility_id for p in plans)  # the directory's entries, planned after them


def test_part_of_each_facility_s_detainees_were_interviewed(demo: Session) -> None:
    from consular.interviews.models import WelfareInterview

    interviews = demo.scalars(select(WelfareInterview)).all()
    facilities = {i.facility for i in interviews}
    assert len(facilities) >= 2 and len(interviews) < len(_cases(demo))
    seen = [i for i in interviews if i.seen]
    assert any(i.injured for i in seen) and any(i.told_reason == "no" for i in seen)
    assert any(i.counsel_wanted for i in seen)
    refusing = [i for i in seen if i.family_notice == "no"]
    assert refusing and all(demo.get_one(Case, i.case_id).family_notice == "no" for i in refusing)
