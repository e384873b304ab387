"""My work: an officer's open checklist items across their cases, most urgent first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.service import Actor
from consular.cases.assignment import assign_case
from consular.cases.models import Case, Milestone
from consular.cases.service import complete_milestone, transition
from consular.cases.worklist import Due, WorkFilter, my_work, work_counts
from consular.db import unit_of_work, utcnow
from consular.incidents.service import import_list
from tests.conftest import World
from tests.factories import HOUSTON, OPERATOR, auth, csv_table, new_incident, user_with_token
from tests.web.client import sign_in

EN = {"Accept-Language": "en"}
HOST_LIST = (
    "full_name,date_of_birth,nationality,facility,a_number\n"
    '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center,A123456789\n'
    '"PARK, JIHYE",1995-07-30,KOR,Stewart Detention Center,A234567890\n'
    '"CHOI, DONGHYUN",1979-11-11,KOR,Folkston ICE Processing Center,A345678901\n'
)


def open_cases(factory: sessionmaker[Session], incident_id: str) -> dict[int, str]:
    """The three cases of ``HOST_LIST`` in ``incident_id``, by case number."""
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, incident_id, "host_authority", csv_table(HOST_LIST))
    with unit_of_work(factory, write=False) as db:
        cases = db.scalars(select(Case).where(Case.incident_id == incident_id)).all()
        return {case.number: case.id for case in cases}


def assign(factory: sessionmaker[Session], case_id: str, officer: str, second: str = "") -> None:
    with unit_of_work(factory) as db:
        case = db.get(Case, case_id)
        assert case is not None
        assign_case(db, OPERATOR, case_id, officer=officer, second=second, version=case.version)


def set_deadline(
    factory: sessionmaker[Session], case_id: str, kind: str, due: timedelta, breach: timedelta
) -> None:
    """Move one item's due and breach times to ``due``/``breach`` from now."""
    now = utcnow()
    with unit_of_work(factory) as db:
        db.execute(
            update(Milestone)
            .where(Milestone.case_id == case_id, Milestone.kind == kind)
            .values(due_at=now + due, breach_at=now + breach)
        )


def far_future(factory: sessionmaker[Session], case_ids: list[str]) -> None:
    """Every item of these cases due in a week: only the ones a test moves are urgent."""
    now = utcnow()
    with unit_of_work(factory) as db:
        db.execute(
            update(Milestone)
            .where(Milestone.case_id.in_(case_ids))
            .values(due_at=now + timedelta(days=7), breach_at=now + timedelta(days=9))
        )


@pytest.fixture
def second_officer(factory: sessionmaker[Session], world: World) -> tuple[Actor, str]:
    return user_with_token(factory, "officer.seo", "officer")


@pytest.fixture
def cases(factory: sessionmaker[Session], world: World, second_officer: object) -> dict[int, str]:
    numbers = open_cases(factory, world.incident_id)
    far_future(factory, list(numbers.values()))
    assign(factory, numbers[1], "officer.kim")
    assign(factory, numbers[2], "officer.seo", "officer.kim")
    assign(factory, numbers[3], "officer.seo")
    return numbers


