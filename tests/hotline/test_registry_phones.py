"""A registry file's phones are stored in E.164; one that cannot be a phone is refused by row."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.db import unit_of_work
from consular.errors import InvalidInput
from consular.registry.models import Person
from consular.registry.service import import_registry
from tests.factories import OPERATOR, csv_table

HEADER = "id,family_name,given_name,date_of_birth,nationality,phone"


def test_phones_are_stored_in_e164_and_an_impossible_one_is_refused_by_row(
    factory: sessionmaker[Session], db: Session
) -> None:
    bad = csv_table(
        f"{HEADER}\nR1,KIM,MINJUN,1990-01-02,KOR,010-5550-0101\nR2,LEE,SEONGHO,1988-03-14,KOR,"
        "02-0000-0000\n"
    )
    with pytest.raises(InvalidInput) as refused, unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, bad)
    errors = refused.value.details["report"]["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (3, "phone", "phone.impossible")
    ]
    assert db.scalars(select(Person)).all() == []
    good = csv_table(f"{HEADER}\nR1,KIM,MINJUN,1990-01-02,KOR,010-5550-0101\n", "registry-2.csv")
    with unit_of_work(factory) as uow:
        import_registry(uow, OPERATOR, good)
    db.rollback()  # end the read transaction, to see the new import
    assert db.scalar(select(Person.phone)) == "+821055500101"
