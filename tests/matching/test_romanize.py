"""Behaviour of passport romanization, spelling keys and wrong-layout decoding."""

import pytest

from consular.matching.romanize import (
    decompose,
    hangul_from_qwerty,
    qwerty_from_hangul,
    romanize_name,
    romanize_syllable,
    spelling_key,
    split_hangul_name,
    surname_keys,
    syllable_spellings,
)


def spellings_of(syllable: str, *, surname: bool = False) -> list[str]:
    return [spelling for spelling, _ in syllable_spellings(syllable, surname=surname)]


def test_decompose_uses_unicode_jamo_order() -> None:
    assert decompose("가") == (0, 0, 0)
    assert decompose("김") == (0, 20, 16)
    assert decompose("힣") == (18, 20, 27)


@pytest.mark.parametrize("bad", ["A", "ㄱ", "", "김이", "1"])
def test_decompose_rejects_non_syllables_naming_the_character(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        decompose(bad)


@pytest.mark.parametrize(
    ("syllable", "expected"),
    [
        ("이", "i"),
        ("박", "bak"),
        ("성", "seong"),
        ("호", "ho"),
        ("정", "jeong"),
        ("최", "choe"),
        ("한", "han"),
        ("복", "bok"),
        ("남", "nam"),
        ("김", "gim"),
        ("류", "ryu"),
        ("닭", "dak"),
        ("쌍", "ssang"),
        ("의", "ui"),
    ],
)
def test_romanize_syllable_is_revised_romanization_in_isolation(
    syllable: str, expected: str
) -> None:
    assert romanize_syllable(syllable) == expected


def test_romanize_syllable_rejects_latin() -> None:
    with pytest.raises(ValueError, match="'K'"):
        romanize_syllable("K")


def test_surname_spellings_follow_passport_statistics() -> None:
    kim = dict(syllable_spellings("김", surname=True))
    assert spellings_of("김", surname=True)[0] == "KIM"
    assert kim["KIM"] == pytest.approx(0.9955, abs=0.001)
    assert kim["GIM"] == pytest.approx(0.0042, abs=0.001)
    assert spellings_of("박", surname=True)[:3] == ["PARK", "BAK", "PAK"]
    assert spellings_of("최", surname=True)[:2] == ["CHOI", "CHOE"]
    jung = spellings_of("정", surname=True)
    assert jung[:3] == ["JUNG", "JEONG", "CHUNG"]
    assert {"JOUNG", "CHEONG", "CHONG", "JEOUNG", "JEUNG", "CHOUNG", "JONG", "CHEUNG"} <= set(jung)
    assert {"LEE", "YI", "RHEE", "REE", "RHIE", "I"} == set(spellings_of("이", surname=True))


@pytest.mark.parametrize(
    ("surname", "expected"),
    [
        ("윤", {"YOON", "YUN", "YOUN"}),
        ("유", {"YOO", "YOU", "YU"}),
        ("노", {"NOH", "ROH", "NO"}),
        ("류", {"RYU", "YOO", "RHYU"}),
        ("임", {"LIM", "IM", "YIM"}),
        ("신", {"SHIN", "SIN"}),
        ("서", {"SEO", "SUH"}),
        ("안", {"AHN", "AN"}),
        ("허", {"HEO", "HUH", "HUR"}),
        ("전", {"JEON", "JUN", "CHUN"}),
        ("백", {"BAEK", "PAIK", "PAEK"}),
        ("남궁", {"NAMGUNG"}),
        ("선우", {"SEONWOO", "SUNWOO"}),
        ("제갈", {"JEGAL"}),
        ("황보", {"HWANGBO"}),
        ("독고", {"DOKGO"}),
    ],
)
def test_surname_variants_from_the_reference(surname: str, expected: set[str]) -> None:
    assert expected <= set(spellings_of(surname, surname=True))


@pytest.mark.parametrize(
    ("syllable", "surname"),
    [
        *((syllable, surname) for syllable in "김이정성영곽뷁쌍" for surname in (False, True)),
        ("남궁", True),
        ("사공", True),
    ],
)
def test_spelling_weights_sum_to_one_most_common_first(syllable: str, surname: bool) -> None:
    spellings = syllable_spellings(syllable, surname=surname)
    weights = [weight for _, weight in spellings]
    assert sum(weights) == pytest.approx(1.0)
    assert weights == sorted(weights, reverse=True)
    assert all(spelling.isupper() and spelling.isalpha() for spelling, _ in spellings)
    assert len({spelling for spelling, _ in spellings}) == len(spellings)


@pytest.mark.parametrize(
    ("syllable", "expected"),
    [
        ("성", {"SEONG", "SUNG"}),
        ("정", {"JEONG", "JUNG", "CHUNG"}),
        ("영", {"YOUNG", "YEONG"}),
        ("현", {"HYUN", "HYEON"}),
        ("준", {"JUN", "JOON"}),
        ("주", {"JU", "JOO"}),
        ("훈", {"HUN", "HOON"}),
        ("은", {"EUN", "UN"}),
        ("우", {"U", "WOO"}),
        ("석", {"SEOK", "SUK"}),
        ("철", {"CHEOL", "CHUL"}),
        ("수", {"SU", "SOO"}),
        ("희", {"HUI", "HEE"}),
        ("의", {"UI", "EUI"}),
        ("민", {"MIN"}),
    ],
)
def test_given_name_syllable_variants(syllable: str, expected: set[str]) -> None:
    assert expected <= set(spellings_of(syllable))


def test_generated_spellings_apply_the_folding_rules_rr_first() -> None:
    # None of these syllables is in the override table.
    assert spellings_of("건")[0] == "GEON"
    assert {"GUN", "KEON", "KUN"} <= set(spellings_of("건"))
    assert {"BIN", "PIN"} <= set(spellings_of("빈"))
    assert {"DO", "TO"} <= set(spellings_of("도"))
    assert {"RAN", "LAN"} <= set(spellings_of("란"))
    assert {"SIK", "SHIK"} <= set(spellings_of("식"))
    assert {"MI", "MEE"} <= set(spellings_of("미"))
    assert {"GAE", "GE"} <= set(spellings_of("개"))
    assert {"CHAN", "JAN"} <= set(spellings_of("찬"))
    for syllable in "가각간갈감갑강개거걱건걸검겁게겨견결겸경계고곡곤골곰공과관광괴교구국군굴궁권":
        spellings = spellings_of(syllable)
        assert 1 <= len(spellings) <= 6
        assert spellings[0] == romanize_syllable(syllable).upper() or syllable in "경광"


def test_syllable_spellings_rejects_non_hangul() -> None:
    with pytest.raises(ValueError, match="'x'"):
        syllable_spellings("x")


def test_romanize_name_uses_most_common_passport_spelling() -> None:
    assert romanize_name("이", "성호") == ("LEE", "SEONGHO")
    assert romanize_name("한", "복남") == ("HAN", "BOKNAM")
    assert romanize_name("김", "민준") == ("KIM", "MINJUN")
    assert romanize_name("남궁", "민") == ("NAMGUNG", "MIN")
    assert romanize_name("박", "윤주") == ("PARK", "YUNJU")  # no sound change across syllables


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("김민준", ("김", "민준")),
        ("남궁민", ("남궁", "민")),
        ("남궁민수", ("남궁", "민수")),
        ("선우 진", ("선우", "진")),
        ("이 성호", ("이", "성호")),
        ("김민", ("김", "민")),
        ("선우", ("선", "우")),
    ],
)
def test_split_hangul_name(full: str, expected: tuple[str, str]) -> None:
    assert split_hangul_name(full) == expected


