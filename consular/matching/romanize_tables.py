"""Data tables behind :mod:`consular.matching.romanize`.

Jamo orders follow the Unicode Hangul syllable arithmetic. Spelling weights are relative
frequencies; the functions that use them normalise each list to sum to 1.0.
"""

from __future__ import annotations

# Jamo in Unicode order, as Hangul compatibility jamo (what a keyboard produces).
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# Index 0 of the finals is "no final consonant".
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

# Revised Romanization of each jamo, in the same order as the tuples above.
RR_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
    "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
)  # fmt: skip
RR_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# A final consonant is written as it sounds at the end of a word.
RR_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip

# Surname spellings. 김 이 박 최 정 come from Foreign Ministry passport statistics as of
# 2024-10-31 (tails from the 2007 NIKL sample); every other weight is approximate.
SURNAME_SPELLINGS: dict[str, tuple[tuple[str, float], ...]] = {
    "김": (("KIM", 99.55), ("GIM", 0.42)),
    "이": (
        ("LEE", 98.77), ("YI", 0.92), ("RHEE", 0.15), ("I", 0.08), ("RHIE", 0.04),
        ("REE", 0.04),
    ),
    "박": (("PARK", 96.59), ("BAK", 1.61), ("PAK", 1.51)),
    "최": (("CHOI", 94.45), ("CHOE", 5.26), ("CHOY", 0.15)),
    "정": (
        ("JUNG", 46.13), ("JEONG", 42.48), ("CHUNG", 7.13), ("JOUNG", 1.5),
        ("CHEONG", 0.8), ("CHONG", 0.6), ("JEOUNG", 0.5), ("JEUNG", 0.3),
        ("CHOUNG", 0.2), ("JONG", 0.2), ("CHEUNG", 0.16),
    ),
    "강": (("KANG", 97.0), ("GANG", 2.0), ("KAHNG", 1.0)),
    "조": (("CHO", 90.0), ("JO", 9.0), ("CHOH", 1.0)),
    "윤": (("YOON", 60.0), ("YUN", 35.0), ("YOUN", 5.0)),
    "장": (("JANG", 65.0), ("CHANG", 33.0), ("JHANG", 2.0)),
    "임": (("LIM", 60.0), ("IM", 30.0), ("YIM", 10.0)),
    "한": (("HAN", 99.0), ("HAHN", 1.0)),
    "오": (("OH", 97.0), ("O", 3.0)),
    "서": (("SEO", 60.0), ("SUH", 37.0), ("SU", 3.0)),
    "신": (("SHIN", 96.0), ("SIN", 4.0)),
    "권": (("KWON", 97.0), ("GWON", 2.0), ("KWEON", 1.0)),
    "황": (("HWANG", 98.0), ("WHANG", 2.0)),
    "안": (("AHN", 75.0), ("AN", 25.0)),
    "송": (("SONG", 100.0),),
    "류": (("RYU", 55.0), ("YOO", 30.0), ("RHYU", 8.0), ("YU", 7.0)),
    "전": (("JEON", 60.0), ("JUN", 20.0), ("CHUN", 18.0), ("CHEON", 2.0)),
    "홍": (("HONG", 100.0),),
    "고": (("KO", 85.0), ("GO", 13.0), ("KOH", 2.0)),
    "문": (("MOON", 90.0), ("MUN", 10.0)),
    "양": (("YANG", 100.0),),
    "손": (("SON", 90.0), ("SOHN", 10.0)),
    "배": (("BAE", 95.0), ("PAE", 5.0)),
    "백": (("BAEK", 60.0), ("PAIK", 25.0), ("PAEK", 15.0)),
    "허": (("HEO", 50.0), ("HUH", 40.0), ("HUR", 10.0)),
    "유": (("YOO", 60.0), ("YU", 30.0), ("YOU", 10.0)),
    "남": (("NAM", 100.0),),
    "심": (("SHIM", 80.0), ("SIM", 20.0)),
    "노": (("NOH", 50.0), ("ROH", 35.0), ("NO", 15.0)),
    "하": (("HA", 100.0),),
    "곽": (("KWAK", 90.0), ("GWAK", 10.0)),
    "성": (("SUNG", 60.0), ("SEONG", 40.0)),
    "차": (("CHA", 100.0),),
    "주": (("JOO", 60.0), ("JU", 35.0), ("CHOO", 5.0)),
    "우": (("WOO", 97.0), ("U", 3.0)),
    "구": (("KOO", 65.0), ("KU", 30.0), ("GU", 5.0)),
    "민": (("MIN", 100.0),),
    "나": (("NA", 85.0), ("RA", 15.0)),
    "진": (("JIN", 85.0), ("CHIN", 15.0)),
    "지": (("JI", 85.0), ("CHI", 10.0), ("JEE", 5.0)),
    "엄": (("EOM", 60.0), ("UM", 35.0), ("UHM", 5.0)),
    "채": (("CHAE", 90.0), ("CHAI", 5.0), ("CHEA", 5.0)),
    "원": (("WON", 95.0), ("WEON", 5.0)),
    "천": (("CHEON", 60.0), ("CHUN", 40.0)),
    "방": (("BANG", 90.0), ("PANG", 10.0)),
    "공": (("KONG", 80.0), ("GONG", 20.0)),
    "현": (("HYUN", 70.0), ("HYEON", 30.0)),
    "함": (("HAM", 90.0), ("HAHM", 10.0)),
    "변": (("BYUN", 60.0), ("BYEON", 35.0), ("PYUN", 5.0)),
    "염": (("YEOM", 50.0), ("YUM", 45.0), ("YOUM", 5.0)),
    "여": (("YEO", 70.0), ("YOH", 20.0), ("YO", 10.0)),
    "추": (("CHOO", 60.0), ("CHU", 40.0)),
    "도": (("DO", 70.0), ("DOH", 20.0), ("TO", 10.0)),
    "소": (("SO", 90.0), ("SOH", 10.0)),
    "석": (("SEOK", 60.0), ("SUK", 40.0)),
    "선": (("SUN", 60.0), ("SEON", 40.0)),
    "설": (("SEOL", 60.0), ("SUL", 40.0)),
    "마": (("MA", 100.0),),
    "길": (("KIL", 60.0), ("GIL", 40.0)),
    "연": (("YEON", 60.0), ("YUN", 30.0), ("YOUN", 10.0)),
    "위": (("WI", 60.0), ("WEE", 40.0)),
    "표": (("PYO", 100.0),),
    "명": (("MYUNG", 55.0), ("MYEONG", 45.0)),
    "기": (("KI", 60.0), ("KEE", 25.0), ("GI", 15.0)),
    "반": (("BAN", 90.0), ("PAN", 10.0)),
    "왕": (("WANG", 100.0),),
    "금": (("KEUM", 60.0), ("GEUM", 35.0), ("KUM", 5.0)),
    "옥": (("OK", 90.0), ("OAK", 10.0)),
    "육": (("YOOK", 50.0), ("YUK", 50.0)),
    "인": (("IN", 100.0),),
    "맹": (("MAENG", 100.0),),
    "제": (("JE", 80.0), ("JEH", 20.0)),
    "모": (("MO", 90.0), ("MOH", 10.0)),
    "탁": (("TAK", 90.0), ("TAG", 10.0)),
    "국": (("KOOK", 60.0), ("KUK", 30.0), ("GUK", 10.0)),
    "어": (("EO", 60.0), ("UH", 40.0)),
    "은": (("EUN", 90.0), ("UN", 10.0)),
    "편": (("PYUN", 60.0), ("PYEON", 40.0)),
    "용": (("YONG", 100.0),),
    "예": (("YE", 70.0), ("YEH", 30.0)),
    "경": (("KYUNG", 60.0), ("KYEONG", 30.0), ("GYEONG", 10.0)),
    "봉": (("BONG", 90.0), ("PONG", 10.0)),
    "사": (("SA", 100.0),),
    "부": (("BOO", 60.0), ("BU", 40.0)),
    "황보": (("HWANGBO", 100.0),),
    "남궁": (("NAMGUNG", 70.0), ("NAMKOONG", 20.0), ("NAMKUNG", 10.0)),
    "제갈": (("JEGAL", 90.0), ("CHEGAL", 10.0)),
    "선우": (("SEONWOO", 50.0), ("SUNWOO", 50.0)),
    "독고": (("DOKGO", 70.0), ("DOKKO", 30.0)),
    "서문": (("SEOMUN", 50.0), ("SEOMOON", 30.0), ("SUHMOON", 20.0)),
    "사공": (("SAGONG", 80.0), ("SAKONG", 20.0)),
}  # fmt: skip

