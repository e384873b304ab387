"""Korean particles chosen by the word they follow: 파일을, 목록를 never; 이성호는, 박민 은.

A Korean sentence names a value the catalog cannot know ("%(file)s을(를) 가져왔습니다"), so
its translation writes both forms of the particle. Once the value is in, the pair is
replaced by the form the word before it takes: 을 after a final consonant (받침), 를 after
a vowel; (으)로 is 로 after a vowel or ㄹ. The last sound is read from a Hangul syllable, a
digit as Korean reads it (3 삼, 7 칠), or a Latin word as Koreans say it (``csv`` 브이,
``Kim`` 킴, ``Folkston Center`` 센터). Where nothing tells (a symbol), both forms stay.
"""

from __future__ import annotations

import re

# Each pair as the catalogs write it: (after a final consonant, after a vowel).
_PAIRS = {
    "은(는)": ("은", "는"),
    "이(가)": ("이", "가"),
    "을(를)": ("을", "를"),
    "과(와)": ("과", "와"),
    "(이)": ("이", ""),  # the copula: 이성호이라는 is wrong, 박민이라는 is right
    "(으)로": ("으로", "로"),
}
_PAIR = re.compile("|".join(re.escape(pair) for pair in _PAIRS))
# What may stand between the word and its particle: closing quotes and brackets, markup.
_CLOSING = re.compile(r"(?:[”’\"')\]»」』]|&#3[49];|&quot;|&apos;|</[a-z]+>)+$")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the final ㄹ among the 28 finals (0 is none)
# The final of each digit's Korean reading: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_FINALS = {
    "0": 21, "1": _RIEUL, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": _RIEUL, "8": _RIEUL, "9": 0,
}  # fmt: skip
# The final of 십, 백, 천, 만: a number ending in one, two, three, four or more zeros.
_ZEROS_FINALS = (17, 1, 4, 4)


def _number_final(digits: str) -> int:
    """A number as Korean reads it: 12 십이, 20 이십, 300 삼백, 0 영."""
    significant = digits.rstrip("0")
    zeros = len(digits) - len(significant)
    if not significant:
        return _DIGIT_FINALS["0"]
    if zeros == 0:
        return _DIGIT_FINALS[significant[-1]]
    return _ZEROS_FINALS[min(zeros, len(_ZEROS_FINALS)) - 1]


# Letters said alone (an acronym, a code): 엘, 엠, 엔 and 알 end in a consonant.
_LETTER_FINALS = {"L": _RIEUL, "M": 16, "N": 4, "R": _RIEUL}
# The last letters of a Latin word as Koreans say them: KIM 킴, PARK 파크, LEE 리.
_WORD_FINALS = (("ng", 21), ("m", 16), ("n", 4), ("l", _RIEUL), ("ck", 1), ("b", 17), ("p", 17))


def _final(word: str) -> int | None:
    """The final consonant of the word's last sound (0 for a vowel), None if unknown."""
    last = word[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return (code - _HANGUL_FIRST) % 28
    if last.isdigit():
        return _number_final(re.search(r"[0-9]+$", word).group())  # type: ignore[union-attr]
    letters = re.search(r"[A-Za-z]+$", word)
    if letters is None:
        return None
    latin = letters.group()
    if latin.isupper() and len(latin) <= 4 and not re.search("[AEIOU]", latin[1:]):
        return _LETTER_FINALS.get(latin[-1], 0)  # CSV, ICE, XLSX: said letter by letter
    lower = latin.lower()
    return next((final for ending, final in _WORD_FINALS if lower.endswith(ending)), 0)


def _chosen(text: str, match: re.Match[str]) -> str:
    before = _CLOSING.sub("", text[: match.start()])
    final = _final(before) if before else None
    if final is None:
        return match.group()
    consonant, vowel = _PAIRS[match.group()]
    if match.group() == "(으)로" and final == _RIEUL:
        return vowel
    return consonant if final else vowel


def with_particles(text: str) -> str:
    """``text`` with each pair of particle forms replaced by the one its word takes."""
    if "(" not in text:
        return text
    return _PAIR.sub(lambda match: _chosen(text, match), text)
