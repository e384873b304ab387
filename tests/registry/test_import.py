"""Registry imports: all or nothing, every error by row and column, no file twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.errors import Conflict, InvalidInput
from consular.registry.models import Deployment, Employer, Person, PersonNameKey
from consular.registry.service import import_registry
from consular.tabular import read_table
from tests.factories import (
    LIMITS,
    OPERATOR,
    REGISTRY_COLUMNS,
    REGISTRY_ROWS,
    csv_table,
    registry_table,
)


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_registry_file_adds_persons_employers_and_deployments(
    factory: sessionmaker[Session], db: Session
) -> None:
    with unit_of_work(factory) as uow:
        report = import_registry(uow, OPERATOR, registry_table())
    assert (report.rows_read, report.imported, report.new_persons, report.updated) == (5, 5, 5, 0)
    lee = db.scalar(select(Person).where(Person.registry_ref == "R1"))
    assert lee is not None
    assert (lee.family_name, lee.given_name, lee.family_name_hangul, lee.given_name_hangul) == (
        "LEE",
        "SEONGHO",
        "이",
        "성호",
    )
    assert lee.passport_number == "M12345678" and lee.date_of_birth.isoformat() == "1988-03-14"
    assert count(db, Employer) == 2 and count(db, Deployment) == 5


def test_an_xlsx_registry_imports_like_a_csv(
    tmp_path: Path, factory: sessionmaker[Session], db: Session
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(REGISTRY_COLUMNS.split(","))
    for row in REGISTRY_ROWS:
        sheet.append(row.split(","))
    path = tmp_path / "registry.xlsx"
    book.save(path)
    with unit_of_work(factory) as uow:
        report = import_registry(uow, OPERATOR, read_table(path, limits=LIMITS))
    assert report.new_persons == 5
    assert db.scalar(select(Person.hangul_key).where(Person.registry_ref == "R4")) == "박지혜"


def test_a_file_with_any_bad_row_is_rejected_whole(
    factory: sessionmaker[Session], db: Session
) -> None:
    rows = [
        *REGISTRY_ROWS,
        "R6,HAN,BOKNAM,한,복남,M,1970-02-30,KOR,M66666666,",
        "R7,YOON,MIRAE,윤,미래,F,1991-04-04,KOREA,M77777777,",
        "R1,LEE,COPY,이,복사,M,1988-03-14,KOR,M88888888,",
        "R9,,,,,M,1991-04-04,KOR,,",
    ]
    with pytest.raises(InvalidInput) as raised, unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table(rows))
    errors = raised.value.details["report"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (7, "date_of_birth"),
        (8, "nationality"),
        (9, "id"),
        (10, "family_name"),
    }
    assert "already used on row 2" in next(e["message"] for e in errors if e["column"] == "id")
    assert count(db, Person) == 0 and count(db, Employer) == 0

    with unit_of_work(factory) as uow:
        report = import_registry(uow, OPERATOR, registry_table(rows), skip_invalid=True)
    assert report.new_persons == 5 and report.skipped == 4 and len(report.errors) == 4


def test_missing_required_columns_are_named(factory: sessionmaker[Session]) -> None:
    from tests.factories import csv_table

    with pytest.raises(InvalidInput) as raised, unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, csv_table("id,family_name\nR1,KIM\n"))
    columns = {e["column"] for e in raised.value.details["report"]["errors"]}
    assert {"date_of_birth", "nationality", "family_name, given_name"} <= columns


def test_the_same_file_twice_is_refused_and_a_new_version_updates(
    factory: sessionmaker[Session], db: Session
) -> None:
    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table())
    with pytest.raises(Conflict, match="already imported"), unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table(name="copy.csv"))
    changed = [r.replace("M12345678", "M99999999") for r in REGISTRY_ROWS]
    with unit_of_work(factory) as uow:
        report = import_registry(uow, OPERATOR, registry_table(changed))
    assert report.updated == 5 and report.new_persons == 0
    assert count(db, Person) == 5 and count(db, Deployment) == 5
    assert (
        db.scalar(select(Person.passport_number).where(Person.registry_ref == "R1")) == "M99999999"
    )


def test_a_crash_in_the_middle_of_an_import_leaves_the_database_as_it_was(
    tmp_path: Path, db_url: str, db: Session
) -> None:
    """The process dies after the first rows were written, without any chance to roll back."""
    lines = [REGISTRY_COLUMNS] + [
        f"X{i},KIM,MINJUN{i},김,민준,M,1990-01-02,KOR,M{10000000 + i},HL Battery"
        for i in range(5000)
    ]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = f"""
import os
from consular.auth.service import Actor
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.registry.service import import_registry
from consular.config import Settings
from consular.importing import command_line_limits
from consular.tabular import read_table
factory = make_session_factory(make_engine({db_url!r}))
table = read_table({str(path)!r}, limits=command_line_limits(Settings()))
with unit_of_work(factory) as db:
    import_registry(db, Actor.operator(), table,
                    progress=lambda done: os._exit(9))
