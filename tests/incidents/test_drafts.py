"""The import wizard's service: guessed columns and dates, and decisions carried out at commit."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.auth.models import User
from consular.auth.service import Actor
from consular.db import unit_of_work
from consular.incidents.drafts import (
    AlreadyCommitted,
    commit_draft,
    decide_in_draft,
    get_draft,
    reconcile_draft,
    set_columns,
    start_draft,
)
from consular.incidents.listrows import guess_columns, guess_date_format
from consular.incidents.models import SourceList, SourceRecord
from consular.registry.models import Person
from tests.conftest import World
from tests.factories import csv_table


def test_korean_headers_and_hangul_values_are_read_as_the_fields_they_are() -> None:
    table = csv_table(
        "번호,성명,영문 성명,생년월일,성별,여권번호,국적,Notes\n"
        "1,이성호,LEE SEONGHO,1988.03.14,남,M12345678,KOR,night shift\n"
    )
    assert guess_columns(table) == {
        "번호": "id",
        "성명": "full_name_hangul",
        "영문_성명": "full_name",
        "생년월일": "date_of_birth",
        "성별": "sex",
        "여권번호": "passport_number",
        "국적": "nationality",
        "notes": "",
    }
    assert guess_date_format(table, "생년월일") == "%Y.%m.%d"


def test_a_name_column_is_hangul_or_latin_by_its_values_and_a_field_is_claimed_once() -> None:
    table = csv_table("Name,Full Name,Surname\n김민준,KIM MIN JUN,김\n박지혜,PARK JI HYE,박\n")
    assert guess_columns(table) == {
        "name": "full_name_hangul",
        "full_name": "full_name",
        "surname": "family_name_hangul",
    }


def test_the_date_format_is_the_one_that_reads_the_dates() -> None:
    us = csv_table("dob\n03/14/1988\n12/31/1990\n")
    european = csv_table("dob\n14/03/1988\n31/12/1990\n")
    iso = csv_table("dob\n1988-03-14\n\n")
    assert guess_date_format(us, "dob") == "%m/%d/%Y"
    assert guess_date_format(european, "dob") == "%d/%m/%Y"
    assert guess_date_format(iso, "dob") == "%Y-%m-%d"
    assert guess_date_format(iso, None) == "%Y-%m-%d"


def test_two_new_person_decisions_on_one_unregistered_person_make_one_person(
    factory: sessionmaker[Session], world: World
) -> None:
    table = csv_table(
        "id,full_name,date_of_birth,nationality\n"
        'H1,"HAN, BOKNAM",1970-02-02,KOR\n'
        'H2,"HAN, BOK NAM",1970-02-02,KOR\n'
    )
    with unit_of_work(factory) as db:
        user = db.scalars(select(User).where(User.name == "officer.kim")).one()
        actor = Actor.from_user(user)
        persons = db.scalar(select(func.count()).select_from(Person))
        draft = start_draft(db, actor, world.incident_id, "host_authority", table)
        set_columns(db, draft, "host_authority", draft.mapping, "%Y-%m-%d")
        links = reconcile_draft(db, draft)
        assert [link["decision"] for link in links.values()] == ["review", "review"]
        decide_in_draft(db, actor, draft, 2, "new_person")
        decide_in_draft(db, actor, draft, 3, "new_person")
        report = commit_draft(db, actor, draft)
        assert report.decided == 2 and report.review == 0
        records = db.scalars(select(SourceRecord).order_by(SourceRecord.row_number)).all()
        assert [r.decision for r in records] == ["new_person", "auto"]
        assert records[0].person_id == records[1].person_id
        assert db.scalar(select(func.count()).select_from(Person)) == persons + 1


def test_two_presses_of_commit_import_the_list_once(
    factory: sessionmaker[Session], world: World, db_url: str
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time; the row lock is PostgreSQL's")
    table = csv_table('id,full_name,date_of_birth,nationality\nH1,"LEE, SEONGHO",1988-03-14,KOR\n')
    with unit_of_work(factory) as db:
        user = db.scalars(select(User).where(User.name == "officer.kim")).one()
        actor = Actor.from_user(user)
        draft = start_draft(db, actor, world.incident_id, "host_authority", table)
        reconcile_draft(db, draft)
        draft_id = draft.id
    first_locked = threading.Event()
    outcome: dict[str, object] = {}

    def second_press() -> None:
        first_locked.wait(10)
        try:
            with unit_of_work(factory) as db:
                commit_draft(db, actor, get_draft(db, actor, draft_id))
        except AlreadyCommitted as exc:
            outcome["second"] = exc.source_list_id

    other = threading.Thread(target=second_press)
    other.start()
    with unit_of_work(factory) as db:
        draft = get_draft(db, actor, draft_id)
        report = commit_draft(db, actor, draft)
        first_locked.set()
        time.sleep(0.5)  # the second press waits on the draft's row meanwhile
    other.join(20)
    assert outcome == {"second": report.source_list_id}
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(SourceList)) == 1
        assert db.scalar(select(func.count()).select_from(SourceRecord)) == 1
