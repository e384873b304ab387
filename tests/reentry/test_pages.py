"""The re-entry pages: an officer reads a case's assessment in Korean or English, records
its facts and what happened after return, keeps the assessment; the incident's page sets
the assurances against the outcomes."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.reentry.models import ReentryAssessment
from tests.conftest import World
from tests.factories import HOUSTON, user_with_token
from tests.reentry.test_assessment import case_id  # noqa: F401 (the fixture)
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


def test_an_officer_reads_corrects_and_keeps_the_assessment(
    browser: TestClient,
    factory: sessionmaker[Session],
    world: World,
    case_id: str,  # noqa: F811
) -> None:
    sign_in(browser)
    case_page = browser.get(f"/cases/{case_id}", headers=EN).text
    assert f'href="/cases/{case_id}/reentry"' in case_page
    url = f"/cases/{case_id}/reentry"
    page = html.unescape(browser.get(url, headers=EN).text)
    assert "Result: No bar found, but a visa is needed: ESTA is closed" in page
    assert "REN-13 [S][R] (not verified in a source)" in page
    assert "not legal advice" in page
    korean = html.unescape(browser.get(url).text)  # Korean by default
    assert "ESTA: 이용 불가. 비자를 신청하고 인터뷰를 받으십시오" in korean
    assert "ESTA(비자 면제)" in korean and "등록부에서" in korean

    # An overstay recorded: the ten-year bar appears, with its end date.
    saved = browser.post(
        f"{url}/facts",
        data={
            "csrf_token": form_token(page),
            "entry_status": "b1",
            "admitted_until": "2024-09-10",
            "departed_on": "2025-09-11",
            "status_violation": "no",
            "prior_removals": "0",
        },
    )
    assert saved.status_code == 303
    page = html.unescape(browser.get(url, headers=EN).text)
    assert "INA 212(a)(9)(B)(i)(II) (REN-04): 10 years, until 2035-09-11" in page
    assert "A lawyer should confirm this result" in page

    refused = browser.post(
        f"{url}/facts",
        data={"csrf_token": form_token(page), "departed_on": "2999-01-01"},
        headers=EN,
    )
    assert refused.status_code == 409
    assert "The date 2999-01-01 is in the future." in html.unescape(refused.text)
    # The form comes back as it was sent, not as it was recorded.
    assert 'name="departed_on" type="date" value="2999-01-01"' in refused.text
    assert 'name="admitted_until" type="date" value=""' in refused.text
    page = html.unescape(browser.get(url, headers=EN).text)
    assert "until 2035-09-11" in page  # nothing changed

    kept = browser.post(f"{url}/assessments", data={"csrf_token": form_token(page)})
    assert kept.status_code == 303
    recorded = browser.post(
        f"{url}/outcomes",
        data={"csrf_token": form_token(page), "kind": "visa_refused", "happened_on": "2025-11-02"},
    )
    assert recorded.status_code == 303
    page = html.unescape(browser.get(url, headers=EN).text)
    assert "2025-11-02 Visa refused" in page
    with factory() as db:
        (stored,) = db.scalars(select(ReentryAssessment)).all()
    assert stored.outcome == "bar" and stored.made_by == "officer.kim"
    assert stored.ruleset_version in page


def test_assurances_are_recorded_on_the_incident_and_set_against_outcomes(
    browser: TestClient,
    world: World,
    case_id: str,  # noqa: F811
) -> None:
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/reentry"
    page = browser.get(url, headers=EN).text
    refused = browser.post(
        f"/incidents/{world.incident_id}/assurances",
        data={"csrf_token": form_token(page), "given_on": "2025-09-10", "given_by": ""},
        headers=EN,
    )
    assert refused.status_code == 409
    assert "Say who gave the assurance and what was said." in refused.text
    assert 'name="given_on" value="2025-09-10"' in refused.text
    added = browser.post(
        f"/incidents/{world.incident_id}/assurances",
        data={
            "csrf_token": form_token(page),
            "given_on": "2025-09-10",
            "given_by": "Minister of Foreign Affairs",
            "statement": "No disadvantage on re-entry",
            "source": "press briefing",
        },
    )
    assert added.status_code == 303
    page = html.unescape(browser.get(url, headers=EN).text)
    assert "No disadvantage on re-entry" in page and "Minister of Foreign Affairs" in page
    case_page = html.unescape(browser.get(f"/cases/{case_id}/reentry", headers=EN).text)
    assert "2025-09-10 Minister of Foreign Affairs: No disadvantage on re-entry" in case_page
    assert "REN-14" in case_page


def test_another_posts_officer_gets_not_found(
    browser: TestClient,
    factory: sessionmaker[Session],
    world: World,
    case_id: str,  # noqa: F811
) -> None:
    user_with_token(factory, "officer.h2", "officer", post=HOUSTON)
    sign_in(browser, name="officer.h2")
    assert browser.get(f"/cases/{case_id}/reentry").status_code == 404
    assert browser.get(f"/incidents/{world.incident_id}/reentry").status_code == 404
    page = browser.get("/").text
    answer = browser.post(
        f"/cases/{case_id}/reentry/outcomes",
        data={"csrf_token": form_token(page), "kind": "re_entered", "happened_on": "2025-10-01"},
    )
    assert answer.status_code == 404
