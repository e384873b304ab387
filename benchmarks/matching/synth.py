"""Synthetic registry and host-authority lists with ground truth, for measuring linkage.

Everything is drawn from the ``random.Random`` passed in, so a seed reproduces the data.
The registry holds South Korean nationals; a list mixes registered nationals written the
way host authorities, employers and families write them with people who must not be
linked: unregistered Koreans who share a registered person's name, and other nationals,
some of whose names read like Korean ones.

A registry person's full name (Hangul and passport spelling) is a function of the
passport number, so a list can be written about a person whose registry row shows only
one script, without any state kept beside the records.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from consular.demo.names import (
    KoreanName,
    draw_foreign_name,
    draw_korean_name,
    employer_spelling,
    family_report_name,
    host_authority_spelling,
)
from consular.matching import PersonRecord
from consular.matching.romanize import syllable_spellings

CSV_COLUMNS = (
    "id",
    "family_name",
    "given_name",
    "full_name",
    "family_name_hangul",
    "given_name_hangul",
    "full_name_hangul",
    "date_of_birth",
    "sex",
    "passport_number",
    "nationality",
    "country_of_birth",
)
FIRST_BIRTH = date(1955, 1, 1)
LAST_BIRTH = date(2005, 12, 31)

# Kinds of list rows. The first three describe registered people (truth: a registry id).
HOST = "host"
EMPLOYER = "employer"
FAMILY = "family"
UNREGISTERED = "unregistered"
# Unregistered namesakes made to look like typing errors: born a digit off (a few years
# apart on the same day and month) or one day apart, or sharing only the given name with
# a registered person born the same day.
NAMESAKE_DIGIT = "namesake_digit"
NAMESAKE_DAY = "namesake_day"
GIVEN_NAME_TWIN = "given_name_twin"
FOREIGN = "foreign"
FOREIGN_LI = "foreign_li"
KOREAN_CHINESE = "korean_chinese"
REGISTERED_KINDS = (HOST, EMPLOYER, FAMILY)
NAMESAKE_KINDS = (NAMESAKE_DIGIT, NAMESAKE_DAY, GIVEN_NAME_TWIN)
KINDS = (*REGISTERED_KINDS, UNREGISTERED, *NAMESAKE_KINDS, FOREIGN, FOREIGN_LI, KOREAN_CHINESE)
LIST_MIX = (
    (HOST, 0.72),
    (EMPLOYER, 0.10),
    (FAMILY, 0.05),
    (UNREGISTERED, 0.05),
    (NAMESAKE_DIGIT, 0.01),
    (NAMESAKE_DAY, 0.01),
    (GIVEN_NAME_TWIN, 0.01),
    (FOREIGN, 0.05),
)

_HANGUL_ONLY_SHARE = 0.10
_LATIN_ONLY_SHARE = 0.10
_MALE_SHARE = 0.6
_NAME_SEED = "consular-bench-name"
# One registry person in this many (by passport number) is named 이 with a Sino-Korean
# given name whose Mandarin reading a Chinese national could carry: 이민 and LI, MIN.
_PLANTED_EVERY = 200
# Korean syllable → Mandarin reading of a Han character they share (偉 위 WEI, 敏 민 MIN…).
_MANDARIN = {
    "위": "WEI", "민": "MIN", "준": "JUN", "진": "JIN", "영": "YING", "정": "JING",
    "용": "YONG", "한": "HAN", "희": "XI", "도": "TAO", "수": "XIU", "연": "YAN",
    "하": "XIA", "혜": "HUI", "화": "HUA", "명": "MING", "나": "NA",
}  # fmt: skip
_PLANTED_MALE = ("위", "민", "준", "진", "영", "정", "용", "한", "희", "도")
_PLANTED_FEMALE = ("민", "영", "정", "희", "수", "연", "하", "혜", "화", "명", "나", "진")

# Host-authority rows.
_HOST_SEX = 0.92
_HOST_NATIONALITY = 0.9
_HOST_COUNTRY_OF_BIRTH = 0.4
_HOST_PASSPORT = 0.3
# Dates of birth: missing, one digit wrong, and day/month swapped where the day could be a
# month (about 40 % of dates, so 0.08 gives about 3 % of all rows).
_HOST_BIRTH_NOISE = (0.03, 0.02, 0.08)
_EMPLOYER_BIRTH_NOISE = (0.02, 0.01, 0.04)
_FAMILY_BIRTH_NOISE = (0.05, 0.02, 0.0)
_EMPLOYER_PASSPORT = 0.9
_FAMILY_SEX = 0.8
_PASSPORT_ERROR = 0.1
# Unregistered namesakes: how they are written, and how often they share a birth year.
_TWIN_FORMS = ((HOST, 0.6), (EMPLOYER, 0.2), (FAMILY, 0.2))
_TWIN_SAME_YEAR = 0.25
# Other nationals.
_FOREIGN_MIX = (
    ("CHN", 0.3), ("MEX", 0.3), ("GTM", 0.1), ("HND", 0.1), ("VNM", 0.1), ("JPN", 0.05),
    ("IDN", 0.05),
)  # fmt: skip
_PASSPORT_PREFIX = {"CHN": "E", "MEX": "G", "GTM": "P", "HND": "H", "VNM": "C", "JPN": "T"}
_CHN_LI_SHARE = 0.3
_CHN_KOREAN_SHARE = 0.3
_FOREIGN_NATIONALITY = 0.9


@dataclass(frozen=True, slots=True)
class SyntheticList:
    """A list with its truth: which registry person each row is (or ``None``), and why.

    ``kinds`` says how a row was made (``host``, ``employer``, ``family``,
    ``unregistered``, ``foreign``, ``foreign_li``, ``korean_chinese``); ``namesakes``
    maps a row that borrows a registry person's name to that person's registry id.
    """

    records: list[PersonRecord]
    truth: dict[str, str | None]
    kinds: dict[str, str]
    namesakes: dict[str, str] = field(default_factory=dict)


def make_registry(n: int, rng: random.Random) -> list[PersonRecord]:
    """Draw ``n`` registered South Korean nationals, ids ``R0000001``….

    Names follow population frequencies (:func:`draw_korean_name`); birth dates are
    uniform over 1955–2005; passports are unique ``M`` + 8 digits. About 10 % of rows
    carry the Hangul name only and 10 % the Latin (passport) spelling only.
    """
    span = (LAST_BIRTH - FIRST_BIRTH).days + 1
    records: list[PersonRecord] = []
    for index, number in enumerate(rng.sample(range(10**8), n), start=1):
        passport = f"M{number:08d}"
        sex = "M" if rng.random() < _MALE_SHARE else "F"
        name = true_name(passport, sex)
        script = rng.random()
        hangul = script >= _LATIN_ONLY_SHARE
        latin = script < 1 - _HANGUL_ONLY_SHARE
        records.append(
            PersonRecord(
                id=f"R{index:07d}",
                family_name=name.family_latin if latin else None,
                given_name=name.given_latin if latin else None,
                family_name_hangul=name.family_hangul if hangul else None,
                given_name_hangul=name.given_hangul if hangul else None,
                date_of_birth=FIRST_BIRTH + timedelta(days=rng.randrange(span)),
                sex=sex,
                passport_number=passport,
                nationality="KOR",
                country_of_birth="KOR",
            )
        )
    return records


def true_name(passport: str, sex: str) -> KoreanName:
    """The full name of the registry person holding ``passport``, in both scripts."""
    rng = random.Random(f"{_NAME_SEED}:{passport}")
    if is_planted(passport):
        return _planted_name(rng, sex)
    return draw_korean_name(rng, sex)


def is_planted(passport: str) -> bool:
    """Whether this registry person carries a name a Chinese national's could mirror."""
    return int(passport[1:]) % _PLANTED_EVERY == 0


