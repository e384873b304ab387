"""Employers register the workers they send, one by one with a pasted passport zone or in
a file (all or nothing); each deployment is screened and an employer sees only its own."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.registry.models import Deployment, Person
from consular.screening.mrz import check_digit
from consular.sealing import blind_index
from tests.conftest import World
from tests.factories import auth, rows_csv, user_with_token


def td3(family: str, given: str, number: str, born: str, sex: str, expires: str) -> str:
    """A synthetic passport zone (ICAO 9303 TD3) with its check digits."""
    names = f"{family}<<{given.replace(' ', '<')}"
    line1 = f"P<KOR{names}".ljust(44, "<")
    number = number.ljust(9, "<")
    personal = "<" * 14
    body = (
        f"{number}{check_digit(number)}KOR{born}{check_digit(born)}{sex}"
        f"{expires}{check_digit(expires)}{personal}0"
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return f"{line1}\n{body}{check_digit(composite)}"


INSTALLER = {
    "mrz": td3("HONG", "GILDONG", "M90000001", "880314", "M", "340101"),
    "entry_status": "esta",
    "activity": "install_equipment",
    "equipment_purchased_abroad": "yes",
    "contract_requires_seller_service": "yes",
    "specialized_knowledge": "yes",
    "paid_by_us_source": "no",
    "hands_on": "yes",
    "prior_us_refusal_or_violation": "no",
    "entry_date": "2026-12-01",
    "planned_end": "2027-01-15",
    "worksite": "Battery plant, Ellabell",
}
FILE_HEADER = [
    "family_name", "given_name", "date_of_birth", "sex", "nationality", "passport_number",
    "entry_status", "activity", "equipment_purchased_abroad", "contract_requires_seller_service",
    "specialized_knowledge", "paid_by_us_source", "hands_on", "stay_days",
    "prior_us_refusal_or_violation", "entry_date",
]  # fmt: skip
FILE_ROWS = [
    ["YOON", "SEJIN", "1990-05-01", "M", "KOR", "M90000002", "b1", "construction_labor",
     "no", "no", "no", "no", "yes", "60", "no", "2026-12-01"],
    ["KANG", "MIRAE", "1993-09-09", "F", "KOR", "M90000003", "b1", "meetings",
     "no", "no", "no", "no", "no", "10", "no", "2026-12-01"],
]  # fmt: skip


def hr(
    factory: sessionmaker[Session], name: str = "hr.battery", employer: str = "HL Battery"
) -> dict[str, str]:
    return auth(user_with_token(factory, name, "employer_hr", employer=employer)[1])


def test_a_worker_registered_from_the_passport_zone_is_screened(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = hr(factory)
    answer = app_client.post("/api/v1/deployments", json=INSTALLER, headers=headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["worker_name"] == "HONG GILDONG"
    assert body["stay_days"] == 45  # from the dates
    assert (body["verdict"], body["rule_ids"]) == ("caution", ["SCR-03", "SCR-05"])
    assert body["stored_verdict"] == "caution" and body["screened_with"] == "2026-11-28.1"
    assert body["passport_expires_before_the_end"] is False
    with factory() as db:
        holder = Person.passport_index == blind_index("passport", "M90000001")
        person = db.scalars(select(Person).where(holder)).one()
        assert (person.date_of_birth.isoformat(), person.sex) == ("1988-03-14", "M")
    # The same worker, employer and entry date again: the deployment is updated, not doubled.
    longer = {**INSTALLER, "planned_end": "2027-04-01"}
    again = app_client.post("/api/v1/deployments", json=longer, headers=headers).json()
    assert again["id"] == body["id"] and again["verdict"] == "not_permitted"
    with factory() as db:
        assert (
            db.scalar(
                select(func.count()).select_from(Deployment).where(Deployment.activity.is_not(None))
            )
            == 1
        )


def test_a_wrong_check_digit_or_a_typed_value_that_disagrees_is_refused(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = hr(factory)
    broken = INSTALLER["mrz"][:-1] + str((int(INSTALLER["mrz"][-1]) + 1) % 10)
    answer = app_client.post(
        "/api/v1/deployments", json={**INSTALLER, "mrz": broken}, headers=headers
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["mrz"]
    assert "check digit" in answer.json()["errors"][0]["message"]
    assert answer.json()["errors"][0]["code"] == "mrz.check_digit"
    clash = {**INSTALLER, "date_of_birth": "1988-03-15"}
    answer = app_client.post("/api/v1/deployments", json=clash, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {
            "field": "date_of_birth",
            "message": "1988-03-15 differs from the passport's machine-readable zone (1988-03-14).",
            "code": "deployment.differs_from_mrz",
            "params": {"typed": "1988-03-15", "read": "1988-03-14"},
        }
    ]
    missing = {k: v for k, v in INSTALLER.items() if k not in ("mrz", "activity")}
    errors = app_client.post("/api/v1/deployments", json=missing, headers=headers).json()["errors"]
    assert {e["field"] for e in errors} >= {"date_of_birth", "passport_number", "activity"}
    with factory() as db:
        assert (
            db.scalar(
                select(func.count()).select_from(Deployment).where(Deployment.activity.is_not(None))
            )
            == 0
        )


def test_a_file_is_all_or_nothing_and_each_employer_sees_its_own(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    headers = hr(factory)
    bad = [*FILE_ROWS, [*FILE_ROWS[1][:7], "digging", *FILE_ROWS[1][8:]]]
    answer = app_client.post(
        "/api/v1/deployments/import",
        files={"file": ("workers.csv", rows_csv(FILE_HEADER, bad))},
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["report"]["errors"][0]["row"] == 4
    assert answer.json()["report"]["errors"][0]["column"] == "activity"
    # Nothing saved: only the workers the consulate's registry already had, with no plan.
    listed = app_client.get("/api/v1/deployments", headers=headers).json()
    assert listed and all(d["activity"] is None for d in listed)
    answer = app_client.post(
        "/api/v1/deployments/import",
        files={"file": ("workers.csv", rows_csv(FILE_HEADER, FILE_ROWS))},
        headers=headers,
    )
    assert answer.status_code == 201 and answer.json()["imported"] == 2
    listed = [
        d for d in app_client.get("/api/v1/deployments", headers=headers).json() if d["activity"]
    ]
    assert [(d["worker_name"], d["verdict"]) for d in listed] == [
        ("YOON SEJIN", "not_permitted"),
        ("KANG MIRAE", "permitted"),
    ]
    korean = app_client.get("/api/v1/deployments?lang=ko", headers=headers).json()
    assert any(
        "건설 노동자는 방문자로 입국할 수 없습니다" in r for d in korean for r in d["reasons"]
    )
    other = hr(factory, "hr.daewon", "Daewon Install")
    theirs = app_client.get("/api/v1/deployments", headers=other).json()
    assert all(d["worker_name"] not in ("YOON SEJIN", "KANG MIRAE") for d in theirs)
    officer = app_client.get("/api/v1/deployments", headers=auth(world.token)).json()
    assert {"YOON SEJIN", "KANG MIRAE"} <= {d["worker_name"] for d in officer}
    # An officer registers nothing: deployments come from employers' accounts.
    refused = app_client.post("/api/v1/deployments", json=INSTALLER, headers=auth(world.token))
    assert refused.status_code == 404


def test_the_plan_screen_through_the_api(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    header = ["id", "nationality", *FILE_HEADER[6:15]]
    rows = [["T-1", "KOR", *FILE_ROWS[0][6:15]]]
    answer = app_client.post(
        "/api/v1/screen?lang=ko",
        files={"file": ("plan.csv", rows_csv(header, rows))},
        headers=hr(factory),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["trips"][0]["verdict"] == "not_permitted"
    assert body["trips"][0]["suggested_status"] == "h2b"
    assert "not legal advice" in body["disclaimer"]
    bad = app_client.post(
        "/api/v1/screen",
        files={"file": ("plan.csv", rows_csv(header[:-1], [r[:-1] for r in rows]))},
        headers=auth(world.token),
    )
    assert bad.status_code == 422
    assert [(e["row"], e["column"], e["code"]) for e in bad.json()["errors"]] == [
        (1, "prior_us_refusal_or_violation", "import.missing_column")
    ]


def test_a_trip_is_screened_with_the_rules_in_force_when_it_starts() -> None:
    from datetime import date

    from consular.screening.deployments import screen_deployment

    trainer = Deployment(
        worker_nationality="KOR",
        entry_status="b1",
        activity="train_us_workers",
        stay_days=30,
        equipment_purchased_abroad=True,
        contract_requires_seller_service=False,
        specialized_knowledge=True,
        paid_by_us_source=False,
        hands_on=False,
        prior_us_refusal_or_violation=False,
        briefing_conceals_activity=False,
    )
    trainer.entry_date = date(2025, 8, 1)  # before the specialized trainers rule (SCR-04)
    before = screen_deployment(trainer)
    trainer.entry_date = date(2026, 12, 1)
    after = screen_deployment(trainer)
    assert before is not None and after is not None
    assert "SCR-04" not in before.rule_ids and "SCR-04" in after.rule_ids


def test_a_worker_with_an_over_long_or_non_hangul_name_is_refused_field_by_field(
    app_client: TestClient, factory: sessionmaker[Session], world: World
) -> None:
    worker = {
        **INSTALLER,
        "family_name_hangul": "홍",
        "given_name_hangul": "길동a",
        "worksite": "W" * 201,
        "role": "Installer\non two lines",
    }
    answer = app_client.post("/api/v1/deployments", json=worker, headers=hr(factory))
    assert answer.status_code == 422, answer.text
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [
        (
            "given_name_hangul",
            "“길동a” is not a Hangul name: write it in Hangul syllables only, without spaces, "
            "Latin letters or digits.",
        ),
        ("worksite", "201 characters, more than the 200 allowed."),
    ]
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Person)) == 5  # the registry's own
