"""The demo's people, the lists written about them and how far each case gets.

Everything is drawn from the seeded generators passed in; pure, no database. Everyone here
is synthetic. Each list keeps, row by row, the truth about whom the row describes, so the
build can work the review queue as an officer who had checked with the detainees would.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from consular.demo.names import (
    KoreanName,
    draw_foreign_name,
    draw_korean_name,
    employer_spelling,
    family_report_name,
    host_authority_spelling,
)
from consular.matching.romanize import qwerty_from_hangul
from consular.tabular import Row, Table

SITE = "HL-GA battery plant site, Ellabell, GA"
BATTERY_MAKER = "Hanul Battery Co."
DAESUNG = "Daesung Plant Engineering"
MIRAE = "Mirae Install Co."
FOLKSTON = "Folkston ICE Processing Center"
STEWART = "Stewart Detention Center"
EASTERN = ZoneInfo("America/New_York")
# The registry file's name marks a database as the demo's own, which a rebuild may replace.
REGISTRY_FILE_PREFIX = "demo-registry-seed"

REGISTRY_SIZE = 20_000
# Per employer: workers deployed to the site, women among them, detained men, detained
# women. 302 registered detainees; with the unregistered ones, 307 men and 10 women.
WORKFORCE: tuple[tuple[str, int, int, int, int], ...] = (
    (BATTERY_MAKER, 47, 2, 45, 2),
    (DAESUNG, 423, 16, 185, 6),
    (MIRAE, 230, 10, 62, 2),
)
UNREGISTERED_DETAINED = 15
FOREIGN_DETAINED = {"CHN": 40, "MEX": 45, "GTM": 25, "HND": 20, "VNM": 20, "JPN": 5, "IDN": 3}

ROLES = {
    BATTERY_MAKER: ("process engineer", "equipment installation engineer", "quality engineer"),
    DAESUNG: ("installation technician", "electrical technician", "commissioning engineer"),
    MIRAE: ("equipment setup technician", "controls technician", "conveyor installer"),
}
REGISTRY_COLUMNS = (
    "id", "family_name", "given_name", "family_name_hangul", "given_name_hangul", "sex",
    "date_of_birth", "nationality", "passport_number", "phone", "email", "employer",
    "worksite", "role", "entry_status", "entry_date", "planned_end",
)  # fmt: skip
HOST_COLUMNS = (
    "id", "full_name", "date_of_birth", "sex", "nationality", "facility", "a_number",
    "arrested_at",
)  # fmt: skip
EMPLOYER_COLUMNS = ("family_name", "given_name", "date_of_birth", "passport_number")
FAMILY_COLUMNS = ("full_name_hangul", "date_of_birth")

# Of the rows whose day could also be a month, the share a list writes day-first: about
# 3 % of all rows.
_SWAP_SHARE = 0.08
_EMPLOYER_NO_PASSPORT = 0.04
_FOREIGN_WOMEN = 0.06
_FOREIGN_A_NUMBER = 0.06


@dataclass(frozen=True, slots=True)
class National:
    """A Korean national of the demo, in the registry or not, detained or not."""

    key: str  # registry id, or "U01"... for a national the registry does not know
    name: KoreanName
    sex: str
    date_of_birth: date
    passport_number: str
    in_registry: bool = True
    detained: bool = False
    employer: str = ""
    role: str = ""
    entry_status: str = ""
    entry_date: date | None = None
    planned_end: date | None = None


@dataclass(frozen=True, slots=True)
class RowTruth:
    """Whom a list row is really about, and what the officer does with it in review.

    ``action`` is ``link`` (accept the person, or register a new one), ``reject`` (a
    duplicate or a person who was not detained) or ``leave`` (kept pending for the demo).
    """

    key: str | None
    action: str = "link"


@dataclass(frozen=True, slots=True)
class ListFile:
    """A list as a table, with the truth about each row by its row number."""

    kind: str
    table: Table
    truth: dict[int, RowTruth]


@dataclass(frozen=True, slots=True)
class Contact:
    key: str
    name: str
    relationship: str
    phone: str


@dataclass(frozen=True, slots=True)
class DemoWorld:
    registry: tuple[National, ...]
    detained: tuple[National, ...]  # the 317 Koreans, registered ones first

    def by_key(self) -> dict[str, National]:
        return {n.key: n for n in (*self.registry, *self.detained)}


def draw_world(rng: random.Random) -> DemoWorld:
    """Draw the registry (20,000 nationals, 700 of them at the site) and the 317 detainees."""
    passports = _passports(rng, REGISTRY_SIZE + UNREGISTERED_DETAINED)
    people: list[National] = []
    for employer, size, women, men_held, women_held in WORKFORCE:
        sexes = ["F"] * women + ["M"] * (size - women)
        rng.shuffle(sexes)
        women_at = [i for i, sex in enumerate(sexes) if sex == "F"]
        men_at = [i for i, sex in enumerate(sexes) if sex == "M"]
        held = set(rng.sample(women_at, women_held)) | set(rng.sample(men_at, men_held))
        for i, sex in enumerate(sexes):
            people.append(_worker(rng, employer, sex, i in held, next(passports)))
    while len(people) < REGISTRY_SIZE:
        sex = "M" if rng.random() < 0.8 else "F"
        people.append(
            National("", draw_korean_name(rng, sex), sex, _birth(rng, 1960, 2003), next(passports))
        )
    rng.shuffle(people)
    registry = tuple(dataclasses.replace(p, key=f"KR{i:06d}") for i, p in enumerate(people, 1))
    unregistered = tuple(
        National(
            f"U{i:02d}",
            draw_korean_name(rng, "M"),
            "M",
            _birth(rng, 1965, 2000),
            next(passports),
            in_registry=False,
            detained=True,
        )
        for i in range(1, UNREGISTERED_DETAINED + 1)
    )
    return DemoWorld(registry, (*(p for p in registry if p.detained), *unregistered))


def _worker(rng: random.Random, employer: str, sex: str, detained: bool, passport: str) -> National:
    # Entry status as reported for the detained (53 % ESTA, the rest B-1/B-2, one EAD);
    # the staff on L-1 and E-2 visas were not detained.
    roll = rng.random()
    if detained:
        status = "esta" if roll < 0.535 else ("ead" if roll > 0.997 else "b1b2")
    else:
        status = "esta" if roll < 0.48 else "b1b2" if roll < 0.92 else "l1" if roll < 0.97 else "e2"
    entry = date(2025, 8, 1) + timedelta(days=rng.randrange(31))
    return National(
        "",
        draw_korean_name(rng, sex),
        sex,
        _birth(rng, 1968, 2000),
        passport,
        detained=detained,
        employer=employer,
        role=rng.choice(ROLES[employer]),
        entry_status=status,
        entry_date=entry,
        planned_end=entry + timedelta(days=rng.randint(21, 75)),
    )


def _passports(rng: random.Random, count: int) -> Iterator[str]:
    return (f"M{number:08d}" for number in rng.sample(range(10**8), count))


def _birth(rng: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1).toordinal()
    return date.fromordinal(rng.randint(start, date(last_year, 12, 31).toordinal()))


def make_table(source: str, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> Table:
    """A table as if read from the CSV file it stands for, hash included."""
    # Every row has every column, blank where the row gave none, as read_table would.
    cells = [{column: row.get(column, "") for column in columns} for row in rows]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(list(row.values()) for row in cells)
    return Table(
        source=source,
        columns=tuple(columns),
        rows=tuple(Row(number=i + 2, values=row) for i, row in enumerate(cells)),
        sha256=hashlib.sha256(text.getvalue().encode()).hexdigest(),
    )


def registry_table(world: DemoWorld, seed: int) -> Table:
    """The registry file: one row per national, with the deployment for site workers."""
    rows = []
    for person in world.registry:
        row = {
            "id": person.key,
            "family_name": person.name.family_latin,
            "given_name": person.name.given_latin,
            "family_name_hangul": person.name.family_hangul,
            "given_name_hangul": person.name.given_hangul,
            "sex": person.sex,
            "date_of_birth": person.date_of_birth.isoformat(),
            "nationality": "KOR",
            "passport_number": person.passport_number,
        }
        if person.employer:
            row |= {
                # While on site the workers carry a US number; 555-01xx is fictional.
                "phone": f"+1-912-555-01{int(person.passport_number[-2:]):02d}",
                "employer": person.employer,
                "worksite": SITE,
                "role": person.role,
                "entry_status": person.entry_status,
                "entry_date": _iso(person.entry_date),
                "planned_end": _iso(person.planned_end),
            }
        rows.append(row)
    return make_table(f"{REGISTRY_FILE_PREFIX}{seed}.csv", REGISTRY_COLUMNS, rows)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _written_birth(rng: random.Random, born: date) -> str:
    """A birth date as a list writes it: now and then day and month change places."""
    if born.day <= 12 and born.day != born.month and rng.random() < _SWAP_SHARE:
        return date(born.year, born.day, born.month).isoformat()
    return born.isoformat()


def _arrest_time(rng: random.Random) -> str:
    minutes = 10 * 60 + rng.randrange(330)  # the operation ran from 10:00 into the afternoon
    return f"2025-09-04T{minutes // 60:02d}:{minutes % 60:02d}"


def host_list(rng: random.Random, world: DemoWorld) -> ListFile:
    """The host authority's list: 475 detainees, 317 of them Korean, names as ICE writes them."""
    entries: list[tuple[dict[str, str], RowTruth | None]] = []
    for person in world.detained:
        born = person.date_of_birth
        # Swapped birth dates are kept to registered nationals, so that a person first
        # registered from this list is registered with the right one.
        written = _written_birth(rng, born) if person.in_registry else born.isoformat()
        entries.append(
            (
                {
                    "full_name": host_authority_spelling(rng, person.name),
                    "date_of_birth": written,
                    "sex": person.sex,
                    "nationality": "KOR",
                    "facility": STEWART if person.sex == "F" else FOLKSTON,
                    "arrested_at": _arrest_time(rng),
                },
                RowTruth(person.key),
            )
        )
    for nationality, count in FOREIGN_DETAINED.items():
        for _ in range(count):
            family, given = draw_foreign_name(rng, nationality)
            sex = "F" if rng.random() < _FOREIGN_WOMEN else "M"
            # A few had met immigration before and already carry an A-number.
            a_number = f"A2{rng.randrange(10**8):08d}" if rng.random() < _FOREIGN_A_NUMBER else ""
            entries.append(
                (
                    {
                        "full_name": f"{family}, {given}",
                        "date_of_birth": _written_birth(rng, _birth(rng, 1965, 2004)),
                        "sex": sex,
                        "nationality": nationality,
                        "facility": STEWART if sex == "F" else FOLKSTON,
                        "a_number": a_number,
                        "arrested_at": _arrest_time(rng),
                    },
                    None,
                )
            )
    rng.shuffle(entries)
    rows = [{"id": f"H{i:04d}", **values} for i, (values, _) in enumerate(entries, 1)]
    truth = {i + 2: t for i, (_, t) in enumerate(entries) if t is not None}
    table = make_table("ice-detainees-ellabell-2025-09-05.csv", HOST_COLUMNS, rows)
    return ListFile("host_authority", table, truth)


