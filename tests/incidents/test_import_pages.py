"""The import wizard: upload, columns, rows checked and corrected, reconcile, review, commit."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.auth.models import User
from consular.cases.models import Case
from consular.db import utcnow
from consular.incidents.models import ImportDraft, SourceList, SourceRecord
from consular.registry.models import Person
from tests.conftest import World
from tests.factories import rows_csv, user_with_token
from tests.incidents.test_pages import explanations
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
# The host authority's list: US dates, one of them unreadable, two namesakes, one stranger.
HOST_HEADER = ["A-Number", "Name", "DOB", "Citizenship", "Detention Facility"]
HOST_ROWS = [
    ["A100", "LEE, SEONGHO", "03/14/1988", "KOR", "Folkston ICE Processing Center"],
    ["A101", "KIM, MIN JUN", "01/02/1990", "KOR", "Stewart Detention Center"],
    ["A102", "PARK, JI HYE", "07/30/1995", "KOR", "Stewart Detention Center"],
    ["A103", "CHOI, DONG HYUN", "11/31/79", "KOR", "Folkston ICE Processing Center"],
    ["A104", "GARCIA, JUAN", "05/05/1985", "MEX", "Folkston ICE Processing Center"],
]


def _upload(
    client: TestClient,
    world: World,
    rows: list[list[str]] = HOST_ROWS,
    header: list[str] = HOST_HEADER,
    name: str = "ice-list.csv",
):  # type: ignore[no-untyped-def]
    page = client.get(f"/incidents/{world.incident_id}/imports/new", headers=EN)
    assert page.status_code == 200, page.text
    return client.post(
        f"/incidents/{world.incident_id}/imports",
        data={"kind": "host_authority", "csrf_token": form_token(page.text)},
        files={"file": (name, rows_csv(header, rows), "text/csv")},
        headers=EN,
    )


def _selected(html: str, select_id: str) -> str:
    found = re.search(rf'<select id="{select_id}" name="[^"]+">(.*?)</select>', html, flags=re.S)
    assert found, select_id
    chosen = re.search(r'<option value="([^"]*)" selected>', found.group(1))
    return chosen.group(1) if chosen else ""


def _written(factory: sessionmaker[Session]) -> tuple[int, int, int, int]:
    with factory() as db:
        return (
            db.scalar(select(func.count()).select_from(SourceList)) or 0,
            db.scalar(select(func.count()).select_from(SourceRecord)) or 0,
            db.scalar(select(func.count()).select_from(Case)) or 0,
            db.scalar(select(func.count()).select_from(Person)) or 0,
        )


def _save_columns(client: TestClient, url: str, html: str, date_format: str) -> None:
    fields = {f"field-{i}": _selected(html, f"field-{i}") for i in range(len(HOST_HEADER))}
    saved = client.post(
        url,
        data={
            "csrf_token": form_token(html),
            "kind": "host_authority",
            "date_format": date_format,
            **fields,
        },
    )
    assert saved.status_code == 303, saved.text


def _reconciled(client: TestClient, world: World, rows: list[list[str]]) -> tuple[str, str]:
    """A draft uploaded, its columns saved and reconciled: its address and columns page."""
    base = _upload(client, world, rows).headers["location"].rsplit("/", 1)[0]
    html = client.get(f"{base}/columns").text
    _save_columns(client, f"{base}/columns", html, "%m/%d/%Y")
    reconciled = client.post(f"{base}/reconcile", data={"csrf_token": form_token(html)})
    assert reconciled.status_code == 303
    return base, html


def test_an_officer_imports_a_list_through_the_wizard_and_nothing_is_written_before_commit(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    before = _written(factory)
    uploaded = _upload(browser, world)
    assert uploaded.status_code == 303
    columns_url = uploaded.headers["location"]
    assert re.fullmatch(r"/imports/[0-9a-f-]+/columns", columns_url)
    base = columns_url.rsplit("/", 1)[0]

    # Columns: guessed from the headers and the values, US dates recognised.
    html = browser.get(columns_url, headers=EN).text
    assert [_selected(html, f"field-{i}") for i in range(5)] == [
        "host_identifier",
        "full_name",
        "date_of_birth",
        "nationality",
        "facility",
    ]
    assert _selected(html, "date_format") == "%m/%d/%Y"
    _save_columns(browser, columns_url, html, "%m/%d/%Y")

    # The check: the unreadable date is shown on its row, in place; reconciling is refused.
    preview = browser.get(f"{base}/preview", headers=EN)
    assert "1 row has errors." in preview.text
    row = re.search(r'<section class="row-errors" id="row-5".*?</section>', preview.text, re.S)
    assert row, preview.text
    assert "dob: “11/31/79” is not a date in the form MM/DD/YYYY." in row.group(0)
    assert 'aria-invalid="true"' in row.group(0)
    assert "Reconcile with the registry" not in preview.text
    refused = browser.post(f"{base}/reconcile", data={"csrf_token": form_token(preview.text)})
    assert refused.status_code == 422 and "1개 행에 오류가 있습니다" in refused.text

    # Fix the row in place: the corrected value replaces the file's, the error is gone.
    cells = dict(
        re.findall(r'<input id="cell-5-\d+" name="(cell-\d+)" value="([^"]*)"', row.group(0))
    )
    assert cells["cell-2"] == "11/31/79"
    cells["cell-2"] = "11/11/1979"
    fixed = browser.post(f"{base}/rows/5", data={"csrf_token": form_token(preview.text), **cells})
    assert fixed.status_code == 303
    preview = browser.get(f"{base}/preview", headers=EN)
    assert "No row has errors." in preview.text and "1 row corrected by you." in preview.text
    assert _written(factory) == before

    # Reconcile: the two KIM MINJUNs side by side; the stranger is out of scope.
    reconciled = browser.post(f"{base}/reconcile", data={"csrf_token": form_token(preview.text)})
    assert reconciled.status_code == 303
    review = browser.get(f"{base}/review", headers=EN).text
    assert "3 rows match a person in the registry." in review
    assert "1 row is doubtful" in review and "1 row is about another nationality" in review
    assert review.count("This is the person") == 2
    assert "HL Battery" in review and "Daewon Install" in review
    accept = re.search(
        r'action="(/imports/[^"]+/review/3)">\s*<input type="hidden" name="csrf_token"[^>]*>\s*'
        r'<input type="hidden" name="action" value="accept">\s*'
        r'<input type="hidden" name="person_id" value="([^"]+)">',
        review,
    )
    assert accept
    decided = browser.post(
        accept.group(1),
        data={"csrf_token": form_token(review), "action": "accept", "person_id": accept.group(2)},
    )
    assert decided.status_code == 303
    review = browser.get(f"{base}/review", headers=EN).text
    assert "decided: this is the person" in review
    assert _written(factory) == before

    # Commit: one list, five rows, three cases plus the accepted one; the draft is gone.
    committed = browser.post(f"{base}/commit", data={"csrf_token": form_token(review)})
    assert committed.status_code == 303
    incident = browser.get(committed.headers["location"], headers=EN).text
    assert "ice-list.csv was imported: 3 rows linked automatically, 1 decided by you" in incident
    lists, records, cases, persons = _written(factory)
    assert (lists, records, cases, persons) == (1, 5, 4, before[3])
    with factory() as db:
        kim = db.scalar(select(SourceRecord).where(SourceRecord.row_number == 3))
        assert kim is not None and kim.decision == "confirmed"
        assert kim.person_id == accept.group(2) and kim.decided_by == "officer.kim"
        choi = db.scalar(select(SourceRecord).where(SourceRecord.row_number == 5))
        assert choi is not None and choi.raw["dob"] == "11/11/1979" and choi.decision == "auto"
        correction = db.scalar(select(AuditEvent).where(AuditEvent.tag == "incidents:list:correct"))
        assert correction is not None
        assert correction.diff == {"5": {"dob": {"file": "11/31/79", "typed": "11/11/1979"}}}
        # The draft keeps only where its rows went.
        draft = db.scalars(select(ImportDraft)).one()
        assert draft.rows == [] and draft.links is None and draft.source_list_id is not None
    # A second press of the button, or an old tab, finds the import done: nothing twice.
    again = browser.post(f"{base}/commit", data={"csrf_token": form_token(review)})
    assert again.headers["location"] == committed.headers["location"]
    assert browser.get(f"{base}/review").headers["location"] == committed.headers["location"]
    assert _written(factory) == (lists, records, cases, persons)


def test_a_change_after_reconciling_sends_the_list_back_to_be_reconciled(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    base, html = _reconciled(browser, world, HOST_ROWS[:3])
    token = form_token(html)
    review = browser.get(f"{base}/review").text
    row = re.search(r'action="(/imports/[^"]+/review/3)"', review)
    assert row
    # The columns change: what was reviewed no longer describes the rows.
    _save_columns(browser, f"{base}/columns", html, "%m/%d/%Y")
    assert browser.get(f"{base}/review").headers["location"] == f"{base}/preview"
    stale = browser.post(row.group(1), data={"csrf_token": token, "action": "reject"})
    assert stale.status_code == 409
    stale_commit = browser.post(f"{base}/commit", data={"csrf_token": token})
    assert stale_commit.status_code == 409


def test_the_wizard_explains_the_candidates_in_the_readers_language(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    base, _ = _reconciled(browser, world, HOST_ROWS[:3])
    korean = explanations(browser.get(f"{base}/review", headers={"Accept-Language": "ko"}).text)
    assert len(korean) == 2
    assert not [word for text in korean for word in re.findall(r"[a-z]{2,}", text)], korean
    assert all("이름: 일치 (KIM MIN JUN / 김민준 KIM MINJUN" in text for text in korean)
    english = explanations(browser.get(f"{base}/review", headers=EN).text)
    assert all("Date of birth: the same (1990-01-02 / 1990-01-02)" in text for text in english)


def test_rows_with_errors_can_be_left_out_and_stay_in_the_report(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    base = _upload(browser, world).headers["location"].rsplit("/", 1)[0]
    html = browser.get(f"{base}/columns").text
    _save_columns(browser, f"{base}/columns", html, "%m/%d/%Y")
    token = form_token(html)
    left = browser.post(f"{base}/leave-out", data={"csrf_token": token, "leave_out": "1"})
    assert left.status_code == 303
    assert "Reconcile with the registry" in browser.get(f"{base}/preview", headers=EN).text
    assert browser.post(f"{base}/reconcile", data={"csrf_token": token}).status_code == 303
    # Nobody decides: the doubtful row waits in the review queue after the commit.
    assert browser.post(f"{base}/commit", data={"csrf_token": token}).status_code == 303
    with factory() as db:
        source = db.scalars(select(SourceList)).one()
        assert source.report["skipped"] == 1 and source.report["review"] == 1
        assert [e["row"] for e in source.errors] == [5]
        assert db.scalar(select(func.count()).select_from(SourceRecord)) == 4
    queue = browser.get(f"/incidents/{world.incident_id}/review", headers=EN).text
    assert "1 row waits for a decision." in queue
    # The list's own page: its report, and the row left out with its error in words.
    incident = browser.get(f"/incidents/{world.incident_id}", headers=EN).text
    link = re.search(r'<a href="(/incidents/[^"]+/lists/[^"]+)">ice-list.csv</a>', incident)
    assert link
    report = browser.get(link.group(1), headers=EN).text
    assert "Rows left out for errors" in report
    assert "Waiting in the review queue: 1" in report
    assert "“11/31/79” is not a date in the form MM/DD/YYYY." in report
    other = browser.get(link.group(1).replace(world.incident_id, "0" * 36))
    assert other.status_code == 404


def test_a_draft_is_its_owners_alone_and_expires(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    user_with_token(factory, "officer.park", "officer")
    user_with_token(factory, "hr.daewon", "employer_hr", employer="Daewon Install")
    sign_in(browser)
    columns_url = _upload(browser, world).headers["location"]
    assert browser.get(columns_url).status_code == 200
    browser.cookies.clear()
    sign_in(browser, "officer.park")
    other = browser.get(columns_url, headers=EN)
    assert other.status_code == 404 and "Page not found" in other.text
    browser.cookies.clear()
    sign_in(browser, "hr.daewon")
    assert browser.get(f"/incidents/{world.incident_id}/imports/new").status_code == 404
    assert browser.get(columns_url).status_code == 404
    browser.cookies.clear()
    sign_in(browser)
    with factory() as db, db.begin():
        db.execute(update(ImportDraft).values(updated_at=utcnow() - timedelta(days=2)))
    assert browser.get(columns_url).status_code == 404
    # The next upload, by anyone, clears the expired draft away.
    browser.cookies.clear()
    sign_in(browser, "officer.park")
    _upload(browser, world)
    with factory() as db:
        owners = db.scalars(select(ImportDraft.owner_id)).all()
        park = db.scalars(select(User.id).where(User.name == "officer.park")).one()
        assert owners == [park]


def test_a_cancelled_import_leaves_nothing_behind(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    before = _written(factory)
    columns_url = _upload(browser, world).headers["location"]
    base = columns_url.rsplit("/", 1)[0]
    page = browser.get(f"/incidents/{world.incident_id}/imports/new", headers=EN).text
    assert "Your unfinished imports" in page and "ice-list.csv" in page
    html = browser.get(columns_url).text
    cancelled = browser.post(f"{base}/cancel", data={"csrf_token": form_token(html)})
    assert cancelled.headers["location"] == f"/incidents/{world.incident_id}"
    assert browser.get(columns_url).status_code == 404
    assert _written(factory) == before
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(ImportDraft)) == 0
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.tag.like("incidents:%"))).all()
        assert "incidents:draft:start" in tags and "incidents:draft:cancel" in tags


def test_a_file_already_imported_or_unreadable_is_refused_on_upload(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    header = ["id", "full_name", "date_of_birth", "nationality"]
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR"]]
    first = _upload(browser, world, rows, header)
    base = first.headers["location"].rsplit("/", 1)[0]
    html = browser.get(f"{base}/columns").text
    token = form_token(html)
    saved = browser.post(
        f"{base}/columns",
        data={
            "csrf_token": token,
            "kind": "host_authority",
            "date_format": "%Y-%m-%d",
            **{f"field-{i}": _selected(html, f"field-{i}") for i in range(4)},
        },
    )
    assert saved.status_code == 303
    browser.post(f"{base}/reconcile", data={"csrf_token": token})
    assert browser.post(f"{base}/commit", data={"csrf_token": token}).status_code == 303
    again = _upload(browser, world, rows, header)
    assert again.status_code == 409
    assert "ice-list.csv was already imported into this incident on" in again.text
    legacy = _upload(browser, world, rows, header, name="list.xls")
    assert legacy.status_code == 422 and "save it as .xlsx" in legacy.text


def test_a_wrong_date_format_is_pointed_out_rather_than_every_row(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    base = _upload(browser, world, HOST_ROWS[:3]).headers["location"].rsplit("/", 1)[0]
    html = browser.get(f"{base}/columns").text
    _save_columns(browser, f"{base}/columns", html, "%Y-%m-%d")  # the list's dates are US
    preview = browser.get(f"{base}/preview", headers=EN).text
    assert "3 rows have errors." in preview
    assert "The column dob is wrong on most rows" in preview
    _save_columns(browser, f"{base}/columns", html, "%m/%d/%Y")
    preview = browser.get(f"{base}/preview", headers=EN).text
    assert "No row has errors." in preview and "wrong on most rows" not in preview


def test_two_columns_for_one_field_are_refused_with_the_choice_kept(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    columns_url = _upload(browser, world).headers["location"]
    html = browser.get(columns_url, headers=EN).text
    choice = {f"field-{i}": _selected(html, f"field-{i}") for i in range(5)}
    choice["field-0"] = "full_name"  # the A-Number column said to be the name too
    refused = browser.post(
        columns_url,
        data={
            "csrf_token": form_token(html),
            "kind": "host_authority",
            "date_format": "%m/%d/%Y",
            **choice,
        },
        headers=EN,
    )
    assert refused.status_code == 422
    assert (
        "name: holds Full name (Latin), as column “a_number” does: keep one of them."
        in refused.text
    )
    assert _selected(refused.text, "field-0") == "full_name"


def test_a_value_that_cannot_be_true_is_shown_as_a_warning_and_the_row_is_kept(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    rows = [*HOST_ROWS[:3], ["A105", "CHOI, DONG HYUN", "11/11/2979", "KOR", "Folkston"]]
    base = _upload(browser, world, rows).headers["location"].rsplit("/", 1)[0]
    html = browser.get(f"{base}/columns").text
    _save_columns(browser, f"{base}/columns", html, "%m/%d/%Y")
    preview = browser.get(f"{base}/preview", headers=EN).text
    assert "No row has errors." in preview
    assert "1 row has a value that cannot be true; it is kept." in preview
    row = re.search(r'<section class="row-warnings" id="row-5".*?</section>', preview, re.S)
    assert row, preview
    assert "dob: The date of birth “11/11/2979” is in the future." in row.group(0)
    korean = browser.get(f"{base}/preview").text
    assert "있을 수 없는 값이 있는 행" in korean and "생년월일 “11/11/2979”가 미래입니다." in korean
    # Nothing to correct first: the list is reconciled and committed with the row.
    token = form_token(preview)
    assert browser.post(f"{base}/reconcile", data={"csrf_token": token}).status_code == 303
    assert browser.post(f"{base}/commit", data={"csrf_token": token}).status_code == 303
    with factory() as db:
        source = db.scalars(select(SourceList)).one()
        assert [(w["row"], w["column"]) for w in source.warnings or []] == [(5, "dob")]
        choi = db.scalar(select(SourceRecord).where(SourceRecord.row_number == 5))
        assert choi is not None and choi.raw["dob"] == "11/11/2979" and choi.date_of_birth is None
    incident = browser.get(f"/incidents/{world.incident_id}", headers=EN).text
    link = re.search(r'<a href="(/incidents/[^"]+/lists/[^"]+)">ice-list.csv</a>', incident)
    assert link
    report = browser.get(link.group(1), headers=EN).text
    assert "Values that cannot be true" in report
    assert "The date of birth “11/11/2979” is in the future." in report
    assert "있을 수 없는 값" in browser.get(link.group(1)).text
