"""The roster screen typed from the paper, the case page's section, the incident's counts,
the CSV and the timeline's sentences."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.db import unit_of_work
from consular.incidents.lifecycle import close_incident
from consular.interviews.models import WelfareInterview
from tests.conftest import World
from tests.factories import OPERATOR, user_with_token
from tests.interviews.roster import FOLKSTON, detained
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


def _screen(browser: TestClient, world: World, query: str, headers: dict[str, str] = EN) -> str:
    page = browser.get(f"/incidents/{world.incident_id}/interviews?{query}", headers=headers)
    assert page.status_code == 200, page.text
    return page.text


def _seen_row(number: int, **values: str) -> dict[str, str]:
    row = {
        "seen": "yes",
        "told_reason": "yes",
        "advised_rights": "yes",
        "family_notice": "yes",
        "employer_notice": "not_asked",
        "wish": "voluntary_departure",
    }
    row.update(values)
    return {f"c{number}.{name}": value for name, value in row.items()}


def _post(browser: TestClient, world: World, html: str, form: dict[str, str], headers=EN):  # type: ignore[no-untyped-def]
    sent = {"csrf_token": form_token(html), "date": "2025-09-08", "facility": FOLKSTON, **form}
    return browser.post(f"/incidents/{world.incident_id}/interviews", data=sent, headers=headers)


def _count(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        return db.scalar(select(func.count()).select_from(WelfareInterview)) or 0


def test_the_screen_shows_everyone_held_at_the_facility_with_the_number_masked(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    detained(factory, world)
    sign_in(browser)
    html = _screen(browser, world, f"facility={FOLKSTON}&date=2025-09-08")
    assert "이성호 LEE SEONGHO" in html and "최동현 CHOI DONGHYUN" in html
    assert "박지혜" not in html  # held at Stewart
    assert "A123456789" not in html and "•••789" in html
    # Seen is the default; the employer is not asked unless said.
    assert 'name="c1.seen" value="yes" checked' in html
    assert 'name="c1.employer_notice" value="not_asked" checked' in html
    # By numbers, in the order typed; an unknown number is said.
    html = _screen(browser, world, "numbers=3,1,44")
    assert html.index("Case 3") < html.index("Case 1")
    assert "No case in this incident has these numbers: 44" in html


def test_a_wrong_row_refuses_the_roster_by_row_keeps_what_was_typed_then_saves_when_fixed(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    detained(factory, world)
    sign_in(browser)
    html = _screen(browser, world, "numbers=1,2,3")
    typed = {
        "numbers": "1,2,3",
        **_seen_row(1, health="tired, eats little", interpreter="yes"),
        # Not seen, but no reason said.
        "c2.seen": "no",
        # Case 3 is left as the screen gave it.
        "c3.seen": "yes",
        "c3.employer_notice": "not_asked",
    }
    refused = _post(browser, world, html, typed)
    assert refused.status_code == 422
    assert "Nothing was saved: 1 problems in the rows below." in refused.text
    assert "Case 2 · Why not seen: Say why the person was not seen." in refused.text
    assert 'value="tired, eats little"' in refused.text  # kept
    assert 'name="c2.seen" value="no" checked' in refused.text
    assert _count(factory) == 0
    typed["c2.not_seen_reason"] = "refused"
    saved = _post(browser, world, refused.text, typed)
    assert saved.status_code == 303
    after = browser.get(saved.headers["location"], headers=EN).text
    assert "2 interviews were saved." in after
    assert "Last interview: 2025-09-08" in after
    assert _count(factory) == 2  # the blank row 3 was skipped


def test_the_case_page_shows_the_latest_interview_and_the_earlier_ones(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    cases = detained(factory, world)
    sign_in(browser)
    for day, health in (("2025-09-06", "first look"), ("2025-09-08", "better now")):
        html = _screen(browser, world, "numbers=1")
        form = {"numbers": "1", "date": day, **_seen_row(1, health=health)}
        assert _post(browser, world, html, form).status_code == 303
    page = browser.get(f"/cases/{cases[1]}", headers=EN).text
    section = page.split('id="interview"')[1].split("<h2")[0]
    assert "better now" in section and "first look" not in section
    assert f'href="/cases/{cases[1]}/interviews"' in page
    earlier = browser.get(f"/cases/{cases[1]}/interviews", headers=KO).text
    assert "first look" in earlier and "better now" in earlier and "영사 면담" in earlier
    # Checklist items the interview completed are on the case page too.
    assert f"welfare interview at {FOLKSTON} on 2025-09-06" in page


def test_the_incident_shows_the_counts_and_the_csv_gives_them_per_facility(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    detained(factory, world)
    sign_in(browser)
    html = _screen(browser, world, "numbers=1,3")
    form = {
        "numbers": "1,3",
        **_seen_row(1, injured="yes", injuries="bruised wrists", told_reason="no"),
        **_seen_row(3, family_notice="no", counsel_wanted="yes"),
    }
    assert _post(browser, world, html, form).status_code == 303
    page = browser.get(f"/incidents/{world.incident_id}", headers=KO).text
    assert 'id="interviews"' in page and "<svg" in page
    assert "체포 사유를 고지받지 못함" in page
    download = browser.get(f"/incidents/{world.incident_id}/interviews.csv", headers=EN)
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Facility", "Cases", "Seen", "Not yet seen"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name[FOLKSTON] == ["2", "2", "0", "1", "1", "0", "1", "2", "1"]
    assert by_name["Total"][:3] == ["3", "2", "1"]


def test_the_timeline_tells_the_interview_in_sentences(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    detained(factory, world)
    sign_in(browser)
    html = _screen(browser, world, "numbers=1")
    form = {"numbers": "1", **_seen_row(1, injured="yes", injuries="cut on the wrist")}
    assert _post(browser, world, html, form).status_code == 303
    page = browser.get(f"/incidents/{world.incident_id}/changes", headers=KO).text
    assert "영사 면담 기록됨" in page and "부상 내용: cut on the wrist" in page
    assert "interviews:interview:record" not in page
    english = browser.get(
        f"/incidents/{world.incident_id}/changes?kind=interviews", headers=EN
    ).text
    assert (
        "Welfare interview recorded" in english and "Told the reason for the arrest: Yes" in english
    )


def test_outside_the_scope_is_not_found_and_a_closed_incident_refuses(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    cases = detained(factory, world)
    user_with_token(factory, "officer.h2", "officer", post="Consulate General in Houston")
    sign_in(browser, name="officer.h2")
    assert browser.get(f"/incidents/{world.incident_id}/interviews?numbers=1").status_code == 404
    assert browser.get(f"/cases/{cases[1]}/interviews").status_code == 404
    assert browser.get(f"/incidents/{world.incident_id}/interviews.csv").status_code == 404
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    browser.cookies.clear()
    sign_in(browser)
    html = _screen(browser, world, "numbers=1")
    with unit_of_work(factory) as db:
        close_incident(db, OPERATOR, world.incident_id, note="All home.")
    refused = _post(browser, world, html, {"numbers": "1", **_seen_row(1)})
    assert refused.status_code == 409 and "was closed" in refused.text
    assert _count(factory) == 0
    assert "Save the interviews" not in _screen(browser, world, "numbers=1")


def test_a_form_without_its_token_saves_nothing(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    detained(factory, world)
    sign_in(browser)
    sent = {"csrf_token": "forged", "numbers": "1", "date": "2025-09-08", "facility": FOLKSTON}
    answer = browser.post(
        f"/incidents/{world.incident_id}/interviews", data={**sent, **_seen_row(1)}
    )
    assert answer.status_code == 400
    assert _count(factory) == 0
    with factory() as db:
        assert set(db.scalars(select(Case.family_notice))) == {"unknown"}


def test_a_big_roster_s_form_is_read_whole(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    # A roster of a hundred sends over 2,000 fields; the framework's default reads 1,000.
    detained(factory, world)
    sign_in(browser)
    html = _screen(browser, world, "numbers=1")
    padding = {f"c{n}.notes": "" for n in range(1000, 2500)}
    answer = _post(browser, world, html, {"numbers": "1", **padding, **_seen_row(1)})
    assert answer.status_code == 303
    assert _count(factory) == 1