def employer_list(
    rng: random.Random,
    world: DemoWorld,
    employer: str,
    source: str,
    *,
    omitted: int = 0,
    duplicates: int = 0,
) -> ListFile:
    """An employer's list of its workers held after the raid, as its HR spreadsheet has them.

    ``omitted`` detained workers are missing from it; ``duplicates`` are listed twice, the
    second time without a birth date and with a mistyped passport number.
    """
    held = [p for p in world.detained if p.employer == employer]
    listed = sorted(set(range(len(held))) - set(rng.sample(range(len(held)), omitted)))
    taken = {p.passport_number for p in world.registry}
    entries: list[tuple[dict[str, str], RowTruth]] = []
    for index in listed:
        person = held[index]
        family, given = employer_spelling(rng, person.name)
        passport = "" if rng.random() < _EMPLOYER_NO_PASSPORT else person.passport_number
        row = {
            "family_name": family,
            "given_name": given,
            "date_of_birth": person.date_of_birth.isoformat(),
            "passport_number": passport,
        }
        entries.append((row, RowTruth(person.key)))
    for row, truth in rng.sample(entries, duplicates):
        typo = _mistyped(rng, row["passport_number"], taken) if row["passport_number"] else ""
        entries.append(
            ({**row, "date_of_birth": "", "passport_number": typo}, RowTruth(truth.key, "reject"))
        )
    entries.sort(key=lambda entry: (entry[0]["family_name"], entry[0]["given_name"]))
    truth_by_row = {i + 2: t for i, (_, t) in enumerate(entries)}
    table = make_table(source, EMPLOYER_COLUMNS, [row for row, _ in entries])
    return ListFile("employer", table, truth_by_row)