TWO_SYLLABLE_SURNAMES = frozenset(s for s in SURNAME_SPELLINGS if len(s) == 2)

# Given-name syllables whose spellings are known better than the rules predict; the
# first entry is the RR form or the form most passports use. Weights are approximate.
GIVEN_SYLLABLE_OVERRIDES: dict[str, tuple[tuple[str, float], ...]] = {
    "성": (("SEONG", 50.0), ("SUNG", 45.0), ("SOUNG", 3.0), ("SONG", 2.0)),
    "정": (("JEONG", 50.0), ("JUNG", 35.0), ("CHUNG", 10.0), ("JOUNG", 3.0), ("CHONG", 2.0)),
    "영": (("YOUNG", 60.0), ("YEONG", 35.0), ("YUNG", 3.0), ("YONG", 2.0)),
    "현": (("HYUN", 55.0), ("HYEON", 40.0), ("HYOUN", 5.0)),
    "준": (("JUN", 60.0), ("JOON", 35.0), ("CHUN", 5.0)),
    "주": (("JU", 60.0), ("JOO", 38.0), ("CHU", 2.0)),
    "훈": (("HUN", 55.0), ("HOON", 45.0)),
    "은": (("EUN", 90.0), ("UN", 10.0)),
    "우": (("WOO", 65.0), ("U", 30.0), ("WU", 5.0)),
    "석": (("SEOK", 55.0), ("SUK", 40.0), ("SEOG", 3.0), ("SOK", 2.0)),
    "철": (("CHEOL", 50.0), ("CHUL", 47.0), ("CHEUL", 3.0)),
    "수": (("SU", 55.0), ("SOO", 45.0)),
    "희": (("HEE", 55.0), ("HUI", 40.0), ("HI", 5.0)),
    "의": (("UI", 50.0), ("EUI", 50.0)),
    "민": (("MIN", 100.0),),
    "이": (("I", 40.0), ("YI", 30.0), ("LEE", 25.0), ("EE", 5.0)),
    "경": (("KYUNG", 50.0), ("GYEONG", 35.0), ("KYEONG", 10.0), ("KYOUNG", 5.0)),
    "광": (("KWANG", 60.0), ("GWANG", 40.0)),
    "기": (("KI", 50.0), ("GI", 45.0), ("KEE", 5.0)),
    "규": (("KYU", 55.0), ("GYU", 45.0)),
    "근": (("GEUN", 50.0), ("KEUN", 45.0), ("KUN", 5.0)),
    "병": (("BYEONG", 50.0), ("BYUNG", 45.0), ("PYUNG", 5.0)),
    "재": (("JAE", 95.0), ("CHAE", 3.0), ("JE", 2.0)),
    "승": (("SEUNG", 90.0), ("SUNG", 10.0)),
    "형": (("HYEONG", 50.0), ("HYUNG", 50.0)),
    "혁": (("HYEOK", 55.0), ("HYUK", 45.0)),
    "연": (("YEON", 60.0), ("YUN", 30.0), ("YOUN", 10.0)),
    "선": (("SEON", 55.0), ("SUN", 42.0), ("SHUN", 3.0)),
    "신": (("SHIN", 55.0), ("SIN", 45.0)),
    "윤": (("YUN", 50.0), ("YOON", 45.0), ("YOUN", 5.0)),
    "유": (("YU", 60.0), ("YOO", 35.0), ("YOU", 5.0)),
    "서": (("SEO", 70.0), ("SUH", 20.0), ("SU", 10.0)),
    "명": (("MYEONG", 50.0), ("MYUNG", 50.0)),
    "원": (("WON", 90.0), ("WEON", 10.0)),
    "혜": (("HYE", 100.0),),
    "태": (("TAE", 100.0),),
    "상": (("SANG", 100.0),),
    "호": (("HO", 100.0),),
    "용": (("YONG", 100.0),),
    "환": (("HWAN", 100.0),),
}

