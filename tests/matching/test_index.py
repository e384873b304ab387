"""The registry index: blocks that find what a comparison of every pair would find."""

from __future__ import annotations

import gc
from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from consular.matching import Decision, PersonRecord, build_matcher
from consular.matching.columns import RecordColumns
from consular.matching.index import (
    Blocks,
    Name,
    birth_level,
    index_keys,
    near_dates,
    registry_keys,
)
from consular.matching.profile import read_name_fields

BORN = date(1988, 3, 14)


def _neighbour_years(year: int) -> set[int]:
    written = f"{year:04d}"
    return {
        int(written[:i] + digit + written[i + 1 :]) for i in range(4) for digit in "0123456789"
    } - {0}


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
@example(date(9990, 6, 1))  # a year one digit away is 9999, the last year there is
def test_the_dates_near_a_birth_date_are_those_the_comparison_calls_near(born: date) -> None:
    # Every date one digit away lies in a year one digit away: compare with each of them.
    every = [
        date.fromordinal(date(year, 1, 1).toordinal() + day)
        for year in _neighbour_years(born.year)
        for day in range(366)
        # (the last day of 9999 is the last date there is)
        if date(year, 1, 1).toordinal() + day <= date.max.toordinal()
        and date.fromordinal(date(year, 1, 1).toordinal() + day).year == year
    ]
    near = {other for other in every if birth_level(born, other) != "different"}
    found = near_dates(born)
    assert {d for d in found if d.year >= 1000} == {d for d in near if d.year >= 1000}
    assert all(birth_level(born, other) != "different" for other in found)


def test_a_value_held_by_several_rows_keeps_them_all_in_registry_order() -> None:
    blocks = Blocks(["M1", None, "M2", "M1", "", "M1"])
    assert list(blocks.get("M1")) == [0, 3, 5]
    assert list(blocks.get("M2")) == [2]
    assert list(blocks.get("M3")) == []
    assert list(blocks.get("")) == []


def test_a_very_common_name_still_finds_the_birth_date_one_digit_off() -> None:
    # More namesakes than a block is scanned for: it is searched by birth date instead.
    namesakes = [
        PersonRecord(
            id=f"KIM-{n:03d}",
            family_name="KIM",
            given_name="MINJUN",
            date_of_birth=date(1960, 1, 1) + timedelta(days=97 * n),
        )
        for n in range(400)
    ]
    person = PersonRecord(
        id="KIM-TARGET",
        family_name="KIM",
        given_name="MINJUN",
        date_of_birth=BORN,
        passport_number="M12345678",
    )
    unknown = PersonRecord(id="KIM-UNKNOWN", family_name="KIM", given_name="MINJUN")
    matcher = build_matcher([*namesakes, person, unknown], population=1_000_000)
    result = matcher.link(
        PersonRecord(id="L", full_name="KIM, MIN JUN", date_of_birth=date(1983, 3, 14))
    )
    shown = [c.registry_id for c in result.candidates]
    assert result.decision is Decision.REVIEW
    assert shown[0] == "KIM-TARGET"
    assert "KIM-UNKNOWN" in shown


def test_indexing_and_linking_leave_the_garbage_collector_as_they_found_it() -> None:
    # The index is kept out of full collections while it links, and nothing stays
    # frozen afterwards: a long-running server would otherwise never collect it.
    registry = [
        PersonRecord(id=f"R{n}", family_name="KIM", given_name="MINJUN", date_of_birth=BORN)
        for n in range(3)
    ]
    matcher = build_matcher(registry, population=1_000_000)
    assert gc.get_freeze_count() == 0
    thresholds = gc.get_threshold()
    matcher.link_many([PersonRecord(id="L", full_name="KIM, MIN JUN", date_of_birth=BORN)])
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() and gc.get_threshold() == thresholds


def test_objects_someone_else_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        matcher = build_matcher([PersonRecord(id="R1", family_name="KIM", given_name="MINJUN")])
        matcher.link_many([PersonRecord(id="L", full_name="KIM, MIN JUN")])
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


_LATIN = st.one_of(
    st.none(),
    st.sampled_from(["", "KIM", "Lee", "YI", "PARK", "SEONGHO", "MIN JUN", "rla", "Nguyen"]),
    st.text(alphabet="abcKLMN -,", max_size=8),
)
_HANGUL = st.one_of(st.none(), st.text(alphabet="김이박성호민준", max_size=4))
_TYPED = st.one_of(_HANGUL, st.sampled_from(["rlaalswns", "김 민준", "dltjdgh"]))


@settings(max_examples=300, deadline=None)
@given(st.tuples(_LATIN, _LATIN, _HANGUL, _HANGUL, _LATIN, _TYPED))
@example(("LEE", "SEONGHO", "이", "성호", None, None))
@example((None, None, None, None, "KIM, MIN JUN", "김민준"))
@example((None, None, None, None, "rlaalswns", "rlaalswns"))
def test_a_names_blocks_are_those_its_readings_give(fields: tuple[str | None, ...]) -> None:
    written = read_name_fields(*fields)
    assert registry_keys(fields) == index_keys(written.readings)
    read, (outlined, keys) = Name(written), Name.of_fields(fields)
    assert keys == index_keys(written.readings)
    assert (outlined.surnames, set(outlined.givens), outlined.read) == (
        read.surnames,
        set(read.givens),
        read.read,
    )
    assert outlined.written == written


def test_records_held_by_field_are_the_records_themselves() -> None:
    records = [
        PersonRecord(id="R1", family_name="KIM", date_of_birth=date(1990, 1, 2)),
        PersonRecord(id="R2", full_name_hangul="이성호", employers=("HL Battery",)),
    ]
    columns = RecordColumns.of(records)
    assert list(columns) == records and [columns[0], columns[-1]] == records
    assert columns.column("passport_number") is None
    matcher = build_matcher(columns)
    assert matcher.link(records[1]).best is not None
