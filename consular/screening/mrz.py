"""Passport machine-readable zones: the two 44-character lines of a TD3 passport (ICAO Doc 9303
part 4), read as a person pastes them, every check digit verified, never corrected.

A pure module: text in, a `PassportMRZ` or an `MRZError` naming each problem out, each a
`Message` that names the line, the positions and the field as Doc 9303 numbers them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from consular.i18n import N_
from consular.i18n.message import Message, term

LINE_LENGTH = 44
_MRZ_CHARACTERS = frozenset(string.ascii_uppercase + string.digits + "<")
# Checked before upper-casing: str.upper() maps some non-ASCII letters ("ß", "ı") onto
# ASCII ones, which would let them pass as MRZ characters.
_PASTED_CHARACTERS = _MRZ_CHARACTERS | frozenset(string.ascii_lowercase)
_CHECK_WEIGHTS = (7, 3, 1)
_STATE_CODE = re.compile(r"[A-Z]+<*")
_UNKNOWN_DATE = "<<<<<<"


class MRZError(ValueError):
    """The text is not a valid TD3 machine-readable zone; `problems` lists every fault found."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class PassportMRZ:
    """The fields of a TD3 machine-readable zone, filler characters removed."""

    document_type: str
    issuing_state: str
    family_name: str
    given_names: str
    passport_number: str
    nationality: str
    date_of_birth: date | None
    sex: str
    expiry_date: date
    personal_number: str


@dataclass(frozen=True)
class _Field:
    """A fixed span of one line, 1-based and inclusive, as Doc 9303 numbers it."""

    line: int
    spans: str  # "1-9", or "21" for one position
    label: Message
    start: int = 0
    end: int = 0

    def read(self, lines: tuple[str, str]) -> str:
        return lines[self.line - 1][self.start - 1 : self.end]

    def problem(self, code: str, template: str, **values: Any) -> Message:
        """A problem of this field; ``template`` starts "Line %(line)s, %(where)s (%(label)s)"."""
        if "-" in self.spans:
            where = Message("mrz.positions", N_("positions %(spans)s"), spans=self.spans)
        else:
            where = Message("mrz.position", N_("position %(spans)s"), spans=self.spans)
        return Message(code, template, line=self.line, where=where, label=self.label, **values)


def _field(line: int, start: int, end: int, label: Message) -> _Field:
    spans = f"{start}-{end}" if start != end else str(start)
    return _Field(line, spans, label, start, end)


_DOCUMENT_TYPE = _field(1, 1, 2, term("mrz.document_type", N_("document type")))
_ISSUING_STATE = _field(1, 3, 5, term("mrz.issuing_state", N_("issuing state")))
_NAME = _field(1, 6, 44, term("mrz.name", N_("holder's name")))
_PASSPORT_NUMBER = _field(2, 1, 9, term("mrz.passport_number", N_("passport number")))
_NATIONALITY = _field(2, 11, 13, term("mrz.nationality", N_("holder's nationality")))
_DATE_OF_BIRTH = _field(2, 14, 19, term("mrz.date_of_birth", N_("date of birth")))
_SEX = _field(2, 21, 21, term("mrz.sex", N_("sex")))
_EXPIRY_DATE = _field(2, 22, 27, term("mrz.expiry_date", N_("expiry date")))
_PERSONAL_NUMBER = _field(2, 29, 42, term("mrz.personal_number", N_("personal number")))
_COMPOSITE = _Field(2, "1-10, 14-20, 22-43", term("mrz.composite", N_("composite")))


def check_digit(data: str) -> int:
    """The Doc 9303 check digit of `data` (A-Z, 0-9 and `<` only): each character's value
    (digits as themselves, A=10 … Z=35, `<`=0) times the weights 7, 3, 1 repeating, summed,
    modulo 10. Raises ValueError on any other character."""
    total = 0
    for index, char in enumerate(data):
        if char not in _MRZ_CHARACTERS:
            raise ValueError(f"{char!r} is not an MRZ character (A-Z, 0-9, <)")
        value = 0 if char == "<" else int(char, 36)
        total += value * _CHECK_WEIGHTS[index % 3]
    return total % 10


