"""Importing source lists into an incident: reconciliation, review queue, all-or-nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.audit.service import verify_chain
from consular.cases.models import Case
from consular.db import unit_of_work
from consular.incidents.models import SourceList, SourceRecord
from consular.registry.models import Person
from consular.registry.service import import_registry
from tests.conftest import World
from tests.factories import AGENCY_ROSTER, OPERATOR, REGISTRY_ROWS, auth, registry_table, rows_csv

HOST_HEADER = ["id", "full_name", "date_of_birth", "nationality", "facility", "a_number"]
HOST_ROWS = [
    ["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center", "A123456789"],
    ["H2", "KIM, MIN JUN", "1990-01-02", "KOR", "Folkston ICE Processing Center", ""],
    ["H3", "WANG, WEI", "1985-05-05", "CHN", "Folkston ICE Processing Center", ""],
    ["H4", "PARK, JI HYE", "1995-07-30", "KOR", "Stewart Detention Center", ""],
    ["H5", "HAN, BOKNAM", "1970-02-02", "KOR", "Folkston ICE Processing Center", ""],
]


def upload(
    client: TestClient,
    world: World,
    content: bytes,
    *,
    kind: str = "host_authority",
    name: str = "host.csv",
    token: str | None = None,
    **form: str,
):
    return client.post(
        f"/api/v1/incidents/{world.incident_id}/lists",
        headers=auth(token or world.token),
        data={"kind": kind, **form},
        files={"file": (name, content, "text/csv")},
    )


def test_host_list_links_confident_rows_and_queues_doubtful_ones(
    app_client: TestClient, world: World, db: Session
) -> None:
    response = upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS))
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["rows_read"] == 5
    assert report["linked"] == 2  # LEE SEONGHO and PARK JIHYE: one registry person each
    assert report["cases_created"] == 2
    assert report["review"] == 2  # two KIM MINJUN share a birth date; HAN BOKNAM is unknown
    assert report["out_of_scope"] == 1  # the Chinese national opens no case here
    assert report["errors"] == []

    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    assert sorted(item["raw"]["id"] for item in queue) == ["H2", "H5"]
    kim = next(item for item in queue if item["raw"]["id"] == "H2")
    assert len(kim["candidates"]) == 2
    # The namesakes are told apart by employer and the end of the passport number.
    assert sorted(c["employers"][0] for c in kim["candidates"]) == ["Daewon Install", "HL Battery"]
    assert sorted(c["passport"][-3:] for c in kim["candidates"]) == ["222", "333"]
    assert all("date of birth exact" in c["explanation"] for c in kim["candidates"])
    assert db.scalar(select(func.count()).select_from(Case)) == 2


def test_review_decisions_open_cases_and_never_silently_create_people(
    app_client: TestClient, world: World, db: Session
) -> None:
    upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS))
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    kim = next(item for item in queue if item["raw"]["id"] == "H2")
    han = next(item for item in queue if item["raw"]["id"] == "H5")
    base = f"/api/v1/incidents/{world.incident_id}/review"

    chosen = kim["candidates"][1]["person_id"]
    accepted = app_client.post(
        f"{base}/{kim['id']}",
        headers=auth(world.token),
        json={"action": "accept", "person_id": chosen},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["decision"] == "confirmed"
    assert accepted.json()["person_id"] == chosen

    created = app_client.post(
        f"{base}/{han['id']}", headers=auth(world.token), json={"action": "new_person"}
    )
    assert created.json()["decision"] == "new_person"
    case = app_client.get(
        f"/api/v1/cases/{created.json()['case_id']}", headers=auth(world.token)
    ).json()
    assert case["person_name"].startswith("HAN BOKNAM")

    again = app_client.post(
        f"{base}/{kim['id']}", headers=auth(world.token), json={"action": "reject"}
    )
    assert again.status_code == 409
    assert app_client.get(base, headers=auth(world.token)).json() == []
    history = app_client.get(
        f"/api/v1/cases/{accepted.json()['case_id']}/audit", headers=auth(world.token)
    ).json()
    assert any(
        e["tag"] == "incidents:record:link"
        and e["actor"] == "officer.kim"
        and e["diff"]["decision"] == "confirmed"
        for e in history
    )


def test_the_same_person_on_two_lists_has_one_case(
    app_client: TestClient, world: World, db: Session
) -> None:
    upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS[:1]))
    employer = rows_csv(
        ["family_name", "given_name", "date_of_birth", "passport_number"],
        [["Lee", "Seong-ho", "1988-03-14", "m1234 5678"]],
    )
    report = upload(app_client, world, employer, kind="employer", name="employer.csv").json()
    assert report["linked"] == 1 and report["cases_created"] == 0
    assert db.scalar(select(func.count()).select_from(Case)) == 1


def test_a_person_named_twice_in_one_list_has_one_case_told_what_the_second_row_adds(
    app_client: TestClient, world: World, db: Session
) -> None:
    # The host list names Lee first without a facility, then again where he is held.
    rows = [
        ["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "", ""],
        ["H4", "PARK, JI HYE", "1995-07-30", "KOR", "Stewart Detention Center", ""],
        ["H9", "LEE, SEONG HO", "1988-03-14", "KOR", "Folkston ICE Processing Center", "A1"],
    ]
    report = upload(app_client, world, rows_csv(HOST_HEADER, rows)).json()
    assert report["linked"] == 3 and report["cases_created"] == 2
    lee = db.scalars(select(SourceRecord).where(SourceRecord.row_number.in_([2, 4]))).all()
    assert len({r.case_id for r in lee}) == 1
    case = db.get_one(Case, lee[0].case_id)
    assert case.facility == "Folkston ICE Processing Center" and case.host_identifier == "A1"
    assert [c.kind for c in case.custody] == ["booked"]
    tags = db.scalars(
        select(AuditEvent.tag).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)
    ).all()
    assert tags == [
        "cases:case:create",
        "incidents:record:link",
        "cases:case:update",
        "incidents:record:link",
    ]
    count, problem = verify_chain(db)
    assert problem is None and count > 0


def test_a_file_with_bad_rows_is_rejected_whole_with_every_error(
    app_client: TestClient, world: World, db: Session
) -> None:
    bad = [
        *HOST_ROWS[:2],
        ["H6", "SONG, GIHO", "1988-13", "KOR", "Folkston", ""],
        ["H7", "YOON, MIRAE", "1990-01-01", "KRX", "Folkston", ""],
        ["H1", "LEE, DUPLICATE", "1990-01-01", "KOR", "Folkston", ""],
    ]
    response = upload(app_client, world, rows_csv(HOST_HEADER, bad))
    assert response.status_code == 422
    errors = response.json()["report"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (4, "date_of_birth"),
        (5, "nationality"),
        (6, "id"),
    }
    assert "KRX" in next(e["message"] for e in errors if e["column"] == "nationality")
    assert db.scalar(select(func.count()).select_from(SourceRecord)) == 0
    assert db.scalar(select(func.count()).select_from(SourceList)) == 0

    partial = upload(app_client, world, rows_csv(HOST_HEADER, bad), skip_invalid="true")
    assert partial.status_code == 201
    assert partial.json()["imported"] == 2 and partial.json()["skipped"] == 3


def test_a_missing_name_column_and_a_repeated_file_are_refused(
    app_client: TestClient, world: World
) -> None:
    nameless = upload(app_client, world, rows_csv(["id", "date_of_birth"], [["1", "1990-01-01"]]))
    assert nameless.status_code == 422
    assert nameless.json()["report"]["errors"][0]["row"] == 1

    content = rows_csv(HOST_HEADER, HOST_ROWS[:2])
    assert upload(app_client, world, content).status_code == 201
    again = upload(app_client, world, content, name="renamed.csv")
    assert again.status_code == 409
    assert "already imported" in again.json()["message"]


def test_us_dates_are_read_in_the_format_that_reads_them_unless_one_is_given(
    app_client: TestClient, world: World
) -> None:
    content = rows_csv(
        ["full_name", "date_of_birth", "nationality"], [["LEE, SEONGHO", "03/14/1988", "KOR"]]
    )
    assert upload(app_client, world, content, date_format="%Y.%m.%d").status_code == 422
    ok = upload(app_client, world, content)
    assert ok.status_code == 201 and ok.json()["linked"] == 1
    assert ok.json()["date_format"] == "%m/%d/%Y"


def test_other_posts_cannot_see_or_import_into_the_incident(
    app_client: TestClient, world: World
) -> None:
    content = rows_csv(HOST_HEADER, HOST_ROWS)
    assert upload(app_client, world, content, token=world.houston_token).status_code == 404
    for path in ("", "/review", "/cases", "/lists"):
        response = app_client.get(
            f"/api/v1/incidents/{world.incident_id}{path}", headers=auth(world.houston_token)
        )
        assert response.status_code == 404, path
    unknown = app_client.get("/api/v1/incidents/no-such-id", headers=auth(world.token))
    assert unknown.status_code == 404
    assert unknown.json() == app_client.get(
        f"/api/v1/incidents/{world.incident_id}", headers=auth(world.houston_token)
    ).json() | {"message": unknown.json()["message"], "params": unknown.json()["params"]}


def test_a_family_report_in_hangul_becomes_a_new_person_when_an_officer_says_so(
    app_client: TestClient, world: World
) -> None:
    content = rows_csv(
        ["full_name_hangul", "date_of_birth"], [["한복남", "1970-02-02"], ["이성호", "1988-03-14"]]
    )
    report = upload(app_client, world, content, kind="family", name="family.csv").json()
    assert report["linked"] == 1 and report["review"] == 1  # 이성호 is in the registry
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    decided = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/review/{queue[0]['id']}",
        headers=auth(world.token),
        json={"action": "new_person", "note": "mother called the post"},
    )
    assert decided.status_code == 200, decided.text
    case = app_client.get(
        f"/api/v1/cases/{decided.json()['case_id']}", headers=auth(world.token)
    ).json()
    assert case["person_name"] == "한복남" and case["date_of_birth"] == "1970-02-02"
    history = app_client.get(f"/api/v1/cases/{case['id']}/audit", headers=auth(world.token))
    link = next(e for e in history.json() if e["tag"] == "incidents:record:link")
    assert link["diff"]["note"] == "mother called the post"
    assert link["diff"]["decision"] == "new_person"


def test_deadlines_count_from_the_arrest_time_on_the_list_even_after_review(
    app_client: TestClient, world: World
) -> None:
    content = rows_csv(
        ["full_name", "date_of_birth", "nationality", "arrested_at"],
        [["HAN, BOKNAM", "1970-02-02", "KOR", "2025-09-04T11:30"]],
    )
    upload(app_client, world, content)
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    decided = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/review/{queue[0]['id']}",
        headers=auth(world.token),
        json={"action": "new_person"},
    ).json()
    case = app_client.get(f"/api/v1/cases/{decided['case_id']}", headers=auth(world.token)).json()
    # The list's local time is read in the post's zone (Atlanta, EDT = UTC-4).
    assert case["arrested_at"].startswith("2025-09-04T15:30:00")
    notified = next(m for m in case["milestones"] if m["kind"] == "consulate_notified")
    assert notified["due_at"].startswith("2025-09-05T15:30:00")


def test_a_later_host_list_brings_the_real_arrest_time_and_the_deadlines_follow(
    app_client: TestClient, world: World
) -> None:
    employer = rows_csv(
        ["family_name", "given_name", "date_of_birth"], [["Lee", "Seong-ho", "1988-03-14"]]
    )
    upload(app_client, world, employer, kind="employer", name="employer.csv")
    host = rows_csv(
        ["full_name", "date_of_birth", "nationality", "arrested_at"],
        [["LEE, SEONGHO", "1988-03-14", "KOR", "2025-09-04T16:45-04:00"]],
    )
    upload(app_client, world, host)
    case = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/cases", headers=auth(world.token)
    ).json()["items"][0]
    full = app_client.get(f"/api/v1/cases/{case['id']}", headers=auth(world.token)).json()
    assert full["arrested_at"].startswith("2025-09-04T20:45:00")
    notified = next(m for m in full["milestones"] if m["kind"] == "consulate_notified")
    assert notified["due_at"].startswith("2025-09-05T20:45:00")


def test_errors_name_the_files_own_columns(app_client: TestClient, world: World) -> None:
    content = rows_csv(["Name", "DOB", "Citizenship"], [["LEE, SEONGHO", "14 March", "KOR"]])
    errors = upload(app_client, world, content).json()["report"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "dob")]


def test_a_field_in_two_columns_is_read_from_the_one_named_for_it(
    app_client: TestClient, world: World
) -> None:
    both = rows_csv(["full_name", "dob", "date_of_birth"], [["LEE, SEONGHO", "", "1988-03-14"]])
    response = upload(app_client, world, both, name="both.csv")
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["columns"] == {
        "full_name": "full_name",
        "dob": "",
        "date_of_birth": "date_of_birth",
    }
    assert report["linked"] == 1


def test_one_new_person_decision_settles_the_other_reports_of_that_person(
    app_client: TestClient, world: World
) -> None:
    host = rows_csv(
        ["full_name", "date_of_birth", "nationality"],
        [["HAN, BOKNAM", "1970-02-02", "KOR"], ["SONG, GIHO", "1982-05-05", "KOR"]],
    )
    family = rows_csv(["full_name_hangul", "date_of_birth"], [["한복남", "1970-02-02"]])
    upload(app_client, world, host)
    upload(app_client, world, family, kind="family", name="family.csv")
    base = f"/api/v1/incidents/{world.incident_id}/review"
    queue = app_client.get(base, headers=auth(world.token)).json()
    assert len(queue) == 3
    han = next(item for item in queue if item["raw"].get("full_name") == "HAN, BOKNAM")
    decided = app_client.post(
        f"{base}/{han['id']}", headers=auth(world.token), json={"action": "new_person"}
    ).json()
    left = app_client.get(base, headers=auth(world.token)).json()
    assert [item["raw"].get("full_name") for item in left] == ["SONG, GIHO"]
    history = app_client.get(
        f"/api/v1/cases/{decided['case_id']}/audit", headers=auth(world.token)
    ).json()
    links = [e for e in history if e["tag"] == "incidents:record:link"]
    assert [e["diff"]["kind"] for e in links] == ["host_authority", "family"]
    assert "same person as row 2" in links[1]["diff"]["note"]


def test_another_spelling_without_a_birth_date_still_finds_its_candidates(
    app_client: TestClient, world: World
) -> None:
    # No birth date and no passport: only the name can find LEE SEONGHO (이성호), and the
    # host list spells it YI, SUNG HO. The stored name keys find him across spellings.
    header = ["id", "full_name", "nationality"]
    response = upload(app_client, world, rows_csv(header, [["H1", "YI, SUNG HO", "KOR"]]))
    assert response.status_code == 201, response.text
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    (item,) = queue
    assert [c["date_of_birth"] for c in item["candidates"]] == ["1988-03-14"], item
    assert "name variant" in item["candidates"][0]["explanation"]


def test_a_birth_date_with_day_and_month_swapped_still_finds_its_candidates(
    app_client: TestClient, world: World
) -> None:
    # The two KIM MINJUNs were born 1990-01-02; the list reads the date the other way round
    # and mistypes the name, so only the swapped birth date can find them.
    header = ["id", "full_name", "date_of_birth", "nationality"]
    rows = [["H1", "KIM, MIN JUM", "1990-02-01", "KOR"]]
    response = upload(app_client, world, rows_csv(header, rows))
    assert response.status_code == 201, response.text
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    (item,) = queue
    assert len(item["candidates"]) == 2, item
    assert all("day and month swapped" in c["explanation"] for c in item["candidates"])


def test_the_case_list_is_sorted_and_filtered_by_employer_through_the_api(
    app_client: TestClient, world: World
) -> None:
    upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS))
    base = f"/api/v1/incidents/{world.incident_id}/cases"
    by_name = app_client.get(base, params={"sort": "name"}, headers=auth(world.token)).json()
    assert [item["person_name"][:4] for item in by_name["items"]] == ["LEE ", "PARK"]
    bad = app_client.get(base, params={"sort": "age"}, headers=auth(world.token))
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "query.sort"
    assert "'number', 'name', 'state' or 'facility'" in bad.json()["message"]
    nobody = app_client.get(base, params={"employer_id": "x"}, headers=auth(world.token)).json()
    assert nobody["total"] == 0


def test_a_hangul_name_that_is_not_hangul_is_a_row_error(
    app_client: TestClient, world: World, db: Session
) -> None:
    header = ["id", "family_name_hangul", "given_name_hangul", "full_name_hangul", "date_of_birth"]
    rows = [
        ["K1", "김", "민 준", "", "1990-01-02"],
        ["K2", "김", "민준a", "", "1990-01-02"],
        ["K3", "", "", "김 민 준", "1990-01-02"],
    ]
    response = upload(app_client, world, rows_csv(header, rows), kind="employer")
    assert response.status_code == 422, response.text
    errors = response.json()["report"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "given_name_hangul"),
        (3, "given_name_hangul"),
        (4, "full_name_hangul"),
    ]
    assert errors[0]["message"].startswith("“민 준” is not a Hangul name")
    assert errors[0]["code"] == "cell.not_hangul" and errors[0]["params"] == {"value": "민 준"}
    assert db.scalar(select(func.count()).select_from(SourceRecord)) == 0


def test_values_longer_than_their_column_are_row_errors_by_the_files_own_column(
    app_client: TestClient, world: World, db: Session
) -> None:
    rows = [
        ["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston", "A" + "1" * 59],
        ["H2", f"{'K' * 150}, MINJUN", "1990-01-02", "KOR", "F" * 201, ""],
    ]
    response = upload(app_client, world, rows_csv(HOST_HEADER, rows))
    assert response.status_code == 422, response.text
    errors = response.json()["report"]["errors"]
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (2, "a_number", "60 characters, more than the 40 allowed."),
        (3, "full_name", "158 characters, more than the 120 allowed."),
        (3, "facility", "201 characters, more than the 200 allowed."),
    ]
    assert db.scalar(select(func.count()).select_from(SourceRecord)) == 0


def test_a_file_name_longer_than_its_column_is_kept_shortened(
    app_client: TestClient, world: World, db: Session
) -> None:
    name = "명단-" * 100 + ".csv"
    assert len(name) == 304
    response = upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS), name=name)
    assert response.status_code == 201, response.text
    kept = db.scalar(select(SourceList.file_name))
    assert kept is not None and len(kept) == 255 and kept.endswith("….csv")
    assert response.json()["file_name"] == kept


def test_a_name_written_on_two_lines_reaches_the_list_on_one(
    app_client: TestClient, world: World, db: Session
) -> None:
    rows = [["H1", "LEE,\r\nSEONG\nHO", "1988-03-14", "KOR", "Folkston\nICE", ""]]
    response = upload(app_client, world, rows_csv(HOST_HEADER, rows))
    assert response.status_code == 201, response.text
    record = db.scalar(select(SourceRecord))
    assert record is not None
    assert (record.family_name, record.given_name, record.facility) == (
        "LEE",
        "SEONG HO",
        "Folkston ICE",
    )


def test_a_later_host_list_follows_the_a_number_to_the_same_case(
    app_client: TestClient, world: World, db: Session
) -> None:
    first = upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS))
    assert first.json()["linked"] == 2
    # Two days later: the same detainee, the A-number written with dashes, the name spelled
    # another way and no birth date. Without the A-number the name alone is left to review.
    later = [["D1", "YI, SUNG HO", "", "KOR", "Stewart Detention Center", "A-123-456-789"]]
    second = upload(app_client, world, rows_csv(HOST_HEADER, later), name="host-0906.csv")
    assert second.status_code == 201, second.text
    assert second.json()["linked"] == 1 and second.json()["review"] == 0
    lee = db.scalars(select(SourceRecord).where(SourceRecord.row_number == 2)).all()
    assert len({r.case_id for r in lee}) == 1  # both rows, one case
    assert db.scalar(select(func.count()).select_from(Case)) == 2

    without = [["D1", "YI, SUNG HO", "", "KOR", "Stewart Detention Center", ""]]
    third = upload(app_client, world, rows_csv(HOST_HEADER, without), name="host-0907.csv")
    assert third.json()["review"] == 1


def test_an_a_number_on_another_persons_row_goes_to_review(
    app_client: TestClient, world: World, db: Session
) -> None:
    upload(app_client, world, rows_csv(HOST_HEADER, HOST_ROWS))
    # LEE SEONGHO's A-number on PARK JIHYE's row: one of the two is wrong.
    swapped = [["D1", "PARK, JI HYE", "1995-07-30", "KOR", "", "A123456789"]]
    report = upload(app_client, world, rows_csv(HOST_HEADER, swapped), name="host-0906.csv")
    assert report.json()["linked"] == 0 and report.json()["review"] == 1
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    item = next(i for i in queue if i["raw"]["id"] == "D1")
    assert item["candidates"][0]["hold"] == "host_identifier_taken"
    assert {c["name"].split(" (")[0] for c in item["candidates"]} >= {"PARK JIHYE", "LEE SEONGHO"}
    # One person with two A-numbers is not linked silently either.
    second = [["D2", "LEE, SEONGHO", "1988-03-14", "KOR", "", "A987654321"]]
    again = upload(app_client, world, rows_csv(HOST_HEADER, second), name="host-0907.csv")
    assert again.json()["review"] == 1
    queue = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    lee = next(i for i in queue if i["raw"]["id"] == "D2")
    assert lee["candidates"][0]["hold"] == "host_identifier_differs"


def test_a_namesake_born_another_year_waits_for_an_officer_with_the_reason(
    app_client: TestClient, world: World, db: Session
) -> None:
    # Registered: LEE SEONGHO born 1988-03-14. On the list: born 1986-03-14, one digit off.
    rows = [["H1", "LEE, SEONGHO", "1986-03-14", "KOR", "", ""]]
    report = upload(app_client, world, rows_csv(HOST_HEADER, rows))
    assert report.json()["linked"] == 0 and report.json()["review"] == 1
    (item,) = app_client.get(
        f"/api/v1/incidents/{world.incident_id}/review", headers=auth(world.token)
    ).json()
    best = item["candidates"][0]
    assert best["hold"] == "birth_date_differs"
    assert best["hold_detail"] == "1986-03-14 / 1988-03-14"
    # With the passport that agrees, the typing error in the year is linked.
    typed = [["H2", "LEE, SEONGHO", "1986-03-14", "KOR", "", ""]]
    header = [*HOST_HEADER, "passport_number"]
    linked = upload(
        app_client, world, rows_csv(header, [[*typed[0], "M12345678"]]), name="employer.csv"
    )
    assert linked.json()["linked"] == 1


def test_a_roster_as_a_us_agency_writes_it_is_imported_through_the_api(
    app_client: TestClient, world: World, db: Session
) -> None:
    response = upload(app_client, world, AGENCY_ROSTER.encode(), name="roster.csv")
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["linked"], report["out_of_scope"], report["errors"]) == (2, 1, [])
    assert report["columns"] == {
        "a_number": "host_identifier",
        "last_name": "family_name",
        "first_name": "given_name",
        "date_of_birth": "date_of_birth",
        "country_of_citizenship": "nationality",
        "gender": "sex",
        "facility": "facility",
        "booking_date": "",
    }
    assert report["date_format"] == "%m/%d/%Y"
    records = db.scalars(select(SourceRecord).order_by(SourceRecord.row_number)).all()
    assert [
        (r.nationality, r.date_of_birth.isoformat() if r.date_of_birth else None) for r in records
    ] == [
        ("KOR", "1988-03-14"),
        ("KOR", "1995-07-30"),
        ("MEX", "1980-04-21"),
    ]
    assert [r.decision for r in records] == ["auto", "auto", "out_of_scope"]
    # A column with no field stays with the row as the file had it.
    assert records[0].raw["booking_date"] == "09/04/2025"
    assert records[0].host_identifier == "A123456789"


def test_the_api_takes_a_choice_of_columns_over_the_guess(
    app_client: TestClient, world: World
) -> None:
    roster = AGENCY_ROSTER.replace("Country of Citizenship", "Nation").encode()
    wrong = upload(app_client, world, roster, columns="Nation=citizenship")
    assert (
        wrong.status_code == 422
        and "“citizenship” (for “nation”) is not a field" in wrong.json()["message"]
    )
    chosen = upload(app_client, world, roster, columns="Nation=nationality,Facility=")
    assert chosen.status_code == 201, chosen.text
    report = chosen.json()
    assert report["columns"]["nation"] == "nationality" and report["columns"]["facility"] == ""
    assert report["out_of_scope"] == 1


def test_an_unreadable_country_names_its_row_and_column_and_the_forms_that_are_read(
    app_client: TestClient, world: World
) -> None:
    roster = AGENCY_ROSTER.replace("MEXICO", "Atlantis").encode()
    response = upload(app_client, world, roster)
    assert response.status_code == 422
    [error] = response.json()["report"]["errors"]
    assert (error["row"], error["column"]) == (4, "country_of_citizenship")
    assert "“Atlantis” is not a country" in error["message"]
    assert "KOREA, SOUTH" in error["message"] and "대한민국" in error["message"]


def test_a_value_that_cannot_be_true_is_a_warning_and_the_row_is_reconciled_on_the_rest(
    app_client: TestClient, world: World, db: Session, factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as uow:
        seo = "R6,SEO,YUNA,서,유나,F,2002-11-15,KOR,M66666666,HL Battery"
        import_registry(uow, OPERATOR, registry_table([*REGISTRY_ROWS, seo], name="v2.csv"))
    content = rows_csv(
        ["id", "full_name", "date_of_birth", "sex", "nationality"],
        [
            ["H1", "SEO, YUNA", "2052-11-15", "F", "KOR"],  # for 2002: in the future
            ["H2", "PARK, JI HYE", "1995-02-30", "F", "KOR"],  # 30 February
            ["H3", "CHOI, DONG HYUN", "1979-11-11", "Q", "KOR"],  # no such sex code
        ],
    )
    response = upload(app_client, world, content)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["imported"] == 3 and report["errors"] == []
    assert [(w["row"], w["column"]) for w in report["warnings"]] == [
        (2, "date_of_birth"),
        (3, "date_of_birth"),
        (4, "sex"),
    ]
    assert report["warnings"][0]["message"] == "The date of birth “2052-11-15” is in the future."
    records = {r.row_number: r for r in db.scalars(select(SourceRecord))}
    seo_row = records[2]
    # The written value stays with the row; the engine compared it as a possible typing error.
    assert seo_row.raw["date_of_birth"] == "2052-11-15" and seo_row.date_of_birth is None
    best = seo_row.candidates[0]
    registered = db.scalars(select(Person).where(Person.registry_ref == "R6")).one()
    assert best["person_id"] == registered.id
    assert "date of birth one digit (2052-11-15 as written / 2002-11-15)" in best["explanation"]
    assert seo_row.decision in ("auto", "pending")
    assert records[4].decision == "auto" and records[4].sex is None
    # Kept with the list, sealed like its errors, and out of the report kept in the clear.
    source = db.scalars(select(SourceList)).one()
    assert [w["row"] for w in source.warnings or []] == [2, 3, 4]
    assert "warnings" not in source.report


def test_the_employer_on_an_employer_list_confirms_a_birth_date_typing_error(
    app_client: TestClient, world: World
) -> None:
    # LEE SEONGHO (born 1988-03-14) was registered as deployed by HL Battery.
    header = ["성명", "영문성명", "생년월일", "회사"]
    rows = [["이성호", "LEE, SEONGHO", "1986-03-14", "HL Battery Co., Ltd."]]
    report = upload(app_client, world, rows_csv(header, rows), kind="employer", name="hl.csv")
    assert report.status_code == 201, report.text
    assert report.json()["linked"] == 1
    other = [["이성호", "LEE, SEONGHO", "1986-03-14", "Daewon Install"]]
    held = upload(app_client, world, rows_csv(header, other), kind="employer", name="dw.csv")
    assert held.json()["linked"] == 0 and held.json()["review"] == 1


def test_a_deployment_at_the_raided_worksite_confirms_a_birth_date_typing_error(
    app_client: TestClient, world: World, db: Session
) -> None:
    from datetime import date

    from sqlalchemy import update

    from consular.incidents.models import Incident
    from consular.registry.models import Deployment, Person

    site = "HL-GA battery plant site, Ellabell, GA"
    lee = db.scalars(select(Person).where(Person.registry_ref == "R1")).one()
    db.execute(
        update(Deployment)
        .where(Deployment.person_id == lee.id)
        .values(worksite=site, entry_date=date(2025, 8, 1), planned_end=date(2025, 10, 31))
    )
    db.execute(update(Incident).where(Incident.id == world.incident_id).values(worksite=site))
    db.commit()
    rows = [["H1", "LEE, SEONGHO", "1986-03-14", "KOR", "", ""]]
    report = upload(app_client, world, rows_csv(HOST_HEADER, rows))
    assert report.json()["linked"] == 1, report.json()
    # A deployment that ended before the raid says nothing about it.
    db.execute(
        update(Deployment)
        .where(Deployment.person_id == lee.id)
        .values(planned_end=date(2025, 8, 31))
    )
    db.commit()
    again = [["H1", "LEE, SEONGHO", "1986-03-14", "KOR", "", "A100200300"]]
    later = upload(app_client, world, rows_csv(HOST_HEADER, again), name="host-2.csv")
    assert later.json()["linked"] == 0 and later.json()["review"] == 1