# Alternative spellings of each part of a syllable, with relative weights (approximate).
# The Revised Romanization form always carries the highest weight, so it comes first.
INITIAL_ALTERNATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "g": (("g", 0.6), ("k", 0.4)),
    "d": (("d", 0.85), ("t", 0.15)),
    "b": (("b", 0.75), ("p", 0.25)),
    "j": (("j", 0.85), ("ch", 0.15)),
    "ch": (("ch", 0.95), ("j", 0.05)),
    "r": (("r", 0.7), ("l", 0.3)),
    "t": (("t", 0.9), ("d", 0.1)),
    "p": (("p", 0.9), ("b", 0.1)),
    "k": (("k", 0.9), ("g", 0.1)),
}
# ㅅ is often written "sh" before "i" (신 Shin, 식 Shik).
S_BEFORE_I_ALTERNATIVES: tuple[tuple[str, float], ...] = (("s", 0.55), ("sh", 0.45))

MEDIAL_ALTERNATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "ae": (("ae", 0.85), ("e", 0.15)),
    "eo": (("eo", 0.5), ("u", 0.35), ("o", 0.1), ("ou", 0.05)),
    "yeo": (("yeo", 0.4), ("yu", 0.4), ("you", 0.15), ("yo", 0.05)),
    "oe": (("oe", 0.6), ("oi", 0.25), ("we", 0.15)),
    "u": (("u", 0.6), ("oo", 0.35), ("ou", 0.05)),
    "wo": (("wo", 0.9), ("weo", 0.1)),
    "wi": (("wi", 0.8), ("wee", 0.2)),
    "yu": (("yu", 0.7), ("yoo", 0.25), ("you", 0.05)),
    "eu": (("eu", 0.75), ("u", 0.25)),
    "ui": (("ui", 0.5), ("eui", 0.3), ("ee", 0.1), ("i", 0.1)),
}
# Vowels after a final-less syllable start (ㅇ), where a glide is often written.
MEDIAL_ALTERNATIVES_WITHOUT_INITIAL: dict[str, tuple[tuple[str, float], ...]] = {
    "u": (("u", 0.5), ("woo", 0.4), ("wu", 0.1)),
    "i": (("i", 0.8), ("yi", 0.2)),
}
# "i" becomes "ee" only at the end of a syllable (기 Kee, but 민 never Meen).
OPEN_I_ALTERNATIVES: tuple[tuple[str, float], ...] = (("i", 0.8), ("ee", 0.2))

FINAL_ALTERNATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "k": (("k", 0.9), ("g", 0.1)),
    "p": (("p", 0.9), ("b", 0.1)),
}

# Dubeolsik (2-set) keyboard: QWERTY key to compatibility jamo; capitals are shifted keys.
QWERTY_TO_JAMO: dict[str, str] = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ",
    "i": "ㅑ", "o": "ㅐ", "p": "ㅔ", "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ",
    "g": "ㅎ", "h": "ㅗ", "j": "ㅓ", "k": "ㅏ", "l": "ㅣ", "z": "ㅋ", "x": "ㅌ",
    "c": "ㅊ", "v": "ㅍ", "b": "ㅠ", "n": "ㅜ", "m": "ㅡ",
    "Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ",
}  # fmt: skip

# Two keystrokes that the keyboard combines into one vowel or one final consonant.
COMPOUND_MEDIALS: dict[tuple[str, str], str] = {
    ("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ",
}  # fmt: skip
COMPOUND_FINALS: dict[tuple[str, str], str] = {
    ("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ", ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ", ("ㅂ", "ㅅ"): "ㅄ",
}  # fmt: skip
