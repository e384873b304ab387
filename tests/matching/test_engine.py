"""The reconciliation engine: each way a Korean name is really written, and what must stay out.

Every test fails if the handling it names is removed from the engine.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consular.matching import Decision, PersonRecord, build_matcher, cluster
from consular.matching.romanize import syllable_spellings

BORN = date(1988, 3, 14)
POPULATION = 1_000_000


def lee(**overrides: object) -> PersonRecord:
    fields: dict[str, object] = {
        "id": "R-LEE",
        "family_name": "LEE",
        "given_name": "SEONGHO",
        "family_name_hangul": "이",
        "given_name_hangul": "성호",
        "date_of_birth": BORN,
        "sex": "M",
        "passport_number": "M12345678",
        "nationality": "KOR",
    }
    fields.update(overrides)
    return PersonRecord(**fields)  # type: ignore[arg-type]


REGISTRY = [
    lee(),
    # The same name born in another year: a different person.
    lee(id="R-LEE-OLD", date_of_birth=date(1961, 7, 2), passport_number="M99999999"),
    PersonRecord(
        id="R-KIM-1",
        family_name="KIM",
        given_name="MINJUN",
        family_name_hangul="김",
        given_name_hangul="민준",
        date_of_birth=date(1990, 1, 2),
        sex="M",
        passport_number="M22222222",
        nationality="KOR",
    ),
    PersonRecord(
        id="R-KIM-2",
        family_name="KIM",
        given_name="MINJUN",
        family_name_hangul="김",
        given_name_hangul="민준",
        date_of_birth=date(1990, 1, 2),
        sex="M",
        passport_number="M33333333",
        nationality="KOR",
    ),
    PersonRecord(
        id="R-YI-WI",
        family_name_hangul="이",
        given_name_hangul="위",
        date_of_birth=date(1985, 5, 5),
        sex="M",
        nationality="KOR",
    ),
    PersonRecord(
        id="R-CHOI",
        family_name="CHOE",
        given_name="YEONGCHEOL",
        date_of_birth=date(1979, 11, 11),
        sex="M",
        nationality="KOR",
    ),
    PersonRecord(
        id="R-PARK",
        family_name_hangul="박",
        given_name_hangul="지혜",
        date_of_birth=date(1995, 7, 30),
        sex="F",
        nationality="KOR",
    ),
]


@pytest.fixture(scope="module")
def matcher():  # type: ignore[no-untyped-def]
    return build_matcher(REGISTRY, population=POPULATION)


def link(matcher, **fields: object):  # type: ignore[no-untyped-def]
    return matcher.link(PersonRecord(id="L", **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fields",
    [
        {"full_name": "YI, SUNG HO"},  # surname variant, vowel folding, given split in two
        {"family_name": "Lee", "given_name": "Seong-ho"},  # hyphenated
        {"family_name": "RHEE", "given_name": "SUNGHO"},  # rarer surname spelling, joined
        {"full_name": "Sung Ho Yi"},  # GIVEN FAMILY order
        {"full_name": "SEONGHO, LEE"},  # family and given swapped by mistake
        {"full_name_hangul": "이성호"},  # Hangul list row, Latin-and-Hangul registry
        {"full_name": "dltjdgh"},  # 이성호 typed with the keyboard in Latin layout
        {"full_name": "dl tjdgh"},  # the same, family name first, as it was typed
    ],
)
def test_the_ways_one_name_is_written_all_reach_the_same_person(matcher, fields) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, date_of_birth=BORN, **fields)
    assert result.decision is Decision.MATCH, result
    assert result.best.registry_id == "R-LEE"


def test_a_typing_error_in_the_name_still_finds_the_person(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="LEE, SEONGOH", date_of_birth=BORN)
    assert result.decision is not Decision.NONE
    assert result.best.registry_id == "R-LEE"
    assert {e.field: e.outcome for e in result.best.evidence}["name"] == "typo"


@pytest.mark.parametrize("typed", ["LEE, SEONGOH", "LEE, SEOGNHO", "LEE, SEONGJO", "LEE, SEOGHO"])
def test_one_typing_error_with_the_birth_date_is_linked(matcher, typed: str) -> None:  # type: ignore[no-untyped-def]
    # Two letters swapped, a neighbouring key, one left out: one typing error.
    result = link(matcher, full_name=typed, date_of_birth=BORN, sex="M")
    assert result.decision is Decision.MATCH, result
    assert result.best.registry_id == "R-LEE"
    assert "one typing error" in result.best.explanation()


def test_a_spelling_that_is_someone_elses_name_is_not_a_typing_error() -> None:
    # 김정민 and 김준민 are both common names: KIM JUNG MIN on a list is not a mistyped
    # KIM JUNMIN, so the one born that day must not be linked on the near spelling.
    born = date(1980, 12, 18)
    registry = [
        PersonRecord(id="JUNMIN", family_name="KIM", given_name="JUNMIN", date_of_birth=born),
        *(
            PersonRecord(
                id=f"JUNGMIN{i}",
                family_name="KIM",
                given_name="JUNGMIN",
                date_of_birth=date(1960 + i, 3, 3),
            )
            for i in range(30)
        ),
    ]
    engine = build_matcher(registry, population=POPULATION)
    result = engine.link(PersonRecord(id="L", full_name="KIM, JUNG MIN", date_of_birth=born))
    assert result.best is not None and result.best.registry_id == "JUNMIN"
    assert {e.field: e.outcome for e in result.best.evidence}["name"] == "similar"
    assert result.decision is not Decision.MATCH


def test_a_common_given_name_under_another_surname_is_weak_evidence() -> None:
    # SEO MINCHEOL on the list shares a birth date with a registered KIM MINCHEOL: with
    # thousands of MINCHEOLs in the registry that is a smaller hint than with a handful.
    born = date(1991, 7, 4)
    kim = PersonRecord(id="KIM", family_name="KIM", given_name="MINCHEOL", date_of_birth=born)
    others = [
        PersonRecord(
            id=f"M{i}",
            family_name=("CHOI", "PARK", "JUNG", "KANG")[i % 4],
            given_name="MINCHEOL",
            date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
        )
        for i in range(3000)
    ]
    probe = PersonRecord(id="L", full_name="SEO, MINCHEOL", date_of_birth=born)
    found = {}
    for label, registry in (("few", [kim, *others[:3]]), ("many", [kim, *others])):
        result = build_matcher(registry, population=POPULATION).link(probe)
        assert result.best is not None and result.best.registry_id == "KIM"
        assert {e.field: e.outcome for e in result.best.evidence}["name"] == "given_only"
        found[label] = result.best.probability
    assert found["many"] < found["few"] * 0.8


def test_a_swapped_reading_sharing_one_syllable_is_no_evidence() -> None:
    # YOUN YUJOO read backwards is a 주/추 called YOUN; 최연 shares only that syllable.
    born = date(1963, 12, 9)
    registry = [
        PersonRecord(id="CHOI", family_name_hangul="최", given_name_hangul="연", date_of_birth=born)
    ]
    engine = build_matcher(registry, population=POPULATION)
    result = engine.link(PersonRecord(id="L", full_name="YOUN, YUJOO", date_of_birth=born))
    assert result.decision is Decision.NONE, result


def test_hangul_only_registry_rows_are_found_from_latin_lists(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="PARK, JI HYE", date_of_birth=date(1995, 7, 30), sex="F")
    assert result.decision is Decision.MATCH and result.best.registry_id == "R-PARK"
    bak = link(matcher, full_name="BAK JIHYE", date_of_birth=date(1995, 7, 30))
    assert bak.best is not None and bak.best.registry_id == "R-PARK"


def test_latin_only_registry_rows_are_found_from_hangul_reports(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name_hangul="최영철", date_of_birth=date(1979, 11, 11))
    assert result.decision is Decision.MATCH and result.best.registry_id == "R-CHOI"


@pytest.mark.parametrize(
    ("born", "outcome"),
    [
        (date(1988, 3, 14), "exact"),
        (date(1988, 14 - 11, 14), "exact"),
        (date(1989, 3, 14), "one_digit"),
        (date(1988, 3, 15), "one_digit"),
    ],
)
def test_birth_date_errors_are_recognised(matcher, born: date, outcome: str) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="LEE, SEONGHO", date_of_birth=born)
    evidence = {e.field: e.outcome for e in result.best.evidence}
    assert result.best.registry_id == "R-LEE" and evidence["date_of_birth"] == outcome


def test_day_and_month_swapped_is_found_and_reviewed_not_lost(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(
        matcher, full_name="PARK, JIHYE", date_of_birth=date(1995, 7, 30).replace(day=7, month=7)
    )
    swapped = link(matcher, full_name="KIM, MINJUN", date_of_birth=date(1990, 2, 1))
    assert {c.registry_id for c in swapped.candidates} == {"R-KIM-1", "R-KIM-2"}
    assert all(
        {e.field: e.outcome for e in c.evidence}["date_of_birth"] == "swapped_day_month"
        for c in swapped.candidates
    )
    assert result.decision is not Decision.MATCH or result.best.registry_id == "R-PARK"


def test_a_missing_birth_date_leaves_a_common_name_to_an_officer(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="LEE, SEONGHO")
    assert result.decision is Decision.REVIEW
    assert {c.registry_id for c in result.candidates} == {"R-LEE", "R-LEE-OLD"}


@pytest.mark.parametrize(
    "number", ["M12345678", "m1234 5678", "M1234S678", "MI2345678", "M12345670"]
)
def test_passport_numbers_with_reading_errors_still_count(matcher, number: str) -> None:  # type: ignore[no-untyped-def]
    # No birth date at all: the passport carries the identity.
    result = link(matcher, full_name="LEE, SEONGHO", passport_number=number)
    assert result.decision is Decision.MATCH and result.best.registry_id == "R-LEE"


def test_two_namesakes_sharing_a_birth_date_go_to_review(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="KIM, MIN JUN", date_of_birth=date(1990, 1, 2))
    assert result.decision is Decision.REVIEW
    assert sorted(c.registry_id for c in result.candidates) == ["R-KIM-1", "R-KIM-2"]
    assert all(0.4 < c.probability < 0.6 for c in result.candidates)
    with_passport = link(
        matcher,
        full_name="KIM, MIN JUN",
        date_of_birth=date(1990, 1, 2),
        passport_number="M33333333",
    )
    assert with_passport.decision is Decision.MATCH and with_passport.best.registry_id == "R-KIM-2"


def test_a_common_name_is_weaker_evidence_than_a_rare_one() -> None:
    kims = [
        PersonRecord(
            id=f"K{i}",
            family_name="KIM",
            given_name="MINJUN",
            date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
        )
        for i in range(400)
    ]
    rare = PersonRecord(
        id="RARE", family_name="SEOMUN", given_name="GYEOUL", date_of_birth=date(1970, 6, 6)
    )
    target = PersonRecord(
        id="TARGET", family_name="KIM", given_name="MINJUN", date_of_birth=date(1970, 6, 6)
    )
    engine = build_matcher([*kims, rare, target], population=POPULATION)
    common = engine.link(
        PersonRecord(id="a", full_name="KIM, MINJUN", date_of_birth=date(1970, 6, 7))
    )
    unusual = engine.link(
        PersonRecord(id="b", full_name="SEOMUN, GYEOUL", date_of_birth=date(1970, 6, 7))
    )
    assert common.best is not None and unusual.best is not None
    assert unusual.best.probability > common.best.probability


def test_the_same_name_born_in_another_year_is_not_linked(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="LEE, SEONGHO", date_of_birth=date(1972, 9, 30))
    assert result.decision is not Decision.MATCH
    assert all(c.probability < 0.5 for c in result.candidates)


@pytest.mark.parametrize(
    "fields",
    [
        {"full_name": "LI, WEI", "nationality": "CHN"},  # Chinese namesake of 이위
        {"full_name": "LI WEI", "country_of_birth": "CHN"},
    ],
)
def test_other_nationalities_are_not_linked_on_a_name(matcher, fields) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, date_of_birth=date(1985, 5, 5), **fields)
    assert result.decision is not Decision.MATCH


def test_japanese_and_unrelated_names_find_nobody(matcher) -> None:  # type: ignore[no-untyped-def]
    for name in ("SATO, HIROSHI", "GARCIA, JOSE", "NGUYEN, VAN AN"):
        result = link(matcher, full_name=name, date_of_birth=BORN)
        assert result.decision is Decision.NONE, name


def test_every_candidate_is_explained_field_by_field(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="YI, SUNG HO", date_of_birth=BORN, sex="M")
    text = result.best.explanation()
    assert "name variant" in text and "date of birth exact" in text and "sex exact" in text
    assert "YI SUNG HO" in text and "이성호" in text
    assert sum(e.weight for e in result.best.evidence) > 20


def test_two_hangul_names_that_romanize_alike_are_still_different_names() -> None:
    registered = PersonRecord(
        id="R",
        family_name="OH",
        given_name="SUHMIN",
        family_name_hangul="오",
        given_name_hangul="서민",
        date_of_birth=date(2004, 3, 30),
    )
    engine = build_matcher([registered], population=POPULATION)
    report = engine.link(
        PersonRecord(id="F", full_name_hangul="오수민", date_of_birth=date(2004, 3, 30))
    )
    assert report.decision is not Decision.MATCH
    latin = engine.link(
        PersonRecord(id="H", full_name="OH, SU MIN", date_of_birth=date(2004, 3, 30))
    )
    assert latin.decision is Decision.MATCH  # in Latin letters the two cannot be told apart


def test_the_other_sex_is_not_linked_without_a_passport(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name="LEE, SEONGHO", date_of_birth=BORN, sex="F")
    assert result.decision is Decision.REVIEW and result.best.registry_id == "R-LEE"


def test_the_exact_spelling_ranks_first_among_namesakes() -> None:
    people = [
        PersonRecord(
            id="SEONG",
            family_name="LEE",
            given_name="MINSEONG",
            family_name_hangul="이",
            given_name_hangul="민성",
            date_of_birth=date(1990, 1, 1),
        ),
        PersonRecord(
            id="SEUNG",
            family_name="LEE",
            given_name="MINSEUNG",
            family_name_hangul="이",
            given_name_hangul="민승",
            date_of_birth=date(1991, 2, 2),
        ),
    ]
    engine = build_matcher(people, population=POPULATION)
    result = engine.link(PersonRecord(id="L", full_name="LEE, MIN SEUNG"))
    assert result.candidates[0].registry_id == "SEUNG"


def test_hangul_typed_in_the_latin_layout_into_the_hangul_column_is_read(matcher) -> None:  # type: ignore[no-untyped-def]
    result = link(matcher, full_name_hangul="dltjdgh", date_of_birth=BORN)
    assert result.decision is Decision.MATCH and result.best.registry_id == "R-LEE"
    assert "dltjdgh" in result.best.explanation()


def test_duplicates_across_lists_cluster_into_one_person() -> None:
    rows = [
        PersonRecord(id="host-1", full_name="YI, SUNG HO", date_of_birth=BORN, nationality="KOR"),
        PersonRecord(id="employer-7", family_name="Lee", given_name="Seong-ho", date_of_birth=BORN),
        PersonRecord(id="family-2", full_name_hangul="이성호", date_of_birth=BORN),
        PersonRecord(id="host-2", full_name="KIM, MINJUN", date_of_birth=date(1990, 1, 2)),
        PersonRecord(id="host-3", full_name="LEE, SEONGHO", date_of_birth=date(1961, 7, 2)),
    ]
    groups = sorted(sorted(g) for g in cluster(rows, population=POPULATION))
    assert groups == [["employer-7", "family-2", "host-1"], ["host-2"], ["host-3"]]


_SYLLABLES = st.sampled_from(list("민준성호영수지현우진혜경철석"))
_SURNAMES = st.sampled_from(list("김이박최정강조윤장임한오서신권황안송"))


@settings(max_examples=150, deadline=None)
@given(family=_SURNAMES, first=_SYLLABLES, second=_SYLLABLES, data=st.data())
def test_any_table_spelling_of_a_hangul_name_still_matches_it(
    family: str, first: str, second: str, data: st.DataObject
) -> None:
    person = PersonRecord(
        id="P", family_name_hangul=family, given_name_hangul=first + second, date_of_birth=BORN
    )
    engine = build_matcher([person], population=POPULATION)
    spell = [
        data.draw(st.sampled_from([s for s, _ in syllable_spellings(c, surname=(i == 0))]))
        for i, c in enumerate((family, first, second))
    ]
    written = PersonRecord(
        id="L", full_name=f"{spell[0]}, {spell[1]} {spell[2]}", date_of_birth=BORN
    )
    result = engine.link(written)
    assert result.decision is Decision.MATCH, (spell, result)


def test_address_and_postcode_tell_namesakes_apart() -> None:
    born = date(1990, 1, 2)
    registry = [
        PersonRecord(
            id="SEOUL",
            full_name="KIM, MINJUN",
            date_of_birth=born,
            address="12 Sejong-daero Jongno-gu Seoul",
            postcode="03172",
        ),
        PersonRecord(
            id="BUSAN",
            full_name="KIM, MINJUN",
            date_of_birth=born,
            address="7 Haeundae-ro Busan",
            postcode="48094",
        ),
    ]
    engine = build_matcher(registry, population=POPULATION)
    probe = {"full_name": "KIM, MIN JUN", "date_of_birth": born}
    without = engine.link(PersonRecord(id="L", **probe))  # type: ignore[arg-type]
    assert without.decision is Decision.REVIEW
    moved = engine.link(
        PersonRecord(id="L", address="Jongno-gu Sejongdaero 12 SEOUL KOREA", **probe)  # type: ignore[arg-type]
    )
    assert moved.decision is Decision.MATCH and moved.best.registry_id == "SEOUL", moved
    assert {e.field: e.outcome for e in moved.best.evidence}["address"] == "similar"
    coded = engine.link(PersonRecord(id="L", postcode="48-094", **probe))  # type: ignore[arg-type]
    assert coded.best is not None and coded.best.registry_id == "BUSAN"
    assert {e.field: e.outcome for e in coded.best.evidence}["postcode"] == "exact"
    # The postcode alone is not enough to link one of two namesakes born the same day.
    assert coded.best.probability > without.best.probability


def test_a_garbled_name_is_linked_only_on_the_passport_with_the_birth_date() -> None:
    registry = [lee()]
    engine = build_matcher(registry, population=POPULATION)
    both = engine.link(
        PersonRecord(
            id="L", full_name="QWERTY, ASDF", date_of_birth=BORN, passport_number="M12345678"
        )
    )
    assert both.decision is Decision.MATCH and both.best.registry_id == "R-LEE"
    passport_only = engine.link(
        PersonRecord(id="L", full_name="QWERTY, ASDF", passport_number="M12345678")
    )
    assert passport_only.decision is Decision.REVIEW


# --- namesakes: a likely match is never enough when the person could be someone else ------

RARE_BORN = date(1985, 3, 2)


def seomun(**overrides: object) -> PersonRecord:
    fields: dict[str, object] = {
        "id": "R-SEOMUN",
        "family_name": "SEOMUN",
        "given_name": "GYEOUL",
        "family_name_hangul": "서문",
        "given_name_hangul": "겨울",
        "date_of_birth": RARE_BORN,
        "sex": "F",
        "passport_number": "M55555555",
        "nationality": "KOR",
        "host_identifier": None,
        "employers": ("Hanbit Construction Co., Ltd.",),
    }
    fields.update(overrides)
    return PersonRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("born", "outcome"),
    [
        (date(1982, 3, 2), "one_digit"),  # born three years apart on the same day
        (date(1985, 3, 3), "one_digit"),  # born one day apart
        (date(1985, 2, 3), "swapped_day_month"),
    ],
)
def test_a_namesake_with_another_birth_date_is_never_linked_on_the_name(
    born: date, outcome: str
) -> None:
    engine = build_matcher([seomun()], population=POPULATION)
    result = engine.link(
        PersonRecord(id="L", full_name="SEOMUN, GYEOUL", date_of_birth=born, sex="F")
    )
    assert result.best is not None and result.best.probability >= 0.98, result
    evidence = {e.field: e.outcome for e in result.best.evidence}
    assert evidence["date_of_birth"] == outcome
    assert result.decision is Decision.REVIEW
    assert result.hold == "birth_date_differs"
    assert f"{born.isoformat()} / 1985-03-02" in result.note


@pytest.mark.parametrize(
    "identifier",
    [
        {"passport_number": "M55555555"},
        {"passport_number": "M55555575"},  # one digit misread
        {"host_identifier": "A-201-555-555"},
        {"employers": ("HANBIT CONSTRUCTION",)},
    ],
)
def test_a_birth_date_typing_error_is_linked_when_a_second_identifier_agrees(
    identifier: dict[str, object],
) -> None:
    registry = [seomun(host_identifier="201555555")]
    engine = build_matcher(registry, population=POPULATION)
    result = engine.link(
        PersonRecord(
            id="L", full_name="SEOMUN, GYEOUL", date_of_birth=date(1982, 3, 2), **identifier
        )  # type: ignore[arg-type]
    )
    assert result.decision is Decision.MATCH, result
    assert result.best is not None and result.best.registry_id == "R-SEOMUN"
    assert result.hold is None and result.note == ""


def test_a_shared_given_name_alone_never_links() -> None:
    # Another surname, the same rare given name and the same birth date: in a small registry
    # that alone reaches the probability of a match; it is still somebody else's name.
    registry = [
        seomun(),
        *(
            lee(id=f"R{i}", date_of_birth=date(1960, 1, 1 + i % 28), passport_number=f"M{i:08d}")
            for i in range(50)
        ),
    ]
    engine = build_matcher(registry, population=5_000)
    result = engine.link(
        PersonRecord(
            id="L", full_name="PARK, GYEOUL", date_of_birth=RARE_BORN, sex="F", nationality="KOR"
        )
    )
    assert result.best is not None and result.best.registry_id == "R-SEOMUN"
    assert {e.field: e.outcome for e in result.best.evidence}["name"] == "given_only"
    assert result.best.probability >= 0.98
    assert result.decision is Decision.REVIEW
    assert result.hold == "name_part_only"
    with_passport = engine.link(
        PersonRecord(
            id="L", full_name="PARK, GYEOUL", date_of_birth=RARE_BORN, passport_number="M55555555"
        )
    )
    assert with_passport.decision is Decision.MATCH


def test_another_a_number_for_a_linked_person_goes_to_review() -> None:
    engine = build_matcher([seomun(host_identifier="201555555")], population=POPULATION)
    result = engine.link(
        PersonRecord(
            id="L",
            full_name="SEOMUN, GYEOUL",
            date_of_birth=RARE_BORN,
            host_identifier="A209999999",
        )
    )
    assert result.decision is Decision.REVIEW
    assert result.hold == "host_identifier_differs"
    assert "209999999 / 201555555" in result.note


def test_an_a_number_already_linked_to_someone_else_is_not_followed_blindly() -> None:
    # The row's A-number belongs to a linked person, but its name and birth date are
    # another registered person's: an officer decides.
    other = lee(host_identifier="201555555")
    engine = build_matcher([seomun(), other], population=POPULATION)
    result = engine.link(
        PersonRecord(
            id="L",
            full_name="SEOMUN, GYEOUL",
            date_of_birth=RARE_BORN,
            host_identifier="A201555555",
        )
    )
    assert result.decision is Decision.REVIEW
    assert result.hold == "host_identifier_taken" and "R-LEE" in result.note
    assert {c.registry_id for c in result.candidates} >= {"R-SEOMUN", "R-LEE"}


def test_a_birth_date_that_cannot_be_true_is_compared_as_written() -> None:
    registry = [
        lee(date_of_birth=date(2002, 11, 15)),
        lee(id="R-OTHER", date_of_birth=date(1970, 1, 1)),
    ]
    matcher = build_matcher(registry, population=POPULATION)
    # A host list's 2052-11-15 for 2002-11-15: one digit from the registry's date.
    listed = PersonRecord(
        id="L1", family_name="LEE", given_name="SEONGHO", written_birth_date="20521115"
    )
    link = matcher.link(listed)
    assert link.best is not None and link.best.registry_id == "R-LEE"
    births = {
        c.registry_id: e for c in link.candidates for e in c.evidence if e.field == "date_of_birth"
    }
    assert births["R-LEE"].outcome == "one_digit"
    assert births["R-LEE"].detail == "2052-11-15 as written / 2002-11-15"
    assert "R-OTHER" not in births or births["R-OTHER"].outcome == "different"
    # Without the written date the two namesakes could not be told apart.
    unknown = matcher.link(PersonRecord(id="L2", family_name="LEE", given_name="SEONGHO"))
    assert unknown.best is not None and unknown.best.probability < link.best.probability


def test_a_deployment_at_the_raided_worksite_confirms_a_birth_date_typing_error_only() -> None:
    site = "HL-GA battery plant site, Ellabell, GA"
    registry = [
        seomun(worksites=(site,), employers=()),
        *(lee(id=f"R{i}", passport_number=f"M{i:08d}") for i in range(20)),
    ]
    engine = build_matcher(registry, population=POPULATION)
    typed = engine.link(
        PersonRecord(
            id="L", full_name="SEOMUN, GYEOUL", date_of_birth=date(1982, 3, 2), worksites=(site,)
        )
    )
    assert typed.decision is Decision.MATCH, typed
    assert {e.field: e.outcome for e in typed.best.evidence}["worksite"] == "exact"
    elsewhere = engine.link(
        PersonRecord(id="L", full_name="SEOMUN, GYEOUL", date_of_birth=date(1982, 3, 2))
    )
    assert elsewhere.decision is Decision.REVIEW and elsewhere.hold == "birth_date_differs"
    # Many people share a worksite or an employer: a shared given name needs the passport.
    given_only = build_matcher(registry, population=5_000).link(
        PersonRecord(
            id="L",
            full_name="PARK, GYEOUL",
            date_of_birth=RARE_BORN,
            sex="F",
            worksites=(site,),
            employers=("Hanbit Construction",),
        )
    )
    assert given_only.decision is Decision.REVIEW and given_only.hold == "name_part_only"


# --- a family name in common and nothing else ----------------------------------------------


def test_a_family_name_and_a_birth_date_in_common_are_not_enough_to_ask_an_officer() -> None:
    # An unregistered LEE TAESEUNG born the day a registered LEE GIJUN was: the given
    # names share nothing, so nobody in the registry is a plausible match.
    born = date(1976, 10, 16)
    registry = [
        PersonRecord(
            id="GIJUN",
            family_name="LEE",
            given_name="GIJUN",
            family_name_hangul="이",
            given_name_hangul="기준",
            date_of_birth=born,
            sex="M",
            nationality="KOR",
        )
    ]
    engine = build_matcher(registry, population=100_000)
    result = engine.link(
        PersonRecord(
            id="L", full_name="LEE, TAESEUNG", date_of_birth=born, sex="M", nationality="KOR"
        )
    )
    assert result.decision is Decision.NONE, result
    # A given name garbled on the list (a syllable too many) still shows the person to
    # an officer, and is not linked on the family name.
    garbled = engine.link(
        PersonRecord(id="L", full_name="LEE, GIJUNHO", date_of_birth=born, sex="M")
    )
    assert garbled.decision is Decision.REVIEW, garbled
    assert {e.field: e.outcome for e in garbled.best.evidence}["name"] == "surname_only"


@pytest.mark.parametrize("family", ["PAKR", "PRK", "APRK"])
def test_one_typing_error_in_the_family_name_is_not_another_family(matcher, family: str) -> None:  # type: ignore[no-untyped-def]
    # PAKR is nobody's family name: it is PARK mistyped, not a namesake under another name.
    born = date(1995, 7, 30)
    result = link(matcher, full_name=f"{family}, JI HYE", date_of_birth=born, sex="F")
    assert result.decision is Decision.MATCH, result
    assert result.best.registry_id == "R-PARK"
    assert {e.field: e.outcome for e in result.best.evidence}["name"] == "typo"
    # A real family name one letter away is another family: the given name alone is shared.
    kang = link(matcher, full_name="BAN, JI HYE", date_of_birth=born, sex="F")
    assert kang.decision is not Decision.MATCH
    assert {e.field: e.outcome for e in kang.best.evidence}["name"] == "given_only"


def test_namesakes_nothing_on_the_row_tells_apart_are_all_shown_for_review() -> None:
    # Twelve men named 박지훈, born on twelve days; the row names him with no birth date.
    namesakes = [
        lee(
            id=f"R-PARK-{n:02}",
            family_name="PARK",
            given_name="JIHOON",
            family_name_hangul="박",
            given_name_hangul="지훈",
            date_of_birth=date(1980 + n, 1 + n % 12, 1 + n),
            passport_number=f"M5555{n:04}",
        )
        for n in range(12)
    ]
    matcher = build_matcher([*REGISTRY, *namesakes], population=POPULATION)
    row = PersonRecord(id="L1", family_name="PARK", given_name="JI HOON", sex="M")
    result = matcher.link(row)
    assert result.decision is Decision.REVIEW
    # All twelve, not the first five by identifier: the person sought may be any of them.
    assert sorted(c.registry_id for c in result.candidates) == [n.id for n in namesakes]
