"""Many cases at once: each through the single action's rules, refusals reported per case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.service import verify_chain
from consular.cases.bulk import Mode, Selection, apply_bulk
from consular.cases.bulk_actions import BulkAction
from consular.cases.models import Case
from consular.cases.service import list_cases
from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput, NotFound
from consular.flights.models import FlightSeat
from consular.flights.service import FlightPlan, create_flight
from consular.incidents.lifecycle import close_incident
from tests.cases.bulk_world import FOLKSTON, STEWART, audit_count, open_five, states
from tests.conftest import World
from tests.factories import OPERATOR, user_with_token

LOCATE = BulkAction("transition", to="located", note="seen on the roster")


def run(factory, world, selection, action, **options):  # type: ignore[no-untyped-def]
    with unit_of_work(factory) as db:
        return apply_bulk(db, world.officer, world.incident_id, selection, action, **options)


def test_where_allowed_moves_the_cases_that_may_move_and_says_why_the_other_may_not(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    before = audit_count(factory)
    report = run(
        factory, world, Selection(case_ids=list(cases.values())), LOCATE, mode="where_allowed"
    )
    assert report.written
    assert [o.number for o in report.applied] == [1, 2, 3, 4]
    [refused] = report.refused
    assert refused.number == 5 and refused.reason is not None
    assert refused.reason.code == "case.facility_missing"
    assert refused.name  # the person's name, for the report
    assert states(factory, world) == {
        1: "located",
        2: "located",
        3: "located",
        4: "located",
        5: "reported",
    }
    assert audit_count(factory) == before + 4  # one audit record per case moved
    with unit_of_work(factory, write=False) as db:
        # The refused case's savepoint left no gap in the log's chain.
        assert verify_chain(db) == (before + 4, None)


def test_all_or_nothing_writes_nothing_when_one_case_is_refused(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    before = audit_count(factory)
    report = run(factory, world, Selection(case_ids=list(cases.values())), LOCATE)
    assert report.mode is Mode.ALL_OR_NOTHING and not report.written
    assert [o.number for o in report.refused] == [5]
    assert len(report.applied) == 4  # what would have been applied
    assert set(states(factory, world).values()) == {"reported"}
    assert audit_count(factory) == before


def test_a_preview_runs_the_checks_and_writes_nothing(
    factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    before = audit_count(factory)
    report = run(
        factory,
        world,
        Selection(filters={"facility": FOLKSTON}),
        LOCATE,
        mode="where_allowed",
        dry_run=True,
    )
    assert report.dry_run and not report.written
    assert [o.number for o in report.applied] == [1, 2, 3]
    assert set(states(factory, world).values()) == {"reported"}
    assert audit_count(factory) == before


def test_all_that_match_the_filter_are_transferred_to_another_facility(
    factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    action = BulkAction("custody", facility=STEWART, custody_kind="transferred")
    report = run(factory, world, Selection(filters={"facility": FOLKSTON}), action)
    assert report.written and [o.number for o in report.applied] == [1, 2, 3]
    with unit_of_work(factory, write=False) as db:
        total, _ = list_cases(db, world.officer, world.incident_id, facility=STEWART)
        moved = db.scalars(select(Case).where(Case.number == 1)).one()
        assert total == 4
        assert [(c.kind, c.facility) for c in moved.custody][-1] == ("transferred", STEWART)


def test_a_checklist_item_is_done_for_all_with_its_evidence_and_time(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    visited = datetime(2025, 9, 6, 15, 0, tzinfo=UTC)
    action = BulkAction(
        "milestone", milestone="consular_visit", evidence="Visit at Folkston", at=visited
    )
    first = run(factory, world, Selection(filters={"facility": FOLKSTON}), action)
    assert len(first.applied) == 3
    # Case 1 again, with case 4: the item of case 1 is already done, and says by whom.
    again = run(
        factory,
        world,
        Selection(case_ids=[cases[1], cases[4]]),
        action,
        mode="where_allowed",
    )
    assert [o.number for o in again.applied] == [4]
    assert again.refused[0].reason is not None
    assert again.refused[0].reason.code == "case.milestone_done"
    with unit_of_work(factory, write=False) as db:
        case = db.get_one(Case, cases[2])
        visit = next(m for m in case.milestones if m.kind == "consular_visit")
        assert visit.done_at == visited and visit.evidence == "Visit at Folkston"


def test_disposition_travel_document_and_officer_through_bulk(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    everyone = Selection(case_ids=list(cases.values()))
    assert run(
        factory, world, everyone, BulkAction("disposition", disposition="voluntary_departure")
    ).written
    assert run(
        factory, world, everyone, BulkAction("travel", travel_document="passport_held")
    ).written
    assert run(factory, world, everyone, BulkAction("assign", officer="officer.kim")).written
    nobody = run(factory, world, everyone, BulkAction("assign", officer="nobody.here"))
    assert not nobody.written and len(nobody.refused) == 5
    with unit_of_work(factory, write=False) as db:
        found = db.scalars(select(Case).where(Case.incident_id == world.incident_id)).all()
        assert {c.disposition for c in found} == {"voluntary_departure"}
        assert {c.travel_document for c in found} == {"passport_held"}
        assert {c.assigned_to.name for c in found if c.assigned_to} == {"officer.kim"}
        total, listed = list_cases(db, world.officer, world.incident_id, officer="me")
        assert total == 5 and listed[0].assigned_to == "officer.kim"
        assert list_cases(db, world.officer, world.incident_id, officer="none")[0] == 0


def test_seats_on_a_flight_only_for_cases_scheduled_to_depart(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    with unit_of_work(factory) as db:
        for number in (1, 2):
            db.get_one(Case, cases[number]).state = "departure_scheduled"
        flight = create_flight(
            db,
            OPERATOR,
            world.incident_id,
            FlightPlan(
                "Korean Air", "KE 036", "ATL", "ICN", datetime(2025, 9, 11, 18, tzinfo=UTC), 9
            ),
        )
        flight_id = flight.id
    report = run(
        factory,
        world,
        Selection(case_ids=[cases[1], cases[2], cases[3]]),
        BulkAction("seat", flight_id=flight_id),
        mode="where_allowed",
    )
    assert [o.number for o in report.applied] == [1, 2]
    assert report.refused[0].reason is not None
    assert report.refused[0].reason.code == "flight.case_not_departing"
    with unit_of_work(factory, write=False) as db:
        seated = db.scalars(select(FlightSeat.case_id).where(FlightSeat.flight_id == flight_id))
        assert set(seated) == {cases[1], cases[2]}


def test_a_pasted_list_reports_each_entry_that_names_no_case_by_its_line(
    factory: sessionmaker[Session], world: World
) -> None:
    open_five(factory, world)
    pasted = "1\nA-100-000-002, #3\n\n999\nA 999 999 999\n100000004; 1\n"
    report = run(factory, world, Selection(pasted=pasted), LOCATE)
    assert [o.number for o in report.applied] == [1, 2, 3, 4]
    problems = [(p.line, p.entry, p.reason.code) for p in report.problems]
    assert problems == [
        (4, "999", "bulk.no_such_case"),
        (5, "A 999 999 999", "bulk.no_such_case"),
        (6, "1", "bulk.named_twice"),
    ]


def test_a_case_changed_since_the_preview_is_refused_as_stale(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    preview = run(factory, world, Selection(filters={"facility": FOLKSTON}), LOCATE, dry_run=True)
    seen = {o.case_id: o.version for o in preview.outcomes}
    run(
        factory,
        world,
        Selection(case_ids=[cases[2]]),
        BulkAction("disposition", disposition="contesting"),
    )
    report = run(
        factory, world, Selection(case_ids=list(seen), versions=seen), LOCATE, mode="where_allowed"
    )
    assert [o.number for o in report.applied] == [1, 3]
    assert report.refused[0].reason is not None
    assert report.refused[0].reason.code == "case.stale_version"


def test_a_closed_incident_takes_no_bulk_change(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    with unit_of_work(factory) as db:
        close_incident(db, OPERATOR, world.incident_id, "All came home.")
    with pytest.raises(Conflict) as refused:
        run(factory, world, Selection(case_ids=list(cases.values())), LOCATE)
    assert refused.value.code == "incident.closed"


def test_who_may_not_change_cases_or_see_the_incident_finds_nothing(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    viewer, _ = user_with_token(factory, "viewer.park", "viewer")
    houston, _ = user_with_token(
        factory, "officer.elsewhere", "officer", post="Consulate General in Houston"
    )
    for actor in (viewer, houston):
        with unit_of_work(factory) as db, pytest.raises(NotFound):
            apply_bulk(db, actor, world.incident_id, Selection(case_ids=[cases[1]]), LOCATE)


def test_an_unknown_action_or_mode_is_refused_before_any_case(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = open_five(factory, world)
    with pytest.raises(InvalidInput):
        run(factory, world, Selection(case_ids=[cases[1]]), BulkAction("explode"))
    with pytest.raises(InvalidInput):
        run(factory, world, Selection(case_ids=[cases[1]]), LOCATE, mode="maybe")
    report = run(factory, world, Selection(case_ids=["not-a-case"]), LOCATE)
    assert [(p.line, p.reason.code) for p in report.problems] == [(1, "bulk.no_such_case")]
    assert report.outcomes == []