@pytest.mark.parametrize("bad", ["김", "", "Kim Minjun", "김민2"])
def test_split_hangul_name_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        split_hangul_name(bad)


@pytest.mark.parametrize(
    "group",
    [
        ["SUNG", "SEONG", "SOUNG", "Sung"],
        ["JUNG", "JEONG", "CHUNG", "JOUNG", "JEOUNG", "CHEONG"],
        ["YOUNG", "YEONG"],
        ["HYUN", "HYEON", "HYOUN"],
        ["JUN", "JOON"],
        ["HUN", "HOON"],
        ["EUN", "UN"],
        ["U", "WOO"],
        ["SEOK", "SUK"],
        ["CHEOL", "CHUL"],
        ["SU", "SOO"],
        ["HUI", "HEE"],
        ["UI", "EUI"],
        ["LEE", "RHEE", "REE"],
        ["PARK", "BAK", "PAK"],
        ["CHOI", "CHOE"],
        ["HEO", "HUH", "HUR"],
        ["AHN", "AN"],
        ["SHIN", "SIN"],
        ["KIM", "GIM"],
        ["SEONGHO", "Sung-ho", "SUNG HO", "Sung Ho", "soungho"],
    ],
)
def test_spelling_key_folds_alternations(group: list[str]) -> None:
    assert len({spelling_key(spelling) for spelling in group}) == 1


