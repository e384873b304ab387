"""Phone numbers: read as people type them, stored in E.164, shown as their country writes them.

A number typed without a country code is read in the country the typist has in mind: a
family's number in Korea (``KR``), a facility's or a field office's in the host country (the
post's). ``+`` and a country code always win. A number that cannot be a phone number is
refused where it is typed, with the reason (too short, too long, no such country code, not a
number of that country); a blank stays blank. Stored numbers are E.164 (``+821012345678``);
``shown_phone`` gives them back in the national format of their own country (``010-1234-5678``)
and leaves older free text, stored before numbers were checked, as it was written.

The rules are the ``phonenumbers`` library's (Google's libphonenumber metadata), which is
offline data: nothing is looked up at run time.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from consular.fields import FieldError
from consular.i18n import N_

# Where a number typed without a country code is read when the caller says nothing else.
HOME_REGION = "KR"

_TOO_LONG = 40  # what a typed number may hold before it is not read at all


def region_of(country: str | None, default: str = HOME_REGION) -> str:
    """The two-letter region of an ISO 3166 country (``USA`` → ``US``), for reading numbers."""
    if not country:
        return default
    code = country.strip().upper()
    if len(code) == 2:
        return code
    import pycountry

    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2 if found is not None else default


def parse_phone(value: str, region: str = HOME_REGION) -> str:
    """``value`` in E.164, or ``""`` for a blank; ``FieldError`` saying why it cannot be one."""
    text = " ".join(value.split())
    if not text:
        return ""
    if len(text) > _TOO_LONG or not any(ch.isdigit() for ch in text):
        raise _not_a_number(text)
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise _no_country(text) from None
        if error.error_type == NumberParseException.TOO_LONG:
            raise _too_long(text) from None
        if error.error_type in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            raise _too_short(text) from None
        raise _not_a_number(text) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.TOO_SHORT:
        raise _too_short(text)
    if reason == ValidationResult.TOO_LONG:
        raise _too_long(text)
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        raise _no_country(text)
    if not phonenumbers.is_valid_number(number):
        raise FieldError(
            "phone.impossible",
            N_(
                "“%(value)s” cannot be a phone number in %(region)s: check the digits, or "
                "write the country code after a + (+82 for Korea, +1 for the United States)."
            ),
            value=text,
            region=phonenumbers.region_code_for_number(number) or region,
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _not_a_number(text: str) -> FieldError:
    return FieldError(
        "phone.not_a_number",
        N_("“%(value)s” is not a phone number: write its digits, e.g. 010-1234-5678."),
        value=text[:_TOO_LONG],
    )


def _too_short(text: str) -> FieldError:
    return FieldError(
        "phone.too_short",
        N_("“%(value)s” is too short to be a phone number: write every digit."),
        value=text,
    )


def _too_long(text: str) -> FieldError:
    return FieldError(
        "phone.too_long",
        N_("“%(value)s” has more digits than a phone number can have."),
        value=text,
    )


def _no_country(text: str) -> FieldError:
    return FieldError(
        "phone.no_country",
        N_("“%(value)s” starts with a country code that does not exist."),
        value=text,
    )


def shown_phone(stored: str) -> str:
    """A stored number as its own country writes it (``+821012345678`` → ``010-1234-5678``)."""
    if not stored.startswith("+"):
        return stored  # older free text, kept as it was written
    try:
        number = phonenumbers.parse(stored, None)
    except NumberParseException:
        return stored
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def shown_international(stored: str) -> str:
    """A stored number with its country code, as a caller abroad dials it (``+82 10-…``)."""
    if not stored.startswith("+"):
        return stored
    try:
        number = phonenumbers.parse(stored, None)
    except NumberParseException:
        return stored
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
