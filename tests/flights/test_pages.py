"""The flight home in the workspace and on the command line."""

from __future__ import annotations

import csv
import html
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.flights.models import Flight, FlightSeat
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import HOUSTON, user_with_token
from tests.flights.test_flights import _three_cases
from tests.flights.test_pdf import pdf_text
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}


def test_an_officer_fills_a_flight_locks_it_prints_the_manifest_and_marks_it_departed(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, choi = _three_cases(factory, world)
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}", headers=EN).text
    assert "3 detained: 0 on a flight, 0 departed, 0 released, 0 transferred, 3 still held" in (
        incident
    )
    created = browser.post(
        f"/incidents/{world.incident_id}/flights",
        data={
            "csrf_token": form_token(incident),
            "carrier": "Korean Air",
            "number": "KE036",
            "origin": "Atlanta (ATL)",
            "destination": "Seoul Incheon (ICN)",
            "departs_at": "2025-09-11T14:00",
            "seats": "330",
        },
    )
    assert created.status_code == 303
    flight_url = created.headers["location"]
    page = browser.get(flight_url, headers=EN).text
    assert "departs 2025-09-11 14:00 EDT" in page  # read in the post's time zone
    waiting = re.findall(r'name="case_id" value="([^"]+)"', page)
    assert sorted(waiting) == sorted([lee, park])  # CHOI is not scheduled to depart
    seated = browser.post(
        f"{flight_url}/seats",
        data={"csrf_token": form_token(page), "case_id": [lee, park]},
    )
    assert seated.status_code == 303
    page = browser.get(flight_url, headers=EN).text
    assert "Case 1, LEE SEONGHO (이성호): no travel document recorded." in page
    refused = browser.post(f"{flight_url}/lock", data={"csrf_token": form_token(page)}, headers=EN)
    assert refused.status_code == 409 and "cannot be locked yet" in refused.text
    for case_id, document in ((lee, "passport_held"), (park, "travel_certificate")):
        case_page = browser.get(f"/cases/{case_id}").text
        version = re.search(
            r'action="/cases/[^"]+/travel"[^>]*>\s*<input[^>]*>\s*'
            r'<input type="hidden" name="version" value="(\d+)">',
            case_page,
        )
        assert version
        saved = browser.post(
            f"/cases/{case_id}/travel",
            data={
                "csrf_token": form_token(case_page),
                "travel_document": document,
                "special_needs": "wheelchair" if case_id == park else "",
                "version": version.group(1),
            },
        )
        assert saved.status_code == 303
    locked = browser.post(f"{flight_url}/lock", data={"csrf_token": form_token(page)})
    assert locked.status_code == 303
    printed = browser.get(f"{flight_url}/manifest", headers={"Accept-Language": "ko"}).text
    assert "탑승자 명단" in printed and "현지 당국이 여권 보관" in printed and "이성호" in printed
    # The export speaks the reader's language; the codes keep columns of their own.
    exported = browser.get(f"{flight_url}/manifest.csv", headers={"Accept-Language": "ko"})
    table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert table[0][:3] == ["번호", "조력 건", "성 (로마자)"]
    assert table[0][6:10] == ["sex", "성별", "travel_document", "여행 문서"]
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [
        (r["성 (로마자)"], r["travel_document"], r["여행 문서"], r["특별 지원 필요 사항"])
        for r in rows
    ] == [
        ("LEE", "passport_held", "현지 당국이 여권 보관", ""),
        ("PARK", "travel_certificate", "여행증명서 발급", "wheelchair"),
    ]
    assert [(r["sex"], r["성별"]) for r in rows] == [("M", "남성"), ("F", "여성")]
    english = browser.get(f"{flight_url}/manifest.csv", headers=EN).text.lstrip("\ufeff")
    assert english.splitlines()[0] == (
        '"No.","Case","Family name (Latin)","Given name (Latin)","Full name (Hangul)",'
        '"Date of birth","sex","Sex","travel_document","Travel document","Document number",'
        '"Special needs"'
    )
    page = browser.get(flight_url, headers=EN).text
    departed = browser.post(f"{flight_url}/depart", data={"csrf_token": form_token(page)})
    assert departed.status_code == 303
    with factory() as db:
        states = {c.id: c.state for c in db.scalars(select(Case))}
        assert states == {lee: "departed", park: "departed", choi: "reported"}
        exports = db.scalars(
            select(AuditEvent.diff).where(AuditEvent.tag == "flights:manifest:export")
        ).all()
        assert [e["format"] for e in exports] == ["html", "csv", "csv"]
    incident = browser.get(f"/incidents/{world.incident_id}", headers=EN).text
    assert "3 detained: 0 on a flight, 2 departed" in incident
    # Another post's officer finds no such flight.
    user_with_token(factory, "officer.h3", "officer", post=HOUSTON)
    browser.cookies.clear()
    sign_in(browser, "officer.h3")
    assert browser.get(flight_url).status_code == 404
    assert browser.get(f"{flight_url}/manifest.csv").status_code == 404