def test_spelling_key_strips_accents_and_apostrophes() -> None:
    assert spelling_key("Sŏng-ho") == spelling_key("SONGHO")
    assert spelling_key("Ch'oe") == spelling_key("CHOE")


def test_spelling_key_keeps_distinct_names_apart() -> None:
    assert spelling_key("KIM") != spelling_key("PARK")
    assert spelling_key("MINJUN") != spelling_key("MINHO")
    assert spelling_key("JIHYUN") != spelling_key("JIYUN")
    assert spelling_key("") == ""


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("YI", {"이"}),
        ("LEE", {"이"}),
        ("Rhee", {"이"}),
        ("I", {"이"}),
        ("JUNG", {"정"}),
        ("CHUNG", {"정"}),
        ("YOO", {"유", "류"}),
        ("CHOE", {"최"}),
        ("Nam-gung", {"남궁"}),
        ("SOUNG", {"성"}),
        ("SMITH", set()),
    ],
)
def test_surname_keys(latin: str, expected: set[str]) -> None:
    assert surname_keys(latin) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rla", "김"),
        ("qkr", "박"),
        ("dltjdgh", "이성호"),
        ("RLA", "김"),
        ("rhkddkr", "광악"),  # compound vowel ㅘ
        ("dmlwjd", "의정"),  # compound vowel ㅢ
        ("ekfr", "닭"),  # compound final ㄺ
        ("rkqtl", "갑시"),  # ㅄ splits: ㅅ moves to the next syllable
        ("Rk", "까"),  # shifted key
        ("RO", "꺠"),  # only shifted keys: not read as upper-cased
        ("rkqtdl", "값이"),
        ("rla dltjdgh", "김 이성호"),
    ],
)
def test_hangul_from_qwerty(typed: str, expected: str) -> None:
    assert hangul_from_qwerty(typed) == expected


@pytest.mark.parametrize("typed", ["", "r", "k", "rr", "rlaa1", "kim!", "rlaqq"])
def test_hangul_from_qwerty_rejects_what_cannot_compose(typed: str) -> None:
    assert hangul_from_qwerty(typed) is None


@pytest.mark.parametrize("name", ["김민준", "이성호", "남궁민", "황보혜원", "최의정", "곽닭값"])
def test_qwerty_round_trip(name: str) -> None:
    assert hangul_from_qwerty(qwerty_from_hangul(name)) == name


def test_every_syllable_survives_the_qwerty_round_trip() -> None:
    # A stride through the whole block keeps this fast while covering every jamo.
    for code in range(0xAC00, 0xD7A4, 7):
        assert hangul_from_qwerty(qwerty_from_hangul(chr(code))) == chr(code)
