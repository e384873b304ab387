"""The post's facility directory: scoped to the post, names unique, phones checked and
stored in E.164, custody and list imports linked to their entry, free text merged into one."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case, CustodyEvent
from consular.cases.service import record_custody
from consular.db import unit_of_work
from consular.facilities.service import free_names, get_facility, merge_name
from consular.incidents.service import import_list
from consular.incidents.team import add_member
from tests.conftest import World
from tests.factories import AGENCY_ROSTER, OPERATOR, auth, csv_table, user_with_token
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
FOLKSTON = {
    "name": "Folkston ICE Processing Center",
    "operator": "GEO Group",
    "address": "3026 Hwy 252 East",
    "city": "Folkston",
    "region": "GA",
    "phone": "912-555-0100",
    "visiting_hours": "Daily 8:00–20:00",
    "field_office": "ICE Atlanta Field Office",
    "field_office_phone": "(404) 555-0180",
    "field_office_email": "atlanta@example.org",
}


def _add(client: TestClient, token: str, **values: str) -> Any:
    return client.post("/api/v1/facilities", json={**FOLKSTON, **values}, headers=auth(token))


def _cases(factory: sessionmaker[Session]) -> list[Case]:
    with factory() as db:
        return list(db.scalars(select(Case).order_by(Case.number)))


def test_an_entry_is_its_posts_and_phones_are_stored_in_e164(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    created = _add(app_client, world.token)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert (entry["phone"], entry["field_office_phone"]) == ("+19125550100", "+14045550180")
    assert entry["country"] == "USA" and entry["version"] == 1
    facility_id = entry["id"]
    listed = app_client.get("/api/v1/facilities", headers=auth(world.token)).json()
    assert [row["name"] for row in listed] == ["Folkston ICE Processing Center"]
    # Another post's officer: not there, and the list is empty.
    houston = auth(world.houston_token)
    assert app_client.get(f"/api/v1/facilities/{facility_id}", headers=houston).status_code == 404
    put = {"version": 1, "city": "Lumpkin"}
    assert (
        app_client.put(f"/api/v1/facilities/{facility_id}", json=put, headers=houston).status_code
        == 404
    )
    assert app_client.get("/api/v1/facilities", headers=houston).json() == []
    # Lent to the incident's team, they read the post's entries, and change none.
    with unit_of_work(factory) as db:
        add_member(db, OPERATOR, world.incident_id, "officer.houston")
    assert app_client.get(f"/api/v1/facilities/{facility_id}", headers=houston).status_code == 200
    assert (
        app_client.put(f"/api/v1/facilities/{facility_id}", json=put, headers=houston).status_code
        == 404
    )
    # Their own post's officer changes it, once per version read.
    changed = app_client.put(
        f"/api/v1/facilities/{facility_id}", json=put, headers=auth(world.token)
    )
    assert changed.status_code == 200 and changed.json()["city"] == "Lumpkin"
    assert changed.json()["version"] == 2 and changed.json()["phone"] == "+19125550100"
    stale = app_client.put(f"/api/v1/facilities/{facility_id}", json=put, headers=auth(world.token))
    assert stale.status_code == 409 and stale.json()["error"] == "facility.stale_version"
    with factory() as db:
        tags = db.scalars(
            select(AuditEvent.tag)
            .where(AuditEvent.target_id == facility_id)
            .order_by(AuditEvent.seq)
        ).all()
        assert tags == ["facilities:facility:create", "facilities:facility:update"]


def test_a_name_the_directory_has_is_refused_naming_the_entry(
    app_client: TestClient, world: World
) -> None:
    assert _add(app_client, world.token).status_code == 201
    again = _add(app_client, world.token, name="  folkston ice   PROCESSING center ")
    assert again.status_code == 409
    assert again.json()["error"] == "facility.duplicate_name"
    assert "Folkston ICE Processing Center" in again.json()["message"]
    # Another post has a directory of its own.
    assert _add(app_client, world.houston_token).status_code == 201


def test_an_impossible_phone_is_refused_beside_its_field_in_korean(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    sign_in(browser)
    form = browser.get("/facilities/new", headers=KO)
    assert form.status_code == 200
    refused = browser.post(
        "/facilities/new",
        data={**FOLKSTON, "phone": "555-01", "csrf_token": form_token(form.text)},
        headers=KO,
    )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert 'id="facility-phone-error"' in text
    assert "“555-01”은 전화번호로 보기에 너무 짧습니다" in text
    assert 'value="GEO Group"' in text  # what was typed stays
    assert app_client_count(factory) == 0
    saved = browser.post(
        "/facilities/new", data={**FOLKSTON, "csrf_token": form_token(form.text)}, headers=EN
    )
    assert saved.status_code == 303
    page = browser.get(saved.headers["location"], headers=EN).text
    assert "(912) 555-0100" in page and "The entry is saved." in page
    directory = browser.get("/facilities", headers=KO).text
    assert "Folkston ICE Processing Center" in directory and "(912) 555-0100" in directory
    assert 'href="/facilities"' in directory  # in the shell's navigation


def app_client_count(factory: sessionmaker[Session]) -> int:
    from consular.facilities.models import Facility

    with factory() as db:
        return len(db.scalars(select(Facility)).all())


def test_custody_and_list_imports_link_the_entry_by_name(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    folkston = _add(app_client, world.token).json()["id"]
    stewart = _add(app_client, world.token, name="Stewart Detention Center", city="Lumpkin")
    stewart_id = stewart.json()["id"]
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(AGENCY_ROSTER))
    cases = [case for case in _cases(factory) if case.facility]
    assert cases, "the roster opened cases"
    for case in cases:
        expected = folkston if case.facility.startswith("Folkston") else stewart_id
        assert case.facility_id == expected
    case = cases[0]
    with unit_of_work(factory) as db:
        moved = record_custody(
            db,
            world.officer,
            case.id,
            facility=" stewart  DETENTION center",
            kind="transferred",
            version=case.version,
        )
        assert moved.facility_id == stewart_id
        assert moved.custody[-1].facility_id == stewart_id
        version = moved.version
    with unit_of_work(factory) as db:
        elsewhere = record_custody(
            db,
            world.officer,
            case.id,
            facility="Irwin County Jail",
            kind="transferred",
            version=version,
        )
        assert elsewhere.facility_id is None and elsewhere.custody[-1].facility_id is None


def test_a_supervisor_merges_a_name_written_another_way(
    browser: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    user_with_token(factory, "supervisor.park", "supervisor")
    with unit_of_work(factory) as db:
        import_list(db, OPERATOR, world.incident_id, "host_authority", csv_table(AGENCY_ROSTER))
    folkston_cases = [c for c in _cases(factory) if c.facility == FOLKSTON["name"]]
    assert folkston_cases and all(c.facility_id is None for c in folkston_cases)
    with unit_of_work(factory) as db:
        for case in folkston_cases:
            record_custody(
                db,
                world.officer,
                case.id,
                facility="Folkston ICE Proc. Ctr",
                kind="transferred",
                version=case.version,
            )
    sign_in(browser)
    form = browser.get("/facilities/new", headers=EN)
    created = browser.post(
        "/facilities/new", data={**FOLKSTON, "csrf_token": form_token(form.text)}, headers=EN
    )
    facility_url = created.headers["location"].split("?")[0]
    facility_id = facility_url.rsplit("/", 1)[1]
    # An officer sees no merge; the supervisor sees the free text and merges it.
    officer_page = browser.get(facility_url, headers=EN).text
    assert "Folkston ICE Proc. Ctr" not in officer_page
    refused = browser.post(
        f"{facility_url}/merge",
        data={"name": "Folkston ICE Proc. Ctr", "csrf_token": form_token(officer_page)},
        headers=EN,
    )
    assert refused.status_code == 404
    browser.post("/sign-out", data={"csrf_token": form_token(officer_page)})
    sign_in(browser, "supervisor.park")
    page = browser.get(facility_url, headers=EN).text
    assert "Folkston ICE Proc. Ctr" in page
    merged = browser.post(
        f"{facility_url}/merge",
        data={"name": "Folkston ICE Proc. Ctr", "csrf_token": form_token(page)},
        headers=EN,
    )
    assert merged.status_code == 303
    after = browser.get(merged.headers["location"], headers=EN).text
    assert f"{len(folkston_cases)} cases now name this facility." in after
    assert "Folkston ICE Proc. Ctr" not in after
    with factory() as db:
        for case in folkston_cases:
            stored = db.get_one(Case, case.id)
            assert (stored.facility, stored.facility_id) == (FOLKSTON["name"], facility_id)
            moved = db.scalars(
                select(CustodyEvent).where(
                    CustodyEvent.case_id == case.id, CustodyEvent.kind == "transferred"
                )
            ).one()
            assert (moved.facility, moved.facility_id) == (FOLKSTON["name"], facility_id)
        merges = db.scalars(
            select(AuditEvent).where(AuditEvent.tag == "facilities:facility:merge")
        ).all()
        assert sorted(e.case_id for e in merges) == sorted(c.id for c in folkston_cases)
        assert free_names(db, get_facility(db, OPERATOR, facility_id)) == [] or all(
            free.name != "Folkston ICE Proc. Ctr"
            for free in free_names(db, get_facility(db, OPERATOR, facility_id))
        )
    # The case page's custody form offers the directory's names; the entry is shown.
    case_page = browser.get(f"/cases/{folkston_cases[0].id}", headers=EN).text
    assert 'list="custody-facilities"' in case_page
    assert f'<option value="{FOLKSTON["name"]}">' in case_page
    assert f'In the facility directory: <a href="/facilities/{facility_id}">' in case_page
    # The incident page counts the people held there and links the entry.
    incident = browser.get(f"/incidents/{world.incident_id}", headers=EN).text
    assert (
        f'<a href="/facilities/{facility_id}">{FOLKSTON["name"]}</a> ({len(folkston_cases)})'
        in incident
    )


def test_a_name_no_case_has_merges_nothing(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    facility_id = _add(app_client, world.token).json()["id"]
    import pytest

    from consular.errors import InvalidInput

    with unit_of_work(factory) as db, pytest.raises(InvalidInput) as refused:
        merge_name(db, OPERATOR, facility_id, "Nowhere Jail")
    assert refused.value.code == "facility.merge_nothing"


def test_a_viewer_reads_and_changes_nothing_and_headquarters_names_the_post(
    app_client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    facility_id = _add(app_client, world.token).json()["id"]
    _, viewer = user_with_token(factory, "viewer.choi", "viewer")
    assert (
        app_client.get(f"/api/v1/facilities/{facility_id}", headers=auth(viewer)).status_code == 200
    )
    assert _add(app_client, viewer, name="Irwin County Jail").status_code == 404
    put = {"version": 1, "city": "Lumpkin"}
    changed = app_client.put(f"/api/v1/facilities/{facility_id}", json=put, headers=auth(viewer))
    assert changed.status_code == 404
    _, admin = user_with_token(factory, "admin.one", "admin", post=None)
    refused = _add(app_client, admin, name="Irwin County Jail")
    assert refused.status_code == 422 and refused.json()["error"] == "facility.no_post"
    bad = _add(app_client, world.token, name="Irwin County Jail", field_office_email="ice at dhs")
    assert bad.status_code == 422 and bad.json()["error"] == "facility.email_invalid"
