"""Family status codes: issued on the case page or the command line, looked up at /status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from consular.audit.models import AuditEvent
from consular.config import Settings
from consular.db import utcnow
from consular.families.models import FamilyCode
from tests.cli.test_commands import run
from tests.conftest import World
from tests.factories import rows_csv
from tests.web.client import form_token, sign_in

EN = {"Accept-Language": "en"}
HOST_HEADER = ["id", "full_name", "date_of_birth", "nationality", "facility", "a_number"]
HOST_ROWS = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center", "A0123"]]


@pytest.fixture
def app_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, status_attempts_per_code=3, status_attempts_per_client=5)


@pytest.fixture
def officer(app_settings: Settings, world: World) -> Iterator[TestClient]:
    from consular.app import create_app

    app = create_app(app_settings)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        uploaded = client.post(
            f"/api/v1/incidents/{world.incident_id}/lists",
            headers={"Authorization": f"Bearer {world.token}"},
            data={"kind": "host_authority"},
            files={"file": ("host.csv", rows_csv(HOST_HEADER, HOST_ROWS), "text/csv")},
        )
        assert uploaded.status_code == 201, uploaded.text
        sign_in(client)
        yield client
    app.state.engine.dispose()


@pytest.fixture
def family(app_settings: Settings, officer: TestClient) -> Iterator[TestClient]:
    """A browser with no account, on the same server."""
    with TestClient(officer.app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _case_url(client: TestClient, world: World) -> str:
    page = client.get(f"/incidents/{world.incident_id}").text
    found = re.search(r'href="(/cases/[^"]+)"', page)
    assert found
    return found.group(1)


def _issue(client: TestClient, case_url: str, contact: str = "Kim Mi-young") -> str:
    page = client.get(case_url).text
    issued = client.post(
        f"{case_url}/family-codes",
        data={"contact": contact, "csrf_token": form_token(page)},
        headers=EN,
    )
    # Post/Redirect/Get: the case's page shows the code once, at its top.
    assert issued.status_code == 303 and issued.headers["location"].endswith("#issued-code")
    shown = client.get(issued.headers["location"], headers=EN).text
    code = re.search(r"Code for [^:]+: ([0-9A-Z-]+)\.", shown)
    assert code, shown
    assert shown.index('id="issued-code"') < shown.index("<dl")  # above the case's facts
    assert code.group(1) not in client.get(case_url, headers=EN).text  # a reload shows nothing
    return code.group(1)


def _look_up(client: TestClient, code: str, born: str = "1988-03-14"):  # type: ignore[no-untyped-def]
    form = client.get("/status", headers=EN)
    assert form.headers["x-robots-tag"] == "noindex, nofollow"
    return client.post(
        "/status",
        data={"code": code, "date_of_birth": born, "csrf_token": form_token(form.text)},
        headers=EN,
    )


def _message(html: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    assert found, html
    return found.group(1)


def test_a_family_sees_where_the_person_is_held_and_nothing_more(
    officer: TestClient, family: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    code = _issue(officer, _case_url(officer, world))
    # In groups of four, with nothing that reads like something else (0/O, 1/I/L) or a U.
    assert re.fullmatch(r"([2-9A-HJKMNP-TV-Z]{4}-){4}[2-9A-HJKMNP-TV-Z]{4}", code)
    answer = _look_up(family, code)
    assert answer.status_code == 200
    assert "Held at Folkston ICE Processing Center" in answer.text
    assert "Not yet" in answer.text  # no consular visit recorded
    assert "Consulate General in Atlanta" in answer.text
    for private in ("LEE", "SEONGHO", "이성호", "M12345678", "A0123", "1988-03-14", "officer.kim"):
        assert private not in answer.text
    # Typed by hand: lower case, spaces instead of dashes still work.
    typed = code.lower().replace("-", " ")
    assert _look_up(family, typed).status_code == 200
    with factory() as db:
        stored = db.scalars(select(FamilyCode)).one()
        assert stored.contact_name == "Kim Mi-young" and stored.contact_id is None
        assert code.replace("-", "") not in stored.code_hash
        tags = db.scalars(select(AuditEvent.tag).where(AuditEvent.tag.like("families:%"))).all()
        assert tags == ["families:code:issue", "families:status:lookup", "families:status:lookup"]


def test_a_code_issued_with_0_and_1_is_still_read_when_typed_with_o_and_i() -> None:
    from consular.families.service import code_hash

    assert code_hash("Q0Z1-K7QM") == code_hash("qoziK7QM") == code_hash("Q O Z L K 7 Q M")


def test_a_wrong_date_an_unknown_code_and_a_revoked_code_answer_alike(
    officer: TestClient, family: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    case_url = _case_url(officer, world)
    code = _issue(officer, case_url)
    wrong_date = _look_up(family, code, "1988-03-15")
    unknown = _look_up(family, "ABCD-EFGH-JKMN-PQRS-TVWX")
    not_a_date = _look_up(family, code, "14/03/1988")
    assert wrong_date.status_code == unknown.status_code == not_a_date.status_code == 404
    assert _message(wrong_date.text) == _message(unknown.text) == _message(not_a_date.text)
    # Revoked on the case page: it stops working at once.
    page = officer.get(case_url).text
    revoke = re.search(r'action="(/cases/[^"]+/family-codes/[^"]+/revoke)"', page)
    assert revoke
    assert officer.post(revoke.group(1), data={"csrf_token": form_token(page)}).status_code == 303
    assert "Revoked by officer.kim" in officer.get(case_url, headers=EN).text
    revoked = _look_up(family, code)
    assert revoked.status_code == 404 and _message(revoked.text) == _message(unknown.text)
    # Expired: the same.
    fresh = _issue(officer, case_url, "Lee Min-ji")
    with factory() as db, db.begin():
        db.execute(
            update(FamilyCode)
            .where(FamilyCode.contact_name == "Lee Min-ji")
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert _look_up(family, fresh).status_code == 404


def test_failed_lookups_are_held_back_per_code_and_per_client(
    officer: TestClient, family: TestClient, world: World
) -> None:
    code = _issue(officer, _case_url(officer, world))
    for _ in range(3):
        assert _look_up(family, code, "1990-01-01").status_code == 404
    # The code has failed three times: even the right date waits now.
    held = _look_up(family, code)
    assert held.status_code == 429 and int(held.headers["retry-after"]) > 0
    assert "Too many attempts" in held.text
    # And the client, after five failures in all, whatever code it tries.
    for guess in ("AAAA-AAAA-AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB-BBBB-BBBB"):
        assert _look_up(family, guess).status_code == 404
    assert _look_up(family, "CCCC-CCCC-CCCC-CCCC-CCCC").status_code == 429


def test_only_officers_of_the_case_issue_codes(
    officer: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    from tests.factories import HOUSTON, user_with_token

    case_url = _case_url(officer, world)
    user_with_token(factory, "officer.houston2", "officer", post=HOUSTON)
    officer.cookies.clear()
    sign_in(officer, "officer.houston2")
    page = officer.get("/").text
    other = officer.post(
        f"{case_url}/family-codes", data={"contact": "Someone", "csrf_token": form_token(page)}
    )
    assert other.status_code == 404
    with factory() as db:
        assert db.scalars(select(FamilyCode)).all() == []


def test_the_command_line_issues_lists_and_revokes_codes(
    db_url: str, officer: TestClient, family: TestClient, world: World
) -> None:
    case_id = _case_url(officer, world).rsplit("/", 1)[1]
    code, out, err = run(db_url, "family-code", "issue", case_id, "--contact", "Park Ji-hye")
    assert code == 0, err
    issued = re.search(r"code:\s+(\S+)", out)
    assert issued and "/status" in out
    assert _look_up(family, issued.group(1)).status_code == 200
    code, out, _ = run(db_url, "family-code", "list", case_id)
    code_id = out.split()[0]
    assert "Park Ji-hye" in out and issued.group(1) not in out
    assert run(db_url, "family-code", "revoke", code_id)[0] == 0
    assert _look_up(family, issued.group(1)).status_code == 404
    again = run(db_url, "family-code", "revoke", code_id)
    assert again[0] == 1 and "already revoked" in again[2]
    empty = run(db_url, "family-code", "issue", case_id, "--contact", "  ")
    assert empty[0] == 2 and "contact's name" in empty[2]


@pytest.mark.parametrize(
    ("guesses", "allowed"),
    [
        pytest.param("dates", 3, id="ten dates of birth for one code, from ten addresses"),
        pytest.param("codes", 5, id="ten made-up codes from one address"),
    ],
)
def test_concurrent_guesses_stop_exactly_at_the_limit(
    factory: sessionmaker[Session],
    world: World,
    db_url: str,
    app_settings: Settings,
    guesses: str,
    allowed: int,
) -> None:
    """Ten wrong lookups at once: as many are looked at as the limit allows (3 per code,
    5 per address here), the rest are held back."""
    import threading

    from consular.cases.models import Case
    from consular.db import unit_of_work
    from consular.errors import NotFound, Throttled
    from consular.families.models import StatusLookupFailure
    from consular.families.service import issue_code, lookup_status
    from consular.incidents.service import import_list
    from tests.factories import csv_table

    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time")
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table('full_name,date_of_birth,nationality\n"LEE, SEONGHO",1988-03-14,KOR\n'),
        )
        case = db.scalars(select(Case)).one()
        code = issue_code(db, world.officer, app_settings, case.id, "Kim Mi-young").code
    answers: list[str] = []
    start = threading.Barrier(10)

    def guess(n: int) -> None:
        if guesses == "dates":
            typed, born, client = code, date(1980, 1, n), f"203.0.113.{n}"
        else:
            typed, born, client = f"NOCODE{n:02d}", date(1988, 3, 14), "203.0.113.7"
        start.wait()
        # As the page does: the failure is committed even though the lookup failed.
        with unit_of_work(factory) as db:
            try:
                lookup_status(db, app_settings, typed, born, client)
            except NotFound:
                answers.append("404")
            except Throttled:
                answers.append("429")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(1, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == ["404"] * allowed + ["429"] * (10 - allowed)
    with factory() as db:
        assert len(db.scalars(select(StatusLookupFailure)).all()) == allowed


def test_a_contact_name_longer_than_its_column_is_refused_on_the_case_page(
    officer: TestClient, world: World
) -> None:
    case_url = _case_url(officer, world)
    page = officer.get(case_url).text
    refused = officer.post(
        f"{case_url}/family-codes",
        data={"contact": "Kim " * 40, "csrf_token": form_token(page)},
        headers={"Accept-Language": "ko"},
    )
    assert refused.status_code == 422
    assert "이름: 159자로, 허용되는 120자보다 깁니다." in refused.text
