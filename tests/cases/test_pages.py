"""A case's page: moving it, its checklist, notes, custody, disposition and the host number."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import user_with_token
from tests.incidents.test_pages import _import_host_list
from tests.web.client import form_token, sign_in


def _first_case(browser: TestClient, world: World) -> str:
    page = browser.get(f"/incidents/{world.incident_id}").text
    found = re.search(r'href="/cases/([0-9a-f-]+)"', page)
    assert found, page
    return found.group(1)


def _case_form(browser: TestClient, world: World) -> tuple[str, str, str]:
    """A case opened from a host list, signed in: its id, the form token and its version."""
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    return case_id, form_token(page), version.group(1)


def test_an_officer_moves_a_case_and_completes_a_checklist_item_on_its_page(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Rights checklist" in page.text
    token = form_token(page.text)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    # The list gave a facility, so the person can be marked located; a jump is not offered.
    assert 'name="to" value="located"' in page.text
    assert 'name="to" value="departed"' not in page.text
    moved = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "located", "version": version.group(1), "csrf_token": token},
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/cases/{case_id}"
    done = browser.post(
        f"/cases/{case_id}/milestones/consular_visit",
        data={"evidence": "visited at Folkston", "csrf_token": token},
    )
    assert done.status_code == 303
    after = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    assert "<strong>Located</strong>" in after
    assert "by officer.kim" in after
    assert "State: Reported → Located" in after and "Checklist item done" in after
    assert "Item: Consular visit" in after and "How it was done: visited at Folkston" in after
    assert "cases:case:transition" not in after
    # The same form sent again carries the old version: refused, nothing changed.
    stale = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "consular_access", "version": version.group(1), "csrf_token": token},
    )
    assert stale.status_code == 409 and "변경하지 않았습니다" in stale.text


def test_a_refused_move_is_said_in_korean_with_the_states_named_in_korean(
    browser: TestClient, world: World
) -> None:
    case_id, token, version = _case_form(browser, world)
    # A form sent by hand: a reported case cannot jump to departed.
    refused = browser.post(
        f"/cases/{case_id}/transition",
        data={"to": "departed", "version": version, "csrf_token": token},
    )
    assert refused.status_code == 409
    alert = re.search(r'<p class="error" role="alert">(.*?)</p>', refused.text, re.S)
    assert alert, refused.text
    assert "“신고됨” 상태의 조력 건은 “출국 완료”로 옮길 수 없습니다." in alert.group(1)
    assert not re.search(r"[A-Za-z]", alert.group(1)), alert.group(1)


def test_the_host_number_is_masked_until_shown_and_the_reveal_is_audited(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    header = ("id", "full_name", "date_of_birth", "nationality", "facility", "a_number")
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston", "A123456789"]]
    _import_host_list(browser, world, rows, header)
    sign_in(browser)
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}").text
    assert "A123456789" not in page and "789" in page
    answer = browser.post(f"/cases/{case_id}/reveal", data={"csrf_token": form_token(page)})
    assert answer.status_code == 303  # Post/Redirect/Get
    shown = browser.get(answer.headers["location"])
    assert shown.status_code == 200 and "A123456789" in shown.text
    # A reload neither shows the number again nor reveals (and audits) it again.
    again = browser.get(f"/cases/{case_id}")
    assert "A123456789" not in again.text
    with factory() as db:
        reveals = db.scalars(
            select(AuditEvent.actor).where(AuditEvent.tag == "cases:identifier:reveal")
        ).all()
    assert reveals == ["officer.kim"]


def test_a_case_of_another_post_is_not_found(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    from tests.factories import HOUSTON

    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    browser.post("/sign-out", data={"csrf_token": form_token(browser.get("/").text)})
    user_with_token(factory, "officer.houston2", "officer", post=HOUSTON)
    sign_in(browser, name="officer.houston2")
    assert browser.get(f"/cases/{case_id}").status_code == 404
    token = form_token(browser.get("/").text)
    for path, data in (
        (f"/cases/{case_id}/transition", {"to": "located", "version": "1"}),
        (f"/cases/{case_id}/notes", {"body": "hello"}),
        (f"/cases/{case_id}/reveal", {}),
    ):
        answer = browser.post(path, data={**data, "csrf_token": token})
        assert answer.status_code == 404, path


def test_notes_are_saved_and_an_empty_one_is_refused(browser: TestClient, world: World) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    token = form_token(browser.get(f"/cases/{case_id}").text)
    empty = browser.post(f"/cases/{case_id}/notes", data={"body": "  ", "csrf_token": token})
    assert empty.status_code == 400 and "메모가 비어 있습니다" in empty.text
    saved = browser.post(
        f"/cases/{case_id}/notes",
        data={"body": "Wife called; <b>asks</b> about medication", "csrf_token": token},
    )
    assert saved.status_code == 303
    page = browser.get(f"/cases/{case_id}").text
    assert "Wife called; &lt;b&gt;asks&lt;/b&gt; about medication" in page  # escaped, not HTML


def test_custody_and_disposition_are_recorded_from_the_case_page(
    browser: TestClient, world: World
) -> None:
    case_id, token, first = _case_form(browser, world)
    moved = browser.post(
        f"/cases/{case_id}/custody",
        data={
            "facility": "Stewart Detention Center",
            "kind": "transferred",
            "version": first,
            "csrf_token": token,
        },
    )
    assert moved.status_code == 303
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version and "Stewart Detention Center" in page
    empty = browser.post(
        f"/cases/{case_id}/custody",
        data={"facility": " ", "kind": "booked", "version": version.group(1), "csrf_token": token},
    )
    assert empty.status_code == 422 and "시설이 비어 있습니다" in empty.text
    decided = browser.post(
        f"/cases/{case_id}/disposition",
        data={
            "disposition": "voluntary_departure",
            "version": version.group(1),
            "csrf_token": token,
        },
    )
    assert decided.status_code == 303
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    assert "<dd>Voluntary departure</dd>" in page
    wrong = browser.post(
        f"/cases/{case_id}/disposition",
        data={"disposition": "deported", "version": "99", "csrf_token": token},
    )
    assert wrong.status_code == 409


def test_a_viewer_is_shown_no_form_to_change_the_case(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _import_host_list(browser, world)
    user_with_token(factory, "viewer.han", "viewer")
    sign_in(browser, name="viewer.han")
    case_id = _first_case(browser, world)
    page = browser.get(f"/cases/{case_id}", headers={"Accept-Language": "en"}).text
    assert "Case 1" in page
    for action in ("notes", "custody", "disposition", "travel", "transition", "family-codes"):
        assert f'action="/cases/{case_id}/{action}"' not in page, action


def test_a_refused_note_is_not_saved_and_keeps_what_was_typed(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    token = form_token(browser.get(f"/cases/{case_id}").text)
    too_long = "The wife called about her husband's medication. " * 250  # over 10,000
    refused = browser.post(
        f"/cases/{case_id}/notes",
        data={"body": too_long, "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "The change was not made" in refused.text
    textarea = re.search(r'<textarea id="note"[^>]*>(.*?)</textarea>', refused.text, re.S)
    assert textarea and textarea.group(1) == too_long.replace("'", "&#39;")
    with factory() as db:
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.case_id == case_id)).all()
    assert "cases:note:add" not in tags


def test_a_form_sent_signed_out_leads_to_sign_in_and_back(
    browser: TestClient, world: World
) -> None:
    _import_host_list(browser, world)
    sign_in(browser)
    case_id = _first_case(browser, world)
    token = form_token(browser.get(f"/cases/{case_id}").text)
    browser.cookies.clear()
    answer = browser.post(f"/cases/{case_id}/notes", data={"body": "hello", "csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/sign-in?next=/cases/{case_id}/notes"
    page = browser.get(f"/cases/{case_id}")
    assert page.headers["location"] == f"/sign-in?next=/cases/{case_id}"
