"""The directory seen from elsewhere: a family's status page gives the entry's city and the
post's phone; the command line lists, adds and changes entries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.facilities.service import create_facility, merge_name
from tests.cli.test_commands import run
from tests.conftest import World
from tests.facilities.test_directory import FOLKSTON
from tests.factories import ATLANTA, OPERATOR
from tests.families.test_status import _case_url, _issue, _look_up, app_settings, family, officer

__all__ = ["app_settings", "family", "officer"]  # the fixtures, used by name


def test_a_family_reads_the_facilitys_city_and_the_posts_phone(
    officer: TestClient, family: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    code = _issue(officer, _case_url(officer, world))
    before = _look_up(family, code).text
    assert "Held at Folkston ICE Processing Center" in before and ", in Folkston" not in before
    with unit_of_work(factory) as db:
        facility = create_facility(db, world.officer, FOLKSTON)
        merge_name(db, OPERATOR, facility.id, facility.name)
    answer = _look_up(family, code).text
    assert "Held at Folkston ICE Processing Center, in Folkston" in answer
    # The post's phone as its country writes it.
    assert "(404) 522-1611" in answer
    assert "555-0100" not in answer  # the facility's own phone is the consulate's to give


def test_the_command_line_lists_adds_and_changes_entries(db_url: str, world: World) -> None:
    code, out, err = run(
        db_url,
        "facilities",
        "add",
        "--post",
        ATLANTA,
        "--name",
        FOLKSTON["name"],
        "--city",
        "Folkston",
        "--phone",
        "912-555-0100",
    )
    assert code == 0, err
    facility_id = out.strip()
    code, out, _ = run(db_url, "facilities", "list", "--post", ATLANTA)
    assert code == 0 and facility_id in out and "(912) 555-0100" in out and "v1" in out
    code, _, err = run(
        db_url, "facilities", "add", "--post", ATLANTA, "--name", "folkston ice processing center"
    )
    assert code != 0 and "already has Folkston ICE Processing Center" in err
    code, _, err = run(
        db_url, "facilities", "update", facility_id, "--version", "1", "--phone", "12"
    )
    assert code != 0 and "too short" in err
    code, out, err = run(
        db_url,
        "facilities",
        "update",
        facility_id,
        "--version",
        "1",
        "--field-office",
        "ICE Atlanta Field Office",
    )
    assert code == 0, err
    assert "v2" in out and "ICE Atlanta Field Office" in out
