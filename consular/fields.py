"""Parsing the values people type into spreadsheets and forms, with errors that say where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import pycountry

from consular.matching.normalize import normalize_passport


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class FieldError(ValueError):
    """A value that cannot be accepted; the caller adds the row and column."""


@lru_cache(maxsize=1)
def _alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def parse_country(value: str) -> str | None:
    code = value.strip().upper()
    if not code:
        return None
    if code not in _alpha3():
        raise FieldError(f"unknown country code {value!r} (use ISO 3166 alpha-3, e.g. KOR, USA)")
    return code


_SHOWN = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%b": "Mon", "%B": "Month"}


def shown_format(fmt: str) -> str:
    """A date format as a person reads it: ``%m/%d/%Y`` → ``MM/DD/YYYY``."""
    for directive, shown in _SHOWN.items():
        fmt = fmt.replace(directive, shown)
    return fmt


ISO_DATE = "%Y-%m-%d"


def _is_iso_shaped(text: str) -> bool:
    # Exactly YYYY-MM-DD in ASCII digits: there fromisoformat and strptime agree, and
    # fromisoformat alone would also take forms strptime refuses (20250904, 2025-W36-4).
    return (
        len(text) == 10
        and text[4] == text[7] == "-"
        and text.isascii()
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    )


def parse_date(value: str, fmt: str = ISO_DATE) -> date | None:
    text = value.strip()
    if not text:
        return None
    if fmt == ISO_DATE and "T" in text:
        text = text.split("T", 1)[0]
    try:
        if _is_iso_shaped(text):
            # ISO is unambiguous, so it is accepted whatever the file's own format; and
            # strptime costs about 5 µs a call, which shows in a registry of 100,000 births.
            return date.fromisoformat(text)
        return datetime.strptime(text, fmt).date()
    except ValueError:
        raise FieldError(f"{value!r} is not a date in the form {shown_format(fmt)}") from None


def parse_birth_date(value: str, fmt: str = "%Y-%m-%d") -> date | None:
    """A date of birth: never in the future; a two-digit year is the most recent past one."""
    born = parse_date(value, fmt)
    if born is None:
        return None
    today = datetime.now(UTC).date()
    if born > today and "%y" in fmt:
        born = born.replace(year=born.year - 100)
    if born > today:
        raise FieldError(f"date of birth {value!r} is in the future")
    return born


def parse_datetime(value: str, default_zone: str = "UTC") -> datetime | None:
    """ISO date-time; a value without an offset is read in ``default_zone``."""
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(f"{value!r} is not an ISO date-time like 2025-09-04T10:30") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_zone))
    return parsed.astimezone(UTC)


_SEX = {
    "M": "M",
    "MALE": "M",
    "남": "M",
    "남자": "M",
    "F": "F",
    "FEMALE": "F",
    "여": "F",
    "여자": "F",
    "X": "X",
}


def parse_sex(value: str) -> str | None:
    text = value.strip().upper()
    if not text:
        return None
    if text not in _SEX:
        raise FieldError(f"unknown sex {value!r} (use M, F or X)")
    return _SEX[text]


def parse_passport(value: str) -> str | None:
    number = normalize_passport(value)
    if number is not None and not 5 <= len(number) <= 20:
        raise FieldError(f"passport number {value!r} should have 5 to 20 letters and digits")
    return number
