"""An incident's timeline: what changed, in sentences, filtered, paged, scoped, and what is
new since the reader last looked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.tags import AuditTag
from consular.audit.timeline import KINDS, _day_bounds
from consular.auth.service import Actor
from consular.cases.assignment import assign_case
from consular.cases.models import Case
from consular.cases.service import add_note, record_custody, transition
from consular.db import unit_of_work
from consular.incidents.service import import_list
from consular.incidents.team import add_member
from tests.cases.test_workflow import open_one_case
from tests.conftest import World
from tests.factories import HOUSTON, OPERATOR, auth, csv_table, user_with_token
from tests.web.client import sign_in


def _version(factory: sessionmaker[Session], case_id: str) -> int:
    with unit_of_work(factory, write=False) as db:
        return db.get_one(Case, case_id).version


def _work_on(factory: sessionmaker[Session], world: World, case_id: str) -> None:
    """A custody record, a move, a note and an assignment, each by officer.kim."""
    officer = world.officer
    with unit_of_work(factory) as db:
        record_custody(
            db,
            officer,
            case_id,
            facility="Folkston ICE Processing Center",
            kind="booked",
            version=_version(factory, case_id),
        )
    with unit_of_work(factory) as db:
        transition(db, officer, case_id, "located", version=_version(factory, case_id))
    with unit_of_work(factory) as db:
        add_note(db, officer, case_id, "Family called the post")
    with unit_of_work(factory) as db:
        assign_case(db, officer, case_id, officer="officer.kim", version=_version(factory, case_id))


def _changes(client: TestClient, world: World, token: str | None = None, **query: object):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/v1/incidents/{world.incident_id}/changes",
        params=query,
        headers=auth(token or world.token),
    )


@pytest.fixture
def case_id(factory: sessionmaker[Session], world: World) -> str:
    case_id = open_one_case(factory, world)
    _work_on(factory, world, case_id)
    return case_id


def test_each_change_reads_as_a_sentence_with_before_and_after_in_both_languages(
    app_client: TestClient, world: World, case_id: str
) -> None:
    english = _changes(app_client, world).json()["items"]
    by_tag = {item["tag"]: item for item in english}
    moved = by_tag["cases:case:transition"]
    assert moved["description"] == "Case moved"
    assert moved["actor"] == "officer.kim"
    assert moved["case"]["number"] == 1 and moved["case"]["name"].startswith("LEE")
    assert "State: Reported → Located" in moved["lines"]
    assert any(
        "Folkston ICE Processing Center" in line for line in by_tag["cases:custody:record"]["lines"]
    )
    assert by_tag["cases:note:add"]["lines"] == ["Note: Family called the post"]
    assert "Officer: officer.kim" in by_tag["cases:case:assign"]["lines"]
    # Newest first, the list that opened the case last of all.
    seqs = [item["seq"] for item in english]
    assert seqs == sorted(seqs, reverse=True)
    assert english[-1]["tag"] == "incidents:incident:create"

    korean = {i["tag"]: i for i in _changes(app_client, world, lang="ko").json()["items"]}
    assert korean["cases:case:transition"]["description"] == "조력 건 상태 변경"
    assert "상태: 신고됨 → 소재 확인" in korean["cases:case:transition"]["lines"]
    assert korean["cases:note:add"]["lines"] == ["메모: Family called the post"]


def test_the_page_says_who_did_what_to_which_case_in_korean(
    browser: TestClient, world: World, case_id: str
) -> None:
    sign_in(browser)
    page = browser.get(f"/incidents/{world.incident_id}/changes", headers={"Accept-Language": "ko"})
    assert page.status_code == 200
    text = page.text
    assert "officer.kim: 조력 건 상태 변경" in text
    assert "상태: 신고됨 → 소재 확인" in text
    assert f'href="/cases/{case_id}"' in text
    assert re.search(r"\d\d:\d\d (-0[45]00|E[DS]T)<", text)  # the post's time zone, Atlanta
    incident = browser.get(f"/incidents/{world.incident_id}").text
    assert f'href="/incidents/{world.incident_id}/changes"' in incident


def test_filters_by_kind_officer_case_and_day(
    app_client: TestClient, factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    notes = _changes(app_client, world, kind="notes").json()["items"]
    assert [item["tag"] for item in notes] == ["cases:note:add"]
    states = {item["tag"] for item in _changes(app_client, world, kind="states").json()["items"]}
    assert states == {"cases:case:create", "cases:case:transition"}
    assert _changes(app_client, world, kind="weather").status_code == 422

    by_kim = {
        i["actor"] for i in _changes(app_client, world, officer="officer.kim").json()["items"]
    }
    assert by_kim == {"officer.kim"}
    assert _changes(app_client, world, officer="nobody").json()["items"] == []

    assert len(_changes(app_client, world, case=1).json()["items"]) >= 5
    assert _changes(app_client, world, case=2).json()["items"] == []

    today = datetime.now(ZoneInfo("America/New_York")).date()
    assert len(_changes(app_client, world, day=today.isoformat()).json()["items"]) >= 5
    for other in (today - timedelta(days=1), today + timedelta(days=1)):
        assert _changes(app_client, world, day=other.isoformat()).json()["items"] == []


def test_a_day_is_the_post_s_day() -> None:
    # 23:30 in Atlanta on 4 September is 03:30 on the 5th in UTC: still the 4th there.
    start, end = _day_bounds(date(2025, 9, 4), "America/New_York")
    assert start.astimezone(UTC) == datetime(2025, 9, 4, 4, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2025, 9, 5, 4, tzinfo=UTC)


def test_pages_of_events_follow_each_other_without_loading_them_all(
    app_client: TestClient, browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    case_id = open_one_case(factory, world)
    with unit_of_work(factory) as db:
        for n in range(120):
            add_note(db, world.officer, case_id, f"Visit number {n}")
    seen: list[int] = []
    before = None
    while True:
        query = {"limit": 50} if before is None else {"limit": 50, "before": before}
        body = _changes(app_client, world, **query).json()
        seen += [item["seq"] for item in body["items"]]
        before = body["older"]
        if before is None:
            break
    assert len(seen) == len(set(seen)) > 120
    assert seen == sorted(seen, reverse=True)

    sign_in(browser)
    browser.headers["Accept-Language"] = "en"
    first = browser.get(f"/incidents/{world.incident_id}/changes").text
    assert first.count("Visit number") == 100
    assert "Visit number 119" in first
    older = re.search(r'href="\?([^"]*before=\d+)" rel="next"', first)
    assert older, first
    second = browser.get(f"/incidents/{world.incident_id}/changes?{older.group(1)}").text
    assert "Visit number 19<" in second and "Visit number 20<" not in second


def test_another_posts_officer_is_not_shown_the_timeline_until_on_the_team(
    app_client: TestClient, factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    assert _changes(app_client, world, world.houston_token).status_code == 404
    _, hq_token = user_with_token(factory, "officer.hq", "officer", post=HOUSTON)
    supervisor = user_with_token(factory, "supervisor.lee", "supervisor")[0]
    _, viewer_token = user_with_token(factory, "viewer.park", "viewer")
    with unit_of_work(factory) as db:
        add_member(db, supervisor, world.incident_id, "officer.hq")
    seen = _changes(app_client, world, hq_token).json()["items"]
    assert "incidents:team:add" in {item["tag"] for item in seen}
    # Reading the log is an officer's: a viewer sees the cases, not who changed them.
    assert _changes(app_client, world, viewer_token).status_code == 404


def test_the_page_is_not_found_for_another_post_and_for_a_viewer(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    user_with_token(factory, "viewer.park", "viewer")
    path = f"/incidents/{world.incident_id}/changes"
    sign_in(browser, "officer.houston")
    assert browser.get(path).status_code == 404
    browser.cookies.clear()
    sign_in(browser, "viewer.park")
    assert browser.get(path).status_code == 404
    assert path not in browser.get(f"/incidents/{world.incident_id}").text


def test_what_came_after_the_last_visit_is_marked_new_and_counted(
    browser: TestClient, factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    sign_in(browser)
    path = f"/incidents/{world.incident_id}/changes"
    browser.headers["Accept-Language"] = "en"
    first = browser.get(path).text
    assert "Your first visit to this timeline" in first
    assert 'class="is-new"' not in first

    with unit_of_work(factory) as db:
        add_note(db, world.officer, case_id, "Lawyer visit booked")
    # A filtered look is not a visit: what is new stays new.
    assert "Lawyer visit booked" in browser.get(f"{path}?kind=notes").text
    second = browser.get(path).text
    assert "Changes since your last visit on" in second
    assert re.search(r"Changes since your last visit on [-0-9]+ [0-9:]+ E[DS]T: 1\.", second)
    new = re.findall(r'<li class="is-new">.*?</li>', second, flags=re.S)
    assert len(new) == 1 and "Lawyer visit booked" in new[0] and ">New</strong>" in new[0]

    third = browser.get(path, headers={"Accept-Language": "ko"}).text
    assert 'class="is-new"' not in third
    assert re.search(r"지난번 방문\(.+\) 이후 변경: 0건", third), third


def test_every_kind_of_case_and_incident_event_has_its_group() -> None:
    grouped = [tag for kind in KINDS.values() for tag in kind.tags]
    assert len(grouped) == len(set(grouped))
    outside = {"auth", "registry", "screening", "keys"}
    # A reminder digest is written to an officer about all their cases, not to one incident.
    elsewhere = {AuditTag.STATUS_FAILED, AuditTag.STATUS_THROTTLED, AuditTag.REMINDER_SEND}
    # A post's directory entry is the post's, shared by its incidents; a merge is the case's.
    elsewhere |= {AuditTag.FACILITY_CREATE, AuditTag.FACILITY_UPDATE}
    expected = {t for t in AuditTag if t.value.split(":")[0] not in outside} - elsewhere
    assert set(grouped) == expected


def test_the_operator_at_the_command_line_is_never_remembered(
    factory: sessionmaker[Session], world: World
) -> None:
    from consular.audit.timeline import last_visit, remember_visit

    with unit_of_work(factory) as db:
        remember_visit(db, Actor.operator(), world.incident_id, 5)
        assert last_visit(db, Actor.operator(), world.incident_id) is None
        remember_visit(db, world.officer, world.incident_id, 5)
        remember_visit(db, world.officer, world.incident_id, 9)
    with unit_of_work(factory, write=False) as db:
        visit = last_visit(db, world.officer, world.incident_id)
        assert visit is not None and visit.seen_seq == 9
        assert visit.seen_at > datetime.now(visit.seen_at.tzinfo) - timedelta(minutes=1)


def test_an_a_number_stays_masked_on_the_timeline(
    app_client: TestClient, browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    open_one_case(factory, world)
    later = (
        "full_name,date_of_birth,nationality,facility,a_number\n"
        '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center,A201234567\n'
    )
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(later, "day4.csv"))
    completed = _changes(app_client, world, kind="states", lang="ko").json()["items"][0]
    assert completed["tag"] == "cases:case:update"
    assert "현지 당국 번호: 기록됨(가려서 표시)" in completed["lines"]
    assert "A201234567" not in str(_changes(app_client, world).json())
    sign_in(browser)
    assert "A201234567" not in browser.get(f"/incidents/{world.incident_id}/changes").text