def _mistyped(rng: random.Random, passport: str, taken: set[str]) -> str:
    """Change one digit, never into a passport someone in the registry holds."""
    while True:
        at = rng.randrange(1, len(passport))
        typo = (
            passport[:at] + str((int(passport[at]) + rng.randint(1, 9)) % 10) + passport[at + 1 :]
        )
        if typo not in taken:
            return typo


def family_list(rng: random.Random, world: DemoWorld) -> ListFile:
    """Twelve reports from relatives, in Hangul, some of them doubtful.

    Five are clean. Two give the lunar-calendar birthday, one writes the birthday day
    first, two are about nationals the registry does not know, one is typed with the
    keyboard in Latin layout and one is about a worker who was not detained. Four of the
    doubtful ones stay pending, one of them with a candidate to choose.
    """
    registered = [p for p in world.detained if p.in_registry]
    unregistered = [p for p in world.detained if not p.in_registry]
    free = [p for p in world.registry if p.employer and not p.detained]
    clean, lunar, typed = _split(rng.sample(registered, 8), (5, 2, 1))
    day_first = rng.choice(
        [
            p
            for p in registered
            if p not in clean + lunar + typed
            and p.date_of_birth.day <= 12
            and p.date_of_birth.day != p.date_of_birth.month
        ]
    )
    entries: list[tuple[dict[str, str], RowTruth]] = []

    def report(name: str, born: date, key: str, action: str = "link") -> None:
        entries.append(
            ({"full_name_hangul": name, "date_of_birth": born.isoformat()}, RowTruth(key, action))
        )

    for person in clean:
        report(family_report_name(rng, person.name), person.date_of_birth, person.key)
    for i, person in enumerate(lunar):
        born = person.date_of_birth - timedelta(days=rng.randint(20, 50))
        report(person.name.full_hangul, born, person.key, _first_only(i))
    born = day_first.date_of_birth
    swapped = born.replace(month=born.day, day=born.month)
    report(day_first.name.full_hangul, swapped, day_first.key, "leave")
    for i, person in enumerate(rng.sample(unregistered, 2)):
        report(person.name.full_hangul, person.date_of_birth, person.key, _first_only(i))
    for person in typed:
        report(
            qwerty_from_hangul(person.name.full_hangul), person.date_of_birth, person.key, "leave"
        )
    # A relative who could not reach a worker and misremembered his birth year; he was
    # off site that day.
    absent = rng.choice(free)
    born = absent.date_of_birth
    report(absent.name.full_hangul, born.replace(year=born.year - 1, day=1), absent.key, "reject")
    rng.shuffle(entries)
    table = make_table("family-reports-2025-09-06.csv", FAMILY_COLUMNS, [r for r, _ in entries])
    return ListFile("family", table, {i + 2: t for i, (_, t) in enumerate(entries)})