def make_list(
    registry: Sequence[PersonRecord], m: int, rng: random.Random
) -> tuple[list[PersonRecord], dict[str, str | None]]:
    """Draw a list of ``m`` rows about ``registry`` and return it with its truth.

    The truth maps each row id to the registry id of the person it describes, or to
    ``None`` for people who are not registered. See :func:`draw_list` for the mix.
    """
    drawn = draw_list(registry, m, rng)
    return drawn.records, drawn.truth


def draw_list(registry: Sequence[PersonRecord], m: int, rng: random.Random) -> SyntheticList:
    """Draw a list of ``m`` rows, ids ``L000001``…, in random order.

    About 75 % are registered nationals as a host authority writes them, 10 % as an
    employer does, 5 % as family reports in Hangul; 5 % are unregistered Koreans sharing
    a registered person's name, 5 % other nationals (some Chinese nationals carrying
    ``LI`` and a Mandarin given name that mirrors a registered 이, or a Korean name).
    ``registry`` must come from :func:`make_registry`.

    Raises:
        ValueError: the registry is too small for the registered rows asked for.
    """
    counts = _mix_counts(m)
    registered = sum(counts[kind] for kind in REGISTERED_KINDS)
    if registered > len(registry):
        raise ValueError(f"{registered} registered rows need a larger registry")
    rows: list[tuple[str, PersonRecord, str | None, str | None]] = []
    people = rng.sample(range(len(registry)), registered)
    kinds = [kind for kind in REGISTERED_KINDS for _ in range(counts[kind])]
    for kind, index in zip(kinds, people, strict=True):
        person = registry[index]
        rows.append((kind, _registered_row(rng, kind, person), person.id, None))
    taken = {person.passport_number for person in registry}
    with_both = [p for p in registry if p.family_name and p.family_name_hangul]
    planted = [p for p in registry if p.passport_number and is_planted(p.passport_number)]
    for kind in (UNREGISTERED, *NAMESAKE_KINDS):
        for _ in range(counts[kind]):
            twin = rng.choice(with_both)
            rows.append((kind, _namesake_row(rng, twin, taken, kind), None, twin.id))
    for _ in range(counts[FOREIGN]):
        kind, record, twin_id = _foreign_row(rng, with_both, planted)
        rows.append((kind, record, None, twin_id))
    rng.shuffle(rows)
    drawn = SyntheticList(records=[], truth={}, kinds={})
    for number, (kind, record, truth, twin_id) in enumerate(rows, start=1):
        row_id = f"L{number:06d}"
        drawn.records.append(dataclasses.replace(record, id=row_id))
        drawn.truth[row_id] = truth
        drawn.kinds[row_id] = kind
        if twin_id is not None:
            drawn.namesakes[row_id] = twin_id
    return drawn


