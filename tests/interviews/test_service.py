"""Recording a roster's welfare interviews: all or none with every problem by row, the
detainee's wishes kept on the case, the checklist items the interview shows done, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case, Milestone
from consular.cases.service import transition
from consular.config import Settings
from consular.db import unit_of_work
from consular.errors import Conflict, NotFound
from consular.families.service import issue_code
from consular.incidents.lifecycle import close_incident
from consular.interviews.aggregates import summary
from consular.interviews.models import WelfareInterview
from consular.interviews.service import (
    InterviewInput,
    RosterRefused,
    Visit,
    interviews_of,
    record_interviews,
)
from consular.notifications.models import Notification
from tests.conftest import World
from tests.factories import OPERATOR, new_incident, user_with_token
from tests.interviews.roster import FOLKSTON, STEWART, detained
from tests.notifications.conftest import case_with_contacts

DAY = "2025-09-08"


def seen(number: int, **values: object) -> InterviewInput:
    answers: dict[str, object] = {
        "told_reason": "yes",
        "advised_rights": "yes",
        "family_notice": "yes",
        "wish": "voluntary_departure",
    }
    answers.update(values)
    return InterviewInput(case_number=number, **answers)  # type: ignore[arg-type]


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def _items(factory: sessionmaker[Session], case_id: str) -> dict[str, str]:
    with factory() as db:
        rows = db.scalars(select(Milestone).where(Milestone.case_id == case_id))
        return {m.kind: m.evidence for m in rows if m.done_at is not None}


def test_a_roster_is_saved_and_a_seen_person_completes_what_the_interview_shows(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = detained(factory, world)
    rows = [
        seen(1, interpreter=True, injured=True, injuries="wrist cuts from restraints"),
        seen(3, advised_rights="no"),
        InterviewInput(case_number=2, seen=False, not_seen_reason="transferred"),
    ]
    with unit_of_work(factory) as db:
        saved = record_interviews(db, world.officer, world.incident_id, Visit(FOLKSTON, DAY), rows)
    assert len(saved) == 3
    first = _items(factory, cases[1])
    assert first["consular_visit"] == f"welfare interview at {FOLKSTON} on {DAY}"
    assert set(first) == {"consular_visit", "medical_needs", "interpreter", "rights_advised"}
    # Not advised of rights, no interpreter: only what the interview shows.
    assert set(_items(factory, cases[3])) == {"consular_visit", "medical_needs"}
    # Not seen completes nothing.
    assert _items(factory, cases[2]) == {}
    with factory() as db:
        interview = db.scalars(
            select(WelfareInterview).where(WelfareInterview.case_id == cases[1])
        ).one()
        assert interview.injured and interview.interviewer == "officer.kim"
        assert interview.held_on == date(2025, 9, 8)
        diff = db.scalars(
            select(AuditEvent.diff).where(
                AuditEvent.tag == "interviews:interview:record", AuditEvent.case_id == cases[1]
            )
        ).one()
    assert diff["facility"] == FOLKSTON and diff["injuries"] == "wrist cuts from restraints"
    assert diff["seen"] == "yes" and diff["told_reason"] == "yes"


def test_every_problem_is_reported_by_row_and_nothing_is_saved(
    factory: sessionmaker[Session], world: World
) -> None:
    detained(factory, world)
    rows = [
        seen(1),  # right
        seen(3, told_reason="", injured=True, health="x" * 2001),
        InterviewInput(case_number=2, seen=False, health="fine"),
        seen(9),
    ]
    with unit_of_work(factory) as db, pytest.raises(RosterRefused) as refused:
        record_interviews(db, world.officer, world.incident_id, Visit(FOLKSTON, DAY), rows)
    found = {(p.row, p.field, p.message.code) for p in refused.value.problems}
    assert found == {
        (3, "told_reason", "interview.choose"),
        (3, "injuries", "interview.describe_injuries"),
        (3, "health", "interview.too_long"),
        (2, "not_seen_reason", "interview.why_not_seen"),
        (2, "health", "interview.not_seen_but_said"),
        (9, "case_number", "interview.unknown_case"),
    }
    assert refused.value.status_code == 422
    assert _count(factory, WelfareInterview) == 0
    assert _count(factory, AuditEvent) > 0  # the import's, no interview's
    with factory() as db:
        assert (
            db.scalar(
                select(func.count()).select_from(Milestone).where(Milestone.done_at.is_not(None))
            )
            == 0
        )


def test_the_visit_is_checked_too(factory: sessionmaker[Session], world: World) -> None:
    detained(factory, world)
    for visit, field, code in (
        (Visit(" ", DAY), "facility", "interview.no_facility"),
        (Visit(FOLKSTON, "08/09/2025"), "date", "interview.bad_date"),
        (Visit(FOLKSTON, "2999-01-01"), "date", "interview.date_in_future"),
        (Visit(FOLKSTON, "2025-09-01"), "date", "interview.before_arrest"),
    ):
        with unit_of_work(factory) as db, pytest.raises(RosterRefused) as refused:
            record_interviews(db, world.officer, world.incident_id, visit, [seen(1)])
        assert (field, code) in {(p.field, p.message.code) for p in refused.value.problems}


def test_other_reason_needs_its_text_and_a_reason_on_a_seen_row_is_refused(
    factory: sessionmaker[Session], world: World
) -> None:
    detained(factory, world)
    rows = [
        InterviewInput(case_number=2, seen=False, not_seen_reason="other"),
        seen(1, not_seen_reason="refused"),
    ]
    with unit_of_work(factory) as db, pytest.raises(RosterRefused) as refused:
        record_interviews(db, world.officer, world.incident_id, Visit(FOLKSTON, DAY), rows)
    assert {(p.row, p.field) for p in refused.value.problems} == {
        (2, "not_seen_other"),
        (1, "not_seen_reason"),
    }


def test_a_refusal_of_family_notice_reaches_the_case_and_stops_messages_and_codes(
    factory: sessionmaker[Session], world: World
) -> None:
    case_id = case_with_contacts(factory, world)
    with unit_of_work(factory) as db:
        record_interviews(
            db,
            world.officer,
            world.incident_id,
            Visit(FOLKSTON, DAY),
            [seen(1, family_notice="no", employer_notice="no")],
        )
    with factory() as db:
        case = db.get_one(Case, case_id)
        assert (case.family_notice, case.employer_notice) == ("no", "no")
    # The consular visit it completed wrote no message to the family, nor does a move.
    assert _count(factory, Notification) == 0
    with unit_of_work(factory) as db:
        transition(db, world.officer, case_id, "located", version=db.get_one(Case, case_id).version)
    assert _count(factory, Notification) == 0
    with unit_of_work(factory) as db, pytest.raises(Conflict):
        issue_code(db, world.officer, Settings(), case_id, "김미영")


def test_not_asked_leaves_the_wish_and_a_later_interview_is_the_current_picture(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = detained(factory, world)
    with unit_of_work(factory) as db:
        record_interviews(
            db,
            world.officer,
            world.incident_id,
            Visit(FOLKSTON, "2025-09-06"),
            [seen(1, family_notice="no", told_reason="no")],
        )
    with unit_of_work(factory) as db:
        # The visit item is done already: a second interview completes nothing again.
        record_interviews(
            db,
            world.officer,
            world.incident_id,
            Visit(FOLKSTON, DAY),
            [seen(1, family_notice="not_asked", counsel_wanted=True)],
        )
    with factory() as db:
        assert db.get_one(Case, cases[1]).family_notice == "no"
        history = interviews_of(db, world.officer, cases[1])
        assert [i.held_on.isoformat() for i in history] == [DAY, "2025-09-06"]
        counts = summary(db, world.officer, world.incident_id)
    assert counts.total.seen == 1 and counts.total.not_yet_seen == 2
    assert counts.total.want_counsel == 1 and counts.total.not_told_reason == 0
    assert counts.total.refuse_family_notice == 1


def test_the_counts_per_facility_and_in_total(factory: sessionmaker[Session], world: World) -> None:
    detained(factory, world)
    with unit_of_work(factory) as db:
        record_interviews(
            db,
            world.officer,
            world.incident_id,
            Visit(FOLKSTON, DAY),
            [
                seen(1, injured=True, injuries="bruises", told_reason="no", counsel_wanted=True),
                seen(3, advised_rights="no", wish="contest", family_notice="no"),
            ],
        )
        record_interviews(
            db,
            world.officer,
            world.incident_id,
            Visit(STEWART, DAY),
            [InterviewInput(case_number=2, seen=False, not_seen_reason="refused")],
        )
    with factory() as db:
        counts = summary(db, world.officer, world.incident_id)
    by_name = {c.facility: c.values() for c in counts.facilities}
    assert by_name[FOLKSTON] == {
        "cases": 2,
        "seen": 2,
        "not_yet_seen": 0,
        "injured": 1,
        "not_told_reason": 1,
        "not_advised_rights": 1,
        "want_counsel": 1,
        "want_voluntary_departure": 1,
        "refuse_family_notice": 1,
    }
    assert by_name[STEWART]["seen"] == 0 and by_name[STEWART]["not_yet_seen"] == 1
    assert counts.total.cases == 3 and counts.total.seen == 2


def test_scoped_like_cases_and_a_closed_incident_refuses(
    factory: sessionmaker[Session], world: World
) -> None:
    cases = detained(factory, world)
    houston, _ = user_with_token(
        factory, "officer.h2", "officer", post="Consulate General in Houston"
    )
    with unit_of_work(factory) as db, pytest.raises(NotFound):
        record_interviews(db, houston, world.incident_id, Visit(FOLKSTON, DAY), [seen(1)])
    with factory() as db, pytest.raises(NotFound):
        interviews_of(db, houston, cases[1])
    with factory() as db, pytest.raises(NotFound):
        summary(db, houston, world.incident_id)
    other = new_incident(factory)
    with unit_of_work(factory) as db, pytest.raises(RosterRefused):
        # Case 1 of another incident is not this one's.
        record_interviews(db, world.officer, other, Visit(FOLKSTON, DAY), [seen(1)])
    with unit_of_work(factory) as db:
        close_incident(db, OPERATOR, world.incident_id, note="All home.")
    with unit_of_work(factory) as db, pytest.raises(Conflict) as closed:
        record_interviews(db, world.officer, world.incident_id, Visit(FOLKSTON, DAY), [seen(1)])
    assert closed.value.code == "incident.closed"