def _first_only(index: int) -> str:
    return "link" if index == 0 else "leave"


def _split(items: list[National], sizes: tuple[int, ...]) -> list[list[National]]:
    out, start = [], 0
    for size in sizes:
        out.append(items[start : start + size])
        start += size
    return out


def draw_contacts(rng: random.Random, people: Sequence[National]) -> list[Contact]:
    """One emergency contact per person: a spouse for most, else a parent."""
    contacts = []
    for person in people:
        if person.date_of_birth.year < 1995 and rng.random() < 0.75:
            relationship, sex = "spouse", "F" if person.sex == "M" else "M"
        else:
            relationship, sex = rng.choice((("mother", "F"), ("father", "M")))
        relative = draw_korean_name(rng, sex)
        family = person.name.family_hangul if relationship == "father" else relative.family_hangul
        contacts.append(
            Contact(
                person.key,
                family + relative.given_hangul,
                relationship,
                f"+82-10-555-{rng.randrange(10_000):04d}",
            )
        )
    return contacts


# --- how far each case gets ----------------------------------------------------------------

# Where the cases stand a few days after the raid; the remaining cases are still reported.
STAGE_COUNTS = (
    ("released", 1),
    ("departure_scheduled", 6),
    ("disposition_pending", 60),
    ("consular_access", 110),
    ("located", 115),
)
DEPTH = {
    "reported": 0,
    "located": 1,
    "consular_access": 2,
    "disposition_pending": 3,
    "departure_scheduled": 4,
    "released": 3,
}


