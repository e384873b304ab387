"""The values people type into spreadsheets: what is accepted, and what the error says."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from consular.cases.models import Case
from consular.fields import (
    FieldError,
    limit_of,
    parse_birth_date,
    parse_contact,
    parse_country,
    parse_hangul_full_name,
    parse_hangul_name,
    parse_passport,
    parse_sex,
    parse_text,
    shorten_file_name,
)
from consular.registry.models import Person


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


@pytest.mark.parametrize(
    ("value", "wrong"),
    [("민 준", "a space"), ("민준a", "'a'"), ("민준1", "'1'"), ("ㅁㅣㄴ", "'ㅁ'")],
)
def test_a_hangul_name_with_anything_but_hangul_syllables_is_refused(
    value: str, wrong: str
) -> None:
    with pytest.raises(FieldError, match=f"is not a Hangul name \\({wrong} in it\\)"):
        parse_hangul_name(value, 40)


def test_a_hangul_name_is_composed_and_trimmed() -> None:
    decomposed = unicodedata.normalize("NFD", "민준")
    assert parse_hangul_name(f" {decomposed} ", 40) == "민준"
    assert parse_hangul_name("  ", 40) is None


def test_a_hangul_full_name_may_have_one_space_or_be_typed_in_the_latin_layout() -> None:
    assert parse_hangul_full_name("김 민준", 60) == "김 민준"
    assert parse_hangul_full_name("rlaalswns", 60) == "rlaalswns"
    for value in ("김 민 준", "김민준a"):
        with pytest.raises(FieldError, match="is not a Hangul name"):
            parse_hangul_full_name(value, 60)


def test_a_line_break_in_a_name_becomes_a_space() -> None:
    # An Excel cell written with Alt+Enter.
    assert parse_text("KIM\r\nMIN\tJUN\u2028", 80) == "KIM MIN JUN"


def test_a_line_break_in_a_contact_value_is_refused() -> None:
    with pytest.raises(FieldError, match="line break"):
        parse_contact("kim@example.org\r\nBcc: all@example.org", 200)
    assert parse_contact(" +82 10 1234 5678 ", 40) == "+82 10 1234 5678"


def test_a_value_longer_than_its_column_is_refused_with_both_lengths() -> None:
    assert limit_of(Person.family_name) == 80
    with pytest.raises(FieldError, match=r"^150 characters, more than the 80 allowed$"):
        parse_text("A" * 150, limit_of(Person.family_name))


def test_a_text_column_declares_its_bound() -> None:
    assert limit_of(Case.special_needs) == 500


def test_a_long_file_name_is_shortened_and_keeps_its_extension() -> None:
    name = shorten_file_name("명단" * 150 + ".xlsx", 255)
    assert len(name) == 255 and name.endswith("….xlsx")
    assert shorten_file_name("list.csv", 255) == "list.csv"