def parse_td3(text: str, *, today: date | None = None) -> PassportMRZ:
    """Parse the two lines of a passport's machine-readable zone (TD3, 2 × 44 characters).

    Surrounding whitespace, blank lines, Windows or Unix newlines and lower-case letters are
    accepted; anything else (a space inside a line, a wrong length, a third line) is not.
    Every check digit is verified. A two-digit birth year above `today`'s (default: the
    current date) is read as 19xx, otherwise 20xx; expiry years are always 20xx.
    Raises MRZError listing every problem found.
    """
    lines = _split_lines(text)
    problems: list[Message] = []
    document_type, issuing_state, family_name, given_names = _read_line_1(lines, problems)
    passport_number = _read_code(_PASSPORT_NUMBER, lines, problems)
    _verify(_PASSPORT_NUMBER, _PASSPORT_NUMBER.read(lines), lines[1][9], problems)
    nationality = _read_state(_NATIONALITY, lines, problems)
    pivot = (today or date.today()).year % 100
    date_of_birth = _read_date(
        _DATE_OF_BIRTH, lines, problems, century=lambda yy: 1900 if yy > pivot else 2000
    )
    _verify(_DATE_OF_BIRTH, _DATE_OF_BIRTH.read(lines), lines[1][19], problems)
    sex = _read_sex(lines, problems)
    expiry_date = _read_date(_EXPIRY_DATE, lines, problems, century=lambda yy: 2000)
    _verify(_EXPIRY_DATE, _EXPIRY_DATE.read(lines), lines[1][27], problems)
    personal_number = _read_personal_number(lines, problems)
    composite_data = lines[1][0:10] + lines[1][13:20] + lines[1][21:43]
    _verify(_COMPOSITE, composite_data, lines[1][43], problems)
    if problems:
        raise MRZError(problems)
    # An unreadable expiry always adds a problem, so here it is a date.
    assert expiry_date is not None
    return PassportMRZ(
        document_type=document_type,
        issuing_state=issuing_state,
        family_name=family_name,
        given_names=given_names,
        passport_number=passport_number,
        nationality=nationality,
        date_of_birth=date_of_birth,
        sex=sex,
        expiry_date=expiry_date,
        personal_number=personal_number,
    )