def write_csv(records: Iterable[PersonRecord], path: Path) -> None:
    """Write records with the columns ``consular match`` reads; dates as ISO, blanks empty."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            values = [getattr(record, column) for column in CSV_COLUMNS]
            writer.writerow([v.isoformat() if isinstance(v, date) else (v or "") for v in values])


# --- registered people on lists -----------------------------------------------------------


def _registered_row(rng: random.Random, kind: str, person: PersonRecord) -> PersonRecord:
    assert person.passport_number and person.sex and person.date_of_birth
    name = true_name(person.passport_number, person.sex)
    if kind == HOST:
        return _host_row(rng, name, person.date_of_birth, person.sex, person.passport_number)
    if kind == EMPLOYER:
        family, given = employer_spelling(rng, name)
        return PersonRecord(
            id="",
            family_name=family,
            given_name=given,
            date_of_birth=_noisy_birth(rng, person.date_of_birth, _EMPLOYER_BIRTH_NOISE),
            passport_number=_listed_passport(rng, person.passport_number, _EMPLOYER_PASSPORT),
        )
    return PersonRecord(
        id="",
        full_name_hangul=family_report_name(rng, name),
        date_of_birth=_noisy_birth(rng, person.date_of_birth, _FAMILY_BIRTH_NOISE),
        sex=person.sex if rng.random() < _FAMILY_SEX else None,
        nationality="KOR",
    )


def _host_row(
    rng: random.Random, name: KoreanName, birth: date, sex: str, passport: str
) -> PersonRecord:
    return PersonRecord(
        id="",
        full_name=host_authority_spelling(rng, name),
        date_of_birth=_noisy_birth(rng, birth, _HOST_BIRTH_NOISE),
        sex=sex if rng.random() < _HOST_SEX else None,
        passport_number=_listed_passport(rng, passport, _HOST_PASSPORT),
        nationality="KOR" if rng.random() < _HOST_NATIONALITY else None,
        country_of_birth="KOR" if rng.random() < _HOST_COUNTRY_OF_BIRTH else None,
    )


def _noisy_birth(rng: random.Random, birth: date, noise: tuple[float, float, float]) -> date | None:
    """The date as a list writes it: missing, one digit wrong, or day and month swapped."""
    missing, wrong_digit, swap_when_possible = noise
    draw = rng.random()
    if draw < missing:
        return None
    if draw < missing + wrong_digit:
        return _wrong_digit(rng, birth)
    if birth.day <= 12 and birth.day != birth.month and rng.random() < swap_when_possible:
        return date(birth.year, birth.day, birth.month)
    return birth


def _wrong_digit(rng: random.Random, birth: date) -> date:
    """Change one digit of ``YYYYMMDD`` so that it is still a plausible, valid date."""
    text = birth.strftime("%Y%m%d")
    for _ in range(100):
        at = rng.randrange(len(text))
        digit = rng.choice([d for d in "0123456789" if d != text[at]])
        typed = text[:at] + digit + text[at + 1 :]
        try:
            changed = date(int(typed[:4]), int(typed[4:6]), int(typed[6:]))
        except ValueError:
            continue
        if 1900 <= changed.year <= 2010:
            return changed
    return birth


def _listed_passport(rng: random.Random, passport: str, present: float) -> str | None:
    """The passport number if the list has it, sometimes with one character wrong."""
    if rng.random() >= present:
        return None
    if rng.random() >= _PASSPORT_ERROR:
        return passport
    kind = rng.choice(("digit", "o_zero", "i_one"))
    confusable = {"o_zero": ("0", "O"), "i_one": ("1", "I")}.get(kind)
    if confusable and confusable[0] in passport[1:]:
        at = passport.index(confusable[0], 1)
        return passport[:at] + confusable[1] + passport[at + 1 :]
    at = rng.randrange(1, len(passport))
    digit = rng.choice([d for d in "0123456789" if d != passport[at]])
    return passport[:at] + digit + passport[at + 1 :]


# --- people who must not be linked --------------------------------------------------------


def _namesake_row(
    rng: random.Random, twin: PersonRecord, taken: set[str | None], kind: str = UNREGISTERED
) -> PersonRecord:
    """An unregistered Korean with ``twin``'s name in both scripts, born another day.

    ``kind`` says how close the birth date comes (see ``NAMESAKE_KINDS``); a
    ``GIVEN_NAME_TWIN`` keeps the birth date and the given name under another surname.
    """
    assert twin.passport_number and twin.sex and twin.date_of_birth
    name = true_name(twin.passport_number, twin.sex)
    if kind == NAMESAKE_DIGIT:
        birth = _digit_away(rng, twin.date_of_birth)
    elif kind == NAMESAKE_DAY:
        birth = twin.date_of_birth + timedelta(days=rng.choice((-1, 1)))
    elif kind == GIVEN_NAME_TWIN:
        birth = twin.date_of_birth
        name = _other_surname(rng, name)
    else:
        birth = _other_birth(rng, twin.date_of_birth)
    passport = _new_passport(rng, taken)
    form = rng.choices([f for f, _ in _TWIN_FORMS], weights=[w for _, w in _TWIN_FORMS])[0]
    if form == HOST:
        return PersonRecord(
            id="",
            full_name=f"{name.family_latin}, {name.given_latin}",
            date_of_birth=birth,
            sex=twin.sex if rng.random() < _HOST_SEX else None,
            passport_number=passport if rng.random() < _HOST_PASSPORT else None,
            nationality="KOR" if rng.random() < _HOST_NATIONALITY else None,
        )
    if form == EMPLOYER:
        return PersonRecord(
            id="",
            family_name=name.family_latin.capitalize(),
            given_name=name.given_latin.capitalize(),
            date_of_birth=birth,
            passport_number=passport if rng.random() < _EMPLOYER_PASSPORT else None,
        )
    return PersonRecord(
        id="", full_name_hangul=name.full_hangul, date_of_birth=birth, nationality="KOR"
    )


def _digit_away(rng: random.Random, birth: date) -> date:
    """Born on the same day and month, a few years apart: one digit of the year differs."""
    for _ in range(100):
        year = birth.year - (birth.year % 10) + rng.randrange(10)
        if year != birth.year and FIRST_BIRTH.year <= year <= LAST_BIRTH.year:
            try:
                return birth.replace(year=year)
            except ValueError:  # 29 February
                continue
    return _wrong_digit(rng, birth)


def _other_surname(rng: random.Random, name: KoreanName) -> KoreanName:
    """The same given name under another common surname."""
    while True:
        other = draw_korean_name(rng, "M")
        if other.family_hangul != name.family_hangul:
            return dataclasses.replace(
                name, family_hangul=other.family_hangul, family_latin=other.family_latin
            )


def _other_birth(rng: random.Random, birth: date) -> date:
    """A birth date that is neither ``birth`` nor ``birth`` with day and month swapped."""
    span = (LAST_BIRTH - FIRST_BIRTH).days + 1
    while True:
        if rng.random() < _TWIN_SAME_YEAR:
            start = date(birth.year, 1, 1)
            other = start + timedelta(days=rng.randrange(365))
        else:
            other = FIRST_BIRTH + timedelta(days=rng.randrange(span))
        if other != birth and (other.year, other.month, other.day) != (
            birth.year,
            birth.day,
            birth.month,
        ):
            return other


def _new_passport(rng: random.Random, taken: set[str | None]) -> str:
    while True:
        passport = f"M{rng.randrange(10**8):08d}"
        if passport not in taken:
            taken.add(passport)
            return passport


def _foreign_row(
    rng: random.Random, with_both: Sequence[PersonRecord], planted: Sequence[PersonRecord]
) -> tuple[str, PersonRecord, str | None]:
    """Another national: ``(kind, record, registry id of a namesake or None)``."""
    codes = [code for code, _ in _FOREIGN_MIX]
    nationality = rng.choices(codes, weights=[w for _, w in _FOREIGN_MIX])[0]
    kind, twin = FOREIGN, None
    if nationality == "CHN":
        draw = rng.random()
        if draw < _CHN_LI_SHARE and planted:
            kind, twin = FOREIGN_LI, rng.choice(planted)
        elif draw < _CHN_LI_SHARE + _CHN_KOREAN_SHARE:
            kind, twin = KOREAN_CHINESE, rng.choice(with_both)
    if twin is not None:
        assert twin.passport_number and twin.sex and twin.date_of_birth
        name = true_name(twin.passport_number, twin.sex)
        sex = twin.sex
        birth = _other_birth(rng, twin.date_of_birth)
        if kind == FOREIGN_LI:
            family, given = "LI", "".join(_MANDARIN[s] for s in name.given_hangul)
        else:
            family, given = name.family_latin, name.given_latin
    else:
        family, given = draw_foreign_name(rng, nationality)
        sex = "M" if rng.random() < 0.85 else "F"
        span = (LAST_BIRTH - FIRST_BIRTH).days + 1
        birth = FIRST_BIRTH + timedelta(days=rng.randrange(span))
    prefix = _PASSPORT_PREFIX.get(nationality, "A")
    record = PersonRecord(
        id="",
        full_name=f"{family}, {given}",
        date_of_birth=_noisy_birth(rng, birth, _HOST_BIRTH_NOISE),
        sex=sex if rng.random() < _HOST_SEX else None,
        passport_number=(
            f"{prefix}{rng.randrange(10**8):08d}" if rng.random() < _HOST_PASSPORT else None
        ),
        nationality=nationality if rng.random() < _FOREIGN_NATIONALITY else None,
        country_of_birth=nationality if rng.random() < _HOST_COUNTRY_OF_BIRTH else None,
    )
    return kind, record, twin.id if twin else None


# --- helpers ------------------------------------------------------------------------------


def _planted_name(rng: random.Random, sex: str) -> KoreanName:
    """이 with one or two Sino-Korean syllables that have a common Mandarin reading."""
    pool = _PLANTED_MALE if sex == "M" else _PLANTED_FEMALE
    given = "".join(rng.sample(pool, 1 if rng.random() < 0.3 else 2))
    return KoreanName(
        family_hangul="이",
        given_hangul=given,
        family_latin=_spelling(rng, "이", surname=True),
        given_latin="".join(_spelling(rng, syllable) for syllable in given),
    )


def _spelling(rng: random.Random, hangul: str, *, surname: bool = False) -> str:
    spellings = syllable_spellings(hangul, surname=surname)
    return rng.choices([s for s, _ in spellings], weights=[w for _, w in spellings])[0]


def _mix_counts(m: int) -> dict[str, int]:
    """Rows per kind for a list of ``m``; host rows absorb the rounding."""
    counts = {kind: round(m * share) for kind, share in LIST_MIX if kind != HOST}
    counts[HOST] = m - sum(counts.values())
    return counts
