"""Passport machine-readable zones (ICAO Doc 9303, TD3): fields read, every check digit
verified, and a wrong one is an error naming the field and its positions, never a guess."""

from __future__ import annotations

from datetime import date

import pytest

from consular.screening.mrz import MRZError, parse_td3

# The specimen of ICAO Doc 9303 part 4 (the fictional state of Utopia).
SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
TODAY = date(2026, 11, 28)


def digit(data: str) -> str:
    """The check digit, computed here independently of the module."""
    values = {**{str(n): n for n in range(10)}, "<": 0}
    values |= {chr(ord("A") + n): 10 + n for n in range(26)}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(data)) % 10)


def zone(
    names: str = "HONG<<GILDONG",
    number: str = "M12345678",
    born: str = "880314",
    sex: str = "M",
    expires: str = "330101",
    personal: str = "<" * 14,
) -> str:
    """A synthetic Korean-format zone with correct check digits."""
    line1 = f"P<KOR{names}".ljust(44, "<")
    personal_digit = "<" if personal == "<" * 14 else digit(personal)
    body = (
        f"{number}{digit(number)}KOR{born}{digit(born)}{sex}{expires}{digit(expires)}"
        f"{personal}{personal_digit}"
    )
    return f"{line1}\n{body}{digit(body[0:10] + body[13:20] + body[21:43])}"


def with_char(text: str, line: int, position: int, char: str) -> str:
    lines = text.split("\n")
    row = lines[line - 1]
    lines[line - 1] = row[: position - 1] + char + row[position:]
    return "\n".join(lines)


def wrong(text: str, line: int, position: int) -> str:
    current = text.split("\n")[line - 1][position - 1]
    return with_char(
        text, line, position, str((int(current) + 1) % 10) if current.isdigit() else "1"
    )


def test_the_icao_specimen() -> None:
    parsed = parse_td3(SPECIMEN, today=TODAY)
    assert (parsed.document_type, parsed.issuing_state) == ("P", "UTO")
    assert (parsed.family_name, parsed.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (parsed.passport_number, parsed.nationality) == ("L898902C3", "UTO")
    assert (parsed.date_of_birth, parsed.sex) == (date(1974, 8, 12), "F")
    assert (parsed.expiry_date, parsed.personal_number) == (date(2012, 4, 15), "ZE184226B")


def test_a_synthetic_korean_passport() -> None:
    parsed = parse_td3(zone(), today=TODAY)
    assert (parsed.family_name, parsed.given_names, parsed.passport_number) == (
        "HONG",
        "GILDONG",
        "M12345678",
    )
    assert (parsed.nationality, parsed.date_of_birth, parsed.expiry_date) == (
        "KOR",
        date(1988, 3, 14),
        date(2033, 1, 1),
    )
    assert parsed.personal_number == ""


def test_pasted_as_people_paste_it() -> None:
    pasted = "\r\n\r\n  " + zone().lower().replace("\n", "\r\n") + "  \r\n"
    assert parse_td3(pasted, today=TODAY).passport_number == "M12345678"


@pytest.mark.parametrize(
    ("line", "position", "field"),
    [
        (2, 10, "Line 2, positions 1-9 (passport number): the check digit is"),
        (2, 20, "Line 2, positions 14-19 (date of birth): the check digit is"),
        (2, 28, "Line 2, positions 22-27 (expiry date): the check digit is"),
        (2, 44, "Line 2, positions 1-10, 14-20, 22-43 (composite): the check digit is"),
    ],
)
def test_each_wrong_check_digit_is_named(line: int, position: int, field: str) -> None:
    with pytest.raises(MRZError) as refused:
        parse_td3(wrong(zone(), line, position), today=TODAY)
    assert [p for p in refused.value.problems if field in str(p)], refused.value.problems


def test_the_personal_number_check_digit() -> None:
    personal = zone(personal="AB1234567<<<<<")
    assert parse_td3(personal, today=TODAY).personal_number == "AB1234567"
    with pytest.raises(MRZError, match=r"positions 29-42 \(personal number\): the check digit is"):
        parse_td3(wrong(personal, 2, 43), today=TODAY)
    # An empty personal number may carry < or 0 as its check digit.
    assert parse_td3(zone(), today=TODAY).personal_number == ""
    zero = with_char(zone(), 2, 43, "0")
    assert parse_td3(zero, today=TODAY).personal_number == ""


def test_two_wrong_digits_are_both_reported() -> None:
    broken = wrong(wrong(zone(), 2, 10), 2, 20)
    with pytest.raises(MRZError) as refused:
        parse_td3(broken, today=TODAY)
    problems = refused.value.problems
    assert any("(passport number)" in str(p) for p in problems)
    assert any("(date of birth)" in str(p) for p in problems)
    assert "; " in str(refused.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (zone().split("\n")[0], "two lines of 44 characters; 1 were given"),
        (zone() + "\n" + "<" * 44, "two lines of 44 characters; 3 were given"),
        (zone()[:-1], "Line 2 has 43 characters instead of 44"),
        (with_char(zone(), 1, 8, " "), "cannot be in the zone (only A-Z, 0-9 and <)"),
        (with_char(zone(), 1, 1, "V"), "“V” is not P: not a passport"),
    ],
)
def test_a_zone_of_the_wrong_shape_is_refused(text: str, message: str) -> None:
    with pytest.raises(MRZError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_td3(text, today=TODAY)


def test_an_impossible_date_is_refused_even_with_its_check_digit() -> None:
    with pytest.raises(MRZError, match=r"\(date of birth\): 880231 is not a valid date"):
        parse_td3(zone(born="880231"), today=TODAY)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        ("990101", date(1999, 1, 1)),
        ("270101", date(1927, 1, 1)),  # above this year's two digits: the last century
        ("261128", date(2026, 11, 28)),
        ("120305", date(2012, 3, 5)),
    ],
)
def test_the_century_of_a_birth_year(born: str, expected: date) -> None:
    assert parse_td3(zone(born=born), today=TODAY).date_of_birth == expected


def test_a_passport_without_given_names() -> None:
    parsed = parse_td3(zone(names="KIM"), today=TODAY)
    assert (parsed.family_name, parsed.given_names) == ("KIM", "")
