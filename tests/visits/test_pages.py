"""The visits' pages and API: planning from the form, adding by a pasted list or a file,
refusals by line, the roster page and PDF (Hangul, an embedded font, audited), Korean."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.visits.models import VisitCase, VisitPlan
from tests.conftest import World
from tests.factories import auth
from tests.flights.test_pdf import assert_every_font_embedded, pdf_font, pdf_words
from tests.visits.world import FOLKSTON, detainees, plan
from tests.web.client import form_token, sign_in

__all__ = ["pdf_font"]
API = "/api/v1"
HANGUL = re.compile(r"[가-힣]")


def test_an_officer_plans_a_visit_from_the_form_and_sees_its_cases(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}").text
    assert f"/incidents/{world.incident_id}/visits" in incident
    form = browser.get(f"/incidents/{world.incident_id}/visits/new").text
    assert FOLKSTON in form and "Stewart Detention Center" in form
    made = browser.post(
        f"/incidents/{world.incident_id}/visits",
        data={
            "csrf_token": form_token(form),
            "facility": FOLKSTON,
            "visit_date": "2025-09-05",
            "officer": ["officer.kim"],
            "interpreter": "yes",
            "interpreter_name": "Ms. Hwang",
        },
    )
    assert made.status_code == 303, made.text
    page = browser.get(made.headers["location"], headers={"Accept-Language": "en"}).text
    assert "LEE SEONGHO" in page and "CHOI DONGHYUN" in page and "PARK" not in page
    assert "Ms. Hwang" in page
    numbers = "numbers=1%2C3&amp;facility=Folkston+ICE+Processing+Center&amp;date=2025-09-05"
    assert f"/incidents/{world.incident_id}/interviews?{numbers}" in page
    listed = browser.get(f"/incidents/{world.incident_id}/visits").text
    assert "2025-09-05" in listed and FOLKSTON in listed
    # The case's page names the visits it is on; a case on none shows no such section.
    with factory() as db:
        lee, park = db.scalars(select(Case.id).where(Case.number.in_((1, 2))).order_by(Case.number))
    shown = browser.get(f"/cases/{lee}", headers={"Accept-Language": "en"}).text
    assert f'href="{made.headers["location"]}">2025-09-05 · {FOLKSTON}</a> · Planned' in shown
    assert 'id="visits"' not in browser.get(f"/cases/{park}").text


def test_a_refused_form_says_each_wrong_field_and_keeps_what_was_typed(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    sign_in(browser)
    form = browser.get(f"/incidents/{world.incident_id}/visits/new").text
    refused = browser.post(
        f"/incidents/{world.incident_id}/visits",
        data={
            "csrf_token": form_token(form),
            "facility": FOLKSTON,
            "visit_date": "2025-08-01",
            "notes": "Bring the forms",
        },
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "before the incident began" in refused.text and "at least one officer" in refused.text
    assert "Bring the forms" in refused.text
    with factory() as db:
        assert db.scalars(select(VisitPlan)).all() == []


def test_a_pasted_list_with_problems_is_refused_line_by_line_on_the_page(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    people = detainees(factory, world)
    plan_id = plan(factory, world)
    sign_in(browser)
    page = browser.get(f"/visits/{plan_id}").text
    refused = browser.post(
        f"/visits/{plan_id}/cases",
        data={"csrf_token": form_token(page), "numbers": "2\n42"},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "Line 1, “2”:" in refused.text and "Stewart Detention Center" in refused.text
    assert "Line 2, “42”:" in refused.text
    removed = browser.post(
        f"/visits/{plan_id}/cases/{people.choi}/remove", data={"csrf_token": form_token(page)}
    )
    assert removed.status_code == 303
    added = browser.post(
        f"/visits/{plan_id}/cases/file",
        data={"csrf_token": form_token(page)},
        files={"file": ("roster.csv", b"a_number\nA045678901\n", "text/csv")},
    )
    assert added.status_code == 303, added.text
    with factory() as db:
        on = set(db.scalars(select(VisitCase.case_id).where(VisitCase.plan_id == plan_id)))
    assert on == {people.lee, people.choi}


def test_the_roster_pdf_embeds_its_font_prints_hangul_and_is_audited(
    browser: TestClient, factory: sessionmaker[Session], world: World, pdf_font: None
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    sign_in(browser)
    answer = browser.get(
        f"/visits/{plan_id}/roster.pdf?sort=name", headers={"Accept-Language": "ko"}
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert_every_font_embedded(answer.content)
    text = pdf_words(answer.content)
    assert "이성호" in text and "최동현" in text and "LEE SEONGHO" in text
    assert "A123456789" in text and "한국어" in text and "Insulin twice a day" in text
    assert "면회 명단" in text and "Ms. Hwang" in text and "1쪽 중 1쪽" in text
    assert text.index("최동현") < text.index("이성호")  # CHOI before LEE, by name
    english = pdf_words(
        browser.get(f"/visits/{plan_id}/roster.pdf", headers={"Accept-Language": "en"}).content
    )
    assert "Visit roster" in english and "Page 1 of 1" in english
    with factory() as db:
        exports = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "visits:roster:export")
        ).all()
    assert exports[0] == {"format": "pdf", "sort": "name", "rows": 2, "a_numbers": "whole"}


def test_the_roster_page_prints_in_korean_without_english_words(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    sign_in(browser)
    korean = {"Accept-Language": "ko"}
    printed = browser.get(f"/visits/{plan_id}/roster", headers=korean).text
    assert "이성호" in printed and "□ 예" in printed and "/static/roster.css" in printed
    assert "A045678901" in printed
    assert printed.index("A045678901") < printed.index("A123456789")  # by A-number
    incident = f"/incidents/{world.incident_id}/visits"
    for path in (f"/visits/{plan_id}", incident, f"{incident}/new", f"/visits/{plan_id}/roster"):
        shown = browser.get(path, headers=korean).text
        words = re.sub(r"<[^>]+>", " ", shown)
        for english in ("Visit", "Roster", "Officers", "Interpreter", "Seen", "Property", "Cases"):
            assert english not in words, (path, english)


def test_another_posts_officer_gets_not_found_on_every_page_and_in_the_api(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    detainees(factory, world)
    plan_id = plan(factory, world)
    sign_in(browser, "officer.houston")
    visit, incident = f"/visits/{plan_id}", f"/incidents/{world.incident_id}/visits"
    for path in (visit, f"{visit}/roster", f"{visit}/roster.pdf", incident, f"{incident}/new"):
        assert browser.get(path).status_code == 404, path
    for path in (visit, f"{visit}/roster.pdf", incident):
        assert browser.get(f"{API}{path}", headers=auth(world.houston_token)).status_code == 404


def test_the_api_plans_lists_reads_adds_and_prints(
    browser: TestClient, factory: sessionmaker[Session], world: World, pdf_font: None
) -> None:
    detainees(factory, world)
    headers = auth(world.token)
    made = browser.post(
        f"{API}/incidents/{world.incident_id}/visits",
        json={
            "facility": "Stewart Detention Center",
            "visit_date": "2025-09-05",
            "officers": ["officer.kim"],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert [c["number"] for c in body["cases"]] == [2] and body["facility_id"] is None
    refused = browser.post(
        f"{API}/visits/{body['id']}/cases", json={"numbers": "1\n3"}, headers=headers
    )
    assert refused.status_code == 422
    assert [row["line"] for row in refused.json()["rows"]] == [1, 2]
    listed = browser.get(f"{API}/incidents/{world.incident_id}/visits", headers=headers).json()
    assert [(p["facility"], p["case_count"]) for p in listed] == [("Stewart Detention Center", 1)]
    read = browser.get(f"{API}/visits/{body['id']}", headers=headers).json()
    assert read["interviews"].startswith(f"/incidents/{world.incident_id}/interviews?numbers=2")
    pdf = browser.get(f"{API}/visits/{body['id']}/roster.pdf?lang=ko", headers=headers)
    assert pdf.status_code == 200 and "박지혜" in pdf_words(pdf.content)
