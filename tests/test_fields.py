"""The values people type into spreadsheets: what is accepted, and what the error says."""

from __future__ import annotations

from datetime import date

import pytest

from consular.fields import FieldError, parse_birth_date, parse_country, parse_passport, parse_sex


def test_two_digit_years_of_birth_are_in_the_past() -> None:
    assert parse_birth_date("03/14/65", "%m/%d/%y") == date(1965, 3, 14)
    assert parse_birth_date("03/14/01", "%m/%d/%y") == date(2001, 3, 14)


def test_a_birth_date_in_the_future_is_an_error() -> None:
    with pytest.raises(FieldError, match="in the future"):
        parse_birth_date("2999-01-01")


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        ("1988-13-45", "%Y-%m-%d", "YYYY-MM-DD"),
        ("14.03.88", "%m/%d/%y", "MM/DD/YY"),
        ("x", "%d %b %Y", "DD Mon YYYY"),
    ],
)
def test_a_bad_date_names_the_expected_form(value: str, fmt: str, shown: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_birth_date(value, fmt)
    assert shown in str(raised.value) and value in str(raised.value)


def test_codes_sex_and_passports() -> None:
    assert parse_country(" kor ") == "KOR"
    with pytest.raises(FieldError, match="KOREA"):
        parse_country("KOREA")
    assert parse_sex("여") == "F" and parse_sex("male") == "M"
    with pytest.raises(FieldError):
        parse_sex("unknown")
    assert parse_passport(" m1234-5678 ") == "M12345678"
    with pytest.raises(FieldError, match="5 to 20"):
        parse_passport("M1")
