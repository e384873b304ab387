"""Travel documents in the workspace, the API and on the command line."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.documents.models import TravelDocument
from tests.cases.test_history import _history
from tests.cli.test_commands import run
from tests.conftest import World
from tests.documents.test_documents import _houston_case
from tests.flights.test_flights import _three_cases
from tests.flights.test_pdf import assert_every_font_embedded, pdf_font, pdf_words
from tests.web.client import form_token, sign_in

KO = {"Accept-Language": "ko"}
__all__ = ["pdf_font"]  # the fixture, used by name


def test_an_officer_issues_a_travel_certificate_and_prints_it_twice(
    browser: TestClient, factory: sessionmaker[Session], world: World, pdf_font: None
) -> None:
    lee, _, _ = _three_cases(factory, world)
    sign_in(browser)
    page = browser.get(f"/cases/{lee}", headers=KO).text
    assert "여행증명서 발급" in page and "아직 기록된 여행 문서가 없습니다." in page
    issued = browser.post(
        f"/cases/{lee}/travel-certificate",
        data={
            "csrf_token": form_token(page),
            "issued_on": "2025-09-09",
            "validity": "one_year",
            "passport_whereabouts": "authority",
        },
    )
    assert issued.status_code == 303
    page = browser.get(f"/cases/{lee}", headers=KO).text
    # The number is shown masked to an officer who may not reveal identifiers.
    assert "••••••001" in page and "2026-09-08" in page and "현지 당국 보관" in page
    for _ in range(2):
        answer = browser.get(f"/cases/{lee}/travel-certificate.pdf", headers=KO)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/pdf"
    assert "NanumGothic" in " ".join(assert_every_font_embedded(answer.content))
    text = pdf_words(answer.content)
    assert "여행증명서 / Travel certificate" in text and "대한민국" in text
    assert "TC2500001" in text and "이성호" in text and "LEE SEONGHO" in text
    assert "1년 / One year" in text and "주애틀랜타" in text
    with factory() as db:
        printed = db.scalars(
            select(AuditEvent.diff)
            .where(AuditEvent.tag == "documents:certificate:print")
            .order_by(AuditEvent.at)
        ).all()
    assert [d["printed"] for d in printed] == [1, 2]
    # The case's history tells it in Korean sentences, no code of it shown.
    history = _history(browser.get(f"/cases/{lee}", headers=KO).text)
    assert "여행증명서 발급" in history and "여행증명서 인쇄" in history
    assert "인쇄 횟수: 2" in history and "유효 범위: 1년" in history
    for code in ("travel_certificate", "one_year", "documents:certificate"):
        assert code not in history, code


def test_a_taken_number_is_refused_on_the_page_naming_the_other_case(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    sign_in(browser)
    for case_id, status in ((lee, 303), (park, 409)):
        page = browser.get(f"/cases/{case_id}", headers=KO).text
        answer = browser.post(
            f"/cases/{case_id}/travel-document",
            data={"csrf_token": form_token(page), "kind": "passport", "number": "M70512345"},
            headers=KO,
        )
        assert answer.status_code == status
    assert "문서 번호 M70512345는 이 공관의 조력 건 1에 이미 기록되어 있습니다." in answer.text


def test_the_api_records_one_document_and_a_list_with_a_report_by_row(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, park, _ = _three_cases(factory, world)
    auth = {"Authorization": f"Bearer {world.token}"}
    put = app_client.put(
        f"/api/v1/cases/{lee}/travel-document",
        json={"kind": "passport", "number": "M70512345", "passport_whereabouts": "consulate"},
        headers=auth,
    )
    assert put.status_code == 200, put.text
    assert put.json()["travel_document"] == "own_passport"
    refused = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/travel-documents",
        json={"rows": [{"case": "2", "number": "M70512345"}, {"case": "7", "number": "X"}]},
        headers=auth,
    )
    assert refused.status_code == 422
    rows = [(e["row"], e["column"]) for e in refused.json()["report"]["errors"]]
    assert rows == [(1, "number"), (2, "case")]
    done = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/travel-documents",
        json={"rows": [{"case": "2", "number": "M22222222"}], "passport_whereabouts": "person"},
        headers=auth,
    )
    assert done.status_code == 200 and done.json()["recorded"][0]["case"] == 2
    houston = _houston_case(factory, world)
    other = app_client.get(f"/api/v1/cases/{houston}/travel-document", headers=auth)
    assert other.status_code == 404
    with factory() as db:
        assert db.get_one(Case, park).travel_document == "own_passport"


def test_the_command_line_sets_and_imports_documents(
    db_url: str, factory: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    lee, _, _ = _three_cases(factory, world)
    code, out, err = run(
        db_url, "documents", "set", lee, "--number", "M70512345", "--passport", "authority"
    )
    assert code == 0, err
    assert out.strip() == "case 1: passport_held"
    listed = tmp_path / "numbers.csv"
    listed.write_text("2, M22222222\n3, M70512345\n", encoding="utf-8")
    code, out, err = run(
        db_url, "documents", "import", str(listed), "--incident", world.incident_id
    )
    assert code != 0
    assert "row 2, column number" in err and "case 1" in err
    listed.write_text("2, M22222222\n3, M33333333\n", encoding="utf-8")
    code, out, err = run(
        db_url, "documents", "import", str(listed), "--incident", world.incident_id
    )
    assert code == 0, err
    assert "2 document numbers recorded" in out
    with factory() as db:
        assert len(db.scalars(select(TravelDocument)).all()) == 3


def test_a_pasted_list_is_recorded_all_or_none_on_the_incidents_page(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _three_cases(factory, world)
    sign_in(browser)
    url = f"/incidents/{world.incident_id}/travel-documents"
    page = browser.get(url, headers=KO).text
    assert "여러 조력 건의 문서 번호" in page
    refused = browser.post(
        url,
        data={"csrf_token": form_token(page), "pasted": "1, M11111111\n8, M2\n"},
        headers=KO,
    )
    assert refused.status_code == 422
    assert "이 사건에 조력 건 8이 없습니다." in refused.text
    with factory() as db:
        assert db.scalars(select(TravelDocument)).all() == []
    done = browser.post(
        url,
        data={
            "csrf_token": form_token(page),
            "pasted": "1, M11111111\n2\tM22222222\n",
            "passport_whereabouts": "authority",
        },
        headers=KO,
    )
    assert done.status_code == 200 and "문서 번호 2개를 기록했습니다." in done.text
    with factory() as db:
        assert {c.travel_document for c in db.scalars(select(Case))} == {"passport_held", ""}


def test_flight_lock_names_who_lacks_a_document_and_the_manifest_prints_the_number(
    db_url: str, factory: sessionmaker[Session], world: World
) -> None:
    from consular.db import unit_of_work
    from consular.documents.service import DocumentEntry, issue_certificate
    from consular.flights.service import assign, create_flight
    from tests.flights.test_flights import PLAN

    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight = create_flight(db, world.officer, world.incident_id, PLAN).id
        assign(db, world.officer, flight, lee)
        assign(db, world.officer, flight, park)
        issue_certificate(db, world.officer, lee, DocumentEntry(validity="one_year"))
    code, _, err = run(db_url, "flight", "lock", flight)
    assert code != 0
    assert f"case 2: consular documents set {park} --kind passport --passport authority" in err
    assert "case 1:" not in err
    code, out, err = run(db_url, "--lang", "en", "flight", "manifest", flight, "--format", "html")
    assert code == 0, err
    assert "Document number" in out and "TC2" in out and "Travel certificate issued" in out


def test_the_flight_page_links_each_passenger_lacking_a_document_to_their_case(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    from consular.db import unit_of_work
    from consular.flights.service import assign, create_flight
    from tests.flights.test_flights import PLAN

    lee, park, _ = _three_cases(factory, world)
    with unit_of_work(factory) as db:
        flight = create_flight(db, world.officer, world.incident_id, PLAN).id
        assign(db, world.officer, flight, park)
    sign_in(browser)
    page = browser.get(f"/flights/{flight}", headers=KO).text
    assert "조력 건 2, PARK JIHYE (박지혜): 여행 문서가 기록되지 않았습니다." in page
    assert f'<a href="/cases/{park}#documents">여행 문서 기록하기</a>' in page
    assert f"/cases/{lee}#documents" not in page


def test_saving_the_form_without_a_number_keeps_the_recorded_one(
    browser: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    lee, _, _ = _three_cases(factory, world)
    sign_in(browser)
    for number, whereabouts in (("M70512345", "authority"), ("", "person")):
        page = browser.get(f"/cases/{lee}", headers=KO).text
        answer = browser.post(
            f"/cases/{lee}/travel-document",
            data={
                "csrf_token": form_token(page),
                "kind": "passport",
                "number": number,
                "passport_whereabouts": whereabouts,
            },
        )
        assert answer.status_code == 303
    assert "비워 두면 기록된 번호가 유지됩니다." in browser.get(f"/cases/{lee}", headers=KO).text
    with factory() as db:
        record = db.scalars(select(TravelDocument)).one()
        assert (record.number, record.passport_whereabouts) == ("M70512345", "person")
        assert db.get_one(Case, lee).travel_document == "own_passport"


def test_the_bulk_api_sets_kind_and_passport_for_pasted_cases(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    _three_cases(factory, world)
    answer = app_client.post(
        f"/api/v1/incidents/{world.incident_id}/cases/bulk",
        json={
            "selection": {"pasted": "1\n3"},
            "action": {
                "kind": "document",
                "document_kind": "passport",
                "passport_whereabouts": "consulate",
            },
        },
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert answer.status_code == 200, answer.text
    with factory() as db:
        labels = {c.number: c.travel_document for c in db.scalars(select(Case))}
    assert labels == {1: "own_passport", 2: "", 3: "own_passport"}