@dataclass(frozen=True, slots=True)
class CasePlan:
    """What the officers will have done on one detainee's case.

    Each milestone is done at a time, or at a delay after the arrest (a ``timedelta``),
    which only the case knows.
    """

    stage: str
    visit_at: datetime
    milestones: tuple[tuple[str, datetime | timedelta, str], ...]
    medical_note: bool


def plan_cases(rng: random.Random, detained: Sequence[National]) -> dict[str, CasePlan]:
    """A plan per detainee, by national key; every stage of STAGE_COUNTS is used up."""
    stages = [stage for stage, count in STAGE_COUNTS for _ in range(count)]
    stages += ["reported"] * (len(detained) - len(stages))
    rng.shuffle(stages)
    return {
        person.key: _plan_case(rng, stage, held_at_stewart=person.sex == "F")
        for person, stage in zip(detained, stages, strict=True)
    }


def _plan_case(rng: random.Random, stage: str, *, held_at_stewart: bool) -> CasePlan:
    depth = DEPTH[stage]
    # Officers reached Folkston first; Stewart, where the women were held, a day later.
    visit_at = _eastern(rng, 6 if held_at_stewart or rng.random() < 0.4 else 5, 9, 17)
    done: list[tuple[str, datetime | timedelta, str]] = []
    roll = rng.random()
    if roll < 0.95:
        hours = rng.uniform(1, 20) if roll < 0.88 else rng.uniform(30, 70)
        done.append(("rights_advised", timedelta(hours=hours), "ICE ERO: advised at booking"))
    roll = rng.random()
    if roll < 0.93:
        hours = rng.uniform(4, 30) if roll < 0.85 else rng.uniform(40, 70)
        evidence = "ICE ERO Atlanta detainee list received at the consulate"
        done.append(("consulate_notified", timedelta(hours=hours), evidence))
    if depth >= 2:
        done.append(("consular_visit", visit_at, "Consular interview at the facility"))
        if rng.random() < 0.4:
            done.append(("interpreter", visit_at, "Korean-speaking officer at the interview"))
    if depth >= 3 or (depth == 2 and rng.random() < 0.3):
        evidence = "Briefing by the immigration lawyer retained by the consulate"
        done.append(("legal_counsel", _eastern(rng, rng.choice((6, 7, 8)), 9, 18), evidence))
    if rng.random() < 0.45:
        evidence = "Emergency contact informed by phone"
        done.append(("family_contacted", _eastern(rng, rng.choice((5, 6, 7)), 8, 21), evidence))
    medical = rng.random() < 0.15
    if medical:
        evidence = "Intake screening; daily medication passed on"
        done.append(("medical_needs", timedelta(hours=rng.uniform(6, 40)), evidence))
    return CasePlan(stage, visit_at, tuple(done), medical)


def _eastern(rng: random.Random, day: int, first_hour: int, last_hour: int) -> datetime:
    """A time in September 2025 on ``day``, between the hours, in Georgia."""
    minutes = rng.randrange((last_hour - first_hour) * 60)
    return datetime(2025, 9, day, first_hour, tzinfo=EASTERN) + timedelta(minutes=minutes)
