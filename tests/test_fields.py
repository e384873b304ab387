"""The values people type into spreadsheets: what is accepted, and what the error says."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from consular.cases.models import Case
from consular.fields import (
    FIELD_LABELS,
    DoubtfulValue,
    FieldError,
    field_label,
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
from consular.i18n import translations
from consular.i18n.message import shown
from consular.registry.models import Person


def test_two_digit_years_of_birth_are_in_the_past() -> None:
    assert parse_birth_date("03/14/65", "%m/%d/%y") == date(1965, 3, 14)
    assert parse_birth_date("03/14/01", "%m/%d/%y") == date(2001, 3, 14)


def test_a_birth_date_in_the_future_is_an_error() -> None:
    with pytest.raises(FieldError, match="in the future"):
        parse_birth_date("2999-01-01")


@pytest.mark.parametrize(
    ("value", "fmt", "written", "message"),
    [
        ("2052-11-15", "%Y-%m-%d", "20521115", "The date of birth “2052-11-15” is in the future"),
        (
            "30/02/1980",
            "%d/%m/%Y",
            "19800230",
            "“30/02/1980” is not a real date in the form DD/MM/YYYY",
        ),
        ("02/30/1980", "%m/%d/%Y", "19800230", "not a real date in the form MM/DD/YYYY"),
        ("1988-13-14", "%m/%d/%Y", "19881314", "not a real date"),
        ("19800230", "%Y%m%d", "19800230", "not a real date in the form YYYYMMDD"),
    ],
)
def test_a_date_that_cannot_be_true_keeps_its_digits_as_written(
    value: str, fmt: str, written: str, message: str
) -> None:
    with pytest.raises(DoubtfulValue, match=message) as raised:
        parse_birth_date(value, fmt)
    assert raised.value.written == written


def test_a_value_that_is_no_date_at_all_is_an_error_not_a_doubt() -> None:
    for value, fmt in (("unknown", "%Y-%m-%d"), ("1990-31", "%Y-%m-%d"), ("14.03.88", "%m/%d/%y")):
        with pytest.raises(FieldError) as raised:
            parse_birth_date(value, fmt)
        assert not isinstance(raised.value, DoubtfulValue)
    with pytest.raises(DoubtfulValue, match="“W” is not a sex"):
        parse_sex("W")


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


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # ISO 3166 alpha-3, alpha-2 and numeric, any case
        (" kor ", "KOR"),
        ("KR", "KOR"),
        ("410", "KOR"),
        ("usa", "USA"),
        ("4", "AFG"),
        # English short, official and common names
        ("Korea, Republic of", "KOR"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("United States of America", "USA"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Trinidad & Tobago", "TTO"),
        # as US agencies write them
        ("KOREA, SOUTH", "KOR"),
        ("Korea (South)", "KOR"),
        ("korea-south", "KOR"),
        ("ROK", "KOR"),
        ("KOREA, NORTH", "PRK"),
        ("MEXICO", "MEX"),
        ("CHINA, PEOPLE'S REPUBLIC OF", "CHN"),
        ("U.S.A.", "USA"),
        ("BURMA", "MMR"),
        ("RUSSIA", "RUS"),
        ("Turkey", "TUR"),
        # in Korean
        ("대한민국", "KOR"),
        ("대한 민국", "KOR"),
        ("한국", "KOR"),
        ("미국", "USA"),
        ("멕시코", "MEX"),
        ("중국", "CHN"),
        ("일본", "JPN"),
        ("베트남", "VNM"),
        ("필리핀", "PHL"),
        ("태국", "THA"),
        ("북한", "PRK"),
        ("대만", "TWN"),
        ("러시아", "RUS"),
    ],
)
def test_countries_are_read_as_people_write_them(written: str, code: str) -> None:
    assert parse_country(written) == code


def test_a_country_that_is_not_read_says_which_forms_are() -> None:
    with pytest.raises(FieldError, match="KOREA, SOUTH") as raised:
        parse_country("Atlantis")
    assert "“Atlantis” is not a country" in str(raised.value) and "대한민국" in str(raised.value)
    assert raised.value.message.code == "cell.unknown_country"
    # North or South: an officer must say which.
    with pytest.raises(FieldError, match="more than one country"):
        parse_country("KOREA")
    assert parse_country("  ") is None


def test_codes_sex_and_passports() -> None:
    assert parse_country(" kor ") == "KOR"
    with pytest.raises(FieldError, match="KOREA"):
        parse_country("KOREA")
    assert parse_sex("여") == "F" and parse_sex("male") == "M"
    assert [parse_sex(v) for v in ("m", "Female", "x", "남자", "여성", "남성")] == [
        "M",
        "F",
        "X",
        "M",
        "F",
        "M",
    ]
    with pytest.raises(FieldError):
        parse_sex("unknown")
    assert parse_passport(" m1234-5678 ") == "M12345678"
    with pytest.raises(FieldError, match="5 to 20"):
        parse_passport("M1")


@pytest.mark.parametrize("value", ["민 준", "민준a", "민준1", "ㅁㅣㄴ"])
def test_a_hangul_name_with_anything_but_hangul_syllables_is_refused(value: str) -> None:
    with pytest.raises(FieldError, match=f"“{value}” is not a Hangul name: write it") as raised:
        parse_hangul_name(value, 40)
    assert raised.value.message.params == {"value": value}


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
    with pytest.raises(FieldError, match=r"^150 characters, more than the 80 allowed\.$"):
        parse_text("A" * 150, limit_of(Person.family_name))


def test_a_text_column_declares_its_bound() -> None:
    assert limit_of(Case.special_needs) == 500


def test_a_long_file_name_is_shortened_and_keeps_its_extension() -> None:
    name = shorten_file_name("명단" * 150 + ".xlsx", 255)
    assert len(name) == 255 and name.endswith("….xlsx")
    assert shorten_file_name("list.csv", 255) == "list.csv"


def test_a_refused_value_reads_in_korean_with_the_value_it_quotes() -> None:
    korean = translations("ko").gettext
    said = []
    for parse, value in (
        (parse_country, "Atlantis"),
        (parse_country, "KOREA"),
        (parse_sex, "W"),
        (parse_passport, "M12"),
    ):
        with pytest.raises(FieldError) as raised:
            parse(value)
        said.append(raised.value.message.translated(korean))
    assert said == [
        "“Atlantis”는 읽을 수 있는 국가가 아닙니다. ISO 코드(KOR, KR, 410), 영어 이름"
        "(South Korea, KOREA, SOUTH, Republic of Korea) 또는 한국어 이름(대한민국, 한국, 미국)"
        "으로 쓰십시오.",
        "“KOREA”는 둘 이상의 국가일 수 있습니다. KOREA, SOUTH (KOR) 또는 KOREA, NORTH (PRK)로 "
        "쓰십시오.",
        "“W”는 성별 값이 아닙니다 (M, F 또는 X; male, female; 남, 여).",
        "여권 번호 “M12”는 문자와 숫자 5~20자여야 합니다.",
    ]


def test_a_field_key_is_named_by_its_label_and_a_files_own_column_as_written() -> None:
    korean = translations("ko").gettext
    assert shown(field_label("full_name_hangul"), korean) == "성명 (한글)"
    assert str(field_label("date_of_birth")) == "Date of birth"
    assert field_label("Booking Date") == "Booking Date"
    assert all(korean(label) != label for label in FIELD_LABELS.values())
