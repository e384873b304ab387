"""The synthetic benchmark data: reproducible, with truth that points into the registry."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from benchmarks.matching.synth import (
    CSV_COLUMNS,
    EMPLOYER,
    FAMILY,
    FOREIGN,
    FOREIGN_LI,
    GIVEN_NAME_TWIN,
    HOST,
    KOREAN_CHINESE,
    NAMESAKE_DAY,
    NAMESAKE_DIGIT,
    REGISTERED_KINDS,
    UNREGISTERED,
    SyntheticList,
    draw_list,
    make_list,
    make_registry,
    true_name,
    write_csv,
)
from consular.matching import PersonRecord

REGISTRY_SIZE = 3_000
LIST_SIZE = 1_000


@pytest.fixture(scope="module")
def registry() -> list[PersonRecord]:
    return make_registry(REGISTRY_SIZE, random.Random(7))


@pytest.fixture(scope="module")
def drawn(registry: list[PersonRecord]) -> SyntheticList:
    return draw_list(registry, LIST_SIZE, random.Random(8))


def test_same_seed_same_data(registry: list[PersonRecord]) -> None:
    again = make_registry(REGISTRY_SIZE, random.Random(7))
    assert again == registry
    first = make_list(registry, 300, random.Random(11))
    second = make_list(again, 300, random.Random(11))
    assert first == second
    assert make_list(registry, 300, random.Random(12)) != first


def test_make_list_returns_the_rows_and_truth_of_draw_list(registry: list[PersonRecord]) -> None:
    records, truth = make_list(registry, 200, random.Random(3))
    drawn = draw_list(registry, 200, random.Random(3))
    assert (records, truth) == (drawn.records, drawn.truth)


def test_registry_rows_are_korean_nationals_with_unique_passports(
    registry: list[PersonRecord],
) -> None:
    passports = [person.passport_number for person in registry]
    assert len(set(passports)) == len(registry)
    assert all(p and len(p) == 9 and p[0] == "M" and p[1:].isdigit() for p in passports)
    assert {person.nationality for person in registry} == {"KOR"}
    assert all(
        person.date_of_birth and 1955 <= person.date_of_birth.year <= 2005 for person in registry
    )
    hangul_only = sum(1 for p in registry if not p.family_name) / len(registry)
    latin_only = sum(1 for p in registry if not p.family_name_hangul) / len(registry)
    assert 0.07 < hangul_only < 0.13
    assert 0.07 < latin_only < 0.13
    kim = sum(1 for p in registry if p.passport_number and _family(p) == "김") / len(registry)
    assert 0.17 < kim < 0.26


def test_truth_ids_exist_in_the_registry(
    registry: list[PersonRecord], drawn: SyntheticList
) -> None:
    ids = {person.id for person in registry}
    assert set(drawn.truth) == {record.id for record in drawn.records}
    assert len(drawn.records) == LIST_SIZE
    linked = [v for v in drawn.truth.values() if v is not None]
    assert set(linked) <= ids
    # One row per registered person on a list.
    assert len(linked) == len(set(linked))


def test_the_mix_has_every_kind_in_about_the_planned_share(drawn: SyntheticList) -> None:
    counts: dict[str, int] = {}
    for kind in drawn.kinds.values():
        counts[kind] = counts.get(kind, 0) + 1
    assert counts[HOST] == 720
    assert counts[EMPLOYER] == 100
    assert counts[FAMILY] == 50
    assert counts[UNREGISTERED] == 50
    assert counts[NAMESAKE_DIGIT] == counts[NAMESAKE_DAY] == counts[GIVEN_NAME_TWIN] == 10
    assert counts[FOREIGN] + counts.get(FOREIGN_LI, 0) + counts.get(KOREAN_CHINESE, 0) == 50
    assert counts.get(FOREIGN_LI, 0) > 0
    assert counts.get(KOREAN_CHINESE, 0) > 0
    for row_id, kind in drawn.kinds.items():
        assert (drawn.truth[row_id] is not None) == (kind in REGISTERED_KINDS)


def test_rows_are_written_as_each_source_writes_them(drawn: SyntheticList) -> None:
    by_kind: dict[str, list[PersonRecord]] = {}
    for record in drawn.records:
        by_kind.setdefault(drawn.kinds[record.id], []).append(record)
    assert all(r.full_name and not r.full_name_hangul for r in by_kind[HOST])
    assert all(r.family_name and r.given_name for r in by_kind[EMPLOYER])
    assert all(r.full_name_hangul and not r.full_name for r in by_kind[FAMILY])
    foreign = by_kind[FOREIGN] + by_kind[FOREIGN_LI] + by_kind[KOREAN_CHINESE]
    assert {r.nationality for r in foreign} - {None} <= {
        "CHN", "JPN", "VNM", "MEX", "GTM", "HND", "IDN",
    }  # fmt: skip
    assert all(r.full_name and r.full_name.startswith("LI, ") for r in by_kind[FOREIGN_LI])
    host = by_kind[HOST]
    with_passport = sum(1 for r in host if r.passport_number) / len(host)
    assert 0.2 < with_passport < 0.4
    assert sum(1 for r in host if r.date_of_birth is None) < 0.08 * len(host)


def test_host_rows_differ_from_the_registry_in_the_documented_ways(
    registry: list[PersonRecord], drawn: SyntheticList
) -> None:
    by_id = {person.id: person for person in registry}
    swapped = wrong = 0
    for record in drawn.records:
        true_id = drawn.truth[record.id]
        if drawn.kinds[record.id] != HOST or true_id is None or not record.date_of_birth:
            continue
        listed, true = record.date_of_birth, by_id[true_id].date_of_birth
        assert true is not None
        if listed == true:
            continue
        if (listed.year, listed.month, listed.day) == (true.year, true.day, true.month):
            swapped += 1
        else:
            wrong += 1
            written, registered = listed.strftime("%Y%m%d"), true.strftime("%Y%m%d")
            differing = sum(a != b for a, b in zip(written, registered, strict=True))
            assert differing == 1
    assert swapped > 0
    assert wrong > 0


def test_namesakes_share_the_name_but_not_the_birth_date_or_passport(
    registry: list[PersonRecord], drawn: SyntheticList
) -> None:
    by_id = {person.id: person for person in registry}
    unregistered = [r for r in drawn.records if drawn.kinds[r.id] == UNREGISTERED]
    assert unregistered
    for record in unregistered:
        twin = by_id[drawn.namesakes[record.id]]
        assert twin.family_name and twin.given_name and twin.family_name_hangul
        if record.full_name:
            assert record.full_name == f"{twin.family_name}, {twin.given_name}"
        elif record.family_name:
            assert (record.family_name.upper(), (record.given_name or "").upper()) == (
                twin.family_name,
                twin.given_name,
            )
        else:
            assert record.full_name_hangul == f"{twin.family_name_hangul}{twin.given_name_hangul}"
        assert record.date_of_birth != twin.date_of_birth
        assert record.passport_number != twin.passport_number
    for record in drawn.records:
        if drawn.kinds[record.id] == KOREAN_CHINESE:
            twin = by_id[drawn.namesakes[record.id]]
            assert record.full_name == f"{twin.family_name}, {twin.given_name}"
            assert record.date_of_birth != twin.date_of_birth


def test_close_namesakes_look_like_typing_errors_of_a_registered_person(
    registry: list[PersonRecord], drawn: SyntheticList
) -> None:
    by_id = {person.id: person for person in registry}
    for record in drawn.records:
        kind = drawn.kinds[record.id]
        if kind not in (NAMESAKE_DIGIT, NAMESAKE_DAY, GIVEN_NAME_TWIN):
            continue
        assert drawn.truth[record.id] is None
        twin = by_id[drawn.namesakes[record.id]]
        born, registered = record.date_of_birth, twin.date_of_birth
        assert born is not None and registered is not None
        if kind == NAMESAKE_DIGIT:
            assert (born.month, born.day) == (registered.month, registered.day)
            differing = sum(
                a != b for a, b in zip(str(born.year), str(registered.year), strict=True)
            )
            assert differing == 1
        elif kind == NAMESAKE_DAY:
            assert abs((born - registered).days) == 1
        else:
            assert born == registered
            parts = (
                record.full_name,
                record.family_name,
                record.given_name,
                record.full_name_hangul,
            )
            name = " ".join(p for p in parts if p)
            assert twin.family_name_hangul and twin.given_name_hangul and twin.given_name
            assert twin.given_name_hangul in name or twin.given_name.upper() in name.upper()
            surname = twin.family_name_hangul if record.full_name_hangul else twin.family_name
            assert surname and not name.upper().startswith(surname.upper())


def test_write_csv_has_the_columns_consular_match_reads(
    drawn: SyntheticList, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    write_csv(drawn.records[:20], path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["id"] for row in rows] == [r.id for r in drawn.records[:20]]
    first = drawn.records[0]
    expected = first.date_of_birth.isoformat() if first.date_of_birth else ""
    assert rows[0]["date_of_birth"] == expected


def _family(person: PersonRecord) -> str:
    assert person.passport_number and person.sex
    return true_name(person.passport_number, person.sex).family_hangul


def test_rows_nothing_can_tell_apart_are_counted_apart() -> None:
    from benchmarks.matching.compare import CROWDED, condition_groups

    def kim(index: int, sex: str = "M") -> PersonRecord:
        return PersonRecord(
            id=f"R{index:07d}",
            family_name_hangul="김",
            given_name_hangul="민준",
            sex=sex,
            passport_number=f"M{index:08d}",
        )

    # More men share the name than the review shows even when they are all alike.
    registry = [kim(i) for i in range(1, 23)] + [kim(23, "F")]
    rows = [
        PersonRecord(id="L1", full_name="KIM, MINJUN", sex="M"),  # 22 men share the name
        PersonRecord(id="L2", full_name="KIM, MINJUN", sex="F"),  # one woman: she can be found
        PersonRecord(id="L3", full_name="KIM, MINJUN", passport_number="M00000003"),
    ]
    drawn = SyntheticList(
        records=rows,
        truth={"L1": "R0000001", "L2": "R0000023", "L3": "R0000003"},
        kinds={"L1": HOST, "L2": HOST, "L3": HOST},
    )
    assert condition_groups(registry, drawn)[CROWDED] == ["L1"]