def test_the_command_line_runs_a_flight_from_creation_to_departure(
    db_url: str, factory: sessionmaker[Session], world: World, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    lee, park, _ = _three_cases(factory, world)
    code, out, err = run(
        db_url,
        "flight",
        "create",
        "--incident",
        world.incident_id,
        "--carrier",
        "Korean Air",
        "--number",
        "KE036",
        "--from",
        "ATL",
        "--to",
        "ICN",
        "--departs",
        "2025-09-11T14:00-04:00",
        "--seats",
        "1",
    )
    assert code == 0, err
    flight = out.strip()
    code, _, err = run(db_url, "flight", "assign", flight, lee, park)
    assert code == 1 and "is full (1 seats)" in err  # all or none: nobody got a seat
    code, out, err = run(db_url, "flight", "assign", flight, lee)
    assert code == 0 and "1 of 1 seats taken" in out
    code, _, err = run(db_url, "flight", "lock", flight)
    assert code == 1 and "no travel document recorded" in err
    with factory() as db, db.begin():
        case = db.get(Case, lee)
        assert case is not None
        case.travel_document = "own_passport"
    assert run(db_url, "flight", "lock", flight)[0] == 0
    code, out, _ = run(db_url, "flight", "manifest", flight, "--lang", "en")
    assert [r["Family name (Latin)"] for r in csv.DictReader(io.StringIO(out))] == ["LEE"]
    page = tmp_path / "manifest.html"
    code, _, err = run(
        db_url,
        "flight",
        "manifest",
        flight,
        "--format",
        "html",
        "--language",
        "en",
        "-o",
        str(page),
    )
    assert code == 0, err
    assert "Passenger manifest" in page.read_text(encoding="utf-8")
    with factory() as db:  # exported from the command line: audited as from a page
        exports = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.tag == "flights:manifest:export")
            .order_by(AuditEvent.seq)
        ).all()
        assert [(e.target_id, e.diff["format"], e.diff["rows"]) for e in exports] == [
            (flight, "csv", 1),
            (flight, "html", 1),
        ]
    code, out, _ = run(db_url, "flight", "depart", flight)
    assert code == 0 and "1 cases moved to departed" in out


