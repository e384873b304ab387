"""Behaviour of the synthetic name generator."""

import random
import re
from collections import Counter

import pytest

from consular.demo.names import (
    FOREIGN_NATIONALITIES,
    KoreanName,
    draw_foreign_name,
    draw_korean_name,
    employer_spelling,
    family_report_name,
    host_authority_spelling,
    korean_name_from_hangul,
)
from consular.matching.romanize import (
    hangul_from_qwerty,
    spelling_key,
    surname_keys,
    syllable_spellings,
)

LEE_SEONGHO = korean_name_from_hangul("이성호")


def draw_many(seed: int, count: int, sex: str = "M") -> list[KoreanName]:
    rng = random.Random(seed)
    return [draw_korean_name(rng, sex) for _ in range(count)]


def test_korean_name_from_hangul_uses_the_common_passport_spelling() -> None:
    assert KoreanName("이", "성호", "LEE", "SEONGHO") == LEE_SEONGHO
    assert LEE_SEONGHO.full_hangul == "이성호"
    assert korean_name_from_hangul("남궁민") == KoreanName("남궁", "민", "NAMGUNG", "MIN")


def test_draw_korean_name_is_deterministic_for_a_seed() -> None:
    assert draw_many(42, 50) == draw_many(42, 50)
    assert draw_many(42, 50) != draw_many(43, 50)


def test_draw_korean_name_does_not_use_the_global_random() -> None:
    random.seed(1)
    first = draw_many(5, 10)
    random.seed(2)
    assert draw_many(5, 10) == first


def test_surname_distribution_is_realistic() -> None:
    names = draw_many(2024, 20_000, "F")
    counts = Counter(name.family_hangul for name in names)
    assert 0.19 <= counts["김"] / len(names) <= 0.24
    assert 0.12 <= counts["이"] / len(names) <= 0.17
    assert 0.07 <= counts["박"] / len(names) <= 0.10
    assert len(counts) > 50
    # A few Lees are YI on their passports, as in passport statistics.
    lee_spellings = Counter(name.family_latin for name in names if name.family_hangul == "이")
    assert lee_spellings.most_common(1)[0][0] == "LEE"
    assert lee_spellings["YI"] > 0


def test_drawn_names_are_consistent() -> None:
    for sex in ("M", "F"):
        for name in draw_many(7, 500, sex):
            assert 1 <= len(name.given_hangul) <= 3
            assert name.family_latin.isupper() and name.given_latin.isupper()
            assert name.family_hangul in surname_keys(name.family_latin)
            family_spellings = {s for s, _ in syllable_spellings(name.family_hangul, surname=True)}
            assert name.family_latin in family_spellings


def test_given_name_lengths_are_mostly_two_syllables() -> None:
    lengths = Counter(len(name.given_hangul) for name in draw_many(3, 2000))
    assert lengths[2] / 2000 > 0.85
    assert lengths[1] > 0 and lengths[3] > 0


def test_sex_selects_the_syllable_pool() -> None:
    men = Counter(s for name in draw_many(11, 2000, "M") for s in name.given_hangul)
    women = Counter(s for name in draw_many(11, 2000, "F") for s in name.given_hangul)
    assert men["준"] > 50 and women["준"] == 0
    assert women["지"] > 50 and men["지"] == 0


def test_draw_korean_name_rejects_unknown_sex() -> None:
    with pytest.raises(ValueError, match="'Q'"):
        draw_korean_name(random.Random(0), "Q")


def test_host_authority_spelling_is_capitals_family_comma_given() -> None:
    rng = random.Random(9)
    for name in draw_many(9, 300):
        written = host_authority_spelling(rng, name)
        assert re.fullmatch(r"[A-Z]+( [A-Z]+)*, [A-Z]+( [A-Z]+)*", written), written


def test_host_authority_spelling_varies_like_real_lists() -> None:
    rng = random.Random(1)
    seen = Counter(host_authority_spelling(rng, LEE_SEONGHO) for _ in range(2000))
    assert seen.most_common(1)[0][0] in {"LEE, SEONGHO", "LEE, SEONG HO"}
    assert "LEE, SUNG HO" in seen or "LEE, SUNGHO" in seen
    assert any(written.startswith("YI,") for written in seen)
    assert any(written.endswith(", LEE") for written in seen)  # family and given swapped
    typos = [w for w in seen if spelling_key(w.replace(",", "")) not in _keys_of_lee_seongho()]
    assert typos  # a dropped, doubled or swapped letter


def _keys_of_lee_seongho() -> set[str]:
    """Spelling keys of every untyped way a list can write 이성호, in either order."""
    families = ("LEE", "YI", "RHEE", "I", "RHIE", "REE")
    givens = ("SEONGHO", "SONGHO")
    return {
        spelling_key(first + second)
        for family in families
        for given in givens
        for first, second in ((family, given), (given, family))
    }


def test_employer_spelling_is_title_case_with_separators() -> None:
    rng = random.Random(4)
    seen = {employer_spelling(rng, LEE_SEONGHO) for _ in range(500)}
    givens = {given for _, given in seen}
    assert ("Lee", "Seong-ho") in seen or ("Lee", "Seongho") in seen
    assert {"Seongho", "Seong-ho", "Seong-Ho", "Seong Ho"} <= givens
    assert any(given.startswith("Sung") for given in givens)
    for family, given in seen:
        assert family[0].isupper() and family[1:].islower()
        assert spelling_key(given) in {spelling_key("SEONGHO"), spelling_key("SONGHO")}


def test_family_report_name_is_hangul_and_rarely_wrong_layout() -> None:
    rng = random.Random(5)
    reports = Counter(family_report_name(rng, LEE_SEONGHO) for _ in range(3000))
    assert reports.most_common(1)[0][0] == "이성호"
    assert set(reports) <= {"이성호", "이 성호", "dltjdgh"}
    assert 0 < reports["dltjdgh"] < 100
    assert hangul_from_qwerty("dltjdgh") == "이성호"


@pytest.mark.parametrize("nationality", FOREIGN_NATIONALITIES)
def test_draw_foreign_name(nationality: str) -> None:
    rng = random.Random(nationality)
    names = [draw_foreign_name(rng, nationality) for _ in range(100)]
    assert len(set(names)) > 20
    for family, given in names:
        assert re.fullmatch(r"[A-Z]+( [A-Z]+)*", family)
        assert re.fullmatch(r"[A-Z]+( [A-Z]+)*", given)
    again = random.Random(nationality)
    assert names == [draw_foreign_name(again, nationality) for _ in range(100)]


def test_draw_foreign_name_rejects_unknown_nationality() -> None:
    with pytest.raises(ValueError, match="'KOR'"):
        draw_foreign_name(random.Random(0), "KOR")
