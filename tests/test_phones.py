"""Phone numbers are read as people type them, stored in E.164 and shown as their country
writes them; an impossible number is refused with the reason."""

from __future__ import annotations

import pytest

from consular.fields import FieldError
from consular.i18n import translations
from consular.phones import parse_phone, region_of, shown_international, shown_phone


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("010-1234-5678", "KR", "+821012345678"),
        ("010 1234 5678", "KR", "+821012345678"),
        ("+82 10-1234-5678", "US", "+821012345678"),
        ("(912) 496-7000", "US", "+19124967000"),
        ("912.496.7000", "US", "+19124967000"),
        ("+1 404 522 1611", "KR", "+14045221611"),
        ("  ", "KR", ""),
    ],
)
def test_a_typed_number_is_stored_in_e164(typed: str, region: str, stored: str) -> None:
    assert parse_phone(typed, region) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("12", "phone.too_short"),
        ("+1 912 496 70001", "phone.too_long"),
        ("+999 1234 5678", "phone.no_country"),
        ("010-1234-56789012", "phone.impossible"),
        ("call me", "phone.not_a_number"),
        ("9" * 60, "phone.not_a_number"),
    ],
)
def test_an_impossible_number_is_refused_with_its_reason_in_both_languages(
    typed: str, code: str
) -> None:
    with pytest.raises(FieldError) as refused:
        parse_phone(typed, "KR")
    message = refused.value.message
    assert message.code == code
    korean = message.translated(translations("ko").gettext)
    assert korean != str(message) and any("가" <= ch <= "힣" for ch in korean)


def test_a_stored_number_is_shown_in_its_own_countrys_format() -> None:
    assert shown_phone("+821012345678") == "010-1234-5678"
    assert shown_phone("+19124967000") == "(912) 496-7000"
    assert shown_international("+821012345678") == "+82 10-1234-5678"
    assert shown_phone("ext. 12 at the front desk") == "ext. 12 at the front desk"


def test_the_region_of_a_country() -> None:
    assert region_of("USA") == "US"
    assert region_of("KOR") == "KR"
    assert region_of(None) == "KR"