def test_the_manifest_is_also_a_pdf_in_the_readers_language(
    browser: TestClient, db_url: str, factory: sessionmaker[Session], world: World, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    lee, _, _ = _three_cases(factory, world)
    code, out, err = run(
        db_url, "flight", "create", "--incident", world.incident_id, "--carrier", "Korean Air",
        "--number", "KE036", "--from", "ATL", "--to", "ICN",
        "--departs", "2025-09-11T14:00-04:00", "--seats", "10",
    )  # fmt: skip
    assert code == 0, err
    flight = out.strip()
    assert run(db_url, "flight", "assign", flight, lee)[0] == 0
    sign_in(browser)
    answer = browser.get(f"/flights/{flight}/manifest.pdf", headers={"Accept-Language": "ko"})
    assert answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "탑승자 명단" in text and "이성호" in text and "기록 없음" in text
    written = tmp_path / "manifest.pdf"
    code, _, err = run(
        db_url,
        "flight",
        "manifest",
        flight,
        "--format",
        "pdf",
        "--language",
        "en",
        "-o",
        str(written),
    )
    assert code == 0, err
    english = pdf_text(written.read_bytes())
    assert "Passenger manifest" in english and "SEONGHO" in english


def test_a_flight_with_an_airline_longer_than_its_column_is_refused_in_korean(
    browser: TestClient, world: World
) -> None:
    sign_in(browser)
    incident = browser.get(f"/incidents/{world.incident_id}").text
    refused = browser.post(
        f"/incidents/{world.incident_id}/flights",
        data={
            "csrf_token": form_token(incident),
            "carrier": "Korean Air " * 8,
            "number": "KE036",
            "origin": "Atlanta (ATL)",
            "destination": "Seoul Incheon (ICN)",
            "departs_at": "2025-09-11T14:00",
            "seats": "330",
        },
        headers={"Accept-Language": "ko"},
    )
    assert refused.status_code == 422
    assert "항공사: 87자로, 허용되는 80자보다 깁니다." in refused.text


def _add_flight(  # type: ignore[no-untyped-def]
    browser: TestClient, world: World, language: str = "en", **typed: str
):
    incident = browser.get(f"/incidents/{world.incident_id}").text
    fields = {
        "carrier": "Korean Air",
        "number": "KE036",
        "origin": "Atlanta (ATL)",
        "destination": "Seoul Incheon (ICN)",
        "departs_at": "2025-09-11T14:00",
        "seats": "330",
        **typed,
    }
    return browser.post(
        f"/incidents/{world.incident_id}/flights",
        data={"csrf_token": form_token(incident), **fields},
        headers={"Accept-Language": language},
    )


def test_a_refused_seating_saves_none_of_the_seats_given_before_the_refusal(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _choi = _three_cases(factory, world)
    sign_in(browser)
    flight_url = _add_flight(browser, world, seats="1").headers["location"]
    page = browser.get(flight_url, headers=EN).text
    # LEE takes the only seat, then PARK is refused: the flight is full.
    refused = browser.post(
        f"{flight_url}/seats", data={"csrf_token": form_token(page), "case_id": [lee, park]}
    )
    assert refused.status_code == 409
    # Both still wait for a seat on the page of the refusal.
    assert set(re.findall(r'name="case_id" value="([^"]+)"', refused.text)) == {lee, park}
    with factory() as db:
        assert db.scalars(select(FlightSeat)).all() == []
        tags = db.scalars(select(AuditEvent.tag)).all()
    assert "flights:seat:assign" not in tags and "flights:flight:create" in tags


def test_a_refused_flight_form_says_what_is_wrong_beside_each_field_and_keeps_the_rest(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    sign_in(browser)
    refused = _add_flight(browser, world, departs_at="11 September, 2 pm", seats="many")
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "<details open>" in page
    for name, said in (
        ("departs_at", "Give the departure time as YYYY-MM-DDTHH:MM, in the post's time zone."),
        ("seats", "Give the seats as a whole number, 1 or more."),
    ):
        field = re.search(rf'<input id="{name}"[^>]*>', page)
        assert field and 'aria-invalid="true"' in field.group(0)
        assert f'aria-describedby="{name}-error"' in field.group(0)
        assert re.search(rf'<p id="{name}-error" class="error">{re.escape(said)}</p>', page)
    for name, typed in (
        ("carrier", "Korean Air"),
        ("number", "KE036"),
        ("departs_at", "11 September, 2 pm"),
        ("seats", "many"),
    ):
        field = re.search(rf'<input id="{name}"[^>]*>', page)
        assert field and f'value="{typed}"' in field.group(0), name
    carrier = re.search(r'<input id="carrier"[^>]*>', page)
    assert carrier and "aria-invalid" not in carrier.group(0)
    with factory() as db:
        assert db.scalars(select(Flight)).all() == []
    korean = _add_flight(browser, world, language="ko", seats="0").text
    assert '<p id="seats-error" class="error">좌석 수를 1 이상의 정수로 입력하십시오.</p>' in korean
