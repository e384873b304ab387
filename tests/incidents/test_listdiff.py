"""A new host list shown against the previous one, and its transfers recorded in one step."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.audit.models import AuditEvent
from consular.cases.models import Case, CustodyEvent
from tests.conftest import World
from tests.factories import auth, rows_csv
from tests.incidents.test_lists import upload

HEADER = ["id", "full_name", "date_of_birth", "nationality", "facility", "a_number"]
FOLKSTON, STEWART = "Folkston ICE Processing Center", "Stewart Detention Center"
SEPT_5 = [
    ["H1", "LEE, SEONGHO", "1988-03-14", "KOR", FOLKSTON, "A123456789"],
    ["H2", "PARK, JI HYE", "1995-07-30", "KOR", STEWART, ""],
    ["H3", "CHOI, DONGHYUN", "1979-11-11", "KOR", FOLKSTON, ""],
    ["H4", "HAN, BOKNAM", "1970-02-02", "KOR", FOLKSTON, ""],  # unregistered, no A-number
    ["H5", "WANG, WEI", "1985-05-05", "CHN", FOLKSTON, ""],  # another national
]
SEPT_7 = [
    # Moved to Stewart; the name spelled another way, found by the A-number.
    ["D1", "YI, SUNG HO", "", "KOR", STEWART, "A-123-456-789"],
    ["D2", "PARK, JIHYE", "1995-07-30", "KOR", STEWART, ""],  # the name written differently
    ["D3", "JEONG, MIRAE", "1992-02-02", "KOR", FOLKSTON, "A555000111"],  # new, unregistered
    ["D4", "HAN, BOKNAM", "1970-02-02", "KOR", FOLKSTON, ""],  # cannot be compared
    # CHOI DONGHYUN is not on this list.
]


def _two_lists(client: TestClient, world: World) -> str:
    assert upload(client, world, rows_csv(HEADER, SEPT_5), name="ice-0905.csv").status_code == 201
    later = upload(client, world, rows_csv(HEADER, SEPT_7), name="ice-0907.csv")
    assert later.status_code == 201, later.text
    return later.json()["source_list_id"]


def test_a_new_host_list_says_who_is_new_gone_moved_and_changed(
    app_client: TestClient, world: World
) -> None:
    list_id = _two_lists(app_client, world)
    base = f"/api/v1/incidents/{world.incident_id}/lists/{list_id}"
    diff = app_client.get(f"{base}/changes", headers=auth(world.token)).json()
    assert diff["previous_file_name"] == "ice-0905.csv"
    (moved,) = diff["moved"]
    assert moved["name"].startswith("LEE SEONGHO")
    assert (moved["previous_facility"], moved["facility"]) == (FOLKSTON, STEWART)
    assert (moved["previous_row"], moved["row"]) == (2, 2)
    (gone,) = diff["gone"]
    assert gone["name"].startswith("CHOI DONGHYUN") and gone["case_number"] is not None
    assert gone["facility"] == FOLKSTON
    (new,) = diff["new"]
    assert new["name"] == "JEONG MIRAE" and new["case_id"] is None  # waiting for review
    (changed,) = diff["changed"]
    assert changed["changes"] == {"given_name": ["JI HYE", "JIHYE"]}
    assert diff["unchanged"] == 0
    assert diff["not_comparable"] == 2  # HAN BOKNAM on both lists: no person, no A-number


def test_the_first_list_has_nothing_to_compare_with(app_client: TestClient, world: World) -> None:
    first = upload(app_client, world, rows_csv(HEADER, SEPT_5), name="ice-0905.csv").json()
    base = f"/api/v1/incidents/{world.incident_id}/lists/{first['source_list_id']}"
    diff = app_client.get(f"{base}/changes", headers=auth(world.token)).json()
    assert diff["previous_list_id"] is None and diff["new"] == [] and diff["gone"] == []
    refused = app_client.post(f"{base}/transfers", json={}, headers=auth(world.token))
    assert refused.status_code == 409
    assert "nothing to compare with" in refused.json()["message"]


def test_facility_changes_become_transfers_once_each_audited(
    app_client: TestClient, world: World, db: Session
) -> None:
    list_id = _two_lists(app_client, world)
    base = f"/api/v1/incidents/{world.incident_id}/lists/{list_id}"
    done = app_client.post(f"{base}/transfers", json={}, headers=auth(world.token))
    assert done.status_code == 200, done.text
    (result,) = done.json()
    assert result["applied"] and result["facility"] == STEWART
    case = db.get(Case, result["case_id"])
    assert case is not None and case.facility == STEWART
    kinds = [
        (e.kind, e.facility)
        for e in db.scalars(
            select(CustodyEvent).where(CustodyEvent.case_id == case.id).order_by(CustodyEvent.at)
        )
    ]
    assert kinds == [("booked", FOLKSTON), ("transferred", STEWART)]
    audits = db.scalars(
        select(AuditEvent).where(
            AuditEvent.tag == "cases:custody:record", AuditEvent.case_id == case.id
        )
    ).all()
    assert len(audits) == 1 and "ice-0907.csv" in str(audits[0].diff)
    again = app_client.post(f"{base}/transfers", json={}, headers=auth(world.token)).json()
    assert [(r["applied"], r["reason"]) for r in again] == [
        (False, "already recorded at this facility")
    ]


def test_a_case_moved_by_an_officer_meanwhile_is_not_moved_by_the_list(
    app_client: TestClient, world: World, db: Session
) -> None:
    list_id = _two_lists(app_client, world)
    base = f"/api/v1/incidents/{world.incident_id}/lists/{list_id}"
    moved = app_client.get(f"{base}/changes", headers=auth(world.token)).json()["moved"][0]
    case = db.get(Case, moved["case_id"])
    assert case is not None
    recorded = app_client.post(
        f"/api/v1/cases/{case.id}/custody",
        json={
            "facility": "Irwin County Detention Center",
            "kind": "transferred",
            "version": case.version,
        },
        headers=auth(world.token),
    )
    assert recorded.status_code == 200, recorded.text
    results = app_client.post(
        f"{base}/transfers", json={"case_ids": [case.id, "no-such-case"]}, headers=auth(world.token)
    ).json()
    by_case = {r["case_id"]: r for r in results}
    assert not by_case[case.id]["applied"]
    assert "changed to Irwin County Detention Center" in by_case[case.id]["reason"]
    assert by_case["no-such-case"]["reason"] == "the list does not move this case"


def test_another_posts_list_is_not_found(app_client: TestClient, world: World) -> None:
    list_id = _two_lists(app_client, world)
    base = f"/api/v1/incidents/{world.incident_id}/lists/{list_id}"
    hidden = app_client.get(f"{base}/changes", headers=auth(world.houston_token))
    assert hidden.status_code == 404
    unknown = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/lists/nope/changes", headers=auth(world.token)
    )
    assert unknown.status_code == 404


def test_an_unlinked_row_is_known_by_its_a_number_however_it_is_written(
    app_client: TestClient, world: World
) -> None:
    # Nobody in the registry: both rows wait for review, and they are one person.
    first = [["H1", "JEONG, MIRAE", "1992-02-02", "KOR", FOLKSTON, "A-555-000-111"]]
    later = [["D1", "JEONG, MI RAE", "1992-02-02", "KOR", STEWART, "555000111"]]
    upload(app_client, world, rows_csv(HEADER, first), name="ice-0905.csv")
    second = upload(app_client, world, rows_csv(HEADER, later), name="ice-0907.csv").json()
    base = f"/api/v1/incidents/{world.incident_id}/lists/{second['source_list_id']}"
    diff = app_client.get(f"{base}/changes", headers=auth(world.token)).json()
    assert diff["new"] == [] and diff["gone"] == []
    (moved,) = diff["moved"]
    assert (moved["previous_facility"], moved["facility"]) == (FOLKSTON, STEWART)
    assert moved["case_id"] is None
    assert moved["changes"] == {"given_name": ["MIRAE", "MI RAE"]}
