"""Visit plans: what a plan starts with, the cases added by a list or a file (all or none,
every problem by its line), the states, the incident's scope, and the roster's order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.audit.timeline import TimelineFilters, read_timeline
from consular.auth.models import User
from consular.auth.service import Actor
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.incidents.lifecycle import close_incident
from consular.incidents.service import import_list
from consular.incidents.team import add_member
from consular.visits.models import VisitCase, VisitPlan
from consular.visits.service import (
    PlanInput,
    add_cases,
    add_file,
    create_plan,
    get_plan,
    remove_case,
    roster,
    set_state,
)
from tests.conftest import World
from tests.factories import csv_table, new_incident, user_with_token
from tests.visits.world import FOLKSTON, SECOND_DAY, STEWART, detainees, plan

GOOD = PlanInput(FOLKSTON, SECOND_DAY, ["officer.kim"], True, "Ms. Hwang", "Gate B")


def _cases_of(factory: sessionmaker[Session], plan_id: str) -> set[str]:
    with factory() as db:
        return set(db.scalars(select(VisitCase.case_id).where(VisitCase.plan_id == plan_id)))


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_plan_starts_with_every_case_held_at_its_facility_and_is_audited(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world)
    assert _cases_of(factory, plan_id) == {people.lee, people.choi}
    with factory() as db:
        made = db.get_one(VisitPlan, plan_id)
        assert (made.facility_id, made.facility_name) == (people.folkston, FOLKSTON)
        assert made.officers == ["officer.kim"] and made.interpreter_name == "Ms. Hwang"
        assert made.state == "planned"
        tags = list(db.scalars(select(AuditEvent.tag).where(AuditEvent.target_id == plan_id)))
    assert tags.count("visits:plan:create") == 1 and tags.count("visits:case:add") == 2


def test_a_facility_not_in_the_directory_is_planned_by_the_name_the_cases_carry(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world, STEWART)
    assert _cases_of(factory, plan_id) == {people.park}
    with factory() as db:
        assert db.get_one(VisitPlan, plan_id).facility_id is None


def test_a_plan_is_refused_with_every_problem_and_nothing_is_saved(
    factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    wrong = replace(
        GOOD,
        facility="Nowhere County Jail",
        visit_date=date(2025, 9, 1),
        officers=["officer.kim", "officer.houston"],
        interpreter=False,
    )
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        create_plan(db, world.officer, world.incident_id, wrong)
    fields = [(f["field"], f["reason"].code) for f in refused.value.details["fields"]]
    assert fields == [
        ("facility", "visits.unknown_facility"),
        ("visit_date", "visits.date_before_incident"),
        ("officers", "visits.officer_not_on_team"),
        ("interpreter_name", "visits.interpreter_name_without_interpreter"),
    ]
    late = replace(GOOD, visit_date=date(2026, 9, 10), officers=[])
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        create_plan(db, world.officer, world.incident_id, late)
    codes = [f["reason"].code for f in refused.value.details["fields"]]
    assert codes == ["visits.date_too_late", "visits.no_officer"]
    assert _count(factory, VisitPlan) == 0 and _count(factory, VisitCase) == 0


def test_pasted_cases_are_refused_all_together_each_problem_by_its_line(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world)
    with unit_of_work(factory) as db:
        remove_case(db, world.officer, plan_id, people.choi)
    pasted = "A 045-678-901\n2\n999, A999999999\n#3"
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        add_cases(db, world.officer, plan_id, pasted)
    rows = [(r["line"], r["entry"], r["reason"].code) for r in refused.value.details["rows"]]
    assert rows == [
        (2, "2", "visits.case_elsewhere"),
        (3, "999", "bulk.no_such_case"),
        (3, "A999999999", "bulk.no_such_case"),
        (4, "#3", "bulk.named_twice"),
    ]
    assert "Stewart Detention Center" in str(refused.value.details["rows"][0]["reason"])
    assert _cases_of(factory, plan_id) == {people.lee}  # nothing half-saved
    with unit_of_work(factory) as db:
        added = add_cases(db, world.officer, plan_id, "A 045-678-901, 1")
    assert (added.added, added.already) == (1, 1)
    assert _cases_of(factory, plan_id) == {people.lee, people.choi}


def test_a_case_of_another_incident_is_no_case_of_this_one(
    factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    other = new_incident(factory)
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            other,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility,a_number\n"
                f'"KIM, MINJUN",1990-01-02,KOR,{FOLKSTON},A777777777\n'
            ),
        )
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        add_cases(db, world.officer, plan_id, "A777777777")
    assert refused.value.details["rows"][0]["reason"].code == "bulk.no_such_case"


def test_a_roster_file_adds_its_cases_or_names_each_bad_row(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world)
    with unit_of_work(factory) as db:
        remove_case(db, world.officer, plan_id, people.choi)
    bad = csv_table("A-Number,Name\nA045678901,CHOI\nA234567890,PARK\nA000000001,NOBODY\n")
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        add_file(db, world.officer, plan_id, bad)
    assert [(r["line"], r["reason"].code) for r in refused.value.details["rows"]] == [
        (3, "visits.case_elsewhere"),
        (4, "bulk.no_such_case"),
    ]
    assert _cases_of(factory, plan_id) == {people.lee}
    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        add_file(db, world.officer, plan_id, csv_table("name\nCHOI\n"))
    assert refused.value.code == "visits.file_without_column"
    with unit_of_work(factory) as db:
        add_file(db, world.officer, plan_id, csv_table("a_number\nA045678901\n"))
    assert _cases_of(factory, plan_id) == {people.lee, people.choi}


def test_a_visit_done_or_cancelled_and_a_closed_incident_take_no_change(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    done, closed = plan(factory, world), plan(factory, world, STEWART)
    with unit_of_work(factory) as db:
        set_state(db, world.officer, done, "done")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
        remove_case(db, world.officer, done, people.lee)
    assert refused.value.code == "visits.not_planned"
    with unit_of_work(factory) as db, pytest.raises(InvalidInput):
        set_state(db, world.officer, closed, "forgotten")
    with unit_of_work(factory) as db:
        close_incident(db, world.officer, world.incident_id, "All home.")
    for change in (
        lambda db: create_plan(db, world.officer, world.incident_id, GOOD),
        lambda db: add_cases(db, world.officer, closed, "1"),
        lambda db: set_state(db, world.officer, closed, "cancelled"),
    ):
        with unit_of_work(factory) as db, pytest.raises(Conflict) as refused:
            change(db)
        assert refused.value.code == "incident.closed"


def test_another_posts_officer_finds_no_plan_but_a_team_member_does(
    factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    with factory() as db:
        houston = Actor.from_user(
            db.scalars(select(User).where(User.name == "officer.houston")).one()
        )
    with factory() as db, pytest.raises(NotFound):
        get_plan(db, houston, plan_id)
    with unit_of_work(factory) as db:
        add_member(db, Actor.operator(), world.incident_id, "officer.houston")
    with factory() as db:
        houston = Actor.from_user(
            db.scalars(select(User).where(User.name == "officer.houston")).one()
        )
        assert get_plan(db, houston, plan_id).facility_name == FOLKSTON
    # And the member may go on a visit of the incident.
    with unit_of_work(factory) as db:
        create_plan(
            db, world.officer, world.incident_id, replace(GOOD, officers=["officer.houston"])
        )


def test_the_roster_is_sorted_by_a_number_or_by_name_and_masked_for_a_viewer(
    factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    viewer, _ = user_with_token(factory, "viewer.yoon", "viewer")
    with factory() as db:
        shown = get_plan(db, world.officer, plan_id)
        by_number = roster(shown, world.officer, "a_number")
        by_name = roster(shown, world.officer, "name")
        masked = roster(shown, viewer, "a_number")
        with pytest.raises(InvalidInput):
            roster(shown, world.officer, "height")
    assert [r["a_number"] for r in by_number] == ["A045678901", "A123456789"]
    assert [r["name_latin"] for r in by_name] == ["CHOI DONGHYUN", "LEE SEONGHO"]
    assert [r["no"] for r in by_name] == ["1", "2"]
    assert by_name[1]["name_hangul"] == "이성호" and by_name[1]["language"] == "ko"
    assert by_name[1]["special_needs"] == "Insulin twice a day"
    assert [r["a_number"] for r in masked] == ["•••••••901", "•••••••789"]


def test_the_incidents_timeline_shows_its_visits(
    factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan(factory, world)
    supervisor, _ = user_with_token(factory, "supervisor.park", "supervisor")
    with factory() as db:
        shown = read_timeline(db, supervisor, world.incident_id, TimelineFilters(kind="visits"))
    tags = [entry.event.tag for entry in shown.entries]
    assert tags.count("visits:plan:create") == 1 and tags.count("visits:case:add") == 2
    assert {entry.case.number for entry in shown.entries if entry.case} == {1, 3}


def test_a_numbers_are_in_the_order_of_their_numbers_whatever_their_length(
    factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world)
    with unit_of_work(factory) as db:
        db.get_one(Case, people.choi).host_identifier = "A99999999"  # eight digits
    with factory() as db:
        rows = roster(get_plan(db, world.officer, plan_id), world.officer, "a_number")
    assert [r["a_number"] for r in rows] == ["A99999999", "A123456789"]
