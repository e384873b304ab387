"""Parsing the values people type into spreadsheets and forms, with errors that say where."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pycountry
from sqlalchemy.orm import QueryableAttribute

from consular.i18n import N_
from consular.i18n.message import Message, term
from consular.matching.normalize import normalize_passport


@dataclass(frozen=True)
class RowError:
    """A problem of one row, in one of the file's columns (``""``: no one column)."""

    row: int
    column: str
    message: Message

    def as_dict(self) -> dict[str, object]:
        """As a report stores it: the English text, and the message to show it translated."""
        return {
            "row": self.row,
            "column": self.column,
            "message": str(self.message),
            **self.message.as_dict(),
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> RowError:
        """A stored row problem; one stored before messages kept their code is its text."""
        if "template" in stored:
            message = Message.from_dict(stored)
        else:
            message = Message("row.problem", str(stored["message"]))
        return cls(int(stored["row"]), str(stored["column"]), message)

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class FieldError(ValueError):
    """A value that cannot be accepted, said as a ``Message``; the caller adds the row and
    column."""

    def __init__(self, code: str, template: str, /, **params: Any) -> None:
        self.message = Message(code, template, **params)
        super().__init__(str(self.message))


class DoubtfulValue(FieldError):
    """A value that is read but cannot be true: a birth date in the future or 30 February, a
    sex code outside the set. A registry refuses it like any bad value; a list, which the
    consulate cannot correct, keeps the row without it and warns. ``written`` holds a date's
    digits as written (YYYYMMDD), to compare as a possible typing error."""

    def __init__(
        self, code: str, template: str, /, *, written: str | None = None, **params: Any
    ) -> None:
        super().__init__(code, template, **params)
        self.written = written


# Each field a person can meet by its key (a list's fields, a worker's, a plan's facts, the
# columns whose length is bounded), as the pages name it.
FIELD_LABELS = {
    # A list's rows (the import wizard offers them in this order: incidents.listrows.FIELDS)
    "id": N_("Row id on the list"),
    "full_name": N_("Full name (Latin)"),
    "family_name": N_("Family name (Latin)"),
    "given_name": N_("Given name (Latin)"),
    "full_name_hangul": N_("Full name (Hangul)"),
    "family_name_hangul": N_("Family name (Hangul)"),
    "given_name_hangul": N_("Given name (Hangul)"),
    "date_of_birth": N_("Date of birth"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "country_of_birth": N_("Country of birth"),
    "passport_number": N_("Passport number"),
    "facility": N_("Facility"),
    "host_identifier": N_("Host authority's number"),
    "arrested_at": N_("Arrested at"),
    "address": N_("Address"),
    "postcode": N_("Postcode"),
    "employer": N_("Employer"),
    # A worker and a trip registered by an employer, and the plan the screen reads
    "mrz": N_("Passport machine-readable zone (two lines)"),
    "passport_expires_on": N_("Passport expiry date"),
    "worksite": N_("Worksite"),
    "role": N_("Role"),
    "entry_date": N_("Entry date"),
    "planned_end": N_("Planned end"),
    "entry_status": N_("Entry status"),
    "activity": N_("Activity"),
    "equipment_purchased_abroad": N_("Equipment bought from a company outside the US"),
    "contract_requires_seller_service": N_("The sale contract requires the seller's service"),
    "specialized_knowledge": N_("Specialized knowledge essential to the contract"),
    "paid_by_us_source": N_("Paid by a US source"),
    "hands_on": N_("Does hands-on work"),
    "stay_days": N_("Days of stay"),
    "prior_us_refusal_or_violation": N_("Earlier US visa refusal or violation"),
    "briefing_conceals_activity": N_("The travel briefing hides the activity"),
    # Other text a length refusal can name (consular.db's guard)
    "body": N_("Note"),
    "note": N_("Note"),
    "evidence": N_("How it was done"),
    "special_needs": N_("Special needs"),
    "given_by": N_("Given by"),
    "statement": N_("What was said"),
    "source": N_("Source"),
    "name": N_("Name"),
    "contact_name": N_("Name"),
    "number": N_("Flight number"),
    "carrier": N_("Airline"),
    "origin": N_("Departure airport"),
    "destination": N_("Arrival airport"),
    "title": N_("Title"),
    "place": N_("Place"),
    "agency": N_("Agency"),
}


def field_label(key: str) -> Message | str:
    """A field's name as the pages give it, translated where it is shown; an unknown key
    (a file's own column) as it is."""
    label = FIELD_LABELS.get(key)
    return key if label is None else term(f"field.{key}", label)


# Forms people write that pycountry does not carry: US agencies' "BURMA", short English
# names, Korean names, abbreviations. Keys are compared as ``_country_key`` leaves them.
COUNTRY_ALIASES = {
    "ROK": "KOR",
    "한국": "KOR",
    "남한": "KOR",
    "大韓民國": "KOR",
    "韓國": "KOR",
    "DPRK": "PRK",
    "북한": "PRK",
    "북조선": "PRK",
    "AMERICA": "USA",
    "미합중국": "USA",
    "UK": "GBR",
    "GREAT BRITAIN": "GBR",
    "BRITAIN": "GBR",
    "PRC": "CHN",
    "CHINA, MAINLAND": "CHN",
    "ROC": "TWN",
    "대만": "TWN",
    "중화민국": "TWN",
    "BURMA": "MMR",
    "버마": "MMR",
    "RUSSIA": "RUS",
    "러시아": "RUS",
    "호주": "AUS",
    "TURKEY": "TUR",
    "터키": "TUR",
    "IVORY COAST": "CIV",
    "CAPE VERDE": "CPV",
    "SWAZILAND": "SWZ",
    "MACEDONIA": "MKD",
    "HOLLAND": "NLD",
    "BRUNEI": "BRN",
    "VATICAN": "VAT",
    "UAE": "ARE",
    "CONGO (KINSHASA)": "COD",
    "CONGO (BRAZZAVILLE)": "COG",
    "DR CONGO": "COD",
    "DRC": "COD",
}
# Written alone, these name more than one country: the refusal says which forms to use.
_AMBIGUOUS_COUNTRIES = {"KOREA": ("KOREA, SOUTH (KOR)", "KOREA, NORTH (PRK)")}
_COUNTRY_FILLERS = frozenset({"THE", "OF"})
# Gone without a trace, so that "U.S.A." is USA and "People's" is PEOPLES.
_COUNTRY_DROPPED = frozenset(".'’")


def _country_key(text: str) -> str:
    """Case, accents, punctuation and word order ignored: "Korea, Republic of" is "Republic of
    Korea", "KOREA, SOUTH" is "South Korea", "U.S.A." is "USA", "대한 민국" is "대한민국"."""
    folded = unicodedata.normalize("NFKD", text.replace("&", " AND "))
    letters = "".join(
        ch if ch.isalnum() else " "
        for ch in folded
        if not unicodedata.combining(ch) and ch not in _COUNTRY_DROPPED
    ).upper()
    words = [w for w in letters.split() if w not in _COUNTRY_FILLERS]
    if any(not w.isascii() for w in words):
        return "".join(words)  # Korean and Chinese names: spacing is not part of the name
    return " ".join(sorted(words))


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Every written form of every country, keyed by ``_country_key``, with its alpha-3 code."""
    korean = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, ["ko"], fallback=True)
    forms: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = [
            getattr(country, attribute, None)
            for attribute in ("name", "official_name", "common_name")
        ]
        written = [country.alpha_2, country.alpha_3, country.numeric, str(int(country.numeric))]
        written += [n for n in names if n] + [korean.gettext(n) for n in names if n]
        for form in written:
            forms.setdefault(_country_key(form), set()).add(country.alpha_3)
    # A form that names two countries names neither; an alias settles what it means.
    table = {key: next(iter(codes)) for key, codes in forms.items() if len(codes) == 1}
    table.update((_country_key(form), code) for form, code in COUNTRY_ALIASES.items())
    return table


@lru_cache(maxsize=4096)
def parse_country(value: str) -> str | None:
    """A country as people write it, as its ISO 3166 alpha-3 code: ``KOREA, SOUTH`` → KOR.

    ISO alpha-2, alpha-3 and numeric codes, English short, official and common names, the
    forms US agencies use and Korean names, whatever the case and punctuation.
    """
    text = value.strip()
    if not text:
        return None
    key = _country_key(text)
    code = _countries().get(key)
    if code is not None:
        return code
    if key in _AMBIGUOUS_COUNTRIES:
        one, other = _AMBIGUOUS_COUNTRIES[key]
        raise FieldError(
            "cell.ambiguous_country",
            N_("“%(value)s” could be more than one country: write %(one)s or %(other)s."),
            value=value,
            one=one,
            other=other,
        )
    raise FieldError(
        "cell.unknown_country",
        N_(
            "“%(value)s” is not a country this system reads: write an ISO code (KOR, KR, 410), "
            "an English name (South Korea, KOREA, SOUTH, Republic of Korea) or a Korean name "
            "(대한민국, 한국, 미국)."
        ),
        value=value,
    )


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
        raise FieldError(
            "cell.bad_date",
            N_("“%(value)s” is not a date in the form %(form)s."),
            value=value,
            form=shown_format(fmt),
        ) from None


def parse_birth_date(value: str, fmt: str = "%Y-%m-%d") -> date | None:
    """A date of birth: never in the future; a two-digit year is the most recent past one.

    A value written as a date that cannot be one (30 February, a month 13, a day in the
    future) is a ``DoubtfulValue`` carrying its digits as written.
    """
    try:
        born = parse_date(value, fmt)
    except FieldError:
        digits = written_date_digits(value, fmt)
        if digits is None:
            raise
        raise DoubtfulValue(
            "cell.unreal_date",
            N_("“%(value)s” is not a real date in the form %(form)s."),
            written=digits,
            value=value,
            form=shown_format(fmt),
        ) from None
    if born is None:
        return None
    today = datetime.now(UTC).date()
    if born > today and "%y" in fmt:
        born = born.replace(year=born.year - 100)
    if born > today:
        raise DoubtfulValue(
            "cell.future_birth",
            N_("The date of birth “%(value)s” is in the future."),
            written=_digits(born),
            value=value,
        )
    return born


@dataclass(frozen=True)
class TypedDate:
    """A date as someone typed it into a search: the day, the form it was read in
    (``DD/MM/YYYY``), and whether day and month could have been read the other way."""

    day: date
    form: str
    ambiguous: bool = False


_TYPED_PARTS = re.compile(r"(\d{1,4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,4})\.?")


def read_typed_date(value: str, *, month_first: bool = False) -> TypedDate | None:
    """A date of birth typed as people type them: 1980.04.21, 1980-4-21, 80-04-21,
    19800421, 800421, 21/04/1980; with the year last, day and month are read in the order
    ``month_first`` says (a US post's MM/DD/YYYY) unless one of them is over 12. A two-digit
    year is the most recent past one."""
    text = value.strip()
    if not text:
        return None
    parts = _TYPED_PARTS.fullmatch(text)
    if parts is not None:
        first, middle, last = parts.groups()
        ahead = _year_first(first, middle, last)
        behind = _year_last(first, middle, last, month_first) if len(first) < 4 else None
        # Two-digit years: 80-04-21 (as Koreans write) unless slashes say 21/04/80.
        typed = (behind or ahead) if len(last) == 4 or "/" in text else (ahead or behind)
        if typed is not None and ahead and behind and ahead.day != behind.day:
            typed = TypedDate(typed.day, typed.form, ambiguous=True)
    elif text.isdigit() and len(text) in (6, 8):
        typed = _year_first(text[:-4], text[-4:-2], text[-2:])
    else:
        typed = None
    if typed is None:
        raise FieldError(
            "search.bad_date",
            N_("“%(value)s” is not a date: write it as 1980-04-21, 1980.04.21 or 19800421."),
            value=value,
        )
    return typed


def _typed_day(year: str, month: str, day: str, form: str, ambiguous: bool) -> TypedDate | None:
    today = datetime.now(UTC).date()
    number = int(year) + (1900 if len(year) == 2 else 0)
    if len(year) == 2 and number + 100 <= today.year:
        number += 100
    try:
        born = date(number, int(month), int(day))
    except ValueError:
        return None
    if len(year) == 2 and born > today:
        born = born.replace(year=born.year - 100)
    return TypedDate(born, form.replace("YYYY", "YY" if len(year) == 2 else "YYYY"), ambiguous)


def _year_first(year: str, month: str, day: str) -> TypedDate | None:
    return _typed_day(year, month, day, "YYYY-MM-DD", False) if len(year) in (2, 4) else None


def _year_last(first: str, middle: str, year: str, month_first: bool) -> TypedDate | None:
    if len(year) not in (2, 4):
        return None
    if int(first) > 12 or int(middle) > 12:
        month_first = int(middle) > 12
        ambiguous = False
    else:
        ambiguous = first != middle
    if month_first:
        return _typed_day(year, first, middle, "MM/DD/YYYY", ambiguous)
    return _typed_day(year, middle, first, "DD/MM/YYYY", ambiguous)


def _digits(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


_DATE_PARTS = {"%Y": r"(?P<year>\d{4})", "%m": r"(?P<month>\d{1,2})", "%d": r"(?P<day>\d{1,2})"}


@lru_cache(maxsize=32)
def _date_shape(fmt: str) -> re.Pattern[str] | None:
    """The pattern of digits a format writes, whatever their values; ``None`` for a format
    without a four-digit year, a month number and a day."""
    pattern = ""
    for part in re.split(r"(%.)", fmt):
        if part in _DATE_PARTS:
            pattern += _DATE_PARTS[part]
        elif part.startswith("%"):
            return None
        else:
            pattern += re.escape(part)
    return re.compile(pattern) if all(p in fmt for p in _DATE_PARTS) else None


def written_date_digits(value: str, fmt: str = ISO_DATE) -> str | None:
    """A value shaped as a date in ``fmt`` (or ISO), as its digits YYYYMMDD, real or not:
    ``30/02/1980`` in DD/MM/YYYY is ``19800230``; ``None`` for anything else."""
    text = value.strip()
    for form in (fmt, ISO_DATE):
        shape = _date_shape(form)
        found = shape.fullmatch(text) if shape is not None else None
        if found is not None:
            return found["year"] + found["month"].zfill(2) + found["day"].zfill(2)
    return None


def parse_datetime(value: str, default_zone: str = "UTC") -> datetime | None:
    """ISO date-time; a value without an offset is read in ``default_zone``."""
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(
            "cell.bad_datetime",
            N_("“%(value)s” is not a date and time like 2025-09-04T10:30."),
            value=value,
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_zone))
    return parsed.astimezone(UTC)


_SEX = {
    "M": "M",
    "MALE": "M",
    "남": "M",
    "남자": "M",
    "남성": "M",
    "F": "F",
    "FEMALE": "F",
    "여": "F",
    "여자": "F",
    "여성": "F",
    "X": "X",
}


def parse_sex(value: str) -> str | None:
    text = value.strip().upper()
    if not text:
        return None
    if text not in _SEX:
        raise DoubtfulValue(
            "cell.unknown_sex",
            N_("“%(value)s” is not a sex (use M, F or X; male, female; 남, 여)."),
            value=value,
        )
    return _SEX[text]


def parse_passport(value: str) -> str | None:
    number = normalize_passport(value)
    if number is not None and not 5 <= len(number) <= 20:
        raise FieldError(
            "cell.bad_passport",
            N_("The passport number “%(value)s” should have 5 to 20 letters and digits."),
            value=value,
        )
    return number


# --- text: one length limit per column, and no control characters -----------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def limit_of(column: Any) -> int:
    """The most characters a text column holds: its ``String(n)`` length, or for an unbounded
    ``Text`` column the ``info={"max_length": n}`` it declares."""
    if isinstance(column, QueryableAttribute):  # a mapped attribute, like Person.family_name
        # Read off the table, which needs no mapper configured (schemas use it at import).
        column = column.class_.__table__.columns[column.key]
    limit = column.info.get("max_length") or getattr(column.type, "length", None)
    if not limit:
        raise TypeError(f"column {column} declares no length limit")
    return int(limit)


def check_length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise FieldError(
            "cell.too_long",
            N_("%(count)s characters, more than the %(limit)s allowed."),
            count=f"{len(text):,}",
            limit=f"{limit:,}",
        )
    return text


def parse_text(value: str, limit: int) -> str:
    """A one-line value (a name, a place, a role): line breaks, tabs and other control
    characters (an Excel Alt+Enter cell) become one space; at most ``limit`` characters."""
    text = value.strip()
    if not text.isprintable() or "  " in text:  # (the check alone is what most cells cost)
        text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else check_length(text, limit)


def parse_contact(value: str, limit: int) -> str:
    """A phone number or an e-mail address: a line break or another control character in it
    is refused, never cleaned, as it would reach a message's header."""
    text = value.strip()
    if _CONTROL.search(text):
        raise FieldError(
            "cell.control_character",
            N_(
                "“%(value)s” holds a line break or another control character: write it on one line."
            ),
            value=_visible(text),
        )
    return check_length(text, limit)


def _visible(text: str) -> str:
    # A line break shown as \n, so that a person sees where it is.
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# Latin letters only: a Hangul name typed with the keyboard in Latin layout ('rlaalswns').
_KEYBOARD_LETTERS = re.compile(r"[A-Za-z]+")


def is_hangul(text: str) -> bool:
    """Whether ``text`` is a Hangul full name without spaces: two syllables or more."""
    return len(text) >= 2 and _is_syllables(text)


_SYLLABLES = re.compile(r"[\uac00-\ud7a3]*")


def _is_syllables(text: str) -> bool:
    return _SYLLABLES.fullmatch(text) is not None


def _composed(value: str) -> str:
    # Decomposed jamo (as some systems write Hangul) compose into the syllables they spell.
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def parse_hangul_name(value: str, limit: int) -> str | None:
    """A Hangul family or given name: precomposed Hangul syllables only (decomposed jamo are
    composed first), no spaces, no Latin letters or digits."""
    text = parse_text(_composed(value), limit)
    if not text:
        return None
    if not _is_syllables(text):
        raise FieldError(
            "cell.not_hangul",
            N_(
                "“%(value)s” is not a Hangul name: write it in Hangul syllables only, without "
                "spaces, Latin letters or digits."
            ),
            value=text,
        )
    return text


def parse_hangul_full_name(value: str, limit: int) -> str | None:
    """A Hangul full name, family first: Hangul syllables, a space between the family and the
    given name allowed; or Latin letters only, a Hangul name typed in the wrong keyboard
    layout, which the matching reads as Hangul."""
    text = parse_text(_composed(value), limit)
    if not text:
        return None
    if _KEYBOARD_LETTERS.fullmatch(text.replace(" ", "")):
        return text
    parts = text.split(" ")
    if len(parts) > 2 or not _is_syllables("".join(parts)):
        raise FieldError(
            "cell.not_hangul_full",
            N_(
                "“%(value)s” is not a Hangul name: write it in Hangul syllables, with at most one "
                "space after the family name."
            ),
            value=text,
        )
    return text


def shorten_file_name(name: str, limit: int) -> str:
    """A file name kept to ``limit`` characters: the end of the stem is cut, the extension
    kept, so ``…long name….csv`` still says what it is."""
    name = parse_text(name, len(name) + 1)
    if len(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        return name[: limit - 1] + "…"
    return f"{stem[: limit - len(suffix) - 2]}….{suffix}"