"""
    result = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), timeout=120)
    assert result.returncode == 9
    assert count(db, Person) == 0 and count(db, Employer) == 0
    if db_url.startswith("sqlite"):
        assert db.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_an_update_never_erases_what_the_file_leaves_blank(
    factory: sessionmaker[Session], db: Session
) -> None:
    from tests.factories import csv_table

    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table())
    partial = csv_table(
        "id,family_name,given_name,date_of_birth,nationality,passport_number,employer,"
        "entry_status,entry_date\n"
        "R1,LEE,SEONGHO,1988-03-14,KOR,,HL Battery,B-1/B-2,2025-08-20\n",
        "update.csv",
    )
    with unit_of_work(factory) as uow:
        report = import_registry(uow, OPERATOR, partial)
    assert report.updated == 1
    lee = db.scalar(select(Person).where(Person.registry_ref == "R1"))
    assert lee is not None
    assert lee.passport_number == "M12345678" and lee.hangul_key == "이성호"
    assert lee.sex == "M"
    deployments = db.scalars(select(Deployment).where(Deployment.person_id == lee.id)).all()
    assert len(deployments) == 1
    assert deployments[0].entry_status == "b1b2"
    assert deployments[0].entry_date is not None


def _keys(db: Session, ref: str) -> set[str]:
    query = (
        select(PersonNameKey.key)
        .join(Person, Person.id == PersonNameKey.person_id)
        .where(Person.registry_ref == ref)
    )
    return set(db.scalars(query))


def test_name_keys_are_stored_and_follow_a_new_name(
    factory: sessionmaker[Session], db: Session
) -> None:
    from tests.factories import csv_table

    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table())
    # LEE SEONGHO and 이성호 read alike; CHOI and 최 too.
    assert _keys(db, "R1") == {"이:SUNGHO"}
    assert _keys(db, "R5") == {"최:DONGHYUN"}
    renamed = csv_table(
        "id,family_name,given_name,family_name_hangul,given_name_hangul,date_of_birth,"
        "nationality\nR1,YOO,SEONGHO,류,성호,1988-03-14,KOR\n",
        "renamed.csv",
    )
    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, renamed)
    db.rollback()  # end the read transaction, to see the new import
    # YOO is 유 or 류; the Hangul says 류: the keys of both readings are kept.
    assert _keys(db, "R1") == {"류:SUNGHO", "유:SUNGHO"}
    assert _keys(db, "R5") == {"최:DONGHYUN"}


def _refused(factory: sessionmaker[Session], header: str, *rows: str) -> list[dict[str, object]]:
    table = csv_table("\n".join([header, *rows]) + "\n", "registry.csv")
    with pytest.raises(InvalidInput) as refused, unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, table)
    errors: list[dict[str, object]] = refused.value.details["report"]["errors"]
    return errors


def test_a_hangul_name_with_a_space_or_a_latin_letter_is_a_row_error(
    factory: sessionmaker[Session], db: Session
) -> None:
    errors = _refused(
        factory,
        "id,family_name_hangul,given_name_hangul,date_of_birth,nationality",
        "R1,김,민 준,1990-01-02,KOR",
        "R2,김,민준a,1990-01-02,KOR",
    )
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "given_name_hangul"),
        (3, "given_name_hangul"),
    ]
    assert "“민준a” is not a Hangul name" in str(errors[1]["message"])
    assert count(db, Person) == 0


def test_values_longer_than_their_column_are_row_errors(
    factory: sessionmaker[Session], db: Session
) -> None:
    errors = _refused(
        factory,
        "id,family_name,given_name,date_of_birth,nationality,employer,worksite",
        f"R1,{'K' * 150},MINJUN,1990-01-02,KOR,{'E' * 201},Ellabell",
        f"R2,KIM,MINJUN,1990-01-02,KOR,HL,{'W' * 300}",
    )
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (2, "family_name", "150 characters, more than the 80 allowed."),
        (2, "employer", "201 characters, more than the 200 allowed."),
        (3, "worksite", "300 characters, more than the 200 allowed."),
    ]
    assert errors[0]["code"] == "cell.too_long"
    assert errors[0]["params"] == {"count": "150", "limit": "80"}
    assert count(db, Person) == 0


def test_a_name_written_on_two_lines_is_one_line_and_a_contact_on_two_is_refused(
    factory: sessionmaker[Session], db: Session
) -> None:
    header = "id,family_name,given_name,date_of_birth,nationality,email"
    errors = _refused(factory, header, 'R1,KIM,MINJUN,1990-01-02,KOR,"kim@example.org\nBcc: x@y"')
    assert [(e["row"], e["column"]) for e in errors] == [(2, "email")]
    assert "line break" in str(errors[0]["message"])
    table = csv_table(f'{header}\nR1,KIM,"MIN\r\nJUN",1990-01-02,KOR,kim@example.org\n')
    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, table)
    assert db.scalar(select(Person.given_name)) == "MIN JUN"


def test_the_registry_refuses_what_a_list_keeps_with_a_warning(
    factory: sessionmaker[Session], db: Session
) -> None:
    rows = [*REGISTRY_ROWS, "R6,SEO,YUNA,서,유나,W,2052-11-15,KOR,M66666666,"]
    with pytest.raises(InvalidInput) as raised, unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, registry_table(rows))
    errors = raised.value.details["report"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(7, "date_of_birth"), (7, "sex")}
    assert any("in the future" in str(e["message"]) for e in errors)
    assert raised.value.details["report"]["warnings"] == []
    assert count(db, Person) == 0