def _split_lines(text: str) -> tuple[str, str]:
    """The two lines, upper-cased; raises MRZError on any structural fault, since field checks
    on a misaligned line would only report noise."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 2:
        said = N_("The machine-readable zone is two lines of 44 characters; %(count)s were given.")
        raise MRZError([Message("mrz.line_count", said, count=len(lines))])
    problems: list[Message] = []
    for number, line in enumerate(lines, start=1):
        if len(line) != LINE_LENGTH:
            said = N_("Line %(line)s has %(count)s characters instead of 44.")
            problems.append(Message("mrz.line_length", said, line=number, count=len(line)))
        bad = [
            (position, char)
            for position, char in enumerate(line, start=1)
            if char not in _PASTED_CHARACTERS
        ]
        if bad:
            problems.append(
                Message(
                    "mrz.bad_characters",
                    N_(
                        "Line %(line)s, position(s) %(where)s: %(chars)s cannot be in the zone "
                        "(only A-Z, 0-9 and <)."
                    ),
                    line=number,
                    where=", ".join(str(position) for position, _ in bad),
                    chars=", ".join(f"“{char}”" for _, char in bad),
                )
            )
    if lines[0][0] not in "Pp":
        problems.append(
            _field(1, 1, 1, _DOCUMENT_TYPE.label).problem(
                "mrz.not_a_passport",
                N_("Line %(line)s, %(where)s (%(label)s): “%(value)s” is not P: not a passport."),
                value=lines[0][0],
            )
        )
    if problems:
        raise MRZError(problems)
    return lines[0].upper(), lines[1].upper()


def _read_line_1(lines: tuple[str, str], problems: list[Message]) -> tuple[str, str, str, str]:
    """Document type, issuing state, family name and given names."""
    document_type = _DOCUMENT_TYPE.read(lines)
    if not document_type[1].isalpha() and document_type[1] != "<":
        problems.append(
            _DOCUMENT_TYPE.problem(
                "mrz.bad_document_type",
                N_("Line %(line)s, %(where)s (%(label)s): “%(value)s” is not P and a letter or <."),
                value=document_type,
            )
        )
    issuing_state = _read_state(_ISSUING_STATE, lines, problems)
    name = _NAME.read(lines)
    if any(char.isdigit() for char in name):
        problems.append(
            _NAME.problem(
                "mrz.digits_in_name",
                N_("Line %(line)s, %(where)s (%(label)s): digits are not allowed in a name."),
            )
        )
    # Primary and secondary identifiers are separated by "<<", name parts by "<".
    primary, _, secondary = name.rstrip("<").partition("<<")
    family_name = " ".join(part for part in primary.split("<") if part)
    given_names = " ".join(part for part in secondary.split("<") if part)
    if not family_name:
        problems.append(
            _NAME.problem(
                "mrz.no_family_name",
                N_("Line %(line)s, %(where)s (%(label)s): no family name (primary identifier)."),
            )
        )
    return document_type.rstrip("<"), issuing_state, family_name, given_names


def _read_state(field: _Field, lines: tuple[str, str], problems: list[Message]) -> str:
    """A state code: letters, padded with filler on the right (Germany is "D<<")."""
    raw = field.read(lines)
    if not _STATE_CODE.fullmatch(raw):
        problems.append(
            field.problem(
                "mrz.bad_state",
                N_(
                    "Line %(line)s, %(where)s (%(label)s): “%(value)s” is not a state code "
                    "(letters, then < filler)."
                ),
                value=raw,
            )
        )
    return raw.rstrip("<")


def _read_code(field: _Field, lines: tuple[str, str], problems: list[Message]) -> str:
    """A document or personal number, filler removed from the right; empty is a problem."""
    value = field.read(lines).rstrip("<")
    if not value:
        problems.append(
            field.problem("mrz.empty", N_("Line %(line)s, %(where)s (%(label)s): empty."))
        )
    return value


def _read_date(
    field: _Field,
    lines: tuple[str, str],
    problems: list[Message],
    *,
    century: Callable[[int], int],
) -> date | None:
    """A YYMMDD date; all filler means unknown, which only a date of birth may be."""
    raw = field.read(lines)
    if raw == _UNKNOWN_DATE and field is _DATE_OF_BIRTH:
        return None
    if not raw.isdigit():
        problems.append(
            field.problem(
                "mrz.not_a_date",
                N_(
                    "Line %(line)s, %(where)s (%(label)s): “%(value)s” is not a date YYMMDD "
                    "(no unknown parts)."
                ),
                value=raw,
            )
        )
        return None
    yy, month, day = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    try:
        return date(century(yy) + yy, month, day)
    except ValueError:
        problems.append(
            field.problem(
                "mrz.unreal_date",
                N_("Line %(line)s, %(where)s (%(label)s): %(value)s is not a valid date YYMMDD."),
                value=raw,
            )
        )
        return None


def _read_sex(lines: tuple[str, str], problems: list[Message]) -> str:
    """M, F, or X for the filler that marks it unspecified."""
    raw = _SEX.read(lines)
    if raw not in ("M", "F", "<"):
        problems.append(
            _SEX.problem(
                "mrz.bad_sex",
                N_("Line %(line)s, %(where)s (%(label)s): “%(value)s” is not M, F or <."),
                value=raw,
            )
        )
    return "X" if raw == "<" else raw


def _read_personal_number(lines: tuple[str, str], problems: list[Message]) -> str:
    """The optional personal number; when it is all filler, its check digit may be < or 0."""
    raw = _PERSONAL_NUMBER.read(lines)
    found = lines[1][42]
    if not (raw.strip("<") == "" and found in ("<", "0")):
        _verify(_PERSONAL_NUMBER, raw, found, problems)
    return raw.rstrip("<")


def _verify(field: _Field, data: str, found: str, problems: list[Message]) -> None:
    """Compare a check digit with the one computed over `data`; a mismatch is reported, never
    corrected."""
    computed = check_digit(data)
    if not found.isdigit():
        said = N_(
            "Line %(line)s, %(where)s (%(label)s): the check digit is “%(found)s”, not a digit "
            "(%(computed)s was computed). Check the characters against the passport."
        )
        problems.append(
            field.problem("mrz.check_not_a_digit", said, found=found, computed=computed)
        )
    elif int(found) != computed:
        said = N_(
            "Line %(line)s, %(where)s (%(label)s): the check digit is %(found)s where "
            "%(computed)s was computed. Check the characters against the passport."
        )
        problems.append(field.problem("mrz.check_digit", said, found=found, computed=computed))
