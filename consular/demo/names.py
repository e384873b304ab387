"""Synthetic people's names, and the ways different lists write them.

Every function draws from a ``random.Random`` passed in, so a seed reproduces the same
people. The tables hold surnames, name syllables and common foreign name parts, never
real people: names are assembled from parts at random.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from consular.matching.romanize import (
    qwerty_from_hangul,
    romanize_name,
    split_hangul_name,
    syllable_spellings,
)

# Share of the population per surname, in per cent: the top five after the 2015 census,
# the rest approximate.
SURNAME_FREQUENCIES: dict[str, float] = {
    "김": 21.5, "이": 14.7, "박": 8.4, "최": 4.7, "정": 4.3, "강": 2.3, "조": 2.1,
    "윤": 2.1, "장": 2.0, "임": 1.7, "한": 1.5, "오": 1.5, "서": 1.5, "신": 1.4,
    "권": 1.4, "황": 1.4, "안": 1.4, "송": 1.3, "류": 1.2, "전": 1.1, "홍": 1.1,
    "고": 0.9, "문": 0.9, "양": 0.8, "손": 0.9, "배": 0.8, "백": 0.7, "허": 0.6,
    "유": 0.6, "남": 0.5, "심": 0.5, "노": 0.4, "하": 0.4, "곽": 0.4, "성": 0.4,
    "차": 0.4, "주": 0.4, "우": 0.4, "구": 0.4, "민": 0.3, "나": 0.3, "진": 0.3,
    "지": 0.3, "엄": 0.3, "채": 0.3, "원": 0.3, "천": 0.2, "방": 0.2, "공": 0.2,
    "현": 0.2, "함": 0.2, "변": 0.2, "염": 0.1, "여": 0.1, "추": 0.1, "도": 0.1,
    "소": 0.1, "석": 0.1, "선": 0.1, "설": 0.1, "마": 0.1, "길": 0.1, "연": 0.1,
    "위": 0.1, "표": 0.05, "명": 0.05, "기": 0.05, "반": 0.05, "왕": 0.05, "금": 0.05,
    "옥": 0.04, "육": 0.04, "인": 0.04, "맹": 0.03, "제": 0.03, "모": 0.03, "탁": 0.02,
    "국": 0.02, "어": 0.02, "은": 0.02, "편": 0.02, "용": 0.02, "예": 0.02, "경": 0.02,
    "봉": 0.02, "사": 0.02, "부": 0.02, "남궁": 0.04, "황보": 0.02, "제갈": 0.01,
    "선우": 0.01, "독고": 0.005, "서문": 0.005,
}  # fmt: skip
_SURNAMES = tuple(SURNAME_FREQUENCIES)
_TOP_SURNAMES = 5
# People whose surname is not listed are spread over the listed tail, so that the top
# five keep their census share of all draws.
_TAIL_SCALE = (100 - sum(list(SURNAME_FREQUENCIES.values())[:_TOP_SURNAMES])) / sum(
    list(SURNAME_FREQUENCIES.values())[_TOP_SURNAMES:]
)
_SURNAME_CUMULATIVE = tuple(
    itertools.accumulate(
        share if rank < _TOP_SURNAMES else share * _TAIL_SCALE
        for rank, share in enumerate(SURNAME_FREQUENCIES.values())
    )
)

# Given-name syllables by sex, most common first.
MALE_SYLLABLES = (
    "민", "준", "성", "호", "현", "우", "진", "영", "석", "철", "훈", "재", "동", "상", "정",
    "승", "태", "형", "수", "용", "기", "원", "혁", "환", "규", "광", "경", "범", "빈", "윤",
    "한", "종", "주", "건", "도", "일", "찬", "희", "근", "병",
)  # fmt: skip
FEMALE_SYLLABLES = (
    "지", "은", "서", "연", "수", "민", "영", "희", "미", "경", "혜", "유", "하", "윤", "정",
    "아", "선", "주", "현", "나", "진", "예", "소", "채", "다", "숙", "순", "옥", "인", "란",
    "빈", "원", "림", "화", "명", "향",
)  # fmt: skip
# Zipf-like weights over each pool: the first syllables are drawn most often.
_MALE_CUMULATIVE = tuple(
    itertools.accumulate(1 / (rank + 4) for rank in range(len(MALE_SYLLABLES)))
)
_FEMALE_CUMULATIVE = tuple(
    itertools.accumulate(1 / (rank + 4) for rank in range(len(FEMALE_SYLLABLES)))
)
# Name length: mostly two syllables, occasionally one or three.
_GIVEN_LENGTHS = (1, 2, 3)
_GIVEN_LENGTH_WEIGHTS = (3, 94, 3)

# How often a list departs from the passport spelling (approximate, for realistic noise).
_HOST_REDRAW_FAMILY = 0.2
_HOST_REDRAW_GIVEN = 0.3
_HOST_SPLIT_GIVEN = 0.4
_HOST_SWAP = 0.05
_HOST_TYPO = 0.05
_EMPLOYER_REDRAW = 0.25
_FAMILY_QWERTY = 0.01
_FAMILY_SPACE = 0.05

_VIETNAMESE_MIDDLES = ("VAN", "THI", "DUC", "HUU", "NGOC", "MINH", "THANH")
_HISPANIC_GIVEN_MALE = (
    "JOSE", "JUAN", "LUIS", "CARLOS", "JORGE", "MIGUEL", "PEDRO", "MARIO", "JESUS",
    "FRANCISCO", "ALEJANDRO", "FERNANDO", "ANTONIO", "VICTOR", "OSCAR", "SANTOS",
)  # fmt: skip
_HISPANIC_GIVEN_FEMALE = (
    "MARIA", "ANA", "ROSA", "GUADALUPE", "CARMEN", "SILVIA", "ELENA", "GLORIA", "LUCIA",
    "SOFIA", "PATRICIA", "VERONICA",
)  # fmt: skip
_HISPANIC_GIVEN = (*_HISPANIC_GIVEN_MALE, *_HISPANIC_GIVEN_FEMALE)
_HISPANIC_FAMILY = (
    "HERNANDEZ", "GARCIA", "MARTINEZ", "LOPEZ", "GONZALEZ", "PEREZ", "RODRIGUEZ", "SANCHEZ",
    "RAMIREZ", "CRUZ", "FLORES", "GOMEZ", "MORALES", "VASQUEZ", "REYES", "JIMENEZ", "TORRES",
    "DIAZ", "GUTIERREZ", "RUIZ", "MENDOZA", "AGUILAR", "ORTIZ", "CASTILLO",
)  # fmt: skip
# (family names, given names) per nationality, ISO 3166 alpha-3.
_FOREIGN_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "CHN": (
        ("WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU",
         "SUN", "MA", "ZHU", "HU", "GUO", "HE", "LIN", "GAO", "LUO"),
        ("WEI", "FANG", "NA", "XIU", "YING", "MIN", "JING", "LI", "QIANG", "LEI", "JUN",
         "YANG", "YONG", "YAN", "JIE", "TAO", "MING", "CHAO", "XIA", "HUA", "PING", "HUI"),
    ),
    "JPN": (
        ("SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA",
         "KOBAYASHI", "KATO", "YOSHIDA", "YAMADA", "SASAKI", "MATSUMOTO", "INOUE", "KIMURA"),
        ("HIROSHI", "TAKESHI", "KENJI", "YUKI", "HARUTO", "SOTA", "REN", "YUI", "AOI", "HINA",
         "SAKURA", "DAICHI", "KAITO", "YUTO", "AKIRA", "NAOKI", "EMI", "MISAKI", "KAORI"),
    ),
    "IDN": (
        ("SANTOSO", "WIJAYA", "SAPUTRA", "HIDAYAT", "KUSUMA", "SETIAWAN", "NUGROHO",
         "PRATAMA", "GUNAWAN", "LESTARI", "WIBOWO", "HARTONO"),
        ("AGUS", "BUDI", "DEWI", "SRI", "ADI", "RINI", "EKO", "PUTRI", "INDAH", "YULIA",
         "RIZKY", "FAJAR", "AYU", "DIAN"),
    ),
    "MEX": (_HISPANIC_FAMILY, _HISPANIC_GIVEN),
    "GTM": ((*_HISPANIC_FAMILY, "XOL", "CHOC", "TZUL", "COJ", "AJANEL"), _HISPANIC_GIVEN),
    "HND": ((*_HISPANIC_FAMILY, "MEJIA", "ZELAYA", "BANEGAS", "PAZ"), _HISPANIC_GIVEN),
    "VNM": (
        ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI",
         "DO", "HO", "NGO", "DUONG", "LY"),
        ("MINH", "HUNG", "DUNG", "TUAN", "ANH", "LINH", "HOA", "LAN", "THANH", "HIEU", "NAM",
         "KHANH", "PHUONG", "TRANG", "HAI", "LONG"),
    ),
}  # fmt: skip
FOREIGN_NATIONALITIES = tuple(_FOREIGN_PARTS)


@dataclass(frozen=True, slots=True)
class KoreanName:
    """A synthetic Korean name in Hangul with its passport spelling (upper case)."""

    family_hangul: str
    given_hangul: str
    family_latin: str
    given_latin: str

    @property
    def full_hangul(self) -> str:
        """Family and given name in Hangul without a space: ``"이성호"``."""
        return self.family_hangul + self.given_hangul


def draw_korean_name(rng: random.Random, sex: str) -> KoreanName:
    """Draw a synthetic Korean name for ``sex`` ``"M"`` or ``"F"``.

    The surname follows population frequencies (Kim about 21.5 %); the given name has
    two syllables from a sex-appropriate pool, occasionally one or three. The passport
    spelling is drawn from the weighted spellings of each part, so a few people are
    YI or CHOE and many given names have variant spellings (SUNG, JOON).

    Raises:
        ValueError: ``sex`` is not ``"M"`` or ``"F"``.
    """
    pool, cumulative = _syllable_pool(sex)
    family = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]
    length = rng.choices(_GIVEN_LENGTHS, weights=_GIVEN_LENGTH_WEIGHTS)[0]
    given: list[str] = []
    while len(given) < length:
        syllable = rng.choices(pool, cum_weights=cumulative)[0]
        if syllable not in given:
            given.append(syllable)
    given_hangul = "".join(given)
    return KoreanName(
        family_hangul=family,
        given_hangul=given_hangul,
        family_latin=_draw_spelling(rng, family, surname=True),
        given_latin="".join(_draw_spelling(rng, s) for s in given_hangul),
    )


def host_authority_spelling(rng: random.Random, name: KoreanName) -> str:
    """Write a name as a host immigration authority might: ``"YI, SUNG HO"``.

    Capitals, family name first and a comma. The given name is sometimes split into a
    first and middle name, spellings are sometimes re-drawn from the variants, family and
    given are occasionally swapped, and rarely one typo (a dropped, doubled or swapped
    adjacent letter) is introduced.
    """
    family = name.family_latin
    if rng.random() < _HOST_REDRAW_FAMILY:
        family = _draw_spelling(rng, name.family_hangul, surname=True)
    given_parts = _given_syllable_spellings(name)
    if rng.random() < _HOST_REDRAW_GIVEN:
        given_parts = [_draw_spelling(rng, s) for s in name.given_hangul]
    separator = " " if rng.random() < _HOST_SPLIT_GIVEN else ""
    given = separator.join(given_parts)
    if rng.random() < _HOST_SWAP:
        family, given = given, family
    written = f"{family}, {given}".upper()
    if rng.random() < _HOST_TYPO:
        written = _with_typo(rng, written)
    return written


def employer_spelling(rng: random.Random, name: KoreanName) -> tuple[str, str]:
    """Write a name as an employer's HR spreadsheet might: ``("Lee", "Sung-ho")``.

    Title case; the given name joined, hyphenated or spaced (``Sungho``, ``Sung-ho``,
    ``Sung-Ho``, ``Sung Ho``); variant spellings sometimes.
    """
    family = name.family_latin
    given_parts = _given_syllable_spellings(name)
    if rng.random() < _EMPLOYER_REDRAW:
        family = _draw_spelling(rng, name.family_hangul, surname=True)
        given_parts = [_draw_spelling(rng, s) for s in name.given_hangul]
    style = rng.choice(("joined", "hyphen", "hyphen-capital", "space"))
    parts = [part.lower() for part in given_parts]
    if style == "joined":
        given = "".join(parts).capitalize()
    elif style == "hyphen":
        given = "-".join(parts).capitalize()
    else:
        given = ("-" if style == "hyphen-capital" else " ").join(p.capitalize() for p in parts)
    return family.capitalize(), given


def family_report_name(rng: random.Random, name: KoreanName) -> str:
    """Write a name as a relative reporting a missing person types it, in Hangul.

    Usually ``"이성호"``, sometimes with a space after the family name, and very rarely
    typed with the keyboard in the wrong layout (``"dltjdgh"``).
    """
    if rng.random() < _FAMILY_QWERTY:
        return qwerty_from_hangul(name.full_hangul)
    if rng.random() < _FAMILY_SPACE:
        return f"{name.family_hangul} {name.given_hangul}"
    return name.full_hangul


def draw_foreign_name(rng: random.Random, nationality: str) -> tuple[str, str]:
    """Draw a synthetic ``(family, given)`` name, upper case, for another nationality.

    Supported: CHN, JPN, IDN, MEX, GTM, HND, VNM. Hispanic names often carry two
    surnames (``"GARCIA LOPEZ"``); Vietnamese given names carry a middle name
    (``"VAN MINH"``); Chinese given names may join two syllables (``"XIUYING"``).

    Raises:
        ValueError: the nationality is not supported.
    """
    code = nationality.upper()
    if code not in _FOREIGN_PARTS:
        supported = ", ".join(FOREIGN_NATIONALITIES)
        raise ValueError(f"no synthetic names for nationality {nationality!r} ({supported})")
    families, givens = _FOREIGN_PARTS[code]
    family = rng.choice(families)
    given = rng.choice(givens)
    if code in ("MEX", "GTM", "HND"):
        second_family = rng.choice(families)
        if rng.random() < 0.5 and second_family != family:
            family = f"{family} {second_family}"
        if rng.random() < 0.3:
            male = given in _HISPANIC_GIVEN_MALE
            second = rng.choice(_HISPANIC_GIVEN_MALE if male else _HISPANIC_GIVEN_FEMALE)
            if second != given:
                given = f"{given} {second}"
    elif code == "VNM":
        given = f"{rng.choice(_VIETNAMESE_MIDDLES)} {given}"
    elif code == "CHN" and rng.random() < 0.5:
        given += rng.choice(givens)
    return family, given


def korean_name_from_hangul(full_hangul: str) -> KoreanName:
    """Build a :class:`KoreanName` with the most common passport spelling: ``"이성호"``."""
    family, given = split_hangul_name(full_hangul)
    family_latin, given_latin = romanize_name(family, given)
    return KoreanName(family, given, family_latin, given_latin)


def _syllable_pool(sex: str) -> tuple[Sequence[str], Sequence[float]]:
    code = sex.strip().upper()
    if code in ("M", "MALE"):
        return MALE_SYLLABLES, _MALE_CUMULATIVE
    if code in ("F", "FEMALE"):
        return FEMALE_SYLLABLES, _FEMALE_CUMULATIVE
    raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")


def _draw_spelling(rng: random.Random, hangul: str, *, surname: bool = False) -> str:
    """Draw one spelling of a syllable (or two-syllable surname) by its weight."""
    try:
        spellings = syllable_spellings(hangul, surname=surname)
    except ValueError:
        if not surname or len(hangul) < 2:
            raise
        # A two-syllable surname missing from the table: spell it syllable by syllable.
        return "".join(_draw_spelling(rng, s, surname=True) for s in hangul)
    choices = [spelling for spelling, _ in spellings]
    weights = [weight for _, weight in spellings]
    return rng.choices(choices, weights=weights)[0]


def _given_syllable_spellings(name: KoreanName) -> list[str]:
    """Cut the passport given name back into one spelling per Hangul syllable.

    Falls back to the whole given name as one part when no cut matches the syllables'
    known spellings (a hand-built name with an unusual spelling).
    """
    cut = _cut(name.given_latin.upper(), name.given_hangul)
    return cut if cut is not None else [name.given_latin]


def _cut(latin: str, hangul: str) -> list[str] | None:
    if not hangul:
        return [] if not latin else None
    for spelling, _ in syllable_spellings(hangul[0]):
        if latin.startswith(spelling):
            rest = _cut(latin[len(spelling) :], hangul[1:])
            if rest is not None:
                return [spelling, *rest]
    return None


def _with_typo(rng: random.Random, text: str) -> str:
    """Introduce one typing error at a letter: drop it, double it or swap it with the next."""
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if not letters:
        return text
    i = rng.choice(letters)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "swap" and i + 1 < len(text) and text[i + 1].isalpha() and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    alone = not (i > 0 and text[i - 1].isalpha()) and not (
        i + 1 < len(text) and text[i + 1].isalpha()
    )
    # Dropping a one-letter word would drop a name part, not make a typo.
    if kind == "double" or alone:
        return text[:i] + text[i] + text[i:]
    # A swap that would change nothing (end of a word, same letter twice) drops instead.
    return text[:i] + text[i + 1 :]
