"""The re-entry assessment of a case: facts taken from the case and the registry or
recorded by an officer, bars with their end dates, ESTA, waivers, assurances beside the
result, outcomes after return, the assessment kept with its rule set's version."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.cases.models import Case
from consular.cases.service import record_disposition
from consular.db import unit_of_work
from consular.errors import InvalidInput, NotFound
from consular.incidents.service import import_list
from consular.reentry import service
from consular.reentry.models import ReentryAssessment
from consular.reentry.report import report_lines
from consular.registry.service import import_registry
from consular.rules import ruleset
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import HOUSTON, OPERATOR, auth, csv_table, user_with_token

REGISTRY = (
    "id,family_name,given_name,family_name_hangul,given_name_hangul,sex,date_of_birth,"
    "nationality,passport_number,employer,entry_status,entry_date\n"
    "T1,HAN,SEOYEON,한,서연,F,1991-04-05,KOR,M70000001,HL Battery,ESTA,2025-08-20\n"
)
HOST_LIST = 'full_name,date_of_birth,nationality\n"HAN, SEOYEON",1991-04-05,KOR\n'


@pytest.fixture
def case_id(factory: sessionmaker[Session], world: World) -> str:
    """A worker who entered on ESTA on 2025-08-20, detained in the raid, agreed to leave."""
    with unit_of_work(factory) as db:
        import_registry(db, OPERATOR, csv_table(REGISTRY, "workers.csv"))
        import_list(db, world.officer, world.incident_id, "host_authority", csv_table(HOST_LIST))
        case = db.scalars(select(Case)).one()
        record_disposition(
            db, world.officer, case.id, disposition="voluntary_departure", version=case.version
        )
        service.record_facts(db, world.officer, case.id, {"departed_on": date(2025, 9, 11)})
        return case.id


def assess(factory: sessionmaker[Session], world: World, case_id: str, **kw: object):  # type: ignore[no-untyped-def]
    with unit_of_work(factory) as db:
        result = service.assess(db, world.officer, case_id, **kw)  # type: ignore[arg-type]
        return result, report_lines(result, "en"), report_lines(result, "ko")


def test_the_model_case_no_bar_but_esta_closed_until_the_violation_is_ruled_out(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    result, english, korean = assess(factory, world, case_id)
    facts = {f.name: (f.value, f.source) for f in result.facts}
    assert facts["entry_status"] == ("esta", "registry")
    assert facts["admitted_until"] == (date(2025, 11, 18), "computed")  # 90 days
    assert facts["departure_mode"] == ("voluntary_departure", "case")
    assert facts["departed_on"] == (date(2025, 9, 11), "recorded")
    assert facts["unlawful_presence_days"] == (0, "computed")
    assert facts["status_violation"] == (None, "unknown")
    assert result.bars == [] and not result.esta_available
    assert result.verdict.outcome == "visa_needed"
    assert "Bars: none" in english
    assert "ESTA: closed; apply for a visa and attend the interview" in english
    assert any(line.startswith("  REN-13 [S][R] (not verified in a source)") for line in english)
    assert "결과: 입국 금지 사유는 없으나 비자가 필요합니다: ESTA를 쓸 수 없습니다" in korean
    # Ruled out, ESTA opens again.
    with unit_of_work(factory) as db:
        service.record_facts(db, world.officer, case_id, {"status_violation": False})
    result, english, _ = assess(factory, world, case_id)
    assert result.esta_available and result.verdict.outcome == "clear"
    assert "ESTA: still open (answer its questions truthfully)" in english


def test_an_overstay_of_a_year_bars_for_ten_years_from_the_departure(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    with unit_of_work(factory) as db:
        service.record_facts(
            db,
            world.officer,
            case_id,
            {"entry_status": "b1", "admitted_until": date(2024, 9, 10), "status_violation": False},
        )
    result, english, _ = assess(factory, world, case_id)
    assert [(b.rule_id, b.years, b.ends_on) for b in result.bars] == [
        ("REN-04", 10, date(2035, 9, 11))
    ]
    assert result.waivers == ["212(d)(3)(A)"] and not result.esta_available
    assert "  INA 212(a)(9)(B)(i)(II) (REN-04): 10 years, until 2035-09-11" in english
    assert "A lawyer should confirm this result before the person relies on it." in english


def test_a_removal_order_on_the_case_bars_for_ten_years(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    with unit_of_work(factory) as db:
        case = db.get_one(Case, case_id)
        record_disposition(
            db, world.officer, case_id, disposition="removal_order", version=case.version
        )
    result, _, _ = assess(factory, world, case_id)
    # Entered on ESTA: the visa waiver removal rule, tagged as an inference.
    assert [(b.rule_id, b.statute, b.years) for b in result.bars] == [
        ("REN-03", "INA 212(a)(9)(A)(ii)", 10)
    ]
    assert result.waivers == ["I-212", "212(d)(3)(A)"]


def test_the_assessment_is_kept_with_its_version_and_audited(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    assess(factory, world, case_id, record=True)
    with factory() as db:
        (kept,) = db.scalars(select(ReentryAssessment)).all()
        assert kept.ruleset_version == ruleset("reentry").version
        assert kept.outcome == "visa_needed" and "REN-13" in kept.rule_ids
        assert kept.facts["departed_on"] == "2025-09-11"
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.case_id == case_id)).all()
        assert "reentry:assessment:record" in tags and "reentry:facts:update" in tags
    result, _, _ = assess(factory, world, case_id)
    assert [h.id for h in result.history] == [kept.id]


def test_assurances_stand_beside_the_result_and_outcomes_are_followed_up(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    with unit_of_work(factory) as db:
        service.add_assurance(
            db,
            world.officer,
            world.incident_id,
            given_on=date(2025, 9, 10),
            given_by="Foreign minister (host country)",
            statement="No disadvantage on re-entry",
            source="press briefing",
        )
        service.record_outcome(db, world.officer, case_id, "visa_issued", date(2025, 10, 20))
    result, english, _ = assess(factory, world, case_id)
    assert "REN-14" in result.verdict.rule_ids
    assert result.verdict.outcome == "visa_needed"  # the assurance changes no legal result
    assert (
        "  2025-09-10 Foreign minister (host country): No disadvantage on re-entry (press briefing)"
        in english
    )
    assert "  2025-10-20 Visa issued" in english
    with unit_of_work(factory) as db:
        followed = service.follow_up(db, world.officer, world.incident_id)
    assert followed.outcomes["visa_issued"] == 1 and len(followed.assurances) == 1


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"departure_mode": "deported"},
            "reentry.unknown_value",
            "“deported” is not one of the values allowed here.",
        ),
        (
            {"entry_status": "tourist"},
            "reentry.unknown_value",
            "“tourist” is not one of the values allowed here.",
        ),
        ({"prior_removals": -1}, "reentry.not_a_number", "“-1” is not a number."),
        (
            {"departed_on": date(2999, 1, 1)},
            "reentry.date_in_future",
            "The date 2999-01-01 is in the future.",
        ),
        (
            {"entry_date": date(2025, 9, 1), "departed_on": date(2025, 8, 1)},
            "reentry.departed_before_entry",
            "The departure date is before the entry date.",
        ),
        (
            {"colour": "red"},
            "reentry.unknown_fact",
            "“colour” is not one of the values allowed here.",
        ),
    ],
)
def test_bad_facts_are_refused_and_nothing_changes(
    factory: sessionmaker[Session],
    world: World,
    case_id: str,
    changes: dict,
    code: str,
    message: str,
) -> None:
    with pytest.raises(InvalidInput) as refused, unit_of_work(factory) as db:
        service.record_facts(db, world.officer, case_id, changes)
    assert (refused.value.code, str(refused.value)) == (code, message)
    result, _, _ = assess(factory, world, case_id)
    assert result.verdict.outcome == "visa_needed"


def test_another_posts_officer_sees_nothing(
    factory: sessionmaker[Session], world: World, case_id: str
) -> None:
    houston, _ = user_with_token(factory, "officer.h2", "officer", post=HOUSTON)
    with unit_of_work(factory) as db:
        with pytest.raises(NotFound):
            service.assess(db, houston, case_id)
        with pytest.raises(NotFound):
            service.record_outcome(db, houston, case_id, "re_entered", date(2025, 10, 1))


def test_the_command_line_prints_what_the_page_shows(
    db_url: str, world: World, case_id: str
) -> None:
    code, out, err = run(db_url, "reentry", "assess", case_id, "--lang", "ko")
    assert code == 0, err
    assert "재입국 평가" in out and "비자를 신청하고 인터뷰를 받으십시오" in out
    code, out, _ = run(db_url, "reentry", "facts", case_id, "--status-violation", "no")
    assert code == 0 and "recorded: status_violation" in out
    code, out, _ = run(db_url, "reentry", "assess", case_id)
    assert "Result: No bar found" in out
    code, _, err = run(
        db_url, "reentry", "outcome", case_id, "--kind", "deported", "--on", "2025-10-01"
    )
    assert code == 2 and "“deported” is not one of the values allowed here." in err
    assert "allowed: re_entered, visa_issued" in err
    code, _, err = run(db_url, "reentry", "facts", case_id, "--departed-on", "11/09/2025")
    assert code == 2 and "--departed-on: “11/09/2025” is not a date" in err
    code, _, err = run(db_url, "reentry", "assess", "no-such-case")
    assert code != 0 and "case no-such-case not found" in err


def test_the_command_line_records_assurances_and_follows_them_up(
    db_url: str, world: World, case_id: str
) -> None:
    code, out, err = run(
        db_url,
        "reentry",
        "assurance",
        world.incident_id,
        "--given-on",
        "2025-09-10",
        "--given-by",
        "Minister of Foreign Affairs",
        "--statement",
        "No disadvantage on re-entry",
    )
    assert code == 0, err
    code, _, err = run(
        db_url, "reentry", "outcome", case_id, "--kind", "re_entered", "--on", "2025-10-20"
    )
    assert code == 0, err
    code, out, _ = run(db_url, "reentry", "follow-up", world.incident_id)
    assert "assurance 2025-09-10 Minister of Foreign Affairs: No disadvantage on re-entry" in out
    assert "1 returned: 1 re_entered, 0 visa_issued, 0 visa_refused, 0 esta_denied" in out
    code, _, err = run(
        db_url,
        "reentry",
        "assurance",
        world.incident_id,
        "--given-on",
        "2025-09-10",
        "--given-by",
        " ",
        "--statement",
        "x",
    )
    assert code == 2 and "Say who gave the assurance and what was said." in err


def test_the_api_gives_the_assessment_as_data(
    app_client: TestClient, world: World, case_id: str
) -> None:
    answer = app_client.get(f"/api/v1/cases/{case_id}/reentry?lang=ko", headers=auth(world.token))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["result"] == "visa_needed" and body["esta_available"] is False
    assert body["bars"] == [] and body["lawyer_should_confirm"] is False
    (esta,) = [r for r in body["rules"] if r["rule_id"] == "REN-13"]
    assert esta["evidence"] == ["S", "R"] and "비자를 신청하고" in esta["reason"]
    assert {"name": "departed_on", "value": "2025-09-11", "source": "recorded"} in body["facts"]
    assert "not legal advice" in body["disclaimer"]
    other = app_client.get(f"/api/v1/cases/{case_id}/reentry", headers=auth(world.houston_token))
    assert other.status_code == 404