def test_my_work_puts_breached_first_then_overdue_then_by_due_time(
    factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    hour = timedelta(hours=1)
    set_deadline(factory, cases[1], "interpreter", 5 * hour, 50 * hour)
    set_deadline(factory, cases[1], "consular_visit", -3 * hour, 40 * hour)
    set_deadline(factory, cases[2], "medical_needs", -30 * hour, -2 * hour)
    set_deadline(factory, cases[1], "rights_advised", -10 * hour, 10 * hour)

    with unit_of_work(factory, write=False) as db:
        total, items = my_work(db, world.officer)

    # Case 2 is there as the officer's second; case 3 is another officer's alone.
    assert total == 14
    assert {item.case_number for item in items} == {1, 2}
    first = [(item.case_number, item.kind, item.urgency) for item in items[:4]]
    assert first == [
        (2, "medical_needs", "breached"),
        (1, "rights_advised", "overdue"),
        (1, "consular_visit", "overdue"),
        (1, "interpreter", "due"),
    ]
    assert items[0].late_by is not None and items[0].late_by >= 2 * hour
    assert items[1].facility == "Folkston ICE Processing Center"
    assert (items[1].hangul_name, items[1].latin_name) == ("이성호", "LEE SEONGHO")


def test_the_filters_narrow_by_deadline_incident_and_facility(
    factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    hour = timedelta(hours=1)
    set_deadline(factory, cases[1], "interpreter", 5 * hour, 50 * hour)
    set_deadline(factory, cases[1], "consular_visit", -3 * hour, 40 * hour)
    set_deadline(factory, cases[2], "medical_needs", -30 * hour, -2 * hour)
    other = new_incident(factory)
    with unit_of_work(factory, write=False) as db:

        def kinds(**filters: str) -> list[tuple[int, str]]:
            _, items = my_work(db, world.officer, WorkFilter.of(**filters))
            return [(item.case_number, item.kind) for item in items]

        assert kinds(due=Due.BREACHED) == [(2, "medical_needs")]
        assert kinds(due=Due.OVERDUE) == [(2, "medical_needs"), (1, "consular_visit")]
        assert kinds(due=Due.SOON) == [(1, "interpreter")]
        assert len(kinds(facility="Stewart Detention Center")) == 7
        assert kinds(incident_id=other) == []
        counts = work_counts(db, world.officer)[world.incident_id]
        assert (counts.breached, counts.overdue, counts.soon) == (1, 2, 1)


def test_done_items_and_cases_no_longer_held_leave_the_list(
    factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    with unit_of_work(factory) as db:
        complete_milestone(db, world.officer, cases[1], "consular_visit", evidence="Visited")
    with unit_of_work(factory, write=False) as db:
        _, items = my_work(db, world.officer, WorkFilter(incident_id=world.incident_id))
        assert (1, "consular_visit") not in {(i.case_number, i.kind) for i in items}
        assert len(items) == 13
    with unit_of_work(factory) as db:
        case = db.get(Case, cases[2])
        assert case is not None
        transition(db, world.officer, case.id, "released", version=case.version)
    with unit_of_work(factory, write=False) as db:
        total, items = my_work(db, world.officer)
        assert total == 6 and {item.case_number for item in items} == {1}


def test_another_officers_cases_do_not_appear_and_the_api_filters_alike(
    app_client: TestClient,
    factory: sessionmaker[Session],
    world: World,
    cases: dict[int, str],
    second_officer: tuple[Actor, str],
) -> None:
    set_deadline(factory, cases[3], "medical_needs", -timedelta(hours=30), -timedelta(hours=2))
    mine = app_client.get("/api/v1/my-work", headers=auth(world.token)).json()
    assert mine["total"] == 14
    assert 3 not in {item["case_number"] for item in mine["items"]}
    _, token = second_officer
    theirs = app_client.get("/api/v1/my-work?due=breached", headers=auth(token)).json()
    assert [(i["case_number"], i["kind"], i["urgency"]) for i in theirs["items"]] == [
        (3, "medical_needs", "breached")
    ]
    assert theirs["items"][0]["minutes_late"] >= 119
    paged = app_client.get("/api/v1/my-work?limit=5&offset=10", headers=auth(world.token))
    assert [paged.json()[k] for k in ("total", "limit", "offset")] == [14, 5, 10]
    assert len(paged.json()["items"]) == 4
    bad = app_client.get("/api/v1/my-work?due=someday", headers=auth(world.token))
    assert bad.status_code == 422
    # An officer of another post sees nothing of this incident, assigned or not.
    _, houston = user_with_token(factory, "officer.far", "officer", post=HOUSTON)
    assert app_client.get("/api/v1/my-work", headers=auth(houston)).json()["total"] == 0


def test_the_page_shows_the_officers_items_in_the_posts_time_and_the_dashboard_links_to_them(
    browser: TestClient, factory: sessionmaker[Session], world: World, cases: dict[int, str]
) -> None:
    set_deadline(factory, cases[2], "medical_needs", -timedelta(hours=30), -timedelta(hours=2))
    sign_in(browser, "officer.kim")
    dashboard = browser.get("/", headers=EN).text
    assert 'href="/my-work"' in dashboard
    assert f"/my-work?incident={world.incident_id}&amp;due=breached" in dashboard
    assert "1 item breached" in dashboard
    page = browser.get("/my-work?due=breached", headers=EN)
    assert page.status_code == 200
    assert "박지혜 · PARK JIHYE" in page.text
    assert "Stewart Detention Center" in page.text
    assert "Medical needs checked" in page.text
    assert "EST" in page.text or "EDT" in page.text
    assert f'href="/cases/{cases[2]}"' in page.text
    assert f'href="/cases/{cases[1]}"' not in page.text
    everything = browser.get("/my-work?due=whenever").text
    assert f'href="/cases/{cases[1]}"' in everything
    korean = browser.get("/my-work", headers={"Accept-Language": "ko"}).text
    assert "내 업무" in korean
